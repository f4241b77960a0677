import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../../../src/core/store/traceStore';
import {
  BASE_TIME_UNIX_NANO,
  nanos,
  resetBuilders,
  resourceInfo,
  spanId,
  spanRecord,
  traceId,
  traceSpans,
} from '../../support/builders';
import { openStore } from '../../support/storeHarness';

let store: TraceStore;

beforeEach(async () => {
  resetBuilders();
  store = await openStore();
});

afterEach(() => {
  store.close();
});

describe('insertSpans and listTraces', () => {
  it('lists traces newest first with their summary fields', () => {
    const older = traceSpans(3, { startMs: 0 });
    const newer = traceSpans(2, { startMs: 1000, each: () => ({ resource: resourceInfo({ serviceName: 'api' }) }) });
    const result = store.insertSpans([...older, ...newer]);

    expect(result).toMatchObject({ inserted: 5, updated: 0, rejected: 0, nextOffset: 5, retentionPending: false });
    expect(result.changedTraceIds.sort()).toEqual([older[0]!.traceId, newer[0]!.traceId].sort());
    expect(result.removedTraceIds).toEqual([]);

    const list = store.listTraces(10, 0);
    expect(list.map((t) => t.traceId)).toEqual([newer[0]!.traceId, older[0]!.traceId]);
    expect(list[0]).toEqual({
      traceId: newer[0]!.traceId,
      rootName: 'root',
      hasRoot: true,
      serviceName: 'api',
      startTimeUnixNano: nanos(1000),
      endTimeUnixNano: nanos(1002),
      durationMs: 2,
      spanCount: 2,
      errorCount: 0,
      updatedSeq: result.seq,
    });
    expect(list[1]).toMatchObject({ serviceName: 'test-service', spanCount: 3, durationMs: 3 });
    expect(store.stats()).toMatchObject({ traceCount: 2, spanCount: 5, logCount: 0, rejectedCount: 0 });
  });

  it('pages with limit and offset, and clamps them', () => {
    for (let i = 0; i < 5; i++) store.insertSpans(traceSpans(1, { startMs: i }));
    const all = store.listTraces(100, 0).map((t) => t.traceId);
    expect(all).toHaveLength(5);
    expect(store.listTraces(2, 1).map((t) => t.traceId)).toEqual(all.slice(1, 3));
    expect(store.listTraces(0, 0)).toEqual([]);
    expect(store.listTraces(-5, -5)).toEqual([]);
    expect(store.listTraces(2.9, 0)).toHaveLength(2);
    expect(() => store.listTraces(Number.NaN, 0)).toThrow(RangeError);
  });

  it('orders by numeric time, not by the decimal text', () => {
    const nine = spanRecord({ startTimeUnixNano: '9', endTimeUnixNano: '9' });
    const ten = spanRecord({ startTimeUnixNano: '10', endTimeUnixNano: '10' });
    const hundred = spanRecord({ startTimeUnixNano: '100', endTimeUnixNano: '100' });
    store.insertSpans([ten, nine, hundred]);
    expect(store.listTraces(10).map((t) => t.startTimeUnixNano)).toEqual(['100', '10', '9']);
  });

  it('breaks start-time ties by trace id', () => {
    const a = spanRecord({ traceId: traceId(0xb) });
    const b = spanRecord({ traceId: traceId(0xa) });
    store.insertSpans([a, b]);
    expect(store.listTraces(10).map((t) => t.traceId)).toEqual([traceId(0xa), traceId(0xb)]);
  });

  it('returns a monotonic seq and stamps changed traces with it', () => {
    const first = store.insertSpans([spanRecord({ startTimeUnixNano: nanos(0) })]);
    const second = store.insertSpans([spanRecord({ startTimeUnixNano: nanos(1) })]);
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(store.currentSeq()).toBe(second.seq);
    const [newest, oldest] = store.listTraces(2);
    expect(oldest!.updatedSeq).toBe(first.seq);
    expect(newest!.updatedSeq).toBe(second.seq);
  });
});

