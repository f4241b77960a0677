/**
 * TraceStore: the in-memory span/log store of the back end thread, and the only module that runs
 * SQL. sql.js (SQLite compiled to WASM) with every table in an attached `:memory:` database;
 * schema in `schema.sql`, one statement per file in `queries/`, named parameters only.
 *
 * Writes are synchronous and sliced: `insertSpans`/`insertLogs` commit one transaction per
 * `MAX_ROWS_PER_TRANSACTION` rows and stop when a time budget runs out, returning where to
 * continue (`nextOffset`). `ingestSpans`/`ingestLogs` drive those slices and yield to the event
 * loop in between, so queries queued in the worker wait at most about one slice
 * (`DEFAULT_SLICE_BUDGET_MS`). Retention (oldest traces first, by span count and by bytes) runs
 * after every write slice, also within the budget.
 *
 * Reads return the JSON-safe domain types of `src/model/trace.ts`. Nanosecond times go in and
 * out as exact decimal strings; offsets and durations come out as milliseconds (doubles).
 *
 * Not thread-safe and not re-entrant: one store per worker, called from one thread.
 */
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { Backup } from './backup';
import type {
  LogRecordInfo,
  SessionSummary,
  SkeletonSpan,
  SpanDetail,
  SpanId,
  SpanRecord,
  StoreStats,
  TraceId,
  TraceSkeleton,
  TraceSummary,
} from '../../model/trace';
import type { StoreConfig } from './config';
import type { GenAiBadge } from '../../model/genai';
import {
  STATUS_ERROR,
  badgeNamesKey,
  decodeLogDetail,
  decodeResource,
  decodeScope,
  decodeSpanDetail,
  packBadge,
  encodeLogDetail,
  encodeResource,
  encodeScope,
  encodeSpanDetail,
  hasExceptionEvent,
  kindCode,
  kindName,
  logProblem,
  prefixUpperBound,
  serviceNameOf,
  spanProblem,
  statusName,
  statusNumber,
  unpackBadge,
} from './codec';
import { PreparedQuery, type Params, type Row } from './statement';
import { CodeIndex } from '../source/codeIndex';
import type { FileCodeStats } from '../../model/source';
import schemaSql from './schema.sql';
import beginSql from './queries/begin.sql';
import clearSql from './queries/clear.sql';
import commitSql from './queries/commit.sql';
import deleteOldestLogsSql from './queries/deleteOldestLogs.sql';
import deleteTraceDetailsSql from './queries/deleteTraceDetails.sql';
import deleteTraceLogsSql from './queries/deleteTraceLogs.sql';
import deleteTraceSpansSql from './queries/deleteTraceSpans.sql';
import deleteTraceSummarySql from './queries/deleteTraceSummary.sql';
import existingSpanSql from './queries/existingSpan.sql';
import findTracesSql from './queries/findTraces.sql';
import freelistCountSql from './queries/freelistCount.sql';
import insertLogSql from './queries/insertLog.sql';
import insertResourceSql from './queries/insertResource.sql';
import insertScopeSql from './queries/insertScope.sql';
import insertSpanSql from './queries/insertSpan.sql';
import insertSpanDetailSql from './queries/insertSpanDetail.sql';
import listTracesSql from './queries/listTraces.sql';
import oldestTracesSql from './queries/oldestTraces.sql';
import pageCountSql from './queries/pageCount.sql';
import pageSizeSql from './queries/pageSize.sql';
import rollbackSql from './queries/rollback.sql';
import spanDetailSql from './queries/spanDetail.sql';
import spanLogsSql from './queries/spanLogs.sql';
import traceSkeletonSql from './queries/traceSkeleton.sql';
import traceSummarySql from './queries/traceSummary.sql';
import updateSpanSql from './queries/updateSpan.sql';
import updateSpanDetailSql from './queries/updateSpanDetail.sql';
import upsertTraceSql from './queries/upsertTrace.sql';
import setFirstUserMessageSql from './queries/setFirstUserMessage.sql';
import traceUserLogsSql from './queries/traceUserLogs.sql';
import listSessionTracesSql from './queries/listSessionTraces.sql';
import listSessionsSql from './queries/listSessions.sql';
import sessionFirstTraceSql from './queries/sessionFirstTrace.sql';
import traceGenAiSpansSql from './queries/traceGenAiSpans.sql';
import traceHasGenAiSql from './queries/traceHasGenAi.sql';
import traceLogsSql from './queries/traceLogs.sql';
import insertGenaiNameSql from './queries/insertGenaiName.sql';
import restoreResourcesSql from './queries/restoreResources.sql';
import restoreScopesSql from './queries/restoreScopes.sql';
import restoreGenaiNamesSql from './queries/restoreGenaiNames.sql';
import restoreCountsSql from './queries/restoreCounts.sql';
import restoreCodeSpansSql from './queries/restoreCodeSpans.sql';
import snapshotTargetSql from './queries/snapshotTarget.sql';
import snapshotEmptySql from './queries/snapshotEmpty.sql';
import snapshotVersionSql from './queries/snapshotVersion.sql';
import snapshotCheckSql from './queries/snapshotCheck.sql';

// ---------------------------------------------------------------------------------------------
// Tunables

/**
 * Time budget (ms) of one synchronous write slice in `ingestSpans`/`ingestLogs`/
 * `applyRetention`/`configure`. The worker's queue waits about this long behind ingest (goal:
 * no task over 50 ms). A slice stops after the row during which the budget ran out, then
 * upserts the slice's trace summaries, commits and checks retention; the remaining ~20 ms
 * absorb that plus a major GC of the worker heap (30–40 ms pauses measured while inserting
 * agent spans, which is why this is not 45). A 512-span agent batch takes 25–50 ms to insert
 * on the 2-core VM, so it becomes one or two slices.
 */
export const DEFAULT_SLICE_BUDGET_MS = 30;

/** Rows (spans or log records) per write transaction, also when no time budget is given. */
export const MAX_ROWS_PER_TRANSACTION = 512;

/** Oldest-trace candidates fetched per `oldestTraces.sql` execution during eviction (traces). */
export const EVICTION_CANDIDATES_PER_QUERY = 32;

/**
 * Most log records kept (records). Logs of a trace go with the trace; this cap bounds the rest
 * (uncorrelated records, and records whose spans never arrive). Oldest by arrival go first.
 */
export const MAX_LOG_RECORDS = 200_000;

/**
 * Log records deleted per `deleteOldestLogs.sql` execution (records); the limits are re-checked
 * after each, so this is also the granularity of byte-driven log eviction.
 */
export const LOG_EVICTION_BATCH = 128;

/** Distinct rejection reasons reported per write result (the count is always exact). */
export const MAX_REJECT_REASONS = 8;

/** Largest `limit` accepted by `listTraces`/`findTraces` (rows); larger values are clamped. */
export const MAX_QUERY_LIMIT = 10_000;

/** Most GenAI spans loaded for one trace's conversation (`traceGenAiSpans`), earliest first. */
export const MAX_CONVERSATION_SPANS = 2_000;

/** Most log records loaded with them (records). */
export const MAX_CONVERSATION_LOGS = 20_000;

/** Most distinct GenAI badge names (model/agent/tool combinations) kept in the store's dictionary. */
export const MAX_GENAI_NAMES = 100_000;

/** Most traces remembered as having user-message log records but no spans yet (see `pendingUserLogTraces`). */
export const MAX_PENDING_USER_LOG_TRACES = 10_000;

const BYTES_PER_MEGABYTE = 1024 * 1024;

/**
 * Version of the stored schema (`PRAGMA store.user_version` in schema.sql). A snapshot written
 * with another version is refused by `open` (a `SnapshotError`); bump it with every schema change.
 */
export const STORE_SCHEMA_VERSION = 1;

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

// ---------------------------------------------------------------------------------------------
// Public types

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
  /**
   * Bytes of a snapshot made by `exportSnapshot` (a SQLite database file) to start from instead
   * of an empty store. Its integrity and schema version are checked before anything is copied.
   */
  snapshot?: Uint8Array;
}

/** What an `IngestAnnotator` says about one span (src/core/genai/badge.ts `SpanGenAiFacts`). */
export interface SpanAnnotation {
  /** Stored per span (`spans.genai`), returned in `SkeletonSpan.genai`. */
  badge?: GenAiBadge;
  /** Trace summary: the first session id stored for the trace stays. */
  sessionId?: string;
  /** Trace summary: the earliest-starting agent span's name wins (the outermost agent). */
  agentName?: string;
  /** A model call that may carry user text: a candidate for the trace's first user message (`firstUserText`). */
  modelCall: boolean;
}

/**
 * GenAI hooks of the store, injected so the store stays free of GenAI conventions (the ingest
 * service passes src/core/genai's `genaiIngestAnnotator`). `span` runs for every span and must be
 * cheap; `firstUserText` runs only for model calls earlier than the trace's current first user
 * message; `logFirstUserText` only for records named in `userTextEventNames`.
 */
export interface IngestAnnotator {
  span(span: SpanRecord): SpanAnnotation | undefined;
  firstUserText(span: SpanRecord): string | undefined;
  logFirstUserText(log: LogRecordInfo): string | undefined;
  readonly userTextEventNames: readonly string[];
}

