/**
 * The agent graph of a stored trace or session (back end requests `traceGraph`, `sessionGraph`):
 * each trace is read as the diagnostics read it — the store's skeleton (every span, so parents
 * through non-GenAI spans count), the GenAI spans normalized by `normalizeSpan`, the usage index's
 * priced span costs — and added to an `AgentGraphBuilder` (buildGraph.ts).
 */
import type { TraceId } from '../../model/trace';
import { MAX_GRAPH_SESSION_TRACES, type AgentGraph } from '../../model/agentGraph';
import { storedRunInput } from '../diagnostics/storedRun';
import type { TraceStore } from '../store/traceStore';
import type { UsageIndex } from '../usage/usageIndex';
import { AgentGraphBuilder } from './buildGraph';

/** A session graph yields to other back end requests (ingest) after this much work (ms). */
const SLICE_MS = 20;

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