describe('idempotent upsert', () => {
  it('does not double-count a re-sent batch', () => {
    const spans = traceSpans(4, { each: (i) => ({ status: { code: i === 1 ? 'error' : 'unset', message: '' } }) });
    store.insertSpans(spans);
    const again = store.insertSpans(spans.map((s) => ({ ...s })));
    expect(again).toMatchObject({ inserted: 0, updated: 4, rejected: 0 });
    expect(again.changedTraceIds).toEqual([spans[0]!.traceId]);
    expect(store.traceSummary(spans[0]!.traceId)).toMatchObject({ spanCount: 4, errorCount: 1 });
    expect(store.stats()).toMatchObject({ traceCount: 1, spanCount: 4 });
  });

  it('counts a duplicate inside one batch once', () => {
    const span = spanRecord();
    const result = store.insertSpans([span, { ...span }]);
    expect(result).toMatchObject({ inserted: 1, updated: 1 });
    expect(store.traceSummary(span.traceId)).toMatchObject({ spanCount: 1 });
    expect(store.stats().spanCount).toBe(1);
  });

  it('mixes new, stored and duplicated spans across multi-row INSERT chunks', () => {
    // 70 spans: more than two 32-row INSERTs; every 5th was stored before, and span 40 comes twice.
    const spans = traceSpans(70, { each: (i) => ({ attributes: { i } }) });
    const stored = spans.filter((_, i) => i % 5 === 0);
    store.insertSpans(stored);
    const batch: typeof spans = spans.map((s, i) => ({ ...s, attributes: { i, second: true } }));
    batch.splice(41, 0, { ...batch[40]!, attributes: { i: 40, third: true } });
    const result = store.insertSpans(batch);
    expect(result).toMatchObject({ inserted: 70 - stored.length, updated: stored.length + 1, rejected: 0 });
    expect(store.traceSummary(spans[0]!.traceId)).toMatchObject({ spanCount: 70 });
    expect(store.stats().spanCount).toBe(70);
    spans.forEach((s, i) => {
      const expected = i === 40 ? { i, third: true } : { i, second: true };
      expect(store.spanDetail(s.traceId, s.spanId)!.span.attributes).toEqual(expected);
    });
  });

  it('replaces the stored span with the re-sent one (last write wins)', () => {
    const span = spanRecord({ attributes: { v: 1 } });
    store.insertSpans([span]);
    store.insertSpans([{ ...span, name: 'renamed', attributes: { v: 2 } }]);
    const detail = store.spanDetail(span.traceId, span.spanId)!;
    expect(detail.span.name).toBe('renamed');
    expect(detail.span.attributes).toEqual({ v: 2 });
  });

  it('corrects the error count when a re-sent span changes status', () => {
    const span = spanRecord({ status: { code: 'error', message: 'bad' } });
    store.insertSpans([span]);
    expect(store.traceSummary(span.traceId)!.errorCount).toBe(1);
    store.insertSpans([{ ...span, status: { code: 'ok', message: '' } }]);
    expect(store.traceSummary(span.traceId)!.errorCount).toBe(0);
    store.insertSpans([{ ...span, status: { code: 'error', message: 'again' } }]);
    expect(store.traceSummary(span.traceId)!.errorCount).toBe(1);
  });
});

describe('root name', () => {
  it('uses the earliest span until the root arrives, then the root', () => {
    const tid = traceId();
    const rootId = spanId();
    const late = spanRecord({ traceId: tid, parentSpanId: rootId, name: 'late-child', startTimeUnixNano: nanos(5), endTimeUnixNano: nanos(6) });
    const early = spanRecord({ traceId: tid, parentSpanId: rootId, name: 'early-child', startTimeUnixNano: nanos(2), endTimeUnixNano: nanos(3), resource: resourceInfo({ serviceName: 'worker' }) });

    store.insertSpans([late]);
    expect(store.traceSummary(tid)).toMatchObject({ rootName: 'late-child', hasRoot: false });
    store.insertSpans([early]);
    expect(store.traceSummary(tid)).toMatchObject({ rootName: 'early-child', hasRoot: false, serviceName: 'worker', spanCount: 2 });

    const root = spanRecord({ traceId: tid, spanId: rootId, parentSpanId: null, name: 'GET /chat', startTimeUnixNano: nanos(1), endTimeUnixNano: nanos(10), resource: resourceInfo({ serviceName: 'frontend' }) });
    store.insertSpans([root]);
    expect(store.traceSummary(tid)).toMatchObject({
      rootName: 'GET /chat',
      hasRoot: true,
      serviceName: 'frontend',
      spanCount: 3,
      startTimeUnixNano: nanos(1),
      endTimeUnixNano: nanos(10),
      durationMs: 9,
    });

    // A later, earlier-starting child does not displace the root.
    store.insertSpans([spanRecord({ traceId: tid, parentSpanId: rootId, name: 'clock-skewed', startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(1) })]);
    expect(store.traceSummary(tid)).toMatchObject({ rootName: 'GET /chat', startTimeUnixNano: nanos(0) });
  });

  it('picks the root within a single batch regardless of order', () => {
    const spans = traceSpans(5).reverse();
    store.insertSpans(spans);
    expect(store.traceSummary(spans[0]!.traceId)).toMatchObject({ rootName: 'root', hasRoot: true, spanCount: 5 });
  });

  it('keeps the root when children arrive in a later slice', () => {
    const [root, ...children] = traceSpans(4);
    store.insertSpans([root!]);
    store.insertSpans(children);
    expect(store.traceSummary(root!.traceId)).toMatchObject({ rootName: 'root', hasRoot: true, spanCount: 4 });
  });
});

