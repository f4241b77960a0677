/**
 * The agent graph of a trace or a session (the trace webview's Graph tab): agents, tools and
 * models as nodes, calls and hand-offs as edges, with counts. Built in the back end thread
 * (src/core/graph); JSON-safe, shared with the webview.
 *
 * Counting follows the run metrics (src/core/usage/README.md): model calls and costs are the
 * calls the run counts once (a wrapper span over a provider call is not a second call), tool
 * calls fold the duplicate views of a second instrumentation (src/core/genai/repeats.ts).
 */
import type { SpanId, TraceId } from './ids';
import type { CostTotal } from './cost';

/**
 * What a node stands for:
 * - `agent`: one agent name (`gen_ai.agent.name`, …; spans of GenAI kind `agent`);
 * - `tool`: one tool name (`gen_ai.tool.name`, …);
 * - `model`: one model (response model, else request model) of one provider;
 * - `entry`: the trace's root span, for calls made outside any agent (named after the root span).
 */
export type AgentGraphNodeKind = 'agent' | 'tool' | 'model' | 'entry';

/**
 * What an edge stands for:
 * - `calls`: the source made the call (a tool call, a model call, a nested agent run) inside its
 *   span: the nearest agent or tool call above the callee (else the entry node);
 * - `handoff`: an agent handed the conversation to another (OpenAI Agents `handoff` span
 *   `handoff {from} -> {to}`).
 */
export type AgentGraphEdgeKind = 'calls' | 'handoff';

/** Most span ids kept per node (for selection in the waterfall); `spanIdsCapped` says when more exist. */
export const MAX_GRAPH_NODE_SPANS = 500;
/** Most nodes in one graph (the most called are kept); `nodesOmitted` counts the rest. */
export const MAX_GRAPH_NODES = 120;
/** Most traces of a session aggregated into its graph (the newest); `truncated` says when more exist. */
export const MAX_GRAPH_SESSION_TRACES = 200;

export interface AgentGraphNode {
  /** Stable within a graph: `${kind}:${name}` (models: `model:${provider}/${name}`). */
  id: string;
  kind: AgentGraphNodeKind;
  /** Agent name, tool name, model name, or the root span's name. */
  name: string;
  /** Models: `gen_ai.provider.name` (or the convention's equivalent), when known. */
  provider?: string;
  /** Agent runs (agent spans), tool calls, counted model calls, or traces (entry). */
  calls: number;
  /**
   * Calls that failed: status error; for tool calls also an `exception` event or an error in the
   * result (src/core/diagnostics/analysis.ts `isFailed`).
   */
  errors: number;
  /**
   * USD of the counted model calls (and other usage carriers) made inside the node, not inside
   * a nested node of the same kind: a model's own calls; an agent's calls (its tools' calls
   * included, nested agents' not); a tool call's inner calls; the entry's calls outside agents.
   * `null` when the node made no counted call. Lower bound when a call is unpriced.
   */
  cost: CostTotal | null;
  /** Median duration of the node's calls (ms, nearest rank); `null` without calls. */
  p50Ms: number | null;
  /**
   * Spans of the node in the focus trace (the trace itself, or the session graph's `focusTraceId`),
   * in start order, at most `MAX_GRAPH_NODE_SPANS`: tool calls with their duplicate views.
   */
  spanIds: SpanId[];
  /** `true` when the node has more spans in the focus trace than `spanIds` holds. */
  spanIdsCapped: boolean;
  /** Traces the node appears in (1 for a trace graph). */
  traceCount: number;
}

export interface AgentGraphEdge {
  /** `${from}->${to}:${kind}`. */
  id: string;
  from: string;
  to: string;
  kind: AgentGraphEdgeKind;
  /** Calls (or hand-offs) along the edge. */
  count: number;
  /** Of those, failed calls (as `AgentGraphNode.errors`). */
  errors: number;
}

/** What the graph covers. */
export type AgentGraphScope = { kind: 'trace'; traceId: TraceId } | { kind: 'session'; sessionId: string };

export interface AgentGraph {
  scope: AgentGraphScope;
  /** Traces aggregated (1 for a trace graph). */
  traceCount: number;
  /** Session graphs: the session has more than `MAX_GRAPH_SESSION_TRACES` traces (the newest were used). */
  truncated: boolean;
  /** Nodes, most called first within each kind: entry, agents, tools, models. */
  nodes: AgentGraphNode[];
  /** Edges between listed nodes, in first-seen order. */
  edges: AgentGraphEdge[];
  /** Nodes left out past `MAX_GRAPH_NODES` (with their edges). */
  nodesOmitted: number;
}
