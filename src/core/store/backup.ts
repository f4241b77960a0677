/**
 * SQLite's online backup API (https://sqlite.org/backup.html) for sql.js, which exports the C
 * functions but wraps none of them. Internal to `src/core/store/` (the store's snapshots).
 *
 * Why the backup API: the store lives in an ATTACHed `:memory:` database, which sql.js's
 * `Database.export()` cannot reach (it exports `main` only), and `VACUUM store INTO` writes into
 * Emscripten's in-memory FS, growing its file by realloc-and-copy (measured 3.6 s for 230 MB, with
 * single steps blocking up to 0.5 s). The backup API copies pages in bounded steps between which
 * the caller can yield; changes the same connection makes meanwhile are copied too, so the result
 * is consistent as of the last step.
 */
import type { Database, SqlJsStatic } from 'sql.js';

/** `sqlite3_backup_step` results (https://sqlite.org/rescode.html). */
const SQLITE_OK = 0;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_DONE = 101;

interface BackupApi {
  init(dest: number, destName: string, source: number, sourceName: string): number;
  step(handle: number, pages: number): number;
  finish(handle: number): number;
}

const apis = new WeakMap<SqlJsStatic, BackupApi>();

function api(SQL: SqlJsStatic): BackupApi {
  let a = apis.get(SQL);
  if (!a) {
    const init = SQL.cwrap('sqlite3_backup_init', 'number', ['number', 'string', 'number', 'string']);
    const step = SQL.cwrap('sqlite3_backup_step', 'number', ['number', 'number']);
    const finish = SQL.cwrap('sqlite3_backup_finish', 'number', ['number']);
    a = {
      init: (d, dn, s, sn) => init(d, dn, s, sn),
      step: (h, p) => step(h, p),
      finish: (h) => finish(h),
    };
    apis.set(SQL, a);
  }
  return a;
}

/** One backup in progress: `step` until it returns `true`, then (or on error) `finish`. */
export class Backup {
  private handle: number;

  /**
   * Starts copying database `sourceName` of `source` over database `destName` of `dest` (whose
   * content is replaced; page sizes must match when the destination is in memory).
   * @throws Error when SQLite refuses (then nothing was changed).
   */
  constructor(private readonly SQL: SqlJsStatic, dest: Database, destName: string, source: Database, sourceName: string) {
    this.handle = api(SQL).init(dest.db, destName, source.db, sourceName);
    if (this.handle === 0) throw new Error(`sqlite3_backup_init(${destName} ← ${sourceName}) failed`);
  }

  /**
   * Copies up to `pages` pages (-1: all that remain). Returns `true` when the copy is complete.
   * A busy or locked source (not expected: one connection, no other users) counts as "not done".
   * @throws Error on any other SQLite result (finish the backup afterwards).
   */
  step(pages: number): boolean {
    if (this.handle === 0) throw new Error('backup already finished');
    const rc = api(this.SQL).step(this.handle, pages);
    if (rc === SQLITE_DONE) return true;
    if (rc === SQLITE_OK || rc === SQLITE_BUSY || rc === SQLITE_LOCKED) return false;
    throw new Error(`sqlite3_backup_step failed with SQLite result code ${rc}`);
  }

  /**
   * Releases the backup; idempotent.
   * @throws Error when the backup as a whole failed (SQLite's result of `sqlite3_backup_finish`).
   */
  finish(): void {
    if (this.handle === 0) return;
    const rc = api(this.SQL).finish(this.handle);
    this.handle = 0;
    if (rc !== SQLITE_OK) throw new Error(`sqlite3_backup_finish failed with SQLite result code ${rc}`);
  }
}
