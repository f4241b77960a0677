/**
 * The `traceLens.forwarding.*` settings: typed reading (with the defaults of package.json) and
 * writing back to the scope where the user keeps them. Secrets are never read from or written
 * to settings (see forwardingController.ts, SecretStorage).
 */
import * as vscode from 'vscode';
import type { ForwardingLimits, ForwardingTargetSetting } from '../../core/forwarding/types';
import { SETTINGS, SETTINGS_SECTION } from '../ids';
import { sanitizeTargets } from './forwardingModel';

export { mergeTargets, sanitizeTargets } from './forwardingModel';

export interface ForwardingSettings {
  enabled: boolean;
  targets: ForwardingTargetSetting[];
  limits: ForwardingLimits;
  /** Trace Lens's own receiver ports (a target there would loop). */
  ownPorts: number[];
}

export function readForwardingSettings(): ForwardingSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const num = (key: string, fallback: number) => {
    const v = c.get<number>(key, fallback);
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  };
  return {
    enabled: c.get<boolean>(SETTINGS.forwardingEnabled, true),
    targets: sanitizeTargets(c.get<unknown>(SETTINGS.forwardingTargets, [])),
    limits: {
      batchMaxBytes: Math.round(num(SETTINGS.forwardingBatchMaxKilobytes, 512) * 1024),
      batchIntervalMs: num(SETTINGS.forwardingBatchIntervalMilliseconds, 1000),
      queueMaxBytes: Math.round(num(SETTINGS.forwardingQueueMaxMegabytes, 64) * 1024 * 1024),
      requestTimeoutMs: Math.round(num(SETTINGS.forwardingRequestTimeoutSeconds, 30) * 1000),
    },
    // Read directly (not through settings.ts) so forwarding does not depend on the receiver's settings shape.
    ownPorts: [c.get<number>('receiver.port', 4318), c.get<number>('receiver.grpcPort', 4317)].filter((p) => typeof p === 'number' && p > 0),
  };
}

/** The most specific scope that defines `key`; Global when none does. */
function scopeOf(key: string): vscode.ConfigurationTarget {
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** Writes the target list where it is defined now (user settings by default). */
export async function writeTargets(targets: ForwardingTargetSetting[]): Promise<void> {
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(SETTINGS.forwardingTargets, targets, scopeOf(SETTINGS.forwardingTargets));
}

export async function writeEnabled(enabled: boolean): Promise<void> {
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(SETTINGS.forwardingEnabled, enabled, scopeOf(SETTINGS.forwardingEnabled));
}
