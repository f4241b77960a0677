/**
 * The waterfall: a virtualized tree of spans (left) with timing bars on a shared axis (right).
 *
 * - Only the rows in view (plus overscan) exist in the DOM; row elements are recycled.
 * - Every position is set through the CSSOM (`el.style.*`), never a `style=""` attribute, so the
 *   view works under a nonce-only `style-src` CSP.
 * - The list is one focusable `role="tree"` element; the selected row is its
 *   `aria-activedescendant`. Selection follows the keyboard (WAI-ARIA tree pattern).
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { SpanId } from '../../src/model/trace';
import { formatDuration, formatOffset, formatTick, niceTicks } from '../../src/model/format';
import { genaiKindIcon, genaiKindLabel, genaiRowSuffix, formatTokensInOut } from '../../src/model/genaiFormat';
import { formatUsd } from '../../src/model/cost';
import { kindIcon, kindLabel, SERVICE_PALETTE_SIZE } from './icons';
import { MISSING_PARENT_EXPLANATION } from '../../src/model/spanHierarchy';
import type { TraceTree } from './tree';

/** Row height in px: keep in sync with `--row-height` in trace.css. */
export const ROW_HEIGHT = 22;
/** Indentation per tree level in px: keep in sync with the guide gradient in trace.css. */
const INDENT = 12;
const OVERSCAN = 10;
/** Parked rows kept for reuse (about two screens of rows). */
const MAX_PARKED = 120;
const PARKED_TRANSFORM = 'translateY(-100000px)';

export type SelectOrigin = 'keyboard' | 'click' | 'enter' | 'reveal' | 'restore';

export interface WaterfallCallbacks {
  /** The selection changed (or Enter was pressed on the selected row). */
  onSelect(spanId: SpanId | null, origin: SelectOrigin): void;
  /** The collapse set or scroll position changed (for `setState`). */
  onViewStateChanged(): void;
  /** The user resized the name column. */
  onNameColumnResized(fraction: number): void;
  /**
   * Double-click or Enter on a row: Go to Source. Resolving `false` (the span has no source)
   * makes a double-click fall back to expanding/collapsing the row.
   */
  onActivate?(spanId: SpanId, origin: 'dblclick' | 'enter'): Promise<boolean> | void;
}

interface RowView {
  el: HTMLDivElement;
  twistie: HTMLSpanElement;
  guides: HTMLSpanElement;
  kind: HTMLSpanElement;
  name: HTMLSpanElement;
  /** GenAI suffix: model and tokens, agent or tool name. */
  gen: HTMLSpanElement;
  svc: HTMLSpanElement;
  orphan: HTMLSpanElement;
  err: HTMLSpanElement;
  bar: HTMLDivElement;
  dur: HTMLSpanElement;
  /** Node bound to this element, and the tree version it was bound for. */
  node: number;
  version: number;
  /** `collapsed|selected|marks` signature, to skip no-op updates. */
  stateKey: string;
}

export class Waterfall {
  readonly element: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private readonly grid: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly axis: HTMLDivElement;
  private readonly virtualizer: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private readonly options: ConstructorParameters<typeof Virtualizer<HTMLDivElement, HTMLDivElement>>[0];
  private notifyOffset: ((offset: number, isScrolling: boolean) => void) | null = null;

  private tree: TraceTree | null = null;
  private version = 0;
  private selected = -1;
  private readonly rows = new Map<number, RowView>();
  /**
   * Rows that left the view stay in the DOM, parked above the list with their content. Bringing
   * the same span back (expand after collapse, scrolling back) then costs no style or layout
   * work; detaching and re-attaching rows made every expand restyle and relayout them all.
   * Parked rows have no id, `data-span-id` or role and are `aria-hidden`.
   */
  private readonly parked: RowView[] = [];
  /** Event positions (fractions of the span's duration) for spans whose details were loaded. */
  private readonly eventMarks = new Map<SpanId, { at: number; exception: boolean }[]>();
  private nameColumnFraction: number;
  private axisKey = '';

