/**
 * Retention: keeps the store within its limits (`StoreConfig`: `maxSpans` spans and
 * `maxMegabytes` of database pages in use) by evicting the oldest traces by start time with
 * their spans and logs, and bounds the log records no trace holds. Runs after every write slice
 * and on `configure`/`enforceRetention`, within the caller's time budget; also deletes single
 * traces (`deleteTrace`). Counters change only after COMMIT.
 *
 * Resources and scopes go with the last span or log record that uses them (interning.ts
 * `release`, in the same transaction), so the pages retention counts are pages it can free.
 *
 * The byte limit never evicts the traces of the latest write (`protectFrom`): once every older
 * trace and every log record is gone, what is left over the limit is not something eviction can
 * free (the schema's own pages, or the newest traces themselves), and evicting the trace a
 * client was just told is stored would only lose it. Retention then stops, reports the excess
 * (`RetentionResult.overLimitBytes`) and logs it (at most once per `OVER_LIMIT_LOG_INTERVAL_MS`).
 * The span limit has no such exception: it counts spans, and evicting them always frees spans.
 */
import type { TraceId } from '../../model/trace';
import type { StoreConfig } from './config';
import type { CodeIndex } from '../source/codeIndex';
import type { StoreCounters } from './counters';
import type { Interning } from './interning';
import type { StoreSql } from './queries';
import { ChangeSet, DEFAULT_SLICE_BUDGET_MS, now, yieldImmediate, type SliceOptions } from './slicing';

// ---------------------------------------------------------------------------------------------
// Tunables

/**
 * Oldest-trace candidates fetched per `oldestTraces.sql` execution during eviction (traces).
 * Why: the limits are re-checked after every deleted trace, so a pass usually stops within a few
 * candidates; fetching a small batch keeps the rows read but never deleted few, while a large
 * reduction still needs only one query per 32 evictions.
 */
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

/**
 * Least time between two log lines about a store over its byte limit that retention cannot bring
 * under it (ms): the state lasts from write to write, one line a minute says it without flooding.
 */
export const OVER_LIMIT_LOG_INTERVAL_MS = 60_000;

/** `protectFrom` value that protects nothing (no write yet, or after `clear`). */
const NOTHING_PROTECTED = Number.MAX_SAFE_INTEGER;

/** `StoreConfig.maxMegabytes` is in MiB (bytes = megabytes × this). */
const BYTES_PER_MEGABYTE = 1024 * 1024;

// ---------------------------------------------------------------------------------------------

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
  /**
   * Bytes still used above `maxMegabytes` with nothing left that retention may evict (only the
   * latest write's traces and the store's own pages): 0 when within the limit or `pending`.
   */
  overLimitBytes: number;
}

/** Where the store writes a line for the user (the back end's log); one line, no secrets. */
export type StoreLog = (level: 'info' | 'warn', message: string) => void;

/** @throws RangeError unless `maxSpans` is an integer ≥ 1 and `maxMegabytes` a number > 0. */
export function validateConfig(config: StoreConfig): StoreConfig {
  const { maxSpans, maxMegabytes } = config ?? ({} as StoreConfig);
  if (!Number.isInteger(maxSpans) || maxSpans < 1) {
    throw new RangeError(`maxSpans must be an integer >= 1, got ${String(maxSpans)}`);
  }
  if (typeof maxMegabytes !== 'number' || !(maxMegabytes > 0) || !Number.isFinite(maxMegabytes)) {
    throw new RangeError(`maxMegabytes must be a finite number > 0, got ${String(maxMegabytes)}`);
  }
  return { maxSpans, maxMegabytes };
}

/**
 * Calls `enforce(budgetMs)` (`TraceStore.enforceRetention`) with `sliceBudgetMs` (default
 * `DEFAULT_SLICE_BUDGET_MS`) and `yieldToEventLoop` awaited in between until nothing is pending;
 * the evictions of all calls merged.
 */
export async function applyInSlices(enforce: (budgetMs: number) => RetentionResult, options: SliceOptions): Promise<RetentionResult> {
  const budgetMs = options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS;
  const yieldFn = options.yieldToEventLoop ?? yieldImmediate;
  const removed: TraceId[] = [];
  let removedLogCount = 0;
  for (;;) {
    const r = enforce(budgetMs);
    removed.push(...r.removedTraceIds);
    removedLogCount += r.removedLogCount;
    if (!r.pending) return { seq: r.seq, removedTraceIds: removed, removedLogCount, pending: false, overLimitBytes: r.overLimitBytes };
    await yieldFn();
  }
}

