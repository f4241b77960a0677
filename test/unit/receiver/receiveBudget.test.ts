/**
 * The receive budget shared by the OTLP/HTTP and OTLP/gRPC receivers, alone: the fair share of
 * one HTTP body, and the first-come-first-served reservations of gRPC messages. Through the real
 * receivers: slowClients.test.ts and ../grpc/grpcLimits.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReceiveBudget, receiveBudgetBytesFor } from '../../../src/core/receiver/receiveBudget';

const MiB = 1024 * 1024;

afterEach(() => {
  vi.useRealTimers();
});

describe('ReceiveBudget: HTTP bodies, chunk by chunk', () => {
  it('is never less than twice the size limit', () => {
    expect(receiveBudgetBytesFor(20 * MiB)).toBe(64 * MiB);
    expect(receiveBudgetBytesFor(100 * MiB)).toBe(200 * MiB);
    expect(receiveBudgetBytesFor(1 * MiB, 128 * 1024)).toBe(2 * MiB);
  });

  it('lets one body take half of what the others leave free, so stalled bodies cannot take it all', () => {
    const budget = new ReceiveBudget(64 * MiB);
    // Four bodies growing 1 MiB at a time, in turn, as four stalled uploads would.
    const held = [0, 0, 0, 0];
    for (let round = 0; round < 64; round++) {
      for (let i = 0; i < held.length; i++) if (budget.tryGrow(held[i], MiB)) held[i] += MiB;
    }
    // k equal holders stop near limit / (k + 1) each (12.8 MiB).
    expect(Math.max(...held)).toBeLessThanOrEqual(13 * MiB);
    expect(budget.usedBytes).toBe(held.reduce((a, b) => a + b));
    expect(64 * MiB - budget.usedBytes).toBeGreaterThanOrEqual(12 * MiB);
    // A new body still gets half of what is left.
    expect(budget.tryGrow(0, 6 * MiB)).toBe(true);
  });

  it('grants 1 MiB to any body while the total has room, and never goes past the limit', () => {
    const budget = new ReceiveBudget(4 * MiB);
    expect(budget.tryGrow(0, 2.5 * MiB)).toBe(false); // more than half of an empty budget
    expect(budget.tryGrow(0, 2 * MiB)).toBe(true);
    expect(budget.tryGrow(0, 1.5 * MiB)).toBe(false); // its share is max(1 MiB, (4 − 2) / 2)
    expect(budget.tryGrow(0, 1 * MiB)).toBe(true);
    expect(budget.tryGrow(0, 1 * MiB)).toBe(true); // the guaranteed share, and the total is exactly full
    expect(budget.tryGrow(0, 1)).toBe(false);
    budget.release(1 * MiB);
    expect(budget.usedBytes).toBe(3 * MiB);
  });
});

describe('ReceiveBudget: gRPC messages, reserved whole', () => {
  it('grants at once when there is room, else in arrival order as room is given back', async () => {
    const budget = new ReceiveBudget(64 * MiB);
    const held = [0, 1, 2].map(() => budget.reserve(20 * MiB, 10_000));
    expect(await Promise.all(held.map((r) => r.granted))).toEqual([true, true, true]);
    const order: string[] = [];
    const a = budget.reserve(20 * MiB, 10_000);
    const b = budget.reserve(1 * MiB, 10_000); // fits now, but waits behind a
    void a.granted.then(() => order.push('a'));
    void b.granted.then(() => order.push('b'));
    await Promise.resolve();
    expect(budget.waitingCount).toBe(2);
    held[0].release();
    held[0].release(); // idempotent
    await Promise.all([a.granted, b.granted]);
    expect(order).toEqual(['a', 'b']);
    expect(budget.usedBytes).toBe(61 * MiB);
  });

  it('refuses after the wait, and a refused or released waiter lets the next one in', async () => {
    vi.useFakeTimers();
    const budget = new ReceiveBudget(40 * MiB);
    const first = budget.reserve(20 * MiB, 1_000);
    const second = budget.reserve(20 * MiB, 1_000);
    expect(await first.granted).toBe(true);
    expect(await second.granted).toBe(true);
    const late = budget.reserve(20 * MiB, 1_000);
    const gaveUp = budget.reserve(20 * MiB, 5_000);
    gaveUp.release(); // the call ended while waiting
    expect(await gaveUp.granted).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(await late.granted).toBe(false);
    expect(budget.waitingCount).toBe(0);
    expect(budget.usedBytes).toBe(40 * MiB);
    first.release();
    second.release();
    expect(budget.usedBytes).toBe(0);
  });
});
