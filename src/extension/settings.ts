import * as vscode from 'vscode';
import { SETTINGS, SETTINGS_SECTION } from './ids';

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
  store: { maxSpans: number; maxMegabytes: number };
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
    },
  };
}
