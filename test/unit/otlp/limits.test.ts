/**
 * Decoder limits and hostile values, in both body formats: long string values are cut with a
 * marker that keeps the original length, invalid UTF-8 becomes U+FFFD, times past 2^63 − 1 are
 * clamped; in every case the span or log record is kept.
 */
import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeTraces } from '../../../src/core/otlp/decode';
import type { SpanRecord } from '../../../src/model/trace';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, truncateValue, truncationOf } from '../../../src/model/limits';
import { MAX_TIME_UNIX_NANO } from '../../../src/core/otlp/shared';
import { encodeLogsRequest, encodeTraceRequest } from '../../support/otlp';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const START = '1795292206245207037';
const END = '1795292206345207038';

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function traceRequest(spans: unknown[], resourceAttributes: unknown[] = []): Record<string, unknown> {
  return { resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'lib' }, spans }] }] };
}

function span(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE, spanId: SPAN, name: 'op', kind: 1, startTimeUnixNano: START, endTimeUnixNano: END, ...overrides };
}

function spansOf(result: ReturnType<typeof decodeTraces>): SpanRecord[] {
  if (!result.ok) throw new Error(result.message);
  return result.items;
}

const encoders = {
  protobuf: (doc: Record<string, unknown>) => encodeTraceRequest(doc),
  json: (doc: Record<string, unknown>) => json(doc),
} as const;

describe('truncateValue / truncationOf', () => {
  it('keeps short values, cuts long ones with the original length, never splits a surrogate pair', () => {
    expect(truncateValue('hello', 5)).toBe('hello');
    const cut = truncateValue('x'.repeat(5000), 1024);
    expect(cut.startsWith('x'.repeat(1024))).toBe(true);
    expect(cut.slice(1024, 1025)).toBe('…');
    expect(truncationOf(cut)).toEqual({ originalLength: 5000, keptLength: 1024 });
    expect(truncationOf('x'.repeat(5000))).toBeNull();
    expect(truncationOf(42)).toBeNull();
    // '😀' is two UTF-16 units: a cut after 3 units would leave a lone high surrogate.
    const emoji = truncateValue('a😀😀😀', 2);
    expect(emoji.startsWith('a…')).toBe(true);
    expect(truncationOf(emoji)).toEqual({ originalLength: 7, keptLength: 1 });
    expect(truncateValue('x'.repeat(10), 0)).toBe('x'.repeat(10));
    expect(truncateValue('x'.repeat(10), Infinity)).toBe('x'.repeat(10));
  });
});

