/**
 * The store's full-text index on real sql.js (src/core/store/searchIndex.ts, searchText.ts): what
 * a span's document holds (name, attributes, JSON message content, events and exceptions, log
 * records), phrases, prefixes and Unicode through FTS4, background indexing and its status, and
 * that eviction, deletion, clear and snapshots keep the index consistent (rows removed at once,
 * slots reset, bytes counted against the store's limit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/model/trace';
import { TraceStore } from '../../../src/core/store/traceStore';
import { badgeNamesOf } from '../../../src/core/store/codec';
import { traceFilterParams, type TraceFilter } from '../../../src/core/store/traceFilter';
import { ftsAllExpression, ftsAtom, searchTokens } from '../../../src/core/search/textTokens';
import { exceptionEvent, logRecord, nanos, resourceInfo, spanRecord, traceId, traceSpans } from '../../support/builders';
import { DROP_VERSION_3, ROOMY_CONFIG, openStore, wasmBinary } from '../../support/storeHarness';

let store: TraceStore;
afterEach(() => store?.close());

/** Indexes until nothing is pending; returns the slices' results. */
function indexAll(s: TraceStore = store): { indexed: number; removed: string[] } {
  let indexed = 0;
  const removed: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = s.indexSlice(50);
    indexed += r.indexed;
    removed.push(...r.removedTraceIds);
    if (!r.pending) return { indexed, removed };
  }
  throw new Error('indexing did not finish');
}

