/**
 * Entry of the trace webview (bundled to `dist/webview/trace.js`, styles to `dist/webview/trace.css`).
 *
 * Page contract (the host's HTML): a `<div id="app"></div>`, `codicons/codicon.css` linked with
 * id `vscode-codicon-stylesheet`, `trace.css`, and this script as `type="module"` with the CSP nonce.
 *
 * Flow: say `ready` → host sends `traceLoaded` (again on every change) → the waterfall shows the
 * skeleton → selecting a span requests `spanDetail` and fills the details pane. The left pane has
 * three tabs, Waterfall, Conversation and Graph; the Conversation and Graph tabs request
 * `traceConversation` / `traceGraph` (or `sessionGraph`) when first shown and after live updates
 * while shown. A node clicked in the Graph selects its first span and highlights all its spans in
 * the waterfall (graph.ts). Find (Ctrl/Cmd+F), F8 and the model-call keys: find.ts.
 */
import { packedParentIndexes, unpackSkeleton } from '../../src/model/skeletonCodec';
import './trace.css';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { html, render } from 'lit';
import type { SkeletonSpan, SpanId, TraceSkeleton, TraceSummary } from '../../src/model/trace';
import type { TraceViewEvent, TraceFindingView } from '../../src/protocol/traceView';
import { assertNever } from '../../src/protocol/channel';
import { ConversationView } from './conversation';
import { DetailsPane } from './details';
import { DetailLoader } from './detailLoader';
import { renderHeader } from './header';
import { connectToHost, type HostConnection, type PersistedState, type ViewTab } from './host';
import { TraceTree } from './tree';
import { Waterfall, type SelectOrigin } from './waterfall';
import { SourceSupport } from './source';
import { FindController } from './find';
import { FindMatches } from './findNavigation';
import { GraphView } from './graph';
import { createViewTabs } from './tabs';
import { afterNextPaint, MEASURE_FIRST_ROWS, MEASURE_SPAN_DETAILS, measureToNextPaint } from './timing';
import { loadMarkdown } from './markdownLoader';

/** Below this width the details pane goes under the waterfall instead of beside it. */
const STACK_BELOW_PX = 760;
/** Keyboard selection waits this long before loading details (holding ↓ must not flood the host). */
/** Tab order in the left pane. */
const TABS: readonly ViewTab[] = ['waterfall', 'conversation', 'graph'];

class TraceApp {
  private readonly conn: HostConnection;
  private state: PersistedState;
  private readonly appEl: HTMLElement;
  private readonly headerEl: HTMLElement;
  private readonly split: HTMLElementTagNameMap['vscode-split-layout'];
  private readonly messageEl: HTMLElement;
  private readonly waterfall: Waterfall;
  private readonly details: DetailsPane;
  /** Go to Source: the details' source bar, clickable stack frames, double-click/Enter on rows. */
  private readonly source: SourceSupport;
  private readonly tabs: HTMLElementTagNameMap['vscode-tabs'];
  private readonly conversation: ConversationView;
  /** The Graph tab: agents, tools and models of the trace (or its session). */
  private readonly graph: GraphView;
  /** Spans of the node chosen in the Graph tab, highlighted in the waterfall (kept across live updates). */
  private graphHighlight: readonly SpanId[] | null = null;
  /** Find in the trace, F8 (errors) and ] / [ (model calls). */
  private readonly find: FindController;

  private skeleton: TraceSkeleton | null = null;
  private summary: TraceSummary | null = null;
  /** The diagnostics' findings in this trace (header), and whether their list is open. */
  private findings: TraceFindingView[] = [];
  private findingsOpen = false;
  private tree: TraceTree | null = null;
  private pendingReveal: SpanId | null = null;
  private readonly detail: DetailLoader;
  private persistTimer = 0;
  /** When the last click or key went down (`timeStamp`), and the span it selected: timed until its details show (timing.ts). */
  private inputTime = 0;
  private selectTiming: { spanId: SpanId; start: number } | null = null;

