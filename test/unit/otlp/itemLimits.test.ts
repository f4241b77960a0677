/**
 * Count limits of the decoders (src/model/limits.ts), the same in both body formats: attributes
 * per list, events and links per span, values per span / log record / resource / scope, items per
 * request; what is past a limit is counted in the OTLP dropped counts (or refused through
 * `partial_success`) and named by a marker. Also: the OTLP/JSON value count that refuses a body
 * before `JSON.parse`, and decoding in slices (a huge request yields, an SDK batch does not).
 */
import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces, decodeTracesSliced } from '../../../src/core/otlp/decode';
import { JsonValueCounter } from '../../../src/core/otlp/jsonCount';
import type { AttributeValue, SpanRecord } from '../../../src/model/trace';
import {
  JSON_COUNT_MIN_BYTES,
  LIMIT_MARKER_KEY,
  MAX_ATTRIBUTES_PER_LIST,
  MAX_EVENTS_PER_SPAN,
  MAX_JSON_VALUES_PER_REQUEST,
  MAX_LINKS_PER_SPAN,
  MAX_LOG_RECORDS_PER_REQUEST,
  MAX_SPANS_PER_REQUEST,
  MAX_VALUES_PER_ITEM,
  itemLimitMarker,
  valuesLimitMarker,
} from '../../../src/model/limits';
import { encodeLogsRequest, encodeTraceRequest } from '../../support/otlp';

const TRACE = '5b8efff798038103d269b633813fc60c';
const OTHER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const START = '1795292206245207037';
const END = '1795292206345207038';

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const int = (key: string, v: number) => ({ key, value: { intValue: v } });
const ints = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => int(`${prefix}${i}`, i));
const sid = (n: number) => n.toString(16).padStart(16, '0');

function span(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE, spanId: sid(n), name: `op${n}`, kind: 1, startTimeUnixNano: START, endTimeUnixNano: END, ...overrides };
}

function traceRequest(spans: unknown[], resource: Record<string, unknown> = {}, scope: Record<string, unknown> = { name: 'lib' }): Record<string, unknown> {
  return { resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] };
}

const encoders = {
  protobuf: (doc: Record<string, unknown>) => encodeTraceRequest(doc),
  json: (doc: Record<string, unknown>) => json(doc),
} as const;

