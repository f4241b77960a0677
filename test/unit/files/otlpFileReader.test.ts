/** The pure OTLP file reader: kinds, line classification, protobuf message splitting, line chunks. */
import { describe, expect, it } from 'vitest';
import { fileKindOf, jsonRequestKind, protobufMessages, splitLines } from '../../../src/core/files/otlpFileReader';
import { LineChunker } from '../../../src/core/files/lineChunker';
import { fixtureBody } from '../../support/otlp';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('OTLP file reader', () => {
  it('tells the kind from the name, then from the content', () => {
    expect(fileKindOf('run.jsonl.gz', bytes('{'))).toBe('jsonl');
    expect(fileKindOf('x.JSON', bytes('{'))).toBe('json');
    expect(fileKindOf('x.binpb', bytes('{'))).toBe('protobuf');
    expect(fileKindOf('trace', bytes('\ufeff  {"a":1}'))).toBe('json');
    expect(fileKindOf('trace', fixtureBody('traces-basic-proto.binpb'))).toBe('protobuf');
  });

  it('classifies lines: requests of each signal (camelCase or snake_case, pretty or not), blank, not JSON, not OTLP', () => {
    expect(jsonRequestKind(bytes('{"resourceSpans":[]}'))).toEqual({ ok: true, signal: 'traces' });
    expect(jsonRequestKind(bytes('{\n  "resource_logs": []\n}'))).toEqual({ ok: true, signal: 'logs' });
    expect(jsonRequestKind(bytes('{"x":1,"resourceMetrics":[]}'))).toEqual({ ok: true, signal: 'metrics' });
    expect(jsonRequestKind(bytes('  \r'))).toBeNull();
    expect(jsonRequestKind(bytes('{"resourceSpans": ['))).toEqual({ ok: true, signal: 'traces' }); // the decoder says what is wrong
    expect(jsonRequestKind(bytes('{oops'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON \(/) as unknown });
    expect(jsonRequestKind(bytes('42'))).toEqual({ ok: false, reason: 'not an OTLP export request (a JSON number)' });
    expect(jsonRequestKind(bytes('{"spans":[],"name":"x"}'))).toEqual({ ok: false, reason: 'not an OTLP export request (keys: spans, name)' });
  });

  it('numbers lines from the first line of a chunk', () => {
    expect(splitLines(bytes('a\n\nb\n'), 7).map((l) => [l.line, new TextDecoder().decode(l.bytes)])).toEqual([[7, 'a'], [8, ''], [9, 'b']]);
  });

  it('reads a protobuf file as one request, or as length-delimited messages', () => {
    const a = fixtureBody('traces-basic-proto.binpb');
    const b = fixtureBody('logs-basic-proto.binpb');
    expect(protobufMessages(a)).toEqual([a]);
    const delimited = new Uint8Array([...varint(a.length), ...a, ...varint(b.length), ...b]);
    const messages = protobufMessages(delimited);
    expect(messages.map((m) => m.length)).toEqual([a.length, b.length]);
    expect(Buffer.from(messages[1]).equals(Buffer.from(b))).toBe(true);
    const junk = bytes('not protobuf');
    expect(protobufMessages(junk)).toEqual([junk]);
  });

  it('cuts a stream into whole lines whatever the pieces, and drops an over-long line with its number', () => {
    const text = 'one\ntwo\nthree-is-long-enough\nfour\nfive';
    const chunker = new LineChunker(0, 12);
    const got: [number, string][] = [];
    const problems: number[] = [];
    for (let i = 0; i < text.length; i += 3) {
      const r = chunker.push(bytes(text.slice(i, i + 3)));
      for (const c of r.chunks) got.push([c.firstLine, new TextDecoder().decode(c.body)]);
      problems.push(...r.problems.map((x) => x.line));
    }
    for (const c of chunker.end()) got.push([c.firstLine, new TextDecoder().decode(c.body)]);
    const lines = got.flatMap(([first, body]) => body.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).map((l, i) => [first + i, l]));
    expect(lines).toEqual([[1, 'one'], [2, 'two'], [4, 'four'], [5, 'five']]);
    expect(problems).toEqual([3]);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