  constructor(appEl: HTMLElement) {
    this.appEl = appEl;
    this.conn = connectToHost((event) => this.onEvent(event));
    // First: the host reads the trace while the rest of this constructor builds the view (its
    // answer is a later task, so it never arrives before the view exists).
    this.conn.channel.send({ type: 'ready' });
    this.state = this.conn.loadState();
    this.source = new SourceSupport(this.conn.channel, () => this.details.show(this.details.current));

    this.headerEl = document.createElement('header');
    this.headerEl.className = 'trace-header';
    this.headerEl.id = 'trace-header';

    this.waterfall = new Waterfall(
      {
        onSelect: (spanId, origin) => this.onSelect(spanId, origin),
        onViewStateChanged: () => this.persist(),
        onNameColumnResized: (fraction) => {
          this.state.nameColumnFraction = fraction;
          this.persist();
        },
        // Go to Source (webview/trace/source.ts); a double-click on a span without source toggles it.
        // A missing-parent placeholder has no source: a double-click toggles it.
        onActivate: (spanId) =>
          this.tree?.isPlaceholder(spanId) ? Promise.resolve(false) : this.source.goToSource(spanId).then((r) => r.opened || r.reason !== 'noLocation'),
        onFind: () => this.find.open(),
        // The pointer rests on a row: its details are fetched ahead of the click.
        onHover: (spanId) => this.detail.prefetch(spanId),
      },
      this.state.nameColumnFraction,
    );

    this.split = document.createElement('vscode-split-layout');
    this.split.className = 'main-split';
    this.split.split = 'vertical';
    this.split.handlePosition = this.state.splitPosition;
    this.split.initialHandlePosition = '58%';
    this.split.resetOnDblClick = true;
    this.split.minStart = '240px';
    this.split.minEnd = '200px';
    this.split.addEventListener('vsc-split-layout-change', (e) => {
      this.state.splitPosition = `${e.detail.positionInPercentage.toFixed(1)}%`;
      this.persist();
    });
    this.conversation = new ConversationView({
      request: (traceId) => this.conn.channel.request('traceConversation', { traceId }),
      selectSpan: (spanId) => this.selectFromConversation(spanId),
      copy: (text, what) => this.conn.channel.send({ type: 'copyText', text, what }),
      openLocalFile: (path) => this.conn.channel.send({ type: 'openLocalFile', path }),
      replayModelCall: (spanId) => this.conn.channel.send({ type: 'replayModelCall', spanId }),
    });
    this.graph = new GraphView(
      {
        request: (scope) => (scope === 'session' ? this.conn.channel.request('sessionGraph', {}) : this.conn.channel.request('traceGraph', {})),
        selectSpan: (spanId) => {
          if (this.tree?.indexBySpanId.has(spanId) && this.waterfall.selectedSpanId !== spanId) this.waterfall.reveal(spanId, 'click');
        },
        highlight: (spanIds) => {
          this.graphHighlight = spanIds;
          this.applyGraphHighlight();
        },
        showWaterfall: () => {
          this.showTab('waterfall');
          this.waterfall.focus();
        },
        scopeChanged: (scope) => {
          this.state.graphScope = scope;
          this.persist();
        },
      },
      this.state.graphScope,
    );
    this.tabs = createViewTabs(
      [
        { tab: 'waterfall', label: 'Waterfall', icon: 'list-tree', content: this.waterfall.element },
        { tab: 'conversation', label: 'Conversation', icon: 'comment-discussion', content: this.conversation.element },
        { tab: 'graph', label: 'Graph', icon: 'type-hierarchy-sub', content: this.graph.element },
      ],
      this.state.tab,
      (tab) => this.onTabShown(tab),
      (tab) => this.showTab(tab),
    );
    this.find = new FindController({
      find: (query) => this.conn.channel.request('findInTrace', { query }),
      tree: () => this.tree,
      selectedNode: () => this.waterfall.selectedNode,
      goTo: (node) => this.goToNode(node),
      showMatches: (matches) => {
        this.waterfall.setFindMatches(matches);
        this.conversation.setFindMatches(matches ? new Set(matches.nodes.map((n) => matches.tree.nodes[n]!.span.spanId)) : null);
      },
      focusView: () => (this.state.tab === 'conversation' ? this.conversation.element : this.state.tab === 'graph' ? this.graph : this.waterfall).focus(),
      queryChanged: (query) => {
        if (query === this.state.findQuery) return;
        this.state.findQuery = query;
        this.persist();
      },
    }, this.state.findQuery);
    const start = document.createElement('div');
    start.slot = 'start';
    start.className = 'pane pane-waterfall';
    start.append(this.tabs, this.find.element, this.find.toast);
    const end = document.createElement('div');
    end.slot = 'end';
    end.className = 'pane pane-details';
    end.id = 'details';
    this.split.append(start, end);

    this.messageEl = document.createElement('div');
    this.messageEl.className = 'app-message';
    this.messageEl.setAttribute('role', 'status');

    this.details = new DetailsPane(end, {
      traceId: () => this.skeleton?.traceId ?? null,
      traceStartUnixNano: () => this.skeleton?.startTimeUnixNano ?? '0',
      hasSpan: (spanId) => this.tree?.indexBySpanId.has(spanId) ?? false,
      reveal: (spanId) => {
        this.waterfall.reveal(spanId, 'click');
        this.waterfall.focus();
      },
      copy: (text, what) => this.conn.channel.send({ type: 'copyText', text, what }),
      openLocalFile: (path) => this.conn.channel.send({ type: 'openLocalFile', path }),
      replayModelCall: (spanId) => this.conn.channel.send({ type: 'replayModelCall', spanId }),
      retry: () => {
        const id = this.waterfall.selectedSpanId;
        if (id) this.detail.load(id, false);
      },
      isSectionOpen: (section) => !this.state.closedSections.includes(section),
      setSectionOpen: (section, open) => {
        const rest = this.state.closedSections.filter((s) => s !== section);
        this.state.closedSections = open ? rest : [...rest, section];
        this.persist();
      },
      source: this.source,
    });
    this.detail = new DetailLoader({
      details: this.details,
      tree: () => this.tree,
      traceId: () => this.skeleton?.traceId,
      skeletonOf: (spanId) => this.skeletonOf(spanId),
      request: (traceId, spanId) => this.conn.channel.request('spanDetail', { traceId, spanId }),
      setEventMarks: (spanId, marks) => this.waterfall.setEventMarks(spanId, marks),
      neighbours: (spanId) => this.waterfall.neighbourSpanIds(spanId),
      shown: (spanId, cached) => {
        if (this.selectTiming?.spanId !== spanId) return;
        measureToNextPaint(MEASURE_SPAN_DETAILS, this.selectTiming.start, { spanId, cached });
        this.selectTiming = null;
      },
    });
    for (const type of ['click', 'keydown'] as const) document.addEventListener(type, (e) => (this.inputTime = e.timeStamp), { capture: true, passive: true });

    appEl.append(this.headerEl, this.split, this.messageEl);
    this.waterfall.mount();
    this.conversation.setVisible(this.state.tab === 'conversation');
    this.graph.setVisible(this.state.tab === 'graph');
    this.showMessage('loading', 'Loading trace…');
    this.find.installKeys();
    new ResizeObserver(() => this.onResize()).observe(appEl);
    this.onResize();
    // The webview may be torn down when hidden: write pending state first.
    window.addEventListener('pagehide', () => this.persistTimer && this.persistNow());
    document.addEventListener('visibilitychange', () => document.hidden && this.persistTimer && this.persistNow());
  }