/** Span ids (trace:span) whose document matches the words (a phrase when quoted, prefix with `*`). */
function found(query: string, s: TraceStore = store): string[] {
  const terms = query.split(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/).filter(Boolean).map((w) => {
    const prefix = w.endsWith('*');
    return { tokens: searchTokens(w.replace(/[*"]/g, '')), prefix };
  });
  return s.searchMatches(ftsAllExpression(terms), null, 1000).rows.map((r) => `${r.traceId.slice(-2)}:${r.spanId.slice(-2)}`).sort();
}

const T1 = traceId(0xa1);
const T2 = traceId(0xa2);
const span = (t: string, n: number, overrides: Partial<SpanRecord> = {}): SpanRecord =>
  spanRecord({ traceId: t, spanId: (0x100 + n).toString(16).padStart(16, '0'), parentSpanId: null, attributes: {}, ...overrides });


/** An annotator that gives a span with `gen_ai.request.model` an llm badge of that model (nothing else). */
const MODEL_BADGES: Parameters<TraceStore['setAnnotator']>[0] = {
  span: (s) => (s.attributes['gen_ai.request.model'] ? { badge: { kind: 'llm', model: String(s.attributes['gen_ai.request.model']) }, modelCall: false } : undefined),
  firstUserText: () => undefined,
  logFirstUserText: () => undefined,
  userTextEventNames: [],
};
describe("a span's document", () => {
  it('holds its name, attribute keys and values, and the text of JSON values (keys too, but not the message-format ones)', async () => {
    store = await openStore();
    store.insertSpans([
      span(T1, 1, {
        name: 'chat gpt-4o-mini',
        attributes: {
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is the weather in\nZürich today?' }] }]),
          'http.response.status_code': 503,
          retry: true,
          'gen_ai.tool.call.arguments': '{"city":"Zürich","units":"metric"}',
        },
      }),
    ]);
    indexAll();
    expect(found('chat')).toEqual(['a1:01']);
    expect(found('"gpt 4o mini"')).toEqual(['a1:01']);
    expect(found('zurich today')).toEqual(['a1:01']); // after a JSON \n escape: not "nzürich"
    expect(found('"weather in zurich"')).toEqual(['a1:01']);
    expect(found('"http response status code 503"')).toEqual(['a1:01']);
    expect(found('retry true')).toEqual(['a1:01']);
    expect(found('parts')).toEqual([]); // the structural keys of message formats are left out
    expect(found('role')).toEqual([]);
    expect(found('"city zurich units metric"')).toEqual(['a1:01']); // argument names and values in order
    expect(store.spanSearchText(T1, span(T1, 1).spanId)).toContain('What is the weather in\nZürich today?');
  });

  it('holds exception type, message and stack trace (span events) and the status message', async () => {
    store = await openStore();
    store.insertSpans([
      span(T1, 1, {
        status: { code: 'error', message: 'upstream unavailable' },
        events: [exceptionEvent('connection reset by peer', { attributes: { 'exception.type': 'ECONNRESET', 'exception.message': 'connection reset by peer', 'exception.stacktrace': 'Error: x\n    at Socket.onread (node:net:700:20)' } })],
      }),
    ]);
    indexAll();
    expect(found('"connection reset"')).toEqual(['a1:01']);
    expect(found('econnreset')).toEqual(['a1:01']);
    expect(found('"socket onread"')).toEqual(['a1:01']);
    expect(found('upstream unavailable')).toEqual(['a1:01']);
  });

  it('holds the log records correlated with the span (body and attributes), also when they arrive after indexing', async () => {
    store = await openStore();
    const s1 = span(T1, 1);
    store.insertSpans([s1, span(T1, 2)]);
    store.insertLogs([logRecord({ traceId: T1, spanId: s1.spanId, eventName: 'gen_ai.user.message', body: { content: 'Book a table for two' } })]);
    indexAll();
    expect(found('"table for two"')).toEqual(['a1:01']);
    // A log record arriving later: the span is indexed again with it.
    store.insertLogs([logRecord({ traceId: T1, spanId: s1.spanId, eventName: 'gen_ai.choice', body: { message: { content: 'Booked at Chez Léon' } }, attributes: { 'gen_ai.system': 'openai' } })]);
    expect(store.searchStatus().pendingSpans).toBe(0); // every span has a document, one is out of date
    expect(store.unindexedSpans(T1)).toEqual([s1.spanId]);
    indexAll();
    expect(found('chez leon')).toEqual(['a1:01']);
    expect(found('"table for two"')).toEqual(['a1:01']);
    expect(found('"gen ai system openai"')).toEqual(['a1:01']);
    expect(store.searchStatus().indexedSpans).toBe(2);
    // Uncorrelated records and records of spans that never arrive are not indexed anywhere.
    store.insertLogs([logRecord({ body: 'orphan words' }), logRecord({ traceId: T2, spanId: span(T2, 9).spanId, body: 'orphan words' })]);
    indexAll();
    expect(found('orphan')).toEqual([]);
  });

  it('a re-sent span replaces its document', async () => {
    store = await openStore();
    store.insertSpans([span(T1, 1, { attributes: { note: 'first version' } })]);
    indexAll();
    store.insertSpans([span(T1, 1, { attributes: { note: 'second edition' } })]);
    expect(store.unindexedSpans(T1)).toEqual([span(T1, 1).spanId]);
    indexAll();
    expect(found('first')).toEqual([]);
    expect(found('edition')).toEqual(['a1:01']);
    expect(store.searchStatus()).toMatchObject({ indexedSpans: 1, pendingSpans: 0 });
  });

  it('cuts a huge document at MAX_DOC_CHARS characters', async () => {
    store = await openStore();
    store.insertSpans([span(T1, 1, { attributes: { big: `${'filler '.repeat(20_000)} lastword` } })]);
    indexAll();
    expect(found('filler')).toEqual(['a1:01']);
    expect(found('lastword')).toEqual([]);
  });
});

describe('FTS4 queries: phrases, prefixes, AND, NOT, Unicode', () => {
  it('matches as the query language promises', async () => {
    store = await openStore();
    store.insertSpans([
      span(T1, 1, { attributes: { text: 'The weather in Zürich is sunny' } }),
      span(T1, 2, { attributes: { text: 'A timeout occurred while fetching the weather' } }),
      span(T1, 3, { attributes: { text: 'Ελληνικά κείμενα και café crème' } }),
    ]);
    indexAll();
    expect(found('"weather in zurich"')).toEqual(['a1:01']);
    expect(found('"zurich in weather"')).toEqual([]);
    expect(found('weather')).toEqual(['a1:01', 'a1:02']);
    expect(found('weather sunny')).toEqual(['a1:01']);
    expect(found('time*')).toEqual(['a1:02']);
    expect(found('tim')).toEqual([]);
    expect(found('ZURICH')).toEqual(['a1:01']);
    expect(found('ελληνικά cafe CREME')).toEqual(['a1:03']);
    expect(store.searchMatches(`${ftsAtom({ tokens: ['weather'], prefix: false })} NOT "sunny"`, null, 10).rows.map((r) => r.spanId.slice(-2))).toEqual(['02']);
  });

  it('can be limited to some traces, newest documents first, with truncated', async () => {
    store = await openStore();
    store.insertSpans([span(T1, 1, { attributes: { w: 'alpha' } }), span(T2, 2, { attributes: { w: 'alpha' } }), span(T2, 3, { attributes: { w: 'alpha' } })]);
    indexAll();
    const atom = ftsAtom({ tokens: ['alpha'], prefix: false });
    expect(store.searchMatches(atom, [T1], 10).rows.map((r) => r.traceId)).toEqual([T1]);
    expect(store.searchMatches(atom, [], 10).rows).toEqual([]);
    const two = store.searchMatches(atom, null, 2);
    expect(two.truncated).toBe(true);
    expect(two.rows.map((r) => r.spanId.slice(-2))).toEqual(['03', '02']);
  });
});

describe('background indexing and IndexStatus', () => {
  it('pendingSpans counts what is not indexed yet; slices keep to their budget and finish', async () => {
    store = await openStore();
    store.insertSpans(traceSpans(300, { traceId: T1 }));
    store.insertSpans(traceSpans(200, { traceId: T2 }));
    expect(store.searchStatus()).toMatchObject({ pendingSpans: 500, indexedSpans: 0 });
    expect(store.searchHasWork).toBe(true);
    const first = store.indexSlice(1);
    expect(first.indexed).toBeGreaterThanOrEqual(1);
    expect(first.pending).toBe(true);
    expect(store.searchStatus().pendingSpans).toBe(500 - first.indexed);
    indexAll();
    expect(store.searchStatus()).toMatchObject({ pendingSpans: 0, indexedSpans: 500 });
    expect(store.searchHasWork).toBe(false);
    expect(store.indexSlice(10)).toMatchObject({ indexed: 0, pending: false });
  });

  it('indexBytes is the index database in use, part of usedBytes and storeBytes', async () => {
    store = await openStore();
    const emptyIndex = store.searchStatus().indexBytes;
    const emptyUsed = store.usedBytes();
    store.insertSpans(traceSpans(400, { traceId: T1, each: (i) => ({ attributes: { text: `word${i} lorem ipsum dolor sit amet ${'x'.repeat(200)}` } }) }));
    const beforeIndex = store.usedBytes();
    indexAll();
    const grown = store.searchStatus().indexBytes - emptyIndex;
    expect(grown).toBeGreaterThan(400 * 20);
    expect(store.usedBytes() - beforeIndex).toBe(grown);
    expect(store.stats().storeBytes).toBeGreaterThanOrEqual(store.usedBytes());
    expect(beforeIndex).toBeGreaterThan(emptyUsed);
  });

  it('retention counts the index: indexing past maxMegabytes evicts the oldest traces, and their slot goes with them', async () => {
    const older = traceId(0xb1);
    const newer = traceId(0xb2);
    const text = (i: number) => ({ attributes: { text: Array.from({ length: 60 }, (_, k) => `w${i}x${k}`).join(' ') } });
    store = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, searchMinSlotDocs: 300 });
    store.insertSpans(traceSpans(300, { traceId: older, startMs: 0, each: text }));
    indexAll(); // slot 0
    const oneTraceIndexed = store.usedBytes();
    store.insertSpans(traceSpans(300, { traceId: newer, startMs: 10_000, each: text }));
    // Room for the newer trace's spans and index, not for both traces: indexing it evicts the older
    // one, whose postings (all of slot 0) are freed with it.
    store.configure({ maxSpans: 1_000_000, maxMegabytes: (oneTraceIndexed + 256 * 1024) / (1024 * 1024) });
    expect(store.stats().traceCount).toBe(2);
    const { removed } = indexAll();
    expect(removed).toEqual([older]);
    expect(store.stats().traceCount).toBe(1);
    expect(store.searchStatus()).toMatchObject({ indexedSpans: 300, pendingSpans: 0 });
    expect(store.usedBytes()).toBeLessThanOrEqual(oneTraceIndexed + 256 * 1024);
  });
});

describe('eviction, deletion and clear remove index rows', () => {
  it('eviction: the evicted trace is never returned and its documents stop counting at once', async () => {
    store = await openStore({ maxSpans: 4, maxMegabytes: 512 });
    store.insertSpans([span(T1, 1, { startTimeUnixNano: nanos(0), attributes: { w: 'shared oldword' } }), span(T1, 2, { startTimeUnixNano: nanos(0), attributes: { w: 'shared' } })]);
    indexAll();
    store.insertSpans([span(T2, 3, { startTimeUnixNano: nanos(1000), attributes: { w: 'shared' } }), span(T2, 4, { startTimeUnixNano: nanos(1000), attributes: { w: 'shared' } })]);
    store.insertSpans([span(traceId(0xa3), 5, { startTimeUnixNano: nanos(2000), attributes: { w: 'shared' } })]); // 5 spans > 4: T1 goes
    expect(store.traceSummary(T1)).toBeNull();
    expect(store.searchStatus()).toMatchObject({ indexedSpans: 0, pendingSpans: 3 });
    expect(found('oldword')).toEqual([]);
    indexAll();
    expect(found('shared')).toEqual(['a2:03', 'a2:04', 'a3:05']);
  });

  it('deleteTrace: its documents go; the others stay', async () => {
    store = await openStore();
    store.insertSpans([span(T1, 1, { attributes: { w: 'shared' } }), span(T2, 2, { attributes: { w: 'shared' } })]);
    indexAll();
    expect(store.deleteTrace(T1)).toBe(true);
    expect(found('shared')).toEqual(['a2:02']);
    expect(store.searchStatus()).toMatchObject({ indexedSpans: 1, pendingSpans: 0 });
    // The same trace id arriving again is indexed afresh.
    store.insertSpans([span(T1, 1, { attributes: { w: 'again' } })]);
    indexAll();
    expect(found('again')).toEqual(['a1:01']);
    expect(found('shared')).toEqual(['a2:02']);
  });

  it('clear: nothing indexed or pending, the slots are emptied, and indexing starts over', async () => {
    store = await openStore();
    const empty = store.searchStatus().indexBytes;
    store.insertSpans(traceSpans(200, { traceId: T1, each: (i) => ({ attributes: { w: `unique${i} shared` } }) }));
    indexAll();
    expect(store.searchStatus().indexBytes).toBeGreaterThan(empty);
    store.clear();
    expect(store.searchStatus()).toEqual({ pendingSpans: 0, indexedSpans: 0, indexBytes: empty });
    expect(found('shared')).toEqual([]);
    store.insertSpans([span(T2, 1, { attributes: { w: 'shared' } })]);
    indexAll();
    expect(found('shared')).toEqual(['a2:01']);
  });
});

describe('slots', () => {
  const slotStore = (minSlotDocs: number, config = ROOMY_CONFIG) => TraceStore.open({ wasmBinary, config, searchMinSlotDocs: minSlotDocs });

  it('a slot whose documents are all evicted is reset: its pages are freed', async () => {
    store = await slotStore(200, { maxSpans: 400, maxMegabytes: 512 });
    const words = (i: number) => ({ attributes: { text: `w${i} ${'lorem ipsum dolor sit amet '.repeat(10)}` } });
    const a = traceId(0xc1);
    store.insertSpans(traceSpans(200, { traceId: a, startMs: 0, each: words }));
    indexAll(); // slot 0: 200 documents
    store.insertSpans(traceSpans(200, { traceId: traceId(0xc2), startMs: 1000, each: words }));
    indexAll(); // slot 0 is full: slot 1
    const before = store.searchStatus().indexBytes;
    store.insertSpans(traceSpans(200, { traceId: traceId(0xc3), startMs: 2000, each: words })); // evicts a (slot 0)
    expect(store.traceSummary(a)).toBeNull();
    indexAll(); // slot 0 reset; the new trace goes to slot 1 (or a fresh slot)
    expect(store.searchStatus()).toMatchObject({ indexedSpans: 400, pendingSpans: 0 });
    expect(store.searchStatus().indexBytes).toBeLessThan(before + 20 * 1024);
    expect(found('w7').length).toBe(2);
  });

  it('an old slot kept alive by a few documents is compacted into the current slot, then reset', async () => {
    store = await slotStore(1);
    const keeper = traceId(0xd0);
    const text = (w: string) => ({ attributes: { w } });
    // Slot 0: 3 spans of trace d1 and the one span of the keeper (4 documents).
    store.insertSpans([...traceSpans(3, { traceId: traceId(0xd1), each: () => text('gone') }), span(keeper, 1, text('keeper survives'))]);
    indexAll();
    // Slots 1, 2, 3 get one 4-span trace each (a slot moves on at live / 3 documents): none is empty.
    for (const n of [0xd2, 0xd3, 0xd4]) {
      store.insertSpans(traceSpans(4, { traceId: traceId(n), each: () => text('filler') }));
      indexAll();
    }
    expect(store.searchStatus().indexedSpans).toBe(16);
    expect(store.searchHasWork).toBe(false);
    // Slot 0 keeps 1 live document of 4 (25%): compaction moves it, then the slot is reset.
    store.deleteTrace(traceId(0xd1));
    expect(store.searchHasWork).toBe(true);
    indexAll();
    expect(store.searchHasWork).toBe(false);
    expect(found('keeper survives')).toEqual(['d0:01']);
    expect(found('filler').length).toBe(12);
    expect(store.searchStatus()).toMatchObject({ indexedSpans: 13, pendingSpans: 0 });
  });
});

describe('snapshots', () => {
  it('a restored store has an empty index with every span pending, then indexes it again', async () => {
    store = await openStore();
    store.insertSpans([span(T1, 1, { attributes: { w: 'persisted words' } }), span(T2, 2)]);
    indexAll();
    const bytes = await store.exportSnapshot();
    const restored = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, snapshot: bytes });
    try {
      expect(restored.searchStatus()).toMatchObject({ pendingSpans: 2, indexedSpans: 0 });
      expect(found('persisted', restored)).toEqual([]);
      indexAll(restored);
      expect(found('persisted', restored)).toEqual(['a1:01']);
    } finally {
      restored.close();
    }
  });

  it('a version-1 snapshot is migrated: badge keys rebuilt from the spans, error index created', async () => {
    store = await openStore();
    store.setAnnotator(MODEL_BADGES);
    store.insertSpans([span(T1, 1, { attributes: { 'gen_ai.request.model': 'gpt-4o' } }), span(T2, 2, { events: [exceptionEvent('x')] })]);
    // A version-1 file: the same tables without what versions 2 and 3 added.
    const v2 = await store.exportSnapshot();
    const { default: initSqlJs } = await import('sql.js');
    const SQL = await initSqlJs({ wasmBinary });
    const raw = new SQL.Database(v2);
    raw.run(DROP_VERSION_3);
    raw.run('DROP TABLE trace_genai; DROP INDEX spans_errors; DROP INDEX spans_exceptions; PRAGMA user_version = 1;');
    const v1 = raw.export();
    raw.close();
    const restored = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, snapshot: v1 });
    try {
      const names = restored.genaiNameKeys();
      const keys = names.flatMap((k, id) => (k.startsWith('gpt-4o') ? [id * 16] : []));
      expect(restored.filterTraceIds({ genaiKeys: keys }, 10)).toEqual([T1]);
      expect(restored.filterTraceIds({ error: true }, 10)).toEqual([T2]);
      expect(restored.filterTraceIds({ genaiKeys: [0] }, 10)).toEqual([T1]); // kind-only key of llm (code 0)
      expect(restored.filterTraceCount({})).toBe(2);
    } finally {
      restored.close();
    }
  });
});

