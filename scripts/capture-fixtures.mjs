#!/usr/bin/env node
// Captures OTLP/HTTP request bodies from REAL OpenTelemetry JS exporters into test/fixtures/otlp/.
//
// A local node:http server on 127.0.0.1:0 records every request (path, headers, raw body). The
// real SDK pipelines export to it: trace exporters (protobuf, JSON, protobuf+gzip), log exporters
// (protobuf, JSON), metric exporters (protobuf, JSON), and the real
// @opentelemetry/instrumentation-openai wrapping a real `openai` client that talks to a fake
// chat-completions endpoint (also local). Alongside each exporter an in-memory exporter receives
// the same data; its content, mapped to the project's model shape (src/model/trace.ts) by the
// plain rules below, is written as `<name>.expected.json`: the oracle the decoder tests compare to.
//
// Re-runnable: `node scripts/capture-fixtures.mjs` (ids and times change on every run).
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test', 'fixtures', 'otlp');

const api = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { TracerProvider, BatchSpanProcessor, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace');
const { LoggerProvider, BatchLogRecordProcessor, SimpleLogRecordProcessor, InMemoryLogRecordExporter } = require('@opentelemetry/sdk-logs');
const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const { OTLPTraceExporter: OTLPTraceExporterProto } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: OTLPTraceExporterJson } = require('@opentelemetry/exporter-trace-otlp-http');
const { OTLPLogExporter: OTLPLogExporterProto } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPLogExporter: OTLPLogExporterJson } = require('@opentelemetry/exporter-logs-otlp-http');
const { OTLPMetricExporter: OTLPMetricExporterProto } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { OTLPMetricExporter: OTLPMetricExporterJson } = require('@opentelemetry/exporter-metrics-otlp-http');
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

// ───────────────────────────── local servers ─────────────────────────────

