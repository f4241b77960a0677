/**
 * What a repository's `.vscode/settings.json` may not decide: where forwarding sends the user's
 * telemetry (and keys), and which interface and browser origins the receiver serves. Checked twice:
 * in package.json (the `scope` VS Code enforces, and `capabilities.untrustedWorkspaces`), and in
 * the settings reader, which takes those settings from the user's own values even when VS Code
 * hands out a workspace value (the stand-in `vscode` below does, on purpose).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setSetting, settings as scopes, resetFakeVscode } from '../../support/fakeVscode';

vi.mock('vscode', async () => (await import('../../support/fakeVscode')).vscodeModule);

const { readSettings } = await import('../../../src/extension/settings');
const { readForwardingSettings, writeEnabled, writeTargets } = await import('../../../src/extension/forwarding/forwardingSettings');

interface SettingSchema {
  scope?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown; restrictedConfigurations?: unknown } };
};
const properties = manifest.contributes.configuration.properties;
const forwardingKeys = Object.keys(properties).filter((k) => k.startsWith('traceLens.forwarding.'));
const receiverExposureKeys = ['traceLens.receiver.host', 'traceLens.receiver.corsAllowedOrigins'];

describe('package.json: settings a workspace cannot set', () => {
  it('every traceLens.forwarding.* setting is application-scoped (VS Code ignores workspace and folder values)', () => {
    expect(forwardingKeys.sort()).toEqual([
      'traceLens.forwarding.batchIntervalMilliseconds',
      'traceLens.forwarding.batchMaxKilobytes',
      'traceLens.forwarding.enabled',
      'traceLens.forwarding.queueMaxMegabytes',
      'traceLens.forwarding.requestTimeoutSeconds',
      'traceLens.forwarding.targets',
    ]);
    for (const key of forwardingKeys) expect(properties[key].scope, key).toBe('application');
  });

  it('the receiver bind address and CORS origins are machine-scoped; the ports stay per window (a project may need its own port)', () => {
    for (const key of receiverExposureKeys) expect(properties[key].scope, key).toBe('machine');
    for (const key of ['traceLens.receiver.port', 'traceLens.receiver.grpcPort']) expect([undefined, 'window', 'resource'], key).toContain(properties[key].scope);
  });

  it('capabilities.untrustedWorkspaces: limited support, with those settings restricted and a description', () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    expect(untrusted?.supported).toBe('limited');
    expect(typeof untrusted?.description === 'string' && untrusted.description.length > 20).toBe(true);
    const restricted = untrusted?.restrictedConfigurations as string[];
    expect(Array.isArray(restricted)).toBe(true);
    for (const key of [...forwardingKeys, ...receiverExposureKeys]) expect(restricted, key).toContain(key);
    for (const key of restricted) expect(properties[key], `${key} is declared`).toBeDefined();
  });
});

const USER_TARGET = { name: 'Langfuse', preset: 'langfuse', endpoint: 'https://cloud.langfuse.com' };
const EVIL_TARGET = { name: 'Langfuse', preset: 'langfuse', endpoint: 'https://collector.attacker.example' };

describe('settings reader: forwarding and receiver exposure come from user values only', () => {
  beforeEach(() => resetFakeVscode());

  it('ignores a workspace value for forwarding targets (the user keeps their own target and its endpoint)', () => {
    setSetting('user', 'traceLens.forwarding.targets', [USER_TARGET]);
    setSetting('workspace', 'traceLens.forwarding.targets', [EVIL_TARGET, { name: 'extra', preset: 'otlp', endpoint: 'https://x.attacker.example' }]);
    const s = readSettings();
    expect(s.forwarding.targets).toEqual([USER_TARGET]);
    expect(readForwardingSettings().targets.map((t) => t.endpoint)).toEqual(['https://cloud.langfuse.com']);
    expect(s.ignoredWorkspaceValues).toContainEqual({ setting: 'traceLens.forwarding.targets', scope: 'workspace' });
  });

  it('a workspace alone cannot add targets, turn forwarding on, or change its limits', () => {
    setSetting('workspace', 'traceLens.forwarding.targets', [EVIL_TARGET]);
    setSetting('workspaceFolder', 'traceLens.forwarding.enabled', true);
    setSetting('user', 'traceLens.forwarding.enabled', false);
    setSetting('workspace', 'traceLens.forwarding.queueMaxMegabytes', 1);
    const s = readForwardingSettings();
    expect(s.targets).toEqual([]);
    expect(s.enabled).toBe(false);
    expect(s.limits.queueMaxBytes).toBe(64 * 1024 * 1024);
    expect(readSettings().ignoredWorkspaceValues).toEqual([
      { setting: 'traceLens.forwarding.enabled', scope: 'workspaceFolder' },
      { setting: 'traceLens.forwarding.targets', scope: 'workspace' },
      { setting: 'traceLens.forwarding.queueMaxMegabytes', scope: 'workspace' },
    ]);
  });

  it('a workspace cannot bind the receiver to all interfaces or allow more browser origins; the user can', () => {
    setSetting('workspace', 'traceLens.receiver.host', '0.0.0.0');
    setSetting('workspace', 'traceLens.receiver.corsAllowedOrigins', ['*']);
    expect(readSettings().receiver.host).toBe('127.0.0.1');
    expect(readSettings().receiver.corsAllowedOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    setSetting('user', 'traceLens.receiver.host', '0.0.0.0');
    expect(readSettings().receiver.host).toBe('0.0.0.0');
    // A blank or mistyped user value still falls back to loopback.
    for (const host of ['   ', 42]) {
      setSetting('user', 'traceLens.receiver.host', host);
      expect(readSettings().receiver.host, String(host)).toBe('127.0.0.1');
    }
  });

  it('a per-project port is still a workspace setting', () => {
    setSetting('user', 'traceLens.receiver.port', 4318);
    setSetting('workspace', 'traceLens.receiver.port', 14318);
    expect(readSettings().receiver.port).toBe(14318);
    expect(readSettings().ignoredWorkspaceValues).toEqual([]);
  });

  it('writing targets or the switch goes to the user settings, never into the workspace that had a value', async () => {
    setSetting('workspace', 'traceLens.forwarding.targets', [EVIL_TARGET]);
    setSetting('workspace', 'traceLens.forwarding.enabled', true);
    await writeTargets([{ name: 'Mine', preset: 'otlp', endpoint: 'http://localhost:6006' }]);
    await writeEnabled(true);
    expect(scopes.user['traceLens.forwarding.targets']).toEqual([{ name: 'Mine', preset: 'otlp', endpoint: 'http://localhost:6006' }]);
    expect(scopes.user['traceLens.forwarding.enabled']).toBe(true);
    expect(scopes.workspace['traceLens.forwarding.targets']).toEqual([EVIL_TARGET]);
  });
});