/** One GenAI span with its logs and its place on the trace's time axis (`traceGenAiSpans`). */
export interface StoredGenAiSpan {
  span: SpanRecord;
  logs: LogRecordInfo[];
  /** Milliseconds from the trace start. */
  startOffsetMs: number;
  durationMs: number;
}

/** Where a synchronous write call starts and how long it may run. */
export interface WriteOptions {
  /** Index of the first row of the input to process (default 0). */
  offset?: number;
  /**
   * Stop (after committing) once this many milliseconds have passed; at least one row is always
   * processed. Default: no limit (then the call processes everything, still one transaction per
   * `MAX_ROWS_PER_TRANSACTION` rows).
   */
  budgetMs?: number;
}

/** Options of the asynchronous, self-slicing writes. */
export interface SliceOptions {
  /** Budget (ms) of each synchronous slice; default `DEFAULT_SLICE_BUDGET_MS`. */
  sliceBudgetMs?: number;
  /** Awaited between slices; default: a `setImmediate` tick. */
  yieldToEventLoop?: () => Promise<void>;
}

/** Outcome of a write (`insertSpans`, `insertLogs`, `ingestSpans`, `ingestLogs`). */
export interface InsertResult {
  /** The store sequence after this call (monotonic; `TraceSummary.updatedSeq` uses it). */
  seq: number;
  /** Index of the first input row not processed yet; equals the input length when done. */
  nextOffset: number;
  /** Rows stored that were not stored before. */
  inserted: number;
  /** Re-sent spans that replaced a stored span with the same (trace id, span id). Logs: 0. */
  updated: number;
  /** Rows refused (invalid ids or times, unknown kind or status); see `rejectReasons`. */
  rejected: number;
  /** Distinct reasons for `rejected`, at most `MAX_REJECT_REASONS`. */
  rejectReasons: string[];
  /**
   * Traces that exist after this call and were added or changed by it. For log writes: the
   * traces the new records are correlated with (their span details may have changed).
   */
  changedTraceIds: TraceId[];
  /** Traces evicted by retention during this call (never also in `changedTraceIds`). */
  removedTraceIds: TraceId[];
  /** Still over a limit when the budget ran out: call `enforceRetention` again soon. */
  retentionPending: boolean;
}

/** Outcome of `enforceRetention`/`applyRetention`. */
export interface RetentionResult {
  /** The store sequence after this call. */
  seq: number;
  /** Traces evicted, oldest first. */
  removedTraceIds: TraceId[];
  /** Log records removed (with their traces, or by the log cap). */
  removedLogCount: number;
  /** Still over a limit when the budget ran out: call again. */
  pending: boolean;
}

// ---------------------------------------------------------------------------------------------
// Internals

/** One write slice's changes to one trace, folded into `traces` by `upsertTrace.sql`. */
interface TraceDelta {
  startNs: string;
  endNs: string;
  spanDelta: number;
  errorDelta: number;
  rootName: string;
  rootService: string;
  rootStartNs: string;
  hasRoot: boolean;
  /** GenAI: first session id of the slice, earliest agent span, model calls (first-user candidates). */
  sessionId: string | null;
  agentName: string | null;
  agentStartNs: string | null;
  modelCalls: SpanRecord[] | null;
}

/** Changed/removed trace ids of a write, kept disjoint and in final-state terms. */
class ChangeSet {
  readonly changed = new Set<TraceId>();
  readonly removed = new Set<TraceId>();
  change(traceId: TraceId): void {
    this.removed.delete(traceId);
    this.changed.add(traceId);
  }
  remove(traceId: TraceId): void {
    this.changed.delete(traceId);
    this.removed.add(traceId);
  }
}

/** Counts of one write call, summed over its transactions. */
interface WriteTally {
  inserted: number;
  updated: number;
  rejected: number;
  reasons: Set<string>;
}

/** The message of an error (or anything thrown) on one line. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

let emptyImage: Uint8Array | undefined;

/** A valid empty one-page database file with the store's page size (snapshotEmpty.sql), made once. */
function emptyDatabaseImage(SQL: SqlJsStatic): Uint8Array {
  if (!emptyImage) {
    const db = new SQL.Database();
    try {
      db.run(snapshotEmptySql);
      emptyImage = db.export();
    } finally {
      db.close();
    }
  }
  return emptyImage;
}

/**
 * Copies a snapshot over the (empty) attached store database of `db`, after checking that it is
 * a SQLite file of this schema version that passes `PRAGMA quick_check`.
 * @throws SnapshotError with a one-line reason; `db`'s store may then be partly overwritten.
 */
function restoreSnapshot(SQL: SqlJsStatic, db: Database, bytes: Uint8Array): void {
  let snapshot: Database;
  try {
    snapshot = new SQL.Database(bytes);
  } catch (error) {
    throw new SnapshotError(`snapshot unreadable: ${oneLine(error)}`);
  }
  try {
    const version = snapshot.exec(snapshotVersionSql)[0]?.values[0]?.[0];
    if (version !== STORE_SCHEMA_VERSION) {
      throw new SnapshotError(`snapshot has schema version ${String(version)}, this Trace Lens reads version ${STORE_SCHEMA_VERSION}`);
    }
    const check = snapshot.exec(snapshotCheckSql)[0]?.values.map((r) => String(r[0])) ?? [];
    if (check.length !== 1 || check[0] !== 'ok') throw new SnapshotError(`snapshot damaged: ${check.join('; ') || 'no integrity answer'}`);
    const backup = new Backup(SQL, db, 'store', snapshot, 'main');
    try {
      backup.step(-1);
    } finally {
      backup.finish();
    }
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(`snapshot unreadable: ${oneLine(error)}`);
  } finally {
    snapshot.close();
  }
}

