import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { logRecord, resetBuilders, spanRecord, traceSpans } from '../../support/builders';
import { openStore } from '../../support/storeHarness';

let store: TraceStore;

beforeEach(() => {
  resetBuilders();
});

afterEach(() => {
  store?.close();
});

/** `count` traces of `spansPerTrace` spans, trace i starting at i seconds. */
function traces(count: number, spansPerTrace: number, attributes: Record<string, string> = {}) {
  return Array.from({ length: count }, (_, i) =>
    traceSpans(spansPerTrace, { startMs: i * 1000, each: () => ({ attributes }) }),
  );
}

describe('deleteTrace and clear', () => {
  beforeEach(async () => {
    store = await openStore();
  });

  it('deletes one trace with its spans and logs', () => {
    const [a, b] = traces(2, 3);
    store.insertSpans([...a!, ...b!]);
    store.insertLogs([logRecord({ traceId: a![0]!.traceId, spanId: a![0]!.spanId }), logRecord({ traceId: b![0]!.traceId, spanId: b![0]!.spanId })]);
    const seq = store.currentSeq();

    expect(store.deleteTrace(a![0]!.traceId)).toBe(true);
    expect(store.currentSeq()).toBeGreaterThan(seq);
    expect(store.traceSummary(a![0]!.traceId)).toBeNull();
    expect(store.traceSkeleton(a![0]!.traceId)).toBeNull();
    expect(store.spanDetail(a![0]!.traceId, a![0]!.spanId)).toBeNull();
    expect(store.listTraces(10).map((t) => t.traceId)).toEqual([b![0]!.traceId]);
    expect(store.stats()).toMatchObject({ traceCount: 1, spanCount: 3, logCount: 1, evictedTraceCount: 0 });
    expect(store.spanDetail(b![0]!.traceId, b![0]!.spanId)!.logs).toHaveLength(1);

    expect(store.deleteTrace(a![0]!.traceId)).toBe(false);
  });

  it('a deleted trace can arrive again as new', () => {
    const spans = traceSpans(2);
    store.insertSpans(spans);
    store.deleteTrace(spans[0]!.traceId);
    const again = store.insertSpans(spans);
    expect(again.inserted).toBe(2);
    expect(store.traceSummary(spans[0]!.traceId)).toMatchObject({ spanCount: 2, rootName: 'root' });
    expect(store.stats()).toMatchObject({ traceCount: 1, spanCount: 2 });
  });

  it('clear removes everything but keeps since-start counters', () => {
    store.insertSpans(traceSpans(5));
    store.insertSpans([spanRecord({ spanId: 'bad' })]);
    store.insertLogs([logRecord()]);
    store.clear();
    expect(store.listTraces(10)).toEqual([]);
    expect(store.stats()).toMatchObject({ traceCount: 0, spanCount: 0, logCount: 0, rejectedCount: 1 });
    // Works normally afterwards, including resource deduplication from a clean slate.
    const spans = traceSpans(3);
    store.insertSpans(spans);
    expect(store.spanDetail(spans[1]!.traceId, spans[1]!.spanId)!.span.resource.attributes['service.name']).toBe('test-service');
    expect(store.stats()).toMatchObject({ traceCount: 1, spanCount: 3 });
  });

  it('clear forgets resources cached by object identity', () => {
    const span = spanRecord();
    store.insertSpans([span]);
    store.clear();
    const again = spanRecord({ resource: span.resource, scope: span.scope });
    store.insertSpans([again]);
    const detail = store.spanDetail(again.traceId, again.spanId)!;
    expect(detail.span.resource).toEqual(span.resource);
    expect(detail.span.scope).toEqual(span.scope);
  });
});

