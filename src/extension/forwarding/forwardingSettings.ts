/**
 * The `traceLens.forwarding.*` settings, validated, and writing them back to the user settings
 * (the only scope they are read from: src/extension/settings.ts). Secrets are never read from or
 * written to settings (see forwardingController.ts, SecretStorage).
 */
import type { ForwardingLimits, ForwardingTargetSetting } from '../../core/forwarding/types';
import { SETTINGS } from '../ids';
import { readSettings, writeSetting, type IgnoredWorkspaceValue } from '../settings';
import { sanitizeTargets } from './forwardingModel';


export interface ForwardingSettings {
  enabled: boolean;
  targets: ForwardingTargetSetting[];
  limits: ForwardingLimits;
  /** Trace Lens's own receiver ports (a target there would loop). */
  ownPorts: number[];
  /** Workspace or folder values of `traceLens.forwarding.*` that were ignored (user settings only). */
  ignoredWorkspaceValues: IgnoredWorkspaceValue[];
}

/** The forwarding settings, validated (see src/extension/settings.ts for the reading). */
export function readForwardingSettings(): ForwardingSettings {
  const { forwarding, receiver, ignoredWorkspaceValues } = readSettings();
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
    ignoredWorkspaceValues: ignoredWorkspaceValues.filter((i) => i.setting.startsWith('traceLens.forwarding.')),
  };
}

/** Writes the target list to the user settings. */
export async function writeTargets(targets: ForwardingTargetSetting[]): Promise<void> {
  await writeSetting(SETTINGS.forwardingTargets, targets);
}

/** Turns forwarding on or off in the user settings. */
export async function writeEnabled(enabled: boolean): Promise<void> {
  await writeSetting(SETTINGS.forwardingEnabled, enabled);
}
