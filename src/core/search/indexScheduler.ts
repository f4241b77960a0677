/**
 * Fills the full-text index when the back end is idle: slices of `INDEX_SLICE_MS` of
 * `TraceStore.indexSlice`, a `setImmediate` between slices (so a query waits at most one slice),
 * paused while any ingest request is being processed, and resumed `INDEX_IDLE_DELAY_MS` after the
 * last request of any kind (a burst of ingest requests, or the views' queries after a change, is
 * not interleaved with indexing). Indexing costs several
 * times the insert itself (searchIndex.ts), which is why it never runs inside ingest: ingest
 * throughput is unchanged, and `IndexStatus.pendingSpans` tells the views that results may be
 * incomplete until the index has caught up.
 */
import type { TraceId } from '../../model/trace';
import type { TraceStore } from '../store/traceStore';

/**
 * Budget of one indexing slice (ms): what a request arriving meanwhile may wait. The slice ends with
 * its COMMIT, where FTS4 flushes the new segment and does a step of merging (automerge): measured
 * p50 ≈ 7 ms, p99 ≈ 17 ms, and a few commits of 50-60 ms while a level merges (102,400 agent spans).
 */
export const INDEX_SLICE_MS = 6;

/** Indexing resumes this long after the last request (an ingest request's end, or any other request's arrival) (ms). */
export const INDEX_IDLE_DELAY_MS = 50;

/** After a failed slice, indexing waits this long before trying again (ms). */
const RETRY_AFTER_FAILURE_MS = 5_000;

/** Schedules background indexing of one store. */
export class IndexScheduler {
  private inFlight = 0;
  /** When the last request arrived or an ingest request ended (`performance.now()` ms). */
  private lastActivity = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private stopped = false;

  /**
   * @param onRemoved traces that retention evicted after a slice grew the store past its limit.
   * @param onError a slice failed (logged; indexing retries later).
   */
  constructor(
    private readonly store: TraceStore,
    private readonly onRemoved: (traceIds: TraceId[]) => void,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** An ingest request started: indexing pauses after the current slice. */
  ingestStarted(): void {
    this.inFlight++;
  }

  /** An ingest request ended: indexing resumes once no request has run for `INDEX_IDLE_DELAY_MS`. */
  ingestEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastActivity = performance.now();
    this.kick();
  }

  /** A request arrived (a view's query, a search): indexing waits `INDEX_IDLE_DELAY_MS` more. */
  noteActivity(): void {
    this.lastActivity = performance.now();
  }

  /** Something may have left work (a restore, a deletion): start indexing when idle. */
  kick(): void {
    if (this.stopped || this.timer || this.immediate || this.inFlight > 0) return;
    if (!this.store.searchHasWork) return;
    const wait = Math.max(0, INDEX_IDLE_DELAY_MS - (performance.now() - this.lastActivity));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
    this.timer.unref?.();
  }

  /** Stops scheduling (the store is closing). */
  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private run(): void {
    if (this.stopped || this.inFlight > 0 || this.store.isClosed) return;
    if (performance.now() - this.lastActivity < INDEX_IDLE_DELAY_MS) {
      this.kick();
      return;
    }
    let pending: boolean;
    try {
      const result = this.store.indexSlice(INDEX_SLICE_MS);
      if (result.removedTraceIds.length > 0) this.onRemoved(result.removedTraceIds);
      pending = result.pending;
    } catch (error) {
      if (this.store.isClosed) return;
      this.onError(`full-text indexing failed, retrying in ${RETRY_AFTER_FAILURE_MS / 1000} s: ${error instanceof Error ? error.message : String(error)}`);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.run();
      }, RETRY_AFTER_FAILURE_MS);
      this.timer.unref?.();
      return;
    }
    if (pending) {
      // Not unref'd: an unref'd immediate does not keep the loop from blocking in poll, so the
      // next slice would wait for the next message or timer.
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.run();
      });
    }
  }
}
