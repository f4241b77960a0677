/**
 * Refreshes the cost columns (usageColumns.ts) of the traces marked `traces.usage_pending`, newest
 * first, in slices: with new prices (`usage_pending` 1) the calls of each trace are priced again;
 * after a snapshot of an older schema was migrated (2) every span's cost facts are read from the
 * stored span and its log records. A trace's sums are stored when its last span is done, and the
 * trace is reported (its rows reload). Runs while the back end is otherwise idle (the caller's
 * schedule); ingest meanwhile prices new spans with the current prices.
 */
import type { LogRecordInfo, SpanId, TraceId } from '../../model/trace';
import type { StoreCounters } from './counters';
import type { GenAiFacts } from './genaiFacts';
import type { StoreSql } from './queries';
import { MAX_CONVERSATION_LOGS, logFromRow, spanFromRow } from './readMappers';
import { NO_CALL, type UsageColumns } from './usageColumns';
import type { UsageMarks } from './usageMarks';

/** `traces.usage_pending`: price the calls again. */
export const USAGE_REPRICE = 1;
/** `traces.usage_pending`: read every span's cost facts (a migrated snapshot). */
export const USAGE_BACKFILL = 2;

/** Spans read per query (`refreshSpans.sql`). */
const SPANS_PER_READ = 64;

interface Current {
  traceId: TraceId;
  mode: number;
  /** Last span id done (span id order); '' before the first. */
  after: string;
  /** The trace's correlated log records by span (read once per trace, when the store has logs). */
  logs: Map<SpanId, LogRecordInfo[]>;
}

/** The background refresh of one store's cost columns. */
export class UsageRefresh {
  private current: Current | undefined;

  constructor(
    private readonly sql: StoreSql,
    private readonly usage: UsageColumns,
    private readonly marks: UsageMarks,
    private readonly genai: GenAiFacts,
    private readonly counters: StoreCounters,
  ) {}

  /** Marks every trace with calls to be priced again (one statement; the work itself is sliced). */
  repriceAll(): void {
    this.sql.transaction(() => this.sql.q.markUsagePending.run());
  }

  /** `true` while some trace waits for its cost columns. */
  get pending(): boolean {
    return this.current !== undefined || this.sql.q.nextUsagePending.first() !== undefined;
  }

  /** Forgets the trace in progress (the store was cleared). */
  cleared(): void {
    this.current = undefined;
  }

  /**
   * Refreshes spans until `deadline` (`performance.now()` ms; at least one read), in one
   * transaction. @returns the traces finished (their sums stored) and whether work is left.
   */
  slice(deadline: number): { traceIds: TraceId[]; pending: boolean } {
    const done: TraceId[] = [];
    const seq = this.counters.seq + 1;
    this.sql.transaction(() => {
      do {
        const current = this.current ?? this.next();
        if (!current) break;
        if (this.step(current, seq)) {
          done.push(current.traceId);
          this.current = undefined;
        }
      } while (performance.now() < deadline);
    });
    if (done.length > 0) this.counters.seq = seq;
    return { traceIds: done, pending: this.pending };
  }

  private next(): Current | undefined {
    const row = this.sql.q.nextUsagePending.first();
    if (!row) return undefined;
    const traceId = row[0] as string;
    const logs = new Map<SpanId, LogRecordInfo[]>();
    if (this.counters.logCount > 0) {
      const lq = this.sql.q.traceLogs;
      lq.each({ trace_id: traceId, limit: MAX_CONVERSATION_LOGS }, (r) => {
        const log = logFromRow(lq, r);
        const list = logs.get(log.spanId!);
        if (list) list.push(log);
        else logs.set(log.spanId!, [log]);
      });
    }
    this.current = { traceId, mode: row[1] as number, after: '', logs };
    return this.current;
  }

  /** Refreshes the next spans of `c`; `true` when the trace is done. */
  private step(c: Current, seq: number): boolean {
    const q = this.sql.q;
    const rq = q.refreshSpans;
    const rows = rq.all({ trace_id: c.traceId, after: c.after, calls_only: c.mode === USAGE_REPRICE ? 1 : 0, limit: SPANS_PER_READ });
    for (const row of rows) {
      const span = spanFromRow(rq, row);
      const facts = this.genai.callFactsWithLogs(span, c.logs.get(span.spanId) ?? []);
      if (facts || c.mode === USAGE_REPRICE) {
        q.updateSpanCall.run({ ...(facts ? this.usage.params(facts, span.startTimeUnixNano) : NO_CALL), trace_id: c.traceId, span_id: span.spanId });
      }
      c.after = span.spanId;
    }
    if (rows.length === SPANS_PER_READ) return false;
    this.usage.sumTrace(c.traceId, seq, this.marks.rebuild(c.traceId));
    q.clearUsagePending.run({ trace_id: c.traceId });
    return true;
  }
}
