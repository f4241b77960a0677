/**
 * The OTLP/gRPC receiver over real HTTP/2 on 127.0.0.1, with the real ingest worker behind it,
 * the official OpenTelemetry gRPC exporters as clients, and a raw grpc-js client for the error
 * cases (malformed, oversize, overloaded, stopping).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { SpanKind, SpanStatusCode, SeverityNumber, context, trace } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OtlpGrpcReceiver } from '../../../src/core/receiver/otlpGrpcReceiver';
import { GRPC_EXPORT_PATHS, RETRY_DELAY_SECONDS } from '../../../src/core/receiver/grpcWire';
import type { IngestParams } from '../../../src/core/otlp/types';
import { OTLP_MESSAGES, getOtlpRoot, otlpType } from '../../../src/core/otlp/protoRoot';
import { eventually } from '../../support/pipeline';
import { RawOtlpClient, startGrpcPipeline, type GrpcPipeline, type RawResult } from '../../support/grpcPipeline';
import { encodeTraceRequest } from '../../support/otlp';

const RPC = protobuf.parse(`syntax = "proto3";
  package google.rpc;
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message RetryInfo { Duration retry_delay = 1; }`, { keepCase: true }).root;
const STATUS = RPC.lookupType('google.rpc.Status');
const RETRY_INFO = RPC.lookupType('google.rpc.RetryInfo');
const GZIP = 'gzip' as never;

let p: GrpcPipeline;
let raw: RawOtlpClient;
beforeAll(async () => {
  p = await startGrpcPipeline();
  raw = new RawOtlpClient(p.port);
});
afterAll(async () => {
  raw.close();
  await p.close();
});

/** Emits one small agent-like trace through a real SDK pipeline with the given exporter. */
async function emitTrace(exporter: OTLPTraceExporter, serviceName: string, bigAttribute = ''): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('grpc-test', '1.2.3');
  const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  const inRoot = trace.setSpan(context.active(), root);
  const traceId = root.spanContext().traceId;
  const attributes: Record<string, string | number> = { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 42 };
  if (bigAttribute) attributes['app.prompt'] = bigAttribute;
  tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes }, inRoot).end();
  const tool = tracer.startSpan('execute_tool lookup', {}, inRoot);
  tool.recordException(new Error('lookup failed'));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'lookup failed' });
  tool.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

async function storedTrace(pipeline: GrpcPipeline, traceId: string, spanCount: number) {
  return eventually(async () => {
    const s = await pipeline.client.request('traceSummary', { traceId });
    return s && s.spanCount === spanCount ? s : null;
  });
}

/** A TCP relay that counts the bytes clients send, to see what went over the wire. */
async function byteCountingProxy(targetPort: number): Promise<{ port: number; sent: () => number; close: () => Promise<void> }> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sent: () => sent,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function traceRequest(spans: { traceId: string; spanId: string; name: string }[]): Uint8Array {
  const type = otlpType(OTLP_MESSAGES.traceRequest);
  return type
    .encode(
      type.fromObject({
        resourceSpans: [{
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw-grpc' } }] },
          scopeSpans: [{
            scope: { name: 'raw' },
            spans: spans.map((s) => ({
              traceId: Buffer.from(s.traceId, 'hex'),
              spanId: Buffer.from(s.spanId, 'hex'),
              name: s.name,
              kind: 1,
              startTimeUnixNano: '1732200000000000000',
              endTimeUnixNano: '1732200000500000000',
            })),
          }],
        }],
      }),
    )
    .finish();
}

function expectError(result: RawResult, code: grpc.status): Extract<RawResult, { ok: false }> {
  expect(result.ok ? 'OK' : grpc.status[result.code]).toBe(grpc.status[code]);
  return result as Extract<RawResult, { ok: false }>;
}