/** Compares two decimal strings of digits as numbers (leading zeros allowed). */
function compareDecimal(a: string, b: string): number {
  if (a[0] === '0' || b[0] === '0') {
    a = a.replace(/^0+(?=\d)/, '');
    b = b.replace(/^0+(?=\d)/, '');
  }
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds one span's GenAI facts to its trace's delta (same rules as upsertTrace.sql). */
function foldFacts(d: TraceDelta, span: SpanRecord, facts: SpanAnnotation): void {
  if (facts.sessionId !== undefined && d.sessionId === null) d.sessionId = facts.sessionId;
  if (facts.agentName !== undefined && (d.agentStartNs === null || compareDecimal(span.startTimeUnixNano, d.agentStartNs) < 0)) {
    d.agentName = facts.agentName;
    d.agentStartNs = span.startTimeUnixNano;
  }
  if (facts.modelCall) (d.modelCalls ??= []).push(span);
}

/** Encodes detail JSON for binding as UTF-8 bytes (see queries/insertSpanDetail.sql). */
const utf8 = new TextEncoder();

/** Rejection reason for rows holding values JSON cannot encode (BigInt, cycles). */
const UNSERIALIZABLE = 'value not serializable to JSON';

/** `encode()`, or `null` when it throws (JSON.stringify of a BigInt or a cycle). */
function safely(encode: () => string): string | null {
  try {
    return encode();
  } catch {
    return null;
  }
}

function now(): number {
  return performance.now();
}

function yieldImmediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** @throws RangeError unless `maxSpans` is an integer ≥ 1 and `maxMegabytes` a number > 0. */
function validateConfig(config: StoreConfig): StoreConfig {
  const { maxSpans, maxMegabytes } = config ?? ({} as StoreConfig);
  if (!Number.isInteger(maxSpans) || maxSpans < 1) {
    throw new RangeError(`maxSpans must be an integer >= 1, got ${String(maxSpans)}`);
  }
  if (typeof maxMegabytes !== 'number' || !(maxMegabytes > 0) || !Number.isFinite(maxMegabytes)) {
    throw new RangeError(`maxMegabytes must be a finite number > 0, got ${String(maxMegabytes)}`);
  }
  return { maxSpans, maxMegabytes };
}

/** `limit`/`offset` as a non-negative integer, capped at `max`. @throws RangeError if not finite. */
function toCount(value: number, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
  return Math.min(max, Math.max(0, Math.floor(value)));
}

/** Every prepared statement of the store, by query file name. */
interface Queries {
  begin: PreparedQuery;
  commit: PreparedQuery;
  rollback: PreparedQuery;
  insertResource: PreparedQuery;
  insertScope: PreparedQuery;
  insertSpan: PreparedQuery;
  insertSpanDetail: PreparedQuery;
  existingSpan: PreparedQuery;
  updateSpan: PreparedQuery;
  updateSpanDetail: PreparedQuery;
  upsertTrace: PreparedQuery;
  insertLog: PreparedQuery;
  oldestTraces: PreparedQuery;
  deleteTraceDetails: PreparedQuery;
  deleteTraceSpans: PreparedQuery;
  deleteTraceLogs: PreparedQuery;
  deleteTraceSummary: PreparedQuery;
  deleteOldestLogs: PreparedQuery;
  pageCount: PreparedQuery;
  freelistCount: PreparedQuery;
  pageSize: PreparedQuery;
  listTraces: PreparedQuery;
  traceSummary: PreparedQuery;
  findTraces: PreparedQuery;
  traceSkeleton: PreparedQuery;
  spanDetail: PreparedQuery;
  spanLogs: PreparedQuery;
  setFirstUserMessage: PreparedQuery;
  traceUserLogs: PreparedQuery;
  listSessionTraces: PreparedQuery;
  listSessions: PreparedQuery;
  sessionFirstTrace: PreparedQuery;
  traceGenAiSpans: PreparedQuery;
  traceHasGenAi: PreparedQuery;
  traceLogs: PreparedQuery;
  insertGenaiName: PreparedQuery;
  restoreResources: PreparedQuery;
  restoreScopes: PreparedQuery;
  restoreGenaiNames: PreparedQuery;
  restoreCounts: PreparedQuery;
  restoreCodeSpans: PreparedQuery;
}

/** SQL text of every prepared query (exported for the golden tests of the query files). */
export const QUERY_SQL: Readonly<Record<keyof Queries, string>> = {
  begin: beginSql,
  commit: commitSql,
  rollback: rollbackSql,
  insertResource: insertResourceSql,
  insertScope: insertScopeSql,
  insertSpan: insertSpanSql,
  insertSpanDetail: insertSpanDetailSql,
  existingSpan: existingSpanSql,
  updateSpan: updateSpanSql,
  updateSpanDetail: updateSpanDetailSql,
  upsertTrace: upsertTraceSql,
  insertLog: insertLogSql,
  oldestTraces: oldestTracesSql,
  deleteTraceDetails: deleteTraceDetailsSql,
  deleteTraceSpans: deleteTraceSpansSql,
  deleteTraceLogs: deleteTraceLogsSql,
  deleteTraceSummary: deleteTraceSummarySql,
  deleteOldestLogs: deleteOldestLogsSql,
  pageCount: pageCountSql,
  freelistCount: freelistCountSql,
  pageSize: pageSizeSql,
  listTraces: listTracesSql,
  traceSummary: traceSummarySql,
  findTraces: findTracesSql,
  traceSkeleton: traceSkeletonSql,
  spanDetail: spanDetailSql,
  spanLogs: spanLogsSql,
  setFirstUserMessage: setFirstUserMessageSql,
  traceUserLogs: traceUserLogsSql,
  listSessionTraces: listSessionTracesSql,
  listSessions: listSessionsSql,
  sessionFirstTrace: sessionFirstTraceSql,
  traceGenAiSpans: traceGenAiSpansSql,
  traceHasGenAi: traceHasGenAiSql,
  traceLogs: traceLogsSql,
  insertGenaiName: insertGenaiNameSql,
  restoreResources: restoreResourcesSql,
  restoreScopes: restoreScopesSql,
  restoreGenaiNames: restoreGenaiNamesSql,
  restoreCounts: restoreCountsSql,
  restoreCodeSpans: restoreCodeSpansSql,
};

/**
 * Scripts run on the scratch databases of snapshots (not on the store's connection), by file name
 * (exported for the golden tests).
 */
export const SNAPSHOT_SQL = {
  snapshotTarget: snapshotTargetSql,
  snapshotEmpty: snapshotEmptySql,
  snapshotVersion: snapshotVersionSql,
  snapshotCheck: snapshotCheckSql,
} as const;

/** traceSkeleton.sql's columns, read by position (it returns up to one row per span). */
const SKELETON_COLUMNS = [
  'span_id',
  'parent_span_id',
  'name',
  'bits',
  'resource_id',
  'start_offset_ms',
  'duration_ms',
  'genai',
  'genai_tokens',
] as const;

/** Skeleton order: start offset, then span id (traceSkeleton.sql leaves sorting to JS). */
/**
 * Orders skeleton spans by start time; spans starting at the same instant put ancestors before
 * descendants (a parent and the child it starts at once often share a timestamp), then span id.
 */
function sortSkeleton(spans: SkeletonSpan[]): void {
  const parentOf = new Map<string, string | null>();
  for (const s of spans) parentOf.set(s.spanId, s.parentSpanId);
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    let d = depth.get(id);
    if (d !== undefined) return d;
    // Walk up iteratively (bounded by the span count, so a parent cycle cannot loop forever).
    const chain: string[] = [];
    let cur: string | null | undefined = id;
    while (cur && parentOf.has(cur) && depth.get(cur) === undefined && chain.length <= spans.length) {
      chain.push(cur);
      cur = parentOf.get(cur);
    }
    d = cur && depth.get(cur) !== undefined ? depth.get(cur)! : -1;
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i]!, ++d);
    return depth.get(id)!;
  };
  for (const s of spans) depthOf(s.spanId);
  spans.sort((a, b) => a.startOffsetMs - b.startOffsetMs || depth.get(a.spanId)! - depth.get(b.spanId)! || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
}

/** Column positions of the summary queries (listTraces, traceSummary, findTraces). */
interface SummaryColumns {
  traceId: number;
  rootName: number;
  hasRoot: number;
  rootService: number;
  startNs: number;
  endNs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  updatedSeq: number;
  sessionId: number;
  agentName: number;
  firstUserMessage: number;
}

function summaryColumns(q: PreparedQuery): SummaryColumns {
  return {
    traceId: q.column('trace_id'),
    rootName: q.column('root_name'),
    hasRoot: q.column('has_root'),
    rootService: q.column('root_service'),
    startNs: q.column('start_unix_nano'),
    endNs: q.column('end_unix_nano'),
    durationMs: q.column('duration_ms'),
    spanCount: q.column('span_count'),
    errorCount: q.column('error_count'),
    updatedSeq: q.column('updated_seq'),
    sessionId: q.column('session_id'),
    agentName: q.column('agent_name'),
    firstUserMessage: q.column('first_user_message'),
  };
}

function toSummary(row: Row, c: SummaryColumns): TraceSummary {
  const summary: TraceSummary = {
    traceId: row[c.traceId] as string,
    rootName: row[c.rootName] as string,
    hasRoot: row[c.hasRoot] === 1,
    serviceName: row[c.rootService] as string,
    startTimeUnixNano: row[c.startNs] as string,
    endTimeUnixNano: row[c.endNs] as string,
    durationMs: row[c.durationMs] as number,
    spanCount: row[c.spanCount] as number,
    errorCount: row[c.errorCount] as number,
    updatedSeq: row[c.updatedSeq] as number,
  };
  // GenAI members only when known (JSON-safe: no undefined members).
  const sessionId = row[c.sessionId];
  if (typeof sessionId === 'string') summary.sessionId = sessionId;
  const agentName = row[c.agentName];
  if (typeof agentName === 'string') summary.agentName = agentName;
  const firstUserMessage = row[c.firstUserMessage];
  if (typeof firstUserMessage === 'string') summary.firstUserMessage = firstUserMessage;
  return summary;
}

// ---------------------------------------------------------------------------------------------

/** A span from a query with spanDetail.sql's columns (trace_id … scope_json). */
function spanFromRow(q: PreparedQuery, row: Row): SpanRecord {
  const detail = decodeSpanDetail(row[q.column('detail')] as string);
  return {
    traceId: row[q.column('trace_id')] as string,
    spanId: row[q.column('span_id')] as string,
    parentSpanId: row[q.column('parent_span_id')] as string | null,
    traceState: detail.traceState,
    flags: detail.flags,
    name: row[q.column('name')] as string,
    kind: kindName(row[q.column('kind')] as number),
    startTimeUnixNano: row[q.column('start_unix_nano')] as string,
    endTimeUnixNano: row[q.column('end_unix_nano')] as string,
    attributes: detail.attributes,
    droppedAttributesCount: detail.droppedAttributesCount,
    events: detail.events,
    droppedEventsCount: detail.droppedEventsCount,
    links: detail.links,
    droppedLinksCount: detail.droppedLinksCount,
    status: { code: statusName(row[q.column('status_code')] as number), message: detail.statusMessage },
    resource: decodeResource(row[q.column('resource_json')] as string),
    scope: decodeScope(row[q.column('scope_json')] as string),
  };
}

/** A log record from a query with spanLogs.sql's columns. */
function logFromRow(lq: PreparedQuery, r: Row): LogRecordInfo {
  const d = decodeLogDetail(r[lq.column('detail')] as string);
  return {
    timeUnixNano: r[lq.column('time_unix_nano')] as string,
    observedTimeUnixNano: r[lq.column('observed_unix_nano')] as string,
    severityNumber: r[lq.column('severity_number')] as number,
    severityText: r[lq.column('severity_text')] as string,
    eventName: r[lq.column('event_name')] as string,
    body: d.body,
    attributes: d.attributes,
    droppedAttributesCount: d.droppedAttributesCount,
    flags: r[lq.column('flags')] as number,
    traceId: r[lq.column('trace_id')] as string | null,
    spanId: r[lq.column('span_id')] as string | null,
    resource: decodeResource(r[lq.column('resource_json')] as string),
    scope: decodeScope(r[lq.column('scope_json')] as string),
  };
}