function decoded(result: ReturnType<typeof decodeTraces>): { items: SpanRecord[]; rejected: number; rejectReasons: string[] } {
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe.each(['protobuf', 'json'] as const)('count limits (%s)', (format) => {
  const encode = encoders[format];
  const decodeOne = (doc: Record<string, unknown>) => {
    const r = decoded(decodeTraces(encode(doc), format));
    expect(r.items).toHaveLength(1);
    return r.items[0];
  };

  it('span attributes: the first MAX_ATTRIBUTES_PER_LIST kept, the rest added to the SDK\'s dropped count, with a marker', () => {
    const s = decodeOne(traceRequest([span(1, { attributes: ints(MAX_ATTRIBUTES_PER_LIST + 10), droppedAttributesCount: 2 })]));
    expect(Object.keys(s.attributes)).toHaveLength(MAX_ATTRIBUTES_PER_LIST + 1);
    expect(s.attributes.k0).toBe(0);
    expect(s.attributes[`k${MAX_ATTRIBUTES_PER_LIST - 1}`]).toBe(MAX_ATTRIBUTES_PER_LIST - 1);
    expect(s.attributes[`k${MAX_ATTRIBUTES_PER_LIST}`]).toBeUndefined();
    expect(s.droppedAttributesCount).toBe(12);
    expect(s.attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ attributes: 10 }));
    expect(s.attributes[LIMIT_MARKER_KEY]).toMatch(/^\[Trace Lens did not keep 10 attributes \(at most 4096 attributes per list/);
  });

  it('a span within every limit is untouched: no marker, dropped counts as sent', () => {
    const s = decodeOne(traceRequest([span(1, { attributes: ints(MAX_ATTRIBUTES_PER_LIST), droppedAttributesCount: 3, events: [{ name: 'e', timeUnixNano: START }] })]));
    expect(Object.keys(s.attributes)).toHaveLength(MAX_ATTRIBUTES_PER_LIST);
    expect(s.attributes[LIMIT_MARKER_KEY]).toBeUndefined();
    expect(s.droppedAttributesCount).toBe(3);
    expect(s.droppedEventsCount).toBe(0);
  });

  it('events and links past MAX_EVENTS_PER_SPAN / MAX_LINKS_PER_SPAN: dropped and counted; one marker names both', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_SPAN + 5 }, (_, i) => ({ name: `e${i}`, timeUnixNano: START }));
    const links = Array.from({ length: MAX_LINKS_PER_SPAN + 3 }, (_, i) => ({ traceId: OTHER_TRACE, spanId: sid(i + 1) }));
    const s = decodeOne(traceRequest([span(1, { events, links, droppedEventsCount: 1, droppedLinksCount: 1 })]));
    expect(s.events).toHaveLength(MAX_EVENTS_PER_SPAN);
    expect(s.events[0].name).toBe('e0');
    expect(s.droppedEventsCount).toBe(6);
    expect(s.links).toHaveLength(MAX_LINKS_PER_SPAN);
    expect(s.droppedLinksCount).toBe(4);
    expect(s.attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ events: 5, links: 3 }));
    expect(s.droppedAttributesCount).toBe(0);
  });

  it('event and link attributes past MAX_ATTRIBUTES_PER_LIST: counted on the event / link, marked there', () => {
    const s = decodeOne(
      traceRequest([
        span(1, {
          events: [{ name: 'e', timeUnixNano: START, attributes: ints(MAX_ATTRIBUTES_PER_LIST + 1) }],
          links: [{ traceId: OTHER_TRACE, spanId: sid(9), attributes: ints(MAX_ATTRIBUTES_PER_LIST + 2), droppedAttributesCount: 1 }],
        }),
      ]),
    );
    expect(s.events[0].droppedAttributesCount).toBe(1);
    expect(s.events[0].attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ attributes: 1 }));
    expect(s.links[0].droppedAttributesCount).toBe(3);
    expect(s.links[0].attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ attributes: 2 }));
    expect(s.attributes[LIMIT_MARKER_KEY]).toBeUndefined();
  });

  it('resource and scope attributes past MAX_ATTRIBUTES_PER_LIST: counted and marked on the resource / scope', () => {
    const s = decodeOne(
      traceRequest([span(1)], { attributes: ints(MAX_ATTRIBUTES_PER_LIST + 4), droppedAttributesCount: 1 }, { name: 'lib', attributes: ints(MAX_ATTRIBUTES_PER_LIST + 1) }),
    );
    expect(Object.keys(s.resource.attributes)).toHaveLength(MAX_ATTRIBUTES_PER_LIST + 1);
    expect(s.resource.droppedAttributesCount).toBe(5);
    expect(s.resource.attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ attributes: 4 }));
    expect(s.scope.droppedAttributesCount).toBe(1);
    expect(s.scope.attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ attributes: 1 }));
  });

  it('values per span: an array past the budget ends with a marker, and what follows it is dropped and counted', () => {
    const extra = 100;
    const big = { key: 'big', value: { arrayValue: { values: Array.from({ length: MAX_VALUES_PER_ITEM + extra }, (_, i) => ({ intValue: i })) } } };
    const s = decodeOne(traceRequest([span(1, { attributes: [big, int('after', 1)], events: [{ name: 'late', timeUnixNano: START }] })]));
    const arr = s.attributes.big as AttributeValue[];
    // The attribute itself spends one value, each element one.
    expect(arr).toHaveLength(MAX_VALUES_PER_ITEM - 1 + 1);
    expect(arr[MAX_VALUES_PER_ITEM - 2]).toBe(MAX_VALUES_PER_ITEM - 2);
    expect(arr[MAX_VALUES_PER_ITEM - 1]).toBe(valuesLimitMarker(extra + 1));
    expect(s.attributes.after).toBeUndefined();
    expect(s.droppedAttributesCount).toBe(1);
    expect(s.events).toHaveLength(0);
    expect(s.droppedEventsCount).toBe(1);
    expect(s.attributes[LIMIT_MARKER_KEY]).toBe(itemLimitMarker({ attributes: 1, events: 1 }));
  });

  it('values per span: a kvlist past the budget gets a marker entry', () => {
    const kv = { key: 'map', value: { kvlistValue: { values: ints(MAX_VALUES_PER_ITEM + 1, 'm') } } };
    const s = decodeOne(traceRequest([span(1, { attributes: [kv] })]));
    const map = s.attributes.map as Record<string, AttributeValue>;
    expect(Object.keys(map)).toHaveLength(MAX_VALUES_PER_ITEM - 1 + 1);
    expect(map[LIMIT_MARKER_KEY]).toBe(valuesLimitMarker(2));
  });

  it('each span has its own budget: the next span is whole', () => {
    const big = { key: 'big', value: { arrayValue: { values: Array.from({ length: MAX_VALUES_PER_ITEM + 1 }, () => ({ boolValue: true })) } } };
    const r = decoded(decodeTraces(encode(traceRequest([span(1, { attributes: [big] }), span(2, { attributes: ints(10) })])), format));
    expect(r.items).toHaveLength(2);
    expect(Object.keys(r.items[1].attributes)).toHaveLength(10);
    expect(r.items[1].droppedAttributesCount).toBe(0);
  });

  it('spans past MAX_SPANS_PER_REQUEST (malformed ones count) are refused with one reason', () => {
    const spans = Array.from({ length: MAX_SPANS_PER_REQUEST + 2 }, (_, i) => (i === 0 ? { name: 'no ids' } : span(i + 1)));
    const r = decoded(decodeTraces(encode(traceRequest(spans)), format));
    expect(r.items).toHaveLength(MAX_SPANS_PER_REQUEST - 1);
    expect(r.items.at(-1)?.spanId).toBe(sid(MAX_SPANS_PER_REQUEST));
    expect(r.rejected).toBe(3);
    expect(r.rejectReasons).toContain(`more than ${MAX_SPANS_PER_REQUEST} spans in one request: 2 not decoded (Trace Lens limit per request)`);
  });

  it('log records: attributes and body values limited per record; records past MAX_LOG_RECORDS_PER_REQUEST refused', () => {
    const body = { arrayValue: { values: Array.from({ length: MAX_VALUES_PER_ITEM }, (_, i) => ({ intValue: i })) } };
    const record = { timeUnixNano: START, body, attributes: ints(MAX_ATTRIBUTES_PER_LIST + 1) };
    const doc = { resourceLogs: [{ scopeLogs: [{ scope: { name: 'l' }, logRecords: [record, ...Array.from({ length: MAX_LOG_RECORDS_PER_REQUEST + 1 }, () => ({ timeUnixNano: START }))] }] }] };
    const r = decodeLogs(format === 'json' ? json(doc) : encodeLogsRequest(doc), format);
    if (!r.ok) throw new Error(r.message);
    expect(r.items).toHaveLength(MAX_LOG_RECORDS_PER_REQUEST);
    expect(r.rejected).toBe(2);
    expect(r.rejectReasons).toEqual([`more than ${MAX_LOG_RECORDS_PER_REQUEST} log records in one request: 2 not decoded (Trace Lens limit per request)`]);
    const first = r.items[0];
    // The body spends one value, each of its elements one: one element left over, then no attribute.
    const values = first.body as AttributeValue[];
    expect(values).toHaveLength(MAX_VALUES_PER_ITEM - 1 + 1);
    expect(values.at(-1)).toBe(valuesLimitMarker(1));
    expect(first.droppedAttributesCount).toBe(MAX_ATTRIBUTES_PER_LIST + 1);
    expect(Object.keys(first.attributes)).toEqual([LIMIT_MARKER_KEY]);
  });
});

