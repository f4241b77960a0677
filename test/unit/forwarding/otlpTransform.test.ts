/**
 * Re-encoding between OTLP/JSON and protobuf, pass-through batching, and the per-target rewrites.
 * Oracle: the project's own decoders (a hand-written wire reader and a JSON walk), independent of
 * the protobufjs encoder used for forwarding, on payloads captured from the real JS exporters.
 */
import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces } from '../../../src/core/otlp/decode';
import { applyRewrites, buildBody } from '../../../src/core/forwarding/otlpTransform';
import { concatBodies, topLevelArrayInner } from '../../../src/core/forwarding/passthrough';
import { decodeRequest, encodeRequest } from '../../../src/core/forwarding/otlpCodec';
import { TraceIdMemory } from '../../../src/core/forwarding/backendRewrites';
import type { PlainRequest } from '../../../src/core/forwarding/plainRequest';
import { logsToRequest, spansToRequest } from '../../../src/core/forwarding/storedTrace';
import type { TargetRewrites } from '../../../src/core/forwarding/types';
import type { OtlpFormat } from '../../../src/core/otlp/types';
import type { SpanRecord } from '../../../src/model/trace';
import { spanRecord, traceId, spanId } from '../../support/builders';
import { fixtureBody, plain } from '../../support/otlp';

const NONE: TargetRewrites = { propagateLangfuseIds: false, resourceAttributes: {}, redaction: { dropContent: false, patterns: [] } };

function spans(body: Uint8Array, format: OtlpFormat): SpanRecord[] {
  const r = decodeTraces(body, format);
  if (!r.ok) throw new Error(r.message);
  expect(r.rejected).toBe(0);
  return r.items;
}

const sortById = <T extends { spanId: string | null; timeUnixNano?: string }>(items: T[]) =>
  [...items].sort((a, b) => `${a.spanId}${a.timeUnixNano ?? ''}`.localeCompare(`${b.spanId}${b.timeUnixNano ?? ''}`));

describe('re-encoding is lossless (resource, scope, attributes, events, links, status, times)', () => {
  const cases: [string, OtlpFormat][] = [
    ['traces-basic-proto.binpb', 'protobuf'],
    ['traces-basic-json.json', 'json'],
    ['genai-openai-traces-proto.binpb', 'protobuf'],
    ['genai-openai-traces-json.json', 'json'],
  ];
  for (const [file, inFormat] of cases) {
    for (const outFormat of ['protobuf', 'json'] as const) {
      it(`${file} → ${outFormat}`, () => {
        const body = fixtureBody(file);
        const out = encodeRequest('traces', outFormat, decodeRequest('traces', inFormat, body));
        expect(plain(spans(out, outFormat))).toEqual(plain(spans(body, inFormat)));
      });
    }
  }

  it('logs both ways', () => {
    for (const [file, inFormat] of [['logs-basic-proto.binpb', 'protobuf'], ['logs-basic-json.json', 'json'], ['genai-openai-logs-json.json', 'json']] as const) {
      const body = fixtureBody(file);
      const before = decodeLogs(body, inFormat);
      for (const outFormat of ['protobuf', 'json'] as const) {
        const after = decodeLogs(encodeRequest('logs', outFormat, decodeRequest('logs', inFormat, body)), outFormat);
        if (!before.ok || !after.ok) throw new Error('decode failed');
        expect(plain(after.items), `${file} → ${outFormat}`).toEqual(plain(before.items));
      }
    }
  });

  it('metrics both ways (every data point kept)', () => {
    for (const [file, inFormat] of [['metrics-basic-proto.binpb', 'protobuf'], ['metrics-basic-json.json', 'json']] as const) {
      const body = fixtureBody(file);
      const plainIn = decodeRequest('metrics', inFormat, body);
      for (const outFormat of ['protobuf', 'json'] as const) {
        const out = encodeRequest('metrics', outFormat, plainIn);
        const counted = decodeMetrics(out, outFormat);
        expect(counted.ok && counted.dataPointCount).toBe(6);
        expect(decodeRequest('metrics', outFormat, out)).toEqual(plainIn);
      }
    }
  });

  it('JSON with snake_case keys and enum names reads like camelCase', () => {
    const json = JSON.stringify({
      resource_spans: [{
        scope_spans: [{
          spans: [{ trace_id: traceId(1), span_id: spanId(2), name: 's', kind: 'SPAN_KIND_SERVER', start_time_unix_nano: '1732200000123456789', end_time_unix_nano: 1732200000123456 }],
        }],
      }],
    });
    const out = encodeRequest('traces', 'protobuf', decodeRequest('traces', 'json', new TextEncoder().encode(json)));
    const [span] = spans(out, 'protobuf');
    expect(span).toMatchObject({ traceId: traceId(1), spanId: spanId(2), kind: 'server', startTimeUnixNano: '1732200000123456789', endTimeUnixNano: '1732200000123456' });
  });
});

