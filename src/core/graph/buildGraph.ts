/**
 * The agent graph of one run or of many (a session): agents, tools and models as nodes, calls
 * and hand-offs as edges (src/model/agentGraph.ts). Pure: it reads the runs' `RunInput` (the
 * detectors' input, src/core/diagnostics/analysis.ts) through `analyzeRun`, so it counts exactly
 * what the run metrics and the diagnostics count:
 *
 * - model calls: the spans the run counts once (`RunAnalysis.countedSpans` of GenAI kind `llm` or
 *   `embeddings`): a wrapper span over the provider's span is never a second call, and costs are
 *   the counted calls' `CallCost`s (a roll-up span's `sum` is never added);
 * - tool calls: `RunAnalysis.toolCalls` (duplicate views of one call folded, src/core/genai/repeats.ts);
 *   failed as `isFailed` (status error, an exception event, or an error in the result);
 * - agents: spans of GenAI kind `agent`, one node per agent name.
 *
 * A callee's caller is the nearest agent span or tool call above it (so a model call inside a
 * tool is the tool's, and an agent run as a tool hangs under that tool). Calls with neither above
 * them belong to an `entry` node named after the trace's root span, which then also calls the
 * outermost agents (except those reached by a hand-off). A hand-off is an OpenAI Agents `handoff`
 * span, named `handoff {from_agent} -> {to_agent}` (src/core/otlp/openaiAgentsSpanData.ts; `?`
 * for an unknown agent: the from side then is the nearest agent above the span).
 *
 * Complexity: O(n · depth) per run (the ancestor walks), as `analyzeRun`.
 */
import type { SpanId, TraceId } from '../../model/ids';
import type { GenAiSpanView } from '../../model/genai';
import { mergeCostTotals, sumCosts, type CallCost, type CostTotal } from '../../model/cost';
import {
  MAX_GRAPH_NODES,
  MAX_GRAPH_NODE_SPANS,
  type AgentGraph,
  type AgentGraphEdge,
  type AgentGraphEdgeKind,
  type AgentGraphNode,
  type AgentGraphNodeKind,
  type AgentGraphScope,
} from '../../model/agentGraph';
import { analyzeRun, isFailed, type RunAnalysis, type RunInput, type RunSpan, type ToolCall } from '../diagnostics/analysis';
import { latencyStats } from '../usage/percentiles';

/** Deepest parent chain walked (a guard against cycles in malformed traces). */
const MAX_DEPTH = 10_000;
/** Kind order of the node list. */
const KIND_ORDER: Record<AgentGraphNodeKind, number> = { entry: 0, agent: 1, tool: 2, model: 3 };
const UNKNOWN_MODEL = '(unknown model)';
/** `handoff {from} -> {to}` (OpenAI Agents `handoff` span names). */
const HANDOFF_NAME = /^handoff (.+?) -> (.+)$/s;

interface NodeAcc {
  node: AgentGraphNode;
  durationsMs: number[];
  costParts: CostTotal[];
  traces: Set<TraceId>;
  /** Spans of the focus trace seen (may exceed the ids kept). */
  focusSpans: number;
  /** First-seen order, for stable output. */
  order: number;
}

/** A span's graph owner: the node of the nearest agent span or tool call above it. */
type Owner = { kind: 'agent'; span: RunSpan } | { kind: 'tool'; call: ToolCall };

/** The agent name of an agent span: `GenAiSpanView.agentName`, else the span's name. */
function agentNameOf(span: RunSpan): string {
  return span.view?.agentName?.trim() || span.name || '(unnamed agent)';
}

function isModelCall(view: GenAiSpanView | null): view is GenAiSpanView {
  return view?.kind === 'llm' || view?.kind === 'embeddings';
}

function modelOf(view: GenAiSpanView): string {
  return view.responseModel?.trim() || view.requestModel?.trim() || UNKNOWN_MODEL;
}

/** The cost to count for a counted span without one (as the run metrics count it: unpriced). */
function costOf(span: RunSpan): CallCost {
  if (span.cost) return span.cost;
  const out: CallCost = { status: 'unpriced', reason: 'no-usage', detail: 'This call was not priced.' };
  if (span.view) out.model = modelOf(span.view);
  if (span.view?.provider !== undefined) out.provider = span.view.provider;
  return out;
}

/** Node id of an agent, tool, model or entry (see `AgentGraphNode.id`). */
export function graphNodeId(kind: AgentGraphNodeKind, name: string, provider?: string): string {
  return kind === 'model' ? `model:${provider ?? ''}/${name}` : `${kind}:${name}`;
}

/**
 * Accumulates runs into one graph. `focusTraceId`: the trace whose span ids the nodes list (the
 * trace shown; other traces of a session add counts only).
 */
export class AgentGraphBuilder {
  private readonly nodes = new Map<string, NodeAcc>();
  private readonly edges = new Map<string, AgentGraphEdge>();
  private traceCount = 0;

  constructor(private readonly focusTraceId?: TraceId) {}