  private onEvent(event: TraceViewEvent): void {
    switch (event.type) {
      case 'traceLoaded':
        this.findings = event.findings ?? [];
        this.onTraceLoaded(unpackSkeleton(event.trace), event.summary, event.selectSpanId, packedParentIndexes(event.trace));
        return;
      case 'traceRemoved':
        if (this.skeleton && event.traceId !== this.skeleton.traceId) return;
        this.skeleton = null;
        this.tree = null;
        this.detail.clear();
        this.waterfall.setTree(null, null, { top: 0 });
        this.find.treeChanged(false);
        this.details.show({ kind: 'empty' });
        this.conversation.setTrace(null);
        this.graphHighlight = null;
        this.waterfall.setGraphHighlight(null);
        this.graph.setTrace(null, undefined);
        render(html``, this.headerEl);
        this.showMessage('removed', 'This trace is no longer available: it was deleted, cleared or evicted.');
        return;
      case 'revealSpan':
        // The host asks for a span in the waterfall (e.g. a span row clicked in the Traces tree).
        if (this.state.tab !== 'waterfall') this.showTab('waterfall');
        if (!this.waterfall.reveal(event.spanId, 'reveal')) this.pendingReveal = event.spanId;
        else this.pendingReveal = null;
        return;
      default:
        assertNever(event);
    }
  }

