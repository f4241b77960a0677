/**
 * Minimal types for `sql.js` 1.16 (the package ships none and `@types/sql.js` is not installed).
 * Only what `src/core/store/**` uses is declared; the members exist in the minified build
 * (`dist/sql-wasm.js` re-exports them by string name). Behaviour notes checked against the
 * 1.16.0 sources:
 * - `bind`: `number` binds as INTEGER when it fits in int32, else REAL; `bigint` and `string`
 *   bind as TEXT (a STRICT INTEGER column converts a well-formed decimal string exactly).
 * - `get`: INTEGER and REAL columns come back as JS numbers (lossy above 2^53), TEXT as string,
 *   BLOB as `Uint8Array`, NULL as `null`.
 * - Errors are thrown as `Error` (SQLite message) or, for API misuse, as a plain string.
 */
declare module 'sql.js' {
  export type SqlValue = number | string | Uint8Array | null;
  export type BindValue = SqlValue | bigint | boolean;
  export type BindParams = BindValue[] | Record<string, BindValue> | null;

  export interface Statement {
    bind(values?: BindParams): boolean;
    step(): boolean;
    get(params?: BindParams, config?: { useBigInt?: boolean }): SqlValue[];
    getColumnNames(): string[];
    getAsObject(params?: BindParams): Record<string, SqlValue>;
    run(values?: BindParams): boolean;
    reset(): boolean;
    free(): boolean;
  }

  export interface QueryExecResult {
    columns: string[];
    values: SqlValue[][];
  }

  export interface Database {
    /**
     * The `sqlite3*` connection handle (a WASM pointer). Not documented by sql.js but a stable
     * field of its `Database` (set in the constructor); used with `cwrap` for the backup API.
     */
    readonly db: number;
    /**
     * Returns the bytes of the main database file. Frees every prepared statement of this
     * connection and reopens it (sql.js closes the file to read it).
     */
    export(): Uint8Array;
    run(sql: string, params?: BindParams): Database;
    exec(sql: string, params?: BindParams): QueryExecResult[];
    prepare(sql: string, params?: BindParams): Statement;
    getRowsModified(): number;
    close(): void;
  }

  export interface SqlJsStatic {
    /** A database whose main file (in Emscripten's in-memory FS) is a copy of `data`, or empty. */
    Database: new (data?: ArrayLike<number> | null) => Database;
    /**
     * Emscripten's `cwrap` over the exported C functions; the 1.16 build exports
     * `sqlite3_backup_init`, `sqlite3_backup_step`, `sqlite3_backup_finish` (see the module's keys).
     */
    cwrap(name: string, returnType: 'number' | 'string' | null, argTypes: ('number' | 'string')[]): (...args: (number | string)[]) => number;
  }

  export interface SqlJsConfig {
    /** The `sql-wasm.wasm` bytes; when given, `locateFile` is not used. */
    wasmBinary?: ArrayBuffer | Uint8Array;
    /** Maps `sql-wasm.wasm` to a path (Node) or URL (browser). */
    locateFile?: (file: string, prefix?: string) => string;
  }

  export default function initSqlJs(config?: SqlJsConfig): Promise<SqlJsStatic>;
}
