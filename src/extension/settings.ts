/**
 * The one reader (and writer) of the `traceLens.*` settings. Defaults live only in
 * `package.json` (`contributes.configuration`): VS Code returns them when the user set nothing,
 * and a value of the wrong type falls back to that same default (`inspect().defaultValue`).
 * Values that need domain validation (forwarding targets, price overrides, path mappings) are
 * handed on raw and validated by their feature.
 *
 * Settings that decide where telemetry and keys go (`USER_ONLY_SETTINGS`: every
 * `traceLens.forwarding.*`, the receiver's bind address and CORS origins) are read from the user's
 * own value only (`inspect().globalValue`), never from a workspace or folder: a repository's
 * `.vscode/settings.json` must not add a forwarding target, re-point the user's target (its keys
 * would follow) or expose the receiver. package.json declares them `application`/`machine`-scoped
 * and restricted in untrusted workspaces, so VS Code already ignores such workspace values; this
 * reader does not rely on it, and reports every value it ignored (`ignoredWorkspaceValues`).
 */
import * as vscode from 'vscode';
import { SETTINGS, SETTINGS_SECTION } from './ids';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, MIN_MAX_ATTRIBUTE_VALUE_LENGTH } from '../model/limits';

/** All settings, typed. Units are in the names; sizes converted to bytes, times to ms. */
export interface TraceLensSettings {
  receiver: {
    autoStart: boolean;
    host: string;
    port: number;
    /** Serve OTLP/gRPC too (same host, `grpcPort`). */
    grpcEnabled: boolean;
    /** 0 picks a free port. */
    grpcPort: number;
    /** Largest request (HTTP body, gRPC message), after decompression. */
    maxBodyBytes: number;
    corsAllowedOrigins: string[];
  };
  store: {
    maxSpans: number;
    maxMegabytes: number;
    /** String attribute values longer than this (characters) are cut with a marker at ingest. */
    maxAttributeValueLength: number;
  };
  /** `traceLens.store.persistence`: keep traces in the workspace storage across sessions. */
  persistence: 'off' | 'workspace';
  forwarding: {
    enabled: boolean;
    /** `traceLens.forwarding.targets` as written (validated by src/extension/forwarding). */
    targets: unknown;
    batchMaxBytes: number;
    batchIntervalMs: number;
    queueMaxBytes: number;
    requestTimeoutMs: number;
  };
  /** `traceLens.source.pathMappings` as written (validated by src/extension/source). */
  sourcePathMappings: unknown;
  codeLensEnabled: boolean;
  /** `traceLens.pricing.models` as written (validated by `parsePriceOverrides`). */
  pricingModels: unknown;
  /**
   * `traceLens.diagnostics.*`: the detector settings as the back end's `resolveDiagnosticsConfig`
   * takes them (validated there), the alert settings (`resolveAlertConfig`), and the on switch.
   */
  diagnostics: { enabled: boolean; settings: Record<string, unknown>; alerts: Record<string, unknown> };
  /** Workspace or folder values of `USER_ONLY_SETTINGS` that were ignored (in reading order). */
  ignoredWorkspaceValues: IgnoredWorkspaceValue[];
}

/** A value of a user-only setting found in a workspace or folder scope, and not used. */
export interface IgnoredWorkspaceValue {
  /** The full id, e.g. `traceLens.forwarding.targets`. */
  setting: string;
  scope: 'workspace' | 'workspaceFolder';
}

type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];

/**
 * Read from the user's settings only (see the top of this file); package.json gives each of them
 * `application` (forwarding) or `machine` (receiver exposure) scope and lists them in
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` (checked by a test).
 */
export const USER_ONLY_SETTINGS: ReadonlySet<SettingKey> = new Set<SettingKey>([
  SETTINGS.forwardingEnabled,
  SETTINGS.forwardingTargets,
  SETTINGS.forwardingBatchMaxKilobytes,
  SETTINGS.forwardingBatchIntervalMilliseconds,
  SETTINGS.forwardingQueueMaxMegabytes,
  SETTINGS.forwardingRequestTimeoutSeconds,
  SETTINGS.receiverHost,
  SETTINGS.receiverCorsAllowedOrigins,
  SETTINGS.replayProviders,
]);

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isAny = (_v: unknown): _v is unknown => true;

/**
 * The value of `key`, or the `package.json` default when the value has the wrong type. For a
 * `USER_ONLY_SETTINGS` key, only the user's value counts; a workspace or folder value is added to
 * `ignored` instead.
 * @throws Error when `package.json` declares no usable default (a packaging mistake).
 */
