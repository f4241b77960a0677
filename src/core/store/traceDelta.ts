/**
 * The per-trace delta of one span transaction: every stored span is folded in memory into its
 * trace's `TraceDelta` (time range, span and error counts, root candidate, GenAI facts), and the
 * transaction ends with one `upsertTrace.sql` per trace instead of one per span. The fold applies
 * the same rules as upsertTrace.sql, so folding first and upserting once gives the same row as
 * upserting span by span.
 */
import type { SpanRecord, TraceId } from '../../model/trace';
import { compareDecimal } from './codec';
import type { SpanAnnotation } from './genaiFacts';
import type { Params } from './statement';

/** One write slice's changes to one trace, folded into `traces` by `upsertTrace.sql`. */
export interface TraceDelta {
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
  /** Spans of the slice with cost facts (usageColumns.ts sums the trace again when > 0). */
  calls: number;
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

/**
 * Adds one stored span to its trace's delta for this transaction (creating the delta for the
 * trace's first span). `services` is `service.name` by resource id (`Interning.serviceNames`);
 * `spanDelta` is 1 for a new span, 0 for a re-sent one; `errorDelta` the change of the trace's
 * error count (-1, 0 or 1).
 */
export function foldIntoDelta(
  deltas: Map<TraceId, TraceDelta>,
  span: SpanRecord,
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
      startNs: span.startTimeUnixNano,
      endNs: span.endTimeUnixNano,
      spanDelta,
      errorDelta,
      rootName: span.name,
      rootService: services[resourceId] ?? '',
      rootStartNs: span.startTimeUnixNano,
      hasRoot: isRoot,
      sessionId: null,
      agentName: null,
      agentStartNs: null,
      modelCalls: null,
      calls: 0,
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
    d.rootService = services[resourceId] ?? '';
    d.rootStartNs = span.startTimeUnixNano;
    d.hasRoot = isRoot;
  }
}

/** upsertTrace.sql's parameters for one trace's delta, stamped with the transaction's `seq`. */
export function upsertTraceParams(traceId: TraceId, d: TraceDelta, seq: number): Params {
  return {
    trace_id: traceId,
    start_ns: d.startNs,
    end_ns: d.endNs,
    span_delta: d.spanDelta,
    error_delta: d.errorDelta,
    root_name: d.rootName,
    root_service: d.rootService,
    root_start_ns: d.rootStartNs,
    has_root: d.hasRoot ? 1 : 0,
    seq,
    session_id: d.sessionId,
    agent_name: d.agentName,
    agent_start_ns: d.agentStartNs,
  };
}
