/**
 * Replay requests of the back end (src/core/replay): the request a stored model call received,
 * rebuilt for the playground ("Replay Model Call…"), and a trace's model calls for "Serve
 * Recorded Responses…". Spans are read as the Conversation tab reads them (normalized, local
 * `file://` content and images read for the replayed call), costs come from the usage cache
 * (priced like every other call).
 */
import type { RecordedCall, ReplayRequest } from '../../../model/replay';
import type { SpanId, TraceId } from '../../../model/trace';
import { normalizeSpan } from '../../genai/normalize';
import { LocalFileReader, resolveLocalContent } from '../../genai/localContent';
import { callRecordingsForSpan, recordedCallsOf, type TraceCallSpan } from '../../replay/recordedCalls';
import { adoptRunTools, replayRequestOfCall } from '../../replay/request';
import type { BackendContext, HandlerGroup } from './context';

/** Every span of a stored trace (skeleton order), GenAI spans with their stored record, logs and view; `null` when not stored. */
export function traceCallSpans(ctx: BackendContext, traceId: TraceId): TraceCallSpan[] | null {
  const skeleton = ctx.store.traceSkeleton(traceId);
  if (!skeleton) return null;
  const loaded = ctx.store.traceHasGenAi(traceId) ? ctx.store.traceGenAiSpans(traceId) : null;
  const genai = new Map(loaded?.spans.map((s) => [s.span.spanId, s]) ?? []);
  return skeleton.spans.map((s): TraceCallSpan => {
    const g = genai.get(s.spanId);
    const span: TraceCallSpan = {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      startOffsetMs: s.startOffsetMs,
      durationMs: s.durationMs,
      statusCode: s.statusCode,
      view: g ? normalizeSpan(g.span, g.logs) : null,
    };
    if (g) {
      span.record = g.span;
      span.logs = g.logs;
    }
    return span;
  });
}

/** The replay request of a stored model call span, with the call's cost; `null` when it is not one. */
export async function replayRequest(ctx: BackendContext, traceId: TraceId, spanId: SpanId): Promise<ReplayRequest | null> {
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return null;
  const spans = traceCallSpans(ctx, traceId);
  const found = spans ? callRecordingsForSpan(spans, spanId) : null;
  if (!found) return null;
  const reader = new LocalFileReader();
  for (const r of found.recordings) await resolveLocalContent(r.view, reader);
  const request = replayRequestOfCall(found.recordings, found.source);
  adoptRunTools(request, found.runTools);
  const cost = ctx.usage.spanCost(traceId, found.callSpanId);
  if (cost && (cost.status === 'priced' || cost.status === 'reported')) request.original.costUsd = cost.costUsd;
  return request;
}

/** The model calls of a stored trace in start order, each once; `[]` when the trace is not stored. */
export function recordedCalls(ctx: BackendContext, traceId: TraceId): RecordedCall[] {
  if (typeof traceId !== 'string') return [];
  const spans = traceCallSpans(ctx, traceId);
  return spans ? recordedCallsOf(spans) : [];
}

/** Handlers of `replayRequest`, `recordedCalls` and `priceCall`. */
export function replayHandlers(ctx: BackendContext): HandlerGroup<'replayRequest' | 'recordedCalls' | 'priceCall'> {
  return {
    priceCall: ({ timestamp, ...input }) => ctx.usage.price({ ...input, ...(timestamp !== undefined ? { timestamp: new Date(timestamp) } : {}) }),
    replayRequest: ({ traceId, spanId }) => replayRequest(ctx, traceId, spanId),
    recordedCalls: ({ traceId }) => recordedCalls(ctx, traceId),
  };
}
