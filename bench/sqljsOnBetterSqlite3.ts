/**
 * The part of the sql.js API that `src/core/store/**` uses, implemented on better-sqlite3
 * (native SQLite): the benchmark's yardstick. The bench bundles the real ingest worker
 * (`src/core/backend/backendWorker.ts`) and the real `TraceStore` with esbuild's
 * `alias: { 'sql.js': <this file> }`, so the yardstick runs the same schema.sql, the same
 * queries/*.sql, the same prepared statements and the same JS around them on the same decoded
 * spans; only the SQL engine differs (native SQLite 3.53 vs sql.js's WASM SQLite 3.54).
 *
 * Differences that cost the yardstick a little, never the product:
 * - sql.js binds `:name` parameters by position (statement.ts); better-sqlite3 takes named
 *   parameters as an object, so `bind` rebuilds one per execution;
 * - `Uint8Array` parameters are wrapped as `Buffer`s (no copy);
 * - a statement that returns rows is read completely (`all()`) on its first `step()`: the store
 *   reads at most a few thousand rows at once, and better-sqlite3 forbids other statements while
 *   an `iterate()` cursor is open.
 * `getRowsModified()` reports the changes of the last statement that returns no rows, which is
 * what the store asks it for (after INSERT … DO NOTHING and DELETE).
 */
import BetterSqlite3 from 'better-sqlite3';
import type { BindParams, BindValue, Database, QueryExecResult, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { parameterNames } from '../src/core/store/statement';

type Native = BetterSqlite3.Database;
type NativeStatement = BetterSqlite3.Statement<unknown[], unknown[]>;

function nativeValue(value: BindValue): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

class AdapterStatement implements Statement {
  private readonly names: string[];
  private readonly stmt: NativeStatement;
  private readonly reader: boolean;
  private params: Record<string, unknown> | undefined;
  private rows: SqlValue[][] | undefined;
  private index = -1;

  constructor(private readonly db: AdapterDatabase, sql: string) {
    this.names = parameterNames(sql);
    this.stmt = db.native.prepare(sql);
    this.reader = this.stmt.reader;
    if (this.reader) this.stmt.raw(true);
  }

  bind(values?: BindParams): boolean {
    this.reset();
    if (values == null) {
      this.params = undefined;
    } else if (Array.isArray(values)) {
      const params: Record<string, unknown> = {};
      for (let i = 0; i < this.names.length; i++) params[this.names[i]!] = nativeValue(values[i]!);
      this.params = params;
    } else {
      const params: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) params[k.replace(/^[:@$]/, '')] = nativeValue(v);
      this.params = params;
    }
    return true;
  }

  step(): boolean {
    if (!this.reader) {
      if (this.index === -1) {
        const info = this.params ? this.stmt.run(this.params) : this.stmt.run();
        this.db.rowsModified = info.changes;
        this.index = 0;
      }
      return false;
    }
    if (!this.rows) {
      this.rows = (this.params ? this.stmt.all(this.params) : this.stmt.all()) as SqlValue[][];
      this.index = -1;
    }
    this.index++;
    return this.index < this.rows.length;
  }

  get(): SqlValue[] {
    const row = this.rows?.[this.index];
    if (!row) throw new Error('sqljsOnBetterSqlite3: get() without a current row');
    return row.map((v) => (Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v));
  }

  getColumnNames(): string[] {
    return this.reader ? this.stmt.columns().map((c) => c.name) : [];
  }

  getAsObject(params?: BindParams): Record<string, SqlValue> {
    if (params) this.bind(params);
    if (!this.step()) return {};
    const row = this.get();
    return Object.fromEntries(this.getColumnNames().map((name, i) => [name, row[i] ?? null]));
  }

  run(values?: BindParams): boolean {
    this.bind(values);
    this.step();
    this.reset();
    return true;
  }

  reset(): boolean {
    this.rows = undefined;
    this.index = -1;
    return true;
  }

  free(): boolean {
    this.reset();
    return true;
  }
}

class AdapterDatabase implements Database {
  readonly native: Native;
  rowsModified = 0;
  /** No WASM handle: snapshots (the backup API, `export`) are not part of the yardstick. */
  readonly db = 0;

  export(): Uint8Array {
    throw new Error('the better-sqlite3 yardstick does not take snapshots');
  }

  constructor() {
    this.native = new BetterSqlite3(':memory:');
  }

  run(sql: string, params?: BindParams): Database {
    if (params) new AdapterStatement(this, sql).run(params);
    else this.native.exec(sql);
    return this;
  }

  exec(sql: string): QueryExecResult[] {
    this.native.exec(sql);
    return [];
  }

  prepare(sql: string, params?: BindParams): Statement {
    const stmt = new AdapterStatement(this, sql);
    if (params) stmt.bind(params);
    return stmt;
  }

  getRowsModified(): number {
    return this.rowsModified;
  }

  close(): void {
    this.native.close();
  }
}

/** Drop-in for sql.js's default export; `config` (WASM location) is ignored. */
export default function initSqlJs(): Promise<SqlJsStatic> {
  return Promise.resolve({
    Database: AdapterDatabase as unknown as SqlJsStatic['Database'],
    // The backup API (store snapshots) is sql.js-only; the yardstick never takes snapshots.
    cwrap: () => {
      throw new Error('the better-sqlite3 yardstick has no sql.js C functions');
    },
  });
}