describe('error counting', () => {
  it('counts spans with status error, not ok or unset', () => {
    const spans = traceSpans(6, {
      each: (i) => ({ status: { code: (['error', 'ok', 'unset'] as const)[i % 3]!, message: '' } }),
    });
    store.insertSpans(spans);
    expect(store.traceSummary(spans[0]!.traceId)!.errorCount).toBe(2);
  });
});

describe('nanosecond times', () => {
  it('round-trips times above 2^53 exactly', () => {
    const span = spanRecord({ startTimeUnixNano: '1732200000123456789', endTimeUnixNano: '1732200000987654321' });
    store.insertSpans([span]);
    const summary = store.traceSummary(span.traceId)!;
    expect(summary.startTimeUnixNano).toBe('1732200000123456789');
    expect(summary.endTimeUnixNano).toBe('1732200000987654321');
    expect(summary.durationMs).toBeCloseTo(864.197532, 9);
    const detail = store.spanDetail(span.traceId, span.spanId)!;
    expect(detail.span.startTimeUnixNano).toBe('1732200000123456789');
    expect(detail.span.endTimeUnixNano).toBe('1732200000987654321');
  });

  it('stores the largest int64 time and 0 exactly, and compares leading-zero strings numerically', () => {
    const max = spanRecord({ startTimeUnixNano: '9223372036854775806', endTimeUnixNano: '9223372036854775807' });
    const zero = spanRecord({ startTimeUnixNano: '0', endTimeUnixNano: '0' });
    const tid = traceId();
    const padded = [
      spanRecord({ traceId: tid, name: 'nine', startTimeUnixNano: '0009', endTimeUnixNano: '10' }),
      spanRecord({ traceId: tid, name: 'ten', parentSpanId: spanId(), startTimeUnixNano: '10', endTimeUnixNano: '0011' }),
    ];
    expect(store.insertSpans([max, zero, ...padded]).rejected).toBe(0);
    expect(store.traceSummary(max.traceId)).toMatchObject({ startTimeUnixNano: '9223372036854775806', endTimeUnixNano: '9223372036854775807' });
    expect(store.traceSummary(zero.traceId)).toMatchObject({ startTimeUnixNano: '0', durationMs: 0 });
    expect(store.traceSummary(tid)).toMatchObject({ startTimeUnixNano: '9', endTimeUnixNano: '11', rootName: 'nine' });
  });

  it('round-trips edge times exactly through new spans, re-sent spans and the trace row', () => {
    // Bound as whole seconds + nanosecond remainder (codec.ts splitNanos): 0, fewer than 9 digits,
    // leading zeros (up to 19 digits), the 9/10-digit boundary, seconds at and beyond int32 (bound
    // as REALs by sql.js), just above 2^53, today's times and the int64 maximum.
    const edges = [
      '0', '5', '0009', '0000000000000000005', '999999999', '1000000000', '1000000001',
      '2147483647999999999', '2147483648000000000', '4294967296000000001', '9007199254740993',
      '1732200000123456789', '9223372036854775806', '9223372036854775807',
    ];
    const canonical = (v: string): string => BigInt(v).toString();
    const min = (a: string, b: string): string => (BigInt(a) < BigInt(b) ? canonical(a) : canonical(b));
    const max = (a: string, b: string): string => (BigInt(a) > BigInt(b) ? canonical(a) : canonical(b));
    const n = edges.length;
    // Each span its own trace; start and end are neighbouring edges (end may precede start).
    const first = edges.map((e, i) => spanRecord({ startTimeUnixNano: e, endTimeUnixNano: edges[(i + 1) % n]! }));
    expect(store.insertSpans(first)).toMatchObject({ inserted: n, rejected: 0 });
    for (const span of first) {
      const start = canonical(span.startTimeUnixNano);
      const end = canonical(span.endTimeUnixNano);
      expect(store.spanDetail(span.traceId, span.spanId)!.span, span.startTimeUnixNano).toMatchObject({ startTimeUnixNano: start, endTimeUnixNano: end });
      expect(store.traceSummary(span.traceId), span.startTimeUnixNano).toMatchObject({ startTimeUnixNano: start, endTimeUnixNano: end });
      expect(store.traceSkeleton(span.traceId)!.startTimeUnixNano).toBe(start);
    }
    // Re-sent with other times (updateSpan.sql); the trace keeps the widest range (upsertTrace.sql).
    const again = first.map((span, i) => ({ ...span, startTimeUnixNano: edges[n - 1 - i]!, endTimeUnixNano: edges[(2 * i + 3) % n]! }));
    expect(store.insertSpans(again)).toMatchObject({ inserted: 0, updated: n, rejected: 0 });
    again.forEach((span, i) => {
      const old = first[i]!;
      expect(store.spanDetail(span.traceId, span.spanId)!.span, span.startTimeUnixNano).toMatchObject({
        startTimeUnixNano: canonical(span.startTimeUnixNano),
        endTimeUnixNano: canonical(span.endTimeUnixNano),
      });
      expect(store.traceSummary(span.traceId), span.startTimeUnixNano).toMatchObject({
        startTimeUnixNano: min(old.startTimeUnixNano, span.startTimeUnixNano),
        endTimeUnixNano: max(old.endTimeUnixNano, span.endTimeUnixNano),
      });
    });
  });

  it('folds a slice into its trace by numeric time: earliest start, latest end, earliest root candidate', () => {
    const tid = traceId();
    const parent = spanId();
    const spans = [
      spanRecord({ traceId: tid, parentSpanId: parent, name: 'b', startTimeUnixNano: '1732200000000000001', endTimeUnixNano: '1732200001000000000' }),
      spanRecord({ traceId: tid, parentSpanId: parent, name: 'a', startTimeUnixNano: '1732199999999999999', endTimeUnixNano: '1732200000999999999' }),
      spanRecord({ traceId: tid, parentSpanId: parent, name: 'c', startTimeUnixNano: '1732200000000000000', endTimeUnixNano: '1732200001000000001' }),
    ];
    store.insertSpans(spans);
    expect(store.traceSummary(tid)).toMatchObject({
      rootName: 'a',
      hasRoot: false,
      startTimeUnixNano: '1732199999999999999',
      endTimeUnixNano: '1732200001000000001',
    });
    // A later slice with an earlier non-root span moves the start and the root candidate.
    store.insertSpans([spanRecord({ traceId: tid, parentSpanId: parent, name: 'z', startTimeUnixNano: '1732199999999999998', endTimeUnixNano: '1' })]);
    expect(store.traceSummary(tid)).toMatchObject({ rootName: 'z', startTimeUnixNano: '1732199999999999998', endTimeUnixNano: '1732200001000000001' });
    // An equal start does not replace the candidate; the root then wins whatever its start.
    store.insertSpans([spanRecord({ traceId: tid, parentSpanId: parent, name: 'tie', startTimeUnixNano: '1732199999999999998', endTimeUnixNano: '1' })]);
    expect(store.traceSummary(tid)).toMatchObject({ rootName: 'z' });
    store.insertSpans([spanRecord({ traceId: tid, spanId: parent, parentSpanId: null, name: 'root', startTimeUnixNano: '9223372036854775807', endTimeUnixNano: '9223372036854775807' })]);
    expect(store.traceSummary(tid)).toMatchObject({ rootName: 'root', hasRoot: true, startTimeUnixNano: '1732199999999999998', endTimeUnixNano: '9223372036854775807' });
  });

  it('reads a span that ends before it starts as duration 0', () => {
    const span = spanRecord({ startTimeUnixNano: nanos(5), endTimeUnixNano: nanos(1) });
    store.insertSpans([span]);
    expect(store.traceSkeleton(span.traceId)!.spans[0]!.durationMs).toBe(0);
  });
});

