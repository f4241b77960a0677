/**
 * The per-trace delta of one span transaction: every stored span is folded in memory into its
 * trace's `TraceDelta` (time range, span and error counts, root candidate, GenAI facts), and the
 * transaction ends with one `upsertTrace.sql` per trace instead of one per span. The fold applies
 * the same rules as upsertTrace.sql, so folding first and upserting once gives the same row as
 * upserting span by span.
 */
import type { SpanRecord, TraceId } from '../../model/trace';
import { compareNanos, type NanosParts } from './nanos';
import type { SpanAnnotation } from './genaiFacts';
import type { Params } from './statement';

/**
 * One write slice's changes to one trace, folded into `traces` by `upsertTrace.sql`. Times are
 * the spans' own `NanosParts` (shared, never modified), bound as numbers.
 */
export interface TraceDelta {
  start: NanosParts;
  end: NanosParts;
  spanDelta: number;
  errorDelta: number;
  rootName: string;
  rootService: string;
  rootStart: NanosParts;
  hasRoot: boolean;
  /** GenAI: first session id of the slice, earliest agent span, model calls (first-user candidates). */
  sessionId: string | null;
  agentName: string | null;
  agentStart: NanosParts | null;
  modelCalls: SpanRecord[] | null;
  /** Spans of the slice with cost facts (usageColumns.ts sums the trace again when > 0). */
  calls: number;
}

/** Adds one span's GenAI facts to its trace's delta (same rules as upsertTrace.sql). */
function foldFacts(d: TraceDelta, span: SpanRecord, start: NanosParts, facts: SpanAnnotation): void {
  if (facts.sessionId !== undefined && d.sessionId === null) d.sessionId = facts.sessionId;
  if (facts.agentName !== undefined && (d.agentStart === null || compareNanos(start, d.agentStart) < 0)) {
    d.agentName = facts.agentName;
    d.agentStart = start;
  }
  if (facts.modelCall) (d.modelCalls ??= []).push(span);
}

/**
 * Adds one stored span to its trace's delta for this transaction (creating the delta for the
 * trace's first span). `start` and `end` are the span's times (codec.ts `splitNanos`; kept by
 * reference); `services` is `service.name` by resource id (`Interning.serviceNames`);
 * `spanDelta` is 1 for a new span, 0 for a re-sent one; `errorDelta` the change of the trace's
 * error count (-1, 0 or 1).
 */
export function foldIntoDelta(
  deltas: Map<TraceId, TraceDelta>,
  span: SpanRecord,
  start: NanosParts,
  end: NanosParts,
  services: readonly string[],
  resourceId: number,
  spanDelta: number,
  errorDelta: number,
  facts: SpanAnnotation | undefined,
): void {
  const isRoot = span.parentSpanId === null;
  const d = deltas.get(span.traceId);
  if (!d) {
    const fresh: TraceDelta = {
      start,
      end,
      spanDelta,
      errorDelta,
      rootName: span.name,
      rootService: services[resourceId] ?? '',
      rootStart: start,
      hasRoot: isRoot,
      sessionId: null,
      agentName: null,
      agentStart: null,
      modelCalls: null,
      calls: 0,
    };
    deltas.set(span.traceId, fresh);
    if (facts) foldFacts(fresh, span, start, facts);
    return;
  }
  if (facts) foldFacts(d, span, start, facts);
  d.spanDelta += spanDelta;
  d.errorDelta += errorDelta;
  if (compareNanos(start, d.start) < 0) d.start = start;
  if (compareNanos(end, d.end) > 0) d.end = end;
  // Same rule as upsertTrace.sql: a root beats a non-root, then the earlier start wins.
  const better =
    (isRoot && !d.hasRoot) ||
    (isRoot === d.hasRoot && compareNanos(start, d.rootStart) < 0);
  if (better) {
    d.rootName = span.name;
    d.rootService = services[resourceId] ?? '';
    d.rootStart = start;
    d.hasRoot = isRoot;
  }
}

/** upsertTrace.sql's parameters for one trace's delta, stamped with the transaction's `seq`. */
export function upsertTraceParams(traceId: TraceId, d: TraceDelta, seq: number): Params {
  return {
    trace_id: traceId,
    start_sec: d.start.sec,
    start_nsec: d.start.nsec,
    end_sec: d.end.sec,
    end_nsec: d.end.nsec,
    span_delta: d.spanDelta,
    error_delta: d.errorDelta,
    root_name: d.rootName,
    root_service: d.rootService,
    root_start_sec: d.rootStart.sec,
    root_start_nsec: d.rootStart.nsec,
    has_root: d.hasRoot ? 1 : 0,
    seq,
    session_id: d.sessionId,
    agent_name: d.agentName,
    agent_start_sec: d.agentStart ? d.agentStart.sec : null,
    agent_start_nsec: d.agentStart ? d.agentStart.nsec : null,
  };
}
