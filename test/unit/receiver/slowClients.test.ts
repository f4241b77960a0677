/**
 * Slow, stalled and idle HTTP clients, end to end: raw `net` sockets and the official OTLP/HTTP
 * exporters against the real receiver and the real ingest worker (sql.js). A client that stalls
 * or crawls mid-body, or never sends a request, must not hold the receive budget or the
 * connection table for long; a body over the size limit must get a 413 its sender can read.
 * Every test ends by checking that a valid export is still stored ("nothing accepted is lost").
 *
 * Timeouts are set short through `limits` so the tests run in seconds; the assertions leave
 * generous margins (the suite shares 2 cores with other jobs).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import { encodeTraceRequest } from '../../support/otlp';

const MiB = 1024 * 1024;

const open: Pipeline[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(open.splice(0).map((p) => p.close()));
});

async function pipeline(options: Parameters<typeof startPipeline>[0]): Promise<Pipeline> {
  const p = await startPipeline(options);
  open.push(p);
  return p;
}

let nextTrace = 1;
const newTraceId = () => (0x5100_0000 + nextTrace++).toString(16).padStart(32, '0');

/** One valid span in a new trace, as OTLP/protobuf; returns the body and its trace id. */
function validBody(name: string): { traceId: string; body: Uint8Array } {
  const traceId = newTraceId();
  const body = encodeTraceRequest({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'slow-clients' } }] },
      scopeSpans: [{ scope: { name: 's' }, spans: [{ traceId, spanId: '00000000000000a1', name, kind: 1, startTimeUnixNano: '1732200000000000000', endTimeUnixNano: '1732200000500000000' }] }],
    }],
  });
  return { traceId, body };
}

/** POSTs one valid span; resolves with the status (0 when the connection failed). */
async function postValid(p: Pipeline, name: string): Promise<{ status: number; traceId: string }> {
  const { traceId, body } = validBody(name);
  try {
    const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', body: body as BodyInit, headers: { 'Content-Type': 'application/x-protobuf' } });
    await res.arrayBuffer();
    return { status: res.status, traceId };
  } catch {
    return { status: 0, traceId };
  }
}

/** A valid export is answered 200 and stored. */
async function expectStored(p: Pipeline, name: string): Promise<void> {
  const { status, traceId } = await postValid(p, name);
  expect(status).toBe(200);
  const summary = await p.client.request('traceSummary', { traceId });
  expect(summary?.rootName).toBe(name);
}

/** A raw client socket: what the server sent, and when (ms after connecting) the server closed it. */
interface RawClient {
  socket: net.Socket;
  received: () => string;
  closed: Promise<number>;
  isClosed: () => boolean;
}

function connectRaw(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let data = '';
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    const closed = new Promise<number>((r) => socket.on('close', () => {
      isClosed = true;
      r(Date.now() - started);
    }));
    socket.once('connect', () => resolve({ socket, received: () => data, closed, isClosed: () => isClosed }));
    socket.once('error', reject);
  });
}

