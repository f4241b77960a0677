/**
 * Store queries of the back end (trace list, sessions, skeleton, span details, conversation,
 * deletion, counters, the code index): answered from the `TraceStore` (rows carry their cost and
 * tokens), with the costs of span details and conversations from the usage cache, and GenAI views
 * built on demand (src/core/genai).
 */
import type { TraceConversation } from '../../../model/genai';
import type { SpanDetail, SpanId, TraceId } from '../../../model/trace';
import { normalizeSpan } from '../../genai/normalize';
import { buildConversation } from '../../genai/conversation';
import { LocalFileReader, resolveLocalContent } from '../../genai/localContent';
import { skeletonBuffers } from '../../../model/skeletonCodec';
import { withTransfer } from '../../../protocol/channel';
import type { BackendContext, HandlerGroup } from './context';

type StoreRequest =
  | 'listTraces'
  | 'listSessions'
  | 'traceConversation'
  | 'traceSummary'
  | 'findTraces'
  | 'traceSkeleton'
  | 'packedTraceSkeleton'
  | 'spanDetail'
  | 'deleteTrace'
  | 'clear'
  | 'stats'
  | 'codeStatsForFile';

/** Handlers of the store queries. */
export function storeHandlers(ctx: BackendContext): HandlerGroup<StoreRequest> {
  const { store, usage, feed } = ctx;
  return {
    listTraces: ({ limit, offset, sessionId }) => usage.withUsage(store.listTraces(limit, offset, sessionId)),
    listSessions: ({ limit }) => usage.withSessionUsage(store.listSessions(limit)),
    traceConversation: ({ traceId }) => traceConversation(ctx, traceId),
    traceSummary: ({ traceId }) => {
      const summary = store.traceSummary(traceId);
      return summary ? (usage.withUsage([summary])[0] ?? null) : null;
    },
    findTraces: ({ prefix, limit }) => usage.withUsage(store.findTraces(prefix, limit)),
    // Span costs come with the rows (the store keeps each call's price, src/core/store/usageColumns.ts).
    traceSkeleton: ({ traceId }) => store.traceSkeleton(traceId),
    // Its typed-array columns are transferred to the host, not cloned (built fresh per request).
    packedTraceSkeleton: ({ traceId }) => {
      const packed = store.packedTraceSkeleton(traceId);
      return packed ? withTransfer(packed, skeletonBuffers(packed)) : null;
    },
    spanDetail: ({ traceId, spanId }) => spanDetail(ctx, traceId, spanId),
    deleteTrace: ({ traceId }) => {
      const deleted = store.deleteTrace(traceId);
      if (deleted) feed.removedTraces([traceId]);
      return deleted;
    },
    clear: () => {
      store.clear();
      usage.clear();
      feed.storeCleared();
      return null;
    },
    stats: () => store.stats(),
    codeStatsForFile: ({ keys }) => store.codeStatsForFile(keys),
  };
}

/**
 * One span's detail with its GenAI view (`normalizeSpan` over the span and its correlated logs,
 * local `file://` content references and images read by `resolveLocalContent`) and cost.
 */
export async function spanDetail(ctx: BackendContext, traceId: TraceId, spanId: SpanId): Promise<SpanDetail | null> {
  const detail = ctx.store.spanDetail(traceId, spanId);
  if (!detail) return detail;
  detail.genai = normalizeSpan(detail.span, detail.logs);
  await resolveLocalContent(detail.genai);
  const cost = ctx.usage.spanCost(traceId, spanId);
  if (cost) detail.cost = cost;
  return detail;
}

/**
 * The trace as a conversation: its GenAI spans (at most `MAX_CONVERSATION_SPANS`, earliest
 * first; `truncated` when more exist) with their log records, normalized and ordered by
 * `buildConversation` (local `file://` content read first, each file once), model calls priced.
 * `null` when the trace is not stored.
 */
export async function traceConversation(ctx: BackendContext, traceId: TraceId): Promise<TraceConversation | null> {
  const loaded = ctx.store.traceGenAiSpans(traceId);
  if (!loaded) return null;
  const spans = loaded.spans.map((s) => ({ ...s, view: normalizeSpan(s.span, s.logs) }));
  const reader = new LocalFileReader();
  for (const s of spans) await resolveLocalContent(s.view, reader);
  const conversation = buildConversation(traceId, spans);
  if (loaded.truncated) conversation.truncated = true;
  const costs = ctx.usage.spanCosts(traceId);
  if (costs) {
    for (const item of conversation.items) {
      const cost = item.type === 'modelCall' ? costs.get(item.spanId) : undefined;
      if (cost && item.type === 'modelCall') item.cost = cost;
    }
  }
  return conversation;
}
