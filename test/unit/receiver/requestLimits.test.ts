/**
 * Requests under the body-size limit that hold millions of tiny items, end to end: real OTLP/HTTP
 * requests on 127.0.0.1 into the real receiver and the bundled worker (sql.js).
 *
 * - one span of 1,000,000 attributes (14 MiB of protobuf), and one of 2,000 events × 500
 *   attributes: the span is stored with the first `MAX_ATTRIBUTES_PER_LIST` attributes (events:
 *   `MAX_EVENTS_PER_SPAN`, values: `MAX_VALUES_PER_ITEM`), the rest counted in the OTLP dropped
 *   counts and named by a `trace_lens.limit` marker; its details load quickly;
 * - 19 MiB of OTLP/JSON made of 6.6 million `{}`: refused with 413 before `JSON.parse`, with the
 *   worker's memory growth bounded;
 * - more spans in one request than `MAX_SPANS_PER_REQUEST` (malformed ones count): the excess is
 *   refused through `partial_success` with a reason.
 *
 * Throughout, trace-list queries sent every 20 ms while the request is received, decoded and
 * stored are answered within 500 ms (the worker yields to them), and a valid export sent
 * afterwards is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as protobuf from 'protobufjs';
import { performance } from 'node:perf_hooks';
import {
  LIMIT_MARKER_KEY,
  MAX_ATTRIBUTES_PER_LIST,
  MAX_EVENTS_PER_SPAN,
  MAX_JSON_VALUES_PER_REQUEST,
  MAX_SPANS_PER_REQUEST,
  MAX_VALUES_PER_ITEM,
} from '../../../src/model/limits';
import { startPipeline, type Pipeline } from '../../support/pipeline';
import { encodeTraceRequest } from '../../support/otlp';

const TRACE_RESPONSE = protobuf.parse(`syntax = "proto3";
  message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }`).root.lookupType('ExportTraceServiceResponse');

/** A UI query answered later than this while a hostile request is handled means the worker stalled. */
const UI_QUERY_BOUND_MS = 500;

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

// ── protobuf bytes, written directly (protobufjs would take seconds for a million fields) ──────

/** Appends `n` as a varint. */
function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** A length-delimited field: tag byte, length, payload. */
function field(tag: number, payload: Uint8Array): Uint8Array {
  const head: number[] = [tag];
  varint(payload.length, head);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** `count` KeyValues `{ key: prefix + i (base 36), value: { int_value: i } }`, each under field tag `tag`. */
function keyValues(tag: number, count: number, prefix = 'a'): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = prefix + i.toString(36);
    const value: number[] = [0x18];
    varint(i, value);
    const kv: number[] = [0x0a, key.length];
    for (let j = 0; j < key.length; j++) kv.push(key.charCodeAt(j));
    kv.push(0x12, value.length, ...value);
    out.push(tag, kv.length, ...kv);
  }
  return Uint8Array.from(out);
}

const u8 = (...bytes: number[]) => Uint8Array.from(bytes);
const idBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const fixed64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return Uint8Array.from(b);
};
const START = 1_732_200_000_000_000_000n;

/** Span fields: ids, name, times (`rest` appended: attributes, events, counts). */
function spanBytes(traceId: string, spanId: string, name: string, rest: Uint8Array[]): Uint8Array {
  return concat([
    field(0x0a, idBytes(traceId)),
    field(0x12, idBytes(spanId)),
    field(0x2a, new TextEncoder().encode(name)),
    u8(0x39), fixed64(START),
    u8(0x41), fixed64(START + 1_000_000n),
    ...rest,
  ]);
}

/** ExportTraceServiceRequest { resource_spans { scope_spans { spans… } } }. */
function traceRequest(spans: Uint8Array[]): Uint8Array {
  return field(0x0a, field(0x12, concat(spans.map((s) => field(0x12, s)))));
}

let nextTrace = 1;
const newTraceId = () => (0x11100000 + nextTrace++).toString(16).padStart(32, '0');

// ── the pipeline, timed ─────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  bytes: Uint8Array;
  contentType: string | null;
}

interface Observed {
  answer: Answer;
  /** Latencies (ms) of the trace-list queries sent while the request was in flight. */
  queryMs: number[];
  /** Largest RSS growth of this process (the worker is a thread of it) while the request was in flight. */
  rssGrowthBytes: number;
}

/** Posts `body` and, until it is answered, sends a trace-list query every 20 ms and samples RSS. */
async function postObserved(body: Uint8Array, contentType: string): Promise<Observed> {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const queryMs: number[] = [];
  const pending: Promise<void>[] = [];
  let done = false;
  const response = fetch(`${p.url}/v1/traces`, { method: 'POST', body: body as BodyInit, headers: { 'Content-Type': contentType } }).then(
    async (res): Promise<Answer> => ({ status: res.status, contentType: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) }),
  );
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      pending.push(p.client.request('listTraces', { limit: 50, offset: 0 }).then(() => void queryMs.push(performance.now() - t)));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const answer = await response.finally(() => (done = true));
  await probe;
  await Promise.all(pending);
  return { answer, queryMs, rssGrowthBytes: peakRss - rssBefore };
}

