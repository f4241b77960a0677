/**
 * How writes are cut into slices, and what they return. A synchronous write call (`insertSpans`,
 * `insertLogs`) commits one transaction per `MAX_ROWS_PER_TRANSACTION` rows and stops when its
 * time budget runs out, returning where to continue (`InsertResult.nextOffset`); `runSliced`
 * drives such calls with a yield to the event loop in between (`ingestSpans`/`ingestLogs`), so
 * queries queued in the worker wait at most about one slice (`DEFAULT_SLICE_BUDGET_MS`), then
 * finishes retention, merging the slices' results.
 *
 * Also the bookkeeping shared by writes and retention: `ChangeSet` (changed/removed trace ids)
 * and `WriteTally` (counts of one call).
 */
import type { TraceId } from '../../model/trace';

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

/** Distinct rejection reasons reported per write result (the count is always exact). */
export const MAX_REJECT_REASONS = 8;

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

/** Changed/removed trace ids of a write, kept disjoint and in final-state terms. */
export class ChangeSet {
  readonly changed = new Set<TraceId>();
  readonly removed = new Set<TraceId>();
  /** The trace exists after the write and was added or changed (no longer counts as removed). */
  change(traceId: TraceId): void {
    this.removed.delete(traceId);
    this.changed.add(traceId);
  }
  /** The trace was deleted (no longer counts as changed). */
  remove(traceId: TraceId): void {
    this.changed.delete(traceId);
    this.removed.add(traceId);
  }
}

/** Counts of one write call, summed over its transactions. */
export interface WriteTally {
  inserted: number;
  updated: number;
  rejected: number;
  reasons: Set<string>;
}

/** Milliseconds on the monotonic clock (`performance.now()`): deadlines of slices. */
export function now(): number {
  return performance.now();
}

/** The default `yieldToEventLoop`: resolves on the next `setImmediate` tick. */
export function yieldImmediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Drives synchronous slices with yields in between and merges their results: `slice(offset,
 * budgetMs)` writes rows from `offset` of an input of `length` rows (`TraceStore.insertSpans`/
 * `insertLogs`), at least once, until everything is written; then `retain(budgetMs)`
 * (`TraceStore.enforceRetention`) while retention is pending. Errors of a slice propagate (the
 * slices before it stay committed).
 */
export async function runSliced(
  length: number,
  options: SliceOptions,
  slice: (offset: number, budgetMs: number) => InsertResult,
  /** One retention step (retention.ts `RetentionResult`): the traces it evicted, and whether more is due. */
  retain: (budgetMs: number) => { seq: number; removedTraceIds: readonly TraceId[]; pending: boolean },
): Promise<InsertResult> {
  const budgetMs = options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS;
  const yieldFn = options.yieldToEventLoop ?? yieldImmediate;
  const changes = new ChangeSet();
  const reasons = new Set<string>();
  const total: InsertResult = {
    seq: 0, // set by the first slice (there always is one)
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
    const r = retain(budgetMs);
    total.seq = r.seq;
    for (const id of r.removedTraceIds) changes.remove(id);
    total.retentionPending = r.pending;
  }
  total.rejectReasons = [...reasons];
  total.changedTraceIds = [...changes.changed];
  total.removedTraceIds = [...changes.removed];
  return total;
}
