/**
 * Decoders against payloads captured from the REAL OpenTelemetry JS exporters
 * (scripts/capture-fixtures.mjs). Two oracles:
 * 1. the SDK's own in-memory spans/logs (sidecar `*.expected.json`), for every field of the model;
 * 2. protobufjs reflection decoding of the same protobuf bytes with the vendored .proto files,
 *    an implementation independent of ours, for ids and nanosecond times.
 */
import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces } from '../../../src/core/otlp/decode';
import { getOtlpRoot } from '../../../src/core/otlp/protoRoot';
import type { LogRecordInfo, SpanRecord } from '../../../src/model/trace';
import { type PbLogsRequest, type PbMetricsRequest, type PbSpan, type PbTraceRequest, byId, expected, fixtureBody, hex, plain, protobufjsDecode } from '../../support/otlp';

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function decodeSpans(file: string, format: 'protobuf' | 'json'): SpanRecord[] {
  const result = decodeTraces(fixtureBody(file), format);
  if (!result.ok) throw new Error(result.message);
  expect(result.rejected).toBe(0);
  expect(result.rejectReasons).toEqual([]);
  return result.items;
}

function decodeLogRecords(file: string, format: 'protobuf' | 'json'): LogRecordInfo[] {
  const result = decodeLogs(fixtureBody(file), format);
  if (!result.ok) throw new Error(result.message);
  expect(result.rejected).toBe(0);
  return result.items;
}

describe('vendored OTLP protos', () => {
  it('load into one protobufjs Root without filesystem access, with the current fields', () => {
    const root = getOtlpRoot();
    expect(root.lookupType('opentelemetry.proto.logs.v1.LogRecord').fields.eventName.id).toBe(12);
    expect(root.lookupType('opentelemetry.proto.trace.v1.Span').fields.flags.id).toBe(16);
    expect(root.lookupType('opentelemetry.proto.trace.v1.Span.Link').fields.flags.id).toBe(6);
    expect(root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess').fields.rejectedSpans.id).toBe(1);
    expect(root.lookupEnum('opentelemetry.proto.trace.v1.SpanFlags').values.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK).toBe(0x200);
    expect(getOtlpRoot()).toBe(root); // built once
  });
});

describe.each([
  ['traces-basic', 'small span tree'],
  ['genai-openai-traces', 'instrumentation-openai GenAI spans'],
])('%s (%s)', (name) => {
  const protoSpans = decodeSpans(`${name}-proto.binpb`, 'protobuf');
  const jsonSpans = decodeSpans(`${name}-json.json`, 'json');
  const oracle = expected(`${name}-proto`).spans!;

  it('decodes every span the SDK exported', () => {
    expect(protoSpans.length).toBe(oracle.length);
    expect(protoSpans.length).toBeGreaterThanOrEqual(4);
  });

  it('protobuf and JSON decode to the same SpanRecords', () => {
    expect(plain(jsonSpans)).toEqual(plain(protoSpans));
  });

  it('matches the SDK in-memory spans field by field (ids, kinds, times to the ns, attributes, events, links, status, resource, scope)', () => {
    const got = byId(plain(protoSpans));
    const want = byId(oracle);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [spanId, span] of want) expect(got.get(spanId), span.name).toEqual(span);
  });

  it('shares one resource and one scope object per ResourceSpans / ScopeSpans', () => {
    const resources = new Set(protoSpans.map((s) => s.resource));
    const scopes = new Set(protoSpans.map((s) => s.scope));
    expect(resources.size).toBe(1);
    expect(scopes.size).toBeLessThanOrEqual(2);
    expect(new Set(jsonSpans.map((s) => s.resource)).size).toBe(1);
  });

  it('agrees with protobufjs reflection decoding of the same bytes (ids and times)', () => {
    const request = protobufjsDecode<PbTraceRequest>('traceRequest', fixtureBody(`${name}-proto.binpb`));
    const flat: PbSpan[] = [];
    for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) flat.push(...ss.spans);
    expect(flat.length).toBe(protoSpans.length);
    flat.forEach((s, i) => {
      const mine = protoSpans[i];
      expect(mine.traceId).toBe(hex(s.traceId));
      expect(mine.spanId).toBe(hex(s.spanId));
      expect(mine.parentSpanId).toBe(s.parentSpanId.length ? hex(s.parentSpanId) : null);
      expect(mine.startTimeUnixNano).toBe(s.startTimeUnixNano);
      expect(mine.endTimeUnixNano).toBe(s.endTimeUnixNano);
      expect(mine.kind).toBe(KIND_NAMES[s.kind]);
      expect(mine.flags).toBe(s.flags);
      expect(mine.name).toBe(s.name);
      expect(mine.events.map((e) => e.timeUnixNano)).toEqual(s.events.map((e) => e.timeUnixNano));
      expect(mine.links.map((l) => l.traceId + l.spanId)).toEqual(s.links.map((l) => hex(l.traceId) + hex(l.spanId)));
    });
  });
});

