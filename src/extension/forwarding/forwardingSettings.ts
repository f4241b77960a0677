/**
 * The `traceLens.forwarding.*` settings, validated, and writing them back to the scope where the
 * user keeps them. Secrets are never read from or written
 * to settings (see forwardingController.ts, SecretStorage).
 */
import type { ForwardingLimits, ForwardingTargetSetting } from '../../core/forwarding/types';
import { SETTINGS } from '../ids';
import { readSettings, writeSetting } from '../settings';
import { sanitizeTargets } from './forwardingModel';


export interface ForwardingSettings {
  enabled: boolean;
  targets: ForwardingTargetSetting[];
  limits: ForwardingLimits;
  /** Trace Lens's own receiver ports (a target there would loop). */
  ownPorts: number[];
}

/** The forwarding settings, validated (see src/extension/settings.ts for the reading). */
export function readForwardingSettings(): ForwardingSettings {
  const { forwarding, receiver } = readSettings();
  return {
    enabled: forwarding.enabled,
    targets: sanitizeTargets(forwarding.targets),
    limits: {
      batchMaxBytes: forwarding.batchMaxBytes,
      batchIntervalMs: forwarding.batchIntervalMs,
      queueMaxBytes: forwarding.queueMaxBytes,
      requestTimeoutMs: forwarding.requestTimeoutMs,
    },
    ownPorts: [receiver.port, receiver.grpcPort].filter((p) => p > 0),
  };
}

/** Writes the target list where it is defined now (user settings by default). */
export async function writeTargets(targets: ForwardingTargetSetting[]): Promise<void> {
  await writeSetting(SETTINGS.forwardingTargets, targets);
}

/** Turns forwarding on or off where the setting is defined now. */
export async function writeEnabled(enabled: boolean): Promise<void> {
  await writeSetting(SETTINGS.forwardingEnabled, enabled);
}
