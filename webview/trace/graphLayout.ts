/**
 * Lays out an agent graph (src/model/agentGraph.ts) for the Graph tab: node boxes sized to their
 * text, placed left to right by `@dagrejs/dagre` (layered "Sugiyama" layout; cycles — hand-offs
 * back and forth, a tool that runs its caller — are broken for ranking by its greedy
 * feedback-arc-set heuristic and drawn with their real direction), edge routes and count labels.
 *
 * Pure apart from text measuring, which the caller passes in (`measure`), so the DOM stays in
 * graphRender.ts / graph.ts. dagre itself is passed in too (`DagreModule`): the view loads it as a
 * chunk of its own when the Graph tab first needs it (dagreLoader.ts).
 */
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import type { AgentGraph, AgentGraphEdge, AgentGraphNode, AgentGraphNodeKind } from '../../src/model/agentGraph';
import { formatCostUsd } from '../../src/model/cost';
import { formatDuration, formatInteger } from '../../src/model/format';

/** Text sizes (px) of the node lines; graph.css uses the same. */
export const FONT = { kind: 10, name: 13, stats: 11.5, edge: 11 } as const;
const NODE_PAD_X = 10;
/** Room for the kind icon left of the kind label. */
const ICON_W = 19;
export const NODE_MIN_W = 150;
export const NODE_MAX_W = 300;
export const NODE_H = 62;
const EDGE_LABEL_H = 16;
const EDGE_LABEL_PAD = 8;

/** The parts of `@dagrejs/dagre` the layout uses (webview/trace/dagre.ts re-exports them). */
export type DagreModule = Pick<typeof import('@dagrejs/dagre'), 'graphlib' | 'layout'>;

/** Text measuring: width in px of `text` at a font size and weight. */
export type Measure = (text: string, sizePx: number, bold?: boolean) => number;

/** One segment of a node's stats line (`error` segments are drawn in the error colour). */
export interface StatSegment {
  text: string;
  error?: boolean;
}

export interface NodeBox {
  node: AgentGraphNode;
  /** Centre (px, graph space). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** `kind` line: `Agent`, `Tool`, `Model · openai`, `Entry`. */
  kindLabel: string;
  /** The name, cut with `…` to the box. */
  name: string;
  stats: StatSegment[];
}

export interface EdgeRoute {
  edge: AgentGraphEdge;
  /** Route from the source box to the target box (graph space). */
  points: { x: number; y: number }[];
  label: string;
  labelX: number;
  labelY: number;
  labelWidth: number;
}

export interface GraphLayout {
  nodes: NodeBox[];
  edges: EdgeRoute[];
  width: number;
  height: number;
}

/** Human label of a node kind. */
export function nodeKindLabel(kind: AgentGraphNodeKind): string {
  switch (kind) {
    case 'agent':
      return 'Agent';
    case 'tool':
      return 'Tool';
    case 'model':
      return 'Model';
    case 'entry':
      return 'Entry';
  }
}

/** Codicon of a node kind (the same icons as the waterfall's GenAI kinds; the entry is the root span). */
export function nodeKindIcon(kind: AgentGraphNodeKind): string {
  switch (kind) {
    case 'agent':
      return 'robot';
    case 'tool':
      return 'tools';
    case 'model':
      return 'sparkle';
    case 'entry':
      return 'play';
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatInteger(n)} ${n === 1 ? one : many}`;

/**
 * The stats line: `N calls · E errors · $cost · p50 120ms` (errors and cost only when there are
 * any; `≥ $cost` when some call is unpriced, `no price` when none is priced).
 */
export function nodeStats(node: AgentGraphNode): StatSegment[] {
  const out: StatSegment[] = [{ text: plural(node.calls, node.kind === 'agent' ? 'run' : node.kind === 'entry' ? 'run' : 'call') }];
  if (node.errors > 0) out.push({ text: plural(node.errors, 'error'), error: true });
  const c = node.cost;
  // Calls without any price say so in words ("—" alone reads as a missing value).
  if (c && c.reportedCount + c.pricedCount > 0) out.push({ text: formatCostUsd(c) });
  else if (c && c.unpricedCount > 0) out.push({ text: 'no price' });
  if (node.p50Ms !== null) out.push({ text: `p50 ${formatDuration(node.p50Ms)}` });
  return out;
}

/** The edge's label: `×4`, plus `1 failed` when calls along it failed. */
export function edgeLabel(edge: AgentGraphEdge): string {
  const base = `${edge.kind === 'handoff' ? 'hand-off ' : ''}×${formatInteger(edge.count)}`;
  return edge.errors > 0 ? `${base} · ${formatInteger(edge.errors)} failed` : base;
}

/** `text` cut with `…` to at most `maxPx` wide. */
export function fitText(text: string, maxPx: number, sizePx: number, measure: Measure, bold = false): string {
  if (measure(text, sizePx, bold) <= maxPx) return text;
  let lo = 0;
  let hi = text.length;
  // Longest prefix that fits with the ellipsis (binary search on the length).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid)}…`, sizePx, bold) <= maxPx) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

const SEPARATOR = ' · ';