  /** Adds one run (its analysis may be passed when the caller has it). */
  addRun(run: RunInput, analysis: RunAnalysis = analyzeRun(run)): void {
    this.traceCount++;
    const traceId = run.traceId;
    const focus = traceId === this.focusTraceId;
    const parentOf = analysis.parentOf;
    const runCosts = new Map<string, CallCost[]>();
    const addCost = (nodeId: string, cost: CallCost): void => {
      const list = runCosts.get(nodeId);
      if (list) list.push(cost);
      else runCosts.set(nodeId, [cost]);
    };

    // Every span of a tool call (its duplicate views included) → the call.
    const callOf = new Map<SpanId, ToolCall>();
    for (const call of analysis.toolCalls) for (const s of call.spans) callOf.set(s.spanId, call);

    const ownerMemo = new Map<SpanId, Owner | null>();
    /** The nearest agent span or tool call strictly above `span`; `null` for none. */
    const ownerOf = (span: RunSpan): Owner | null => {
      const chain: RunSpan[] = [];
      let found: Owner | null = null;
      for (let p = parentOf(span), depth = 0; p && depth < MAX_DEPTH; p = parentOf(p), depth++) {
        const known = ownerMemo.get(p.spanId);
        if (known !== undefined) {
          found = ownSlot(p) ?? known;
          break;
        }
        const own = ownSlot(p);
        if (own) {
          found = own;
          break;
        }
        chain.push(p);
      }
      // Spans walked without finding an owner of their own share the answer.
      for (const c of chain) ownerMemo.set(c.spanId, found);
      return found;
    };
    const ownSlot = (p: RunSpan): Owner | null => {
      if (p.view?.kind === 'agent') return { kind: 'agent', span: p };
      const call = callOf.get(p.spanId);
      return call ? { kind: 'tool', call } : null;
    };
    /** The nearest agent span strictly above `span`. */
    const agentAbove = (span: RunSpan): RunSpan | undefined => {
      for (let p = parentOf(span), depth = 0; p && depth < MAX_DEPTH; p = parentOf(p), depth++) if (p.view?.kind === 'agent') return p;
      return undefined;
    };
    const ownerNode = (owner: Owner): string =>
      owner.kind === 'agent' ? graphNodeId('agent', agentNameOf(owner.span)) : graphNodeId('tool', owner.call.name);

    const agentSpans = run.spans.filter((s) => s.view?.kind === 'agent').sort(byStart);
    const modelSpans = analysis.countedSpans.filter((s) => isModelCall(s.view));
    const otherCounted = analysis.countedSpans.filter((s) => !isModelCall(s.view));

    // The entry node: when some call (or counted cost) has no agent or tool call above it.
    const root = analysis.root;
    const needsEntry =
      root !== undefined &&
      (analysis.toolCalls.some((c) => ownerOf(c.span) === null) ||
        modelSpans.some((s) => ownerOf(s) === null) ||
        otherCounted.some((s) => s.view?.kind !== 'agent' && !callOf.has(s.spanId) && ownerOf(s) === null));
    let entryId: string | null = null;
    if (needsEntry && root) {
      entryId = graphNodeId('entry', root.name || run.rootName || '(root span)');
      this.count(this.nodeAcc(entryId, 'entry', root.name || run.rootName || '(root span)'), traceId, focus, [root.spanId], root.durationMs, root.statusCode === 'error');
    }

    // Hand-offs (before agents: their targets are not called by the entry).
    const handoffTargets = new Set<string>();
    for (const s of run.spans) {
      const m = HANDOFF_NAME.exec(s.name);
      if (!m) continue;
      const to = m[2]!.trim();
      const fromName = m[1]!.trim();
      const from = fromName !== '?' && fromName !== '' ? fromName : agentAbove(s) ? agentNameOf(agentAbove(s)!) : undefined;
      if (!from || to === '?' || to === '') continue;
      const fromId = graphNodeId('agent', from);
      const toId = graphNodeId('agent', to);
      this.nodeAcc(fromId, 'agent', from).traces.add(traceId);
      this.nodeAcc(toId, 'agent', to).traces.add(traceId);
      this.edge(fromId, toId, 'handoff', s.statusCode === 'error');
      handoffTargets.add(to);
    }

    // Agents: runs, and who called them.
    for (const s of agentSpans) {
      const name = agentNameOf(s);
      const id = graphNodeId('agent', name);
      this.count(this.nodeAcc(id, 'agent', name), traceId, focus, [s.spanId], s.durationMs, s.statusCode === 'error');
      const owner = ownerOf(s);
      const from = owner ? ownerNode(owner) : entryId !== null && !handoffTargets.has(name) ? entryId : null;
      if (from !== null) this.edge(from, id, 'calls', s.statusCode === 'error');
    }

    // Tool calls.
    for (const call of analysis.toolCalls) {
      const id = graphNodeId('tool', call.name);
      const failed = isFailed(call);
      this.count(this.nodeAcc(id, 'tool', call.name), traceId, focus, call.spans.map((s) => s.spanId), call.span.durationMs, failed);
      const owner = ownerOf(call.span);
      const from = owner ? ownerNode(owner) : entryId;
      if (from !== null) this.edge(from, id, 'calls', failed);
    }

    // Counted calls: a model call is a call of its model; every counted cost goes to the nodes it
    // was spent in (see `AgentGraphNode.cost`): the model, the span's own agent or tool node, the
    // tool call it was made in, and the nearest agent (through tools), else the entry.
    for (const s of analysis.countedSpans) {
      const view = s.view;
      const holders = new Set<string>();
      const owner = ownerOf(s);
      if (isModelCall(view)) {
        const model = modelOf(view);
        const id = graphNodeId('model', model, view.provider);
        const acc = this.nodeAcc(id, 'model', model);
        if (view.provider !== undefined) acc.node.provider ??= view.provider;
        this.count(acc, traceId, focus, [s.spanId], s.durationMs, s.statusCode === 'error');
        const from = owner ? ownerNode(owner) : entryId;
        if (from !== null) this.edge(from, id, 'calls', s.statusCode === 'error');
        holders.add(id);
      }
      const ownCall = callOf.get(s.spanId);
      if (view?.kind === 'agent') holders.add(graphNodeId('agent', agentNameOf(s)));
      else if (ownCall) holders.add(graphNodeId('tool', ownCall.name));
      else if (owner?.kind === 'tool') holders.add(ownerNode(owner));
      const agent = view?.kind === 'agent' ? s : agentAbove(s);
      if (agent) holders.add(graphNodeId('agent', agentNameOf(agent)));
      else if (entryId !== null) holders.add(entryId);
      const cost = costOf(s);
      for (const id of holders) addCost(id, cost);
    }
    for (const [id, costs] of runCosts) this.nodes.get(id)?.costParts.push(sumCosts(costs));
  }

