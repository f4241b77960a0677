/**
 * One log line per rejected request or batch, without letting a flood of bad requests flood the
 * Output channel: at most `maxLines` lines per `windowMs`; what is held back is counted and
 * reported as one summary line when the window ends ("… 523 more rejected requests in the last
 * 10 s"). Lines are made single-line and bounded in length (they may quote client-controlled text
 * such as a URL or a header).
 */

/** Where lines go (the receiver's `log`). */
export type LogSink = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface RateLimitOptions {
  /** Lines written per window before suppression starts (default 10). */
  maxLines?: number;
  /** Window length in ms (default 10,000). */
  windowMs?: number;
  /** What the summary line calls the suppressed lines (default "rejected requests"). */
  noun?: string;
  /** Clock in ms (default `Date.now`); injectable for tests. */
  now?: () => number;
  /** Schedules the summary at the end of a window (default an unref'd `setTimeout`). */
  schedule?: (fn: () => void, delayMs: number) => { cancel(): void };
}

/** Longest line written, in characters; longer ones end with `…`. */
export const MAX_LOG_LINE_CHARS = 500;

/** `message` on one line: control characters become spaces, at most `MAX_LOG_LINE_CHARS`. */
export function oneLine(message: string): string {
  const flat = message.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return flat.length > MAX_LOG_LINE_CHARS ? `${flat.slice(0, MAX_LOG_LINE_CHARS - 1)}…` : flat;
}

function defaultSchedule(fn: () => void, delayMs: number): { cancel(): void } {
  const timer = setTimeout(fn, delayMs);
  timer.unref?.();
  return { cancel: () => clearTimeout(timer) };
}

/** A rate-limited writer of warning lines. */
export class RateLimitedLog {
  private readonly maxLines: number;
  private readonly windowMs: number;
  private readonly noun: string;
  private readonly now: () => number;
  private readonly schedule: NonNullable<RateLimitOptions['schedule']>;
  private windowStart = -Infinity;
  private written = 0;
  private suppressed = 0;
  private pending: { cancel(): void } | undefined;

  constructor(private readonly sink: LogSink | undefined, options: RateLimitOptions = {}) {
    this.maxLines = options.maxLines ?? 10;
    this.windowMs = options.windowMs ?? 10_000;
    this.noun = options.noun ?? 'rejected requests';
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? defaultSchedule;
  }

  /** Lines held back in the current window so far. */
  get suppressedCount(): number {
    return this.suppressed;
  }

  /** Writes `message` as a warning, unless this window's lines are used up (then counts it). */
  warn(message: string): void {
    if (!this.sink) return;
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = t;
      this.written = 0;
    }
    if (this.written < this.maxLines) {
      this.written++;
      this.sink('warn', oneLine(message));
      return;
    }
    this.suppressed++;
    this.pending ??= this.schedule(() => {
      this.pending = undefined;
      this.flush();
    }, Math.max(0, this.windowStart + this.windowMs - t));
  }

  /** Writes the summary of suppressed lines now (if any) and cancels the scheduled one. */
  flush(): void {
    this.pending?.cancel();
    this.pending = undefined;
    if (this.suppressed === 0 || !this.sink) return;
    const seconds = Math.round(this.windowMs / 1000);
    this.sink('warn', `… ${this.suppressed} more ${this.noun} in the last ${seconds} s (not logged one by one)`);
    this.suppressed = 0;
  }

  /** Flushes and stops the scheduled summary. */
  dispose(): void {
    this.flush();
  }
}
