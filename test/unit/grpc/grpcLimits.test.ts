/**
 * Stalled, idle and too many OTLP/gRPC clients, end to end: raw HTTP/2 sessions (`node:http2`)
 * and raw TCP sockets against the real gRPC receiver and the real ingest worker, and the official
 * `@opentelemetry/exporter-trace-otlp-grpc` exporter for the export that must still be stored.
 *
 * grpc-js hands a message to the receiver only once it is complete, so a stream that stalls
 * mid-message holds its bytes inside grpc-js: the receiver bounds how many messages are read at
 * once (a reservation of the size limit each, from the receive budget shared with OTLP/HTTP), how
 * long one may take (then its connection is closed, which frees the bytes), how many streams one
 * connection may open, how many connections are open and how long they may idle. Timeouts are
 * set short through `limits`; assertions leave generous margins (2 shared cores).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as grpc from '@grpc/grpc-js';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { GRPC_EXPORT_PATHS } from '../../../src/core/receiver/grpcWire';
import { ReceiveBudget } from '../../../src/core/receiver/receiveBudget';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import { RawOtlpClient, startGrpcPipeline, type GrpcPipeline } from '../../support/grpcPipeline';
import { encodeTraceRequest } from '../../support/otlp';

const MiB = 1024 * 1024;

const open: (GrpcPipeline | Pipeline)[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(open.splice(0).map((p) => p.close()));
});

async function pipeline(options: Parameters<typeof startGrpcPipeline>[0]): Promise<GrpcPipeline> {
  const p = await startGrpcPipeline(options);
  open.push(p);
  return p;
}

/** A raw HTTP/2 connection to the receiver; `closed` resolves (ms after connecting) when it ends. */
interface RawSession {
  session: http2.ClientHttp2Session;
  closed: Promise<number>;
  isClosed: () => boolean;
}

function connectSession(port: number): Promise<RawSession> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const session = http2.connect(`http://127.0.0.1:${port}`);
    cleanups.push(() => session.destroy());
    let isClosed = false;
    session.on('error', () => {});
    const closed = new Promise<number>((r) => session.on('close', () => {
      isClosed = true;
      r(Date.now() - started);
    }));
    session.once('remoteSettings', () => resolve({ session, closed, isClosed: () => isClosed }));
    session.once('error', reject);
  });
}

const FILLER = Buffer.alloc(20 * MiB, 0x0a);

/**
 * Opens an Export call whose 5-byte gRPC frame header announces `declared` bytes, sends `sent`
 * of them and stalls (never ends the stream). `status` resolves with the `grpc-status` the server
 * answered, or `undefined` when the stream closed without one (its connection was closed).
 */
