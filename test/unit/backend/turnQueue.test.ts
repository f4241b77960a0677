/**
 * The back end thread's inbox (src/core/backend/turnQueue.ts): one message per event-loop turn,
 * queries before ingest requests, so timers and the continuations of earlier requests run between
 * messages that arrive together.
 */
import { describe, expect, it } from 'vitest';
import { TurnQueue, ingestRequest } from '../../../src/core/backend/turnQueue';

const ingest = (id: number) => ({ kind: 'request', id, method: 'ingest', params: {} });
const query = (id: number) => ({ kind: 'request', id, method: 'listTraces', params: {} });
const idOf = (m: unknown) => (m as { id: number }).id;

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a synchronous handler (decode + first write slice)
  }
}

const drained = (q: TurnQueue) =>
  new Promise<void>((resolve) => {
    const check = () => (q.length === 0 ? setImmediate(resolve) : setImmediate(check));
    check();
  });

describe('TurnQueue', () => {
  it('classifies only ingest requests as bulk', () => {
    expect(ingestRequest(ingest(1))).toBe(true);
    expect(ingestRequest(query(1))).toBe(false);
    expect(ingestRequest({ kind: 'response', id: 1, ok: true, result: null })).toBe(false);
    expect(ingestRequest(null)).toBe(false);
    expect(ingestRequest('ingest')).toBe(false);
  });

  it('lets a due timer run between messages that arrived together', async () => {
    const log: string[] = [];
    const q = new TurnQueue((m) => {
      busy(5);
      log.push(`ingest ${idOf(m)}`);
    });
    setTimeout(() => log.push('timer'), 0);
    busy(2); // the timer is due before the messages are handled
    for (let i = 1; i <= 4; i++) q.push(ingest(i));
    expect(log).toEqual([]); // nothing runs inside push
    await drained(q);
    await new Promise((r) => setTimeout(r, 5));
    expect(log.indexOf('timer')).toBeGreaterThan(-1);
    expect(log.indexOf('timer')).toBeLessThan(log.indexOf('ingest 4'));
    expect(log.filter((l) => l !== 'timer')).toEqual(['ingest 1', 'ingest 2', 'ingest 3', 'ingest 4']);
  });

  it('runs the continuation a handler queued before the next message', async () => {
    const log: string[] = [];
    const q = new TurnQueue((m) => {
      log.push(`start ${idOf(m)}`);
      setImmediate(() => log.push(`slice 2 of ${idOf(m)}`));
    });
    q.push(ingest(1));
    q.push(ingest(2));
    await drained(q);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 1', 'slice 2 of 1', 'start 2', 'slice 2 of 2']);
  });

  it('handles queries before queued ingest requests, each kind in arrival order', async () => {
    const order: number[] = [];
    const q = new TurnQueue((m) => order.push(idOf(m)));
    q.push(ingest(1));
    q.push(ingest(2));
    q.push(query(3));
    q.push(ingest(4));
    q.push(query(5));
    await drained(q);
    expect(order).toEqual([3, 5, 1, 2, 4]);
  });

  it('goes on after a handler throws, and drops everything once stopped', async () => {
    const seen: number[] = [];
    const q = new TurnQueue((m) => {
      seen.push(idOf(m));
      if (idOf(m) === 1) throw new Error('boom');
    });
    const uncaught: unknown[] = [];
    const onError = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onError);
    try {
      q.push(query(1));
      q.push(query(2));
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(seen).toEqual([1, 2]);
    q.push(query(3));
    q.stop();
    q.push(query(4));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2]);
  });
});
