/**
 * The stall and crawl watchdog of the OTLP/HTTP receiver, alone, on a fake clock: which bodies
 * it times out, when, and that time the thread was blocked is not charged to them. Through the
 * real receiver: slowClients.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyWatch } from '../../../src/core/receiver/bodyWatch';

afterEach(() => {
  vi.useRealTimers();
});

describe('BodyWatch', () => {
  const limits = { stallTimeoutMs: 10_000, minBytesPerSecond: 64 * 1024, rateWindowMs: 10_000 };

  it('times out a body that sends nothing for the stall timeout, once', () => {
    vi.useFakeTimers();
    const watch = new BodyWatch(limits);
    const reasons: string[] = [];
    const body = watch.watch((r) => reasons.push(r));
    body.progress(1_000_000);
    vi.advanceTimersByTime(9_000);
    expect(reasons).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^no body data for 10 s \(1000000 bytes received in 1\d(\.\d)? s\)$/);
    vi.advanceTimersByTime(30_000);
    expect(reasons).toHaveLength(1);
    expect(watch.size).toBe(0);
  });

  it('judges the rate per window after the first: a fast start does not buy a slow crawl', () => {
    vi.useFakeTimers();
    const watch = new BodyWatch(limits);
    const reasons: string[] = [];
    const body = watch.watch((r) => reasons.push(r));
    body.progress(16 * 1024 * 1024); // a burst in the first window
    // Then 1 KiB every second: never stalled, 1 KiB/s.
    for (let s = 0; s < 25 && reasons.length === 0; s++) {
      vi.advanceTimersByTime(1_000);
      body.progress(1024);
    }
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/below the minimum of 65536 bytes\/s$/);
  });

  it('leaves a body alone that keeps up, and stops watching when told', () => {
    vi.useFakeTimers();
    const watch = new BodyWatch(limits);
    const reasons: string[] = [];
    const body = watch.watch((r) => reasons.push(r));
    for (let s = 0; s < 60; s++) {
      vi.advanceTimersByTime(1_000);
      body.progress(100 * 1024);
    }
    body.stop();
    vi.advanceTimersByTime(60_000);
    expect(reasons).toEqual([]);
  });

  it('does not charge the bodies for time the event loop was blocked', () => {
    vi.useFakeTimers();
    const watch = new BodyWatch(limits);
    const reasons: string[] = [];
    const body = watch.watch((r) => reasons.push(r));
    body.progress(1024);
    vi.advanceTimersByTime(5_000);
    // The thread is blocked for 20 s: no tick runs, the clock moves on.
    vi.setSystemTime(Date.now() + 20_000);
    vi.advanceTimersByTime(1_000); // the late tick: skipped, clocks shifted
    body.progress(64 * 1024 * 10); // the bytes that waited in the socket
    expect(reasons).toEqual([]);
    vi.advanceTimersByTime(11_000);
    expect(reasons).toHaveLength(1); // then it does stall, on its own time
  });
});