describe('OTLP/JSON value count before JSON.parse', () => {
  it('a body over JSON_COUNT_MIN_BYTES with more than MAX_JSON_VALUES_PER_REQUEST values is refused (tooLarge), for every signal', () => {
    const n = MAX_JSON_VALUES_PER_REQUEST + 1;
    const pad = `"pad":"${'x'.repeat(JSON_COUNT_MIN_BYTES)}"`; // an unknown field, to be over the size where counting starts
    const traces = Buffer.from(`{${pad},"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat(n)}{}]}]}]}`);
    expect(traces.length).toBeGreaterThan(JSON_COUNT_MIN_BYTES);
    const t = decodeTraces(traces, 'json');
    expect(t).toMatchObject({ ok: false, status: 'tooLarge' });
    expect(!t.ok && t.message).toMatch(`ExportTraceServiceRequest JSON has more than ${MAX_JSON_VALUES_PER_REQUEST} values`);
    const logs = Buffer.from(`{${pad},"resourceLogs":[{"scopeLogs":[{"logRecords":[${'[],'.repeat(n)}[]]}]}]}`);
    expect(decodeLogs(logs, 'json')).toMatchObject({ ok: false, status: 'tooLarge' });
    const metrics = Buffer.from(`{${pad},"resourceMetrics":[${'1,'.repeat(n)}1]}`);
    expect(decodeMetrics(metrics, 'json')).toMatchObject({ ok: false, status: 'tooLarge' });
    // At the limit exactly (8 values of structure and the last `{}`, 2 per further `{},`), the body is parsed and
    // walked: every `{}` is a span without ids, refused.
    const spansAt = (values: number) => Buffer.from(`{${pad},"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat((values - 8) / 2)}{}]}]}]}`);
    const r = decodeTraces(spansAt(MAX_JSON_VALUES_PER_REQUEST), 'json');
    expect(r.ok && r.rejected).toBe((MAX_JSON_VALUES_PER_REQUEST - 8) / 2 + 1);
    expect(decodeTraces(spansAt(MAX_JSON_VALUES_PER_REQUEST + 2), 'json')).toMatchObject({ ok: false, status: 'tooLarge' });
  });

  it('characters inside strings do not count: a 3 MB prompt full of braces, commas and escaped quotes decodes', () => {
    const prompt = '{[,\\"]},'.repeat(400_000) + '\\\\';
    const doc = traceRequest([span(1, { attributes: [{ key: 'prompt', value: { stringValue: prompt } }] })]);
    const body = Buffer.from(JSON.stringify(doc));
    expect(body.length).toBeGreaterThan(JSON_COUNT_MIN_BYTES);
    const r = decoded(decodeTraces(body, 'json', { maxAttributeValueLength: Infinity }));
    expect(r.items[0].attributes.prompt).toBe(prompt);
  });

  it('JsonValueCounter agrees with a reference count, resumed at every byte, on escapes around quotes and long strings', () => {
    const long = 'x'.repeat(40);
    const docs = [
      { a: [1, 2, { b: 'c,{[' }], d: '\\"', e: `${long}\\"${long}\\\\` },
      { s: `${long}\\\\\\"${long}`, t: [[], {}, [{}]], u: `"${long}",{"` },
      ['\\', '\\\\', `${'\\'.repeat(33)}"`, `${long}${'\\'.repeat(6)}`],
    ];
    for (const doc of docs) {
      const text = JSON.stringify(doc);
      const expected = referenceCount(text);
      const whole = new JsonValueCounter(Buffer.from(text));
      whole.advance(text.length);
      expect(whole.count).toBe(expected);
      const stepped = new JsonValueCounter(Buffer.from(text));
      while (!stepped.done) stepped.advance(stepped.position + 1);
      expect(stepped.count).toBe(expected);
    }
  });
});

