/**
 * TraceStore: the in-memory span/log store of the back end thread, and the only module that holds
 * the database. sql.js (SQLite compiled to WASM) with every table in an attached `:memory:`
 * database; schema in `schema.sql`, one statement per file in `queries/`, named parameters only.
 *
 * This file is the front: the public API, the `Database`, the prepared statements (queries.ts)
 * and the transactions; its reads (lists, skeleton, details, filters) are in traceReads.ts, the
 * class it extends. The jobs underneath, each in its own module that receives the statements
 * through `StoreSql` (queries.ts) and never holds the database:
 * - writePath.ts: a received span or log record → rows (with traceDelta.ts, the per-trace fold,
 *   and genaiFacts.ts, the GenAI hooks and first-user-message correlation);
 * - usageColumns.ts, usageMarks.ts, usageSums.ts: each call's cost facts and price, and each
 *   trace's cost and tokens, kept at write time; usageRefresh.ts prices stored calls again;
 * - skeletonRows.ts: a trace's skeleton built column by column (span objects or packed);
 * - slicing.ts: transactions of `MAX_ROWS_PER_TRANSACTION` rows within a time budget
 *   (`DEFAULT_SLICE_BUDGET_MS`), and the result types of writes;
 * - interning.ts: resource/scope/GenAI-name deduplication, with reference counts so resources
 *   and scopes go with the last row using them; counters.ts: `stats()` counters;
 * - retention.ts: limits and eviction (oldest traces first, by span count and by bytes; never the
 *   latest write's traces for bytes), after every write slice, also within the budget;
 * - snapshot.ts: export, restore and rebuild-from-tables; readMappers.ts: rows → domain types.
 *
 * `insertSpans`/`insertLogs` are synchronous and sliced, returning where to continue
 * (`nextOffset`); `ingestSpans`/`ingestLogs` drive those slices and yield to the event loop in
 * between, so queries queued in the worker wait at most about one slice.
 *
 * Reads return the JSON-safe domain types of `src/model/trace.ts`. Nanosecond times go in and
 * out as exact decimal strings; offsets and durations come out as milliseconds (doubles).
 *
 * Not thread-safe and not re-entrant: one store per worker, called from one thread.
 */
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { LogRecordInfo, SpanRecord, StoreStats, TraceId } from '../../model/trace';
import type { StoreConfig } from './config';
import { CodeIndex } from '../source/codeIndex';
import { StoreCounters } from './counters';
import { GenAiFacts, type IngestAnnotator } from './genaiFacts';
import { Interning } from './interning';
import { SCRIPT_SQL, freeQueries, freeRowInserts, prepareQueries, prepareRowInserts, type Queries, type RowInserts, type StoreSql } from './queries';
import { Retention, applyInSlices, validateConfig, type RetentionResult, type StoreLog } from './retention';
import { SnapshotError, SnapshotWriter, oneLine, rebuildFromTables, restoreSnapshot } from './snapshot';
import { DEFAULT_SLICE_BUDGET_MS, runSliced, yieldImmediate, type InsertResult, type SliceOptions, type WriteOptions } from './slicing';
import { WritePath } from './writePath';
import { SEARCH_SLOT_SCRIPTS, SearchIndex, type IndexSliceResult } from './searchIndex';
import { TraceReads } from './traceReads';
import { UsageColumns, type CallPricer } from './usageColumns';
import { UsageRefresh } from './usageRefresh';
import { UsageMarks } from './usageMarks';
import schemaSql from './schema.sql';