/** Eviction and deletion of one store; holds its retention limits. */
export class Retention {
  /** Where "over the byte limit, nothing left to evict" is reported; none by default. */
  log: StoreLog | undefined;
  /** Traces with `updated_seq` ≥ this are not evicted for bytes (see the module comment). */
  private protectedSeq = NOTHING_PROTECTED;
  /** When the last over-limit line was logged (`now()` ms). */
  private lastOverLimitLog = -Infinity;
  /** Called for each trace deleted, inside the deleting transaction (the full-text index drops its documents). */
  onTraceRemoved: (traceId: TraceId) => void = () => undefined;
  /** Bytes in use outside the store database that count against `maxMegabytes` (the full-text index). */
  extraUsedBytes: () => number = () => 0;

  /**
   * @param pageSize The database's page size (bytes; `PRAGMA page_size`, fixed for its life).
   * @param config The limits, already validated (`validateConfig`); replaced by `configure`.
   */
  constructor(
    private readonly sql: StoreSql,
    private readonly counters: StoreCounters,
    private readonly code: CodeIndex,
    private readonly interning: Interning,
    readonly pageSize: number,
    public config: StoreConfig,
  ) {}

  /**
   * A span write committed as store sequence `seq`: its traces (`updated_seq = seq`) are not
   * evicted for bytes until a later write moves this on. Only the latest write is protected, so
   * the store can pass `maxMegabytes` by at most one write transaction's data.
   */
  protectFrom(seq: number): void {
    this.protectedSeq = seq;
  }

  /** After `clear`: no trace is protected. */
  cleared(): void {
    this.protectedSeq = NOTHING_PROTECTED;
  }

  /** Pages of the database (`page_count`, including pages freed for reuse: it never shrinks). */
  pageCount(): number {
    return this.sql.q.pageCount.first()![0] as number;
  }

  /** Bytes of the database's pages in use: `(page_count - freelist_count) * page_size`, plus `extraUsedBytes()`. */
  usedBytes(): number {
    const free = this.sql.q.freelistCount.first()![0] as number;
    return (this.pageCount() - free) * this.pageSize + this.extraUsedBytes();
  }

  /**
   * Evicts until within the limits or until `budgetMs` has passed (at least one deletion); see
   * `TraceStore.enforceRetention`.
   */
  enforce(budgetMs: number): RetentionResult {
    const changes = new ChangeSet();
    const deadline = now() + budgetMs;
    const { pending, removedLogCount, overLimitBytes } = this.evictionTransaction(deadline, changes);
    return { seq: this.counters.seq, removedTraceIds: [...changes.removed], removedLogCount, pending, overLimitBytes };
  }

  /**
   * Deletes one trace with its spans and correlated logs in one transaction (not counted as an
   * eviction). @returns `false` when no such trace is stored.
   */
  deleteTrace(traceId: TraceId): boolean {
    const removed = this.sql.transaction(() => this.deleteTraceRows(traceId));
    const counters = this.counters;
    counters.logCount -= removed.logs;
    if (!removed.existed) return false;
    counters.spanCount -= removed.spans;
    counters.traceCount -= 1;
    counters.seq += 1;
    return true;
  }