/**
 * The span and log store. Create with `TraceStore.open`, release with `close`.
 *
 * Errors: methods throw `Error('TraceStore is closed')` after `close`, `RangeError` for invalid
 * limits/config, and rethrow SQLite failures (for example WASM out-of-memory) after rolling back
 * the transaction in progress; invalid input rows are not errors but `rejected` counts.
 */
export class TraceStore {
  private readonly db: Database;
  private readonly q: Queries;
  private readonly summaryCols: SummaryColumns;
  private config: StoreConfig;
  private closed = false;
  /** GenAI hooks (see `IngestAnnotator`); `undefined`: no GenAI facts are kept. */
  private annotator: IngestAnnotator | undefined;
  /**
   * Traces with a user-message log record stored before the trace's summary row existed: read
   * back (traceUserLogs.sql) when the row is created. Bounded by `MAX_PENDING_USER_LOG_TRACES`
   * (then cleared: those traces only miss their first-user-message label).
   */
  private pendingUserLogTraces = new Set<TraceId>();
  /** GenAI badge names by id (`codec.ts badgeNamesKey`; id 0 = none) and the reverse map. */
  private genaiNames: string[] = [''];
  private genaiNameIds = new Map<string, number>();
  private readonly pageSize: number;
  /** sql.js itself: makes the scratch databases of snapshots. */
  private readonly SQL: SqlJsStatic;
  /** GenAI names already written to `store.genai_names` (ids below this; see `persistGenaiNames`). */
  private persistedGenaiNames = 1;
  /** The snapshot copy in progress (`exportSnapshot`), finished by `close`. */
  private activeBackup: Backup | undefined;
  /** Per-file code index (CodeLens, error decorations), in memory; kept in step with every transaction. */
  private readonly code = new CodeIndex();

  // Deduplication caches: content JSON → row id, and object identity → row id (decoders share
  // one resource/scope object across the spans of a ResourceSpans/ScopeSpans, which skips the
  // JSON.stringify). Rebuilt from empty on clear(); the store is never reopened from data.
  private resourceIds = new Map<string, number>();
  private resourceIdsByObject = new WeakMap<object, number>();
  private scopeIds = new Map<string, number>();
  private scopeIdsByObject = new WeakMap<object, number>();
  /** `service.name` by resource id (index). */
  private serviceNames: string[] = [];
  private nextResourceId = 1;
  private nextScopeId = 1;
  private nextDetailId = 1;
  /** Cache entries added in the open transaction, dropped again if it rolls back. */
  private pendingResourceKeys: string[] = [];
  private pendingScopeKeys: string[] = [];

  // O(1) counters for stats(), updated only after a successful COMMIT.
  private seq = 0;
  private traceCount = 0;
  private spanCount = 0;
  private logCount = 0;
  private evictedTraceCount = 0;
  private evictedSpanCount = 0;
  private rejectedCount = 0;
  private metricPointCount = 0;

  private constructor(SQL: SqlJsStatic, db: Database, config: StoreConfig) {
    this.SQL = SQL;
    this.db = db;
    this.config = config;
    const prepared: Partial<Queries> = {};
    try {
      for (const [name, sql] of Object.entries(QUERY_SQL) as [keyof Queries, string][]) {
        prepared[name] = new PreparedQuery(db, sql, `${name}.sql`);
      }
    } catch (error) {
      for (const query of Object.values(prepared)) query.free();
      throw error;
    }
    this.q = prepared as Queries;
    this.summaryCols = summaryColumns(this.q.listTraces);
    // Same columns in the same order in all three summary queries (checked here, once).
    for (const query of [this.q.traceSummary, this.q.findTraces, this.q.listSessionTraces]) {
      if (query.columnNames.join() !== this.q.listTraces.columnNames.join()) {
        throw new Error(`${query.label}: columns differ from listTraces.sql`);
      }
    }
    const skeletonColumns = this.q.traceSkeleton.columnNames.join();
    if (skeletonColumns !== SKELETON_COLUMNS.join()) {
      throw new Error(`traceSkeleton.sql: columns ${skeletonColumns}, expected ${SKELETON_COLUMNS.join()}`);
    }
    this.pageSize = this.q.pageSize.first()![0] as number;
  }

  /**
   * Loads sql.js (WASM compile: 16–60 ms), creates the schema in an attached in-memory
   * database and prepares every statement. sql.js instantiates its WASM once per process (or
   * worker): later calls reuse that instance and ignore `wasmBinary`/`locateFile`, and a failed
   * first load fails every later call too.
   * @throws RangeError for an invalid `config`; Error when the WASM cannot be loaded.
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
      if (options.snapshot) restoreSnapshot(SQL, db, options.snapshot);
      const store = new TraceStore(SQL, db, config);
      store.annotator = options.annotator;
      if (options.snapshot) {
        try {
          store.rebuildFromTables();
        } catch (error) {
          for (const query of Object.values(store.q)) query.free();
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
    if (this.activeBackup) throw new Error('a snapshot is already being made');
    const yieldFn = options.yieldToEventLoop ?? yieldImmediate;
    this.persistGenaiNames();
    const image = new Uint8Array(Math.max(1, this.pageCount()) * this.pageSize);
    image.set(emptyDatabaseImage(this.SQL));
    const scratch = new this.SQL.Database(image);
    try {
      scratch.run(snapshotTargetSql);
      const backup = new Backup(this.SQL, scratch, 'main', this.db, 'store');
      this.activeBackup = backup;
      try {
        while (!backup.step(SNAPSHOT_PAGES_PER_STEP)) {
          await yieldFn();
          if (this.closed) throw new Error('TraceStore closed while a snapshot was being made');
        }
      } finally {
        this.activeBackup = undefined;
        backup.finish();
      }
      return scratch.export();
    } finally {
      scratch.close();
    }
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
    this.config = validateConfig(config);
    return this.enforceRetention({ budgetMs: options.budgetMs ?? DEFAULT_SLICE_BUDGET_MS });
  }

  /** The current retention limits. */
  getConfig(): StoreConfig {
    return { ...this.config };
  }

  /**
   * Sets the GenAI hooks used by later writes (spans stored before keep what they had). The
   * ingest service installs src/core/genai's annotator.
   */
  setAnnotator(annotator: IngestAnnotator | undefined): void {
    this.annotator = annotator;
  }

  // -------------------------------------------------------------------------------------------
  // Writes

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
   * do not mutate a resource or scope object after passing it in.
   * @throws Error on SQLite failure (the transaction in progress is rolled back; earlier ones
   * of this call stay committed).
   */
  insertSpans(spans: readonly SpanRecord[], options: WriteOptions = {}): InsertResult {
    return this.write(spans, options, (from, to, deadline, tally, changes) =>
      this.spanTransaction(spans, from, to, deadline, tally, changes),
    );
  }

  /**
   * Stores OTLP log records (not deduplicated: log records have no identity). Records with
   * trace and span ids appear in that span's `spanDetail`; they are deleted with their trace.
   * Slicing, result and errors as in `insertSpans`.
   */
  insertLogs(logs: readonly LogRecordInfo[], options: WriteOptions = {}): InsertResult {
    return this.write(logs, options, (from, to, deadline, tally, changes) =>
      this.logTransaction(logs, from, to, deadline, tally, changes),
    );
  }

  /**
   * `insertSpans` for a whole batch, in slices of `sliceBudgetMs` with `yieldToEventLoop`
   * awaited between them, then retention until done. Results are merged over the slices.
   * Other store calls may run between slices (each slice is committed).
   */
  ingestSpans(spans: readonly SpanRecord[], options: SliceOptions = {}): Promise<InsertResult> {
    return this.sliced(spans.length, options, (offset, budgetMs) =>
      this.insertSpans(spans, { offset, budgetMs }),
    );
  }

  /** `insertLogs` in slices with yields in between; see `ingestSpans`. */
  ingestLogs(logs: readonly LogRecordInfo[], options: SliceOptions = {}): Promise<InsertResult> {
    return this.sliced(logs.length, options, (offset, budgetMs) =>
      this.insertLogs(logs, { offset, budgetMs }),
    );
  }

  /**
   * Evicts until within the limits or until `budgetMs` (default: no limit) has passed (at least
   * one trace per call): oldest traces by start time, with their spans and logs, while more
   * than `maxSpans` spans are stored or the used database bytes exceed `maxMegabytes`; then the
   * oldest log records beyond `MAX_LOG_RECORDS`, and any log records while still over the byte
   * limit with no trace left. Counted in `StoreStats.evictedTraceCount`.
   */
  enforceRetention(options: { budgetMs?: number } = {}): RetentionResult {
    this.assertOpen();
    const changes = new ChangeSet();
    const deadline = now() + (options.budgetMs ?? Infinity);
    const { pending, removedLogCount } = this.evictionTransaction(deadline, changes);
    return { seq: this.seq, removedTraceIds: [...changes.removed], removedLogCount, pending };
  }

