/**
 * Search, filter and Find (src/core/search/searchEngine.ts) on a real store with the real GenAI
 * annotator and usage cache: four hand-made traces whose expected matches are worked out by hand
 * in the comments below, for every kind of condition, free text across spans, exclusions, the
 * hit details (count, earliest span, snippet), Find in a trace with spans not indexed yet, and the
 * Usage view's filtered scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/model/trace';
import { SNIPPET_MATCH_END as E, SNIPPET_MATCH_START as S } from '../../../src/model/search';
import { genaiIngestAnnotator } from '../../../src/core/genai/badge';
import { SearchEngine } from '../../../src/core/search/searchEngine';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { UsageIndex } from '../../../src/core/usage/usageIndex';
import { exceptionEvent, logRecord, nanos, resourceInfo, spanRecord, traceId } from '../../support/builders';
import { openStore } from '../../support/storeHarness';

/** BASE_TIME_UNIX_NANO (2024-11-21T14:40:00.123Z) as Unix ms, and "now" for `last:`: 2 h later. */
const BASE_MS = 1_732_200_000_123;
const NOW_MS = BASE_MS + 2 * 3_600_000;

// Trace ids: A newest … C oldest (start times below), D in between.
const A = traceId(0xa);
const B = traceId(0xb);
const C = traceId(0xc);
const D = traceId(0xd);
const sid = (t: string, n: number) => `${t.slice(-2)}${n.toString(16).padStart(14, '0')}`;

const checkout = resourceInfo({ serviceName: 'checkout' });
const payments = resourceInfo({ serviceName: 'payments' });
const search = resourceInfo({ serviceName: 'search' });

function s(t: string, n: number, startMs: number, durMs: number, o: Partial<SpanRecord>): SpanRecord {
  return spanRecord({
    traceId: t,
    spanId: sid(t, n),
    parentSpanId: n === 1 ? null : sid(t, 1),
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + durMs),
    attributes: {},
    ...o,
  });
}

/**
 * A (checkout, starts at +7000 s … newest): root "POST /checkout" (http.route, user.id u-7,
 *   session.id s-1); chat gpt-4o-mini (1000 in / 200 out tokens); tool get_weather whose result
 *   says "Sunny in Zürich, 21°C". No error. Cost 1000 × 0.15e-6 + 200 × 0.6e-6 = $0.00027.
 * B (payments, +5000 s, lasts 3 s): root; chat gpt-4o (5000 in / 500 out) with error status and
 *   an exception "rate limit exceeded". Cost ≈ $0.0175 (list price $2.50 / $10 per M tokens).
 * C (checkout, +0 s: more than 1 h before NOW): root "GET /lock" (http.route) with an exception
 *   event "timeout waiting for lock" but status unset (exception only); its text also arrives
 *   as a correlated log record "lock holder: worker-3".
 * D (search, +6000 s): agent "planner"; tool get_weather_forecast with error status.
 */