describe('retention by span count', () => {
  it('evicts the oldest traces and counts them', async () => {
    store = await openStore({ maxSpans: 25, maxMegabytes: 1024 });
    const all = traces(6, 10); // 60 spans, trace 0 oldest
    // Insert newest first to show that eviction follows start time, not arrival.
    const results = [...all].reverse().map((t) => store.insertSpans(t));
    const removed = results.flatMap((r) => r.removedTraceIds);
    expect(removed).toEqual([all[3], all[2], all[1], all[0]].map((t) => t![0]!.traceId));
    expect(store.listTraces(10).map((t) => t.traceId)).toEqual([all[5]![0]!.traceId, all[4]![0]!.traceId]);
    expect(store.stats()).toMatchObject({ traceCount: 2, spanCount: 20, evictedTraceCount: 4, evictedSpanCount: 40 });
  });

  it('evicts a trace with its logs', async () => {
    store = await openStore({ maxSpans: 10, maxMegabytes: 1024 });
    const [old, young] = traces(2, 10);
    store.insertSpans(old!);
    store.insertLogs([logRecord({ traceId: old![0]!.traceId, spanId: old![0]!.spanId }), logRecord()]);
    const result = store.insertSpans(young!);
    expect(result.removedTraceIds).toEqual([old![0]!.traceId]);
    expect(result.changedTraceIds).toEqual([young![0]!.traceId]);
    expect(store.stats()).toMatchObject({ spanCount: 10, logCount: 1, evictedTraceCount: 1 });
  });

  it('configure with a lower limit evicts immediately', async () => {
    store = await openStore();
    const all = traces(5, 4);
    store.insertSpans(all.flat());
    const result = store.configure({ maxSpans: 8, maxMegabytes: 1024 });
    expect(result.pending).toBe(false);
    expect(result.removedTraceIds).toEqual([all[0], all[1], all[2]].map((t) => t![0]!.traceId));
    expect(store.stats()).toMatchObject({ traceCount: 2, spanCount: 8, evictedTraceCount: 3 });
  });

  it('evicts in budgeted slices: enforceRetention reports pending, applyRetention finishes', async () => {
    store = await openStore();
    store.insertSpans(traces(20, 2).flat());
    // Budget 0: one trace per slice.
    const one = store.configure({ maxSpans: 4, maxMegabytes: 1024 }, { budgetMs: 0 });
    expect(one.removedTraceIds).toHaveLength(1);
    expect(one.pending).toBe(true);
    let yields = 0;
    const rest = await store.applyRetention({ sliceBudgetMs: 0, yieldToEventLoop: async () => void yields++ });
    expect(rest.pending).toBe(false);
    expect(rest.removedTraceIds).toHaveLength(17);
    expect(yields).toBe(16);
    expect(store.stats()).toMatchObject({ traceCount: 2, spanCount: 4, evictedTraceCount: 18 });
  });

  it('a single trace larger than the limit is evicted as a whole', async () => {
    store = await openStore({ maxSpans: 5, maxMegabytes: 1024 });
    const spans = traceSpans(8);
    const result = store.insertSpans(spans);
    expect(result.removedTraceIds).toEqual([spans[0]!.traceId]);
    expect(result.changedTraceIds).toEqual([]);
    expect(store.stats()).toMatchObject({ traceCount: 0, spanCount: 0, evictedTraceCount: 1 });
  });
});

describe('retention by bytes', () => {
  it('keeps the used bytes under maxMegabytes by evicting the oldest traces', async () => {
    store = await openStore({ maxSpans: 1_000_000, maxMegabytes: 1 });
    const payload = { blob: 'x'.repeat(2000) };
    const all = traces(120, 5, payload); // ~1.2 MB of attributes
    for (const t of all) store.insertSpans(t);

    const stats = store.stats();
    expect(stats.evictedTraceCount).toBeGreaterThan(0);
    expect(store.usedBytes()).toBeLessThanOrEqual(1024 * 1024);
    // The newest traces survive, the oldest went.
    expect(store.traceSummary(all[119]![0]!.traceId)).not.toBeNull();
    expect(store.traceSummary(all[0]![0]!.traceId)).toBeNull();
    expect(stats.traceCount + stats.evictedTraceCount).toBe(120);
    expect(stats.spanCount).toBe(stats.traceCount * 5);
    // Freed pages are reused, so the held memory stays near the limit.
    expect(stats.storeBytes).toBeLessThan(1.3 * 1024 * 1024);
  });

  it('evicts logs by bytes when no trace is left', async () => {
    store = await openStore({ maxSpans: 1_000_000, maxMegabytes: 1 });
    const body = 'y'.repeat(4000);
    const result = store.insertLogs(Array.from({ length: 400 }, () => logRecord({ body })));
    expect(result.inserted).toBe(400);
    expect(store.usedBytes()).toBeLessThanOrEqual(1024 * 1024);
    expect(store.stats().logCount).toBeLessThan(400);
    // Evicted in small chunks, not all at once.
    expect(store.stats().logCount).toBeGreaterThan(100);
  });
});

describe('stats', () => {
  it('reports held bytes and grows with data', async () => {
    store = await openStore();
    const empty = store.stats().storeBytes;
    store.insertSpans(traces(10, 20, { text: 'z'.repeat(500) }).flat());
    expect(store.stats().storeBytes).toBeGreaterThan(empty + 100_000);
  });
});
