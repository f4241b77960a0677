/**
 * Opens real sql.js-backed stores for the store tests, with the WASM from node_modules.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import initSqlJs, { type Database } from 'sql.js';
import { TraceStore } from '../../src/core/store/traceStore';
import type { StoreConfig } from '../../src/core/store/config';

/** `node_modules/sql.js/dist/sql-wasm.wasm`, read once. */
export const wasmBinary = new Uint8Array(
  readFileSync(fileURLToPath(new URL('../../node_modules/sql.js/dist/sql-wasm.wasm', import.meta.url))),
);

/** Limits large enough that retention never triggers unless a test lowers them. */
export const ROOMY_CONFIG: StoreConfig = { maxSpans: 10_000_000, maxMegabytes: 1024 };

/** A fresh empty store; close it in `afterEach`. */
export function openStore(config: StoreConfig = ROOMY_CONFIG): Promise<TraceStore> {
  return TraceStore.open({ wasmBinary, config });
}

/** A bare sql.js database (for running the SQL files directly). */
export async function openRawDatabase(): Promise<Database> {
  const SQL = await initSqlJs({ wasmBinary });
  return new SQL.Database();
}

/**
 * Turns a current snapshot (opened as `main`) into a version-2 file: drops what schema version 3
 * added (the cost columns of spans and traces, queries/migrateV2.sql) and sets the version.
 */
export const DROP_VERSION_3 = [
  'DROP INDEX traces_usage_pending',
  'DROP TABLE trace_usage',
  ...['call', 'cost_pico', 'cost_label', 'usage_input', 'usage_output', 'usage_more'].map((c) => `ALTER TABLE spans DROP COLUMN ${c}`),
  'ALTER TABLE traces DROP COLUMN usage_pending',
  'PRAGMA user_version = 2',
].join(';\n');