/** Lays out `graph` with `dagre`; nodes without a place (none expected) are left out. */
export function layoutGraph(graph: AgentGraph, measure: Measure, dagre: DagreModule): GraphLayout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  // Edge labels take a rank of their own between the nodes' ranks: ranksep is half the gap.
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 36, edgesep: 14, marginx: 14, marginy: 14, acyclicer: 'greedy', ranker: 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));

  const boxes = new Map<string, NodeBox>();
  for (const node of graph.nodes) {
    const kindLabel = node.kind === 'model' && node.provider ? `${nodeKindLabel(node.kind)} · ${node.provider}` : nodeKindLabel(node.kind);
    const stats = nodeStats(node);
    const statsW = measure(stats.map((s) => s.text).join(SEPARATOR), FONT.stats);
    const nameW = measure(node.name, FONT.name, true);
    const kindW = measure(kindLabel.toUpperCase(), FONT.kind, true) + ICON_W;
    const width = Math.round(Math.min(NODE_MAX_W, Math.max(NODE_MIN_W, Math.max(statsW, nameW, kindW) + 2 * NODE_PAD_X)));
    const name = fitText(node.name, width - 2 * NODE_PAD_X, FONT.name, measure, true);
    const box: NodeBox = { node, x: 0, y: 0, width, height: NODE_H, kindLabel, name, stats };
    boxes.set(node.id, box);
    g.setNode(node.id, { width, height: NODE_H });
  }
  const routes: EdgeRoute[] = [];
  for (const edge of graph.edges) {
    if (!boxes.has(edge.from) || !boxes.has(edge.to)) continue;
    const label = edgeLabel(edge);
    const labelWidth = Math.ceil(measure(label, FONT.edge)) + EDGE_LABEL_PAD;
    g.setEdge(edge.from, edge.to, { width: labelWidth, height: EDGE_LABEL_H, labelpos: 'c', minlen: 1, weight: edge.kind === 'handoff' ? 1 : 2 }, edge.id);
    routes.push({ edge, points: [], label, labelX: 0, labelY: 0, labelWidth });
  }
  dagre.layout(g);

  for (const [id, box] of boxes) {
    const n = g.node(id);
    box.x = n.x ?? 0;
    box.y = n.y ?? 0;
  }
  for (const r of routes) {
    const e = g.edge({ v: r.edge.from, w: r.edge.to, name: r.edge.id });
    r.points = (e.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    r.labelX = e.x ?? r.points[Math.floor(r.points.length / 2)]?.x ?? 0;
    r.labelY = e.y ?? r.points[Math.floor(r.points.length / 2)]?.y ?? 0;
  }
  const label = g.graph();
  return { nodes: [...boxes.values()], edges: routes, width: Math.ceil(label.width ?? 0), height: Math.ceil(label.height ?? 0) };
}

/**
 * An SVG path through `points`: straight segments with the inner corners rounded by quadratic
 * curves (radius up to `radius` px), so routes bend smoothly around the boxes.
 */
export function roundedPath(points: readonly { x: number; y: number }[], radius = 14): string {
  if (points.length === 0) return '';
  const f = (n: number) => Number(n.toFixed(1));
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1]!;
    const c = points[i]!;
    const n = points[i + 1]!;
    const l1 = Math.hypot(c.x - p.x, c.y - p.y);
    const l2 = Math.hypot(n.x - c.x, n.y - c.y);
    const r = Math.min(radius, l1 / 2, l2 / 2);
    if (r <= 0.5) {
      d += ` L${f(c.x)},${f(c.y)}`;
      continue;
    }
    const a = { x: c.x + ((p.x - c.x) / l1) * r, y: c.y + ((p.y - c.y) / l1) * r };
    const b = { x: c.x + ((n.x - c.x) / l2) * r, y: c.y + ((n.y - c.y) / l2) * r };
    d += ` L${f(a.x)},${f(a.y)} Q${f(c.x)},${f(c.y)} ${f(b.x)},${f(b.y)}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L${f(last.x)},${f(last.y)}`;
}

/**
 * The node an arrow key moves to from `fromId`: the nearest box in that direction, distance along
 * the arrow plus twice the distance across it; `null` when there is none.
 */
export function nodeInDirection(boxes: readonly NodeBox[], fromId: string, key: 'ArrowRight' | 'ArrowLeft' | 'ArrowUp' | 'ArrowDown'): string | null {
  const from = boxes.find((b) => b.node.id === fromId);
  if (!from) return null;
  const dir = key === 'ArrowRight' ? { x: 1, y: 0 } : key === 'ArrowLeft' ? { x: -1, y: 0 } : key === 'ArrowDown' ? { x: 0, y: 1 } : { x: 0, y: -1 };
  let best: { id: string; score: number } | null = null;
  for (const b of boxes) {
    if (b === from) continue;
    const dx = b.x - from.x;
    const dy = b.y - from.y;
    const along = dx * dir.x + dy * dir.y;
    if (along <= 1) continue;
    const score = along + 2 * Math.abs(dx * dir.y - dy * dir.x);
    if (!best || score < best.score) best = { id: b.node.id, score };
  }
  return best?.id ?? null;
}