describe('rejected input', () => {
  it('skips invalid spans, counts them and keeps the valid ones', () => {
    const good = spanRecord();
    const result = store.insertSpans([
      spanRecord({ traceId: 'XYZ' }),
      spanRecord({ traceId: '0'.repeat(32) }),
      spanRecord({ spanId: 'ABCDEF0123456789' }),
      spanRecord({ parentSpanId: '0'.repeat(16) }),
      spanRecord({ startTimeUnixNano: '1.5' }),
      spanRecord({ endTimeUnixNano: '9223372036854775808' }),
      spanRecord({ kind: 'weird' as never }),
      spanRecord({ status: { code: 'fatal' as never, message: '' } }),
      good,
    ]);
    expect(result).toMatchObject({ inserted: 1, rejected: 8 });
    expect(result.rejectReasons).toEqual(
      expect.arrayContaining(['invalid trace id', 'invalid span id', 'invalid parent span id', 'invalid start time', 'invalid end time', 'invalid span kind', 'invalid status code']),
    );
    expect(result.changedTraceIds).toEqual([good.traceId]);
    expect(store.stats()).toMatchObject({ traceCount: 1, spanCount: 1, rejectedCount: 8 });
  });

  it('refuses malformed and out-of-range times with the reason of the first bad field', () => {
    const bad = ['', ' 1', '1 ', '-1', '+1', '1.5', '1e18', '0x10', '١٢', '1\n', '9223372036854775808', '9223372036854775810', '9999999999999999999', '10000000000000000000', '00000000000000000001'];
    for (const value of bad) {
      const start = store.insertSpans([spanRecord({ startTimeUnixNano: value })]);
      expect(start, JSON.stringify(value)).toMatchObject({ inserted: 0, rejected: 1, rejectReasons: ['invalid start time'] });
      const end = store.insertSpans([spanRecord({ endTimeUnixNano: value })]);
      expect(end, JSON.stringify(value)).toMatchObject({ inserted: 0, rejected: 1, rejectReasons: ['invalid end time'] });
    }
    for (const value of [1732200000123456789, 5, null, undefined, 5n]) {
      const result = store.insertSpans([spanRecord({ startTimeUnixNano: value as never })]);
      expect(result, String(value)).toMatchObject({ inserted: 0, rejected: 1, rejectReasons: ['invalid start time'] });
    }
    // Both bad: the start is reported; an earlier bad field (the trace id) comes first.
    expect(store.insertSpans([spanRecord({ startTimeUnixNano: 'x', endTimeUnixNano: 'y' })]).rejectReasons).toEqual(['invalid start time']);
    expect(store.insertSpans([spanRecord({ traceId: 'x', startTimeUnixNano: 'x' })]).rejectReasons).toEqual(['invalid trace id']);
    expect(store.stats()).toMatchObject({ spanCount: 0, traceCount: 0 });
  });

  it('does not bump seq when nothing was stored', () => {
    const before = store.currentSeq();
    const result = store.insertSpans([spanRecord({ spanId: 'nope' })]);
    expect(result.seq).toBe(before);
    expect(result.changedTraceIds).toEqual([]);
  });
});

