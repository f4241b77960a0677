/**
 * Multi-row INSERTs: one statement execution for many rows of the same one-row INSERT file.
 *
 * Why: every execution of a prepared statement pays sql.js's bind/step/reset round trips into
 * WASM and SQLite's per-statement work (opening the table's and indexes' cursors, the VDBE
 * program's setup). Writing 32 rows per execution instead of one: ingest CPU of small spans 4–15%
 * lower (median 14%; one process, two stores, requests alternating; shared 2-core VM, sql.js 1.16).
 *
 * The SQL stays in its `.sql` file, written for one row: `multiRowSql` repeats the file's
 * `VALUES (…)` tuple, renaming the parameters of row `i` to `:r<i>_<name>`, so the statement binds
 * by position like every other (statement.ts) and the better-sqlite3 yardstick runs it unchanged.
 *
 * Internal to `src/core/store/`.
 */
import type { BindValue, Database } from 'sql.js';
import { PreparedQuery, type Params } from './statement';

/**
 * `sql` (one INSERT statement whose row is a single `VALUES (…)` tuple of `:name` parameters and
 * expressions over them) with that tuple repeated `rows` times, the parameters of the i-th copy
 * (0-based) renamed `:r<i>_<name>`. Text before and after the tuple (comments, the column list,
 * `ON CONFLICT …`) is kept as is.
 * @throws Error when `sql` has no `VALUES (` tuple or its parentheses do not balance; RangeError
 * for `rows` < 1.
 */
export function multiRowSql(sql: string, rows: number): string {
  if (!(rows >= 1)) throw new RangeError(`rows must be >= 1, got ${rows}`);
  const match = /\bVALUES\s*\(/i.exec(stripComments(sql));
  if (!match) throw new Error('multiRowSql: no VALUES (…) tuple');
  const open = match.index + match[0].length - 1;
  let depth = 0;
  let close = -1;
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) throw new Error('multiRowSql: unbalanced VALUES tuple');
  const tuple = sql.slice(open, close + 1);
  const copies: string[] = [];
  for (let r = 0; r < rows; r++) copies.push(tuple.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, `:r${r}_$1`));
  return sql.slice(0, open) + copies.join(',\n') + sql.slice(close + 1);
}

/** The largest power of two ≤ `n` (n ≥ 1). */
function floorPowerOfTwo(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/** `sql` with `--` comments blanked (same length, so offsets still match `sql`). */
function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, (c) => ' '.repeat(c.length));
}

/**
 * One INSERT file prepared for 1, 2, 4 … `maxRows` rows per execution (each row count prepared on
 * first use, then reused; a list of other lengths is written in power-of-two parts, so preparing
 * stays at a few statements: a 32-row INSERT of spans has 672 parameters). Freed by `free()` with the store's other statements.
 */
export class RowsInsert {
  /** Parameter names of one row, in binding order (the file's `:name` order). */
  readonly parameterNames: readonly string[];
  private readonly byRows: (PreparedQuery | undefined)[] = [];
  private values: BindValue[] = [];

  /**
   * @param sql A one-row INSERT (see `multiRowSql`).
   * @param label The query's file name, for error messages.
   * @param maxRows Most rows per execution, a power of two (`run` splits longer lists).
   * @throws Error when the one-row statement does not compile.
   */
  constructor(
    private readonly db: Database,
    private readonly sql: string,
    private readonly label: string,
    readonly maxRows: number,
  ) {
    if (floorPowerOfTwo(maxRows) !== maxRows) throw new RangeError(`maxRows must be a power of two, got ${maxRows}`);
    this.byRows[1] = new PreparedQuery(db, sql, label);
    this.parameterNames = this.byRows[1].parameterNames;
  }

  /**
   * Inserts `rows[from…to)` (each with every parameter of one row), in executions of at most
   * `maxRows` rows.
   * @returns rows changed (`sqlite3_changes` summed over the executions: with `ON CONFLICT DO
   * NOTHING`, the rows actually inserted).
   * @throws Error for a missing parameter or a SQLite failure.
   */
  run(rows: readonly Params[], from: number, to: number, changes: () => number): number {
    let changed = 0;
    const names = this.parameterNames;
    const width = names.length;
    for (let start = from, n: number; start < to; start += n) {
      // A power of two (at most maxRows): few row counts are ever prepared.
      n = Math.min(this.maxRows, floorPowerOfTwo(to - start));
      const values = this.values;
      values.length = n * width;
      for (let r = 0; r < n; r++) {
        const row = rows[start + r]!;
        const base = r * width;
        for (let c = 0; c < width; c++) {
          const value = row[names[c]!];
          if (value === undefined) throw new Error(`${this.label}: missing parameter :${names[c]}`);
          values[base + c] = value;
        }
      }
      this.statement(n).runValues(values);
      changed += changes();
    }
    return changed;
  }

  /** Releases every prepared row count; idempotent. */
  free(): void {
    for (const q of this.byRows) q?.free();
    this.byRows.length = 0;
  }

  private statement(rows: number): PreparedQuery {
    let q = this.byRows[rows];
    if (!q) this.byRows[rows] = q = new PreparedQuery(this.db, multiRowSql(this.sql, rows), `${this.label} (${rows} rows)`);
    return q;
  }
}
