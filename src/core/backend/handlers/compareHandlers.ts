/**
 * Run comparison requests of the back end (the compare webview, "Compare Traces", "Compare with
 * Previous Run"): two stored traces read as the Conversation tab reads them (normalized, priced)
 * and compared by src/core/compare; the previous run of the same agent.
 */
import type { TraceComparison } from '../../../model/compare';
import type { TraceId, TraceSummary } from '../../../model/trace';
import { compareRuns, type CompareRunInput } from '../../compare/compareRuns';
import { callSettings } from '../../compare/settings';
import { normalizeSpan } from '../../genai/normalize';
import type { BackendContext, HandlerGroup } from './context';
import { traceConversation } from './storeHandlers';

/** Traces looked through (newest first) for the previous run of an agent. */
export const PREVIOUS_RUN_SCAN = 500;

/** The key runs of one agent share: service and agent name, or root span name when the run has no agent span. */
export function runKey(t: TraceSummary): string {
  return `${t.serviceName}\u0000${t.agentName ?? `root:${t.rootName}`}`;
}

/** One stored trace as the comparison's input; `null` when it is not stored. */
async function loadRun(ctx: BackendContext, traceId: TraceId): Promise<CompareRunInput | null> {
  const stored = ctx.store.traceSummary(traceId);
  const summary = stored ? ctx.usage.withUsage([stored])[0] : undefined;
  const skeleton = ctx.store.traceSkeleton(traceId);
  if (!summary || !skeleton) return null;
  const conversation = (await traceConversation(ctx, traceId)) ?? { traceId, items: [], contentMissingCount: 0 };
  const loaded = ctx.store.traceHasGenAi(traceId) ? ctx.store.traceGenAiSpans(traceId) : null;
  const calls = (loaded?.spans ?? [])
    .map((s) => ({ span: s.span, view: normalizeSpan(s.span, s.logs) }))
    .filter((s) => s.view?.kind === 'llm')
    .map((s) => callSettings(s.span.attributes, s.view));
  return { summary, conversation, spans: skeleton.spans, calls };
}

/** Handlers of `compareTraces` and `previousRun`. */
export function compareHandlers(ctx: BackendContext): HandlerGroup<'compareTraces' | 'previousRun'> {
  return {
    compareTraces: async ({ leftTraceId, rightTraceId }): Promise<TraceComparison | null> => {
      if (typeof leftTraceId !== 'string' || typeof rightTraceId !== 'string') return null;
      const left = await loadRun(ctx, leftTraceId);
      const right = left ? await loadRun(ctx, rightTraceId) : null;
      return left && right ? compareRuns(left, right) : null;
    },
    previousRun: ({ traceId }) => {
      const run = typeof traceId === 'string' ? ctx.store.traceSummary(traceId) : null;
      if (!run) return null;
      const start = BigInt(run.startTimeUnixNano);
      const found = ctx.store
        .listTraces(PREVIOUS_RUN_SCAN, 0)
        .find((t) => t.traceId !== run.traceId && runKey(t) === runKey(run) && BigInt(t.startTimeUnixNano) < start);
      return found ? (ctx.usage.withUsage([found])[0] ?? null) : null;
    },
  };
}