describe('OTLP/gRPC receiver with the official gRPC exporters', () => {
  it('stores a trace sent by @opentelemetry/exporter-trace-otlp-grpc', async () => {
    const traceId = await emitTrace(new OTLPTraceExporter({ url: p.url }), 'grpc-app');
    const summary = await storedTrace(p, traceId, 3);
    expect(summary.rootName).toBe('invoke_agent planner');
    expect(summary.serviceName).toBe('grpc-app');
    expect(summary.errorCount).toBe(1);
    const skeleton = await p.client.request('traceSkeleton', { traceId });
    const chat = skeleton!.spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    const detail = await p.client.request('spanDetail', { traceId, spanId: chat.spanId });
    expect(detail?.span.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
    expect(detail?.span.attributes['gen_ai.usage.input_tokens']).toBe(42);
    expect(detail?.span.scope.name).toBe('grpc-test');
    expect(detail?.span.kind).toBe('client');
    const tool = skeleton!.spans.find((s) => s.name === 'execute_tool lookup')!;
    expect(tool.statusCode).toBe('error');
    expect(tool.hasException).toBe(true);
  });

  it('accepts gzip-compressed exports (compression: gzip), and they really are compressed on the wire', async () => {
    const prompt = 'You are a helpful assistant. '.repeat(8_000); // ~230 kB, compresses ~100×
    const plainProxy = await byteCountingProxy(p.port);
    const gzipProxy = await byteCountingProxy(p.port);
    try {
      const plainId = await emitTrace(new OTLPTraceExporter({ url: `http://127.0.0.1:${plainProxy.port}` }), 'grpc-plain', prompt);
      const gzipId = await emitTrace(new OTLPTraceExporter({ url: `http://127.0.0.1:${gzipProxy.port}`, compression: GZIP }), 'grpc-gzip', prompt);
      const summary = await storedTrace(p, gzipId, 3);
      expect(summary.serviceName).toBe('grpc-gzip');
      await storedTrace(p, plainId, 3);
      const skeleton = await p.client.request('traceSkeleton', { traceId: gzipId });
      const chat = skeleton!.spans.find((s) => s.name === 'chat gpt-4o-mini')!;
      const detail = await p.client.request('spanDetail', { traceId: gzipId, spanId: chat.spanId });
      expect(detail?.span.attributes['app.prompt']).toBe(prompt);
      expect(plainProxy.sent()).toBeGreaterThan(prompt.length);
      expect(gzipProxy.sent()).toBeLessThan(prompt.length / 10);
    } finally {
      await plainProxy.close();
      await gzipProxy.close();
    }
  });

  for (const compression of [undefined, GZIP]) {
    it(`attaches GenAI log records from @opentelemetry/exporter-logs-otlp-grpc to their span (${compression ?? 'uncompressed'})`, async () => {
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: p.url, compression }) })] });
      const loggerProvider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'grpc-genai' }),
        processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: p.url, compression }) })],
      });
      const span = provider.getTracer('t').startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat' } });
      const ctx = trace.setSpan(context.active(), span);
      const logger = loggerProvider.getLogger('genai');
      logger.emit({
        context: ctx,
        severityNumber: SeverityNumber.INFO,
        eventName: 'gen_ai.user.message',
        body: { content: 'What is the weather in Paris?' },
        attributes: { 'gen_ai.system': 'openai' },
      });
      logger.emit({
        context: ctx,
        severityNumber: SeverityNumber.INFO,
        eventName: 'gen_ai.choice',
        body: { index: 0, finish_reason: 'stop', message: { content: 'Sunny, 21 °C.' } },
        attributes: { 'gen_ai.system': 'openai' },
      });
      span.end();
      await loggerProvider.forceFlush();
      await provider.forceFlush();
      const { traceId, spanId } = span.spanContext();
      const detail = await eventually(async () => {
        const d = await p.client.request('spanDetail', { traceId, spanId });
        return d && d.logs.length === 2 ? d : null;
      });
      const byName = new Map(detail.logs.map((l) => [l.eventName, l]));
      expect(byName.get('gen_ai.user.message')?.body).toEqual({ content: 'What is the weather in Paris?' });
      expect(byName.get('gen_ai.choice')?.body).toEqual({ index: 0, finish_reason: 'stop', message: { content: 'Sunny, 21 °C.' } });
      expect(byName.get('gen_ai.user.message')?.attributes['gen_ai.system']).toBe('openai');
      await loggerProvider.shutdown();
      await provider.shutdown();
    });
  }
});

