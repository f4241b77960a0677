/**
 * The OTLP/HTTP receiver over real HTTP on 127.0.0.1, with the real ingest worker behind it and
 * real OpenTelemetry SDK exporters as clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import * as protobuf from 'protobufjs';
import { SpanStatusCode, SpanKind, SeverityNumber, context, trace } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const STATUS = protobuf.parse(`syntax = "proto3"; package google.rpc;
  message Status { int32 code = 1; string message = 2; }`).root.lookupType('google.rpc.Status');
const TRACE_RESPONSE = protobuf.parse(`syntax = "proto3";
  message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }`).root.lookupType('ExportTraceServiceResponse');

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

/** Emits one small agent-like trace through a real SDK pipeline with the given exporter. */
async function emitTrace(exporter: ProtoTraceExporter | JsonTraceExporter, serviceName: string): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('receiver-test', '1.2.3');
  // No context manager is registered here, so the parent context is passed explicitly.
  const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  const inRoot = trace.setSpan(context.active(), root);
  const traceId = root.spanContext().traceId;
  const child = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 42 } }, inRoot);
  child.end();
  const tool = tracer.startSpan('execute_tool lookup', {}, inRoot);
  tool.recordException(new Error('lookup failed'));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'lookup failed' });
  tool.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

describe('OTLP/HTTP receiver with real SDK exporters', () => {
  it('stores a trace sent by the protobuf exporter', async () => {
    const traceId = await emitTrace(new ProtoTraceExporter({ url: `${p.url}/v1/traces` }), 'proto-app');
    const summary = await eventually(async () => {
      const s = await p.client.request('traceSummary', { traceId });
      return s && s.spanCount === 3 ? s : null;
    });
    expect(summary.rootName).toBe('invoke_agent planner');
    expect(summary.serviceName).toBe('proto-app');
    expect(summary.errorCount).toBe(1);
    const skeleton = await p.client.request('traceSkeleton', { traceId });
    expect(skeleton?.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'execute_tool lookup', 'invoke_agent planner']);
    const chat = skeleton!.spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    const detail = await p.client.request('spanDetail', { traceId, spanId: chat.spanId });
    expect(detail?.span.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
    expect(detail?.span.attributes['gen_ai.usage.input_tokens']).toBe(42);
    expect(detail?.span.scope.name).toBe('receiver-test');
    expect(detail?.span.kind).toBe('client');
  });

  it('stores a trace sent by the JSON exporter, gzip-compressed', async () => {
    const traceId = await emitTrace(new JsonTraceExporter({ url: `${p.url}/v1/traces`, compression: 'gzip' as never }), 'json-app');
    const summary = await eventually(async () => {
      const s = await p.client.request('traceSummary', { traceId });
      return s && s.spanCount === 3 ? s : null;
    });
    expect(summary.serviceName).toBe('json-app');
    const skeleton = await p.client.request('traceSkeleton', { traceId });
    const tool = skeleton!.spans.find((s) => s.name === 'execute_tool lookup')!;
    expect(tool.statusCode).toBe('error');
    expect(tool.hasException).toBe(true);
  });

  it('attaches log records to their span by trace and span id', async () => {
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new ProtoTraceExporter({ url: `${p.url}/v1/traces` }) })] });
    const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${p.url}/v1/logs` }) })] });
    const span = provider.getTracer('t').startSpan('chat model');
    const ctx = trace.setSpan(context.active(), span);
    loggerProvider.getLogger('genai').emit({
      context: ctx,
      severityNumber: SeverityNumber.INFO,
      eventName: 'gen_ai.user.message',
      body: { content: 'What is the weather in Paris?' },
      attributes: { 'gen_ai.system': 'openai' },
    });
    span.end();
    await loggerProvider.forceFlush();
    await provider.forceFlush();
    const { traceId, spanId } = span.spanContext();
    const detail = await eventually(async () => {
      const d = await p.client.request('spanDetail', { traceId, spanId });
      return d && d.logs.length === 1 ? d : null;
    });
    expect(detail.logs[0].eventName).toBe('gen_ai.user.message');
    expect(detail.logs[0].body).toEqual({ content: 'What is the weather in Paris?' });
    await loggerProvider.shutdown();
    await provider.shutdown();
  });
});

describe('OTLP/HTTP responses per the specification', () => {
  const post = (path: string, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string>) =>
    fetch(`${p.url}${path}`, { method: 'POST', body, headers });

  it('answers 404 naming the right paths for / and /v1/trace', async () => {
    for (const path of ['/', '/v1/trace']) {
      const res = await post(path, '{}', { 'Content-Type': 'application/json' });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('/v1/traces');
    }
  });

  it('answers 405 to GET and 415 to other content types', async () => {
    const get = await fetch(`${p.url}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toContain('POST');
    const text = await post('/v1/traces', 'hello', { 'Content-Type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('answers 400 with a protobuf google.rpc.Status for an undecodable protobuf body', async () => {
    const res = await post('/v1/traces', new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'Content-Type': 'application/x-protobuf' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const status = STATUS.toObject(STATUS.decode(new Uint8Array(await res.arrayBuffer()))) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message.length).toBeGreaterThan(0);
  });

  it('answers 400 with a JSON Status for invalid JSON', async () => {
    const res = await post('/v1/traces', '{"resourceSpans": [', { 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: number; message: string };
    expect(body.code).toBe(3);
  });

  it('reports partial success: one span with a zero span id is rejected, the other kept', async () => {
    const traceId = 'aa'.repeat(16);
    const span = (spanId: string, name: string) => ({
      traceId, spanId, name, kind: 1, startTimeUnixNano: '1732200000000000000', endTimeUnixNano: '1732200000500000000',
    });
    const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [span('0000000000000000', 'bad'), span('bb'.repeat(8), 'good')] }] }] });
    const res = await post('/v1/traces', body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { partialSuccess?: { rejectedSpans: string | number; errorMessage: string } };
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/span ?id/i);
    const summary = await eventually(() => p.client.request('traceSummary', { traceId }));
    expect(summary.spanCount).toBe(1);
    expect(summary.rootName).toBe('good');
  });

  it('answers 200 with an empty protobuf response and accepts deflate', async () => {
    const json = JSON.stringify({ resourceSpans: [] });
    const res = await post('/v1/traces', zlib.deflateSync(json), { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' });
    expect(res.status).toBe(200);
    const proto = await post('/v1/traces', new Uint8Array(0), { 'Content-Type': 'application/x-protobuf' });
    expect(proto.status).toBe(200);
    const decoded = TRACE_RESPONSE.toObject(TRACE_RESPONSE.decode(new Uint8Array(await proto.arrayBuffer())));
    expect(decoded.partialSuccess).toBeUndefined();
  });

  it('answers 413 when the decompressed body exceeds the limit (gzip bomb)', async () => {
    const small = await startPipeline({ maxBodyBytes: 64 * 1024 });
    try {
      const bomb = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
      expect(bomb.byteLength).toBeLessThan(64 * 1024);
      const res = await fetch(`${small.url}/v1/traces`, { method: 'POST', body: bomb, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
      expect(res.status).toBe(413);
      const big = await fetch(`${small.url}/v1/traces`, { method: 'POST', body: Buffer.alloc(100 * 1024, 0x20), headers: { 'Content-Type': 'application/json' } });
      expect(big.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await fetch(`${p.url}/v1/traces`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const denied = await fetch(`${p.url}/v1/traces`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses requests whose Host header is not a loopback name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${p.url}/v1/traces`, { method: 'POST', headers: { Host: 'attacker.example:4318', 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('counts metric data points without storing them', async () => {
    const before = await p.client.request('stats', {});
    const body = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{ asInt: '1' }, { asInt: '2' }] } }] }] }] });
    const res = await post('/v1/metrics', body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    const after = await p.client.request('stats', {});
    expect(after.metricPointCount - before.metricPointCount).toBe(2);
  });

  it('reports a busy port instead of throwing', async () => {
    const { OtlpHttpReceiver } = await import('../../../src/core/receiver/otlpHttpReceiver');
    const port = Number(new URL(p.url).port);
    const second = new OtlpHttpReceiver({ host: '127.0.0.1', port, maxBodyBytes: 1024, corsAllowedOrigins: [], ingest: () => Promise.reject(new Error('unused')), isOverloaded: () => false });
    const result = await second.start();
    expect(result).toMatchObject({ ok: false, reason: 'portBusy' });
  });
});