describe('traces-basic specifics', () => {
  const spans = decodeSpans('traces-basic-proto.binpb', 'protobuf');
  const byName = new Map(spans.map((s) => [s.name, s]));

  it('keeps the span tree and kinds', () => {
    const root = byName.get('GET /chat')!;
    const child = byName.get('POST api.example.com')!;
    expect(root.parentSpanId).toBeNull();
    expect(root.kind).toBe('server');
    expect(child.parentSpanId).toBe(root.spanId);
    expect(child.traceId).toBe(root.traceId);
    expect(child.kind).toBe('client');
    expect(byName.get('batch.enqueue')!.kind).toBe('producer');
    expect(byName.get('queue.process')!.kind).toBe('consumer');
  });

  it('maps every AnyValue type the SDK sends', () => {
    const a = byName.get('GET /chat')!.attributes;
    expect(a['http.response.status_code']).toBe(200);
    expect(a['fixture.double']).toBe(3.25);
    expect(a['fixture.negative_int']).toBe(-42);
    expect(a['fixture.max_safe_int']).toBe(Number.MAX_SAFE_INTEGER);
    expect(a['fixture.bool']).toBe(true);
    expect(a['fixture.empty_string']).toBe('');
    expect(a['fixture.unicode']).toBe('héllo wörld 🌍 日本語');
    expect(a['fixture.int_array']).toEqual([1, 2, 3]);
    expect(a['fixture.double_array']).toEqual([1.5, -2.25]);
    expect(a['fixture.bool_array']).toEqual([true, false]);
    expect(a['fixture.bytes']).toBe(Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64'));
  });

  it('keeps events (incl. the exception with its stack trace), links, status and flags', () => {
    const child = byName.get('POST api.example.com')!;
    expect(child.events.map((e) => e.name)).toEqual(['cache.miss', 'exception']);
    const exception = child.events[1].attributes;
    expect(exception['exception.type']).toBe('TypeError');
    expect(String(exception['exception.stacktrace'])).toContain('TypeError: upstream returned malformed JSON\n    at ');
    expect(child.links).toHaveLength(1);
    expect(child.links[0].spanId).toBe(byName.get('batch.enqueue')!.spanId);
    expect(child.links[0].attributes).toEqual({ 'link.reason': 'batch' });
    expect(child.status).toEqual({ code: 'error', message: 'upstream failure' });
    expect(byName.get('GET /chat')!.status.code).toBe('ok');
    const remote = byName.get('queue.process')!;
    expect(remote.flags).toBe(0x301); // sampled | HAS_IS_REMOTE | IS_REMOTE
    expect(remote.traceState).toBe('vendor1=opaque,vendor2=value2');
    expect(remote.parentSpanId).toBe('b7ad6b7169203331');
  });

  it('decodes the gzip-compressed capture (after gunzip) to the same spans', () => {
    const gz = decodeSpans('traces-basic-gzip.binpb.gz', 'protobuf');
    expect(plain(gz)).toEqual(plain(spans));
    expect(expected('traces-basic-gzip').request.headers['content-encoding']).toBe('gzip');
  });
});

describe.each([['logs-basic'], ['genai-openai-logs']])('%s', (name) => {
  const protoLogs = decodeLogRecords(`${name}-proto.binpb`, 'protobuf');
  const jsonLogs = decodeLogRecords(`${name}-json.json`, 'json');
  const oracle = expected(`${name}-proto`).logs!;

  it('protobuf and JSON decode to the same LogRecordInfos', () => {
    expect(plain(jsonLogs)).toEqual(plain(protoLogs));
  });

  it('matches the SDK in-memory log records, in order', () => {
    expect(plain(protoLogs)).toEqual(oracle);
  });

  it('agrees with protobufjs on ids and times', () => {
    const request = protobufjsDecode<PbLogsRequest>('logsRequest', fixtureBody(`${name}-proto.binpb`));
    const flat: PbLogsRequest['resourceLogs'][number]['scopeLogs'][number]['logRecords'] = [];
    for (const rl of request.resourceLogs) for (const sl of rl.scopeLogs) flat.push(...sl.logRecords);
    expect(flat.map((l) => [l.traceId.length ? hex(l.traceId) : null, l.timeUnixNano, l.observedTimeUnixNano])).toEqual(
      protoLogs.map((l) => [l.traceId, l.timeUnixNano, l.observedTimeUnixNano]),
    );
  });
});

describe('log specifics', () => {
  it('basic logs: correlation, event_name field, kvlist body, uncorrelated record', () => {
    const logs = decodeLogRecords('logs-basic-proto.binpb', 'protobuf');
    expect(logs).toHaveLength(3);
    expect(logs[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(logs[0].spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(logs[0].body).toBe('request handled in 12 ms');
    expect(logs[1].eventName).toBe('fixture.checkout.completed');
    expect(logs[1].body).toEqual({ orderId: 'o-123', items: [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 1 }], total: 12.5, paid: true });
    expect(logs[2]).toMatchObject({ traceId: null, spanId: null, severityNumber: 13, severityText: 'WARN' });
    expect(logs[2].scope.attributes).toEqual({ 'scope.attr': 'yes', 'scope.count': 2 });
  });

  it('GenAI logs carry the chat spans ids, the event names and message bodies', () => {
    const logs = decodeLogRecords('genai-openai-logs-proto.binpb', 'protobuf');
    const spans = decodeSpans('genai-openai-traces-proto.binpb', 'protobuf');
    const chatSpanIds = new Set(spans.filter((s) => s.name.startsWith('chat ')).map((s) => s.spanId));
    expect(chatSpanIds.size).toBe(2);
    for (const log of logs) {
      expect(chatSpanIds.has(log.spanId!)).toBe(true);
      expect(log.traceId).toBe(spans[0].traceId);
    }
    expect(logs.map((l) => l.eventName)).toEqual([
      'gen_ai.system.message',
      'gen_ai.user.message',
      'gen_ai.choice',
      'gen_ai.system.message',
      'gen_ai.user.message',
      'gen_ai.assistant.message',
      'gen_ai.tool.message',
      'gen_ai.choice',
    ]);
    expect(logs[1].body).toEqual({ content: 'What is the weather in Paris?' });
    expect(logs[2].body).toMatchObject({
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ id: 'call_fixture_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    });
    expect(logs[7].body).toMatchObject({ finish_reason: 'stop', message: { content: 'It is 18°C and sunny in Paris.' } });
  });

  it('GenAI spans carry the gen_ai.* attributes', () => {
    const spans = decodeSpans('genai-openai-traces-proto.binpb', 'protobuf');
    const chat = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(chat).toHaveLength(2);
    expect(chat[0].kind).toBe('client');
    expect(chat[0].attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.usage.output_tokens': 17,
    });
    const agent = spans.find((s) => s.name === 'invoke_agent weather-bot')!;
    expect(chat.every((s) => s.parentSpanId === agent.spanId)).toBe(true);
  });
});

describe('metrics fixtures', () => {
  it.each([
    ['metrics-basic-proto.binpb', 'protobuf'],
    ['metrics-basic-json.json', 'json'],
  ] as const)('%s: counts the data points the SDK exported', (file, format) => {
    const result = decodeMetrics(fixtureBody(file), format);
    expect(result).toEqual({ ok: true, dataPointCount: expected('metrics-basic-proto').dataPointCount, rejected: 0, rejectReasons: [] });
  });

  it('agrees with protobufjs on the number of data points', () => {
    const request = protobufjsDecode<PbMetricsRequest>('metricsRequest', fixtureBody('metrics-basic-proto.binpb'));
    let n = 0;
    for (const rm of request.resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) n += m[kind]?.dataPoints.length ?? 0;
        }
      }
    }
    expect(n).toBe(6);
  });
});
