/**
 * Search-as-you-type without flooding the back end (pure, no `vscode` import): requests are
 * debounced, at most one query is in flight, and only the answer to the latest request is
 * delivered. A query typed while another is running waits for it and replaces any query that
 * was waiting before it; an answer for anything but the latest request is dropped.
 */

/** What the runner reports: the answer to the latest query, or why it failed. */
export type LatestQueryOutcome<R> = { query: string; result: R } | { query: string; error: unknown };

/** Callbacks and timing of a `LatestQueryRunner`. */
export interface LatestQueryOptions<R> {
  /** Runs one query (a back end request). */
  run: (query: string) => Promise<R>;
  /** Receives the answer to the latest requested query (never a stale one). */
  deliver: (outcome: LatestQueryOutcome<R>) => void;
  /** Told `true` while a request waits for its debounce or an answer, `false` once idle. */
  onBusy?: (busy: boolean) => void;
  /** Quiet time after the last `request` before the query is sent (ms). */
  debounceMs: number;
}

/** Debounced, one-at-a-time, latest-answer-only query runner (see the file comment). */
export class LatestQueryRunner<R> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The query of the request in flight, if any. */
  private inFlight: string | undefined;
  /** A query whose debounce ended while another was in flight: sent when that one answers. */
  private queued: string | undefined;
  /** The last query asked for (`undefined` after `cancel`): only its answer is delivered. */
  private latest: string | undefined;
  /** Sequence of `request`/`cancel` calls: an answer is delivered only for the sequence it was sent in. */
  private seq = 0;
  private busy = false;
  private disposed = false;

  constructor(private readonly options: LatestQueryOptions<R>) {}

  /** Asks for `query`'s answer `debounceMs` after the last call (`delayMs` overrides the wait once). */
  request(query: string, delayMs = this.options.debounceMs): void {
    if (this.disposed) return;
    this.latest = query;
    this.seq++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, delayMs);
    this.setBusy(true);
  }

  /** Forgets the pending request: no answer is delivered until the next `request`. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
    this.queued = undefined;
    this.seq++;
    this.updateBusy();
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private send(): void {
    const query = this.latest;
    if (query === undefined || this.disposed) return this.updateBusy();
    if (this.inFlight !== undefined) {
      this.queued = query;
      return;
    }
    this.inFlight = query;
    const seq = this.seq;
    let promise: Promise<R>;
    try {
      promise = this.options.run(query);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => this.settle(seq, { query, result }),
      (error: unknown) => this.settle(seq, { query, error }),
    );
  }

  private settle(seq: number, outcome: LatestQueryOutcome<R>): void {
    this.inFlight = undefined;
    if (this.disposed) return;
    if (this.queued !== undefined) {
      this.queued = undefined;
      this.send();
      return;
    }
    // Delivered only when nothing was requested (or cancelled) since it was sent.
    if (seq === this.seq && this.timer === undefined) this.options.deliver(outcome);
    this.updateBusy();
  }

  private updateBusy(): void {
    this.setBusy(this.timer !== undefined || this.inFlight !== undefined);
  }

  private setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    this.options.onBusy?.(busy);
  }
}