describe('resources and scopes', () => {
  it('deduplicates equal resources across batches and objects', () => {
    const spans = traceSpans(3);
    store.insertSpans(spans);
    store.insertSpans(traceSpans(3));
    // Two batches, six fresh-but-equal resource objects: details still carry the full resource.
    const detail = store.spanDetail(spans[1]!.traceId, spans[1]!.spanId)!;
    expect(detail.span.resource).toEqual(resourceInfo());
  });
});

describe('sliced writes', () => {
  it('stops at the budget and continues from nextOffset', () => {
    const spans = traceSpans(50);
    const first = store.insertSpans(spans, { budgetMs: 0 });
    expect(first.nextOffset).toBe(1);
    expect(store.stats().spanCount).toBe(1);
    const rest = store.insertSpans(spans, { offset: first.nextOffset });
    expect(rest.nextOffset).toBe(50);
    expect(store.traceSummary(spans[0]!.traceId)).toMatchObject({ spanCount: 50, rootName: 'root' });
  });

  it('ingestSpans slices, yields between slices and merges the results', async () => {
    const spans = [...traceSpans(700), ...traceSpans(300), spanRecord({ spanId: 'bad' })];
    let yields = 0;
    const result = await store.ingestSpans(spans, {
      sliceBudgetMs: 0,
      yieldToEventLoop: async () => {
        yields++;
      },
    });
    expect(yields).toBe(spans.length - 1);
    expect(result).toMatchObject({ inserted: 1000, rejected: 1, nextOffset: spans.length, retentionPending: false });
    expect(result.changedTraceIds.sort()).toEqual([spans[0]!.traceId, spans[700]!.traceId].sort());
    expect(store.stats()).toMatchObject({ traceCount: 2, spanCount: 1000 });
  });

  it('ingestSpans with the default budget stores a large batch', async () => {
    const spans = traceSpans(2000);
    const result = await store.ingestSpans(spans);
    expect(result.inserted).toBe(2000);
    expect(store.traceSummary(spans[0]!.traceId)!.spanCount).toBe(2000);
  });
});

