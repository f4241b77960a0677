/**
 * The waterfall: a virtualized tree of spans (left) with timing bars on a shared axis (right).
 *
 * - Only the rows in view (plus overscan) exist in the DOM; row elements are recycled.
 * - Every position is set through the CSSOM (`el.style.*`), never a `style=""` attribute, so the
 *   view works under a nonce-only `style-src` CSP.
 * - The list is one focusable `role="tree"` element; the selected row is its
 *   `aria-activedescendant`. Selection follows the keyboard (WAI-ARIA tree pattern).
 *
 * This class owns the rows (virtualization, recycling), the selection and the input. Its parts:
 * waterfallColumns.ts (header, time axis, gridlines, name column width), waterfallRow.ts (what
 * one row shows) and treeNavigation.ts (what a key does, pure).
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { SpanId } from '../../src/model/trace';
import { assertNever } from '../../src/protocol/channel';
import { clamp, div } from './dom';
import type { TraceTree } from './tree';
import type { FindMatches } from './findNavigation';
import { treeKeyAction } from './treeNavigation';
import { WaterfallColumns } from './waterfallColumns';
import { bindRowNode, bindRowState, createRow, rowId, type EventMark, type RowView } from './waterfallRow';

/** Row height in px: keep in sync with `--row-height` in styles/base.css. */
export const ROW_HEIGHT = 22;
const OVERSCAN = 10;
/** Parked rows kept for reuse (about two screens of rows). */
const MAX_PARKED = 120;
const PARKED_TRANSFORM = 'translateY(-100000px)';
/** How long the pointer rests on a row before `onHover` (a sweep across rows asks for none of them). */
const HOVER_PREFETCH_MS = 30;

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
  /** The header's Find button. */
  onFind?(): void;
  /** The pointer rested on a row for `HOVER_PREFETCH_MS` (its details may be fetched ahead of a click). */
  onHover?(spanId: SpanId): void;
}

export class Waterfall {
  readonly element: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private readonly columns: WaterfallColumns;
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
  private readonly eventMarks = new Map<SpanId, EventMark[]>();
  /** The open Find's matches on the current tree (highlighted rows), or null. */
  private findMatches: FindMatches | null = null;
  /** The spans of the node chosen in the Graph tab (highlighted rows), or null. */
  private graphHighlight: FindMatches | null = null;
  private hoverNode = -1;
  private hoverTimer = 0;