// The public constants and types of the store's modules, for callers of the store.
export { DEFAULT_SLICE_BUDGET_MS, MAX_REJECT_REASONS, MAX_ROWS_PER_TRANSACTION, type InsertResult, type SliceOptions, type WriteOptions } from './slicing';
export { EVICTION_CANDIDATES_PER_QUERY, LOG_EVICTION_BATCH, MAX_LOG_RECORDS, OVER_LIMIT_LOG_INTERVAL_MS, type RetentionResult, type StoreLog } from './retention';
export { MAX_CONVERSATION_LOGS, MAX_CONVERSATION_SPANS, MAX_QUERY_LIMIT, type StoredGenAiSpan } from './readMappers';
export type { StoredCallColumns, StoredGenAiFacts } from './traceCallFacts';
export { MAX_PENDING_USER_LOG_TRACES, type IngestAnnotator, type SpanAnnotation } from './genaiFacts';
export { MAX_GENAI_NAMES, MAX_RESOURCE_JSON_CHARS } from './interning';
export { SNAPSHOT_PAGES_PER_STEP, STORE_SCHEMA_VERSION, SnapshotError } from './snapshot';
export { QUERY_SQL, SCRIPT_SQL, SNAPSHOT_SQL } from './queries';
export { COMPACT_LIVE_FRACTION, MIN_SLOT_DOCS, SEARCH_SLOTS, type IndexSliceResult } from './searchIndex';
export type { SearchMatchRow } from './searchMatches';
export { MAX_DOC_CHARS } from './searchText';
export { SCAN_PAGE_FACTOR } from './traceReads';
export type { CallPricer } from './usageColumns';
export type { SpanFacts, TraceFilter } from './traceFilter';

/** How to load sql.js and how large the store may grow. */
export interface TraceStoreOptions {
  /** The bytes of `sql-wasm.wasm` (tests: `node_modules/sql.js/dist/sql-wasm.wasm`). */
  wasmBinary?: Uint8Array;
  /**
   * Maps the file name `sql-wasm.wasm` to a path; used when `wasmBinary` is absent. In the
   * bundled worker the file sits next to the bundle: `(f) => path.join(__dirname, f)`.
   */
  locateFile?: (file: string) => string;
  /** Retention limits; can be changed later with `configure`. */
  config: StoreConfig;
  /** GenAI facts computed at ingest (see `IngestAnnotator`); none when absent. */
  annotator?: IngestAnnotator;
  /** Where the store reports what the user should know (see `setLog`); none when absent. */
  log?: StoreLog;
  /**
   * Bytes of a snapshot made by `exportSnapshot` (a SQLite database file) to start from instead
   * of an empty store. Its integrity and schema version are checked before anything is copied.
   */
  snapshot?: Uint8Array;
  /**
   * Documents after which the full-text index starts a new slot (default `MIN_SLOT_DOCS`;
   * searchIndex.ts). Tests set it small to watch slots turn over.
   */
  searchMinSlotDocs?: number;
  /**
   * `false`: writes do not tell the full-text index anything (nothing pending, no badge keys for
   * filters). Only the benchmark's yardstick of ingest without search uses it; default `true`.
   */
  searchIndex?: boolean;
}

/**
 * The span and log store. Create with `TraceStore.open`, release with `close`.
 *
 * Errors: methods throw `Error('TraceStore is closed')` after `close`, `RangeError` for invalid
 * limits/config, and rethrow SQLite failures (for example WASM out-of-memory) after rolling back
 * the transaction in progress; invalid input rows are not errors but `rejected` counts.
 */
export class TraceStore extends TraceReads {
  private readonly db: Database;
  protected readonly q: Queries;
  private readonly rows: RowInserts;
  private closed = false;
  private readonly counters = new StoreCounters();
  /** Per-file code index (CodeLens, error decorations), in memory; kept in step with every transaction. */
  protected readonly code = new CodeIndex();
  protected readonly interning: Interning;
  private readonly usageColumns: UsageColumns;
  private readonly usageRefresh: UsageRefresh;
  private readonly genai: GenAiFacts;
  private readonly retention: Retention;
  private readonly writes: WritePath;
  private readonly snapshots: SnapshotWriter;
  protected readonly search: SearchIndex;

