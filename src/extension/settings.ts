import * as vscode from 'vscode';
import { SETTINGS, SETTINGS_SECTION } from './ids';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, MIN_MAX_ATTRIBUTE_VALUE_LENGTH } from '../model/limits';

/** All settings, typed, with the defaults of `package.json`. */
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
}

/** Reads the `traceLens.*` settings (user, workspace and folder values merged by VS Code). */
export function readSettings(): TraceLensSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    receiver: {
      autoStart: c.get<boolean>(SETTINGS.receiverAutoStart, true),
      host: c.get<string>(SETTINGS.receiverHost, '127.0.0.1').trim() || '127.0.0.1',
      port: c.get<number>(SETTINGS.receiverPort, 4318),
      grpcEnabled: c.get<boolean>(SETTINGS.receiverGrpcEnabled, true),
      grpcPort: c.get<number>(SETTINGS.receiverGrpcPort, 4317),
      maxBodyBytes: Math.round(c.get<number>(SETTINGS.receiverMaxBodyMegabytes, 20) * 1024 * 1024),
      corsAllowedOrigins: c.get<string[]>(SETTINGS.receiverCorsAllowedOrigins, ['http://localhost:*', 'http://127.0.0.1:*']),
    },
    store: {
      maxSpans: c.get<number>(SETTINGS.storeMaxSpans, 200_000),
      maxMegabytes: c.get<number>(SETTINGS.storeMaxMegabytes, 512),
      maxAttributeValueLength: Math.max(
        MIN_MAX_ATTRIBUTE_VALUE_LENGTH,
        Math.floor(c.get<number>(SETTINGS.storeMaxAttributeValueLength, DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH)) || DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
      ),
    },
    persistence: c.get<string>(SETTINGS.storePersistence, 'off') === 'workspace' ? 'workspace' : 'off',
  };
}