function stalledCall(session: http2.ClientHttp2Session, declared: number, sent: number): { stream: http2.ClientHttp2Stream; status: Promise<string | undefined> } {
  const stream = session.request({ ':method': 'POST', ':path': GRPC_EXPORT_PATHS.traces, 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(declared, 1);
  stream.write(prefix);
  stream.write(FILLER.subarray(0, sent));
  const status = new Promise<string | undefined>((resolve) => {
    let code: string | undefined;
    const answered = (headers: http2.IncomingHttpHeaders) => {
      code ??= headers['grpc-status'] as string | undefined;
      if (code !== undefined) resolve(code);
    };
    stream.on('response', answered);
    stream.on('trailers', answered);
    stream.on('close', () => resolve(code));
  });
  stream.resume();
  return { stream, status };
}

let nextTrace = 1;

/** Sends one valid span with a raw client, retrying while refused for load; resolves its trace id once stored. */
async function exportUntilStored(p: GrpcPipeline, name: string, timeoutMs = 20_000): Promise<string> {
  const traceId = (0x6100_0000 + nextTrace++).toString(16).padStart(32, '0');
  const message = encodeTraceRequest({
    resourceSpans: [{ scopeSpans: [{ scope: { name: 's' }, spans: [{ traceId, spanId: '00000000000000b1', name, kind: 1, startTimeUnixNano: '1732200000000000000', endTimeUnixNano: '1732200000500000000' }] }] }],
  });
  const client = new RawOtlpClient(p.port);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await client.export('traces', message, 5_000);
      if (result.ok) break;
      expect(grpc.status[result.code]).toMatch(/RESOURCE_EXHAUSTED|UNAVAILABLE|DEADLINE_EXCEEDED/);
      if (Date.now() > deadline) throw new Error(`export still refused: ${result.details}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    client.close();
  }
  const summary = await p.client.request('traceSummary', { traceId });
  expect(summary?.rootName).toBe(name);
  return traceId;
}

/** One trace through the official gRPC exporter; resolves once it is stored. */
async function officialExport(p: GrpcPipeline, serviceName: string): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: p.url }) })],
  });
  const root = provider.getTracer('limits').startSpan('invoke_agent', { kind: SpanKind.INTERNAL });
  provider.getTracer('limits').startSpan('chat', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root)).end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  const traceId = root.spanContext().traceId;
  const summary = await eventually(async () => {
    const s = await p.client.request('traceSummary', { traceId });
    return s && s.spanCount === 2 ? s : null;
  }, 20_000);
  expect(summary.serviceName).toBe(serviceName);
}

describe('OTLP/gRPC: streams that stall mid-message', () => {
  it('twelve 19 MiB messages stalled half-way: each is ended within its timeout, connections holding their bytes are closed, and exports are stored', async () => {
    const p = await pipeline({ limits: { messageReceiveTimeoutMs: 1_500 } });
    const started = Date.now();
    const sessions = await Promise.all(Array.from({ length: 4 }, () => connectSession(p.port)));
    const calls = sessions.flatMap((s) => Array.from({ length: 3 }, () => stalledCall(s.session, 19 * MiB, 8 * MiB)));
    // Three fit the 64 MiB budget and are read; late, they get DEADLINE_EXCEEDED and their
    // connection is closed (the only way to make grpc-js drop what it read). Calls that waited
    // for room longer than admissionWaitMs get RESOURCE_EXHAUSTED + RetryInfo, unread.
    const statuses = await Promise.all(calls.map((c) => c.status));
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const s of statuses) expect([undefined, String(grpc.status.DEADLINE_EXCEEDED), String(grpc.status.RESOURCE_EXHAUSTED)]).toContain(s);
    expect(statuses.filter((s) => s !== String(grpc.status.RESOURCE_EXHAUSTED)).length).toBeGreaterThanOrEqual(3);
    const closed = sessions.filter((s) => s.isClosed()).length;
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(p.logs.some((l) => /→ DEADLINE_EXCEEDED: message not received within 1\.5 s; connection closed/.test(l))).toBe(true);
    await eventually(() => p.receiver.receivingBytes === 0, 5_000);
    await exportUntilStored(p, 'after-stalled-grpc');
    await officialExport(p, 'official-after-stall');
  });

  it('while stalled calls hold the receive budget, new calls wait for room, then are refused with RetryInfo; an export is stored once the stalled ones time out', async () => {
    const p = await pipeline({ maxMessageBytes: 20 * MiB, limits: { messageReceiveTimeoutMs: 3_000, admissionWaitMs: 300 } });
    const s = await connectSession(p.port);
    // The default budget (64 MiB) holds three reservations of the 20 MiB limit.
    const held = Array.from({ length: 3 }, () => stalledCall(s.session, 19 * MiB, 1 * MiB));
    await eventually(() => p.receiver.receivingBytes === 60 * MiB, 5_000);
    const client = new RawOtlpClient(p.port);
    try {
      const refused = await client.export('traces', new Uint8Array(0), 5_000);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(grpc.status[refused.code]).toBe('RESOURCE_EXHAUSTED');
        expect(refused.metadata.get('google.rpc.retryinfo-bin')).toHaveLength(1);
        expect(refused.details).toMatch(/receiving/);
      }
    } finally {
      client.close();
    }
    await Promise.all(held.map((c) => c.status));
    await s.closed;
    await exportUntilStored(p, 'after-budget-freed');
  });
});

describe('OTLP/gRPC and OTLP/HTTP share one receive budget', () => {
  it('messages being received over gRPC leave HTTP only the rest of the budget, until they time out', async () => {
    const budget = new ReceiveBudget(64 * MiB);
    const g = await pipeline({ maxMessageBytes: 20 * MiB, receiveBudget: budget, limits: { messageReceiveTimeoutMs: 2_000 } });
    const h = await startPipeline({ maxBodyBytes: 20 * MiB, receiveBudget: budget });
    open.push(h);
    const s = await connectSession(g.port);
    for (let i = 0; i < 3; i++) stalledCall(s.session, 19 * MiB, 1 * MiB);
    await eventually(() => budget.usedBytes === 60 * MiB, 5_000);
    // 4 MiB are left: an 8 MiB upload is refused for now (503, retryable), a small one is not.
    const post = (bytes: number) => fetch(`${h.url}/v1/traces`, { method: 'POST', body: new Uint8Array(bytes), headers: { 'Content-Type': 'application/x-protobuf' } })
      .then(async (res) => (await res.arrayBuffer(), res.status), () => 0);
    expect(await post(8 * MiB)).toBe(503);
    expect(await post(0)).toBe(200);
    await s.closed;
    await eventually(() => budget.usedBytes === 0, 5_000);
    // Zero bytes are a valid (empty) protobuf request: the 8 MiB of zeros are not; 400 means read whole.
    expect(await post(8 * MiB)).toBe(400);
    await exportUntilStored(g, 'after-shared-budget');
  });
});

describe('OTLP/gRPC: streams per connection, idle connections, connection cap', () => {
  it('advertises grpc.max_concurrent_streams: streams past it wait on the client, other connections still export', async () => {
    const p = await pipeline({ maxMessageBytes: 4 * MiB, limits: { maxConcurrentStreams: 2, messageReceiveTimeoutMs: 60_000 } });
    const s = await connectSession(p.port);
    expect(s.session.remoteSettings.maxConcurrentStreams).toBe(2);
    for (let i = 0; i < 3; i++) stalledCall(s.session, 1 * MiB, 1024);
    await eventually(() => p.receiver.receivingBytes === 2 * 4 * MiB, 5_000);
    await new Promise((r) => setTimeout(r, 500));
    // The third call never reached the server (there was room for it in the budget).
    expect(p.receiver.receivingBytes).toBe(2 * 4 * MiB);
    await exportUntilStored(p, 'beside-a-full-connection');
  });

  it('a connection without calls is closed after maxConnectionIdleMs', async () => {
    const p = await pipeline({ limits: { maxConnectionIdleMs: 1_000 } });
    const s = await connectSession(p.port);
    expect(await s.closed).toBeLessThan(10_000);
    await exportUntilStored(p, 'after-idle-connection');
  });

  it('past maxConnections the longest idle connection makes room; sockets that never speak HTTP/2 are closed after maxConnectionIdleMs', async () => {
    const p = await pipeline({ limits: { maxConnections: 4, maxConnectionIdleMs: 1_500 } });
    const sockets: { socket: net.Socket; closed: Promise<number>; isClosed: () => boolean }[] = [];
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const socket = net.connect(p.port, '127.0.0.1');
      cleanups.push(() => socket.destroy());
      socket.on('error', () => {});
      socket.on('data', () => {});
      let isClosed = false;
      const closed = new Promise<number>((r) => socket.on('close', () => {
        isClosed = true;
        r(Date.now() - started);
      }));
      await new Promise((r) => socket.once('connect', r));
      sockets.push({ socket, closed, isClosed: () => isClosed });
    }
    await eventually(() => sockets.slice(0, 6).every((s) => s.isClosed()), 5_000);
    await exportUntilStored(p, 'past-the-grpc-cap');
    const closedAfter = await Promise.all(sockets.map((s) => s.closed));
    for (const ms of closedAfter) expect(ms).toBeLessThan(10_000);
    expect(p.logs.some((l) => /gRPC connection .*closed to make room/.test(l))).toBe(true);
  });
});

describe('OTLP/gRPC: memory held by stalled streams', () => {
  it('40 streams that announce 19 MiB, send 18 MiB and stall grow the receiving process by far less than their 720 MiB', async () => {
    // The receiver runs in a child process of its own, so its memory is measured alone.
    const dir = mkdtempSync(join(tmpdir(), 'trace-lens-grpc-mem-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const harness = join(dir, 'harness.js');
    await build({ entryPoints: [join(__dirname, 'grpcMemoryHarness.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: harness, logLevel: 'silent' });
    const child = fork(harness, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    cleanups.push(() => child.kill());
    const replies: { port?: number; rss?: number; arrayBuffers?: number }[] = [];
    child.on('message', (m) => replies.push(m as (typeof replies)[number]));
    const port = (await eventually(() => replies.find((r) => r.port)?.port, 20_000))!;
    const measure = async () => {
      const n = replies.length;
      child.send('measure');
      return (await eventually(() => (replies.length > n ? replies[n] : undefined), 10_000)) as { rss: number; arrayBuffers: number };
    };
    const before = await measure();
    const sessions = await Promise.all(Array.from({ length: 4 }, () => connectSession(port)));
    for (const s of sessions) for (let i = 0; i < 10; i++) stalledCall(s.session, 19 * MiB, 18 * MiB);
    // Give the receiver time to read everything it is going to read.
    await new Promise((r) => setTimeout(r, 4_000));
    const during = await measure();
    const grewMiB = (during.rss - before.rss) / MiB;
    const buffersMiB = (during.arrayBuffers - before.arrayBuffers) / MiB;
    console.log(`gRPC receiver process with 40 stalled 19 MiB streams: RSS +${grewMiB.toFixed(0)} MiB, array buffers +${buffersMiB.toFixed(0)} MiB`);
    // Three reservations of the 20 MiB limit fit the 64 MiB budget; the others are not read.
    expect(buffersMiB).toBeLessThan(100);
    expect(grewMiB).toBeLessThan(200);
  }, 60_000);
});