  /** `enforceRetention` in slices with yields in between, until within the limits. */
  async applyRetention(options: SliceOptions = {}): Promise<RetentionResult> {
    const budgetMs = options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS;
    const yieldFn = options.yieldToEventLoop ?? yieldImmediate;
    const removed: TraceId[] = [];
    let removedLogCount = 0;
    for (;;) {
      const r = this.enforceRetention({ budgetMs });
      removed.push(...r.removedTraceIds);
      removedLogCount += r.removedLogCount;
      if (!r.pending) return { seq: r.seq, removedTraceIds: removed, removedLogCount, pending: false };
      await yieldFn();
    }
  }

  /**
   * Deletes one trace with its spans and correlated logs (not counted as an eviction).
   * @returns `false` when no such trace is stored.
   */
  deleteTrace(traceId: TraceId): boolean {
    this.assertOpen();
    if (typeof traceId !== 'string') return false;
    const removed = this.transaction(() => this.deleteTraceRows(traceId));
    this.logCount -= removed.logs;
    if (!removed.existed) return false;
    this.spanCount -= removed.spans;
    this.traceCount -= 1;
    this.seq += 1;
    return true;
  }

  /**
   * Removes all traces, spans, logs, resources and scopes. `evictedTraceCount`,
   * `evictedSpanCount`, `rejectedCount` and `metricPointCount` are since-start counters and are kept. Memory held
   * by the database stays allocated for reuse (a WASM heap never shrinks).
   */
  clear(): void {
    this.assertOpen();
    this.transaction(() => this.db.run(clearSql));
    this.code.clear();
    this.pendingUserLogTraces.clear();
    this.genaiNames = [''];
    this.genaiNameIds = new Map();
    this.persistedGenaiNames = 1;
    this.resourceIds = new Map();
    this.resourceIdsByObject = new WeakMap();
    this.scopeIds = new Map();
    this.scopeIdsByObject = new WeakMap();
    this.serviceNames = [];
    this.nextResourceId = 1;
    this.nextScopeId = 1;
    this.nextDetailId = 1;
    this.traceCount = 0;
    this.spanCount = 0;
    this.logCount = 0;
    this.seq += 1;
  }

  /**
   * Adds counts the worker observed outside the store, for `stats()`: items refused before
   * reaching the store (undecodable spans and logs) and metric data points (counted, not stored).
   */
  addIngestCounts(counts: { rejectedCount?: number; metricPointCount?: number }): void {
    this.rejectedCount += Math.max(0, counts.rejectedCount ?? 0);
    this.metricPointCount += Math.max(0, counts.metricPointCount ?? 0);
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  /**
   * Counters, O(1): maintained on every write; `storeBytes` is the memory held by the
   * database's pages (`page_count * page_size`, including pages freed for reuse).
   */
  stats(): StoreStats {
    this.assertOpen();
    return {
      traceCount: this.traceCount,
      spanCount: this.spanCount,
      logCount: this.logCount,
      metricPointCount: this.metricPointCount,
      evictedTraceCount: this.evictedTraceCount,
      evictedSpanCount: this.evictedSpanCount,
      rejectedCount: this.rejectedCount,
      storeBytes: this.pageCount() * this.pageSize,
    };
  }

  /** The current store sequence (see `InsertResult.seq`). */
  currentSeq(): number {
    return this.seq;
  }

  /**
   * Bytes of the database's pages in use: `(page_count - freelist_count) * page_size`. This is
   * what `maxMegabytes` limits (page_count alone never shrinks after deletes).
   */
  usedBytes(): number {
    this.assertOpen();
    return this.usedBytesNow();
  }

  /**
   * Trace summaries, newest first by start time (ties by trace id), `limit` rows from
   * `offset`. From the summary table: no scan of spans.
   * @throws RangeError when `limit` or `offset` is not a finite number (clamped to 0…10,000
   * rows, and 0… for the offset).
   */
  listTraces(limit: number, offset = 0, sessionId?: string): TraceSummary[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT);
    const o = toCount(offset, 'offset', Number.MAX_SAFE_INTEGER);
    if (l === 0) return [];
    const c = this.summaryCols;
    if (typeof sessionId === 'string') {
      return this.q.listSessionTraces.all({ session_id: sessionId, limit: l, offset: o }).map((row) => toSummary(row, c));
    }
    return this.q.listTraces.all({ limit: l, offset: o }).map((row) => toSummary(row, c));
  }