function readValue<T>(c: vscode.WorkspaceConfiguration, key: SettingKey, valid: (v: unknown) => v is T, ignored: IgnoredWorkspaceValue[]): T {
  let value: unknown;
  if (USER_ONLY_SETTINGS.has(key)) {
    const inspected = c.inspect<unknown>(key);
    value = inspected?.globalValue;
    if (inspected?.workspaceFolderValue !== undefined) ignored.push({ setting: `${SETTINGS_SECTION}.${key}`, scope: 'workspaceFolder' });
    if (inspected?.workspaceValue !== undefined) ignored.push({ setting: `${SETTINGS_SECTION}.${key}`, scope: 'workspace' });
  } else {
    value = c.get<unknown>(key);
  }
  if (valid(value)) return value;
  const fallback = c.inspect<unknown>(key)?.defaultValue;
  if (valid(fallback)) return fallback;
  throw new Error(`${SETTINGS_SECTION}.${key} has no valid default in package.json`);
}

/**
 * Reads the `traceLens.*` settings: user, workspace and folder values merged by VS Code, except
 * `USER_ONLY_SETTINGS` (the user's value or the default).
 */
export function readSettings(): TraceLensSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const ignored: IgnoredWorkspaceValue[] = [];
  const read = <T>(key: SettingKey, valid: (v: unknown) => v is T): T => readValue(c, key, valid, ignored);
  const host = read(SETTINGS.receiverHost, isString).trim();
  return {
    receiver: {
      autoStart: read(SETTINGS.receiverAutoStart, isBoolean),
      host: host || String(c.inspect<string>(SETTINGS.receiverHost)?.defaultValue ?? host),
      port: read(SETTINGS.receiverPort, isNumber),
      grpcEnabled: read(SETTINGS.receiverGrpcEnabled, isBoolean),
      grpcPort: read(SETTINGS.receiverGrpcPort, isNumber),
      maxBodyBytes: Math.round(read(SETTINGS.receiverMaxBodyMegabytes, isNumber) * 1024 * 1024),
      corsAllowedOrigins: read(SETTINGS.receiverCorsAllowedOrigins, isStrings),
    },
    store: {
      maxSpans: read(SETTINGS.storeMaxSpans, isNumber),
      maxMegabytes: read(SETTINGS.storeMaxMegabytes, isNumber),
      maxAttributeValueLength: Math.max(
        MIN_MAX_ATTRIBUTE_VALUE_LENGTH,
        Math.floor(read(SETTINGS.storeMaxAttributeValueLength, isNumber)) || DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
      ),
    },
    persistence: read(SETTINGS.storePersistence, isString) === 'workspace' ? 'workspace' : 'off',
    forwarding: {
      enabled: read(SETTINGS.forwardingEnabled, isBoolean),
      targets: read(SETTINGS.forwardingTargets, isAny),
      batchMaxBytes: Math.round(read(SETTINGS.forwardingBatchMaxKilobytes, isNumber) * 1024),
      batchIntervalMs: read(SETTINGS.forwardingBatchIntervalMilliseconds, isNumber),
      queueMaxBytes: Math.round(read(SETTINGS.forwardingQueueMaxMegabytes, isNumber) * 1024 * 1024),
      requestTimeoutMs: Math.round(read(SETTINGS.forwardingRequestTimeoutSeconds, isNumber) * 1000),
    },
    sourcePathMappings: read(SETTINGS.sourcePathMappings, isAny),
    codeLensEnabled: read(SETTINGS.codeLensEnabled, isBoolean),
    pricingModels: read(SETTINGS.pricingModels, isAny),
    diagnostics: {
      enabled: read(SETTINGS.diagnosticsEnabled, isBoolean),
      settings: {
        maxIterations: read(SETTINGS.diagnosticsMaxIterations, isNumber),
        loopRepeats: read(SETTINGS.diagnosticsLoopRepeats, isNumber),
        retryRepeats: read(SETTINGS.diagnosticsRetryRepeats, isNumber),
        spikeFactor: read(SETTINGS.diagnosticsSpikeFactor, isNumber),
        contextThreshold: read(SETTINGS.diagnosticsContextThreshold, isNumber),
        baselineRuns: read(SETTINGS.diagnosticsBaselineRuns, isNumber),
        baselineMinRuns: read(SETTINGS.diagnosticsBaselineMinRuns, isNumber),
        baselineThreshold: read(SETTINGS.diagnosticsBaselineThreshold, isNumber),
        toolSkipRate: read(SETTINGS.diagnosticsToolSkipRate, isNumber),
        expectedTools: read(SETTINGS.diagnosticsExpectedTools, isAny),
        disabled: read(SETTINGS.diagnosticsDisabled, isStrings),
      },
      alerts: {
        enabled: read(SETTINGS.diagnosticsAlertsEnabled, isBoolean),
        thresholds: read(SETTINGS.diagnosticsAlertsThresholds, isAny),
        minIntervalMinutes: read(SETTINGS.diagnosticsAlertsMinIntervalMinutes, isNumber),
      },
    },
    ignoredWorkspaceValues: ignored,
  };
}

