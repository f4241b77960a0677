/**
 * GenAI at ingest, and nothing else: the hooks the store calls (`IngestAnnotator`, injected so
 * the store knows no GenAI conventions), called so that a failing hook costs a span its GenAI
 * facts and never fails a write; and the trace's first user message (`traces.first_user_message`),
 * kept up to date from the model calls of each span transaction and from log records, including
 * records that arrive before their trace's spans (remembered in `pendingUserLogTraces` and read
 * back when the trace's summary row is created).
 *
 * Runs inside the write path's transactions (setFirstUserMessage.sql, traceUserLogs.sql,
 * traceSummary.sql through `StoreSql`).
 */
import type { LogRecordInfo, SpanRecord, TraceId } from '../../model/trace';
import type { CallFacts, GenAiBadge } from '../../model/genai';
import { compareDecimal } from './nanos';
import type { StoreSql } from './queries';
import { userLogFromRow } from './readMappers';

/** Most traces remembered as having user-message log records but no spans yet (see `pendingUserLogTraces`). */
export const MAX_PENDING_USER_LOG_TRACES = 10_000;

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
  /** Cost facts of a model call or a span with usage or a cost (from the span alone); usageColumns.ts. */
  call?: CallFacts;
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
  /**
   * Cost facts of a span with its correlated log records (`undefined`: not a call); called for
   * spans that have records. Without it, `SpanAnnotation.call` stands.
   */
  callFacts?(span: SpanRecord, logs: readonly LogRecordInfo[]): CallFacts | undefined;
}

/** The time a log record counts at for the first user message: its time, else when it was observed. */
function timeOf(log: LogRecordInfo): string {
  return log.timeUnixNano === '0' ? log.observedTimeUnixNano : log.timeUnixNano;
}

/** The GenAI state of one store: its annotator and the traces with early user-message logs. */
export class GenAiFacts {
  /** GenAI hooks (see `IngestAnnotator`); `undefined`: no GenAI facts are kept. */
  annotator: IngestAnnotator | undefined;
  /**
   * Traces with a user-message log record stored before the trace's summary row existed: read
   * back (traceUserLogs.sql) when the row is created. Bounded by `MAX_PENDING_USER_LOG_TRACES`
   * (then cleared: those traces only miss their first-user-message label).
   */
  private readonly pendingUserLogTraces = new Set<TraceId>();

  constructor(private readonly sql: StoreSql) {}

  /** The annotator's facts for a span; a failing annotator costs the span its GenAI facts, never the write. */
  annotate(span: SpanRecord): SpanAnnotation | undefined {
    if (!this.annotator) return undefined;
    try {
      return this.annotator.span(span);
    } catch {
      return undefined;
    }
  }

  /** `annotator.callFacts`; a failing annotator reads as "not a call". */
  callFactsWithLogs(span: SpanRecord, logs: readonly LogRecordInfo[]): CallFacts | undefined {
    try {
      return this.annotator?.callFacts?.(span, logs);
    } catch {
      return undefined;
    }
  }

  /** `true` when user-message log records of `traceId` arrived before its summary row. */
  hasPendingLogs(traceId: TraceId): boolean {
    return this.pendingUserLogTraces.has(traceId);
  }

  /** Forgets the traces with early user-message logs (the store was cleared). */
  clear(): void {
    this.pendingUserLogTraces.clear();
  }

  /**
   * Keeps the trace's first user message up to date after its summary row was upserted:
   * `storedNs` is the row's current `first_user_ns` (null: none). Tries this slice's model calls
   * (`modelCalls`, from the trace's `TraceDelta`) that start earlier, earliest first, until one
   * carries user text; for a row just created, also the trace's log records that arrived before
   * its spans. Extraction (JSON parsing) happens only for those candidates, so a trace costs
   * about one parse, not one per span.
   */
  updateFirstUserMessage(traceId: TraceId, modelCalls: SpanRecord[] | null, storedNs: string | null, created: boolean, seq: number): void {
    let best: { text: string; ns: string } | undefined;
    if (created && this.pendingUserLogTraces.delete(traceId)) {
      for (const r of this.sql.q.traceUserLogs.all({ trace_id: traceId })) {
        const ns = (r[0] as string) === '0' ? (r[1] as string) : (r[0] as string);
        const text = this.userTextOfLog(userLogFromRow(r, traceId));
        if (text !== undefined) {
          best = { text, ns };
          break;
        }
      }
    }
    const calls = modelCalls;
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
      this.sql.q.setFirstUserMessage.run({ trace_id: traceId, text: best.text, first_user_ns: best.ns, seq });
    }
  }

  /**
   * After a log transaction's inserts: for each trace, its records that may carry user text
   * (`userLogs`, named in `userTextEventNames`), earliest first, until one does; that text becomes
   * the trace's first user message when earlier than the stored one. When the trace has no
   * summary row yet, the trace is remembered so its first spans read these records back.
   */
  correlateLogs(userLogs: Map<TraceId, LogRecordInfo[]>, seq: number): void {
    const q = this.sql.q;
    for (const [traceId, list] of userLogs) {
      list.sort((a, b) => compareDecimal(timeOf(a), timeOf(b)));
      for (const log of list) {
        const text = this.userTextOfLog(log);
        if (text === undefined) continue;
        q.setFirstUserMessage.run({ trace_id: traceId, text, first_user_ns: timeOf(log), seq });
        // 0 rows (no summary row yet, or an earlier text stored): when the row is missing,
        // remember the trace so its first spans read these records back.
        if (this.sql.rowsModified() === 0 && q.traceSummary.first({ trace_id: traceId }) === undefined) {
          if (this.pendingUserLogTraces.size >= MAX_PENDING_USER_LOG_TRACES) this.pendingUserLogTraces.clear();
          this.pendingUserLogTraces.add(traceId);
        }
        break;
      }
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
}
