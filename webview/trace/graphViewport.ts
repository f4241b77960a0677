/**
 * Zoom and pan of the Graph tab's drawing: the SVG is sized to its graph-space size × zoom inside
 * a scrolling canvas. "Fit" zooms to the pane's width (never above 100%, never below
 * `MIN_FIT_ZOOM`: a wide graph then scrolls instead of becoming unreadable) and follows the pane
 * until the user zooms. Ctrl/Cmd + wheel zooms around the pointer; dragging the background pans.
 */

const MIN_ZOOM = 0.3;
const MAX_ZOOM = 2;
/** Smallest zoom "fit" picks: below it labels are unreadable, the canvas scrolls instead. */
const MIN_FIT_ZOOM = 0.55;

export class GraphViewport {
  private svg: SVGSVGElement | null = null;
  private width = 0;
  private height = 0;
  private zoomValue = 1;
  /** Zoom follows the pane ("fit") until the user zooms. */
  private autoFit = true;

  /** `canvas`: the scrolling container the SVG goes into; nodes (`.gn`) do not start a pan. */
  constructor(private readonly canvas: HTMLDivElement) {
    canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.installPan();
    new ResizeObserver(() => {
      if (this.autoFit) this.fit(false);
    }).observe(canvas);
  }

  get zoom(): number {
    return this.zoomValue;
  }

  /** Shows `svg` (graph-space size `width` × `height`), or nothing; keeps the zoom unless it follows the pane. */
  setContent(svg: SVGSVGElement | null, width = 0, height = 0): void {
    this.svg?.remove();
    this.svg = svg;
    this.width = width;
    this.height = height;
    if (!svg) return;
    this.canvas.append(svg);
    if (this.autoFit) this.fit(false);
    else this.apply();
  }

  /** The next drawing fits the pane again (a new trace or scope). */
  resetFit(): void {
    this.autoFit = true;
  }

  /** Zoom to the pane's width; `byUser`: from now on follow the pane again. */
  fit(byUser: boolean): void {
    if (byUser) this.autoFit = true;
    if (!this.svg) return;
    const w = this.canvas.clientWidth - 16;
    if (w <= 0) return;
    this.zoomValue = Math.max(MIN_FIT_ZOOM, Math.min(1, w / Math.max(1, this.width)));
    this.apply();
  }

  /** Zooms by `factor`, keeping the point `around` (canvas px; default the centre) in place. */
  zoomBy(factor: number, around?: { x: number; y: number }): void {
    const before = this.zoomValue;
    this.zoomValue = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoomValue * factor));
    this.autoFit = false;
    if (this.zoomValue === before) return;
    const c = this.canvas;
    const px = around?.x ?? c.clientWidth / 2;
    const py = around?.y ?? c.clientHeight / 2;
    const gx = (c.scrollLeft + px) / before;
    const gy = (c.scrollTop + py) / before;
    this.apply();
    c.scrollLeft = gx * this.zoomValue - px;
    c.scrollTop = gy * this.zoomValue - py;
  }

  /** Scrolls `el` (a node) into view with a margin (SVG children do not always scroll themselves). */
  scrollIntoView(el: Element): void {
    const c = this.canvas.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.left < c.left) this.canvas.scrollLeft -= c.left - r.left + 12;
    else if (r.right > c.right) this.canvas.scrollLeft += r.right - c.right + 12;
    if (r.top < c.top) this.canvas.scrollTop -= c.top - r.top + 12;
    else if (r.bottom > c.bottom) this.canvas.scrollTop += r.bottom - c.bottom + 12;
  }

  private apply(): void {
    if (!this.svg) return;
    this.svg.setAttribute('width', String(Math.round(this.width * this.zoomValue)));
    this.svg.setAttribute('height', String(Math.round(this.height * this.zoomValue)));
  }

  private onWheel(e: WheelEvent): void {
    if (!(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    const r = this.canvas.getBoundingClientRect();
    this.zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1, { x: e.clientX - r.left, y: e.clientY - r.top });
  }

  private installPan(): void {
    const canvas = this.canvas;
    let drag: { x: number; y: number; left: number; top: number; id: number } | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || (e.target as Element).closest('.gn')) return;
      drag = { x: e.clientX, y: e.clientY, left: canvas.scrollLeft, top: canvas.scrollTop, id: e.pointerId };
      canvas.setPointerCapture(e.pointerId);
      canvas.classList.add('panning');
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      canvas.scrollLeft = drag.left - (e.clientX - drag.x);
      canvas.scrollTop = drag.top - (e.clientY - drag.y);
    });
    const end = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.id) return;
      drag = null;
      canvas.classList.remove('panning');
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }
}