/** Records OTLP requests; answers 200 with an empty Export…ServiceResponse in the request's format. */
function startRecorder() {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, path: req.url, headers: { ...req.headers }, body });
      const json = String(req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

/** A fake OpenAI chat-completions endpoint: first a tool call, then (after the tool result) an answer. */
function startFakeOpenAI() {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const params = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const hasToolResult = (params.messages ?? []).some((m) => m.role === 'tool');
      const message = hasToolResult
        ? { role: 'assistant', content: 'It is 18°C and sunny in Paris.', refusal: null }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              { id: 'call_fixture_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            ],
          };
      const body = {
        id: hasToolResult ? 'chatcmpl-fixture-2' : 'chatcmpl-fixture-1',
        object: 'chat.completion',
        created: 1732200000,
        model: 'gpt-4o-mini-2024-07-18',
        system_fingerprint: 'fp_fixture',
        choices: [{ index: 0, message, logprobs: null, finish_reason: hasToolResult ? 'stop' : 'tool_calls' }],
        usage: hasToolResult
          ? { prompt_tokens: 71, completion_tokens: 12, total_tokens: 83 }
          : { prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 },
      };
      res.writeHead(200, { 'Content-Type': 'application/json', 'x-request-id': 'req_fixture' });
      res.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/v1` }));
  });
}

// ───────────────────────────── oracle: SDK in-memory data → model shape ─────────────────────────────

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer']; // api.SpanKind 0..4
const STATUS = ['unset', 'ok', 'error']; // api.SpanStatusCode 0..2

/** HrTime [seconds, nanos] → exact decimal nanoseconds. */
function hrToNs(hr) {
  return (BigInt(Math.trunc(hr[0])) * 1000000000n + BigInt(Math.trunc(hr[1]))).toString();
}

function valueToModel(v) {
  if (v === undefined || v === null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(valueToModel);
  if (typeof v === 'object') return attrsToModel(v);
  return v;
}

function attrsToModel(attrs) {
  const out = {};
  for (const key of Object.keys(attrs ?? {})) out[key] = valueToModel(attrs[key]);
  return out;
}

function resourceToModel(resource) {
  return { attributes: attrsToModel(resource.attributes), droppedAttributesCount: 0, schemaUrl: resource.schemaUrl ?? '' };
}

function scopeToModel(scope) {
  return {
    name: scope.name,
    version: scope.version ?? '',
    attributes: attrsToModel(scope.attributes),
    droppedAttributesCount: 0,
    schemaUrl: scope.schemaUrl ?? '',
  };
}

/** OTLP Span.flags per trace.proto: W3C trace flags | HAS_IS_REMOTE (0x100) | IS_REMOTE (0x200). */
function spanFlags(traceFlags, isRemote) {
  return (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
}

function spanToModel(s) {
  const ctx = s.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? null,
    traceState: ctx.traceState?.serialize() ?? '',
    flags: spanFlags(ctx.traceFlags, s.parentSpanContext?.isRemote),
    name: s.name,
    kind: KINDS[s.kind],
    startTimeUnixNano: hrToNs(s.startTime),
    endTimeUnixNano: hrToNs(s.endTime),
    attributes: attrsToModel(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({
      name: e.name,
      timeUnixNano: hrToNs(e.time),
      attributes: attrsToModel(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      attributes: attrsToModel(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
    })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: STATUS[s.status.code], message: s.status.message ?? '' },
    resource: resourceToModel(s.resource),
    scope: scopeToModel(s.instrumentationScope),
  };
}

function logToModel(l) {
  const attributes = attrsToModel(l.attributes);
  const eventName = l.eventName ?? (typeof attributes['event.name'] === 'string' ? attributes['event.name'] : '');
  return {
    timeUnixNano: hrToNs(l.hrTime),
    observedTimeUnixNano: hrToNs(l.hrTimeObserved),
    severityNumber: l.severityNumber ?? 0,
    severityText: l.severityText ?? '',
    eventName,
    body: valueToModel(l.body),
    attributes,
    droppedAttributesCount: l.droppedAttributesCount ?? 0,
    flags: l.spanContext?.traceFlags ?? 0,
    traceId: l.spanContext?.traceId ?? null,
    spanId: l.spanContext?.spanId ?? null,
    resource: resourceToModel(l.resource),
    scope: scopeToModel(l.instrumentationScope),
  };
}

function countDataPoints(resourceMetricsList) {
  let n = 0;
  for (const rm of resourceMetricsList) {
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  }
  return n;
}

// ───────────────────────────── writing ─────────────────────────────

const written = [];

function pickHeaders(headers) {
  const out = {};
  for (const k of ['content-type', 'content-encoding', 'content-length', 'user-agent']) {
    if (headers[k] !== undefined) out[k] = headers[k];
  }
  return out;
}

/** Finds the single recorded request with this path and content type / encoding. */
function takeRequest(requests, path, { json = false, gzip = false } = {}) {
  const matches = requests.filter(
    (r) =>
      r.path === path &&
      String(r.headers['content-type']).includes(json ? 'json' : 'protobuf') &&
      (r.headers['content-encoding'] === 'gzip') === gzip,
  );
  if (matches.length !== 1) {
    throw new Error(`expected exactly one ${path} ${json ? 'json' : 'protobuf'}${gzip ? '+gzip' : ''} request, got ${matches.length}`);
  }
  return matches[0];
}

function writeFixture(name, ext, request, expected) {
  const file = `${name}.${ext}`;
  writeFileSync(join(OUT, file), request.body);
  const sidecar = {
    description: expected.description,
    body: file,
    request: { method: request.method, path: request.path, headers: pickHeaders(request.headers) },
    oracle: 'SDK in-memory exporter fed by the same provider, mapped to src/model/trace.ts by scripts/capture-fixtures.mjs',
    ...expected.data,
  };
  writeFileSync(join(OUT, `${name}.expected.json`), JSON.stringify(sidecar, null, 2) + '\n');
  written.push(file, `${name}.expected.json`);
}

// ───────────────────────────── scenarios ─────────────────────────────

const BYTES = new Uint8Array([0, 1, 2, 253, 254, 255]);

/** Root server span → child client span (events incl. an exception, a link), plus remote-parent and kind variety. */
async function captureTraces(rec) {
  const memory = new InMemorySpanExporter();
  const url = `${rec.url}/v1/traces`;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'fixture-service',
      'service.version': '1.0.0',
      'deployment.environment.name': 'test',
      'fixture.resource.int': 7,
    }),
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: memory }),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporterProto({ url }), scheduledDelayMillis: 60000 }),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporterJson({ url }), scheduledDelayMillis: 60000 }),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporterProto({ url, compression: 'gzip' }), scheduledDelayMillis: 60000 }),
    ],
  });
  const tracer = provider.getTracer('fixture-tracer', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.28.0' });

  // A span in another trace, to link to.
  const other = tracer.startSpan('batch.enqueue', { kind: api.SpanKind.PRODUCER, root: true });
  other.end();

  await tracer.startActiveSpan(
    'GET /chat',
    {
      kind: api.SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'url.path': '/chat',
        'fixture.double': 3.25,
        'fixture.negative_int': -42,
        'fixture.max_safe_int': Number.MAX_SAFE_INTEGER,
        'fixture.bool': true,
        'fixture.empty_string': '',
        'fixture.unicode': 'héllo wörld 🌍 日本語',
        'fixture.string_array': ['a', 'b', 'c'],
        'fixture.int_array': [1, 2, 3],
        'fixture.double_array': [1.5, -2.25],
        'fixture.bool_array': [true, false],
        'fixture.bytes': BYTES,
      },
    },
    async (root) => {
      const child = tracer.startSpan('POST api.example.com', {
        kind: api.SpanKind.CLIENT,
        attributes: { 'server.address': 'api.example.com', 'server.port': 443 },
        links: [{ context: other.spanContext(), attributes: { 'link.reason': 'batch' } }],
      });
      child.addEvent('cache.miss', { 'cache.key': 'user:42', 'cache.tier': 2 });
      const error = new TypeError('upstream returned malformed JSON');
      child.recordException(error);
      child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream failure' });
      await new Promise((r) => setTimeout(r, 3));
      child.end();

      const internal = tracer.startSpan('render template', { kind: api.SpanKind.INTERNAL });
      internal.end();
      root.setStatus({ code: api.SpanStatusCode.OK });
      root.end();
    },
  );

  // A span whose parent is remote (W3C context from a caller), with a trace state.
  const remoteParent = api.trace.setSpanContext(api.ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: api.TraceFlags.SAMPLED,
    isRemote: true,
    traceState: api.createTraceState('vendor1=opaque,vendor2=value2'),
  });
  tracer.startSpan('queue.process', { kind: api.SpanKind.CONSUMER }, remoteParent).end();

  await provider.forceFlush();
  const spans = memory.getFinishedSpans().map(spanToModel);
  await provider.shutdown();

  const data = { spans };
  const description = 'Small span tree from the OTel JS SDK: server root, client child (events, exception, link, error status), internal child, producer span in another trace, consumer span with a remote parent and trace state.';
  writeFixture('traces-basic-proto', 'binpb', takeRequest(rec.requests, '/v1/traces'), { description, data });
  writeFixture('traces-basic-json', 'json', takeRequest(rec.requests, '/v1/traces', { json: true }), { description, data });
  const gz = takeRequest(rec.requests, '/v1/traces', { gzip: true });
  gunzipSync(gz.body); // sanity: it is gzip
  writeFixture('traces-basic-gzip', 'binpb.gz', gz, { description: `${description} Sent with compression: 'gzip'.`, data });
}

async function captureLogs(rec) {
  const memory = new InMemoryLogRecordExporter();
  const url = `${rec.url}/v1/logs`;
  const resource = resourceFromAttributes({ 'service.name': 'fixture-service', 'service.version': '1.0.0' });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({ exporter: memory }),
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporterProto({ url }), scheduledDelayMillis: 60000 }),
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporterJson({ url }), scheduledDelayMillis: 60000 }),
    ],
  });
  const tracerProvider = new TracerProvider({ resource });
  const tracer = tracerProvider.getTracer('fixture-tracer', '1.2.3');
  const logger = loggerProvider.getLogger('fixture-logger', '0.1.0', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.28.0',
    attributes: { 'scope.attr': 'yes', 'scope.count': 2 },
  });

  const span = tracer.startSpan('handle request');
  const ctx = api.trace.setSpan(api.context.active(), span);
  logger.emit({
    context: ctx,
    severityNumber: api.SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'request handled in 12 ms',
    attributes: { 'http.route': '/chat', 'duration.ms': 12, 'fixture.double': 0.5, 'fixture.bool': false, 'fixture.list': ['x', 'y'] },
  });
  logger.emit({
    context: ctx,
    eventName: 'fixture.checkout.completed',
    severityNumber: api.SeverityNumber.INFO2,
    body: { orderId: 'o-123', items: [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 1 }], total: 12.5, paid: true },
    attributes: { 'fixture.bytes': BYTES },
  });
  logger.emit({
    severityNumber: api.SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'not correlated with any span',
  });
  span.end();

  await loggerProvider.forceFlush();
  const logs = memory.getFinishedLogRecords().map(logToModel);
  await loggerProvider.shutdown();
  await tracerProvider.shutdown();

  const description = 'Log records from the OTel JS SDK: two correlated with a span (string body; eventName + kvlist body), one uncorrelated WARN.';
  writeFixture('logs-basic-proto', 'binpb', takeRequest(rec.requests, '/v1/logs'), { description, data: { logs } });
  writeFixture('logs-basic-json', 'json', takeRequest(rec.requests, '/v1/logs', { json: true }), { description, data: { logs } });
}

async function captureMetrics(rec) {
  const url = `${rec.url}/v1/metrics`;
  const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const readers = [
    new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 60000 }),
    new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporterProto({ url }), exportIntervalMillis: 60000 }),
    new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporterJson({ url }), exportIntervalMillis: 60000 }),
  ];
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'fixture-service' }), readers });
  const meter = provider.getMeter('fixture-meter', '0.1.0');
  const requests = meter.createCounter('fixture.requests', { unit: '{request}' });
  requests.add(1, { route: '/a' });
  requests.add(2, { route: '/b' });
  requests.add(3, { route: '/a' });
  const duration = meter.createHistogram('fixture.duration', { unit: 's' });
  duration.record(0.12, { route: '/a' });
  duration.record(0.34, { route: '/a' });
  const updown = meter.createUpDownCounter('fixture.queue.size');
  updown.add(5);
  const gauge = meter.createGauge('fixture.temperature', { unit: 'Cel' });
  gauge.record(21.5, { room: 'lab' });
  gauge.record(19, { room: 'office' });

  await provider.forceFlush();
  const dataPointCount = countDataPoints(memory.getMetrics().slice(-1));
  const captured = rec.requests.splice(0); // shutdown() exports once more; keep the flushed ones
  await provider.shutdown();
  rec.requests.length = 0;
  rec.requests.push(...captured);

  const description = 'Metrics from the OTel JS SDK: counter (2 series), histogram (1), up-down counter (1), gauge (2).';
  writeFixture('metrics-basic-proto', 'binpb', takeRequest(rec.requests, '/v1/metrics'), { description, data: { dataPointCount } });
  writeFixture('metrics-basic-json', 'json', takeRequest(rec.requests, '/v1/metrics', { json: true }), { description, data: { dataPointCount } });
}

/** The real OpenAI instrumentation around a real `openai` client: a two-turn tool-calling agent step. */
async function captureOpenAI(rec) {
  const fake = await startFakeOpenAI();
  const spanMemory = new InMemorySpanExporter();
  const logMemory = new InMemoryLogRecordExporter();
  const resource = resourceFromAttributes({ 'service.name': 'fixture-genai-agent', 'service.version': '0.3.0' });
  const tracesUrl = `${rec.url}/v1/traces`;
  const logsUrl = `${rec.url}/v1/logs`;
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: spanMemory }),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporterProto({ url: tracesUrl }), scheduledDelayMillis: 60000 }),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporterJson({ url: tracesUrl }), scheduledDelayMillis: 60000 }),
    ],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({ exporter: logMemory }),
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporterProto({ url: logsUrl }), scheduledDelayMillis: 60000 }),
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporterJson({ url: logsUrl }), scheduledDelayMillis: 60000 }),
    ],
  });

  const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  instrumentation.enable();
  // Loaded after enable() so require-in-the-middle patches it.
  const OpenAI = require('openai').default ?? require('openai');
  const client = new OpenAI({ apiKey: 'sk-fixture-not-a-real-key', baseURL: fake.url, maxRetries: 0 });

  const tracer = tracerProvider.getTracer('fixture-agent', '0.3.0');
  await tracer.startActiveSpan('invoke_agent weather-bot', { kind: api.SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather-bot' } }, async (agent) => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const messages = [
      { role: 'system', content: 'You are a helpful weather assistant.' },
      { role: 'user', content: 'What is the weather in Paris?' },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2, max_tokens: 200 });
    const call = first.choices[0].message.tool_calls[0];
    const toolResult = await tracer.startActiveSpan('execute_tool get_weather', { kind: api.SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': call.id } }, async (toolSpan) => {
      toolSpan.end();
      return JSON.stringify({ city: 'Paris', temperature_c: 18, condition: 'sunny' });
    });
    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: toolResult });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2, max_tokens: 200 });
    agent.end();
  });

  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  const spans = spanMemory.getFinishedSpans().map(spanToModel);
  const logs = logMemory.getFinishedLogRecords().map(logToModel);
  instrumentation.disable();
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  fake.server.close();

  const description = 'Real @opentelemetry/instrumentation-openai (captureMessageContent: true) around a real openai client against a fake chat-completions server: agent span → chat span (tool call) → tool span → chat span (answer).';
  writeFixture('genai-openai-traces-proto', 'binpb', takeRequest(rec.requests, '/v1/traces'), { description, data: { spans } });
  writeFixture('genai-openai-traces-json', 'json', takeRequest(rec.requests, '/v1/traces', { json: true }), { description, data: { spans } });
  const logsDescription = 'GenAI log events (gen_ai.system.message, gen_ai.user.message, gen_ai.assistant.message, gen_ai.tool.message, gen_ai.choice) from the same run.';
  writeFixture('genai-openai-logs-proto', 'binpb', takeRequest(rec.requests, '/v1/logs'), { description: logsDescription, data: { logs } });
  writeFixture('genai-openai-logs-json', 'json', takeRequest(rec.requests, '/v1/logs', { json: true }), { description: logsDescription, data: { logs } });
}

// ───────────────────────────── main ─────────────────────────────

mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) {
  if (/\.(binpb|binpb\.gz|json)$/.test(f)) rmSync(join(OUT, f));
}

for (const scenario of [captureTraces, captureLogs, captureMetrics, captureOpenAI]) {
  const rec = await startRecorder();
  try {
    await scenario(rec);
  } finally {
    rec.server.close();
  }
}

console.log(`wrote ${written.length} files to ${OUT}:\n  ${written.join('\n  ')}`);
