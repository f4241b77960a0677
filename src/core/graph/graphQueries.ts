/**
 * The agent graph of a stored trace or session (back end requests `traceGraph`, `sessionGraph`):
 * each trace is read as the diagnostics read it — the store's skeleton (every span, so parents
 * through non-GenAI spans count), the GenAI spans normalized by `normalizeSpan`, the usage index's
 * priced span costs — and added to an `AgentGraphBuilder` (buildGraph.ts).
 */
import type { GenAiSpanView } from '../../model/genai';
import type { SpanId, TraceId, TraceSummary } from '../../model/trace';
import { MAX_GRAPH_SESSION_TRACES, type AgentGraph } from '../../model/agentGraph';
import type { RunInput, RunSpan } from '../diagnostics/analysis';
import { normalizeSpan } from '../genai/normalize';
import type { TraceStore } from '../store/traceStore';
import type { UsageIndex } from '../usage/usageIndex';
import { AgentGraphBuilder } from './buildGraph';

/** A session graph yields to other back end requests (ingest) after this much work (ms). */
const SLICE_MS = 20;

type SpanFacts = { view: GenAiSpanView | null; events: RunSpan['events']; statusMessage?: string };

/**
 * One stored trace as a `RunInput` (src/core/diagnostics/analysis.ts): skeleton spans with their
 * GenAI views, `exception` events and status messages (tool failures) and costs. `null` when the
 * trace is not stored. `complete` is not judged here (always `false`; the graph does not use it).
 */
export function storedRunInput(store: TraceStore, usage: UsageIndex, traceId: TraceId, summary: TraceSummary | null = store.traceSummary(traceId)): RunInput | null {
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
  const costs = loaded ? usage.spanCosts(traceId) : undefined;
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
  const run: RunInput = { traceId, serviceName: summary.serviceName, rootName: summary.rootName, durationMs: summary.durationMs, complete: false, spans };
  if (summary.sessionId) run.sessionId = summary.sessionId;
  if (summary.agentName) run.agentName = summary.agentName;
  return run;
}

/** The graph of one stored trace; `null` when it is not stored (a trace without GenAI spans has an empty graph). */
export function traceGraph(store: TraceStore, usage: UsageIndex, traceId: TraceId): AgentGraph | null {
  const run = storedRunInput(store, usage, traceId);
  if (!run) return null;
  const builder = new AgentGraphBuilder(traceId);
  builder.addRun(run);
  return builder.build({ kind: 'trace', traceId });
}

/**
 * The graph of a session: its newest `MAX_GRAPH_SESSION_TRACES` traces aggregated (`truncated`
 * when it has more); node span ids are those of `focusTraceId` (the trace on screen), when given.
 * `null` when the session has no stored trace. Yields every ~20 ms so ingest keeps its turn.
 */
export async function sessionGraph(store: TraceStore, usage: UsageIndex, sessionId: string, focusTraceId?: TraceId): Promise<AgentGraph | null> {
  if (typeof sessionId !== 'string' || sessionId === '') return null;
  const summaries = store.listTraces(MAX_GRAPH_SESSION_TRACES + 1, 0, sessionId);
  if (summaries.length === 0) return null;
  const truncated = summaries.length > MAX_GRAPH_SESSION_TRACES;
  if (truncated) summaries.length = MAX_GRAPH_SESSION_TRACES;
  const builder = new AgentGraphBuilder(typeof focusTraceId === 'string' ? focusTraceId : undefined);
  let sliceStart = performance.now();
  // Oldest first: first-seen order (ties in the node list) follows the session's course.
  for (const summary of [...summaries].reverse()) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    // The trace may have been evicted meanwhile: read its summary again.
    const run = storedRunInput(store, usage, summary.traceId);
    if (run) builder.addRun(run);
  }
  return builder.build({ kind: 'session', sessionId }, truncated);
}
