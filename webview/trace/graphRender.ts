/**
 * Draws a laid-out agent graph (graphLayout.ts) as SVG: rounded boxes with the kind's icon and
 * label, the name and the stats line; edges as rounded paths with arrowheads and count labels.
 * Colours come only from CSS (styles/graph.css, VS Code theme variables); positions are SVG
 * attributes (no inline styles: the webview's CSP allows none).
 *
 * Each node is a `<g class="gn" role="button" data-node-id>`; graph.ts gives them their tabindex
 * (one tab stop, arrows move) and handles the input.
 */
import { describeCost } from '../../src/model/cost';
import { div, span } from './dom';
import { formatDuration, formatInteger } from '../../src/model/format';
import type { AgentGraphEdge, AgentGraphNode } from '../../src/model/agentGraph';
import { nodeKindIcon, nodeKindLabel, roundedPath, type GraphLayout, type NodeBox } from './graphLayout';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Codicon glyphs (the `content` of `.codicon-<name>:before` in @vscode/codicons' codicon.css). */
const GLYPHS: Record<string, string> = { robot: '\uec20', tools: '\ueb6d', sparkle: '\uec10', play: '\ueb2c' };

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, className?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (className) e.setAttribute('class', className);
  return e;
}

const plural = (n: number, one: string) => `${formatInteger(n)} ${n === 1 ? one : `${one}s`}`;

/** The node's tooltip and accessible name: what it is and every number on it, in words. */
export function describeNode(node: AgentGraphNode, session: boolean): string {
  const what = node.kind === 'entry' ? 'Entry (root span)' : nodeKindLabel(node.kind);
  const lines = [`${what}: ${node.name}${node.provider ? ` (${node.provider})` : ''}`];
  const unit = node.kind === 'agent' || node.kind === 'entry' ? 'run' : 'call';
  lines.push(`${plural(node.calls, unit)}${node.errors ? `, ${plural(node.errors, 'error')}` : ''}${session ? ` in ${plural(node.traceCount, 'trace')}` : ''}`);
  if (node.p50Ms !== null) lines.push(`Median duration (p50) ${formatDuration(node.p50Ms)}`);
  if (node.cost) lines.push(`Cost: ${describeCost(node.cost)}`);
  if (node.kind === 'tool' && node.errors) lines.push('Errors: status error, an exception event, or an error in the result.');
  const spans = node.spanIds.length;
  lines.push(
    spans === 0
      ? session
        ? 'No spans in this trace.'
        : 'No spans.'
      : `Enter or click: select its ${spans === 1 ? 'span' : `${spans}${node.spanIdsCapped ? '+' : ''} spans`} in the waterfall.`,
  );
  return lines.join('\n');
}

function describeEdge(edge: AgentGraphEdge, from: string, to: string): string {
  const verb = edge.kind === 'handoff' ? 'handed off to' : 'called';
  const times = edge.count === 1 ? 'once' : `${formatInteger(edge.count)} times`;
  return `${from} ${verb} ${to} ${times}${edge.errors ? ` (${formatInteger(edge.errors)} failed)` : ''}`;
}

