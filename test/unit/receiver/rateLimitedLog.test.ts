/** The receivers' rejection log: one line each, at most N per window, then one summary line. */
import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINE_CHARS, RateLimitedLog, oneLine } from '../../../src/core/receiver/rateLimitedLog';

/** A manual clock and scheduler: nothing here waits for real time. */
function fakeTime() {
  let t = 1_000;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    now: () => t,
    schedule: (fn: () => void, delayMs: number) => {
      const timer = { at: t + delayMs, fn, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    advance(ms: number) {
      t += ms;
      for (const timer of timers.splice(0)) {
        if (timer.cancelled) continue;
        if (timer.at <= t) timer.fn();
        else timers.push(timer);
      }
    },
  };
}

describe('RateLimitedLog', () => {
  it('writes the first lines of a window, counts the rest and summarizes them when the window ends', () => {
    const time = fakeTime();
    const lines: string[] = [];
    const log = new RateLimitedLog((level, m) => lines.push(`${level} ${m}`), { maxLines: 3, windowMs: 10_000, now: time.now, schedule: time.schedule });
    for (let i = 0; i < 50; i++) log.warn(`bad request ${i}`);
    expect(lines).toEqual(['warn bad request 0', 'warn bad request 1', 'warn bad request 2']);
    expect(log.suppressedCount).toBe(47);
    time.advance(9_999);
    expect(lines).toHaveLength(3);
    time.advance(1);
    expect(lines[3]).toBe('warn … 47 more rejected requests in the last 10 s (not logged one by one)');
    // A new window writes again.
    log.warn('later');
    expect(lines.at(-1)).toBe('warn later');
  });

  it('summarizes at the start of the next window when the timer has not fired, and on flush', () => {
    const time = fakeTime();
    const lines: string[] = [];
    const log = new RateLimitedLog((_l, m) => lines.push(m), { maxLines: 1, windowMs: 1_000, now: time.now, schedule: () => ({ cancel() {} }), noun: 'rejected gRPC calls' });
    log.warn('a');
    log.warn('b');
    time.advance(5_000);
    log.warn('c');
    expect(lines).toEqual(['a', '… 1 more rejected gRPC calls in the last 1 s (not logged one by one)', 'c']);
    log.warn('d');
    log.flush();
    expect(lines.at(-1)).toMatch(/^… 1 more/);
    log.flush();
    expect(lines).toHaveLength(4);
  });

  it('makes every line one line and bounds its length (lines may quote client-controlled text)', () => {
    expect(oneLine('POST /v1/traces\r\nX-Injected: yes\u2028next')).toBe('POST /v1/traces X-Injected: yes next');
    const long = oneLine('x'.repeat(10_000));
    expect(long).toHaveLength(MAX_LOG_LINE_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});