describe('OTLP/gRPC status codes and responses per the specification', () => {
  it('serves exactly the Export methods of the vendored collector protos', () => {
    const root = getOtlpRoot();
    for (const [signal, path] of Object.entries(GRPC_EXPORT_PATHS)) {
      const [, serviceName, method] = path.split('/');
      const service = root.lookupService(serviceName);
      expect(service.methods[method], `${signal}: ${path}`).toBeDefined();
      expect(service.methods[method].requestType).toMatch(/^Export(Trace|Logs|Metrics)ServiceRequest$/);
    }
  });

  it('hands the worker the raw message bytes as protobuf and transfers them', async () => {
    const seen: { format: string; encoding: string; size: number; detachedAfter: boolean }[] = [];
    const q = await startGrpcPipeline({
      ingest: async (params: IngestParams) => {
        const size = params.body.byteLength;
        const outcome = await q.client.ingest(params);
        seen.push({ format: params.format, encoding: params.encoding, size, detachedAfter: params.body.byteLength === 0 });
        return outcome;
      },
    });
    const client = new RawOtlpClient(q.port, { gzip: true });
    try {
      const message = traceRequest([{ traceId: 'cd'.repeat(16), spanId: 'ef'.repeat(8), name: 'raw' }]);
      const plain = await new RawOtlpClient(q.port).export('traces', message);
      expect(plain.ok).toBe(true);
      const gzipped = await client.export('traces', message);
      expect(gzipped.ok).toBe(true);
      expect(seen).toEqual([
        { format: 'protobuf', encoding: 'identity', size: message.byteLength, detachedAfter: true },
        { format: 'protobuf', encoding: 'identity', size: message.byteLength, detachedAfter: true },
      ]);
    } finally {
      client.close();
      await q.close();
    }
  });

  it('answers OK with an empty response for a valid message and an empty one', async () => {
    const ok = await raw.export('traces', traceRequest([{ traceId: '12'.repeat(16), spanId: '34'.repeat(8), name: 'ok' }]));
    expect(ok).toEqual({ ok: true, response: Buffer.alloc(0) });
    const empty = await raw.export('logs', new Uint8Array(0));
    expect(empty.ok).toBe(true);
  });

  it('reports partial success: a span with a zero span id is rejected, the other kept', async () => {
    const traceId = 'ab'.repeat(16);
    const result = await raw.export('traces', traceRequest([
      { traceId, spanId: '0000000000000000', name: 'bad' },
      { traceId, spanId: 'bc'.repeat(8), name: 'good' },
    ]));
    if (!result.ok) throw new Error(`call failed: ${result.details}`);
    const type = otlpType(OTLP_MESSAGES.traceResponse);
    const response = type.toObject(type.decode(result.response), { longs: Number }) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };
    expect(response.partialSuccess?.rejectedSpans).toBe(1);
    expect(response.partialSuccess?.errorMessage).toMatch(/span.?id/i);
    const summary = await storedTrace(p, traceId, 1);
    expect(summary.rootName).toBe('good');
  });

  it('answers INVALID_ARGUMENT for undecodable message bytes, with and without gzip', async () => {
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const plain = expectError(await raw.export('traces', garbage), grpc.status.INVALID_ARGUMENT);
    expect(plain.details.length).toBeGreaterThan(0);
    const gz = new RawOtlpClient(p.port, { gzip: true });
    try {
      expectError(await gz.export('logs', garbage), grpc.status.INVALID_ARGUMENT);
    } finally {
      gz.close();
    }
    expect(p.logs.some((l) => l.includes('INVALID_ARGUMENT'))).toBe(true);
  });

  it('answers RESOURCE_EXHAUSTED without retry info past the size limit, on the wire and after gunzip', async () => {
    const small = await startGrpcPipeline({ maxMessageBytes: 64 * 1024 });
    const plain = new RawOtlpClient(small.port);
    const gz = new RawOtlpClient(small.port, { gzip: true });
    try {
      const big = expectError(await plain.export('traces', new Uint8Array(100 * 1024)), grpc.status.RESOURCE_EXHAUSTED);
      expect(big.metadata.get('grpc-status-details-bin')).toEqual([]);
      // ~10 kB on the wire, 10 MiB once decompressed: refused while inflating.
      const bomb = expectError(await gz.export('traces', new Uint8Array(10 * 1024 * 1024)), grpc.status.RESOURCE_EXHAUSTED);
      expect(bomb.details).toMatch(/decompress/i);
      // Under the limit still works on the same receiver.
      expect((await plain.export('traces', new Uint8Array(0))).ok).toBe(true);
    } finally {
      plain.close();
      gz.close();
      await small.close();
    }
  });

  it('answers RESOURCE_EXHAUSTED with google.rpc.RetryInfo while the worker is saturated', async () => {
    const busy = await startGrpcPipeline({ isOverloaded: () => true });
    const client = new RawOtlpClient(busy.port);
    try {
      const result = expectError(await client.export('traces', new Uint8Array(0)), grpc.status.RESOURCE_EXHAUSTED);
      expect(result.details).toMatch(/busy/);
      // Standard rich error model: google.rpc.Status with an Any(RetryInfo) detail.
      const [statusBin] = result.metadata.get('grpc-status-details-bin') as Buffer[];
      const status = STATUS.toObject(STATUS.decode(statusBin), { longs: Number }) as { code: number; message: string; details: { type_url: string; value: Uint8Array }[] };
      expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(status.message).toBe(result.details);
      expect(status.details).toHaveLength(1);
      expect(status.details[0].type_url).toBe('type.googleapis.com/google.rpc.RetryInfo');
      const retry = RETRY_INFO.toObject(RETRY_INFO.decode(status.details[0].value), { longs: Number }) as { retry_delay: { seconds: number } };
      expect(retry.retry_delay.seconds).toBe(RETRY_DELAY_SECONDS);
      // The key the Python exporter reads.
      const [retryBin] = result.metadata.get('google.rpc.retryinfo-bin') as Buffer[];
      expect(RETRY_INFO.toObject(RETRY_INFO.decode(retryBin), { longs: Number })).toEqual({ retry_delay: { seconds: RETRY_DELAY_SECONDS } });
    } finally {
      client.close();
      await busy.close();
    }
  });

  it('answers RESOURCE_EXHAUSTED with RetryInfo when the bounded worker queue refuses the message (real worker)', async () => {
    // The call passes the receiver's early check; the worker client's own bound refuses it.
    const p = await startGrpcPipeline({ client: { maxPendingRequests: 1 }, isOverloaded: () => false });
    const client = new RawOtlpClient(p.port);
    try {
      const big = encodeTraceRequest({
        resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: 20_000 }, (_, i) => ({ traceId: 'ab'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0'), name: 's', startTimeUnixNano: '1', endTimeUnixNano: '2' })) }] }],
      });
      const hold = p.client.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: big, maxBodyBytes: 1 << 26 });
      const result = expectError(await client.export('traces', new Uint8Array(0)), grpc.status.RESOURCE_EXHAUSTED);
      expect(result.details).toMatch(/busy storing earlier requests/);
      expect(result.metadata.get('google.rpc.retryinfo-bin')).toHaveLength(1);
      expect(await hold).toMatchObject({ status: 'ok', accepted: 20_000 });
      expect(p.logs.some((l) => /RESOURCE_EXHAUSTED: Trace Lens is busy/.test(l))).toBe(true);
    } finally {
      client.close();
      await p.close();
    }
  });

  it('answers UNAVAILABLE when the worker fails', async () => {
    const broken = await startGrpcPipeline({ ingest: () => Promise.reject(new Error('ingest worker exited with code 1')) });
    const client = new RawOtlpClient(broken.port);
    try {
      const result = expectError(await client.export('traces', new Uint8Array(0)), grpc.status.UNAVAILABLE);
      expect(result.details).toContain('ingest worker exited');
    } finally {
      client.close();
      await broken.close();
    }
  });

  it('answers UNIMPLEMENTED for other methods', async () => {
    expectError(await raw.export('/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export', new Uint8Array(0)), grpc.status.UNIMPLEMENTED);
  });

  it('counts metric data points without storing them', async () => {
    const before = await p.client.request('stats', {});
    const type = otlpType(OTLP_MESSAGES.metricsRequest);
    const message = type.encode(type.fromObject({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{ asInt: 1 }, { asInt: 2 }] } }] }] }],
    })).finish();
    expect((await raw.export('metrics', message)).ok).toBe(true);
    const after = await p.client.request('stats', {});
    expect(after.metricPointCount - before.metricPointCount).toBe(2);
  });
});

