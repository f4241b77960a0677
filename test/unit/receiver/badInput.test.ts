/**
 * Reliability under bad input, end to end: real OTLP/HTTP requests on 127.0.0.1 into the real
 * receiver and the real ingest worker (sql.js). Each case checks the answer the OTLP/HTTP spec
 * asks for (§Failures: 400 + google.rpc.Status, 413, 415; §Partial success), what was stored,
 * the one log line, and that nothing else was lost: every test ends by checking that a valid
 * export sent after the bad input is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import * as http from 'node:http';
import * as protobuf from 'protobufjs';
import { OtlpHttpReceiver } from '../../../src/core/receiver/otlpHttpReceiver';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import { DEPTH_LIMIT_MARKER, MAX_ANY_VALUE_DEPTH, truncationOf } from '../../../src/model/limits';
import { MAX_TIME_UNIX_NANO } from '../../../src/core/otlp/shared';
import { eventually, startWorker } from '../../support/pipeline';
import { encodeTraceRequest, fixtureBody } from '../../support/otlp';

const STATUS = protobuf.parse(`syntax = "proto3"; package google.rpc;
  message Status { int32 code = 1; string message = 2; }`).root.lookupType('google.rpc.Status');
const TRACE_RESPONSE = protobuf.parse(`syntax = "proto3";
  message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }`).root.lookupType('ExportTraceServiceResponse');

const START = 1_732_200_000_000_000_000n;
let client: BackendClient;
let closeWorker: () => Promise<void>;
let nextTrace = 1;

/** A fresh trace id per call, so tests never see each other's spans. */
const newTraceId = () => (0xabc00000 + nextTrace++).toString(16).padStart(32, '0');
const sid = (n: number) => n.toString(16).padStart(16, '0');
const ns = (ms: number) => (START + BigInt(Math.round(ms * 1e6))).toString();

interface SpanDoc {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  kind?: number;
  attributes?: unknown[];
}

function span(traceId: string, n: number, overrides: Partial<SpanDoc> = {}): SpanDoc {
  return { traceId, spanId: sid(n), name: `span-${n}`, kind: 1, startTimeUnixNano: ns(n), endTimeUnixNano: ns(n + 1), ...overrides };
}

function request(spans: SpanDoc[]): Record<string, unknown> {
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-input' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] };
}

const protoBody = (spans: SpanDoc[]) => encodeTraceRequest(request(spans));
const jsonBody = (spans: SpanDoc[]) => Buffer.from(JSON.stringify(request(spans)));

/** A receiver with its own log, in front of the shared worker (receivers are cheap; the worker is not). */
async function withReceiver<T>(fn: (r: { url: string; logs: string[] }) => Promise<T>, store?: { maxAttributeValueLength: number }): Promise<T> {
  const logs: string[] = [];
  const receiver = new OtlpHttpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1024 * 1024,
    corsAllowedOrigins: ['http://localhost:*'],
    ingest: (p) => client.ingest(p),
    isOverloaded: () => client.isOverloaded(),
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  const started = await receiver.start();
  if (!started.ok) throw new Error(started.message);
  try {
    if (store) await client.request('configure', { maxSpans: 200_000, maxMegabytes: 512, ...store });
    return await fn({ url: `http://127.0.0.1:${started.port}`, logs });
  } finally {
    if (store) await client.request('configure', { maxSpans: 200_000, maxMegabytes: 512 });
    await receiver.stop();
  }
}

interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${url}/v1/traces`, { method: 'POST', body: body as BodyInit, headers });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const PROTO = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

function rpcStatus(a: Answer): { code: number; message: string } {
  if (a.headers.get('content-type') === 'application/json') return JSON.parse(Buffer.from(a.bytes).toString('utf8')) as { code: number; message: string };
  return STATUS.toObject(STATUS.decode(a.bytes), { defaults: true }) as { code: number; message: string };
}

/** Sends one valid span of a new trace and waits until it is stored: the "nothing else lost" check. */
async function expectStillWorking(url: string): Promise<void> {
  const traceId = newTraceId();
  const res = await post(url, protoBody([span(traceId, 1, { name: 'after-bad-input' })]), PROTO);
  expect(res.status).toBe(200);
  const summary = await client.request('traceSummary', { traceId });
  expect(summary?.rootName).toBe('after-bad-input');
}

const stats = () => client.request('stats', {});

/** One warning line, mentioning `status` and `pattern`, was logged for the request. */
function expectOneLogLine(logs: string[], status: number, pattern: RegExp): void {
  expect(logs).toHaveLength(1);
  expect(logs[0]).toMatch(new RegExp(`^warn: POST /v1/traces → ${status}: `));
  expect(logs[0]).toMatch(pattern);
  expect(logs[0]).not.toMatch(/[\r\n]/);
}

beforeAll(() => {
  const w = startWorker();
  client = w.client;
  closeWorker = () => w.client.dispose();
});
afterAll(async () => {
  await closeWorker();
});

describe('undecodable bodies: 400 with google.rpc.Status, nothing stored, one log line', () => {
  it('truncated protobuf (a real exporter capture cut in half)', async () => {
    await withReceiver(async ({ url, logs }) => {
      const before = await stats();
      const capture = fixtureBody('traces-basic-proto.binpb');
      const res = await post(url, capture.subarray(0, Math.floor(capture.length / 2)), PROTO);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/x-protobuf');
      const status = rpcStatus(res);
      expect(status.code).toBe(3); // INVALID_ARGUMENT
      expect(status.message).toMatch(/^invalid ExportTraceServiceRequest protobuf: /);
      expect((await stats()).spanCount).toBe(before.spanCount);
      expectOneLogLine(logs, 400, /invalid ExportTraceServiceRequest protobuf/);
      await expectStillWorking(url);
    });
  });

  it('malformed protobuf (bad wire type, length past the end, random bytes)', async () => {
    await withReceiver(async ({ url }) => {
      const before = await stats();
      for (const body of [Uint8Array.of(0x0f), Uint8Array.of(0x0a, 0x05, 0x01), Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) & 0xff)]) {
        const res = await post(url, body, PROTO);
        expect(res.status).toBe(400);
        expect(rpcStatus(res).code).toBe(3);
      }
      expect((await stats()).spanCount).toBe(before.spanCount);
      await expectStillWorking(url);
    });
  });

  it('invalid JSON, JSON that is not an object, a JSON body that is empty', async () => {
    await withReceiver(async ({ url, logs }) => {
      for (const body of ['{"resourceSpans": [', '[]', '', '{"resourceSpans": {}}']) {
        const res = await post(url, body, JSON_TYPE);
        expect(res.status, body).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/json');
        const status = rpcStatus(res);
        expect(status.code).toBe(3);
        expect(status.message).toMatch(/^invalid ExportTraceServiceRequest JSON: /);
      }
      expect(logs).toHaveLength(4);
      await expectStillWorking(url);
    });
  });

  it('a gzip body that is not gzip, and a deflate bomb past the size limit (413 before allocation)', async () => {
    await withReceiver(async ({ url, logs }) => {
      const notGzip = await post(url, protoBody([span(newTraceId(), 1)]), { ...PROTO, 'Content-Encoding': 'gzip' });
      expect(notGzip.status).toBe(400);
      expect(rpcStatus(notGzip).message).toMatch(/cannot decompress gzip body/);
      const bomb = zlib.deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
      expect(bomb.byteLength).toBeLessThan(1024 * 1024); // passes the wire limit, 64× over it decompressed
      const res = await post(url, bomb, { ...JSON_TYPE, 'Content-Encoding': 'deflate' });
      expect(res.status).toBe(413);
      expect(rpcStatus(res).code).toBe(8); // RESOURCE_EXHAUSTED
      expect(logs.map((l) => l.split(': ')[1])).toEqual(['POST /v1/traces → 400', 'POST /v1/traces → 413']);
      await expectStillWorking(url);
    });
  });
});

describe('requests refused before reading the body', () => {
  it('missing or wrong Content-Type → 415 naming the accepted types; unknown Content-Encoding → 415', async () => {
    await withReceiver(async ({ url, logs }) => {
      const body = protoBody([span(newTraceId(), 1)]);
      const missing = await post(url, body, {});
      expect(missing.status).toBe(415);
      expect(Buffer.from(missing.bytes).toString()).toMatch(/application\/x-protobuf or application\/json/);
      const wrong = await post(url, body, { 'Content-Type': 'text/plain' });
      expect(wrong.status).toBe(415);
      const br = await post(url, body, { ...PROTO, 'Content-Encoding': 'br' });
      expect(br.status).toBe(415);
      expect(logs).toHaveLength(3);
      await expectStillWorking(url);
    });
  });

  it('an empty protobuf body is an empty request (proto3): 200, nothing stored', async () => {
    await withReceiver(async ({ url, logs }) => {
      const before = await stats();
      const res = await post(url, new Uint8Array(0), PROTO);
      expect(res.status).toBe(200);
      expect(res.bytes.byteLength).toBe(0);
      expect((await stats()).spanCount).toBe(before.spanCount);
      expect(logs).toEqual([]);
    });
  });
});

describe('bad items inside a good request: the item is handled, the rest kept', () => {
  it('invalid or zero trace/span ids: those spans rejected and counted in partial_success (protobuf), the rest stored', async () => {
    await withReceiver(async ({ url, logs }) => {
      const traceId = newTraceId();
      const res = await post(
        url,
        protoBody([
          span(traceId, 1, { name: 'kept-1' }),
          span(traceId, 2, { spanId: '0000000000000000' }),
          span('00000000000000000000000000000000', 3),
          span(traceId, 4, { spanId: 'abcdef' }),
          span(traceId, 5, { name: 'kept-2', parentSpanId: sid(1) }),
        ]),
        PROTO,
      );
      expect(res.status).toBe(200);
      const answer = TRACE_RESPONSE.toObject(TRACE_RESPONSE.decode(res.bytes), { longs: Number }) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };
      expect(answer.partialSuccess?.rejectedSpans).toBe(3);
      expect(answer.partialSuccess?.errorMessage).toMatch(/span_id: all zeros/);
      expect(answer.partialSuccess?.errorMessage).toMatch(/trace_id: all zeros/);
      const skeleton = await client.request('traceSkeleton', { traceId });
      expect(skeleton?.spans.map((s) => s.name)).toEqual(['kept-1', 'kept-2']);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^warn: POST \/v1\/traces → 200, partial success: rejected 3 of 5: /);
    });
  });

  it('deeply nested AnyValue (10,000 levels): replaced by a marker at the depth limit, span kept', async () => {
    await withReceiver(async ({ url }) => {
      const traceId = newTraceId();
      const depth = 10_000;
      const nested = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) + '{"stringValue":"leaf"}' + '}]}}'.repeat(depth);
      const doc = JSON.stringify(request([span(traceId, 1, { name: 'deep' })])).replace('"name":"deep"', `"name":"deep","attributes":[{"key":"nested","value":${nested}}]`);
      const res = await post(url, doc, JSON_TYPE);
      expect(res.status).toBe(200);
      const detail = await client.request('spanDetail', { traceId, spanId: sid(1) });
      let v: unknown = detail?.span.attributes.nested;
      let levels = 1;
      while (typeof v === 'object' && v !== null) {
        v = (v as Record<string, unknown>).k;
        levels++;
      }
      expect(v).toBe(DEPTH_LIMIT_MARKER);
      expect(levels).toBe(MAX_ANY_VALUE_DEPTH);
    });
  });

  it('huge attribute values: cut past traceLens.store.maxAttributeValueLength with the original length, visible in the span detail', async () => {
    await withReceiver(
      async ({ url }) => {
        const traceId = newTraceId();
        const huge = 'x'.repeat(200_000);
        const res = await post(url, protoBody([span(traceId, 1, { attributes: [{ key: 'gen_ai.prompt', value: { stringValue: huge } }, { key: 'small', value: { stringValue: 'ok' } }] })]), PROTO);
        expect(res.status).toBe(200);
        expect(res.bytes.byteLength).toBe(0); // full success: a cut value is not a rejection
        const detail = await client.request('spanDetail', { traceId, spanId: sid(1) });
        expect(truncationOf(detail?.span.attributes['gen_ai.prompt'])).toEqual({ originalLength: 200_000, keptLength: 4096 });
        expect(detail?.span.attributes.small).toBe('ok');
      },
      { maxAttributeValueLength: 4096 },
    );
  });

  it('end before start: kept as sent; the skeleton and the trace list show duration 0, never negative', async () => {
    await withReceiver(async ({ url }) => {
      const traceId = newTraceId();
      const res = await post(url, protoBody([span(traceId, 1, { name: 'backwards', startTimeUnixNano: ns(50), endTimeUnixNano: ns(10) })]), PROTO);
      expect(res.status).toBe(200);
      const [skeleton, summary, detail] = await Promise.all([
        client.request('traceSkeleton', { traceId }),
        client.request('traceSummary', { traceId }),
        client.request('spanDetail', { traceId, spanId: sid(1) }),
      ]);
      expect(skeleton?.spans[0].durationMs).toBe(0);
      expect(summary?.durationMs).toBe(0);
      expect(detail?.span).toMatchObject({ startTimeUnixNano: ns(50), endTimeUnixNano: ns(10) });
    });
  });

  it('duplicate spans (an exporter retry): stored once, the second answer is a plain 200', async () => {
    await withReceiver(async ({ url }) => {
      const traceId = newTraceId();
      const body = protoBody([span(traceId, 1, { name: 'root' }), span(traceId, 2, { parentSpanId: sid(1) })]);
      const before = await stats();
      expect((await post(url, body, PROTO)).status).toBe(200);
      const again = await post(url, body, PROTO);
      expect(again.status).toBe(200);
      expect(again.bytes.byteLength).toBe(0);
      const after = await stats();
      expect(after.spanCount - before.spanCount).toBe(2);
      expect(after.traceCount - before.traceCount).toBe(1);
      expect((await client.request('traceSummary', { traceId }))?.spanCount).toBe(2);
    });
  });

  it('children before parents, and a parent that never arrives', async () => {
    await withReceiver(async ({ url }) => {
      const traceId = newTraceId();
      // Request 1: a grandchild and a child; request 2: the root. Span 9's parent (8) never comes.
      expect((await post(url, protoBody([span(traceId, 3, { parentSpanId: sid(2) }), span(traceId, 2, { parentSpanId: sid(1) })]), PROTO)).status).toBe(200);
      const early = await client.request('traceSummary', { traceId });
      expect(early).toMatchObject({ hasRoot: false, spanCount: 2, rootName: 'span-2' });
      expect((await post(url, protoBody([span(traceId, 1, { name: 'root' }), span(traceId, 9, { parentSpanId: sid(8), name: 'orphan' })]), PROTO)).status).toBe(200);
      const summary = await client.request('traceSummary', { traceId });
      expect(summary).toMatchObject({ hasRoot: true, spanCount: 4, rootName: 'root' });
      const skeleton = await client.request('traceSkeleton', { traceId });
      const parents = Object.fromEntries(skeleton!.spans.map((s) => [s.name, s.parentSpanId]));
      expect(parents).toEqual({ root: null, 'span-2': sid(1), 'span-3': sid(2), orphan: sid(8) });
    });
  });

  it('non-UTF-8 text: U+FFFD in the stored span (protobuf bytes and JSON), lone surrogates survive the store', async () => {
    await withReceiver(async ({ url }) => {
      const traceId = newTraceId();
      const body = protoBody([span(traceId, 1, { name: 'NAME-utf8' })]);
      const at = Buffer.from(body).indexOf('NAME');
      body.set([0xff, 0xfe, 0xc3, 0x28], at);
      expect((await post(url, body, PROTO)).status).toBe(200);
      const json = Buffer.from(JSON.stringify(request([span(traceId, 2, { name: 'lone \ud800 surrogate', attributes: [{ key: 'k', value: { stringValue: 'v\udfff' } }] })])));
      expect((await post(url, json, JSON_TYPE)).status).toBe(200);
      const skeleton = await client.request('traceSkeleton', { traceId });
      const names = skeleton!.spans.map((s) => s.name);
      expect(names[0]).toBe('\uFFFD\uFFFD\uFFFD(-utf8');
      expect(names[1]).toMatch(/^lone .+ surrogate$/);
      const detail = await client.request('spanDetail', { traceId, spanId: sid(2) });
      expect(detail?.span.attributes.k).toMatch(/^v.$/);
    });
  });

  it('time stamps at 0 (1970) and past year 2262: kept (clamped), and the trace list stays ordered and finite', async () => {
    await withReceiver(async ({ url }) => {
      const past = newTraceId();
      const future = newTraceId();
      const normal = newTraceId();
      const res = await post(
        url,
        protoBody([
          span(past, 1, { name: 'epoch', startTimeUnixNano: '0', endTimeUnixNano: '1000' }),
          span(future, 2, { name: 'far-future', startTimeUnixNano: '18446744073709551000', endTimeUnixNano: '18446744073709551615' }),
          span(normal, 3, { name: 'normal' }),
          // One trace spanning both ends: its duration is huge but finite.
          span(normal, 4, { name: 'normal-late', parentSpanId: sid(3), endTimeUnixNano: '18446744073709551615' }),
        ]),
        PROTO,
      );
      expect(res.status).toBe(200);
      expect(res.bytes.byteLength).toBe(0);
      const list = await client.request('listTraces', { limit: 10_000, offset: 0 });
      const mine = list.filter((t) => [past, future, normal].includes(t.traceId));
      expect(mine.map((t) => t.rootName)).toEqual(['far-future', 'normal', 'epoch']);
      for (const t of list) {
        expect(Number.isFinite(t.durationMs) && t.durationMs >= 0).toBe(true);
        expect(BigInt(t.startTimeUnixNano) <= BigInt(MAX_TIME_UNIX_NANO)).toBe(true);
      }
      expect(mine[0].startTimeUnixNano).toBe(MAX_TIME_UNIX_NANO);
      expect(mine[2].startTimeUnixNano).toBe('0');
      await expectStillWorking(url);
    });
  });
});

describe('the Output channel: one line per rejected request, rate-limited', () => {
  it('a flood of 200 bad requests writes at most 10 lines, each one line with the reason', async () => {
    await withReceiver(async ({ url, logs }) => {
      const bad = Uint8Array.of(0x0a, 0x05, 0x01);
      for (let i = 0; i < 200; i += 20) {
        await Promise.all(Array.from({ length: 20 }, () => post(url, bad, PROTO)));
      }
      expect(logs).toHaveLength(10);
      for (const line of logs) expect(line).toMatch(/^warn: POST \/v1\/traces → 400: invalid ExportTraceServiceRequest protobuf: [^\n]+$/);
      await expectStillWorking(url);
    });
  });
});

describe('browser requests', () => {
  it('refuses an export from an Origin that is not configured (403, nothing stored); allows a configured one', async () => {
    await withReceiver(async ({ url }) => {
      const traceId = newTraceId();
      const evil = await post(url, jsonBody([span(traceId, 1)]), { ...JSON_TYPE, Origin: 'https://evil.example' });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect(await client.request('traceSummary', { traceId })).toBeNull();
      const ok = await post(url, jsonBody([span(traceId, 1)]), { ...JSON_TYPE, Origin: 'http://localhost:5173' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      await eventually(() => client.request('traceSummary', { traceId }));
    });
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding), also with an allowed Origin', async () => {
    await withReceiver(async ({ url }) => {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${url}/v1/traces`, { method: 'POST', headers: { Host: 'rebind.attacker.example:4318', Origin: 'http://localhost:3000', ...JSON_TYPE } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(request([span(newTraceId(), 1)])));
      });
      expect(status).toBe(403);
    });
  });
});