  constructor(private readonly callbacks: WaterfallCallbacks, nameColumnFraction: number) {
    this.nameColumnFraction = nameColumnFraction;
    this.element = div('waterfall');

    this.header = div('wf-header');
    const nameHeader = div('wf-header-name');
    const title = span('wf-header-title');
    title.textContent = 'Span';
    const tools = div('wf-header-tools');
    tools.append(
      toolbarButton('expand-all', 'Expand All', () => this.setAllCollapsed(false)),
      toolbarButton('collapse-all', 'Collapse All', () => this.setAllCollapsed(true)),
    );
    nameHeader.append(title, tools);
    const resizer = div('col-resizer');
    resizer.setAttribute('role', 'separator');
    resizer.setAttribute('aria-orientation', 'vertical');
    resizer.title = 'Drag to resize the span column';
    this.axis = div('tl axis');
    const axisCell = div('wf-header-time');
    axisCell.append(this.axis);
    this.header.append(nameHeader, axisCell, resizer);

    this.scroller = div('wf-body');
    this.scroller.id = 'tree';
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'tree');
    this.scroller.setAttribute('aria-label', 'Spans');
    this.sizer = div('wf-sizer');
    this.grid = div('grid');
    this.grid.setAttribute('aria-hidden', 'true');
    this.sizer.append(this.grid);
    this.scroller.append(this.sizer);
    this.element.append(this.header, this.scroller);

    this.options = {
      count: 0,
      getScrollElement: () => this.scroller,
      estimateSize: () => ROW_HEIGHT,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset: (instance, cb) => {
        // Kept so a programmatic scroll re-renders synchronously (the row must exist before it
        // becomes aria-activedescendant), instead of one frame later on the scroll event.
        this.notifyOffset = cb;
        return observeElementOffset(instance, cb);
      },
      overscan: OVERSCAN,
      onChange: () => this.renderRows(),
    };
    this.virtualizer = new Virtualizer(this.options);