/** `traceLens.agents.*`: what the language model tools, the MCP server and @tracelens may hand to a coding agent. */
export interface AgentSettings {
  /** `false` when any scope (user, workspace, folder) sets `traceLens.agents.includeContent` to false. */
  includeContent: boolean;
  /** `traceLens.agents.outputBudgetCharacters`, clamped to 1,000–200,000. */
  outputBudgetCharacters: number;
  /** `traceLens.agents.redactionPatterns` of every scope together (regular expression sources, not yet compiled). */
  redactionPatterns: string[];
}

/** Bounds of `traceLens.agents.outputBudgetCharacters` (package.json declares the same). */
export const AGENT_BUDGET_RANGE = { min: 1_000, max: 200_000 } as const;

/**
 * Reads `traceLens.agents.*`. A workspace can only make them stricter: content is off when any
 * scope turns it off (a repository's `.vscode/settings.json` cannot turn on what the user turned
 * off), and redaction patterns of every scope apply together.
 */
export function readAgentSettings(): AgentSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const include = c.inspect<unknown>(SETTINGS.agentsIncludeContent);
  const values = [include?.defaultValue, include?.globalValue, include?.workspaceValue, include?.workspaceFolderValue];
  const includeContent = !values.some((v) => v === false);
  const ignored: IgnoredWorkspaceValue[] = [];
  const budget = readValue(c, SETTINGS.agentsOutputBudgetCharacters, isNumber, ignored);
  const patterns = c.inspect<unknown>(SETTINGS.agentsRedactionPatterns);
  const redactionPatterns: string[] = [];
  for (const v of [patterns?.globalValue, patterns?.workspaceValue, patterns?.workspaceFolderValue]) {
    if (Array.isArray(v)) for (const p of v) if (typeof p === 'string' && p && !redactionPatterns.includes(p)) redactionPatterns.push(p);
  }
  return {
    includeContent,
    outputBudgetCharacters: Math.min(AGENT_BUDGET_RANGE.max, Math.max(AGENT_BUDGET_RANGE.min, Math.floor(budget))),
    redactionPatterns,
  };
}

/** Replay settings (src/extension/replay): the providers as set by the user (read by src/core/replay/providers.ts) and the timeout. */
export interface ReplaySettings {
  /** The raw `traceLens.replay.providers` value from the user settings (a workspace value is ignored). */
  providers: unknown;
  requestTimeoutSeconds: number;
  ignored: IgnoredWorkspaceValue[];
}

/** Reads `traceLens.replay.*`; the providers from the user settings only (they decide where prompts and keys go). */
export function readReplaySettings(): ReplaySettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const ignored: IgnoredWorkspaceValue[] = [];
  const providers = readValue(c, SETTINGS.replayProviders, isAny, ignored);
  const timeout = readValue(c, SETTINGS.replayRequestTimeoutSeconds, isNumber, ignored);
  return { providers: JSON.parse(JSON.stringify(providers ?? [])) as unknown, requestTimeoutSeconds: Math.min(900, Math.max(5, timeout)), ignored };
}

/** True when a configuration change touches `key` (`traceLens.<key>`), or any Trace Lens setting without a key. */
export function affectsSetting(event: vscode.ConfigurationChangeEvent, key?: SettingKey): boolean {
  return event.affectsConfiguration(key ? `${SETTINGS_SECTION}.${key}` : SETTINGS_SECTION);
}

/** The most specific scope that defines `key`; Global when none does, and always for `USER_ONLY_SETTINGS`. */
function scopeOf(key: SettingKey): vscode.ConfigurationTarget {
  if (USER_ONLY_SETTINGS.has(key)) return vscode.ConfigurationTarget.Global;
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/**
 * Writes `key`: where it is defined now (`'defined'`, user settings when nowhere), or in the
 * workspace when a folder is open (`'workspace'`, e.g. a port that only this project needs).
 * `USER_ONLY_SETTINGS` always go to the user settings (a workspace value would be ignored).
 */
export async function writeSetting(key: SettingKey, value: unknown, where: 'defined' | 'workspace' = 'defined'): Promise<void> {
  const target = USER_ONLY_SETTINGS.has(key) || where === 'defined'
    ? scopeOf(key)
    : vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(key, value, target);
}