describe('OTLP/gRPC receiver lifecycle', () => {
  it('reports a busy port instead of throwing', async () => {
    const second = new OtlpGrpcReceiver({ host: '127.0.0.1', port: p.port, maxMessageBytes: 1024, ingest: () => Promise.reject(new Error('unused')), isOverloaded: () => false });
    const result = await second.start();
    expect(result).toMatchObject({ ok: false, reason: 'portBusy' });
    if (!result.ok) expect(result.message).toContain(`127.0.0.1:${p.port}`);
    await second.stop();
  });

  it('also when the port is held by a plain TCP server', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const receiver = new OtlpGrpcReceiver({ host: '127.0.0.1', port, maxMessageBytes: 1024, ingest: () => Promise.reject(new Error('unused')), isOverloaded: () => false });
      expect(await receiver.start()).toMatchObject({ ok: false, reason: 'portBusy' });
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('binds IPv6 loopback and localhost as the host setting allows', async () => {
    for (const [host, target] of [['::1', '[::1]'], ['localhost', 'localhost']]) {
      const q = await startGrpcPipeline({ host });
      const client = new RawOtlpClient(q.port, { host: target });
      try {
        expect(q.receiver.address).toEqual({ host, port: q.port });
        expect(await client.export('traces', new Uint8Array(0))).toMatchObject({ ok: true });
      } finally {
        client.close();
        await q.close();
      }
    }
  });

  it('after stop, clients get UNAVAILABLE; it restarts on the same port', async () => {
    const q = await startGrpcPipeline();
    const client = new RawOtlpClient(q.port);
    try {
      expect((await client.export('traces', new Uint8Array(0))).ok).toBe(true);
      await q.receiver.stop();
      expect(q.receiver.address).toBeUndefined();
      expectError(await client.export('traces', new Uint8Array(0), 3_000), grpc.status.UNAVAILABLE);
      const again = new OtlpGrpcReceiver({ host: '127.0.0.1', port: q.port, maxMessageBytes: 1024, ingest: (x) => q.client.ingest(x), isOverloaded: () => false });
      expect(await again.start()).toEqual({ ok: true, host: '127.0.0.1', port: q.port });
      expect(await again.start()).toEqual({ ok: true, host: '127.0.0.1', port: q.port });
      const fresh = new RawOtlpClient(q.port);
      expect(await fresh.export('traces', new Uint8Array(0))).toMatchObject({ ok: true });
      fresh.close();
      await again.stop();
    } finally {
      client.close();
      await q.close();
    }
  });

  it('answers calls still waiting for the worker with UNAVAILABLE when stopping takes too long', async () => {
    let calls = 0;
    const stuck = await startGrpcPipeline({
      ingest: () => {
        calls++;
        return new Promise(() => {});
      },
    });
    const client = new RawOtlpClient(stuck.port);
    try {
      const pending = client.export('traces', new Uint8Array(0));
      await eventually(() => calls === 1);
      const started = Date.now();
      await stuck.receiver.stop();
      expect(Date.now() - started).toBeLessThan(5_000);
      const result = expectError(await pending, grpc.status.UNAVAILABLE);
      expect(result.details).toMatch(/stopping/);
    } finally {
      client.close();
      await stuck.close();
    }
  });
});