  constructor(private readonly callbacks: WaterfallCallbacks, nameColumnFraction: number) {
    this.element = div('waterfall');
    this.columns = new WaterfallColumns(this.element, nameColumnFraction, {
      expandAll: () => this.setAllCollapsed(false),
      collapseAll: () => this.setAllCollapsed(true),
      find: () => this.callbacks.onFind?.(),
      onNameColumnResized: (fraction) => this.callbacks.onNameColumnResized(fraction),
    });

    this.scroller = div('wf-body');
    this.scroller.id = 'tree';
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'tree');
    this.scroller.setAttribute('aria-label', 'Spans');
    this.sizer = div('wf-sizer');
    this.sizer.append(this.columns.grid);
    this.scroller.append(this.sizer);
    this.element.append(this.columns.header, this.scroller);

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
    this.scroller.addEventListener('mouseover', (e) => this.onMouseOver(e), { passive: true });
    this.scroller.addEventListener('mouseleave', () => this.setHover(-1), { passive: true });
    this.scroller.addEventListener('scroll', () => this.callbacks.onViewStateChanged(), { passive: true });
    this.scroller.addEventListener('focus', () => this.ensureActiveDescendant());
    new ResizeObserver(() => {
      this.columns.applyNameColumn();
      this.columns.updateScrollbarGutter(this.scroller);
      this.columns.updateAxis();
    }).observe(this.element);
    // The scroller's content box also changes when its scrollbar appears or goes (expand/collapse).
    new ResizeObserver(() => {
      this.columns.updateScrollbarGutter(this.scroller);
      this.columns.updateAxis();
    }).observe(this.scroller);
  }

  /** Call once the element is in the document. */
  mount(): void {
    this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    this.columns.applyNameColumn();
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
    this.columns.setScale(tree ? tree.scaleMs : null);
    this.scroller.setAttribute('aria-label', tree ? `Spans (${tree.size})` : 'Spans');
    this.syncCount();
    if ('top' in scroll) {
      this.setScrollTop(scroll.top);
    } else if (anchorId && tree) {
      const node = tree.indexBySpanId.get(anchorId.spanId);
      const row = node === undefined ? -1 : tree.rowOfNode(node);
      if (row >= 0) this.setScrollTop(row * ROW_HEIGHT - anchorId.offsetPx);
    }
    // No layout reads here (the header's scrollbar gutter follows from the scroller's
    // ResizeObserver): the rows are laid out once, with the rest of the view, before the paint.
    this.renderRows();
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

  /**
   * Highlights the rows of a Find's matches (`null`: none). `matches` must be built on the tree
   * shown (`setTree` first); the selected match is drawn as the current one.
   */
  setFindMatches(matches: FindMatches | null): void {
    this.findMatches = matches;
    for (const view of this.rows.values()) this.bindState(view, false);
  }

  /**
   * Highlights the spans of the node chosen in the Graph tab (`null`: none), as Find matches are
   * (built on the tree shown; rows hiding them under a collapsed subtree are marked).
   */
  setGraphHighlight(spans: FindMatches | null): void {
    this.graphHighlight = spans;
    for (const view of this.rows.values()) this.bindState(view, false);
  }

  /** Selects the node at pre-order index `node` (expanding its ancestors) and scrolls it into view; see `reveal`. */
  revealNode(node: number, origin: SelectOrigin): boolean {
    const id = this.tree?.nodes[node]?.span.spanId;
    return id !== undefined && this.reveal(id, origin);
  }

  /** The spans of the rows just above and below a span's row (placeholders left out). */
  neighbourSpanIds(spanId: SpanId): SpanId[] {
    const tree = this.tree;
    const node = tree?.indexBySpanId.get(spanId);
    if (!tree || node === undefined) return [];
    const row = tree.rowOfNode(node);
    if (row < 0) return [];
    const out: SpanId[] = [];
    for (const r of [row + 1, row - 1]) {
      if (r < 0 || r >= tree.visibleCount) continue;
      const n = tree.nodes[tree.nodeAtRow(r)]!;
      if (!n.placeholder) out.push(n.span.spanId);
    }
    return out;
  }

  /** The selected row's pre-order node index, -1 for none. */
  get selectedNode(): number {
    return this.selected;
  }

  /** Event ticks for a span, from its loaded details: `at` is a fraction of the span's duration. */
  setEventMarks(spanId: SpanId, marks: EventMark[]): void {
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
        view = this.unpark(node) ?? createRow();
        this.rows.set(node, view);
      }
      if (view.node !== node || view.version !== this.version) bindRowNode(view, tree, node, this.version);
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

  /** Selection, expansion and event ticks of a bound row. */
  private bindState(view: RowView, force: boolean): void {
    const tree = this.tree!;
    const find = this.findMatches?.tree === tree ? (this.findMatches.flags[view.node] ?? 0) : 0;
    const highlight = this.graphHighlight?.tree === tree ? (this.graphHighlight.flags[view.node] ?? 0) : 0;
    bindRowState(view, tree, view.node === this.selected, this.eventMarks.get(tree.nodes[view.node]!.span.spanId), force, find, highlight);
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
    // As the virtualizer last saw them: reading the element would force a layout on every select.
    const view = this.virtualizer.scrollRect?.height ?? this.scroller.clientHeight;
    const current = this.virtualizer.scrollOffset ?? this.scroller.scrollTop;
    if (top >= current && top + ROW_HEIGHT <= current + view) return;
    if (align === 'center') this.setScrollTop(top - (view - ROW_HEIGHT) / 2);
    else if (top < current) this.setScrollTop(top);
    else this.setScrollTop(top + ROW_HEIGHT - view);
  }

  private setScrollTop(top: number): void {
    // The scroller's height and offset as the virtualizer last saw them (ResizeObserver, scroll
    // events): reading them from the element here would force a layout in the middle of writes.
    const height = this.virtualizer.scrollRect?.height ?? this.scroller.clientHeight;
    const max = Math.max(0, (this.tree?.visibleCount ?? 0) * ROW_HEIGHT - height);
    const value = clamp(Math.round(top), 0, max);
    if (value === this.virtualizer.scrollOffset) return;
    this.scroller.scrollTop = value;
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
    if (!tree || e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const action = treeKeyAction(tree, this.selected, e.key, pageRows);
    if (!action) return;
    switch (action.kind) {
      case 'select':
        this.select(action.node, 'keyboard', 'auto');
        break;
      case 'toggle':
        this.toggle(action.node, action.collapsed);
        break;
      case 'activate':
        this.select(action.node, 'enter', 'auto');
        void this.callbacks.onActivate?.(tree.nodes[action.node]!.span.spanId, 'enter');
        break;
      case 'expandSiblings':
        this.expandSiblings(action.parent);
        break;
      case 'none':
        break;
      default:
        assertNever(action);
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

  private onMouseOver(e: MouseEvent): void {
    if (this.callbacks.onHover) this.setHover(this.rowNodeFromEvent(e));
  }

  /** Starts the rest timer for the row under the pointer (-1: none). */
  private setHover(node: number): void {
    if (node === this.hoverNode) return;
    this.hoverNode = node;
    window.clearTimeout(this.hoverTimer);
    if (node < 0) return;
    const tree = this.tree;
    this.hoverTimer = window.setTimeout(() => {
      const n = tree === this.tree ? tree?.nodes[node] : undefined;
      if (n && !n.placeholder && node !== this.selected) this.callbacks.onHover?.(n.span.spanId);
    }, HOVER_PREFETCH_MS);
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
