/**
 * Background indexing (src/core/search/indexScheduler.ts) on a real store with real timers: it
 * fills the index on its own once the back end is idle, waits while an ingest request is in
 * flight and after any request, and stops when disposed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INDEX_IDLE_DELAY_MS, IndexScheduler } from '../../../src/core/search/indexScheduler';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { traceSpans } from '../../support/builders';
import { openStore } from '../../support/storeHarness';

let store: TraceStore;
let scheduler: IndexScheduler;
afterEach(() => {
  scheduler?.dispose();
  store?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('IndexScheduler', () => {
  it('indexes everything by itself once idle', async () => {
    store = await openStore();
    store.insertSpans(traceSpans(2000, { each: (i) => ({ attributes: { text: `word${i} lorem ipsum` } }) }));
    scheduler = new IndexScheduler(store, () => undefined);
    scheduler.kick();
    await until(() => store.searchStatus().pendingSpans === 0);
    expect(store.searchStatus().indexedSpans).toBe(2000);
    await until(() => !store.searchHasWork); // segment merging finishes too
  });

  it('waits while an ingest request is in flight, then resumes after the idle delay', async () => {
    store = await openStore();
    store.insertSpans(traceSpans(500));
    scheduler = new IndexScheduler(store, () => undefined);
    scheduler.ingestStarted();
    scheduler.kick();
    await sleep(INDEX_IDLE_DELAY_MS * 4);
    expect(store.searchStatus().pendingSpans).toBe(500);
    const ended = performance.now();
    scheduler.ingestEnded();
    await until(() => store.searchStatus().indexedSpans > 0);
    expect(performance.now() - ended).toBeGreaterThanOrEqual(INDEX_IDLE_DELAY_MS - 1);
    await until(() => store.searchStatus().pendingSpans === 0);
  });

  it('any request postpones indexing by the idle delay', async () => {
    store = await openStore();
    store.insertSpans(traceSpans(500));
    scheduler = new IndexScheduler(store, () => undefined);
    scheduler.kick();
    // Requests every 10 ms: never idle for INDEX_IDLE_DELAY_MS.
    for (let i = 0; i < 15; i++) {
      scheduler.noteActivity();
      await sleep(10);
    }
    expect(store.searchStatus().indexedSpans).toBe(0);
    await until(() => store.searchStatus().pendingSpans === 0);
  });

  it('reports the traces retention evicted after a slice grew the store past its limit', async () => {
    store = await openStore();
    const older = traceSpans(300, { startMs: 0, each: (i) => ({ attributes: { text: Array.from({ length: 40 }, (_, k) => `a${i}b${k}`).join(' ') } }) });
    store.insertSpans(older);
    store.insertSpans(traceSpans(300, { startMs: 5000, each: (i) => ({ attributes: { text: Array.from({ length: 40 }, (_, k) => `c${i}d${k}`).join(' ') } }) }));
    store.configure({ maxSpans: 1_000_000, maxMegabytes: (store.usedBytes() + 32 * 1024) / (1024 * 1024) });
    const removed: string[] = [];
    scheduler = new IndexScheduler(store, (ids) => removed.push(...ids));
    scheduler.kick();
    await until(() => removed.length > 0);
    expect(removed[0]).toBe(older[0]!.traceId);
  });

  it('stops when disposed', async () => {
    store = await openStore();
    store.insertSpans(traceSpans(500));
    scheduler = new IndexScheduler(store, () => undefined);
    scheduler.kick();
    scheduler.dispose();
    await sleep(INDEX_IDLE_DELAY_MS * 3);
    expect(store.searchStatus().indexedSpans).toBe(0);
  });
});