  /**
   * Sessions (traces grouped by `TraceSummary.sessionId`), most recently active first (latest
   * trace end), at most `limit`. Traces without a session are not listed. A GROUP BY over the
   * traces summary table (indexed by session, never over spans; see listSessions.sql), then one
   * index lookup per listed session for its label: the first user message, agent name or root
   * span name of its earliest trace.
   * @throws RangeError when `limit` is not a finite number (clamped to 0…10,000).
   */
  listSessions(limit: number): SessionSummary[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT);
    if (l === 0) return [];
    return this.q.listSessions.all({ limit: l }).map((row): SessionSummary => {
      const sessionId = row[0] as string;
      const first = this.q.sessionFirstTrace.first({ session_id: sessionId });
      const label = first ? ((first[1] as string | null) ?? (first[0] as string | null) ?? (first[2] as string)) : '';
      return {
        sessionId,
        traceCount: row[1] as number,
        startTimeUnixNano: row[2] as string,
        endTimeUnixNano: row[3] as string,
        firstTraceLabel: label,
        errorCount: row[4] as number,
      };
    });
  }

  /** One trace's summary, or `null` when it is not stored. */
  traceSummary(traceId: TraceId): TraceSummary | null {
    this.assertOpen();
    if (typeof traceId !== 'string') return null;
    const row = this.q.traceSummary.first({ trace_id: traceId });
    return row ? toSummary(row, this.summaryCols) : null;
  }

  /**
   * Traces whose id starts with `prefix` (trimmed, lower-cased), newest first, at most `limit`.
   * An empty prefix lists the newest traces. Any string is just data: no pattern syntax.
   * @throws RangeError when `limit` is not a finite number.
   */
  findTraces(prefix: string, limit: number): TraceSummary[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT);
    const p = String(prefix ?? '').trim().toLowerCase();
    if (p === '') return this.listTraces(l, 0);
    if (l === 0) return [];
    const c = this.summaryCols;
    return this.q.findTraces
      .all({ prefix: p, prefix_end: prefixUpperBound(p), limit: l })
      .map((row) => toSummary(row, c));
  }

  /**
   * A trace without attributes, for the waterfall: spans ordered by start time (ties: ancestors
   * first, then span id), times in ms relative to the trace start (`startTimeUnixNano`, the earliest span
   * start). Durations of spans that end before they start read as 0. `null` when not stored.
   */
  traceSkeleton(traceId: TraceId): TraceSkeleton | null {
    this.assertOpen();
    const summary = this.traceSummary(traceId);
    if (!summary) return null;
    const spans: SkeletonSpan[] = [];
    const services = this.serviceNames;
    // Positions of SKELETON_COLUMNS (checked against the SQL in the constructor).
    this.q.traceSkeleton.each({ trace_id: traceId }, (row) => {
      const bits = row[3] as number;
      spans.push({
        spanId: row[0] as string,
        parentSpanId: row[1] as string | null,
        name: row[2] as string,
        kind: kindName(bits & 7),
        statusCode: statusName((bits >> 3) & 3),
        serviceName: services[row[4] as number] ?? '',
        startOffsetMs: row[5] as number,
        durationMs: row[6] as number,
        eventCount: Math.floor(bits / 64),
        hasException: ((bits >> 5) & 1) === 1,
      });
      const genai = row[7];
      if (typeof genai === 'number') spans[spans.length - 1]!.genai = unpackBadge(genai, row[8] as number | null, this.genaiNames);
    });
    sortSkeleton(spans);
    return {
      traceId: summary.traceId,
      startTimeUnixNano: summary.startTimeUnixNano,
      durationMs: summary.durationMs,
      spans,
    };
  }

  /**
   * One span with its resource, scope, attributes, events and links, plus the log records
   * correlated with it (by time, then arrival). `null` when not stored.
   */
  spanDetail(traceId: TraceId, spanId: SpanId): SpanDetail | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return null;
    const q = this.q.spanDetail;
    const row = q.first({ trace_id: traceId, span_id: spanId });
    if (!row) return null;
    const span = spanFromRow(q, row);
    const lq = this.q.spanLogs;
    const logs = lq.all({ trace_id: traceId, span_id: spanId }).map((r) => logFromRow(lq, r));
    // GenAI normalization is applied by the ingest service (src/core/genai), not by the store.
    return { span, logs, genai: null };
  }

  /** `true` when the trace has a GenAI span (one badge is enough; stops at the first). */
  traceHasGenAi(traceId: TraceId): boolean {
    this.assertOpen();
    return typeof traceId === 'string' && this.q.traceHasGenAi.first({ trace_id: traceId }) !== undefined;
  }

  /**
   * The GenAI spans of a trace (those stored with a badge) with their correlated log records and
   * offsets, earliest first, at most `maxSpans` (default and cap `MAX_CONVERSATION_SPANS`); logs
   * at most `MAX_CONVERSATION_LOGS` for the whole trace. `truncated` when spans were left out.
   * `null` when the trace is not stored. Input of the Conversation tab.
   */
  traceGenAiSpans(traceId: TraceId, maxSpans = MAX_CONVERSATION_SPANS): { spans: StoredGenAiSpan[]; truncated: boolean } | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || !this.traceSummary(traceId)) return null;
    const limit = toCount(maxSpans, 'maxSpans', MAX_CONVERSATION_SPANS);
    const q = this.q.traceGenAiSpans;
    const offsetCol = q.column('start_offset_ms');
    const durationCol = q.column('duration_ms');
    const rows = q.all({ trace_id: traceId, limit: limit + 1 });
    const truncated = rows.length > limit;
    const spans: StoredGenAiSpan[] = rows.slice(0, limit).map((row) => ({
      span: spanFromRow(q, row),
      logs: [],
      startOffsetMs: row[offsetCol] as number,
      durationMs: row[durationCol] as number,
    }));
    if (spans.length > 0) {
      const bySpan = new Map<SpanId, StoredGenAiSpan>();
      for (const s of spans) bySpan.set(s.span.spanId, s);
      const lq = this.q.traceLogs;
      const spanCol = lq.column('span_id');
      lq.each({ trace_id: traceId, limit: MAX_CONVERSATION_LOGS }, (r) => {
        const target = bySpan.get(r[spanCol] as string);
        if (target) target.logs.push(logFromRow(lq, r));
      });
    }
    return { spans, truncated };
  }

  /**
   * CodeLens facts and error lines of one source file, looked up under every index key the
   * document may have been stored under (`documentKeyCandidates` in src/core/source/resolve.ts).
   * From the in-memory code index (src/core/source/codeIndex.ts), maintained with every write:
   * one map lookup per key, so files no span points at cost nothing.
   */
  codeStatsForFile(keys: readonly string[]): FileCodeStats {
    this.assertOpen();
    return this.code.statsForFile(Array.isArray(keys) ? keys : []);
  }

  /** Frees every prepared statement and closes the database (abandoning a snapshot in progress); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.activeBackup?.finish();
    } catch {
      // An abandoned copy: its result is not used.
    }
    this.activeBackup = undefined;
    for (const query of Object.values(this.q)) query.free();
    this.db.close();
  }

  /** `true` after `close()`. */
  get isClosed(): boolean {
    return this.closed;
  }

  // -------------------------------------------------------------------------------------------
  // Write machinery

  private assertOpen(): void {
    if (this.closed) throw new Error('TraceStore is closed');
  }

  /** Writes the GenAI names interned since the last snapshot to `store.genai_names`. */
  private persistGenaiNames(): void {
    if (this.persistedGenaiNames >= this.genaiNames.length) return;
    this.transaction(() => {
      for (let id = this.persistedGenaiNames; id < this.genaiNames.length; id++) {
        this.q.insertGenaiName.run({ id, key: this.genaiNames[id]! });
      }
    });
    this.persistedGenaiNames = this.genaiNames.length;
  }

  /**
   * After a snapshot was copied in: rebuilds what the store keeps in memory from the tables
   * (counters, next ids, resource/scope deduplication maps, service names, GenAI names, the code
   * index). Since-start counters (evicted, rejected, metric points) start at 0.
   */
  private rebuildFromTables(): void {
    const counts = this.q.restoreCounts.first()!;
    this.traceCount = counts[0] as number;
    this.spanCount = counts[1] as number;
    this.logCount = counts[2] as number;
    this.nextDetailId = (counts[3] as number) + 1;
    this.seq = counts[4] as number;
    this.q.restoreResources.each({}, (row) => {
      const id = row[0] as number;
      this.resourceIds.set(row[2] as string, id);
      this.serviceNames[id] = row[1] as string;
      if (id >= this.nextResourceId) this.nextResourceId = id + 1;
    });
    this.q.restoreScopes.each({}, (row) => {
      const id = row[0] as number;
      this.scopeIds.set(row[1] as string, id);
      if (id >= this.nextScopeId) this.nextScopeId = id + 1;
    });
    this.q.restoreGenaiNames.each({}, (row) => {
      const id = row[0] as number;
      while (this.genaiNames.length < id) this.genaiNames.push('');
      this.genaiNames[id] = row[1] as string;
      this.genaiNameIds.set(row[1] as string, id);
    });
    this.persistedGenaiNames = this.genaiNames.length;
    const cq = this.q.restoreCodeSpans;
    cq.each({}, (row) => this.code.add(spanFromRow(cq, row)));
    this.code.commit();
  }

  /** Runs `body` in a transaction; rolls back (and forgets cache entries) if it throws. */
  private transaction<T>(body: () => T): T {
    this.q.begin.run();
    try {
      const result = body();
      this.q.commit.run();
      this.code.commit();
      return result;
    } catch (error) {
      this.code.rollback();
      try {
        this.q.rollback.run();
      } catch {
        // SQLite may already have rolled back (e.g. after SQLITE_NOMEM); nothing left to undo.
      }
      for (const key of this.pendingResourceKeys) this.resourceIds.delete(key);
      for (const key of this.pendingScopeKeys) this.scopeIds.delete(key);
      // Object-identity entries may point at rolled-back ids: start those caches afresh.
      if (this.pendingResourceKeys.length > 0) this.resourceIdsByObject = new WeakMap();
      if (this.pendingScopeKeys.length > 0) this.scopeIdsByObject = new WeakMap();
      throw error;
    } finally {
      this.pendingResourceKeys = [];
      this.pendingScopeKeys = [];
    }
  }

  /** Shared loop of insertSpans/insertLogs: transactions of ≤ MAX_ROWS rows, then retention. */
  private write(
    rows: readonly unknown[],
    options: WriteOptions,
    transaction: (from: number, to: number, deadline: number, tally: WriteTally, changes: ChangeSet) => number,
  ): InsertResult {
    this.assertOpen();
    const deadline = now() + (options.budgetMs ?? Infinity);
    const tally: WriteTally = { inserted: 0, updated: 0, rejected: 0, reasons: new Set() };
    const changes = new ChangeSet();
    let offset = Math.max(0, Math.floor(options.offset ?? 0));
    let retentionPending: boolean;
    do {
      if (offset < rows.length) {
        const to = Math.min(rows.length, offset + MAX_ROWS_PER_TRANSACTION);
        offset = transaction(offset, to, deadline, tally, changes);
      }
      // Also with nothing to write: lowered limits are honoured on the next write.
      retentionPending = this.evictionTransaction(deadline, changes).pending;
    } while (offset < rows.length && now() < deadline);
    return {
      seq: this.seq,
      nextOffset: offset,
      inserted: tally.inserted,
      updated: tally.updated,
      rejected: tally.rejected,
      rejectReasons: [...tally.reasons],
      changedTraceIds: [...changes.changed],
      removedTraceIds: [...changes.removed],
      retentionPending,
    };
  }

  /** Drives synchronous slices with yields in between and merges their results. */
  private async sliced(
    length: number,
    options: SliceOptions,
    slice: (offset: number, budgetMs: number) => InsertResult,
  ): Promise<InsertResult> {
    const budgetMs = options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS;
    const yieldFn = options.yieldToEventLoop ?? yieldImmediate;
    const changes = new ChangeSet();
    const reasons = new Set<string>();
    const total: InsertResult = {
      seq: this.seq,
      nextOffset: 0,
      inserted: 0,
      updated: 0,
      rejected: 0,
      rejectReasons: [],
      changedTraceIds: [],
      removedTraceIds: [],
      retentionPending: false,
    };
    let first = true;
    while (first || total.nextOffset < length) {
      if (!first) await yieldFn();
      first = false;
      const r = slice(total.nextOffset, budgetMs);
      total.seq = r.seq;
      total.nextOffset = r.nextOffset;
      total.inserted += r.inserted;
      total.updated += r.updated;
      total.rejected += r.rejected;
      for (const reason of r.rejectReasons) if (reasons.size < MAX_REJECT_REASONS) reasons.add(reason);
      for (const id of r.changedTraceIds) changes.change(id);
      for (const id of r.removedTraceIds) changes.remove(id);
      total.retentionPending = r.retentionPending;
    }
    while (total.retentionPending) {
      await yieldFn();
      const r = this.enforceRetention({ budgetMs });
      total.seq = r.seq;
      for (const id of r.removedTraceIds) changes.remove(id);
      total.retentionPending = r.pending;
    }
    total.rejectReasons = [...reasons];
    total.changedTraceIds = [...changes.changed];
    total.removedTraceIds = [...changes.removed];
    return total;
  }

  private reject(tally: WriteTally, reason: string): void {
    tally.rejected += 1;
    this.rejectedCount += 1;
    if (tally.reasons.size < MAX_REJECT_REASONS) tally.reasons.add(reason);
  }

  /**
   * Row id of a resource, inserting it the first time its content is seen; `undefined` when it
   * cannot be encoded as JSON.
   */
  private resourceId(resource: SpanRecord['resource']): number | undefined {
    const known = this.resourceIdsByObject.get(resource);
    if (known !== undefined) return known;
    const json = safely(() => encodeResource(resource));
    if (json === null) return undefined;
    let id = this.resourceIds.get(json);
    if (id === undefined) {
      id = this.nextResourceId++;
      const serviceName = serviceNameOf(resource);
      this.q.insertResource.run({ id, service_name: serviceName, json });
      this.resourceIds.set(json, id);
      this.pendingResourceKeys.push(json);
      this.serviceNames[id] = serviceName;
    }
    this.resourceIdsByObject.set(resource, id);
    return id;
  }

  /** Row id of a scope, like `resourceId`. */
  private scopeId(scope: SpanRecord['scope']): number | undefined {
    const known = this.scopeIdsByObject.get(scope);
    if (known !== undefined) return known;
    const json = safely(() => encodeScope(scope));
    if (json === null) return undefined;
    let id = this.scopeIds.get(json);
    if (id === undefined) {
      id = this.nextScopeId++;
      this.q.insertScope.run({ id, json });
      this.scopeIds.set(json, id);
      this.pendingScopeKeys.push(json);
    }
    this.scopeIdsByObject.set(scope, id);
    return id;
  }

  /**
   * A valid span's `insertSpan.sql`/`updateSpan.sql` parameters and detail JSON (inserting its
   * resource and scope if new), or the reason to refuse it. JSON-unsafe values (BigInt,
   * cycles) break the model's contract; they refuse the span instead of failing the slice.
   */
  private prepareSpan(
    span: SpanRecord,
  ): { row: Params; detail: Uint8Array; resourceId: number; isError: number; facts: SpanAnnotation | undefined } | string {
    const problem = spanProblem(span);
    if (problem !== null) return problem;
    const facts = this.annotate(span);
    const badge = facts?.badge ? packBadge(facts.badge, this.genaiNameId(badgeNamesKey(facts.badge))) : undefined;
    const detail = safely(() => encodeSpanDetail(span));
    if (detail === null) return UNSERIALIZABLE;
    const resourceId = this.resourceId(span.resource);
    const scopeId = this.scopeId(span.scope);
    if (resourceId === undefined || scopeId === undefined) return UNSERIALIZABLE;
    const statusCode = statusNumber(span.status.code)!;
    const events = span.events ?? [];
    return {
      detail: utf8.encode(detail),
      resourceId,
      isError: statusCode === STATUS_ERROR ? 1 : 0,
      facts,
      row: {
        trace_id: span.traceId,
        span_id: span.spanId,
        parent_span_id: span.parentSpanId,
        name: span.name,
        kind: kindCode(span.kind)!,
        status_code: statusCode,
        start_ns: span.startTimeUnixNano,
        end_ns: span.endTimeUnixNano,
        resource_id: resourceId,
        scope_id: scopeId,
        event_count: events.length,
        has_exception: hasExceptionEvent(events) ? 1 : 0,
        detail_id: this.nextDetailId,
        genai: badge ? badge.genai : null,
        genai_tokens: badge ? badge.tokens : null,
      },
    };
  }

  /**
   * Id of a badge's names (model/agent/tool) in the in-memory dictionary `genaiNames` (0: no
   * names). The dictionary only grows (ids in rolled-back rows are simply unused) and is reset by
   * clear(); past `MAX_GENAI_NAMES` distinct names, new ones are stored without names.
   */
  private genaiNameId(key: string): number {
    if (key === '') return 0;
    let id = this.genaiNameIds.get(key);
    if (id === undefined) {
      if (this.genaiNames.length > MAX_GENAI_NAMES) return 0;
      id = this.genaiNames.length;
      this.genaiNames.push(key);
      this.genaiNameIds.set(key, id);
    }
    return id;
  }

  /** The annotator's facts for a span; a failing annotator costs the span its GenAI facts, never the write. */
  private annotate(span: SpanRecord): SpanAnnotation | undefined {
    if (!this.annotator) return undefined;
    try {
      return this.annotator.span(span);
    } catch {
      return undefined;
    }
  }

  /** `annotator.firstUserText`, failures read as "no text". */
  private userTextOf(span: SpanRecord): string | undefined {
    try {
      return this.annotator?.firstUserText(span);
    } catch {
      return undefined;
    }
  }

  /** `annotator.logFirstUserText` for records whose event name may carry user text. */
  private userTextOfLog(log: LogRecordInfo): string | undefined {
    const annotator = this.annotator;
    if (!annotator || log.traceId === null || !annotator.userTextEventNames.includes(log.eventName)) return undefined;
    try {
      return annotator.logFirstUserText(log);
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps the trace's first user message up to date after its summary row was upserted:
   * `storedNs` is the row's current `first_user_ns` (null: none). Tries this slice's model calls
   * that start earlier, earliest first, until one carries user text; for a row just created, also
   * the trace's log records that arrived before its spans. Extraction (JSON parsing) happens
   * only for those candidates, so a trace costs about one parse, not one per span.
   */
  private updateFirstUserMessage(traceId: TraceId, d: TraceDelta, storedNs: string | null, created: boolean, seq: number): void {
    let best: { text: string; ns: string } | undefined;
    if (created && this.pendingUserLogTraces.delete(traceId)) {
      const lq = this.q.traceUserLogs;
      for (const r of lq.all({ trace_id: traceId })) {
        const ns = (r[0] as string) === '0' ? (r[1] as string) : (r[0] as string);
        const d0 = decodeLogDetail(r[3] as string);
        const text = this.userTextOfLog({
          timeUnixNano: r[0] as string,
          observedTimeUnixNano: r[1] as string,
          severityNumber: 0,
          severityText: '',
          eventName: r[2] as string,
          body: d0.body,
          attributes: d0.attributes,
          droppedAttributesCount: 0,
          flags: 0,
          traceId,
          spanId: null,
          resource: { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
          scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
        });
        if (text !== undefined) {
          best = { text, ns };
          break;
        }
      }
    }
    const calls = d.modelCalls;
    if (calls) {
      if (calls.length > 1) calls.sort((a, b) => compareDecimal(a.startTimeUnixNano, b.startTimeUnixNano));
      for (const span of calls) {
        const ns = span.startTimeUnixNano;
        if (storedNs !== null && compareDecimal(ns, storedNs) >= 0) break;
        if (best && compareDecimal(ns, best.ns) >= 0) break;
        const text = this.userTextOf(span);
        if (text !== undefined) {
          best = { text, ns };
          break;
        }
      }
    }
    if (best && (storedNs === null || compareDecimal(best.ns, storedNs) < 0)) {
      this.q.setFirstUserMessage.run({ trace_id: traceId, text: best.text, first_user_ns: best.ns, seq });
    }
  }

  /**
   * One transaction over `spans[from…to)`, stopping early at the deadline (after ≥ 1 span).
   * @returns the index of the first span not processed.
   */
  private spanTransaction(
    spans: readonly SpanRecord[],
    from: number,
    to: number,
    deadline: number,
    tally: WriteTally,
    changes: ChangeSet,
  ): number {
    const seq = this.seq + 1;
    const deltas = new Map<TraceId, TraceDelta>();
    let inserted = 0;
    let updated = 0;
    let newTraces = 0;
    let next = from;
    const q = this.q;
    this.transaction(() => {
      while (next < to) {
        const span = spans[next++]!;
        const prepared = this.prepareSpan(span);
        if (typeof prepared === 'string') {
          this.reject(tally, prepared);
        } else {
          const { row, detail, resourceId, isError, facts } = prepared;
          q.insertSpan.run(row);
          let spanDelta = 0;
          let errorDelta: number;
          if (this.db.getRowsModified() === 1) {
            q.insertSpanDetail.run({ id: this.nextDetailId++, detail });
            spanDelta = 1;
            errorDelta = isError;
            inserted++;
          } else {
            // Re-sent span: replace it, correcting the error count by the status change.
            const old = q.existingSpan.first({ trace_id: span.traceId, span_id: span.spanId });
            if (!old) throw new Error('insertSpan.sql: conflict without a stored span');
            q.updateSpan.run(row);
            q.updateSpanDetail.run({ id: old[1] as number, detail });
            errorDelta = isError - (old[0] === STATUS_ERROR ? 1 : 0);
            updated++;
          }
          this.foldIntoDelta(deltas, span, resourceId, spanDelta, errorDelta, facts);
          // A re-sent span keeps its first indexing (SDK retries resend the same span).
          if (spanDelta > 0) this.code.add(span);
        }
        if (now() >= deadline) break;
      }
      for (const [traceId, d] of deltas) {
        const spanDelta = d.spanDelta;
        const returned = q.upsertTrace.first({
          trace_id: traceId,
          start_ns: d.startNs,
          end_ns: d.endNs,
          span_delta: spanDelta,
          error_delta: d.errorDelta,
          root_name: d.rootName,
          root_service: d.rootService,
          root_start_ns: d.rootStartNs,
          has_root: d.hasRoot ? 1 : 0,
          seq,
          session_id: d.sessionId,
          agent_name: d.agentName,
          agent_start_ns: d.agentStartNs,
        });
        const created = spanDelta > 0 && returned?.[0] === spanDelta;
        if (created) newTraces++;
        if (this.annotator && (d.modelCalls !== null || (created && this.pendingUserLogTraces.has(traceId)))) {
          this.updateFirstUserMessage(traceId, d, (returned?.[1] as string | null | undefined) ?? null, created, seq);
        }
      }
    });
    tally.inserted += inserted;
    tally.updated += updated;
    this.spanCount += inserted;
    this.traceCount += newTraces;
    if (deltas.size > 0) {
      this.seq = seq;
      for (const traceId of deltas.keys()) changes.change(traceId);
    }
    return next;
  }

  /** Adds one stored span to its trace's delta for this transaction. */
  private foldIntoDelta(
    deltas: Map<TraceId, TraceDelta>,
    span: SpanRecord,
    resourceId: number,
    spanDelta: number,
    errorDelta: number,
    facts: SpanAnnotation | undefined,
  ): void {
    const isRoot = span.parentSpanId === null;
    const d = deltas.get(span.traceId);
    if (!d) {
      const fresh: TraceDelta = {
        startNs: span.startTimeUnixNano,
        endNs: span.endTimeUnixNano,
        spanDelta,
        errorDelta,
        rootName: span.name,
        rootService: this.serviceNames[resourceId] ?? '',
        rootStartNs: span.startTimeUnixNano,
        hasRoot: isRoot,
        sessionId: null,
        agentName: null,
        agentStartNs: null,
        modelCalls: null,
      };
      deltas.set(span.traceId, fresh);
      if (facts) foldFacts(fresh, span, facts);
      return;
    }
    if (facts) foldFacts(d, span, facts);
    d.spanDelta += spanDelta;
    d.errorDelta += errorDelta;
    if (compareDecimal(span.startTimeUnixNano, d.startNs) < 0) d.startNs = span.startTimeUnixNano;
    if (compareDecimal(span.endTimeUnixNano, d.endNs) > 0) d.endNs = span.endTimeUnixNano;
    // Same rule as upsertTrace.sql: a root beats a non-root, then the earlier start wins.
    const better =
      (isRoot && !d.hasRoot) ||
      (isRoot === d.hasRoot && compareDecimal(span.startTimeUnixNano, d.rootStartNs) < 0);
    if (better) {
      d.rootName = span.name;
      d.rootService = this.serviceNames[resourceId] ?? '';
      d.rootStartNs = span.startTimeUnixNano;
      d.hasRoot = isRoot;
    }
  }

  /** A valid log record's `insertLog.sql` parameters, or the reason to refuse it. */
  private prepareLog(log: LogRecordInfo): Params | string {
    const problem = logProblem(log);
    if (problem !== null) return problem;
    const detail = safely(() => encodeLogDetail(log));
    if (detail === null) return UNSERIALIZABLE;
    const resourceId = this.resourceId(log.resource);
    const scopeId = this.scopeId(log.scope);
    if (resourceId === undefined || scopeId === undefined) return UNSERIALIZABLE;
    return {
      trace_id: log.traceId,
      span_id: log.spanId,
      time_ns: log.timeUnixNano,
      observed_ns: log.observedTimeUnixNano,
      severity_number: log.severityNumber ?? 0,
      severity_text: log.severityText ?? '',
      event_name: log.eventName ?? '',
      flags: log.flags ?? 0,
      resource_id: resourceId,
      scope_id: scopeId,
      detail: utf8.encode(detail),
    };
  }

  /** One transaction over `logs[from…to)`; see spanTransaction. */
  private logTransaction(
    logs: readonly LogRecordInfo[],
    from: number,
    to: number,
    deadline: number,
    tally: WriteTally,
    changes: ChangeSet,
  ): number {
    let inserted = 0;
    let next = from;
    const traces = new Set<TraceId>();
    // GenAI: records that may carry the trace's first user message, by trace.
    let userLogs: Map<TraceId, LogRecordInfo[]> | undefined;
    const userEvents = this.annotator?.userTextEventNames;
    this.transaction(() => {
      while (next < to) {
        const log = logs[next++]!;
        const row = this.prepareLog(log);
        if (typeof row === 'string') {
          this.reject(tally, row);
        } else {
          this.q.insertLog.run(row);
          inserted++;
          if (log.traceId !== null) {
            traces.add(log.traceId);
            if (userEvents?.includes(log.eventName)) {
              userLogs ??= new Map();
              const list = userLogs.get(log.traceId);
              if (list) list.push(log);
              else userLogs.set(log.traceId, [log]);
            }
          }
        }
        if (now() >= deadline) break;
      }
      if (userLogs) {
        const seq = this.seq + 1;
        for (const [traceId, list] of userLogs) {
          const timeOf = (l: LogRecordInfo): string => (l.timeUnixNano === '0' ? l.observedTimeUnixNano : l.timeUnixNano);
          list.sort((a, b) => compareDecimal(timeOf(a), timeOf(b)));
          for (const log of list) {
            const text = this.userTextOfLog(log);
            if (text === undefined) continue;
            this.q.setFirstUserMessage.run({ trace_id: traceId, text, first_user_ns: timeOf(log), seq });
            // 0 rows (no summary row yet, or an earlier text stored): when the row is missing,
            // remember the trace so its first spans read these records back.
            if (this.db.getRowsModified() === 0 && !this.traceSummary(traceId)) {
              if (this.pendingUserLogTraces.size >= MAX_PENDING_USER_LOG_TRACES) this.pendingUserLogTraces.clear();
              this.pendingUserLogTraces.add(traceId);
            }
            break;
          }
        }
      }
    });
    tally.inserted += inserted;
    this.logCount += inserted;
    if (inserted > 0) {
      this.seq += 1;
      for (const traceId of traces) changes.change(traceId);
    }
    return next;
  }

  /** Deletes one trace's rows (in the caller's transaction); counts what went. */
  private deleteTraceRows(traceId: TraceId): { existed: boolean; spans: number; logs: number } {
    const key = { trace_id: traceId };
    this.q.deleteTraceDetails.run(key);
    this.q.deleteTraceSpans.run(key);
    const spans = this.db.getRowsModified();
    this.q.deleteTraceLogs.run(key);
    const logs = this.db.getRowsModified();
    this.q.deleteTraceSummary.run(key);
    const existed = this.db.getRowsModified() > 0;
    this.code.removeTrace(traceId);
    return { existed, spans, logs };
  }

  private pageCount(): number {
    return this.q.pageCount.first()![0] as number;
  }

  private usedBytesNow(): number {
    const free = this.q.freelistCount.first()![0] as number;
    return (this.pageCount() - free) * this.pageSize;
  }

  /**
   * One eviction transaction (see enforceRetention) that stops at the deadline after at least
   * one deletion. Counters are updated after COMMIT.
   */
  private evictionTransaction(
    deadline: number,
    changes: ChangeSet,
  ): { pending: boolean; removedLogCount: number } {
    const maxBytes = this.config.maxMegabytes * BYTES_PER_MEGABYTE;
    let spanCount = this.spanCount;
    let traceCount = this.traceCount;
    let logCount = this.logCount;
    const overTraceLimits = (): boolean =>
      traceCount > 0 && (spanCount > this.config.maxSpans || this.usedBytesNow() > maxBytes);
    const overLogLimits = (): boolean =>
      logCount > MAX_LOG_RECORDS || (traceCount === 0 && logCount > 0 && this.usedBytesNow() > maxBytes);
    if (!overTraceLimits() && !overLogLimits()) return { pending: false, removedLogCount: 0 };

    const evicted: TraceId[] = [];
    let removedLogs = 0;
    let deletions = 0;
    let outOfTime = false;
    const timeUp = (): boolean => deletions > 0 && now() >= deadline;
    this.transaction(() => {
      evict: while (overTraceLimits()) {
        const candidates = this.q.oldestTraces.all({ limit: EVICTION_CANDIDATES_PER_QUERY });
        if (candidates.length === 0) break;
        for (const [traceId] of candidates) {
          if (timeUp()) {
            outOfTime = true;
            break evict;
          }
          const gone = this.deleteTraceRows(traceId as string);
          deletions++;
          spanCount -= gone.spans;
          logCount -= gone.logs;
          removedLogs += gone.logs;
          if (gone.existed) {
            traceCount -= 1;
            evicted.push(traceId as string);
          }
          if (!overTraceLimits()) break evict;
        }
      }
      while (!outOfTime && overLogLimits()) {
        if (timeUp()) {
          outOfTime = true;
          break;
        }
        const excess = logCount > MAX_LOG_RECORDS ? logCount - MAX_LOG_RECORDS : LOG_EVICTION_BATCH;
        this.q.deleteOldestLogs.run({ limit: Math.min(excess, LOG_EVICTION_BATCH) });
        const n = this.db.getRowsModified();
        deletions++;
        if (n === 0) break;
        logCount -= n;
        removedLogs += n;
      }
    });
    this.evictedSpanCount += this.spanCount - spanCount;
    this.spanCount = spanCount;
    this.traceCount = traceCount;
    this.logCount = logCount;
    this.evictedTraceCount += evicted.length;
    if (deletions > 0) this.seq += 1;
    for (const traceId of evicted) changes.remove(traceId);
    return { pending: outOfTime && (overTraceLimits() || overLogLimits()), removedLogCount: removedLogs };
  }
}