/** `{`, `[` and `,` outside strings, from a parse of the text (not from the bytes). */
function referenceCount(text: string): number {
  const walk = (v: unknown): number => {
    if (Array.isArray(v)) return 1 + Math.max(0, v.length - 1) + v.reduce((n: number, x) => n + walk(x), 0);
    if (v !== null && typeof v === 'object') {
      const values = Object.values(v);
      return 1 + Math.max(0, values.length - 1) + values.reduce((n: number, x) => n + walk(x), 0);
    }
    return 0;
  };
  return walk(JSON.parse(text));
}

describe('decoding in slices', () => {
  /** `count` spans of 10 attributes each (an SDK batch is 512). */
  const request = (count: number) =>
    traceRequest(Array.from({ length: count }, (_, i) => span(i + 1, { attributes: ints(10, 'attr.') })));

  it.each(['protobuf', 'json'] as const)('a large request (%s) yields between slices and decodes exactly as in one call', async (format) => {
    const body = encoders[format](request(20_000));
    let yields = 0;
    const sliced = await decodeTracesSliced(body, format, undefined, { sliceBudgetMs: 0, yieldToEventLoop: async () => void yields++ });
    expect(yields).toBeGreaterThan(5);
    expect(sliced).toEqual(decodeTraces(body, format));
  });

  it('a large protobuf body cut short fails the same way in slices as in one call (nothing decoded is returned)', async () => {
    const whole = encoders.protobuf(request(20_000));
    const cut = whole.subarray(0, whole.length - 100);
    const sliced = await decodeTracesSliced(cut, 'protobuf', undefined, { sliceBudgetMs: 0, yieldToEventLoop: async () => undefined });
    expect(sliced).toEqual(decodeTraces(cut, 'protobuf'));
    expect(sliced).toMatchObject({ ok: false, message: expect.stringMatching(/^invalid ExportTraceServiceRequest protobuf: /) as unknown });
  });

  it.each(['protobuf', 'json'] as const)('an SDK batch of 512 spans (%s) decodes in one synchronous slice', async (format) => {
    const body = encoders[format](request(512));
    decodeTraces(body, format); // warm-up: the first call compiles the decoder
    let yields = 0;
    const result = await decodeTracesSliced(body, format, undefined, { yieldToEventLoop: async () => void yields++ });
    expect(yields).toBe(0);
    expect(result.ok && result.items).toHaveLength(512);
  });
});
