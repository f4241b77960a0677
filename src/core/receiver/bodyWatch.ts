/**
 * Watches request bodies while they are received and calls time on those that stall or crawl:
 * - **stalled**: no byte for `stallTimeoutMs`;
 * - **crawling**: fewer than `minBytesPerSecond` on average over a window of `rateWindowMs`.
 *   The first window is the grace period (nothing is judged before it ends); then each window is
 *   judged on its own, so a burst at the start cannot buy a long crawl afterwards.
 * A body that is timed out is reported once through its `onTimeout` and no longer watched.
 *
 * One unref'd interval serves every watched body (it runs only while there is one), ticking at a
 * quarter of the shorter limit (25 ms … 1 s), so a limit fires at most a tick late. Time this
 * thread did not run (a tick more than a tick late: the event loop was blocked, and the bytes
 * that arrived meanwhile are still unread in the socket) is not charged to the bodies.
 */

/** Limits of `BodyWatch` (milliseconds and bytes per second). */
export interface BodyWatchLimits {
  stallTimeoutMs: number;
  minBytesPerSecond: number;
  rateWindowMs: number;
}

/** One watched body: report bytes as they arrive, `stop()` when it ends (either way). */
export interface WatchedBody {
  progress(bytes: number): void;
  stop(): void;
}

interface Entry {
  startedAt: number;
  lastDataAt: number;
  windowStartAt: number;
  windowBytes: number;
  received: number;
  onTimeout: (reason: string) => void;
}

const MIN_TICK_MS = 25;
const MAX_TICK_MS = 1_000;

/** `1.5 s`, `10 s`. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The stall and crawl watchdog (see the module comment). */
export class BodyWatch {
  private readonly entries = new Set<Entry>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;
  private lastSweepAt = 0;

  constructor(private readonly limits: BodyWatchLimits, private readonly now: () => number = Date.now) {
    this.tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.min(limits.stallTimeoutMs, limits.rateWindowMs) / 4));
  }

  /** Bodies being watched right now. */
  get size(): number {
    return this.entries.size;
  }

  /** Starts watching one body; `onTimeout(reason)` is called at most once, in a later tick. */
  watch(onTimeout: (reason: string) => void): WatchedBody {
    const t = this.now();
    const entry: Entry = { startedAt: t, lastDataAt: t, windowStartAt: t, windowBytes: 0, received: 0, onTimeout };
    this.entries.add(entry);
    if (!this.timer) {
      this.lastSweepAt = t;
      this.timer = setInterval(() => this.sweep(), this.tickMs);
      this.timer.unref?.();
    }
    return {
      progress: (bytes: number) => {
        entry.lastDataAt = this.now();
        entry.windowBytes += bytes;
        entry.received += bytes;
      },
      stop: () => this.drop(entry),
    };
  }

  /** Stops watching everything (the receiver stops). */
  dispose(): void {
    this.entries.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const t = this.now();
    const lag = t - this.lastSweepAt - this.tickMs;
    this.lastSweepAt = t;
    if (lag > this.tickMs) {
      // Blocked: shift every clock by the time lost, and judge at the next tick, after I/O ran.
      for (const entry of this.entries) {
        entry.lastDataAt += lag;
        entry.windowStartAt += lag;
      }
      return;
    }
    for (const entry of [...this.entries]) {
      const reason = this.judge(entry, t);
      if (reason) {
        this.drop(entry);
        entry.onTimeout(reason);
      }
    }
  }

  private judge(entry: Entry, t: number): string | undefined {
    const { stallTimeoutMs, minBytesPerSecond, rateWindowMs } = this.limits;
    if (t - entry.lastDataAt >= stallTimeoutMs) {
      return `no body data for ${seconds(stallTimeoutMs)} (${entry.received} bytes received in ${seconds(t - entry.startedAt)})`;
    }
    const windowMs = t - entry.windowStartAt;
    if (windowMs < rateWindowMs) return undefined;
    const rate = entry.windowBytes / (windowMs / 1000);
    if (rate < minBytesPerSecond) {
      return `body arriving at ${Math.round(rate)} bytes/s over the last ${seconds(windowMs)}, below the minimum of ${minBytesPerSecond} bytes/s`;
    }
    entry.windowStartAt = t;
    entry.windowBytes = 0;
    return undefined;
  }

  private drop(entry: Entry): void {
    this.entries.delete(entry);
    if (this.entries.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
