/** Small helpers of the waterfall's DOM code (webview/trace/waterfall*.ts). */

/** A `<div>` with the given class names. */
export function div(className: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  return el;
}

/** A `<span>` with the given class names. */
export function span(className: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  return el;
}

/** Sets text only when it differs: an unchanged text node needs no new layout. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** `x` limited to `[lo, hi]`. */
export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
