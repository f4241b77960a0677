/**
 * Decoder edge cases on hand-built requests: malformed bodies, rejected items, int64 precision,
 * OTLP/JSON quirks (enum ints and names, snake_case keys, hex ids), and the helpers' exactness.
 * Protobuf inputs are encoded with protobufjs from the vendored .proto files.
 */
import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces, decoderFor, jsonDecoder, protobufDecoder } from '../../../src/core/otlp/decode';
import { int64ToAttribute, jsonInt64ToAttribute, jsonUint64ToDecimal, uint64ToDecimal } from '../../../src/core/otlp/shared';
import type { SpanRecord } from '../../../src/model/trace';
import { otlpType } from '../../../src/core/otlp/protoRoot';
import { encodeLogsRequest, encodeTraceRequest, fixtureBody, plain } from '../../support/otlp';
import { DEPTH_LIMIT_MARKER, MAX_ANY_VALUE_DEPTH } from '../../../src/model/limits';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = 'eee19b7ec3c1b173';
const START = '1795292206245207037';
const END = '1795292206345207038';

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function traceRequest(spans: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans }],
        ...extra,
      },
    ],
  };
}

function span(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE, spanId: SPAN, name: 'op', kind: 2, startTimeUnixNano: START, endTimeUnixNano: END, ...overrides };
}

function okSpans(result: ReturnType<typeof decodeTraces>): SpanRecord[] {
  if (!result.ok) throw new Error(result.message);
  return result.items;
}

