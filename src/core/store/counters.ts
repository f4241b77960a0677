/**
 * The store's counters: what `stats()` reports in O(1), the store sequence, and the next
 * `span_details` row id. Maintained by the write path, retention and `clear`, and changed only
 * after a successful COMMIT (a rolled-back transaction leaves them as they were); rebuilt from
 * the tables after a snapshot restore (snapshot.ts `rebuildFromTables`).
 */
import type { StoreStats } from '../../model/trace';

/** Mutable counters shared by the store's modules; `TraceStore` owns the one instance. */
export class StoreCounters {
  /** The store sequence (`InsertResult.seq`): +1 per committed change, monotonic, kept by `clear`. */
  seq = 0;
  /** Traces, spans and log records stored now. */
  traceCount = 0;
  spanCount = 0;
  logCount = 0;
  /** Since start (kept by `clear`, 0 after a restore): evicted traces and their spans. */
  evictedTraceCount = 0;
  evictedSpanCount = 0;
  /** Since start: rows refused by the store plus items refused before it (`addIngestCounts`). */
  rejectedCount = 0;
  /** Since start: metric data points counted (not stored). */
  metricPointCount = 0;
  /**
   * Id of the next `span_details` row. Not rolled back with a failed transaction (its ids are
   * simply unused); reset by `clear`.
   */
  nextDetailId = 1;

  /** After `clear()` committed: nothing stored, since-start counters kept, the sequence advances. */
  cleared(): void {
    this.traceCount = 0;
    this.spanCount = 0;
    this.logCount = 0;
    this.nextDetailId = 1;
    this.seq += 1;
  }

  /** The counters as `StoreStats`; `storeBytes` is measured by the caller (`page_count * page_size`). */
  stats(storeBytes: number): StoreStats {
    return {
      traceCount: this.traceCount,
      spanCount: this.spanCount,
      logCount: this.logCount,
      metricPointCount: this.metricPointCount,
      evictedTraceCount: this.evictedTraceCount,
      evictedSpanCount: this.evictedSpanCount,
      rejectedCount: this.rejectedCount,
      storeBytes,
    };
  }
}