  /**
   * One eviction transaction (see `TraceStore.enforceRetention`) that stops at the deadline
   * (`now()` ms) after at least one deletion; evicted traces go into `changes.removed`. Counters
   * are updated after COMMIT. `pending`: still over a limit when the time ran out;
   * `overLimitBytes`: see `RetentionResult`.
   */
  evictionTransaction(deadline: number, changes: ChangeSet): { pending: boolean; removedLogCount: number; overLimitBytes: number } {
    const c = this.counters;
    const q = this.sql.q;
    const maxBytes = this.config.maxMegabytes * BYTES_PER_MEGABYTE;
    let spanCount = c.spanCount;
    let traceCount = c.traceCount;
    let logCount = c.logCount;
    // No trace is left that the byte limit may evict (all remaining ones are the latest write's).
    let noTraceForBytes = false;
    const overSpans = (): boolean => traceCount > 0 && spanCount > this.config.maxSpans;
    const overBytes = (): boolean => this.usedBytes() > maxBytes;
    const overTraceLimits = (): boolean => overSpans() || (traceCount > 0 && !noTraceForBytes && overBytes());
    const overLogLimits = (): boolean =>
      logCount > MAX_LOG_RECORDS || (logCount > 0 && (traceCount === 0 || noTraceForBytes) && overBytes());
    if (!overTraceLimits() && !overLogLimits()) return { pending: false, removedLogCount: 0, overLimitBytes: 0 };

    const evicted: TraceId[] = [];
    let removedLogs = 0;
    let deletions = 0;
    let outOfTime = false;
    const timeUp = (): boolean => deletions > 0 && now() >= deadline;
    this.sql.transaction(() => {
      evict: while (overTraceLimits()) {
        // Over the span limit any trace may go; over the byte limit only those older than the latest write.
        const forSpans = overSpans();
        const candidates = q.oldestTraces.all({ protected_seq: forSpans ? NOTHING_PROTECTED : this.protectedSeq, limit: EVICTION_CANDIDATES_PER_QUERY });
        if (candidates.length === 0) {
          if (forSpans) break;
          noTraceForBytes = true;
          continue;
        }
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
        const limit = Math.min(excess, LOG_EVICTION_BATCH);
        const refs = q.oldestLogRefs.all({ limit });
        q.deleteOldestLogs.run({ limit });
        const n = this.sql.rowsModified();
        for (const [resourceId, scopeId, count] of refs) this.interning.release(resourceId as number, scopeId as number, count as number);
        deletions++;
        if (n === 0) break;
        logCount -= n;
        removedLogs += n;
      }
    });
    c.evictedSpanCount += c.spanCount - spanCount;
    c.spanCount = spanCount;
    c.traceCount = traceCount;
    c.logCount = logCount;
    c.evictedTraceCount += evicted.length;
    if (deletions > 0) c.seq += 1;
    for (const traceId of evicted) changes.remove(traceId);
    const pending = outOfTime && (overTraceLimits() || overLogLimits());
    const overLimitBytes = pending ? 0 : Math.max(0, this.usedBytes() - maxBytes);
    if (overLimitBytes > 0) this.reportOverLimit(overLimitBytes, maxBytes);
    return { pending, removedLogCount: removedLogs, overLimitBytes };
  }

  /** Logs (rate-limited) that the store stays over its byte limit with nothing left to evict. */
  private reportOverLimit(overBytes: number, maxBytes: number): void {
    const t = now();
    if (!this.log || t - this.lastOverLimitLog < OVER_LIMIT_LOG_INTERVAL_MS) return;
    this.lastOverLimitLog = t;
    const mib = (bytes: number): string => (bytes / BYTES_PER_MEGABYTE).toFixed(2);
    this.log(
      'warn',
      `store: ${mib(maxBytes + overBytes)} MiB in use, over traceLens.store.maxMegabytes (${mib(maxBytes)} MiB), with every older ` +
        `trace and log record already evicted: what remains is the latest write's traces (kept until newer ones arrive) and ` +
        `the store's own tables; raise the limit if this repeats`,
    );
  }

  /**
   * (resource id, scope id, rows) for the spans and log records of one trace (traceRefs.sql;
   * traceRefsGrouped.sql only when some of them use another resource or scope than the rest).
   */
  private traceRefs(key: { trace_id: TraceId }): unknown[][] {
    const q = this.sql.q;
    const rows = q.traceRefs.all(key);
    for (const [resourceId, scopeId, n, maxResourceId, maxScopeId] of rows) {
      if ((n as number) > 0 && (resourceId !== maxResourceId || scopeId !== maxScopeId)) return q.traceRefsGrouped.all(key);
    }
    return rows.filter((row) => (row[2] as number) > 0);
  }

  /**
   * Deletes one trace's rows (in the caller's transaction) and its code-index entries, and
   * releases the resources and scopes its spans and log records used (deleting those nothing
   * uses any more); counts what went.
   */
  private deleteTraceRows(traceId: TraceId): { existed: boolean; spans: number; logs: number } {
    const q = this.sql.q;
    const key = { trace_id: traceId };
    const refs = this.traceRefs(key);
    q.deleteTraceDetails.run(key);
    q.deleteTraceSpans.run(key);
    const spans = this.sql.rowsModified();
    q.deleteTraceLogs.run(key);
    const logs = this.sql.rowsModified();
    q.deleteTraceSummary.run(key);
    const existed = this.sql.rowsModified() > 0;
    q.deleteTraceUsage.run(key);
    for (const [resourceId, scopeId, count] of refs) this.interning.release(resourceId as number, scopeId as number, count as number);
    this.code.removeTrace(traceId);
    this.onTraceRemoved(traceId);
    return { existed, spans, logs };
  }
}