describe('lifecycle', () => {
  it('throws after close, and close is idempotent', () => {
    store.close();
    store.close();
    expect(store.isClosed).toBe(true);
    expect(() => store.listTraces(1)).toThrow('TraceStore is closed');
    expect(() => store.insertSpans([spanRecord()])).toThrow('TraceStore is closed');
  });

  it('rejects invalid configuration', async () => {
    await expect(openStore({ maxSpans: 0, maxMegabytes: 1 })).rejects.toThrow(RangeError);
    expect(() => store.configure({ maxSpans: 10, maxMegabytes: -1 })).toThrow(RangeError);
    expect(() => store.configure({ maxSpans: 1.5, maxMegabytes: 1 })).toThrow(RangeError);
    expect(store.getConfig().maxSpans).toBe(10_000_000);
  });

  it('counts what the worker reports', () => {
    store.addIngestCounts({ rejectedCount: 2, metricPointCount: 7 });
    store.insertSpans([spanRecord({ traceId: 'bad' })]);
    expect(store.stats()).toMatchObject({ rejectedCount: 3, metricPointCount: 7 });
  });

  it('uses BASE_TIME_UNIX_NANO as the builders default', () => {
    expect(spanRecord().startTimeUnixNano).toBe(BASE_TIME_UNIX_NANO);
  });
});

describe('failure handling', () => {
  it('refuses a span whose attributes JSON cannot encode, keeping the rest of the slice', () => {
    const good = spanRecord();
    const result = store.insertSpans([spanRecord({ attributes: { big: 1n as never } }), spanRecord({ resource: { attributes: { n: 2n as never }, droppedAttributesCount: 0, schemaUrl: '' } }), good]);
    expect(result).toMatchObject({ inserted: 1, rejected: 2, rejectReasons: ['value not serializable to JSON'] });
    expect(store.traceSummary(good.traceId)).not.toBeNull();
  });

  it('rolls back a failed slice completely and stays usable', () => {
    const committed = spanRecord({ startTimeUnixNano: nanos(0) });
    store.insertSpans([committed]);
    const before = { stats: store.stats(), seq: store.currentSeq() };

    // Make the detail insert fail after a new resource and a span row were written.
    // (Details are written by the multi-row INSERTs of rowsInsert.ts.)
    const queries = (store as unknown as { rows: Record<string, { run: (...args: unknown[]) => number }> }).rows;
    const original = queries.insertSpanDetail!.run;
    queries.insertSpanDetail!.run = () => {
      throw new Error('simulated SQLite failure');
    };
    const newResource = resourceInfo({ serviceName: 'fresh' });
    const failing = spanRecord({ resource: newResource, startTimeUnixNano: nanos(1) });
    expect(() => store.insertSpans([failing])).toThrow('simulated SQLite failure');
    queries.insertSpanDetail!.run = original;

    expect(store.stats()).toEqual(before.stats);
    expect(store.currentSeq()).toBe(before.seq);
    expect(store.traceSummary(failing.traceId)).toBeNull();
    expect(store.listTraces(10).map((t) => t.traceId)).toEqual([committed.traceId]);

    // The same resource object again: the rolled-back row must not be referenced from a cache.
    const retry = store.insertSpans([failing]);
    expect(retry.inserted).toBe(1);
    expect(store.spanDetail(failing.traceId, failing.spanId)!.span.resource).toEqual(newResource);
    expect(store.traceSummary(failing.traceId)!.serviceName).toBe('fresh');
  });
});