  private constructor(SQL: SqlJsStatic, db: Database, config: StoreConfig, searchMinSlotDocs?: number, searchIndex = true) {
    super();
    this.db = db;
    this.q = prepareQueries(db);
    try {
      this.rows = prepareRowInserts(db);
    } catch (error) {
      freeQueries(this.q);
      throw error;
    }
    this.checkReadColumns();
    const sql: StoreSql = {
      q: this.q,
      rows: this.rows,
      rowsModified: () => db.getRowsModified(),
      transaction: <T>(body: () => T): T => this.transaction(body),
      runScript: (name) => db.run(SCRIPT_SQL[name]),
    };
    this.interning = new Interning(sql);
    this.genai = new GenAiFacts(sql);
    this.search = new SearchIndex(sql, this.counters, searchMinSlotDocs);
    this.retention = new Retention(sql, this.counters, this.code, this.interning, this.q.pageSize.first()![0] as number, config);
    this.retention.onTraceRemoved = (traceId) => this.search.traceRemoved(traceId);
    this.retention.extraUsedBytes = () => this.search.usedBytes();
    const marks = new UsageMarks(sql);
    this.usageColumns = new UsageColumns(sql, this.interning, this.genai, marks);
    this.usageRefresh = new UsageRefresh(sql, this.usageColumns, marks, this.genai, this.counters);
    this.writes = new WritePath(sql, this.interning, this.counters, this.code, this.retention, this.genai, this.usageColumns);
    if (searchIndex) this.writes.search = this.search;
    this.snapshots = new SnapshotWriter(SQL);
  }