function partialSuccess(a: Answer): { rejectedSpans: number; errorMessage: string } | undefined {
  const decoded = TRACE_RESPONSE.toObject(TRACE_RESPONSE.decode(a.bytes), { longs: Number }) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };
  return decoded.partialSuccess;
}

function expectResponsive(o: Observed): void {
  expect(o.queryMs.length).toBeGreaterThan(0);
  expect(Math.max(...o.queryMs)).toBeLessThan(UI_QUERY_BOUND_MS);
}

/** Sends one valid span of a new trace and checks it is stored: nothing accepted is lost. */
async function expectStillWorking(): Promise<void> {
  const traceId = newTraceId();
  const body = encodeTraceRequest({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '00000000000000a1', name: 'after', startTimeUnixNano: START.toString(), endTimeUnixNano: (START + 1n).toString() }] }] }],
  });
  const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', body: body as BodyInit, headers: { 'Content-Type': 'application/x-protobuf' } });
  expect(res.status).toBe(200);
  expect((await p.client.request('traceSummary', { traceId }))?.rootName).toBe('after');
}

/** Counts every value of a stored span as `MAX_VALUES_PER_ITEM` does (attributes, events, links, nested elements). */
function valueCount(attrs: Record<string, unknown>): number {
  let n = 0;
  for (const [key, v] of Object.entries(attrs)) {
    if (key === LIMIT_MARKER_KEY) continue;
    n += 1 + nested(v);
  }
  return n;
}
function nested(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + 1 + nested(x), 0);
  if (v !== null && typeof v === 'object') return valueCount(v as Record<string, unknown>);
  return 0;
}

describe('one span with a million attributes (protobuf)', () => {
  it('is stored with the first MAX_ATTRIBUTES_PER_LIST attributes, the rest counted as dropped; the worker keeps answering', async () => {
    const traceId = newTraceId();
    const spanId = '00000000000000b1';
    const attributes = 1_000_000;
    // dropped_attributes_count 7 from the SDK: Trace Lens adds its own to it.
    const body = traceRequest([spanBytes(traceId, spanId, 'huge', [keyValues(0x4a, attributes), u8(0x50, 7)])]);
    expect(body.length).toBeGreaterThan(12 * 1024 * 1024);

    const o = await postObserved(body, 'application/x-protobuf');
    expect(o.answer.status).toBe(200);
    expect(partialSuccess(o.answer)?.rejectedSpans ?? 0).toBe(0);
    expectResponsive(o);

    const t = performance.now();
    const detail = await p.client.request('spanDetail', { traceId, spanId });
    const detailMs = performance.now() - t;
    expect(detail).not.toBeNull();
    const span = detail!.span;
    expect(Object.keys(span.attributes)).toHaveLength(MAX_ATTRIBUTES_PER_LIST + 1); // the kept ones + the marker
    expect(span.attributes.a0).toBe(0); // the first ones on the wire are kept
    expect(span.attributes[`a${(MAX_ATTRIBUTES_PER_LIST - 1).toString(36)}`]).toBe(MAX_ATTRIBUTES_PER_LIST - 1);
    expect(span.droppedAttributesCount).toBe(attributes - MAX_ATTRIBUTES_PER_LIST + 7);
    expect(span.attributes[LIMIT_MARKER_KEY]).toMatch(new RegExp(`^\\[Trace Lens did not keep ${attributes - MAX_ATTRIBUTES_PER_LIST} attributes `));
    expect(detailMs).toBeLessThan(UI_QUERY_BOUND_MS);
    console.log(`1M attributes: ${(body.length / 2 ** 20).toFixed(1)} MiB; ${o.queryMs.length} trace-list queries while in flight, slowest ${Math.max(...o.queryMs).toFixed(0)} ms; details ${detailMs.toFixed(0)} ms; RSS +${(o.rssGrowthBytes / 2 ** 20).toFixed(0)} MiB`);
    await expectStillWorking();
  });

  it('2,000 events × 500 attributes: events and values per span are bounded, the rest counted as dropped', async () => {
    const traceId = newTraceId();
    const spanId = '00000000000000b2';
    const events = 2_000;
    const perEvent = 500;
    const eventBytes = (i: number) => field(0x5a, concat([u8(0x09), fixed64(START + BigInt(i)), field(0x12, new TextEncoder().encode(`e${i}`)), keyValues(0x1a, perEvent)]));
    const body = traceRequest([spanBytes(traceId, spanId, 'many-events', Array.from({ length: events }, (_, i) => eventBytes(i)))]);

    const o = await postObserved(body, 'application/x-protobuf');
    expect(o.answer.status).toBe(200);
    expectResponsive(o);

    const t = performance.now();
    const span = (await p.client.request('spanDetail', { traceId, spanId }))!.span;
    const detailMs = performance.now() - t;
    const kept = span.events.length;
    expect(kept).toBeLessThanOrEqual(MAX_EVENTS_PER_SPAN);
    expect(kept + span.droppedEventsCount).toBe(events);
    // Every value counts: the events themselves and their attributes.
    const values = kept + span.events.reduce((n, e) => n + valueCount(e.attributes), 0);
    expect(values).toBeLessThanOrEqual(MAX_VALUES_PER_ITEM);
    expect(values).toBeGreaterThan(MAX_VALUES_PER_ITEM - perEvent - 1);
    // Attributes of the kept events: kept + dropped = sent.
    for (const e of span.events) expect(valueCount(e.attributes) + e.droppedAttributesCount).toBe(perEvent);
    expect(span.attributes[LIMIT_MARKER_KEY]).toMatch(new RegExp(`^\\[Trace Lens did not keep ${span.droppedEventsCount} events `));
    expect(detailMs).toBeLessThan(UI_QUERY_BOUND_MS);
    console.log(`2,000 × 500 event attributes: ${(body.length / 2 ** 20).toFixed(1)} MiB; ${kept} events kept; slowest trace-list query ${Math.max(...o.queryMs).toFixed(0)} ms; details ${detailMs.toFixed(0)} ms`);
    await expectStillWorking();
  });
});