  private onTraceLoaded(trace: TraceSkeleton, summary: TraceSummary | null, hostSelect: SpanId | null, parentIndexes: Int32Array): void {
    const previous = this.tree;
    const sameTrace = this.skeleton?.traceId === trace.traceId;
    // A reloaded webview (panel hidden and shown again) gets the trace it showed before.
    const restoring = !this.skeleton && this.state.traceId === trace.traceId;
    // Context menu commands (package.json `webview/context`) get the trace id from here and the span id from the row.
    document.body.dataset.vscodeContext = JSON.stringify({ traceId: trace.traceId });
    if (!sameTrace && !restoring) {
      this.state = { ...this.state, traceId: trace.traceId, selectedSpanId: null, collapsed: [], hostSelectSpanId: null, scrollTop: 0 };
      this.detail.clear();
      this.pendingReveal = null;
      this.graphHighlight = null;
    }
    const collapsed = new Set<SpanId>(sameTrace && previous ? previous.collapsedSpanIds() : this.state.collapsed);
    let selection = sameTrace ? this.waterfall.selectedSpanId : this.state.selectedSpanId;
    // A repeated `selectSpanId` (live updates resend it) must not take the selection back.
    const tree = new TraceTree(trace, collapsed, parentIndexes);
    let revealHostSelection = false;
    if (hostSelect && hostSelect !== this.state.hostSelectSpanId) {
      // A span that has not arrived yet is revealed when a later update brings it.
      if (tree.indexBySpanId.has(hostSelect)) {
        selection = hostSelect;
        revealHostSelection = true;
      } else {
        this.pendingReveal = hostSelect;
      }
      this.state.hostSelectSpanId = hostSelect;
    }

    const oldSkeletonById = new Map<SpanId, SkeletonSpan>();
    if (sameTrace && this.skeleton) for (const s of this.skeleton.spans) oldSkeletonById.set(s.spanId, s);
    this.skeleton = trace;
    this.summary = summary;
    this.tree = tree;
    if (selection && !tree.indexBySpanId.has(selection)) selection = null;
    // A fresh trace opens on its first (root) span, so the details pane is never idle.
    if (!selection && !sameTrace && tree.size > 0) selection = (tree.nodes.find((n) => !n.placeholder) ?? tree.nodes[0]!).span.spanId;

    this.hideMessage();
    if (tree.size === 0) this.showMessage('empty', 'This trace has no spans yet.');
    else if (!sameTrace) {
      measureToNextPaint(MEASURE_FIRST_ROWS, this.conn.messageTime(), { spans: tree.spanCount });
      // The markdown chunk (model answers in the details and the Conversation tab) once the rows are
      // painted and the page is idle (within a second), so it never delays the first frames.
      afterNextPaint(() => requestIdleCallback(() => void loadMarkdown(), { timeout: 1000 }));
    }
    // The header first: its height is known when the rows are laid out (one layout, no shift).
    this.renderHeader();
    this.waterfall.setTree(tree, selection, sameTrace ? { anchor: true } : { top: restoring ? this.state.scrollTop : 0 });
    // Find: matches mapped onto the new rows (and asked again: the trace grew).
    this.find.treeChanged(sameTrace);
    this.applyGraphHighlight();
    if (revealHostSelection && selection) this.waterfall.reveal(selection, 'reveal');
    if (this.pendingReveal && this.waterfall.reveal(this.pendingReveal, 'reveal')) this.pendingReveal = null;
    this.conversation.setSelected(this.waterfall.selectedSpanId);
    this.conversation.setTrace(trace.traceId);
    this.graph.setSelectedSpan(this.waterfall.selectedSpanId);
    this.graph.setTrace(trace.traceId, summary?.sessionId);

    // Details: show the selection; refresh it quietly when its span changed (live updates).
    const selected = this.waterfall.selectedSpanId;
    const current = this.details.current;
    const shownId = current.kind === 'empty' ? null : current.skeleton.spanId;
    if (!selected) {
      this.details.show({ kind: 'empty' });
    } else if (shownId !== selected || tree.isPlaceholder(selected)) {
      this.detail.show(selected, 'restore');
    } else {
      const now = tree.nodes[tree.indexBySpanId.get(selected)!]!.span;
      const before = oldSkeletonById.get(selected);
      const changed = !before || before.durationMs !== now.durationMs || before.eventCount !== now.eventCount || before.statusCode !== now.statusCode || trace.spans.length !== oldSkeletonById.size;
      if (changed || current.kind === 'error' || current.kind === 'missing') {
        this.detail.forget(selected);
        if (current.kind === 'loaded') this.details.show({ ...current, skeleton: now });
        this.detail.load(selected, current.kind === 'loaded');
      }
    }
    this.persist();
  }

  private onSelect(spanId: SpanId | null, origin: SelectOrigin): void {
    // A selection by the user (not a restore or the host's reveal) is timed until its details show.
    const now = performance.now();
    const byUser = origin === 'click' || origin === 'keyboard' || origin === 'enter';
    this.selectTiming = spanId && byUser ? { spanId, start: now - this.inputTime < 1000 ? this.inputTime : now } : null;
    this.conversation.setSelected(spanId);
    this.graph.setSelectedSpan(spanId);
    this.find.selectionChanged();
    this.persist();
    if (!spanId) {
      this.details.show({ kind: 'empty' });
      return;
    }
    this.detail.show(spanId, origin);
  }

  // ── tabs ───────────────────────────────────────────────────────────────────────────────────