function spans(): SpanRecord[] {
  const a = 7_000_000;
  const b = 5_000_000;
  const d = 6_000_000;
  return [
    s(A, 1, a, 900, { name: 'POST /checkout', resource: checkout, attributes: { 'http.route': '/checkout', 'user.id': 'u-7', 'session.id': 's-1' } }),
    s(A, 2, a + 10, 500, { name: 'chat gpt-4o-mini', resource: checkout, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200 } }),
    s(A, 3, a + 600, 100, { name: 'execute_tool get_weather', resource: checkout, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.result': 'Sunny in Zürich, 21°C' } }),
    s(B, 1, b, 3000, { name: 'POST /pay', resource: payments }),
    s(B, 2, b + 5, 2000, { name: 'chat gpt-4o', resource: payments, status: { code: 'error', message: '' }, events: [exceptionEvent('rate limit exceeded')], attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 5000, 'gen_ai.usage.output_tokens': 500 } }),
    s(C, 1, 0, 50, { name: 'GET /lock', resource: checkout, events: [exceptionEvent('timeout waiting for lock')], attributes: { 'http.route': '/lock' } }),
    s(D, 1, d, 400, { name: 'invoke_agent planner', resource: search, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } }),
    s(D, 2, d + 20, 100, { name: 'execute_tool get_weather_forecast', resource: search, status: { code: 'error', message: 'forecast service down' }, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather_forecast' } }),
  ];
}

let store: TraceStore;
let engine: SearchEngine;
let usage: UsageIndex;

function indexAll(): void {
  for (let i = 0; i < 1000 && store.indexSlice(50).pending; i++);
}

beforeAll(async () => {
  store = await openStore();
  store.setAnnotator(genaiIngestAnnotator);
  store.insertSpans(spans());
  store.insertLogs([logRecord({ traceId: C, spanId: sid(C, 1), body: 'lock holder: worker-3' })]);
  usage = new UsageIndex(store);
  engine = new SearchEngine(store, usage, { now: () => NOW_MS, yieldToEventLoop: () => Promise.resolve() });
  usage.setFilteredTraces((q, max) => engine.filteredSummaries(q, max));
});
afterAll(async () => {
  // The usage cache may still be refreshing rows in the background (its list budget ran out).
  await new Promise((resolve) => setTimeout(resolve, 100));
  store.close();
});

/** Trace letters of a filter result, in result order. */
async function filtered(query: string): Promise<string[]> {
  const r = await engine.filter(query, 100, 0);
  if (!r.ok) throw new Error(`${query}: ${r.error}`);
  return r.traces.map((t) => letter(t.traceId));
}
const letter = (id: string) => ({ [A]: 'A', [B]: 'B', [C]: 'C', [D]: 'D' })[id] ?? id;

describe('Find in a trace whose spans are not indexed yet (direct scan)', () => {
  it('finds text in spans the index has not seen', async () => {
    expect(store.searchStatus().pendingSpans).toBe(8);
    const r = await engine.find(A, 'sunny');
    expect(r).toMatchObject({ ok: true, traceId: A, spanIds: [sid(A, 3)], truncated: false });
    expect(r.ok && r.index.pendingSpans).toBe(8);
    expect(await engine.find(C, '"worker 3"')).toMatchObject({ spanIds: [sid(C, 1)] });
  });
});

describe('filters (the Traces view)', () => {
  beforeAll(() => indexAll());

  it('no condition: every trace, newest first, with the total', async () => {
    expect(await filtered('')).toEqual(['A', 'D', 'B', 'C']);
    const page = await engine.filter('', 2, 1);
    expect(page.ok && [page.traces.map((t) => letter(t.traceId)), page.total]).toEqual([['D', 'B'], 4]);
    const last = await engine.filter('', 3, 2); // a short last page
    expect(last.ok && [last.traces.map((t) => letter(t.traceId)), last.total]).toEqual([['B', 'C'], 4]);
    const past = await engine.filter('', 3, 10); // past the end: the total is still counted
    expect(past.ok && [past.traces, past.total]).toEqual([[], 4]);
    const none = await engine.filter('service:nope', 3, 0);
    expect(none.ok && [none.traces, none.total]).toEqual([[], 0]);
  });

  it('error: error status on any span, or an exception event alone', async () => {
    expect(await filtered('error')).toEqual(['D', 'B', 'C']);
    expect(await filtered('is:error')).toEqual(['D', 'B', 'C']);
  });

  it('service: root service by case-insensitive prefix', async () => {
    expect(await filtered('service:check')).toEqual(['A', 'C']);
    expect(await filtered('service:PAY')).toEqual(['B']);
    expect(await filtered('service:nope')).toEqual([]);
  });

  it('model:, tool:, agent:, kind: — on the span badges, together on one span', async () => {
    expect(await filtered('model:gpt-4o')).toEqual(['A', 'B']); // gpt-4o-mini and gpt-4o
    expect(await filtered('model:GPT-4O-M')).toEqual(['A']);
    expect(await filtered('tool:get_weather')).toEqual(['A', 'D']); // get_weather_forecast too
    expect(await filtered('tool:get_weather_f')).toEqual(['D']);
    expect(await filtered('agent:plan')).toEqual(['D']);
    expect(await filtered('kind:agent')).toEqual(['D']);
    expect(await filtered('kind:tool')).toEqual(['A', 'D']);
    expect(await filtered('kind:llm')).toEqual(['A', 'B']);
    expect(await filtered('kind:llm tool:get_weather')).toEqual([]); // no span is both
    expect(await filtered('kind:embeddings')).toEqual([]);
  });

  it('error together with a badge condition: the same span', async () => {
    expect(await filtered('error model:gpt-4o')).toEqual(['B']);
    expect(await filtered('error model:gpt-4o-mini')).toEqual([]);
    expect(await filtered('error tool:get_weather')).toEqual(['D']); // A's tool call did not fail
  });

  it('session:, user:, trace:, duration, last:', async () => {
    expect(await filtered('session:s-1')).toEqual(['A']);
    expect(await filtered('session:s-1 session:s-2')).toEqual([]);
    expect(await filtered('user:u-7')).toEqual(['A']);
    expect(await filtered('user:u-')).toEqual([]); // ids are exact
    expect(await filtered(`trace:${B}`)).toEqual(['B']);
    expect(await filtered(`trace:${'0'.repeat(30)}`)).toEqual(['A', 'D', 'B', 'C']);
    expect(await filtered('trace:ff')).toEqual([]);
    expect(await filtered('duration>2s')).toEqual(['B']); // 3 s
    expect(await filtered('duration>=900ms duration<3s')).toEqual(['A']); // 900 ms; B lasts exactly 3 s
    expect(await filtered('last:1h')).toEqual(['A', 'D', 'B']); // C started 2 h before now
  });

  it('attr:key and attr:key=value on span attributes', async () => {
    expect(await filtered('attr:http.route')).toEqual(['A', 'C']);
    expect(await filtered('attr:http.route=/lock')).toEqual(['C']);
    expect(await filtered('attr:http.route=/loc')).toEqual([]);
    expect(await filtered('attr:gen_ai.usage.input_tokens=5000')).toEqual(['B']);
  });

  it('cost and tokens from the usage cache (traces without model calls never match)', async () => {
    expect(await filtered('cost>0.001')).toEqual(['B']);
    expect(await filtered('cost<0.001')).toEqual(['A']);
    expect(await filtered('cost>0.0002 cost<0.0003')).toEqual(['A']); // $0.00027
    expect(await filtered('tokens>2000')).toEqual(['B']); // 5,500
    expect(await filtered('tokens<=1200')).toEqual(['A']); // 1,200
    const r = await engine.filter('tokens>0', 1, 1);
    expect(r.ok && [r.traces.map((t) => letter(t.traceId)), r.total]).toEqual([['B'], 2]);
  });

  it('free text and exclusions', async () => {
    expect(await filtered('zurich')).toEqual(['A']);
    expect(await filtered('checkout sunny')).toEqual(['A']); // in two different spans of A
    expect(await filtered('-sunny')).toEqual(['D', 'B', 'C']);
    expect(await filtered('error -timeout')).toEqual(['D', 'B']);
    expect(await filtered('service:checkout -"waiting for lock"')).toEqual(['A']);
    expect(await filtered('time')).toEqual(['C']); // prefix while typing: timeout
    expect(await filtered('time ')).toEqual([]);
  });

  it('text together with span-level conditions: in the same span', async () => {
    expect(await filtered('tool:get_weather sunny')).toEqual(['A']);
    expect(await filtered('kind:llm sunny')).toEqual([]);
    expect(await filtered('error "rate limit"')).toEqual(['B']);
    expect(await filtered('error sunny')).toEqual([]);
  });

  it('the sessionId parameter restricts like session:', async () => {
    const r = await engine.filter('', 10, 0, 's-1');
    expect(r.ok && r.traces.map((t) => letter(t.traceId))).toEqual(['A']);
  });

  it('an invalid query is an answer with the message and offset', async () => {
    expect(await engine.filter('error duration>2x', 10, 0)).toEqual({ ok: false, error: 'duration>2x: unknown unit "x" (use ms, s, m, h)', offset: 16 });
  });
});

describe('search hits (Search Traces…)', () => {
  beforeAll(() => indexAll());

  it('a phrase in one tool result: that trace, its tool span first, the match highlighted', async () => {
    const r = await engine.search('"sunny in zürich"', 10);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]).toMatchObject({ matchCount: 1, firstSpanId: sid(A, 3) });
    expect(r.hits[0]!.summary.traceId).toBe(A);
    // The document: "execute_tool get_weather\ngen_ai.operation.name execute_tool\ngen_ai.tool.name
    // get_weather\ngen_ai.tool.call.result Sunny in Zürich, 21°C". The match starts at 113; 60
    // characters before is inside "execute" (47-54), so the excerpt starts at the next word.
    expect(r.hits[0]!.snippet).toBe(`…tool gen_ai.tool.name get_weather gen_ai.tool.call.result ${S}Sunny in Zürich${E}, 21°C`);
    expect(r.truncated).toBe(false);
    expect(r.index).toMatchObject({ pendingSpans: 0, indexedSpans: 8 });
  });

  it('words in different spans: the trace matches; every span with a word counts, the earliest first', async () => {
    const r = await engine.search('checkout sunny', 10);
    expect(r.ok && r.hits.map((h) => [letter(h.summary.traceId), h.matchCount, h.firstSpanId])).toEqual([['A', 2, sid(A, 1)]]);
  });

  it('field conditions only: the spans that satisfy them, no snippet', async () => {
    const r = await engine.search('error', 10);
    expect(r.ok && r.hits.map((h) => [letter(h.summary.traceId), h.matchCount, h.firstSpanId, h.snippet])).toEqual([
      ['D', 1, sid(D, 2), null],
      ['B', 1, sid(B, 2), null],
      ['C', 1, sid(C, 1), null],
    ]);
    const service = await engine.search('service:checkout', 10);
    expect(service.ok && service.hits.map((h) => [letter(h.summary.traceId), h.matchCount, h.firstSpanId])).toEqual([
      ['A', 0, null],
      ['C', 0, null],
    ]);
  });

  it('limit and truncated; trace rows carry their usage', async () => {
    const r = await engine.search('', 2);
    expect(r.ok && [r.hits.map((h) => letter(h.summary.traceId)), r.truncated]).toEqual([['A', 'D'], true]);
    expect(r.ok && r.hits[0]!.summary.usage?.tokens.total).toBe(1200);
  });

  it('content from log records is found on its span', async () => {
    const r = await engine.search('"lock holder"', 10);
    expect(r.ok && r.hits.map((h) => [letter(h.summary.traceId), h.firstSpanId])).toEqual([['C', sid(C, 1)]]);
  });

  it('an invalid query', async () => {
    expect(await engine.search('"open', 10)).toEqual({ ok: false, error: 'unclosed quote: add a closing " to end the phrase', offset: 0 });
  });
});