describe('pass-through batching', () => {
  it('concatenated protobuf requests are one request holding both', () => {
    const a = fixtureBody('traces-basic-proto.binpb');
    const b = fixtureBody('genai-openai-traces-proto.binpb');
    const merged = concatBodies('traces', 'protobuf', [a, b]);
    expect(merged).not.toBeNull();
    expect(spans(merged as Uint8Array, 'protobuf')).toEqual([...spans(a, 'protobuf'), ...spans(b, 'protobuf')]);
  });

  it('JSON requests are spliced as text: numbers beyond 2^53 and unknown fields stay exactly as sent', () => {
    const a = fixtureBody('traces-basic-json.json');
    const big = '{ "resource_spans" : [ {"x-unknown": 12345678901234567890, "scopeSpans": []} ], "other": {"a": "]"} }';
    const merged = concatBodies('traces', 'json', [a, new TextEncoder().encode(big), new TextEncoder().encode('{"resourceSpans":[]}')]);
    const text = new TextDecoder().decode(merged as Uint8Array);
    expect(text).toContain('"x-unknown": 12345678901234567890');
    expect(spans(merged as Uint8Array, 'json')).toEqual(spans(a, 'json'));
  });

  it('topLevelArrayInner walks only the top level and refuses what is not an object', () => {
    expect(topLevelArrayInner('{"resourceSpans":[{"a":"[\\"]"}]}', ['resourceSpans'])).toBe('{"a":"[\\"]"}');
    expect(topLevelArrayInner(' { } ', ['resourceSpans'])).toBe('');
    expect(topLevelArrayInner('{"resourceSpans":null}', ['resourceSpans'])).toBe('');
    expect(topLevelArrayInner('[1]', ['resourceSpans'])).toBeNull();
    expect(topLevelArrayInner('{"resourceSpans":[1]} trailing', ['resourceSpans'])).toBeNull();
    expect(topLevelArrayInner('{"resourceSpans":{}}', ['resourceSpans'])).toBeNull();
  });

  it('buildBody passes bytes through untouched when formats match and no rewrite applies', () => {
    const a = fixtureBody('traces-basic-proto.binpb');
    const r = buildBody('traces', [{ format: 'protobuf', body: a }], 'protobuf', NONE);
    expect(r.reencoded).toBe(false);
    expect(r.body).toBe(a);
    const j = buildBody('traces', [{ format: 'json', body: fixtureBody('traces-basic-json.json') }, { format: 'protobuf', body: a }], 'protobuf', NONE);
    expect(j.reencoded).toBe(true);
    expect(spans(j.body, 'protobuf')).toHaveLength(spans(a, 'protobuf').length * 2);
  });
});

function attrsOf(request: PlainRequest): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const body = encodeRequest('traces', 'protobuf', request);
  for (const s of spans(body, 'protobuf')) out[s.name] = s.attributes;
  return out;
}

describe('Langfuse id propagation', () => {
  const rewrites: TargetRewrites = { ...NONE, propagateLangfuseIds: true };
  const T1 = traceId(0x1001);
  const T2 = traceId(0x1002);
  const T3 = traceId(0x1003);

  it('copies the session and user ids of a trace onto every span of it that lacks them', () => {
    const request = spansToRequest([
      spanRecord({ traceId: T1, name: 'child-first', attributes: {} }),
      spanRecord({ traceId: T1, name: 'root', parentSpanId: null, attributes: { 'session.id': 's-1', 'user.id': 42 } }),
      spanRecord({ traceId: T1, name: 'explicit', attributes: { 'langfuse.session.id': 'kept' } }),
      spanRecord({ traceId: T2, name: 'conv', attributes: { 'gen_ai.conversation.id': 'conv-9' } }),
      spanRecord({ traceId: T2, name: 'conv-child', attributes: {} }),
      spanRecord({ traceId: T3, name: 'no-ids', attributes: { a: 1 } }),
    ]);
    applyRewrites('traces', request, rewrites, new TraceIdMemory());
    const attrs = attrsOf(request);
    expect(attrs['child-first']).toEqual({ 'langfuse.session.id': 's-1', 'langfuse.user.id': '42' });
    expect(attrs.root).toMatchObject({ 'session.id': 's-1', 'user.id': 42, 'langfuse.session.id': 's-1', 'langfuse.user.id': '42' });
    expect(attrs.explicit).toEqual({ 'langfuse.session.id': 'kept', 'langfuse.user.id': '42' });
    expect(attrs['conv-child']).toEqual({ 'langfuse.session.id': 'conv-9' });
    expect(attrs['no-ids']).toEqual({ a: 1 });
  });

  it('remembers a trace’s ids for spans that arrive in later requests, and reads resource attributes too', () => {
    const memory = new TraceIdMemory();
    const first = spansToRequest([spanRecord({ traceId: T1, name: 'root', attributes: { 'langfuse.session.id': 'lf-s' } })]);
    applyRewrites('traces', first, rewrites, memory);
    const later = spansToRequest([spanRecord({ traceId: T1, name: 'late', attributes: {} })]);
    applyRewrites('traces', later, rewrites, memory);
    expect(attrsOf(later).late).toEqual({ 'langfuse.session.id': 'lf-s' });

    const res = spansToRequest([spanRecord({ traceId: T3, name: 'r', attributes: {}, resource: { attributes: { 'service.name': 'x', 'enduser.id': 'u-7' }, droppedAttributesCount: 0, schemaUrl: '' } })]);
    applyRewrites('traces', res, rewrites, new TraceIdMemory());
    expect(attrsOf(res).r).toEqual({ 'langfuse.user.id': 'u-7' });
  });

  it('the memory is bounded', () => {
    const m = new TraceIdMemory(2);
    m.set('a', { sessionId: '1' });
    m.set('b', { sessionId: '2' });
    m.set('c', { sessionId: '3' });
    expect(m.size).toBe(2);
    expect(m.get('a')).toBeUndefined();
  });
});