/** Arrowhead markers, one per edge look (a marker cannot take its path's colour in every engine). */
function defs(): SVGDefsElement {
  const d = el('defs');
  for (const kind of ['calls', 'handoff', 'error', 'active']) {
    const m = el('marker', { id: `gr-arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' });
    m.append(el('path', { d: 'M0,0 L10,5 L0,10 z' }, `ge-arrow ge-arrow-${kind}`));
    d.append(m);
  }
  return d;
}

/** The SVG of a layout (graph-space size; graph.ts scales it). */
export function renderGraphSvg(layout: GraphLayout, session: boolean): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, width: layout.width, height: layout.height, role: 'group', 'aria-label': 'Agent graph' }, 'graph-svg');
  svg.append(defs());
  const names = new Map(layout.nodes.map((b) => [b.node.id, b.node.name]));

  const edgeLayer = el('g', {}, 'ge-layer');
  for (const r of layout.edges) {
    const e = r.edge;
    const look = e.errors > 0 ? 'error' : e.kind;
    const g = el('g', { 'data-edge-id': e.id, 'data-from': e.from, 'data-to': e.to }, `ge ge-${e.kind}${e.errors ? ' ge-has-errors' : ''}`);
    const title = el('title');
    title.textContent = describeEdge(e, names.get(e.from) ?? e.from, names.get(e.to) ?? e.to);
    g.append(title, el('path', { d: roundedPath(r.points), 'marker-end': `url(#gr-arrow-${look})`, 'data-look': look }, 'ge-path'));
    const lw = r.labelWidth;
    g.append(el('rect', { x: (r.labelX - lw / 2).toFixed(1), y: (r.labelY - 8).toFixed(1), width: lw, height: 16, rx: 8 }, 'ge-label-bg'));
    const t = el('text', { x: r.labelX.toFixed(1), y: (r.labelY + 4).toFixed(1), 'text-anchor': 'middle' }, 'ge-label');
    t.textContent = r.label;
    g.append(t);
    edgeLayer.append(g);
  }

  const nodeLayer = el('g', {}, 'gn-layer');
  for (const b of layout.nodes) nodeLayer.append(renderNode(b, session));
  svg.append(edgeLayer, nodeLayer);
  return svg;
}

function renderNode(b: NodeBox, session: boolean): SVGGElement {
  const n = b.node;
  const left = b.x - b.width / 2;
  const top = b.y - b.height / 2;
  const g = el('g', { 'data-node-id': n.id, role: 'button', 'aria-label': describeNode(n, session).replace(/\n/g, '. ') }, `gn gn-${n.kind}${n.errors ? ' gn-has-errors' : ''}${n.spanIds.length === 0 ? ' gn-no-spans' : ''}`);
  const title = el('title');
  title.textContent = describeNode(n, session);
  g.append(title);
  // The ring shows focus and the chosen node around the box, whatever the kind's colour.
  g.append(el('rect', { x: left - 4, y: top - 4, width: b.width + 8, height: b.height + 8, rx: 9 }, 'gn-ring'));
  g.append(el('rect', { x: left, y: top, width: b.width, height: b.height, rx: 6 }, 'gn-box'));
  const x = left + 10;
  const icon = el('text', { x, y: top + 17, 'aria-hidden': 'true' }, 'gn-icon');
  icon.textContent = GLYPHS[nodeKindIcon(n.kind)] ?? '';
  const kind = el('text', { x: x + 19, y: top + 16 }, 'gn-kind');
  kind.textContent = b.kindLabel.toUpperCase();
  const name = el('text', { x, y: top + 35 }, 'gn-name');
  name.textContent = b.name;
  const stats = el('text', { x, y: top + 52 }, 'gn-stats');
  b.stats.forEach((s, i) => {
    if (i > 0) stats.append(tspan(' · ', 'gn-sep'));
    stats.append(tspan(s.text, s.error ? 'gn-err' : undefined));
  });
  g.append(icon, kind, name, stats);
  return g;
}

function tspan(text: string, className?: string): SVGTSpanElement {
  const t = el('tspan', {}, className);
  t.textContent = text;
  return t;
}

/** The legend under the graph: node kinds, edge looks, what cost and p50 mean. */
export function renderLegend(): HTMLDivElement {
  const legend = div('graph-legend');
  legend.setAttribute('aria-label', 'Legend');
  const item = (cls: string, label: string, title: string) => {
    const i = span(`graph-legend-item ${cls}`);
    i.title = title;
    i.append(span('graph-legend-swatch'), document.createTextNode(label));
    return i;
  };
  legend.append(
    item('lg-agent', 'Agent', 'An agent (gen_ai.agent.name): runs of it'),
    item('lg-tool', 'Tool', 'A tool: calls of it'),
    item('lg-model', 'Model', 'A model (response model, else request model): calls, each counted once'),
    item('lg-entry', 'Entry', 'The root span, for calls made outside any agent'),
    item('lg-calls', 'calls ×N', 'An edge: the source called the target N times'),
    item('lg-handoff', 'hand-off', 'An agent handed the conversation to another'),
    item('lg-error', 'failed', 'Edges with failed calls; error counts on nodes'),
  );
  const note = span('graph-legend-note');
  note.textContent = 'Cost: the calls made inside the node · p50: median duration';
  legend.append(note);
  return legend;
}
