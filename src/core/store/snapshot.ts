/**
 * Snapshots of the store: the whole attached store database as a SQLite file (for persistence),
 * and back. Three jobs:
 * - export (`SnapshotWriter`): SQLite's backup API (backup.ts) copies the store database page by
 *   page into a pre-sized scratch database, yielding between steps;
 * - restore (`restoreSnapshot`): checks a file (readable, this schema version, `quick_check`) and
 *   copies it over the empty store database;
 * - rebuild (`rebuildFromTables`): after a restore, what the store keeps in memory (counters,
 *   deduplication dictionaries, code index) is read back from the tables.
 *
 * The scratch databases run `SNAPSHOT_SQL` (queries.ts); the store's connection is passed in per
 * call by `TraceStore`, never kept.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import type { CodeIndex } from '../source/codeIndex';
import { Backup } from './backup';
import type { StoreCounters } from './counters';
import type { Interning } from './interning';
import { SCRIPT_SQL, SNAPSHOT_SQL, type Queries } from './queries';
import { spanFromRow } from './readMappers';

/**
 * Version of the stored schema (`PRAGMA store.user_version` in schema.sql). A snapshot written
 * with another version is refused by `open` (a `SnapshotError`), except the versions of
 * `MIGRATED_SCHEMA_VERSIONS`; bump it with every schema change.
 * Version 2 added `trace_genai`, `spans_errors` and `spans_exceptions` (filters, src/core/search);
 * version 3 the cost columns of spans and traces (usageColumns.ts).
 */
export const STORE_SCHEMA_VERSION = 3;

/**
 * Older schema versions a snapshot may have: migrated after the copy (version → the scripts of
 * `SCRIPT_SQL` that bring it to the current version, in order).
 */
const MIGRATED_SCHEMA_VERSIONS: ReadonlyMap<number, readonly ('migrateV1' | 'migrateV2')[]> = new Map([
  [1, ['migrateV1', 'migrateV2']],
  [2, ['migrateV2']],
]);

/**
 * Pages copied per step of `exportSnapshot` (4 KiB each: 1 MiB per step, ~2–5 ms on the 2-core VM),
 * between which other store calls run.
 */
export const SNAPSHOT_PAGES_PER_STEP = 256;

/**
 * A snapshot given to `TraceStore.open` cannot be restored: not a database, damaged, or written by
 * another schema version. `message` is one line; the store was not opened.
 */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** The message of an error (or anything thrown) on one line. */
export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

let emptyImage: Uint8Array | undefined;

/** A valid empty one-page database file with the store's page size (snapshotEmpty.sql), made once. */
function emptyDatabaseImage(SQL: SqlJsStatic): Uint8Array {
  if (!emptyImage) {
    const db = new SQL.Database();
    try {
      db.run(SNAPSHOT_SQL.snapshotEmpty);
      emptyImage = db.export();
    } finally {
      db.close();
    }
  }
  return emptyImage;
}

/**
 * Copies a snapshot over the (empty) attached store database of `db`, after checking that it is
 * a SQLite file of this schema version (or one it migrates: versions 1 and 2) that passes
 * `PRAGMA quick_check`.
 * @throws SnapshotError with a one-line reason; `db`'s store may then be partly overwritten.
 */
export function restoreSnapshot(SQL: SqlJsStatic, db: Database, bytes: Uint8Array): void {
  let snapshot: Database;
  try {
    snapshot = new SQL.Database(bytes);
  } catch (error) {
    throw new SnapshotError(`snapshot unreadable: ${oneLine(error)}`);
  }
  try {
    const version = snapshot.exec(SNAPSHOT_SQL.snapshotVersion)[0]?.values[0]?.[0];
    const migration = typeof version === 'number' ? MIGRATED_SCHEMA_VERSIONS.get(version) : undefined;
    if (version !== STORE_SCHEMA_VERSION && migration === undefined) {
      throw new SnapshotError(`snapshot has schema version ${String(version)}, this Trace Lens reads version ${STORE_SCHEMA_VERSION}`);
    }
    const check = snapshot.exec(SNAPSHOT_SQL.snapshotCheck)[0]?.values.map((r) => String(r[0])) ?? [];
    if (check.length !== 1 || check[0] !== 'ok') throw new SnapshotError(`snapshot damaged: ${check.join('; ') || 'no integrity answer'}`);
    const backup = new Backup(SQL, db, 'store', snapshot, 'main');
    try {
      backup.step(-1);
    } finally {
      backup.finish();
    }
    for (const script of migration ?? []) db.run(SCRIPT_SQL[script]);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(`snapshot unreadable: ${oneLine(error)}`);
  } finally {
    snapshot.close();
  }
}

/**
 * After a snapshot was copied in: rebuilds what the store keeps in memory from the tables
 * (counters, next ids, resource/scope deduplication maps with their reference counts, service
 * names, GenAI names, the code index). Resources and scopes no row uses (kept by snapshots of
 * versions without reference counts) are deleted. Since-start counters (evicted, rejected,
 * metric points) start at 0.
 * @throws Error when a table's contents cannot be read back (the caller reports a SnapshotError).
 */
export function rebuildFromTables(q: Queries, counters: StoreCounters, interning: Interning, code: CodeIndex): void {
  const counts = q.restoreCounts.first()!;
  counters.traceCount = counts[0] as number;
  counters.spanCount = counts[1] as number;
  counters.logCount = counts[2] as number;
  counters.nextDetailId = (counts[3] as number) + 1;
  counters.seq = counts[4] as number;
  interning.restore();
  const cq = q.restoreCodeSpans;
  cq.each({}, (row) => code.add(spanFromRow(cq, row)));
  code.commit();
}

/** Makes the snapshots of one store, one at a time (`TraceStore.exportSnapshot`). */
export class SnapshotWriter {
  /** The copy in progress, finished by `abandon` (on close). */
  private active: Backup | undefined;

  /** @param SQL sql.js itself: makes the scratch databases. */
  constructor(private readonly SQL: SqlJsStatic) {}

  /** `true` while a copy is in progress. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /**
   * Copies the attached `store` database of `source` (`pageCount` pages of `pageSize` bytes now;
   * the scratch database is pre-sized to that, so no realloc chain) with `SNAPSHOT_PAGES_PER_STEP`
   * pages per synchronous step, awaiting `yieldFn` between steps (changes made meanwhile are
   * copied too), and returns the scratch database's file.
   * @throws Error when `isClosed()` turns true during the copy, or SQLite fails.
   */
  async copy(source: Database, pageCount: number, pageSize: number, yieldFn: () => Promise<void>, isClosed: () => boolean): Promise<Uint8Array> {
    const image = new Uint8Array(Math.max(1, pageCount) * pageSize);
    image.set(emptyDatabaseImage(this.SQL));
    const scratch = new this.SQL.Database(image);
    try {
      scratch.run(SNAPSHOT_SQL.snapshotTarget);
      const backup = new Backup(this.SQL, scratch, 'main', source, 'store');
      this.active = backup;
      try {
        while (!backup.step(SNAPSHOT_PAGES_PER_STEP)) {
          await yieldFn();
          if (isClosed()) throw new Error('TraceStore closed while a snapshot was being made');
        }
      } finally {
        this.active = undefined;
        backup.finish();
      }
      return scratch.export();
    } finally {
      scratch.close();
    }
  }

  /** Finishes the copy in progress, if any, without a result (the store is closing). */
  abandon(): void {
    try {
      this.active?.finish();
    } catch {
      // An abandoned copy: its result is not used.
    }
    this.active = undefined;
  }
}
