/**
 * The one reader (and writer) of the `traceLens.*` settings. Defaults live only in
 * `package.json` (`contributes.configuration`): VS Code returns them when the user set nothing,
 * and a value of the wrong type falls back to that same default (`inspect().defaultValue`).
 * Values that need domain validation (forwarding targets, price overrides, path mappings) are
 * handed on raw and validated by their feature.
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
}

type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isAny = (_v: unknown): _v is unknown => true;

/**
 * The value of `key`, or the `package.json` default when the value has the wrong type.
 * @throws Error when `package.json` declares no usable default (a packaging mistake).
 */
function read<T>(c: vscode.WorkspaceConfiguration, key: SettingKey, valid: (v: unknown) => v is T): T {
  const value = c.get<unknown>(key);
  if (valid(value)) return value;
  const fallback = c.inspect<unknown>(key)?.defaultValue;
  if (valid(fallback)) return fallback;
  throw new Error(`${SETTINGS_SECTION}.${key} has no valid default in package.json`);
}

/** Reads the `traceLens.*` settings (user, workspace and folder values merged by VS Code). */
export function readSettings(): TraceLensSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const host = read(c, SETTINGS.receiverHost, isString).trim();
  return {
    receiver: {
      autoStart: read(c, SETTINGS.receiverAutoStart, isBoolean),
      host: host || String(c.inspect<string>(SETTINGS.receiverHost)?.defaultValue ?? host),
      port: read(c, SETTINGS.receiverPort, isNumber),
      grpcEnabled: read(c, SETTINGS.receiverGrpcEnabled, isBoolean),
      grpcPort: read(c, SETTINGS.receiverGrpcPort, isNumber),
      maxBodyBytes: Math.round(read(c, SETTINGS.receiverMaxBodyMegabytes, isNumber) * 1024 * 1024),
      corsAllowedOrigins: read(c, SETTINGS.receiverCorsAllowedOrigins, isStrings),
    },
    store: {
      maxSpans: read(c, SETTINGS.storeMaxSpans, isNumber),
      maxMegabytes: read(c, SETTINGS.storeMaxMegabytes, isNumber),
      maxAttributeValueLength: Math.max(
        MIN_MAX_ATTRIBUTE_VALUE_LENGTH,
        Math.floor(read(c, SETTINGS.storeMaxAttributeValueLength, isNumber)) || DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
      ),
    },
    persistence: read(c, SETTINGS.storePersistence, isString) === 'workspace' ? 'workspace' : 'off',
    forwarding: {
      enabled: read(c, SETTINGS.forwardingEnabled, isBoolean),
      targets: read(c, SETTINGS.forwardingTargets, isAny),
      batchMaxBytes: Math.round(read(c, SETTINGS.forwardingBatchMaxKilobytes, isNumber) * 1024),
      batchIntervalMs: read(c, SETTINGS.forwardingBatchIntervalMilliseconds, isNumber),
      queueMaxBytes: Math.round(read(c, SETTINGS.forwardingQueueMaxMegabytes, isNumber) * 1024 * 1024),
      requestTimeoutMs: Math.round(read(c, SETTINGS.forwardingRequestTimeoutSeconds, isNumber) * 1000),
    },
    sourcePathMappings: read(c, SETTINGS.sourcePathMappings, isAny),
    codeLensEnabled: read(c, SETTINGS.codeLensEnabled, isBoolean),
    pricingModels: read(c, SETTINGS.pricingModels, isAny),
  };
}

/** True when a configuration change touches `key` (`traceLens.<key>`), or any Trace Lens setting without a key. */
export function affectsSetting(event: vscode.ConfigurationChangeEvent, key?: SettingKey): boolean {
  return event.affectsConfiguration(key ? `${SETTINGS_SECTION}.${key}` : SETTINGS_SECTION);
}

/** The most specific scope that defines `key`; Global when none does. */
function scopeOf(key: SettingKey): vscode.ConfigurationTarget {
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/**
 * Writes `key`: where it is defined now (`'defined'`, user settings when nowhere), or in the
 * workspace when a folder is open (`'workspace'`, e.g. a port that only this project needs).
 */
export async function writeSetting(key: SettingKey, value: unknown, where: 'defined' | 'workspace' = 'defined'): Promise<void> {
  const target = where === 'defined'
    ? scopeOf(key)
    : vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(key, value, target);
}