/** Headers of a protobuf POST to /v1/traces with a declared length. */
function uploadHeaders(contentLength: number): string {
  return `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

/** Resolves when `socket`'s written bytes have left user space (the receiver reads them). */
function written(socket: net.Socket, data: Buffer | string): Promise<void> {
  return new Promise((resolve) => socket.write(data, () => resolve()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stalled and crawling bodies', () => {
  it('four uploads that send 16 MiB and stall neither block a valid export nor hold the budget past the stall timeout', async () => {
    const stallMs = 1_500;
    const p = await pipeline({ maxBodyBytes: 20 * MiB, limits: { bodyStallTimeoutMs: stallMs, bodyRateWindowMs: 120_000, drainTimeoutMs: 1_000 } });
    const port = Number(new URL(p.url).port);
    const stalled = await Promise.all(Array.from({ length: 4 }, () => connectRaw(port)));
    const chunk = Buffer.alloc(16 * MiB, 0x0a);
    await Promise.all(stalled.map((c) => written(c.socket, uploadHeaders(20 * MiB)).then(() => written(c.socket, chunk))));
    // The receiver has read what it will read: the budget is at rest.
    let last = -1;
    await eventually(async () => {
      const now = p.receiver.bufferedBodyBytes;
      const settled = now === last && now > 0;
      last = now;
      await sleep(100);
      return settled;
    }, 10_000);
    // One connection may hold at most half of what the others leave free: 4 × 16 MiB do not fit
    // in the default 64 MiB, so room is left and a valid export goes through at once.
    expect(p.receiver.bufferedBodyBytes).toBeLessThanOrEqual(48 * MiB);
    // First try, no retry: before, this was 503 until Node's request timeout (~300 s).
    await expectStored(p, 'during-stall');
    // After the stall timeout every stalled upload is answered and closed, and its bytes are freed.
    const closedAfter = await Promise.all(stalled.map((c) => c.closed));
    for (const ms of closedAfter) expect(ms).toBeLessThan(15_000);
    expect(stalled.filter((c) => c.received().startsWith('HTTP/1.1 408')).length).toBeGreaterThanOrEqual(3);
    for (const c of stalled) expect(c.received()).toMatch(/^HTTP\/1\.1 (408|503) /);
    expect(p.receiver.bufferedBodyBytes).toBe(0);
    expect(p.logs.some((l) => /→ 408: no body data for 1\.5 s/.test(l))).toBe(true);
    await expectStored(p, 'after-stall');
  });

  it('an upload that crawls below the minimum rate is cut after the grace window, though it never stops', async () => {
    const p = await pipeline({ maxBodyBytes: 4 * MiB, limits: { bodyStallTimeoutMs: 60_000, bodyMinBytesPerSecond: 64 * 1024, bodyRateWindowMs: 1_000 } });
    const c = await connectRaw(Number(new URL(p.url).port));
    await written(c.socket, uploadHeaders(2 * MiB));
    // 1 KiB every 50 ms: 20 KiB/s, never idle for more than 50 ms.
    const trickle = setInterval(() => {
      if (!c.isClosed()) c.socket.write(Buffer.alloc(1024, 0x0a));
    }, 50);
    try {
      const ms = await c.closed;
      expect(ms).toBeLessThan(10_000);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(p.logs.some((l) => /→ 408: .*below the minimum of 65536 bytes\/s/.test(l))).toBe(true);
    } finally {
      clearInterval(trickle);
    }
    expect(p.receiver.bufferedBodyBytes).toBe(0);
    await expectStored(p, 'after-crawl');
  });
});

describe('idle connections and the connection cap', () => {
  it('connections that never send a request are closed after headersTimeoutMs; past maxConnections the longest idle makes room', async () => {
    const p = await pipeline({ limits: { headersTimeoutMs: 1_000, maxConnections: 8 } });
    const port = Number(new URL(p.url).port);
    const idle: RawClient[] = [];
    for (let i = 0; i < 20; i++) idle.push(await connectRaw(port));
    // At most 8 stay: each new connection past the cap closed the longest idle one.
    await eventually(() => idle.filter((c) => c.isClosed()).length >= 12, 5_000);
    expect(idle.slice(0, 12).every((c) => c.isClosed())).toBe(true);
    // A valid export is not refused: it takes the place of an idle connection.
    await expectStored(p, 'past-the-cap');
    // The rest are closed once they have been idle for the headers timeout.
    const closedAfter = await Promise.all(idle.map((c) => c.closed));
    for (const ms of closedAfter) expect(ms).toBeLessThan(10_000);
    await expectStored(p, 'after-idle');
  });

  it('keep-alive connections idle for keepAliveTimeoutMs are closed', async () => {
    const p = await pipeline({ limits: { keepAliveTimeoutMs: 500 } });
    const c = await connectRaw(Number(new URL(p.url).port));
    const { body } = validBody('keep-alive');
    await written(c.socket, uploadHeaders(body.byteLength));
    await written(c.socket, Buffer.from(body));
    await eventually(() => c.received().startsWith('HTTP/1.1 200'), 10_000);
    expect(await c.closed).toBeLessThan(10_000);
    await expectStored(p, 'after-keep-alive');
  });

  it('past maxConnections with every connection busy, new connections are refused until the stalled ones time out', async () => {
    const p = await pipeline({ limits: { maxConnections: 3, bodyStallTimeoutMs: 1_500 } });
    const port = Number(new URL(p.url).port);
    const busy = await Promise.all(Array.from({ length: 3 }, () => connectRaw(port)));
    for (const c of busy) await written(c.socket, uploadHeaders(100 * 1024) + 'x'.repeat(1024));
    await eventually(() => p.receiver.bufferedBodyBytes === 3 * 1024, 5_000);
    const refused = await connectRaw(port);
    await written(refused.socket, uploadHeaders(10) + '0123456789');
    expect(await refused.closed).toBeLessThan(5_000);
    expect(refused.received()).toBe('');
    expect(p.logs.some((l) => /connection refused: 3 connections open/.test(l))).toBe(true);
    await Promise.all(busy.map((c) => c.closed));
    await expectStored(p, 'after-refusal');
  });
});

/** Collects ended SDK spans so the test can hand them to an exporter and see its result. */
class Collector implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function exportOnce(exporter: ProtoTraceExporter | JsonTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('a body over the size limit gets a 413 its sender reads', () => {
  for (const [name, make] of [
    ['exporter-trace-otlp-proto', (url: string) => new ProtoTraceExporter({ url, timeoutMillis: 8_000 })],
    ['exporter-trace-otlp-http (JSON)', (url: string) => new JsonTraceExporter({ url, timeoutMillis: 8_000 })],
  ] as const) {
    it(`${name}: the export fails with 413 (not EPIPE or ECONNRESET)`, async () => {
      // Large enough that the sender is still writing when the receiver has read the limit.
      const limit = 8 * MiB;
      const p = await pipeline({ maxBodyBytes: limit });
      const collector = new Collector();
      const provider = new TracerProvider({ spanProcessors: [collector] });
      // Random text does not compress: the body is ~1.5 × the limit on the wire.
      provider.getTracer('big').startSpan('big span', { attributes: { 'app.blob': randomBytes(0.75 * limit).toString('hex') } }).end();
      const exporter = make(`${p.url}/v1/traces`);
      try {
        const result = await exportOnce(exporter, collector.spans);
        expect(result.code).toBe(ExportResultCode.FAILED);
        // Each exporter package bundles its own OTLPExporterError class: check the shape.
        const error = result.error as Error & { code?: number };
        expect(`${error.name}: ${error.message} (${error.code})`).toBe('OTLPExporterError: Payload Too Large (413)');
      } finally {
        await exporter.shutdown();
      }
      expect(p.logs.some((l) => /→ 413: request body of \d+ bytes exceeds the limit/.test(l))).toBe(true);
      await expectStored(p, `after-413-${name}`);
    });
  }

  it('a client still writing when the limit is reached can finish writing, then reads its 413', async () => {
    const limit = 1 * MiB;
    const p = await pipeline({ maxBodyBytes: limit });
    const c = await connectRaw(Number(new URL(p.url).port));
    const total = Math.round(1.8 * limit);
    const first = Math.round(1.2 * limit);
    await written(c.socket, uploadHeaders(total));
    await written(c.socket, Buffer.alloc(first, 0x0a));
    await eventually(() => c.received().startsWith('HTTP/1.1 413'), 5_000);
    // The sender is slow to write the rest (an exporter serializing, a busy event loop).
    await sleep(300);
    const rest = await new Promise<Error | null | undefined>((resolve) => c.socket.write(Buffer.alloc(total - first, 0x0a), resolve));
    expect(rest ?? null).toBeNull();
    expect(await c.closed).toBeLessThan(10_000);
    expect(c.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(c.received()).toMatch(/exceeds the limit of 1048576 bytes/);
    await expectStored(p, 'after-slow-413');
  });

  it('a client that keeps sending after its 413 is closed after the drain bound', async () => {
    const p = await pipeline({ maxBodyBytes: 64 * 1024, limits: { drainTimeoutMs: 1_000 } });
    const c = await connectRaw(Number(new URL(p.url).port));
    await written(c.socket, `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = Buffer.alloc(16 * 1024, 0x0a);
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const endless = setInterval(() => {
      if (!c.isClosed()) c.socket.write(frame);
    }, 20);
    try {
      await eventually(() => c.received().startsWith('HTTP/1.1 413'), 5_000);
      expect(c.received()).toMatch(/\r\nconnection: close\r\n/i);
      expect(await c.closed).toBeLessThan(10_000);
    } finally {
      clearInterval(endless);
    }
    await expectStored(p, 'after-endless-413');
  });
});
