/**
 * The Graph tab: the trace's agents, tools and models as nodes and their calls and hand-offs as
 * edges (src/model/agentGraph.ts, built in the back end), laid out by graphLayout.ts and drawn as
 * SVG by graphRender.ts. A toggle shows the same graph over the trace's session.
 *
 * Loaded with `traceGraph` / `sessionGraph` when the tab is first shown, and again after live
 * updates while it is shown (the content stays until the answer comes).
 *
 * Input: click or Enter/Space on a node selects its first span in the waterfall (details on the
 * right) and highlights all its spans there; again on the same node steps to its next span.
 * The nodes are one tab stop: the arrow keys move between them by position, Home/End to the
 * first/last, Escape clears the highlight. `+` / `-` / `0` (or Ctrl/Cmd + wheel) zoom and fit;
 * dragging the background pans.
 */
import type { AgentGraph, AgentGraphNode } from '../../src/model/agentGraph';
import type { SpanId, TraceId } from '../../src/model/trace';
import { layoutGraph, nodeInDirection, type GraphLayout, type Measure } from './graphLayout';
import { loadDagre } from './dagreLoader';
import { renderGraphSvg, renderLegend } from './graphRender';
import { GraphViewport } from './graphViewport';
import { div, span } from './dom';
import { formatInteger } from '../../src/model/format';

export type GraphScope = 'trace' | 'session';

export interface GraphHost {
  request(scope: GraphScope): Promise<AgentGraph | null>;
  /** Select this span in the waterfall (its details show on the right). */
  selectSpan(spanId: SpanId): void;
  /** Highlight these spans in the waterfall (`null`: none). */
  highlight(spanIds: readonly SpanId[] | null): void;
  /** Switch to the Waterfall tab. */
  showWaterfall(): void;
  /** The scope toggle changed (persisted). */
  scopeChanged(scope: GraphScope): void;
}

type State =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'loaded'; graph: AgentGraph; layout: GraphLayout }
  | { kind: 'unavailable' }
  | { kind: 'error'; message: string };

export class GraphView {
  readonly element: HTMLDivElement;
  private readonly toolbar: HTMLDivElement;
  private readonly scopeGroup: HTMLDivElement;
  private readonly scopeButtons: Record<GraphScope, HTMLButtonElement>;
  private readonly summary: HTMLSpanElement;
  private readonly selectionBar: HTMLDivElement;
  private readonly selectionText: HTMLSpanElement;
  private readonly canvas: HTMLDivElement;
  private readonly message: HTMLDivElement;
  private readonly legend: HTMLDivElement;
  private readonly zoomButtons: HTMLSpanElement;
  private readonly viewport: GraphViewport;
  private svg: SVGSVGElement | null = null;

  private state: State = { kind: 'none' };
  private traceId: TraceId | null = null;
  private sessionId: string | undefined;
  private scope: GraphScope;
  private visible = false;
  private stale = true;
  private inFlight = false;
  private token = 0;
  /** The node whose spans are highlighted, and which of its spans is selected. */
  private active: { nodeId: string; index: number } | null = null;
  /** The node that has the focus stop (roving tabindex). */
  private focusNodeId: string | null = null;
  /** The span selected in the waterfall (its nodes are marked). */
  private selectedSpan: SpanId | null = null;
  private measureCtx: CanvasRenderingContext2D | null = null;

  constructor(private readonly host: GraphHost, scope: GraphScope) {
    this.scope = scope;
    this.element = div('graph-view');
    this.element.id = 'graph';

    this.toolbar = div('graph-toolbar');
    this.scopeGroup = div('graph-scope');
    this.scopeGroup.setAttribute('role', 'group');
    this.scopeGroup.setAttribute('aria-label', 'Graph scope');
    const scopeButton = (s: GraphScope, label: string, title: string) => {
      const b = document.createElement('button');
      b.className = 'graph-scope-btn';
      b.dataset.scope = s;
      b.textContent = label;
      b.title = title;
      b.addEventListener('click', () => this.setScope(s));
      return b;
    };
    this.scopeButtons = {
      trace: scopeButton('trace', 'This trace', 'The agents, tools and models of this trace'),
      session: scopeButton('session', 'Session', "The same graph over the session's traces (the newest 200)"),
    };
    this.scopeGroup.append(this.scopeButtons.trace, this.scopeButtons.session);
    this.summary = span('graph-summary');
    this.summary.setAttribute('role', 'status');
    const spacer = span('graph-spacer');
    this.zoomButtons = span('graph-zoom');
    this.zoomButtons.append(
      this.iconButton('zoom-out', 'Zoom out (-)', () => this.viewport.zoomBy(1 / 1.25)),
      this.iconButton('zoom-in', 'Zoom in (+)', () => this.viewport.zoomBy(1.25)),
      this.iconButton('screen-normal', 'Fit to the pane (0)', () => this.viewport.fit(true)),
    );
    this.toolbar.append(this.scopeGroup, this.summary, spacer, this.zoomButtons);

    this.selectionBar = div('graph-selection');
    this.selectionBar.hidden = true;
    this.selectionText = span('graph-selection-text');
    const show = document.createElement('button');
    show.className = 'link-btn';
    show.textContent = 'Show in Waterfall';
    show.addEventListener('click', () => this.host.showWaterfall());
    const clear = document.createElement('button');
    clear.className = 'link-btn';
    clear.textContent = 'Clear';
    clear.addEventListener('click', () => this.clearActive(true));
    this.selectionBar.append(this.selectionText, show, clear);

    this.canvas = div('graph-canvas');
    this.message = div('graph-message');
    this.message.hidden = true;
    this.legend = renderLegend();
    this.element.append(this.toolbar, this.selectionBar, this.canvas, this.message, this.legend);

    this.viewport = new GraphViewport(this.canvas);
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    this.canvas.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.canvas.addEventListener('focusin', (e) => this.onFocusIn(e));
    this.updateScopeButtons();
    this.renderState();
  }