  /**
   * Loads sql.js (WASM compile: 16–60 ms), creates the schema in an attached in-memory
   * database and prepares every statement. sql.js instantiates its WASM once per process (or
   * worker): later calls reuse that instance and ignore `wasmBinary`/`locateFile`, and a failed
   * first load fails every later call too.
   * @throws RangeError for an invalid `config`; Error when the WASM cannot be loaded;
   * SnapshotError when `snapshot` cannot be restored.
   */
  static async open(options: TraceStoreOptions): Promise<TraceStore> {
    const config = validateConfig(options.config);
    const SQL = await initSqlJs({
      ...(options.wasmBinary ? { wasmBinary: options.wasmBinary } : {}),
      ...(options.locateFile ? { locateFile: options.locateFile } : {}),
    });
    const db = new SQL.Database();
    try {
      db.run(schemaSql);
      for (const script of SEARCH_SLOT_SCRIPTS) db.run(SCRIPT_SQL[script]);
      if (options.snapshot) restoreSnapshot(SQL, db, options.snapshot);
      const store = new TraceStore(SQL, db, config, options.searchMinSlotDocs, options.searchIndex ?? true);
      store.genai.annotator = options.annotator;
      store.retention.log = options.log;
      if (options.snapshot) {
        try {
          rebuildFromTables(store.q, store.counters, store.interning, store.code);
          store.search.restore();
        } catch (error) {
          store.freeStatements();
          throw new SnapshotError(`snapshot contents unreadable: ${oneLine(error)}`);
        }
      }
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * The whole store as a SQLite database file (the bytes `open({ snapshot })` restores), for
   * persistence. Copies the attached store database page by page with SQLite's backup API
   * (`SNAPSHOT_PAGES_PER_STEP` pages per synchronous step) and awaits `yieldToEventLoop` between
   * steps, so queries and ingest slices run meanwhile; their changes are included. The copy goes
   * into a scratch database pre-sized to the store (no realloc chain), whose file is then
   * exported: the two copies of that last part block for ~0.3 ms per MiB.
   * Memory: about three times the store's size while it runs (image, scratch file, result).
   * @throws Error when the store is closed before the copy completes, or SQLite fails.
   */
  async exportSnapshot(options: Pick<SliceOptions, 'yieldToEventLoop'> = {}): Promise<Uint8Array> {
    this.assertOpen();
    if (this.snapshots.busy) throw new Error('a snapshot is already being made');
    const yieldFn = options.yieldToEventLoop ?? yieldImmediate;
    this.interning.persistGenaiNames();
    return this.snapshots.copy(this.db, this.retention.pageCount(), this.retention.pageSize, yieldFn, () => this.closed);
  }

  /**
   * Replaces the retention limits and evicts what no longer fits, for at most `budgetMs`
   * (default `DEFAULT_SLICE_BUDGET_MS`; at least one trace). When the result says `pending` (a
   * large reduction), finish with `applyRetention()` (sliced); the next write also continues it.
   * @throws RangeError unless `maxSpans` is an integer ≥ 1 and `maxMegabytes` > 0 (the old
   * limits then stay).
   */
  configure(config: StoreConfig, options: { budgetMs?: number } = {}): RetentionResult {
    this.assertOpen();
    this.retention.config = validateConfig(config);
    return this.enforceRetention({ budgetMs: options.budgetMs ?? DEFAULT_SLICE_BUDGET_MS });
  }

  /** The current retention limits. */
  getConfig(): StoreConfig {
    return { ...this.retention.config };
  }

  /**
   * Sets the GenAI hooks used by later writes (spans stored before keep what they had). The
   * ingest service installs src/core/genai's annotator.
   */
  setAnnotator(annotator: IngestAnnotator | undefined): void {
    this.genai.annotator = annotator;
  }

  /**
   * Sets how calls are priced from now on (the back end passes src/core/usage's pricer; without one
   * calls are stored unpriced). With `reprice`, every stored trace with calls is priced again in
   * the background (`refreshUsageSlice`); until then its rows keep the cost they had.
   */
  setPricer(pricer: CallPricer | undefined, options: { reprice?: boolean } = {}): void {
    this.assertOpen();
    this.usageColumns.pricer = pricer;
    if (options.reprice) this.usageRefresh.repriceAll();
  }

  /**
   * `true` while traces wait for their cost columns: after `setPricer(…, { reprice: true })`, or
   * after a snapshot of an older schema was restored (their cost facts are read from the spans).
   */
  get usageRefreshPending(): boolean {
    return !this.closed && this.usageRefresh.pending;
  }

  /**
   * One slice of that refresh, newest traces first, for about `budgetMs` (at least one read of
   * spans). `traceIds`: traces whose cost and tokens were stored again (their rows reload).
   * @throws Error on SQLite failure (the slice is rolled back).
   */
  refreshUsageSlice(budgetMs: number): { traceIds: TraceId[]; pending: boolean } {
    this.assertOpen();
    return this.usageRefresh.slice(performance.now() + budgetMs);
  }

  /**
   * Sets where the store writes lines for the user (the back end's log), e.g. that it stays over
   * `maxMegabytes` with nothing left it may evict (retention.ts; at most one line a minute).
   */
  setLog(log: StoreLog | undefined): void {
    this.retention.log = log;
  }

  // -------------------------------------------------------------------------------------------
  // Writes (writePath.ts, slicing.ts, retention.ts)

  /**
   * Stores spans, idempotently: a span re-sent with the same (trace id, span id) replaces the
   * stored one and is not counted twice. Children may arrive before their parents. Maintains
   * each trace's summary (counts, times, root name: the span without a parent, else the
   * earliest span). Then applies retention.
   *
   * Processes `spans[offset…]` in transactions of at most `MAX_ROWS_PER_TRANSACTION` rows and
   * returns early (everything committed) once `budgetMs` has passed; continue with
   * `{ offset: result.nextOffset }`, or use `ingestSpans`, which does that between event-loop
   * turns. Invalid spans are skipped and counted in `rejected`.
   *
   * Resources and scopes are deduplicated by content and, as a shortcut, by object identity:
   * do not mutate a resource or scope object after passing it in. One larger than
   * `MAX_RESOURCE_JSON_CHARS` of JSON is stored cut (codec.ts `capResource`), its span kept.
   * @throws Error on SQLite failure (the transaction in progress is rolled back; earlier ones
   * of this call stay committed).
   */
  insertSpans(spans: readonly SpanRecord[], options: WriteOptions = {}): InsertResult {
    this.assertOpen();
    return this.writes.insertSpans(spans, options);
  }

  /**
   * Stores OTLP log records (not deduplicated: log records have no identity). Records with
   * trace and span ids appear in that span's `spanDetail`; they are deleted with their trace.
   * Slicing, result and errors as in `insertSpans`.
   */
  insertLogs(logs: readonly LogRecordInfo[], options: WriteOptions = {}): InsertResult {
    this.assertOpen();
    return this.writes.insertLogs(logs, options);
  }

  /**
   * `insertSpans` for a whole batch, in slices of `sliceBudgetMs` with `yieldToEventLoop`
   * awaited between them, then retention until done. Results are merged over the slices.
   * Other store calls may run between slices (each slice is committed).
   */
  ingestSpans(spans: readonly SpanRecord[], options: SliceOptions = {}): Promise<InsertResult> {
    return runSliced(spans.length, options, (offset, budgetMs) => this.insertSpans(spans, { offset, budgetMs }), (budgetMs) => this.enforceRetention({ budgetMs }));
  }

  /** `insertLogs` in slices with yields in between; see `ingestSpans`. */
  ingestLogs(logs: readonly LogRecordInfo[], options: SliceOptions = {}): Promise<InsertResult> {
    return runSliced(logs.length, options, (offset, budgetMs) => this.insertLogs(logs, { offset, budgetMs }), (budgetMs) => this.enforceRetention({ budgetMs }));
  }

  /**
   * Evicts until within the limits or until `budgetMs` (default: no limit) has passed (at least
   * one trace per call): oldest traces by start time, with their spans and logs (and the
   * resources and scopes only they used), while more than `maxSpans` spans are stored or the used
   * database bytes exceed `maxMegabytes`; then the oldest log records beyond `MAX_LOG_RECORDS`,
   * and any log records while still over the byte limit with no trace left that it may evict.
   * The byte limit never evicts the traces of the latest write: what is still over then is
   * reported as `overLimitBytes` (and logged, see `setLog`). Counted in
   * `StoreStats.evictedTraceCount`.
   */
  enforceRetention(options: { budgetMs?: number } = {}): RetentionResult {
    this.assertOpen();
    return this.retention.enforce(options.budgetMs ?? Infinity);
  }

  /** `enforceRetention` in slices with yields in between, until within the limits. */
  applyRetention(options: SliceOptions = {}): Promise<RetentionResult> {
    return applyInSlices((budgetMs) => this.enforceRetention({ budgetMs }), options);
  }

  /**
   * Deletes one trace with its spans and correlated logs (not counted as an eviction).
   * @returns `false` when no such trace is stored.
   */
  deleteTrace(traceId: TraceId): boolean {
    this.assertOpen();
    if (typeof traceId !== 'string') return false;
    return this.retention.deleteTrace(traceId);
  }

  /**
   * Removes all traces, spans, logs, resources and scopes. `evictedTraceCount`,
   * `evictedSpanCount`, `rejectedCount` and `metricPointCount` are since-start counters and are kept. Memory held
   * by the database stays allocated for reuse (a WASM heap never shrinks).
   */
  clear(): void {
    this.assertOpen();
    this.transaction(() => {
      this.db.run(SCRIPT_SQL.clear);
      this.search.clear();
    });
    this.code.clear();
    this.genai.clear();
    this.usageRefresh.cleared();
    this.interning.clear();
    this.retention.cleared();
    this.counters.cleared();
  }

  /**
   * Adds counts the worker observed outside the store, for `stats()`: items refused before
   * reaching the store (undecodable spans and logs) and metric data points (counted, not stored).
   */
  addIngestCounts(counts: { rejectedCount?: number; metricPointCount?: number }): void {
    this.counters.rejectedCount += Math.max(0, counts.rejectedCount ?? 0);
    this.counters.metricPointCount += Math.max(0, counts.metricPointCount ?? 0);
  }

  // -------------------------------------------------------------------------------------------
  // Reads (row mappers in readMappers.ts)

  /**
   * Counters, O(1): maintained on every write; `storeBytes` is the memory held by the
   * database's pages (`page_count * page_size`, including pages freed for reuse), the full-text
   * index's included.
   */
  stats(): StoreStats {
    this.assertOpen();
    return this.counters.stats(this.retention.pageCount() * this.retention.pageSize + this.search.heldBytes());
  }

  /** The current store sequence (see `InsertResult.seq`). */
  currentSeq(): number {
    return this.counters.seq;
  }

  /**
   * Bytes of the database's pages in use: `(page_count - freelist_count) * page_size`, of the store
   * and of the full-text index together. This is what `maxMegabytes` limits (page_count alone
   * never shrinks after deletes).
   */
  usedBytes(): number {
    this.assertOpen();
    return this.retention.usedBytes();
  }

  /**
   * Distinct resources and scopes: rows in `store.resources`/`store.scopes` (internedCounts.sql)
   * and entries in the in-memory deduplication maps (always equal; for diagnostics and tests).
   */
  internedCounts(): { resourceRows: number; scopeRows: number; resourceKeys: number; scopeKeys: number } {
    this.assertOpen();
    const row = this.q.internedCounts.first()!;
    const sizes = this.interning.sizes();
    return { resourceRows: row[0] as number, scopeRows: row[1] as number, resourceKeys: sizes.resources, scopeKeys: sizes.scopes };
  }


  // -------------------------------------------------------------------------------------------
  // Search (searchIndex.ts: the full-text index; traceFilter.ts: trace filters). The query
  // language and its planning are in src/core/search.

  /** `true` while the full-text index has work (spans to index, slots to compact). */
  get searchHasWork(): boolean {
    return !this.closed && this.search.hasWork;
  }

  /**
   * One slice of background indexing (at least one document when there is work, then until
   * `budgetMs` has passed), then retention if the index pushed the store over `maxMegabytes`
   * (within the same budget). `removedTraceIds`: traces that retention evicted.
   * @throws Error on SQLite failure (the slice is rolled back).
   */
  indexSlice(budgetMs: number): IndexSliceResult & { removedTraceIds: TraceId[] } {
    this.assertOpen();
    const start = performance.now();
    const result = this.search.indexSlice(start + budgetMs);
    const left = Math.max(0, budgetMs - (performance.now() - start));
    const retention = this.enforceRetention({ budgetMs: left });
    return { ...result, removedTraceIds: retention.removedTraceIds };
  }

  /** Frees every prepared statement and closes the database (abandoning a snapshot in progress); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.snapshots.abandon();
    this.freeStatements();
    this.db.close();
  }

  private freeStatements(): void {
    freeQueries(this.q);
    freeRowInserts(this.rows);
  }

  /** `true` after `close()`. */
  get isClosed(): boolean {
    return this.closed;
  }

  // -------------------------------------------------------------------------------------------
  // SQL machinery

  protected assertOpen(): void {
    if (this.closed) throw new Error('TraceStore is closed');
  }

  /** Runs `body` in a transaction; rolls back (and forgets cache entries) if it throws. */
  private transaction<T>(body: () => T): T {
    this.q.begin.run();
    this.search.begin();
    try {
      const result = body();
      this.search.beforeCommit();
      this.q.commit.run();
      this.code.commit();
      this.search.commit();
      return result;
    } catch (error) {
      this.code.rollback();
      this.search.rollback();
      try {
        this.q.rollback.run();
      } catch {
        // SQLite may already have rolled back (e.g. after SQLITE_NOMEM); nothing left to undo.
      }
      this.interning.rollback();
      throw error;
    } finally {
      this.interning.endTransaction();
    }
  }
}
