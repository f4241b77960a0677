/**
 * A stored trace as the diagnostics' input (`RunInput`): shared by the diagnostics index and the
 * agent graph, so both read a trace the same way.
 */
import type { GenAiSpanView } from '../../model/genai';
import type { SpanId, TraceId, TraceSummary } from '../../model/trace';
import { normalizeSpan } from '../genai/normalize';
import type { TraceStore } from '../store/traceStore';
import type { UsageIndex } from '../usage/usageIndex';
import { columnViews } from '../usage/columnViews';
import type { RunInput, RunSpan } from './analysis';

type SpanFacts = { view: GenAiSpanView | null; events: RunSpan['events']; statusMessage?: string };

/**
 * One stored trace as a `RunInput` (src/core/diagnostics/analysis.ts): skeleton spans with their
 * GenAI views, `exception` events and status messages (tool failures) and costs. `null` when the
 * trace is not stored. `complete` is the caller's judgement (the diagnostics' completion signal; the graph passes `false`).
 */
export function storedRunInput(store: TraceStore, usage: UsageIndex, traceId: TraceId, summary: TraceSummary | null = store.traceSummary(traceId), complete = false): RunInput | null {
  if (!summary) return null;
  const skeleton = store.traceSkeleton(traceId);
  if (!skeleton) return null;
  const facts = new Map<SpanId, SpanFacts>();
  const loaded = store.traceHasGenAi(traceId) ? store.traceGenAiSpans(traceId) : null;
  for (const s of loaded?.spans ?? []) {
    const f: SpanFacts = { view: normalizeSpan(s.span, s.logs), events: s.span.events };
    if (s.span.status.message) f.statusMessage = s.span.status.message;
    facts.set(s.span.spanId, f);
  }
  const views = [...facts].map(([spanId, f]) => ({ spanId, view: f.view }));
  // GenAI spans past the full read's cap: views from their columns (no content, no events), so
  // that model calls, iterations and tool calls count them all.
  if (loaded?.truncated) {
    for (const v of columnViews(store.traceGenAiFacts(traceId), views)) {
      facts.set(v.spanId, { view: v.view, events: undefined });
      views.push(v);
    }
  }
  // The costs from the views just made (the usage index would normalize the same spans again).
  const costs = loaded ? usage.detailFromViews(summary, skeleton, views)?.spanCosts : undefined;
  const spans = skeleton.spans.map((s): RunSpan => {
    const f = facts.get(s.spanId);
    const span: RunSpan = {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      startOffsetMs: s.startOffsetMs,
      durationMs: s.durationMs,
      statusCode: s.statusCode,
      view: f?.view ?? null,
    };
    if (f?.events) span.events = f.events;
    if (f?.statusMessage) span.statusMessage = f.statusMessage;
    const cost = costs?.get(s.spanId);
    if (cost) span.cost = cost;
    return span;
  });
  const run: RunInput = { traceId, serviceName: summary.serviceName, rootName: summary.rootName, durationMs: summary.durationMs, complete, spans };
  if (summary.sessionId) run.sessionId = summary.sessionId;
  if (summary.agentName) run.agentName = summary.agentName;
  return run;
}

/** The graph of one stored trace; `null` when it is not stored (a trace without GenAI spans has an empty graph). */