describe('malformed bodies', () => {
  it('truncated protobuf → ok:false with a one-line message', () => {
    const body = fixtureBody('traces-basic-proto.binpb');
    for (const cut of [1, 7, Math.floor(body.length / 2), body.length - 1]) {
      const result = decodeTraces(body.subarray(0, cut), 'protobuf');
      expect(result.ok, `cut at ${cut}`).toBe(false);
      if (!result.ok) {
        expect(result.message).toMatch(/^invalid ExportTraceServiceRequest protobuf: /);
        expect(result.message).not.toContain('\n');
      }
    }
    const logs = fixtureBody('logs-basic-proto.binpb');
    expect(decodeLogs(logs.subarray(0, logs.length - 3), 'protobuf').ok).toBe(false);
    const metrics = fixtureBody('metrics-basic-proto.binpb');
    expect(decodeMetrics(metrics.subarray(0, metrics.length - 3), 'protobuf').ok).toBe(false);
  });

  it('garbage and wrong-format bodies → ok:false', () => {
    expect(decodeTraces(new Uint8Array([0xff, 0xff, 0xff]), 'protobuf').ok).toBe(false);
    expect(decodeTraces(new Uint8Array([0x0a, 0x05, 0x01]), 'protobuf').ok).toBe(false); // length past the end
    expect(decodeTraces(new Uint8Array([0x0f]), 'protobuf').ok).toBe(false); // wire type 7
    expect(decodeTraces(fixtureBody('traces-basic-json.json'), 'protobuf').ok).toBe(false);
  });

  it('an empty body is an empty request (proto3), not an error', () => {
    expect(decodeTraces(new Uint8Array(0), 'protobuf')).toEqual({ ok: true, items: [], rejected: 0, rejectReasons: [] });
    expect(decodeTraces(json({}), 'json')).toEqual({ ok: true, items: [], rejected: 0, rejectReasons: [] });
  });

  it('invalid JSON → ok:false with a one-line message', () => {
    for (const text of ['{"resourceSpans": [', 'not json', '', '[]', '42', 'null']) {
      const result = decodeTraces(new TextEncoder().encode(text), 'json');
      expect(result.ok, text).toBe(false);
      if (!result.ok) {
        expect(result.message).toMatch(/^invalid ExportTraceServiceRequest JSON: /);
        expect(result.message).not.toContain('\n');
      }
    }
    expect(decodeTraces(fixtureBody('traces-basic-proto.binpb'), 'json').ok).toBe(false);
    expect(decodeLogs(json({ resourceLogs: {} }), 'json')).toEqual({
      ok: false,
      message: 'invalid ExportLogsServiceRequest JSON: "resourceLogs" must be an array',
    });
    expect(decodeMetrics(new TextEncoder().encode('{'), 'json').ok).toBe(false);
  });

  it('absurdly deep AnyValue nesting is cut at MAX_ANY_VALUE_DEPTH with a marker; the record is kept', () => {
    const depth = 100_000;
    const value = '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"leaf"}' + ']}}'.repeat(depth);
    const text = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`;
    for (const result of [decodeLogs(new TextEncoder().encode(text), 'json'), decodeLogs(deeplyNestedLogBody(depth), 'protobuf')]) {
      if (!result.ok) throw new Error(result.message);
      expect(result.items).toHaveLength(1);
      // MAX_ANY_VALUE_DEPTH - 1 arrays, then the marker where the next array would start.
      let v: unknown = result.items[0].body;
      let levels = 0;
      while (Array.isArray(v)) {
        expect(v).toHaveLength(1);
        v = v[0];
        levels++;
      }
      expect(levels).toBe(MAX_ANY_VALUE_DEPTH - 1);
      expect(v).toBe(DEPTH_LIMIT_MARKER);
    }
  });
});

/** ExportLogsServiceRequest with one record whose body is `depth` nested ArrayValues (built without recursion). */
function deeplyNestedLogBody(depth: number): Uint8Array {
  const vlen = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);
  const pushVarint = (out: number[], n: number): void => {
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
  };
  const anyLen: number[] = [6]; // leaf AnyValue {string_value: "leaf"}: 0a 04 l e a f
  const arrLen: number[] = [0];
  for (let k = 1; k <= depth; k++) {
    arrLen[k] = 1 + vlen(anyLen[k - 1]) + anyLen[k - 1];
    anyLen[k] = 1 + vlen(arrLen[k]) + arrLen[k];
  }
  const body: number[] = [];
  for (let k = depth; k >= 1; k--) {
    body.push(0x2a);
    pushVarint(body, arrLen[k]);
    body.push(0x0a);
    pushVarint(body, anyLen[k - 1]);
  }
  body.push(0x0a, 4, 0x6c, 0x65, 0x61, 0x66);
  const wrap = (tag: number, inner: number[]): number[] => {
    const out = [tag];
    pushVarint(out, inner.length);
    for (let i = 0; i < inner.length; i++) out.push(inner[i]);
    return out;
  };
  return Uint8Array.from(wrap(0x0a, wrap(0x12, wrap(0x12, wrap(0x2a, body)))));
}

describe.each(['protobuf', 'json'] as const)('rejections (%s)', (format) => {
  const encode = (doc: Record<string, unknown>): Uint8Array => (format === 'json' ? json(doc) : encodeTraceRequest(doc));

  it('one zero span id and one good span → 1 item, 1 rejected with a reason', () => {
    const result = decodeTraces(encode(traceRequest([span({ spanId: '0000000000000000' }), span({ name: 'good' })])), format);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.items.map((s) => s.name)).toEqual(['good']);
    expect(result.rejected).toBe(1);
    expect(result.rejectReasons).toEqual([format === 'json' ? 'invalid spanId: all zeros' : 'invalid span_id: all zeros']);
  });

  it('rejects bad trace ids, bad span ids and bad parent ids; keeps distinct reasons (at most 5)', () => {
    const bad = [
      span({ traceId: '00000000000000000000000000000000' }),
      span({ traceId: TRACE.slice(0, 30) }),
      span({ traceId: undefined }),
      span({ spanId: SPAN.slice(0, 14) }),
      span({ parentSpanId: 'eee19b7ec3c1' }),
      span({ spanId: '0000000000000000' }),
      span({ spanId: '0000000000000000' }),
    ];
    const result = decodeTraces(encode(traceRequest([...bad, span({ name: 'kept' })])), format);
    if (!result.ok) throw new Error(result.message);
    expect(result.items.map((s) => s.name)).toEqual(['kept']);
    expect(result.rejected).toBe(7);
    expect(result.rejectReasons).toHaveLength(5);
    expect(new Set(result.rejectReasons).size).toBe(5);
  });

  it('an all-zero or empty parent id means root; end < start is kept', () => {
    const spans = okSpans(
      decodeTraces(
        encode(
          traceRequest([
            span({ parentSpanId: '0000000000000000', name: 'a' }),
            span({ parentSpanId: '', name: 'b', spanId: PARENT }),
            span({ name: 'c', startTimeUnixNano: END, endTimeUnixNano: START, spanId: 'aaaaaaaaaaaaaaaa' }),
          ]),
        ),
        format,
      ),
    );
    expect(spans.map((s) => s.parentSpanId)).toEqual([null, null, null]);
    expect(spans[2]).toMatchObject({ startTimeUnixNano: END, endTimeUnixNano: START });
  });

  it('drops links with invalid ids and counts them as dropped', () => {
    const spans = okSpans(
      decodeTraces(
        encode(
          traceRequest([
            span({
              droppedLinksCount: 2,
              links: [
                { traceId: TRACE, spanId: PARENT },
                { traceId: TRACE, spanId: '0000000000000000' },
              ],
            }),
          ]),
        ),
        format,
      ),
    );
    expect(spans[0].links).toEqual([{ traceId: TRACE, spanId: PARENT, traceState: '', attributes: {}, droppedAttributesCount: 0 }]);
    expect(spans[0].droppedLinksCount).toBe(3);
  });

  it('int64 attributes beyond 2^53 stay exact decimal strings; safe ones are numbers', () => {
    const attrs = [
      ['big', '9007199254740993'],
      ['max', '9223372036854775807'],
      ['min', '-9223372036854775808'],
      ['neg_big', '-9007199254740993'],
      ['safe', '9007199254740991'],
      ['neg_safe', '-9007199254740991'],
      ['zero', '0'],
    ].map(([key, intValue]) => ({ key, value: { intValue } }));
    const spans = okSpans(decodeTraces(encode(traceRequest([span({ attributes: attrs })])), format));
    expect(spans[0].attributes).toEqual({
      big: '9007199254740993',
      max: '9223372036854775807',
      min: '-9223372036854775808',
      neg_big: '-9007199254740993',
      safe: 9007199254740991,
      neg_safe: -9007199254740991,
      zero: 0,
    });
  });

  it('maps every AnyValue kind, including empty values, kvlists and a __proto__ key', () => {
    const attributes = [
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'd', value: { doubleValue: 0.1 } },
      { key: 'arr', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'two' }, {}] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: true } }, { key: 'n' }] } } },
      { key: 'bytes', value: { bytesValue: 'AAEC/f7/' } },
      { key: 'empty', value: {} },
      { key: 'none' },
      { key: '__proto__', value: { stringValue: 'not a prototype' } },
      { key: 'dup', value: { intValue: 1 } },
      { key: 'dup', value: { intValue: 2 } },
    ];
    const spans = okSpans(decodeTraces(encode(traceRequest([span({ attributes })])), format));
    const a = spans[0].attributes;
    expect(plain(a)).toEqual({
      s: 'x',
      b: false,
      d: 0.1,
      arr: [1, 'two', null],
      kv: { inner: true, n: null },
      bytes: 'AAEC/f7/',
      empty: null,
      none: null,
      ['__proto__']: 'not a prototype',
      dup: 2,
    });
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.keys(a)).toContain('__proto__');
  });

  it('maps kinds and status codes; unknown numbers fall back', () => {
    const spans = okSpans(
      decodeTraces(
        encode(
          traceRequest([
            span({ kind: 0, spanId: '0000000000000001', status: { code: 2, message: 'bad' } }),
            span({ kind: 5, spanId: '0000000000000002', status: { code: 1 } }),
            span({ kind: 9, spanId: '0000000000000003', status: { code: 7 } }),
          ]),
        ),
        format,
      ),
    );
    expect(spans.map((s) => [s.kind, s.status.code, s.status.message])).toEqual([
      ['unspecified', 'error', 'bad'],
      ['consumer', 'ok', ''],
      ['unspecified', 'unset', ''],
    ]);
  });

  it('logs: invalid ids become null (not rejected); event.name attribute is the eventName fallback', () => {
    const doc = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { traceId: TRACE, spanId: SPAN, eventName: 'field.wins', attributes: [{ key: 'event.name', value: { stringValue: 'attr' } }] },
                { traceId: '00000000000000000000000000000000', spanId: SPAN, attributes: [{ key: 'event.name', value: { stringValue: 'from.attr' } }] },
                { traceId: TRACE, spanId: '0000000000000000', severityNumber: 17, body: { kvlistValue: { values: [{ key: 'k', value: { intValue: '5' } }] } } },
                { timeUnixNano: START },
              ],
            },
          ],
        },
      ],
    };
    const result = decodeLogs(format === 'json' ? json(doc) : encodeLogsRequest(doc), format);
    if (!result.ok) throw new Error(result.message);
    expect(result.rejected).toBe(0);
    expect(result.items.map((l) => [l.traceId, l.spanId, l.eventName, l.severityNumber])).toEqual([
      [TRACE, SPAN, 'field.wins', 0],
      [null, null, 'from.attr', 0],
      [TRACE, null, '', 17],
      [null, null, '', 0],
    ]);
    expect(result.items[2].body).toEqual({ k: 5 });
    expect(result.items[3]).toMatchObject({ timeUnixNano: START, observedTimeUnixNano: '0', body: null, resource: { attributes: {}, schemaUrl: '' } });
  });
});

describe('OTLP/JSON specifics', () => {
  it('a non-hex id rejects the span; uppercase hex is accepted and lowercased', () => {
    const result = decodeTraces(
      json(traceRequest([span({ traceId: 'zz8efff798038103d269b633813fc60c' }), span({ traceId: TRACE.toUpperCase(), spanId: SPAN.toUpperCase() })])),
      'json',
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.rejectReasons).toEqual(['invalid traceId: not hex']);
    expect(result.items.map((s) => [s.traceId, s.spanId])).toEqual([[TRACE, SPAN]]);
  });

  it('base64 ids (the plain protobuf JSON mapping) are not hex → rejected', () => {
    const b64Trace = Buffer.from(TRACE, 'hex').toString('base64');
    const result = decodeTraces(json(traceRequest([span({ traceId: b64Trace })])), 'json');
    expect(result).toMatchObject({ ok: true, items: [], rejected: 1, rejectReasons: ['invalid traceId: 24 characters (expected 32 hex)'] });
  });

  it('accepts enum names as well as ints', () => {
    const spans = okSpans(
      decodeTraces(
        json(
          traceRequest([
            span({ kind: 'SPAN_KIND_CLIENT', spanId: '0000000000000001', status: { code: 'STATUS_CODE_ERROR', message: 'x' } }),
            span({ kind: 3, spanId: '0000000000000002', status: { code: 2 } }),
            span({ kind: 'SPAN_KIND_NONSENSE', spanId: '0000000000000003' }),
          ]),
        ),
        'json',
      ),
    );
    expect(spans.map((s) => [s.kind, s.status.code])).toEqual([
      ['client', 'error'],
      ['client', 'error'],
      ['unspecified', 'unset'],
    ]);
    const logs = decodeLogs(json({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN3' }, { severityNumber: 21 }] }] }] }), 'json');
    expect(logs.ok && logs.items.map((l) => l.severityNumber)).toEqual([15, 21]);
  });

  it('accepts snake_case field names (proto3 JSON mapping) and yields the same records as camelCase', () => {
    const camel = traceRequest([
      span({
        parentSpanId: PARENT,
        traceState: 'a=b',
        droppedAttributesCount: 1,
        attributes: [{ key: 'k', value: { intValue: '7' } }, { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } } }],
        events: [{ timeUnixNano: START, name: 'e', droppedAttributesCount: 2 }],
        droppedEventsCount: 3,
        links: [{ traceId: TRACE, spanId: PARENT, traceState: 't=1' }],
      }),
    ], { schemaUrl: 'https://opentelemetry.io/schemas/1.28.0' });
    const snake = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
          schema_url: 'https://opentelemetry.io/schemas/1.28.0',
          scope_spans: [
            {
              scope: { name: 'lib', version: '1' },
              spans: [
                {
                  trace_id: TRACE,
                  span_id: SPAN,
                  parent_span_id: PARENT,
                  trace_state: 'a=b',
                  name: 'op',
                  kind: 2,
                  start_time_unix_nano: START,
                  end_time_unix_nano: END,
                  dropped_attributes_count: 1,
                  attributes: [{ key: 'k', value: { int_value: '7' } }, { key: 'kv', value: { kvlist_value: { values: [{ key: 'x', value: { double_value: 1.5 } }] } } }],
                  events: [{ time_unix_nano: START, name: 'e', dropped_attributes_count: 2 }],
                  dropped_events_count: 3,
                  links: [{ trace_id: TRACE, span_id: PARENT, trace_state: 't=1' }],
                },
              ],
            },
          ],
        },
      ],
    };
    const a = okSpans(decodeTraces(json(camel), 'json'));
    const b = okSpans(decodeTraces(json(snake), 'json'));
    expect(plain(b)).toEqual(plain(a));
    expect(a[0]).toMatchObject({ parentSpanId: PARENT, traceState: 'a=b', droppedAttributesCount: 1, droppedEventsCount: 3, attributes: { k: 7, kv: { x: 1.5 } } });
    expect(a[0].resource.schemaUrl).toBe('https://opentelemetry.io/schemas/1.28.0');
    // …and the protobuf encoding of the same request decodes to the same records.
    expect(plain(okSpans(decodeTraces(encodeTraceRequest(camel), 'protobuf')))).toEqual(plain(a));
  });

  it('times as numbers or strings; invalid times reject the span', () => {
    const result = decodeTraces(
      json(
        traceRequest([
          span({ startTimeUnixNano: 1700000000000000000, endTimeUnixNano: '0001700000000000000001', spanId: '0000000000000001' }),
          span({ startTimeUnixNano: '17e17', spanId: '0000000000000002' }),
          span({ startTimeUnixNano: '-5', spanId: '0000000000000003' }),
        ]),
      ),
      'json',
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.items.map((s) => [s.startTimeUnixNano, s.endTimeUnixNano])).toEqual([['1700000000000000000', '1700000000000000001']]);
    expect(result.rejected).toBe(2);
  });

  it('non-finite doubles become their proto3 JSON strings (JSON-safe)', () => {
    const attrs = ['NaN', 'Infinity', '-Infinity'].map((d) => ({ key: d, value: { doubleValue: d } }));
    const fromJson = okSpans(decodeTraces(json(traceRequest([span({ attributes: attrs })])), 'json'));
    const fromProto = okSpans(decodeTraces(encodeTraceRequest(traceRequest([span({ attributes: attrs })])), 'protobuf'));
    expect(fromJson[0].attributes).toEqual({ NaN: 'NaN', Infinity: 'Infinity', '-Infinity': '-Infinity' });
    expect(fromProto[0].attributes).toEqual(fromJson[0].attributes);
  });
});

describe('protobuf specifics', () => {
  it('skips unknown fields and fields with an unexpected wire type', () => {
    const base = encodeTraceRequest(traceRequest([span()]));
    // Append an unknown field 99 (varint) and a field 1 with wire type 0 at the top level.
    const extra = new Uint8Array([0x98, 0x06, 0x2a, 0x08, 0x05]);
    const body = new Uint8Array(base.length + extra.length);
    body.set(base);
    body.set(extra, base.length);
    const spans = okSpans(decodeTraces(body, 'protobuf'));
    expect(spans).toHaveLength(1);
  });

  it('resource, scope and schema URLs fill in even when sent after the spans', () => {
    const field = (tag: number, payload: Uint8Array): Uint8Array => {
      const out = new Uint8Array(2 + payload.length);
      out[0] = tag;
      out[1] = payload.length; // all payloads here are < 128 bytes
      out.set(payload, 2);
      return out;
    };
    const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
    const utf8 = (t: string): Uint8Array => new TextEncoder().encode(t);
    const msg = (name: string, value: unknown): Uint8Array => {
      const type = otlpType(name);
      return type.encode(type.fromObject(value as Record<string, unknown>)).finish();
    };
    const spanBytes = msg('opentelemetry.proto.trace.v1.Span', { traceId: Array.from(Buffer.from(TRACE, 'hex')), spanId: Array.from(Buffer.from(SPAN, 'hex')), name: 'late' });
    const scopeBytes = msg('opentelemetry.proto.common.v1.InstrumentationScope', { name: 'lib', version: '9' });
    const resourceBytes = msg('opentelemetry.proto.resource.v1.Resource', { attributes: [{ key: 'service.name', value: { stringValue: 'late-svc' } }] });
    const scopeSpans = cat(field(0x12, spanBytes), field(0x1a, utf8('https://scope')), field(0x0a, scopeBytes));
    const resourceSpans = cat(field(0x12, scopeSpans), field(0x1a, utf8('https://resource')), field(0x0a, resourceBytes));
    const body = field(0x0a, resourceSpans);
    const spans = okSpans(decodeTraces(body, 'protobuf'));
    expect(spans[0].scope).toEqual({ name: 'lib', version: '9', attributes: {}, droppedAttributesCount: 0, schemaUrl: 'https://scope' });
    expect(spans[0].resource).toEqual({ attributes: { 'service.name': 'late-svc' }, droppedAttributesCount: 0, schemaUrl: 'https://resource' });
  });
});

describe('strategy per format', () => {
  it('decoderFor picks the implementation', () => {
    expect(decoderFor('protobuf')).toBe(protobufDecoder);
    expect(decoderFor('json')).toBe(jsonDecoder);
  });
});

describe('exact integer helpers', () => {
  it('uint64ToDecimal matches BigInt for random and edge values', () => {
    const edges: [number, number][] = [
      [0, 0],
      [0, 1],
      [0x1fffff, 0xffffffff],
      [0x200000, 0],
      [0xffffffff, 0xffffffff],
      [0x18e9a5c1, 0x3b9ac9ff],
      [0x18e9a5c1, 0],
    ];
    for (let i = 0; i < 2000; i++) edges.push([Math.floor(Math.random() * 2 ** 32), Math.floor(Math.random() * 2 ** 32)]);
    for (const [hi, lo] of edges) {
      const want = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
      expect(uint64ToDecimal(hi, lo), `${hi}:${lo}`).toBe(want);
    }
  });

  it('int64ToAttribute matches BigInt semantics', () => {
    for (let i = 0; i < 2000; i++) {
      const hi = Math.floor(Math.random() * 2 ** 32);
      const lo = Math.floor(Math.random() * 2 ** 32);
      const big = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      const n = Number(big);
      expect(int64ToAttribute(hi, lo)).toEqual(Number.isSafeInteger(n) ? n : big.toString());
    }
    expect(int64ToAttribute(0xffffffff, 0xffffffff)).toBe(-1);
    expect(int64ToAttribute(0xffe00000, 1)).toBe(-(2 ** 53) + 1);
    expect(int64ToAttribute(0xffe00000, 0)).toBe('-9007199254740992');
  });

  it('JSON int64 / uint64 parsing', () => {
    expect(jsonInt64ToAttribute('-12')).toBe(-12);
    expect(jsonInt64ToAttribute('9007199254740993')).toBe('9007199254740993');
    expect(jsonInt64ToAttribute('0x10')).toBeNull();
    expect(jsonInt64ToAttribute('9223372036854775808')).toBeNull();
    expect(jsonUint64ToDecimal('')).toBe('0');
    expect(jsonUint64ToDecimal('000')).toBe('0');
    expect(jsonUint64ToDecimal('18446744073709551615')).toBe('18446744073709551615');
    expect(jsonUint64ToDecimal('18446744073709551616')).toBeNull();
    expect(jsonUint64ToDecimal(' 1')).toBeNull();
  });
});

describe('JSON body text', () => {
  it('ignores a UTF-8 byte-order mark and keeps non-ASCII text', () => {
    const doc = new TextEncoder().encode(JSON.stringify(traceRequest([span({ name: 'größe ✓' })])));
    const withBom = new Uint8Array(doc.length + 3);
    withBom.set([0xef, 0xbb, 0xbf]);
    withBom.set(doc, 3);
    expect(okSpans(decodeTraces(withBom, 'json'))[0].name).toBe('größe ✓');
  });
});
