/**
 * The waterfall's columns: the header row (the "Span" title with Find, Expand All / Collapse All, the
 * time axis and the column resizer), the gridlines behind the rows, and the measurements that
 * keep them in line with the rows — the name column's width (`--name-col` on the waterfall
 * element, from a fraction of its width), the header's padding for the rows' scrollbar, and axis
 * ticks for the axis' width. The waterfall (waterfall.ts) places `header` and `grid` and tells
 * this when the tree's time scale or the sizes change.
 */
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { formatTick, niceTicks } from '../../src/model/format';
import { clamp, div, span } from './dom';
import { FIND_SHORTCUT } from './findBarParts';

/** Narrowest name column and narrowest time column, in px. */
const MIN_NAME_PX = 140;
const MIN_TIME_PX = 160;

export interface ColumnHooks {
  expandAll(): void;
  collapseAll(): void;
  /** The Find button: opens the find bar (find.ts). */
  find(): void;
  /** The user resized the name column (drag or double-click on the resizer). */
  onNameColumnResized(fraction: number): void;
}

export class WaterfallColumns {
  /** The header row, above the rows' scroller. */
  readonly header: HTMLDivElement;
  /** The gridlines, behind the rows (in the scroller's sizer). */
  readonly grid: HTMLDivElement;
  private readonly axis: HTMLDivElement;
  private axisKey = '';
  /** The axis' width in px when last measured (0: not yet). */
  private axisWidth = 0;
  /** The tree's time scale (ms), `null` without a tree. */
  private scaleMs: number | null = null;

  /** `element`: the waterfall, which carries `--name-col`. */
  constructor(
    private readonly element: HTMLElement,
    private nameColumnFraction: number,
    private readonly hooks: ColumnHooks,
  ) {
    this.header = div('wf-header');
    const nameHeader = div('wf-header-name');
    const title = span('wf-header-title');
    title.textContent = 'Span';
    const tools = div('wf-header-tools');
    const find = toolbarButton('search', `Find (${FIND_SHORTCUT})`, () => hooks.find());
    find.classList.add('find-button');
    find.setAttribute('aria-keyshortcuts', FIND_SHORTCUT.startsWith('⌘') ? 'Meta+F' : 'Control+F');
    tools.append(find, toolbarButton('expand-all', 'Expand All', () => hooks.expandAll()), toolbarButton('collapse-all', 'Collapse All', () => hooks.collapseAll()));
    nameHeader.append(title, tools);
    const resizer = div('col-resizer');
    resizer.setAttribute('role', 'separator');
    resizer.setAttribute('aria-orientation', 'vertical');
    resizer.title = 'Drag to resize the span column';
    this.axis = div('tl axis');
    const axisCell = div('wf-header-time');
    axisCell.append(this.axis);
    this.header.append(nameHeader, axisCell, resizer);

    this.grid = div('grid');
    this.grid.setAttribute('aria-hidden', 'true');
    this.installColumnResizer(resizer);
  }

  /**
   * A new time scale (a new or updated tree, or none): redraws the axis and the gridlines, at the
   * axis width measured last (every change of that width measures it again: the ResizeObservers,
   * the column resizer), so no layout is forced while the rows are being written.
   */
  setScale(scaleMs: number | null): void {
    this.scaleMs = scaleMs;
    this.axisKey = '';
    this.updateAxis(this.axisWidth > 0 ? this.axisWidth : undefined);
  }

  /** Redraws the axis ticks and gridlines when the scale or the axis' width (measured unless given) changed. */
  updateAxis(measured?: number): void {
    const scaleMs = this.scaleMs;
    const width = measured ?? this.axis.clientWidth;
    this.axisWidth = width;
    const key = `${scaleMs ?? 0}|${width}`;
    if (key === this.axisKey) return;
    this.axisKey = key;
    this.axis.replaceChildren();
    this.grid.replaceChildren();
    if (scaleMs === null || width <= 0) return;
    const { stepMs, ticksMs } = niceTicks(scaleMs, Math.max(2, Math.floor(width / 90)));
    for (const t of ticksMs) {
      const pct = `${(t / (scaleMs || 1)) * 100}%`;
      const label = span('tick');
      label.textContent = formatTick(t, stepMs);
      label.style.left = pct;
      this.axis.append(label);
      const line = span('gridline');
      line.style.left = pct;
      this.grid.append(line);
    }
  }

  /** The header sits outside the scroller: pad it by the scrollbar's width so columns line up. */
  updateScrollbarGutter(scroller: HTMLElement): void {
    const gutter = scroller.offsetWidth - scroller.clientWidth;
    this.header.style.paddingRight = `${Math.max(0, gutter)}px`;
  }

  /** Sets `--name-col` from the name column's fraction of the waterfall's width. */
  applyNameColumn(): void {
    const total = this.element.clientWidth;
    if (total <= 0) return;
    const px = clamp(Math.round(total * this.nameColumnFraction), MIN_NAME_PX, Math.max(MIN_NAME_PX, total - MIN_TIME_PX));
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
      const px = clamp(startPx + e.clientX - startX, MIN_NAME_PX, Math.max(MIN_NAME_PX, total - MIN_TIME_PX));
      this.nameColumnFraction = px / total;
      this.element.style.setProperty('--name-col', `${px}px`);
      this.axisKey = '';
      this.updateAxis();
    });
    const end = (e: PointerEvent) => {
      if (!handle.hasPointerCapture(e.pointerId)) return;
      handle.releasePointerCapture(e.pointerId);
      handle.classList.remove('active');
      this.hooks.onNameColumnResized(this.nameColumnFraction);
    };
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
    handle.addEventListener('dblclick', () => {
      this.nameColumnFraction = 0.4;
      this.applyNameColumn();
      this.axisKey = '';
      this.updateAxis();
      this.hooks.onNameColumnResized(this.nameColumnFraction);
    });
  }
}

function toolbarButton(icon: string, label: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-toolbar-button');
  b.icon = icon;
  b.label = label;
  b.title = label;
  b.addEventListener('click', onClick);
  return b;
}