describe('6.6 million empty JSON objects (19 MiB of OTLP/JSON)', () => {
  it('are refused with 413 before JSON.parse, memory growth bounded, the worker keeps answering', async () => {
    const n = 6_600_000;
    const body = Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat(n - 1)}{}]}]}]}`);
    const o = await postObserved(body, 'application/json');
    expect(o.answer.status).toBe(413);
    expect(o.answer.contentType).toBe('application/json');
    const status = JSON.parse(Buffer.from(o.answer.bytes).toString('utf8')) as { code: number; message: string };
    expect(status.message).toMatch(new RegExp(`more than ${MAX_JSON_VALUES_PER_REQUEST} values`));
    expectResponsive(o);
    // The body itself is held a few times over (fetch, receiver, worker, as a string): ~100 MiB.
    expect(o.rssGrowthBytes).toBeLessThan(256 * 1024 * 1024);
    console.log(`6.6M {}: ${(body.length / 2 ** 20).toFixed(1)} MiB; ${o.queryMs.length} trace-list queries, slowest ${Math.max(...o.queryMs).toFixed(0)} ms; RSS +${(o.rssGrowthBytes / 2 ** 20).toFixed(0)} MiB`);
    await expectStillWorking();
  });
});

describe('more spans in one request than MAX_SPANS_PER_REQUEST', () => {
  // The first MAX_SPANS_PER_REQUEST spans are malformed (they count too, and cost nothing to store);
  // the valid spans after them are past the limit.
  const past = 3;

  it('protobuf: the spans past the limit are refused through partial_success, with a reason', async () => {
    const traceId = newTraceId();
    const malformed = field(0x12, u8(0x2a, 0x01, 0x78)); // a span with only a name: no ids
    const valid = Array.from({ length: past }, (_, i) => field(0x12, spanBytes(traceId, (0xc1 + i).toString(16).padStart(16, '0'), 'late', [])));
    const body = field(0x0a, field(0x12, concat([...Array.from({ length: MAX_SPANS_PER_REQUEST }, () => malformed), ...valid])));
    const o = await postObserved(body, 'application/x-protobuf');
    expect(o.answer.status).toBe(200);
    const ps = partialSuccess(o.answer);
    expect(ps?.rejectedSpans).toBe(MAX_SPANS_PER_REQUEST + past);
    expect(ps?.errorMessage).toMatch(/trace_id: 0 bytes/);
    expect(ps?.errorMessage).toMatch(new RegExp(`more than ${MAX_SPANS_PER_REQUEST} spans in one request: ${past} not decoded`));
    expect(await p.client.request('traceSummary', { traceId })).toBeNull();
    expectResponsive(o);
    await expectStillWorking();
  });

  it('JSON: likewise (`{}` spans count)', async () => {
    const traceId = newTraceId();
    const valid = Array.from({ length: past }, (_, i) => ({ traceId, spanId: (0xd1 + i).toString(16).padStart(16, '0'), name: 'late', startTimeUnixNano: '1', endTimeUnixNano: '2' }));
    const spans = `${'{},'.repeat(MAX_SPANS_PER_REQUEST)}${valid.map((s) => JSON.stringify(s)).join(',')}`;
    const body = Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${spans}]}]}]}`);
    const o = await postObserved(body, 'application/json');
    expect(o.answer.status).toBe(200);
    const answer = JSON.parse(Buffer.from(o.answer.bytes).toString('utf8')) as { partialSuccess?: { rejectedSpans: number | string; errorMessage: string } };
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(MAX_SPANS_PER_REQUEST + past);
    expect(answer.partialSuccess?.errorMessage).toMatch(new RegExp(`more than ${MAX_SPANS_PER_REQUEST} spans in one request: ${past} not decoded`));
    expect(await p.client.request('traceSummary', { traceId })).toBeNull();
    expectResponsive(o);
    await expectStillWorking();
  });
});