describe.each(['protobuf', 'json'] as const)('decoder limits (%s)', (format) => {
  const encode = encoders[format];

  it('cuts long string values everywhere (span, event, resource, nested kvlist) and keeps the span', () => {
    const long = 'p'.repeat(5000);
    const body = encode(
      traceRequest(
        [
          span({
            attributes: [
              str('gen_ai.prompt', long),
              str('short', 'kept as is'),
              { key: 'nested', value: { kvlistValue: { values: [str('inner', long)] } } },
              { key: 'list', value: { arrayValue: { values: [{ stringValue: long }] } } },
            ],
            events: [{ name: 'gen_ai.user.message', timeUnixNano: START, attributes: [str('content', long)] }],
          }),
          span({ spanId: 'eee19b7ec3c1b175', name: 'sibling' }),
        ],
        [str('service.name', 'svc'), str('process.command_line', long)],
      ),
    );
    const spans = spansOf(decodeTraces(body, format, { maxAttributeValueLength: 1024 }));
    expect(spans.map((s) => s.name)).toEqual(['op', 'sibling']);
    const [s] = spans;
    const cut = { originalLength: 5000, keptLength: 1024 };
    expect(truncationOf(s.attributes['gen_ai.prompt'])).toEqual(cut);
    expect(s.attributes.short).toBe('kept as is');
    expect(truncationOf((s.attributes.nested as Record<string, unknown>).inner)).toEqual(cut);
    expect(truncationOf((s.attributes.list as unknown[])[0])).toEqual(cut);
    expect(truncationOf(s.events[0].attributes.content)).toEqual(cut);
    expect(truncationOf(s.resource.attributes['process.command_line'])).toEqual(cut);
    expect(s.resource.attributes['service.name']).toBe('svc');
  });

  it('keeps a 400 KB prompt whole under the default limit', () => {
    const prompt = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'lorem ipsum '.repeat(34_000) }] }]);
    expect(prompt.length).toBeGreaterThan(400_000);
    expect(prompt.length).toBeLessThan(DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);
    const [s] = spansOf(decodeTraces(encode(traceRequest([span({ attributes: [str('gen_ai.input.messages', prompt)] })])), format));
    expect(s.attributes['gen_ai.input.messages']).toBe(prompt);
  });

  it('cuts long log bodies and bytes values', () => {
    const doc = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: START, body: { stringValue: 'b'.repeat(3000) }, attributes: [{ key: 'blob', value: { bytesValue: Buffer.alloc(3000, 7).toString('base64') } }] },
              ],
            },
          ],
        },
      ],
    };
    const result = decodeLogs(format === 'json' ? json(doc) : encodeLogsRequest(doc), format, { maxAttributeValueLength: 1024 });
    if (!result.ok) throw new Error(result.message);
    expect(result.items).toHaveLength(1);
    expect(truncationOf(result.items[0].body)).toEqual({ originalLength: 3000, keptLength: 1024 });
    expect(truncationOf(result.items[0].attributes.blob)).toEqual({ originalLength: 4000, keptLength: 1024 });
  });

  it('clamps times past 2^63 − 1 ns (year 2262) instead of rejecting the span; keeps 0', () => {
    const spans = spansOf(
      decodeTraces(
        encode(
          traceRequest([
            span({ name: 'future', startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '9223372036854775808' }),
            span({ name: 'epoch', spanId: 'eee19b7ec3c1b175', startTimeUnixNano: '0', endTimeUnixNano: '1' }),
          ]),
        ),
        format,
      ),
    );
    expect(spans.map((s) => [s.name, s.startTimeUnixNano, s.endTimeUnixNano])).toEqual([
      ['future', MAX_TIME_UNIX_NANO, MAX_TIME_UNIX_NANO],
      ['epoch', '0', '1'],
    ]);
  });
});

describe('non-UTF-8 text', () => {
  /** Replaces the bytes of `marker` (ASCII) in `body` with `bytes` of the same length. */
  function patch(body: Uint8Array, marker: string, bytes: number[]): Uint8Array {
    const out = Uint8Array.from(body);
    const at = Buffer.from(out).indexOf(marker);
    expect(at).toBeGreaterThanOrEqual(0);
    out.set(bytes, at);
    return out;
  }

  it('protobuf: invalid sequences in names and values become U+FFFD; the span is kept', () => {
    let body = encodeTraceRequest(traceRequest([span({ name: 'NAME', attributes: [str('k', 'VALUE-ok')] }), span({ spanId: 'eee19b7ec3c1b175', name: 'next' })]));
    body = patch(body, 'NAME', [0xff, 0x41, 0xe2, 0x82]); // lone 0xff, 'A', a truncated 3-byte sequence
    body = patch(body, 'VALUE', [0xc3, 0x28, 0xed, 0xa0, 0x80]); // bad continuation, encoded surrogate
    const spans = spansOf(decodeTraces(body, 'protobuf'));
    expect(spans.map((s) => s.name)).toEqual(['\uFFFDA\uFFFD', 'next']);
    expect(spans[0].attributes.k).toMatch(/^\uFFFD\(\uFFFD+-ok$/);
  });

  it('JSON: invalid bytes become U+FFFD; escaped lone surrogates are kept as sent', () => {
    const text = JSON.stringify(traceRequest([span({ name: 'NAME', attributes: [str('k', '\ud800 lone')] })]));
    const body = patch(new TextEncoder().encode(text), 'NAME', [0x4e, 0xff, 0xfe, 0x45]);
    const [s] = spansOf(decodeTraces(body, 'json'));
    expect(s.name).toBe('N\uFFFD\uFFFDE');
    expect(s.attributes.k).toBe('\ud800 lone');
  });
});