describe('Find in a trace (indexed)', () => {
  beforeAll(() => indexAll());

  it('text, exclusions and span-level conditions per span, in start order', async () => {
    const find = async (t: string, q: string) => {
      const r = await engine.find(t, q);
      if (!r.ok) throw new Error(r.error);
      return r.spanIds.map((id) => Number.parseInt(id.slice(2), 16));
    };
    expect(await find(A, 'sunny')).toEqual([3]);
    expect(await find(A, '-sunny')).toEqual([1, 2]);
    expect(await find(A, 'kind:llm')).toEqual([2]);
    expect(await find(A, 'get')).toEqual([3]); // prefix: get_weather
    expect(await find(A, 'tokens>1000')).toEqual([2]);
    expect(await find(A, 'cost>0.0001')).toEqual([2]);
    expect(await find(A, 'duration>400ms')).toEqual([1, 2]); // 900 ms, 500 ms
    expect(await find(A, 'attr:user.id=u-7')).toEqual([1]);
    expect(await find(A, 'user:u-7 kind:tool')).toEqual([3]); // user: is about the trace
    expect(await find(A, 'user:u-8')).toEqual([]);
    expect(await find(B, 'error')).toEqual([2]);
    expect(await find(D, 'service:sea error')).toEqual([2]);
    expect(await find(C, 'last:1h')).toEqual([]); // the trace started 2 h ago
    expect(await find(C, 'error "waiting for"')).toEqual([1]);
    expect(await find(traceId(0xeee), 'x')).toEqual([]);
  });
});

describe('the Usage view following the filter', () => {
  it('reports over the matching traces', async () => {
    const report = await usage.report({ kind: 'filtered', query: 'service:checkout' });
    expect(report).toMatchObject({ scope: { kind: 'filtered', query: 'service:checkout' }, traceCount: 2, truncated: false });
    expect(report!.metrics.tokens.total).toBe(1200); // A's model call; C has none
    expect(await usage.report({ kind: 'filtered', query: 'service:nope' })).toBeNull();
    expect(await usage.report({ kind: 'filtered', query: 'cost>' })).toBeNull();
  });
});