describe('resource attributes and redaction', () => {
  it('sets a missing resource attribute (Phoenix project) without overriding one the app set', () => {
    const request = spansToRequest([
      spanRecord({ name: 'a', resource: { attributes: { 'service.name': 'a' }, droppedAttributesCount: 0, schemaUrl: '' } }),
      spanRecord({ name: 'b', resource: { attributes: { 'service.name': 'b', 'openinference.project.name': 'app-chosen' }, droppedAttributesCount: 0, schemaUrl: '' } }),
    ]);
    applyRewrites('traces', request, { ...NONE, resourceAttributes: { 'openinference.project.name': 'from-target' } });
    const byName = Object.fromEntries(spans(encodeRequest('traces', 'protobuf', request), 'protobuf').map((s) => [s.name, s.resource.attributes]));
    expect(byName.a['openinference.project.name']).toBe('from-target');
    expect(byName.b['openinference.project.name']).toBe('app-chosen');
  });

  it('drops message content attributes and events, and masks pattern matches in every string value', () => {
    const request = spansToRequest([
      spanRecord({
        name: 'chat',
        attributes: {
          'gen_ai.input.messages': '[{"role":"user"}]',
          'gen_ai.prompt.0.content': 'hi',
          'llm.input_messages.0.message.content': 'hi',
          'gen_ai.request.model': 'gpt-4o',
          'user.email': 'ann@example.com wrote',
          nested: ['key sk-abcdef', { inner: 'bob@example.org' }],
        },
        events: [
          { name: 'gen_ai.content.prompt', timeUnixNano: '1', attributes: { 'gen_ai.prompt': 'secret prompt' }, droppedAttributesCount: 0 },
          { name: 'exception', timeUnixNano: '2', attributes: { 'exception.message': 'for ann@example.com' }, droppedAttributesCount: 0 },
        ],
      }),
    ]);
    const rewrites: TargetRewrites = { ...NONE, redaction: { dropContent: true, patterns: ['[\\w.]+@[\\w.]+', 'sk-[a-z]+'] } };
    const before = JSON.stringify(request);
    const { body } = buildBody('traces', [{ format: 'protobuf', body: encodeRequest('traces', 'protobuf', request) }], 'json', rewrites);
    expect(JSON.stringify(request)).toBe(before); // the source is not touched
    const [span] = spans(body, 'json');
    expect(span.attributes).toEqual({ 'gen_ai.request.model': 'gpt-4o', 'user.email': '[REDACTED] wrote', nested: ['key [REDACTED]', { inner: '[REDACTED]' }] });
    expect(span.droppedAttributesCount).toBe(3);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0].attributes['exception.message']).toBe('for [REDACTED]');
    expect(span.droppedEventsCount).toBe(1);
  });

  it('drops the bodies of GenAI log events', () => {
    const body = fixtureBody('genai-openai-logs-json.json');
    const out = buildBody('logs', [{ format: 'json', body }], 'protobuf', { ...NONE, redaction: { dropContent: true, patterns: [] } }).body;
    const logs = decodeLogs(out, 'protobuf');
    if (!logs.ok) throw new Error(logs.message);
    expect(logs.items.length).toBeGreaterThan(0);
    for (const l of logs.items) expect(l.body).toBeNull();
  });
});

describe('stored spans and logs back to OTLP', () => {
  it('a stored trace re-encodes to the same model records, grouped under its resources and scopes', () => {
    const original = spans(fixtureBody('traces-basic-proto.binpb'), 'protobuf');
    for (const format of ['protobuf', 'json'] as const) {
      const again = spans(encodeRequest('traces', format, spansToRequest(original)), format);
      expect(plain(sortById(again))).toEqual(plain(sortById(original)));
    }
    const request = spansToRequest(original);
    expect((request.resourceSpans as unknown[]).length).toBe(1);
  });

  it('log records too', () => {
    const decoded = decodeLogs(fixtureBody('logs-basic-proto.binpb'), 'protobuf');
    if (!decoded.ok) throw new Error(decoded.message);
    const again = decodeLogs(encodeRequest('logs', 'protobuf', logsToRequest(decoded.items)), 'protobuf');
    if (!again.ok) throw new Error(again.message);
    expect(plain(again.items)).toEqual(plain(decoded.items));
  });
});