  /** The graph of the runs added so far. */
  build(scope: AgentGraphScope, truncated = false): AgentGraph {
    const all = [...this.nodes.values()];
    // Keep the most called nodes when there are too many (ties: first seen).
    let kept = all;
    if (all.length > MAX_GRAPH_NODES) kept = [...all].sort((a, b) => b.node.calls - a.node.calls || a.order - b.order).slice(0, MAX_GRAPH_NODES);
    const keptIds = new Set(kept.map((a) => a.node.id));
    const nodes = kept
      .sort((a, b) => KIND_ORDER[a.node.kind] - KIND_ORDER[b.node.kind] || b.node.calls - a.node.calls || a.order - b.order)
      .map((a) => finishNode(a));
    const edges = [...this.edges.values()].filter((e) => keptIds.has(e.from) && keptIds.has(e.to)).map((e) => ({ ...e }));
    return { scope, traceCount: this.traceCount, truncated, nodes, edges, nodesOmitted: all.length - kept.length };
  }

  private nodeAcc(id: string, kind: AgentGraphNodeKind, name: string): NodeAcc {
    let acc = this.nodes.get(id);
    if (!acc) {
      acc = {
        node: { id, kind, name, calls: 0, errors: 0, cost: null, p50Ms: null, spanIds: [], spanIdsCapped: false, traceCount: 0 },
        durationsMs: [],
        costParts: [],
        traces: new Set(),
        focusSpans: 0,
        order: this.nodes.size,
      };
      this.nodes.set(id, acc);
    }
    return acc;
  }

  /** One call of a node: its spans (listed for the focus trace), duration and outcome. */
  private count(acc: NodeAcc, traceId: TraceId, focus: boolean, spanIds: readonly SpanId[], durationMs: number, failed: boolean): void {
    acc.node.calls++;
    if (failed) acc.node.errors++;
    acc.durationsMs.push(durationMs);
    acc.traces.add(traceId);
    if (!focus) return;
    for (const id of spanIds) {
      acc.focusSpans++;
      if (acc.node.spanIds.length < MAX_GRAPH_NODE_SPANS) acc.node.spanIds.push(id);
      else acc.node.spanIdsCapped = true;
    }
  }

  private edge(from: string, to: string, kind: AgentGraphEdgeKind, failed: boolean): void {
    const id = `${from}->${to}:${kind}`;
    let e = this.edges.get(id);
    if (!e) {
      e = { id, from, to, kind, count: 0, errors: 0 };
      this.edges.set(id, e);
    }
    e.count++;
    if (failed) e.errors++;
  }
}

function finishNode(acc: NodeAcc): AgentGraphNode {
  const node: AgentGraphNode = { ...acc.node, spanIds: [...acc.node.spanIds] };
  node.traceCount = acc.traces.size;
  node.cost = acc.costParts.length > 0 ? mergeCostTotals(acc.costParts) : null;
  node.p50Ms = latencyStats(acc.durationsMs)?.p50Ms ?? null;
  return node;
}

function byStart(a: RunSpan, b: RunSpan): number {
  return a.startOffsetMs - b.startOffsetMs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

/** The graph of one run. */
export function buildTraceGraph(run: RunInput): AgentGraph {
  const builder = new AgentGraphBuilder(run.traceId);
  builder.addRun(run);
  return builder.build({ kind: 'trace', traceId: run.traceId });
}