  /** A trace was loaded (again, on live updates); `sessionId`: its session, when it has one. */
  setTrace(traceId: TraceId | null, sessionId: string | undefined): void {
    if (traceId !== this.traceId) {
      this.traceId = traceId;
      this.state = { kind: 'none' };
      this.active = null;
      this.focusNodeId = null;
      this.viewport.resetFit();
      this.renderState();
    }
    this.sessionId = sessionId;
    this.updateScopeButtons();
    this.stale = true;
    if (this.visible) this.load();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) this.load();
  }

  /** The span selected in the waterfall: the nodes that contain it are marked. */
  setSelectedSpan(spanId: SpanId | null): void {
    if (spanId === this.selectedSpan) return;
    this.selectedSpan = spanId;
    this.markNodes();
  }

  /** Gives the focus to the graph (its focused node), e.g. after Find closes. */
  focus(): void {
    const node = this.focusNodeId ? this.nodeElement(this.focusNodeId) : null;
    (node ?? this.canvas).focus({ preventScroll: true } as FocusOptions);
  }

  /** The scope in effect: the session only when the trace has one. */
  private get effectiveScope(): GraphScope {
    return this.scope === 'session' && this.sessionId ? 'session' : 'trace';
  }

  private setScope(scope: GraphScope): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.host.scopeChanged(scope);
    this.clearActive(true);
    this.state = { kind: 'none' };
    this.viewport.resetFit();
    this.updateScopeButtons();
    this.stale = true;
    this.load();
  }

  private updateScopeButtons(): void {
    this.scopeGroup.hidden = !this.sessionId;
    const scope = this.effectiveScope;
    for (const s of ['trace', 'session'] as const) {
      const b = this.scopeButtons[s];
      b.setAttribute('aria-pressed', s === scope ? 'true' : 'false');
      b.classList.toggle('selected', s === scope);
    }
    if (this.sessionId) this.scopeButtons.session.title = `The same graph over the traces of session ${this.sessionId} (the newest 200)`;
  }

  // ── loading ────────────────────────────────────────────────────────────────────────────────

  private load(): void {
    if (!this.traceId || this.inFlight) return;
    this.inFlight = true;
    this.stale = false;
    const token = ++this.token;
    const traceId = this.traceId;
    const scope = this.effectiveScope;
    if (this.state.kind !== 'loaded') {
      this.state = { kind: 'loading' };
      this.renderState();
    }
    const done = () => {
      this.inFlight = false;
      if (this.stale && this.visible) this.load();
    };
    Promise.all([this.host.request(scope), loadDagre()]).then(
      ([graph, dagre]) => {
        if (token === this.token && traceId === this.traceId && scope === this.effectiveScope) {
          this.state = graph ? { kind: 'loaded', graph, layout: layoutGraph(graph, this.measure, dagre) } : { kind: 'unavailable' };
          this.renderState();
        } else this.stale = true;
        done();
      },
      (error: unknown) => {
        if (token === this.token && traceId === this.traceId) {
          this.state = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
          this.renderState();
        }
        done();
      },
    );
  }

  /** Text width in px with the view's font (a canvas measures without layout). */
  private readonly measure: Measure = (text, sizePx, bold = false) => {
    this.measureCtx ??= document.createElement('canvas').getContext('2d');
    const ctx = this.measureCtx;
    if (!ctx) return text.length * sizePx * 0.6;
    ctx.font = `${bold ? 600 : 400} ${sizePx}px ${getComputedStyle(this.element).fontFamily || 'sans-serif'}`;
    return ctx.measureText(text).width;
  };

  // ── rendering ──────────────────────────────────────────────────────────────────────────────

  private renderState(): void {
    const s = this.state;
    const showMessage = (text: string, kind: string, detail?: string) => {
      this.message.replaceChildren();
      const title = document.createElement('p');
      title.className = 'graph-message-title';
      title.textContent = text;
      this.message.append(title);
      if (detail) {
        const p = document.createElement('p');
        p.textContent = detail;
        this.message.append(p);
      }
      if (kind === 'error') {
        const retry = document.createElement('button');
        retry.className = 'link-btn';
        retry.textContent = 'Retry';
        retry.addEventListener('click', () => {
          this.stale = true;
          this.load();
        });
        this.message.append(retry);
      }
      this.message.dataset.kind = kind;
      this.message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      this.message.hidden = false;
      this.canvas.hidden = true;
      this.legend.hidden = true;
      this.zoomButtons.hidden = true;
      this.summary.textContent = '';
    };
    this.message.hidden = true;
    this.canvas.hidden = false;
    this.legend.hidden = false;
    this.zoomButtons.hidden = false;
    switch (s.kind) {
      case 'none':
        this.setSvg(null);
        this.summary.textContent = '';
        return;
      case 'loading':
        this.setSvg(null);
        showMessage(this.effectiveScope === 'session' ? 'Building the session graph…' : 'Building the graph…', 'loading');
        return;
      case 'error':
        this.setSvg(null);
        showMessage('Could not build the graph.', 'error', s.message);
        return;
      case 'unavailable':
        this.setSvg(null);
        showMessage('The graph is not available.', 'empty', 'The trace (or its session) is no longer stored.');
        return;
      case 'loaded':
        break;
    }
    const { graph, layout } = s;
    if (graph.nodes.length === 0) {
      this.setSvg(null);
      showMessage(
        graph.scope.kind === 'session' ? 'No agents, tools or model calls in this session' : 'No agents, tools or model calls in this trace',
        'empty',
        'The graph shows GenAI spans: agent runs, tool calls and model calls (OTel GenAI, OpenInference, OpenLLMetry, Vercel AI SDK, Langfuse, OpenAI Agents conventions).',
      );
      return;
    }
    const parts = [`${graph.nodes.length} node${graph.nodes.length === 1 ? '' : 's'}`, `${graph.edges.length} edge${graph.edges.length === 1 ? '' : 's'}`];
    if (graph.scope.kind === 'session') parts.unshift(`${formatInteger(graph.traceCount)} trace${graph.traceCount === 1 ? '' : 's'}${graph.truncated ? ' (the newest)' : ''}`);
    if (graph.nodesOmitted > 0) parts.push(`${graph.nodesOmitted} less-called nodes left out`);
    this.summary.textContent = parts.join(' · ');
    if (this.active && !graph.nodes.some((n) => n.id === this.active!.nodeId)) this.clearActive(true);
    if (this.focusNodeId && !graph.nodes.some((n) => n.id === this.focusNodeId)) this.focusNodeId = null;
    const hadFocus = this.svg?.contains(document.activeElement) ?? false;
    this.setSvg(renderGraphSvg(layout, graph.scope.kind === 'session'), layout);
    this.markNodes();
    // A live update re-highlights the active node's spans (there may be new ones).
    if (this.active) {
      const node = this.nodeById(this.active.nodeId);
      this.host.highlight(node?.spanIds ?? null);
      this.updateSelectionBar();
    }
    if (hadFocus) this.focus();
  }

  private setSvg(svg: SVGSVGElement | null, layout?: GraphLayout): void {
    this.svg = svg;
    this.viewport.setContent(svg, layout?.width, layout?.height);
  }

  private iconButton(icon: string, title: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.className = `icon-btn codicon codicon-${icon}`;
    b.title = title;
    b.setAttribute('aria-label', title);
    b.addEventListener('click', onClick);
    return b;
  }

  // ── nodes: selection, focus, keys ──────────────────────────────────────────────────────────

  private nodeById(id: string): AgentGraphNode | undefined {
    return this.state.kind === 'loaded' ? this.state.graph.nodes.find((n) => n.id === id) : undefined;
  }

  private nodeElement(id: string): SVGGElement | null {
    return [...(this.svg?.querySelectorAll<SVGGElement>('.gn') ?? [])].find((g) => g.dataset.nodeId === id) ?? null;
  }

  /** Classes and tab stops: the active node, the nodes with the selected span, the edges of the active node. */
  private markNodes(): void {
    if (!this.svg || this.state.kind !== 'loaded') return;
    const nodes = [...this.svg.querySelectorAll<SVGGElement>('.gn')];
    const focusId = this.focusNodeId ?? this.active?.nodeId ?? nodes[0]?.dataset.nodeId ?? null;
    for (const g of nodes) {
      const id = g.dataset.nodeId!;
      const node = this.nodeById(id);
      g.classList.toggle('gn-active', id === this.active?.nodeId);
      g.classList.toggle('gn-current', this.selectedSpan !== null && (node?.spanIds.includes(this.selectedSpan) ?? false));
      g.setAttribute('aria-pressed', id === this.active?.nodeId ? 'true' : 'false');
      g.setAttribute('tabindex', id === focusId ? '0' : '-1');
    }
    for (const e of this.svg.querySelectorAll<SVGGElement>('.ge')) {
      const on = this.active !== null && (e.dataset.from === this.active.nodeId || e.dataset.to === this.active.nodeId);
      e.classList.toggle('ge-active', on);
      const path = e.querySelector('.ge-path');
      if (path) path.setAttribute('marker-end', `url(#gr-arrow-${on ? 'active' : (path.getAttribute('data-look') ?? 'calls')})`);
    }
    this.canvas.classList.toggle('has-active', this.active !== null);
  }

  private activate(nodeId: string): void {
    const node = this.nodeById(nodeId);
    if (!node) return;
    this.focusNodeId = nodeId;
    if (node.spanIds.length === 0) {
      this.active = { nodeId, index: -1 };
      this.host.highlight(null);
    } else {
      // Again on the active node: its next span.
      const index = this.active?.nodeId === nodeId ? (this.active.index + 1) % node.spanIds.length : 0;
      this.active = { nodeId, index };
      this.host.highlight(node.spanIds);
      this.host.selectSpan(node.spanIds[index]!);
    }
    this.markNodes();
    this.updateSelectionBar();
  }

  private clearActive(notify: boolean): void {
    if (!this.active) return;
    this.active = null;
    if (notify) this.host.highlight(null);
    this.markNodes();
    this.updateSelectionBar();
  }

  private updateSelectionBar(): void {
    const node = this.active ? this.nodeById(this.active.nodeId) : undefined;
    if (!this.active || !node) {
      this.selectionBar.hidden = true;
      return;
    }
    const n = node.spanIds.length;
    let text: string;
    if (n === 0) text = `${node.name}: no spans in this trace.`;
    else {
      const all = node.spanIdsCapped ? `the first ${n}` : `all ${n}`;
      text =
        n === 1
          ? `${node.name}: its span is selected and highlighted in the Waterfall.`
          : `${node.name}: span ${this.active.index + 1} of ${n}${node.spanIdsCapped ? '+' : ''} selected (again for the next), ${all} highlighted in the Waterfall.`;
    }
    this.selectionText.textContent = text;
    this.selectionBar.hidden = false;
  }

  private onClick(e: MouseEvent): void {
    const g = (e.target as Element | null)?.closest?.('.gn') as SVGGElement | null;
    if (!g?.dataset.nodeId) return;
    this.activate(g.dataset.nodeId);
    g.focus({ preventScroll: true } as FocusOptions);
  }

  private onFocusIn(e: FocusEvent): void {
    const g = (e.target as Element | null)?.closest?.('.gn') as SVGGElement | null;
    if (!g?.dataset.nodeId || g.dataset.nodeId === this.focusNodeId) return;
    this.focusNodeId = g.dataset.nodeId;
    this.markNodes();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const g = (e.target as Element | null)?.closest?.('.gn') as SVGGElement | null;
    const id = g?.dataset.nodeId;
    let handled = true;
    switch (e.key) {
      case 'Enter':
      case ' ':
        if (id) this.activate(id);
        else handled = false;
        break;
      case 'Escape':
        if (this.active) this.clearActive(true);
        else handled = false;
        break;
      case 'ArrowRight':
      case 'ArrowLeft':
      case 'ArrowUp':
      case 'ArrowDown':
        if (id) {
          const next = this.state.kind === 'loaded' ? nodeInDirection(this.state.layout.nodes, id, e.key) : null;
          if (next) this.focusNode(next);
        } else handled = false;
        break;
      case 'Home':
      case 'End': {
        const nodes = this.state.kind === 'loaded' ? this.state.layout.nodes : [];
        const target = e.key === 'Home' ? nodes[0] : nodes[nodes.length - 1];
        if (target) this.focusNode(target.node.id);
        break;
      }
      case '+':
      case '=':
        this.viewport.zoomBy(1.25);
        break;
      case '-':
        this.viewport.zoomBy(1 / 1.25);
        break;
      case '0':
        this.viewport.fit(true);
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private focusNode(id: string): void {
    this.focusNodeId = id;
    this.markNodes();
    const g = this.nodeElement(id);
    if (!g) return;
    g.focus({ preventScroll: true } as FocusOptions);
    this.viewport.scrollIntoView(g);
  }
}
