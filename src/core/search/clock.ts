/**
 * Cooperative time slicing of one back end request (search, filter, Find): long work yields to
 * the event loop every `YIELD_AFTER_MS`, so ingest and other requests get their turn.
 */

/** Work between yields to the event loop (ms): ingest and other requests get their turn. */
const YIELD_AFTER_MS = 20;

/** Cooperative time slicing of one request. */
export class Clock {
  private sliceStart = performance.now();
  constructor(private readonly yieldFn: () => Promise<void>) {}
  /** Yields when this slice has run `YIELD_AFTER_MS`. */
  async tick(): Promise<void> {
    if (performance.now() - this.sliceStart > YIELD_AFTER_MS) {
      await this.yieldFn();
      this.sliceStart = performance.now();
    }
  }
}
