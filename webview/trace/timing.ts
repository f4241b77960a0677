/**
 * User Timing measures of what the user waits for in the trace view, for the end-to-end suite in
 * the real workbench (read in the webview's frame with `performance.getEntriesByName(name)`):
 * - `MEASURE_FIRST_ROWS`: from the `traceLoaded` message event of a new trace to the frame after
 *   its first rows were built (`detail: { spans }`);
 * - `MEASURE_SPAN_DETAILS`: from the click or key that selected a span to the frame after its
 *   details were shown (`detail: { spanId, cached }`, `cached`: fetched ahead, no round trip).
 * "The frame after" is a task queued from the next animation frame: that frame has been painted.
 * Each name keeps its last `MAX_ENTRIES` measures.
 */
export const MEASURE_FIRST_ROWS = 'trace-lens:first-rows';
export const MEASURE_SPAN_DETAILS = 'trace-lens:span-details';

const MAX_ENTRIES = 100;

/** Runs `fn` in a task queued from the next animation frame: after that frame has been painted. */
export function afterNextPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/** Records `name` from `start` (a `performance.now()` time, e.g. an event's `timeStamp`) to the frame after the next paint. */
export function measureToNextPaint(name: string, start: number, detail: Record<string, unknown>): void {
  afterNextPaint(() => {
    if (performance.getEntriesByName(name, 'measure').length >= MAX_ENTRIES) performance.clearMeasures(name);
    performance.measure(name, { start, end: performance.now(), detail });
  });
}