  /** Switches the left pane to a tab (programmatic: vscode-tabs only reports user clicks). */
  private showTab(tab: ViewTab): void {
    const index = TABS.indexOf(tab);
    if (index < 0) return;
    if (this.tabs.selectedIndex !== index) this.tabs.selectedIndex = index;
    this.onTabShown(tab);
  }

  private onTabShown(tab: ViewTab): void {
    const changed = tab !== this.state.tab;
    this.state.tab = tab;
    this.conversation.setVisible(tab === 'conversation');
    this.graph.setVisible(tab === 'graph');
    if (tab === 'waterfall' && changed) {
      // While hidden the waterfall could not scroll: bring the selection into view now.
      window.requestAnimationFrame(() => {
        const id = this.waterfall.selectedSpanId;
        if (id) this.waterfall.reveal(id, 'restore');
      });
    }
    this.persist();
  }

  /**
   * Find, F8, ] / [: selects a node (pre-order index), expanding its ancestors and scrolling it
   * into view, in the Conversation tab too when that is shown; the details load as for a key.
   */
  private goToNode(node: number): void {
    const spanId = this.tree?.nodes[node]?.span.spanId;
    if (spanId === undefined) return;
    this.waterfall.revealNode(node, 'keyboard');
    if (this.state.tab === 'conversation') this.conversation.scrollToSpan(spanId);
  }

  /** A model call, tool call or agent step clicked in the Conversation tab: select its span. */
  private selectFromConversation(spanId: SpanId): void {
    if (!this.tree?.indexBySpanId.has(spanId)) return;
    if (this.waterfall.selectedSpanId === spanId) return;
    this.waterfall.reveal(spanId, 'click');
  }

  /** The Graph tab's highlight on the tree shown (rebuilt when the tree changes). */
  private applyGraphHighlight(): void {
    const ids = this.graphHighlight;
    this.waterfall.setGraphHighlight(ids && this.tree ? new FindMatches(this.tree, ids) : null);
  }

  private skeletonOf(spanId: SpanId): SkeletonSpan | null {
    const i = this.tree?.indexBySpanId.get(spanId);
    return i === undefined ? null : this.tree!.nodes[i]!.span;
  }

  private renderHeader(): void {
    if (!this.tree) return;
    render(
      renderHeader(this.tree, this.summary, this.findings, {
        copy: (text, what, button) => this.details.copy(text, what, button),
        revealSpan: (spanId) => {
          if (this.state.tab !== 'waterfall') this.showTab('waterfall');
          this.waterfall.reveal(spanId, 'click');
          this.waterfall.focus();
        },
        toggleFindings: () => {
          this.findingsOpen = !this.findingsOpen;
          this.renderHeader();
        },
        findingsOpen: this.findingsOpen,
        revealFirstError: () => {
          const node = this.tree?.nodes.find((n) => n.span.statusCode === 'error');
          if (node) {
            this.waterfall.reveal(node.span.spanId, 'click');
            this.waterfall.focus();
          }
        },
      }),
      this.headerEl,
    );
  }

  private onResize(): void {
    const narrow = this.appEl.clientWidth < STACK_BELOW_PX;
    const want = narrow ? 'horizontal' : 'vertical';
    if (this.split.split !== want) this.split.split = want;
  }

  private showMessage(kind: string, text: string): void {
    this.messageEl.textContent = text;
    this.messageEl.dataset.kind = kind;
    this.messageEl.hidden = false;
    this.appEl.classList.add('has-message');
    this.appEl.classList.toggle('no-trace', kind !== 'empty');
  }

  private hideMessage(): void {
    // The panes stayed laid out under the message (styles/layout.css): nothing to measure again.
    this.messageEl.hidden = true;
    this.appEl.classList.remove('has-message', 'no-trace');
  }

  /**
   * Saves the view state soon (coalesced): reading the scroll position forces a layout, which
   * must not happen inside a key or scroll handler, and `setState` serializes the whole object.
   */
  private persist(): void {
    if (this.persistTimer) return;
    this.persistTimer = window.setTimeout(() => this.persistNow(), 100);
  }

  private persistNow(): void {
    window.clearTimeout(this.persistTimer);
    this.persistTimer = 0;
    this.state.selectedSpanId = this.waterfall.selectedSpanId;
    this.state.collapsed = this.tree ? this.tree.collapsedSpanIds() : this.state.collapsed;
    this.state.scrollTop = this.waterfall.scrollTop;
    this.state.traceId = this.skeleton?.traceId ?? this.state.traceId;
    this.conn.saveState({ ...this.state });
  }
}

const appEl = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
appEl.id = 'app';
new TraceApp(appEl);