describe('filter pages', () => {
  it('with few matches the scan-and-sort page equals the index walk, newest first', async () => {
    store = await openStore();
    // 30 one-span traces; trace i starts at i ms and lasts i ms.
    store.insertSpans(Array.from({ length: 30 }, (_, i) => span(traceId(0x100 + i), i + 1, { startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(2 * i) })));
    const filter = { minDurationNs: 20_000_000 }; // traces 20…29
    const total = store.filterTraceCount(filter);
    expect(total).toBe(10);
    const walked = store.filterTraceIds(filter, 4, 2);
    expect(store.filterTraceIds(filter, 4, 2, total)).toEqual(walked); // 10 ≤ 5 × (2 + 4): scan and sort
    expect(walked).toEqual([27, 26, 25, 24].map((i) => traceId(0x100 + i)));
    expect(store.filterTraceIds(filter, 4, 2, 0)).toEqual([]);
  });
});

describe('filter counts with a badge condition', () => {
  it('equal the general statement: badge alone, a badge every trace has, a badge some traces have, none', async () => {
    store = await openStore();
    store.setAnnotator(MODEL_BADGES);
    // 12 traces, each with a gpt-4o span; every third also a gpt-4o-mini span; trace i lasts i ms and traces 0-3 fail.
    store.insertSpans(
      Array.from({ length: 12 }, (_, i) => [
        span(traceId(0x200 + i), 2 * i, { attributes: { 'gen_ai.request.model': 'gpt-4o' }, startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(2 * i), status: { code: i < 4 ? 'error' : 'unset', message: '' } }),
        ...(i % 3 === 0 ? [span(traceId(0x200 + i), 2 * i + 1, { attributes: { 'gen_ai.request.model': 'gpt-4o-mini' }, startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(2 * i) })] : []),
      ]).flat(),
    );
    const keysOf = (model: string) => store.genaiNameKeys().flatMap((k, id) => (badgeNamesOf(k).model === model ? [id * 16] : []));
    const all = keysOf('gpt-4o');
    const some = keysOf('gpt-4o-mini');
    expect(all).toHaveLength(1);
    expect(some).toHaveLength(1);
    /** The count by filterTraceCount.sql alone (what TraceReads answered before the badge count). */
    const q = (store as unknown as { q: { filterTraceCount: { first(p: object): unknown[] } } }).q;
    const general = (f: TraceFilter) => q.filterTraceCount.first(traceFilterParams(f))[0];
    const cases: [TraceFilter, number][] = [
      [{ genaiKeys: all }, 12],
      [{ genaiKeys: [0] }, 12], // kind-only key of llm
      [{ genaiKeys: some }, 4],
      [{ genaiKeys: [...all, ...some] }, 12],
      [{ genaiKeys: [999 * 16] }, 0],
      [{ genaiKeys: all, minDurationNs: 6_000_000 }, 6],
      [{ genaiKeys: all, error: true }, 4],
      [{ genaiKeys: some, error: true }, 2],
      [{ genaiKeys: some, minDurationNs: 6_000_000 }, 2],
      [{ genaiKeys: [...all, ...some], minDurationNs: 6_000_000, error: true }, 0],
    ];
    for (const [filter, want] of cases) {
      expect(store.filterTraceCount(filter), JSON.stringify(filter)).toBe(want);
      expect(general(filter), JSON.stringify(filter)).toBe(want);
    }
  });
});

describe('service names and span facts', () => {
  it('reads what span-level conditions need', async () => {
    store = await openStore();
    store.insertSpans([
      span(T1, 1, { resource: resourceInfo({ serviceName: 'checkout' }), startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(5) }),
      span(T1, 2, { resource: resourceInfo({ serviceName: 'payments' }), status: { code: 'error', message: '' }, startTimeUnixNano: nanos(2), endTimeUnixNano: nanos(3) }),
    ]);
    expect(store.serviceNames().sort()).toEqual(['checkout', 'payments']);
    const facts = store.traceSpanFacts(T1).sort((a, b) => a.startOffsetNs - b.startOffsetNs);
    expect(facts.map((f) => [f.spanId.slice(-2), f.serviceName, f.error, f.startOffsetNs, f.durationNs])).toEqual([
      ['01', 'checkout', false, 0, 5_000_000],
      ['02', 'payments', true, 2_000_000, 1_000_000],
    ]);
    expect(store.spanFacts(T1, span(T1, 2).spanId)).toEqual(facts[1]);
    expect(store.spanFacts(T1, 'ffffffffffffffff')).toBeNull();
    expect(store.spanAttributes(T1, span(T1, 1).spanId)).toEqual({});
  });
});