    this.scroller.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    this.scroller.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.scroller.addEventListener('scroll', () => this.callbacks.onViewStateChanged(), { passive: true });
    this.scroller.addEventListener('focus', () => this.ensureActiveDescendant());
    this.installColumnResizer(resizer);
    new ResizeObserver(() => this.onResize()).observe(this.element);
    // The scroller's content box also changes when its scrollbar appears or goes (expand/collapse).
    new ResizeObserver(() => {
      this.updateScrollbarGutter();
      this.updateAxis();
    }).observe(this.scroller);
  }

  /** Call once the element is in the document. */
  mount(): void {
    this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    this.applyNameColumn();
  }

  get scrollTop(): number {
    return this.scroller.scrollTop;
  }

  get selectedSpanId(): SpanId | null {
    return this.tree && this.selected >= 0 ? this.tree.nodes[this.selected]!.span.spanId : null;
  }

  get currentTree(): TraceTree | null {
    return this.tree;
  }

  focus(): void {
    this.scroller.focus({ preventScroll: true });
  }

  /**
   * Shows a (new or updated) tree. `selectSpanId` is kept when still present; with
   * `anchor`, the first row in view stays where it was (live updates insert rows above it).
   */
  setTree(tree: TraceTree | null, selectSpanId: SpanId | null, scroll: { anchor: boolean } | { top: number }): void {
    const anchorId = 'anchor' in scroll && scroll.anchor ? this.firstVisibleSpan() : null;
    if (!tree) {
      for (const view of [...this.rows.values(), ...this.parked]) view.el.remove();
      this.rows.clear();
      this.parked.length = 0;
    }
    this.tree = tree;
    this.version++;
    this.selected = tree && selectSpanId !== null ? (tree.indexBySpanId.get(selectSpanId) ?? -1) : -1;
    if (tree && this.selected >= 0) tree.revealNode(this.selected);
    this.axisKey = '';
    this.updateAxis();
    this.scroller.setAttribute('aria-label', tree ? `Spans (${tree.size})` : 'Spans');
    this.syncCount();
    if ('top' in scroll) {
      this.setScrollTop(scroll.top);
    } else if (anchorId && tree) {
      const node = tree.indexBySpanId.get(anchorId.spanId);
      const row = node === undefined ? -1 : tree.rowOfNode(node);
      if (row >= 0) this.setScrollTop(row * ROW_HEIGHT - anchorId.offsetPx);
    }
    this.renderRows();
    this.updateScrollbarGutter();
  }

  /** Selects a span (expanding its ancestors) and scrolls it into view. */
  reveal(spanId: SpanId, origin: SelectOrigin): boolean {
    const node = this.tree?.indexBySpanId.get(spanId);
    if (node === undefined || !this.tree) return false;
    const expanded = this.tree.revealNode(node);
    if (expanded) this.syncCount();
    this.select(node, origin, 'center');
    if (expanded) {
      this.renderRows();
      this.callbacks.onViewStateChanged();
    }
    return true;
  }

  /** Event ticks for a span, from its loaded details: `at` is a fraction of the span's duration. */
  setEventMarks(spanId: SpanId, marks: { at: number; exception: boolean }[]): void {
    this.eventMarks.set(spanId, marks);
    if (this.eventMarks.size > 500) this.eventMarks.delete(this.eventMarks.keys().next().value!);
    const node = this.tree?.indexBySpanId.get(spanId);
    const view = node === undefined ? undefined : this.rows.get(node);
    if (view) this.bindState(view, true);
  }

  clearEventMarks(spanId: SpanId): void {
    this.eventMarks.delete(spanId);
  }

  /** Collapses or expands one span's subtree (by span id). */
  setCollapsed(spanId: SpanId, collapsed: boolean): void {
    const node = this.tree?.indexBySpanId.get(spanId);
    if (node !== undefined) this.toggle(node, collapsed);
  }

  setAllCollapsed(collapsed: boolean): void {
    if (!this.tree) return;
    this.tree.setAllCollapsed(collapsed);
    // Keep the selection visible: select its top-level ancestor when it got hidden.
    if (this.selected >= 0 && this.tree.rowOfNode(this.selected) < 0) {
      let top = this.selected;
      while (this.tree.nodes[top]!.parent >= 0) top = this.tree.nodes[top]!.parent;
      this.select(top, 'keyboard', 'auto');
    }
    this.syncCount();
    this.renderRows();
    this.callbacks.onViewStateChanged();
  }

  // ── rendering ──────────────────────────────────────────────────────────────────────────────

  private syncCount(): void {
    const count = this.tree?.visibleCount ?? 0;
    if (this.options.count !== count) {
      this.options.count = count;
      this.virtualizer.setOptions(this.options);
      this.virtualizer._willUpdate();
    }
    this.sizer.style.height = `${count * ROW_HEIGHT}px`;
  }

  private renderRows(): void {
    const tree = this.tree;
    const items = tree ? this.virtualizer.getVirtualItems() : [];
    const wanted = new Set<number>();
    for (const item of items) {
      if (item.index < (tree?.visibleCount ?? 0)) wanted.add(tree!.nodeAtRow(item.index));
    }
    for (const [node, view] of this.rows) {
      if (!wanted.has(node)) {
        this.rows.delete(node);
        this.park(view);
      }
    }
    for (const item of items) {
      if (!tree || item.index >= tree.visibleCount) continue;
      const node = tree.nodeAtRow(item.index);
      let view = this.rows.get(node);
      if (!view) {
        view = this.unpark(node) ?? this.createRow();
        this.rows.set(node, view);
      }
      if (view.node !== node || view.version !== this.version) this.bindNode(view, node);
      this.bindState(view, false);
      const transform = `translateY(${item.start}px)`;
      if (view.el.style.transform !== transform) view.el.style.transform = transform;
      if (!view.el.isConnected) this.sizer.append(view.el);
    }
    // Bound the parking lot (the view got smaller, or a huge jump): drop the oldest.
    while (this.parked.length > MAX_PARKED) this.parked.shift()!.el.remove();
    this.ensureActiveDescendant();
  }

  private park(view: RowView): void {
    const el = view.el;
    el.style.transform = PARKED_TRANSFORM;
    el.removeAttribute('id');
    el.removeAttribute('data-span-id');
    el.removeAttribute('role');
    el.removeAttribute('aria-selected');
    el.setAttribute('aria-hidden', 'true');
    view.stateKey = '';
    this.parked.push(view);
  }

  /** A parked row, preferably one still showing `node` (then nothing needs re-rendering). */
  private unpark(node: number): RowView | null {
    if (this.parked.length === 0) return null;
    let i = this.parked.length - 1;
    for (let k = i; k >= 0; k--) {
      const v = this.parked[k]!;
      if (v.node === node && v.version === this.version) {
        i = k;
        break;
      }
    }
    const view = this.parked.splice(i, 1)[0]!;
    const el = view.el;
    el.removeAttribute('aria-hidden');
    el.setAttribute('role', 'treeitem');
    if (view.node === node && view.version === this.version) {
      el.id = rowId(node);
      el.dataset.spanId = this.tree!.nodes[node]!.span.spanId;
    }
    return view;
  }

  private createRow(): RowView {
    const el = document.createElement('div');
    el.className = 'row';
    el.setAttribute('role', 'treeitem');
    const name = div('cell-name');
    const guides = span('guides');
    const twistie = span('twistie codicon');
    const kind = span('kind codicon');
    const label = span('name');
    const gen = span('gen');
    const svc = span('svc');
    const orphan = span('orphan codicon codicon-debug-disconnect');
    const err = span('err codicon codicon-error');
    name.append(guides, twistie, kind, label, gen, svc, orphan, err);
    const time = div('cell-time');
    const tl = div('tl');
    const bar = document.createElement('div');
    const dur = span('dur');
    tl.append(bar, dur);
    time.append(tl);
    el.append(name, time);
    return { el, twistie, guides, kind, name: label, gen, svc, orphan, err, bar, dur, node: -1, version: -1, stateKey: '' };
  }

  /** Everything that depends only on the span (not on selection/collapse). */
  private bindNode(view: RowView, node: number): void {
    const tree = this.tree!;
    const n = tree.nodes[node]!;
    const s = n.span;
    view.node = node;
    view.version = this.version;
    view.stateKey = '';
    const el = view.el;
    el.id = rowId(node);
    el.dataset.spanId = s.spanId;
    el.setAttribute('aria-level', String(n.depth + 1));
    el.setAttribute('aria-setsize', String(n.setSize));
    el.setAttribute('aria-posinset', String(n.posInSet));
    el.classList.toggle('error', s.statusCode === 'error');
    el.classList.toggle('missing-parent', n.placeholder);
    view.guides.style.width = `${n.depth * INDENT}px`;
    const g = s.genai;
    view.kind.className = n.placeholder
      ? 'kind codicon codicon-debug-disconnect'
      : `kind codicon codicon-${g ? genaiKindIcon(g.kind) : kindIcon(s.kind)}${g ? ' genai' : ''}`;
    view.kind.title = n.placeholder ? 'Not received' : g ? `${genaiKindLabel(g.kind)} (${kindLabel(s.kind)} span)` : kindLabel(s.kind);
    setText(view.name, s.name || '(unnamed span)');
    view.name.classList.toggle('unnamed', !s.name);
    const cost = s.cost === undefined ? '' : s.cost === null ? '—' : formatUsd(s.cost);
    const suffix = [g ? genaiRowSuffix(g, s.name) : '', cost].filter(Boolean).join(' · ');
    setText(view.gen, suffix);
    view.gen.hidden = !suffix;
    view.gen.title = s.cost === null ? 'Cost unknown: no price for this model (add one with the traceLens.pricing.models setting)' : cost ? `Cost ${cost}` : '';
    setText(view.svc, n.showService ? s.serviceName : '');
    view.svc.hidden = !n.showService;
    view.orphan.hidden = !n.missingParent;
    view.orphan.title = n.missingParent ? `Parent span ${s.parentSpanId ?? ''} is not in this trace` : '';

    const scale = tree.scaleMs || 1;
    const startPct = (Math.max(0, s.startOffsetMs) / scale) * 100;
    const widthPct = (Math.max(0, s.durationMs) / scale) * 100;
    view.bar.className = n.placeholder ? 'bar missing-parent' : `bar svc-${n.serviceIndex % SERVICE_PALETTE_SIZE}${s.statusCode === 'error' ? ' error' : ''}`;
    view.bar.style.left = `${startPct}%`;
    view.bar.style.width = `${widthPct}%`;
    setText(view.dur, n.placeholder ? '' : formatDuration(s.durationMs));
    view.dur.style.left = `calc(${Math.min(100, startPct + widthPct)}% + 4px)`;

    if (n.placeholder) {
      el.title = [`${s.name}: ${s.spanId}`, `${n.childCount} ${n.childCount === 1 ? 'span names' : 'spans name'} it as their parent`, MISSING_PARENT_EXPLANATION].join('\n');
      return;
    }
    const lines = [
      s.name || '(unnamed span)',
      `${g ? `${genaiKindLabel(g.kind)} · ` : ''}${kindLabel(s.kind)}${s.serviceName ? ` · ${s.serviceName}` : ''}`,
      `Start ${formatOffset(s.startOffsetMs)} · Duration ${formatDuration(s.durationMs)}`,
    ];
    if (g) {
      const facts = [g.agentName && `agent ${g.agentName}`, g.toolName && `tool ${g.toolName}`, g.model, formatTokensInOut(g.inputTokens, g.outputTokens) && `tokens ${formatTokensInOut(g.inputTokens, g.outputTokens)}`];
      const line = facts.filter(Boolean).join(' · ');
      if (line) lines.push(line);
    }
    if (s.statusCode === 'error') lines.push(s.hasException ? 'Status: error (exception)' : 'Status: error');
    if (s.eventCount) lines.push(`${s.eventCount} event${s.eventCount === 1 ? '' : 's'}`);
    if (n.missingParent) lines.push(`Parent ${s.parentSpanId ?? ''} not in this trace`);
    el.title = lines.join('\n');
  }

  /** Selection, expansion and event ticks. */
  private bindState(view: RowView, force: boolean): void {
    const tree = this.tree!;
    const n = tree.nodes[view.node]!;
    const collapsed = tree.isCollapsed(view.node);
    const selected = view.node === this.selected;
    const marks = this.eventMarks.get(n.span.spanId);
    const key = `${collapsed ? 1 : 0}${selected ? 1 : 0}${marks ? marks.length : -1}`;
    if (!force && key === view.stateKey) return;
    view.stateKey = key;
    const el = view.el;
    el.setAttribute('aria-selected', selected ? 'true' : 'false');
    el.classList.toggle('selected', selected);
    if (n.childCount > 0) {
      el.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
      view.twistie.className = `twistie codicon ${collapsed ? 'codicon-chevron-right' : 'codicon-chevron-down'}`;
    } else {
      el.removeAttribute('aria-expanded');
      view.twistie.className = 'twistie';
    }
    const ownError = n.span.statusCode === 'error';
    const hiddenError = collapsed && n.descendantError;
    view.err.hidden = !ownError && !hiddenError;
    view.err.classList.toggle('hidden-error', !ownError && hiddenError);
    view.err.title = ownError ? (n.span.hasException ? 'Error (exception)' : 'Error') : hiddenError ? 'A collapsed child span has an error' : '';

    view.bar.replaceChildren();
    if (marks) {
      for (const m of marks) {
        const tick = span(m.exception ? 'evt exception' : 'evt');
        tick.style.left = `${Math.min(100, Math.max(0, m.at * 100))}%`;
        view.bar.append(tick);
      }
    }
  }

  private updateAxis(): void {
    const tree = this.tree;
    const width = this.axis.clientWidth;
    const key = `${tree?.scaleMs ?? 0}|${width}`;
    if (key === this.axisKey) return;
    this.axisKey = key;
    this.axis.replaceChildren();
    this.grid.replaceChildren();
    if (!tree || width <= 0) return;
    const { stepMs, ticksMs } = niceTicks(tree.scaleMs, Math.max(2, Math.floor(width / 90)));
    for (const t of ticksMs) {
      const pct = `${(t / (tree.scaleMs || 1)) * 100}%`;
      const label = span('tick');
      label.textContent = formatTick(t, stepMs);
      label.style.left = pct;
      this.axis.append(label);
      const line = span('gridline');
      line.style.left = pct;
      this.grid.append(line);
    }
  }

  private onResize(): void {
    this.applyNameColumn();
    this.updateScrollbarGutter();
    this.updateAxis();
  }

  /** The header sits outside the scroller: pad it by the scrollbar's width so columns line up. */
  private updateScrollbarGutter(): void {
    const gutter = this.scroller.offsetWidth - this.scroller.clientWidth;
    this.header.style.paddingRight = `${Math.max(0, gutter)}px`;
  }

  private applyNameColumn(): void {
    const total = this.element.clientWidth;
    if (total <= 0) return;
    const px = clamp(Math.round(total * this.nameColumnFraction), 140, Math.max(140, total - 160));
    this.element.style.setProperty('--name-col', `${px}px`);
  }

  private installColumnResizer(handle: HTMLElement): void {
    let startX = 0;
    let startPx = 0;
    handle.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      startX = e.clientX;
      startPx = parseFloat(getComputedStyle(this.element).getPropertyValue('--name-col')) || 300;
      handle.classList.add('active');
    });
    handle.addEventListener('pointermove', (e) => {
      if (!handle.hasPointerCapture(e.pointerId)) return;
      const total = this.element.clientWidth;
      const px = clamp(startPx + e.clientX - startX, 140, Math.max(140, total - 160));
      this.nameColumnFraction = px / total;
      this.element.style.setProperty('--name-col', `${px}px`);
      this.axisKey = '';
      this.updateAxis();
    });
    const end = (e: PointerEvent) => {
      if (!handle.hasPointerCapture(e.pointerId)) return;
      handle.releasePointerCapture(e.pointerId);
      handle.classList.remove('active');
      this.callbacks.onNameColumnResized(this.nameColumnFraction);
    };
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
    handle.addEventListener('dblclick', () => {
      this.nameColumnFraction = 0.4;
      this.applyNameColumn();
      this.axisKey = '';
      this.updateAxis();
      this.callbacks.onNameColumnResized(this.nameColumnFraction);
    });
  }

  // ── selection, keyboard, mouse ─────────────────────────────────────────────────────────────

  private select(node: number, origin: SelectOrigin, align: 'auto' | 'center'): void {
    const changed = node !== this.selected;
    const previous = this.rows.get(this.selected);
    this.selected = node;
    if (node >= 0) this.scrollToNode(node, align);
    if (previous) this.bindState(previous, false);
    const view = this.rows.get(node);
    if (view) this.bindState(view, false);
    this.ensureActiveDescendant();
    if (changed || origin === 'enter') this.callbacks.onSelect(this.selectedSpanId, origin);
  }

  private ensureActiveDescendant(): void {
    const view = this.selected >= 0 ? this.rows.get(this.selected) : undefined;
    if (view?.el.isConnected) this.scroller.setAttribute('aria-activedescendant', view.el.id);
    else this.scroller.removeAttribute('aria-activedescendant');
    this.scroller.classList.toggle('has-selection', this.selected >= 0);
  }

  private scrollToNode(node: number, align: 'auto' | 'center'): void {
    const tree = this.tree;
    if (!tree) return;
    const row = tree.rowOfNode(node);
    if (row < 0) return;
    const top = row * ROW_HEIGHT;
    const view = this.scroller.clientHeight;
    const current = this.scroller.scrollTop;
    if (top >= current && top + ROW_HEIGHT <= current + view) return;
    if (align === 'center') this.setScrollTop(top - (view - ROW_HEIGHT) / 2);
    else if (top < current) this.setScrollTop(top);
    else this.setScrollTop(top + ROW_HEIGHT - view);
  }

  private setScrollTop(top: number): void {
    const max = Math.max(0, (this.tree?.visibleCount ?? 0) * ROW_HEIGHT - this.scroller.clientHeight);
    this.scroller.scrollTop = clamp(Math.round(top), 0, max);
    this.notifyOffset?.(this.scroller.scrollTop, false);
  }

  private firstVisibleSpan(): { spanId: SpanId; offsetPx: number } | null {
    const tree = this.tree;
    if (!tree || this.scroller.scrollTop <= 0) return null;
    const row = Math.floor(this.scroller.scrollTop / ROW_HEIGHT);
    if (row >= tree.visibleCount) return null;
    return { spanId: tree.nodes[tree.nodeAtRow(row)]!.span.spanId, offsetPx: this.scroller.scrollTop - row * ROW_HEIGHT };
  }

  private toggle(node: number, collapsed?: boolean): void {
    const tree = this.tree;
    if (!tree) return;
    const next = collapsed ?? !tree.isCollapsed(node);
    if (!tree.setCollapsed(node, next)) return;
    // A selection inside the collapsed subtree moves to the collapsed node.
    if (next && this.selected > node && this.selected < tree.nodes[node]!.subtreeEnd) this.select(node, 'keyboard', 'auto');
    this.syncCount();
    this.renderRows();
    this.callbacks.onViewStateChanged();
  }

  private onKeyDown(e: KeyboardEvent): void {
    const tree = this.tree;
    if (!tree || tree.visibleCount === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const row = this.selected >= 0 ? tree.rowOfNode(this.selected) : -1;
    const n = this.selected >= 0 ? tree.nodes[this.selected]! : null;
    const pageRows = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const goRow = (r: number) => this.select(tree.nodeAtRow(clamp(r, 0, tree.visibleCount - 1)), 'keyboard', 'auto');
    switch (e.key) {
      case 'ArrowDown':
        goRow(row < 0 ? 0 : row + 1);
        break;
      case 'ArrowUp':
        goRow(row < 0 ? 0 : row - 1);
        break;
      case 'Home':
        goRow(0);
        break;
      case 'End':
        goRow(tree.visibleCount - 1);
        break;
      case 'PageDown':
        goRow(row < 0 ? 0 : row + pageRows);
        break;
      case 'PageUp':
        goRow(row < 0 ? 0 : row - pageRows);
        break;
      case 'ArrowRight':
        if (!n) goRow(0);
        else if (n.childCount > 0 && tree.isCollapsed(this.selected)) this.toggle(this.selected, false);
        else if (n.childCount > 0) goRow(row + 1);
        break;
      case 'ArrowLeft':
        if (!n) goRow(0);
        else if (n.childCount > 0 && !tree.isCollapsed(this.selected)) this.toggle(this.selected, true);
        else if (n.parent >= 0) this.select(n.parent, 'keyboard', 'auto');
        break;
      case 'Enter':
        if (n) {
          this.select(this.selected, 'enter', 'auto');
          void this.callbacks.onActivate?.(n.span.spanId, 'enter');
        } else goRow(0);
        break;
      case ' ':
        if (n && n.childCount > 0) this.toggle(this.selected);
        else if (!n) goRow(0);
        break;
      case '*':
        if (n) this.expandSiblings(n.parent);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  /** WAI-ARIA tree `*`: expand every sibling of the focused node. */
  private expandSiblings(parent: number): void {
    const tree = this.tree!;
    const start = parent >= 0 ? parent + 1 : 0;
    const end = parent >= 0 ? tree.nodes[parent]!.subtreeEnd : tree.size;
    for (let o = start; o < end; o = tree.nodes[o]!.subtreeEnd) tree.setCollapsed(o, false);
    this.syncCount();
    this.renderRows();
    this.callbacks.onViewStateChanged();
  }

  private rowNodeFromEvent(e: Event): number {
    const rowEl = (e.target as Element | null)?.closest?.('.row');
    if (!rowEl) return -1;
    for (const [node, view] of this.rows) if (view.el === rowEl) return node;
    return -1;
  }

  private onClick(e: MouseEvent): void {
    const node = this.rowNodeFromEvent(e);
    if (node < 0) return;
    if ((e.target as Element).classList.contains('twistie')) this.toggle(node);
    this.select(node, 'click', 'auto');
  }

  private onDoubleClick(e: MouseEvent): void {
    const node = this.rowNodeFromEvent(e);
    if (node < 0 || (e.target as Element).classList.contains('twistie')) return;
    const tree = this.tree;
    const activated = tree ? this.callbacks.onActivate?.(tree.nodes[node]!.span.spanId, 'dblclick') : undefined;
    if (!activated) {
      this.toggle(node);
      return;
    }
    // No source to go to: expand/collapse as before (if the tree is still the same).
    void activated.then((opened) => {
      if (!opened && this.tree === tree) this.toggle(node);
    });
  }
}

function rowId(node: number): string {
  return `span-row-${node}`;
}

/** Sets text only when it differs: an unchanged text node needs no new layout. */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function div(className: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  return el;
}

function span(className: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  return el;
}

function toolbarButton(icon: string, label: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-toolbar-button');
  b.icon = icon;
  b.label = label;
  b.title = label;
  b.addEventListener('click', onClick);
  return b;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
