/**
 * Traces as files through the real back end (the bundled worker): OTLP JSON Lines made of real SDK
 * request bodies (test/fixtures/otlp) and of the specification's examples, bad lines, gzip,
 * protobuf (single and length-delimited), a pretty-printed .json document, and the exact round trip
 * receive → export → clear → open.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importOtlpFile, describeImport } from '../../../src/core/files/fileImport';
import type { ExportOtlpResult, ImportOtlpParams } from '../../../src/core/files/types';
import { byId, expected, fixtureBody } from '../../support/otlp';
import { startPipeline, type Pipeline } from '../../support/pipeline';
import { allTraceIds, fixtureLine, storedModel, tempDir } from './support';

const SPEC = join(__dirname, '..', '..', 'fixtures', 'files');

describe('opening OTLP files in the back end', () => {
  let p: Pipeline;
  let dir: string;
  const send = (params: ImportOtlpParams) => p.client.request('importOtlp', params);

  beforeAll(async () => {
    p = await startPipeline();
    dir = tempDir();
  });
  afterAll(async () => {
    await p?.close();
  });
  beforeEach(async () => {
    await p.client.request('clear', {});
  });

  const jsonl = () =>
    [
      fixtureLine('traces-basic-json.json'),
      'this is { not JSON',
      fixtureLine('genai-openai-traces-json.json'),
      '["an", "array"]',
      '',
      fixtureLine('logs-basic-json.json'),
      '{"hello":"world"}',
      fixtureLine('genai-openai-logs-json.json'),
    ].join('\n') + '\n';

  async function expectFixturesStored(): Promise<void> {
    const ids = await allTraceIds(p.client);
    const { spans, logs } = await storedModel(p.client, ids);
    const want = [...expected('traces-basic-proto').spans!, ...expected('genai-openai-traces-proto').spans!];
    const got = byId(spans);
    expect(spans.length).toBe(want.length);
    for (const span of want) expect(got.get(span.spanId), span.name).toEqual(span);
    // Log records correlated with a stored span are listed in its details (the uncorrelated WARN of logs-basic is not).
    const correlated = [...expected('logs-basic-proto').logs!, ...expected('genai-openai-logs-proto').logs!].filter((l) => l.spanId && got.has(l.spanId));
    expect(correlated.length).toBeGreaterThan(0);
    expect(logs.length).toBe(correlated.length);
  }

  it('loads JSON Lines of real exporter requests and names the lines that are not OTLP', async () => {
    const file = join(dir, 'run.jsonl');
    writeFileSync(file, jsonl());
    const summary = await importOtlpFile(file, send);
    expect(summary.error).toBeUndefined();
    expect(summary.kind).toBe('jsonl');
    expect(summary.requests).toBe(4);
    expect(summary.problems.map((x) => x.line)).toEqual([2, 4, 7]);
    expect(summary.problems[0].reason).toMatch(/^not JSON \(/);
    expect(summary.problems[1].reason).toBe('not an OTLP export request (a JSON array)');
    expect(summary.problems[2].reason).toBe('not an OTLP export request (keys: hello)');
    expect(summary.spans).toBe(expected('traces-basic-proto').spans!.length + expected('genai-openai-traces-proto').spans!.length);
    expect(summary.logs).toBe(expected('logs-basic-proto').logs!.length + expected('genai-openai-logs-proto').logs!.length);
    expect(describeImport('run.jsonl', summary)).toMatch(/^Loaded \d+ traces, \d+ spans, \d+ log records from run\.jsonl; 3 lines were not OTLP or not fully loaded \(lines 2, 4, 7\): line 2: not JSON/);
    await expectFixturesStored();
    // Where the traces came from, beside the data.
    const sources = await p.client.request('traceSources', { traceIds: summary.traceIds });
    expect(Object.values(sources)).toEqual(summary.traceIds.map(() => 'run.jsonl'));
  });

  it('reads gzip-compressed JSON Lines in small parts with the same line numbers', async () => {
    const file = join(dir, 'run.jsonl.gz');
    writeFileSync(file, gzipSync(jsonl()));
    const parts: number[] = [];
    const summary = await importOtlpFile(file, (params) => {
      parts.push(params.firstLine);
      return send(params);
    }, { chunkBytes: 64 });
    expect(summary.gzip).toBe(true);
    expect(parts[0]).toBe(1);
    expect(summary.problems.map((x) => x.line)).toEqual([2, 4, 7]);
    await expectFixturesStored();
  });

  it('reads protobuf exports: one binary request, and length-delimited messages of either signal', async () => {
    const single = join(dir, 'traces.binpb');
    writeFileSync(single, fixtureBody('traces-basic-proto.binpb'));
    const one = await importOtlpFile(single, send);
    expect(one.kind).toBe('protobuf');
    expect(one.spans).toBe(expected('traces-basic-proto').spans!.length);
    expect(one.problemCount).toBe(0);

    await p.client.request('clear', {});
    const delimited = join(dir, 'mixed.pb');
    const messages = [fixtureBody('genai-openai-traces-proto.binpb'), fixtureBody('genai-openai-logs-proto.binpb'), fixtureBody('traces-basic-proto.binpb')];
    writeFileSync(delimited, Buffer.concat(messages.flatMap((m) => [varint(m.length), Buffer.from(m)])));
    const many = await importOtlpFile(delimited, send);
    expect(many.requests).toBe(3);
    expect(many.problemCount).toBe(0);
    expect(many.logs).toBe(expected('genai-openai-logs-proto').logs!.length);
    await p.client.request('importOtlp', { kind: 'jsonl', body: new TextEncoder().encode(fixtureLine('logs-basic-json.json')), firstLine: 1, source: 'x' });
    await expectFixturesStored();
  });

  it('reads one pretty-printed .json export request, and a .json file that is really JSON Lines', async () => {
    const pretty = join(dir, 'request.json');
    writeFileSync(pretty, JSON.stringify(JSON.parse(fixtureLine('traces-basic-json.json')), null, 2));
    const one = await importOtlpFile(pretty, send);
    expect(one.kind).toBe('json');
    expect(one.spans).toBe(expected('traces-basic-proto').spans!.length);

    const linesAsJson = join(dir, 'lines.json');
    writeFileSync(linesAsJson, jsonl());
    const many = await importOtlpFile(linesAsJson, send);
    expect(many.requests).toBe(4);
    expect(many.problems.map((x) => x.line)).toEqual([2, 4, 7]);
  });

  it("reads the specification's examples: its spans have empty ids and are refused, line by line; logs and metrics load", async () => {
    const traces = await importOtlpFile(join(SPEC, 'spec-traces.jsonl'), send);
    expect(traces.requests).toBe(2);
    expect(traces.spans).toBe(0);
    expect(traces.rejected).toBe(4);
    expect(traces.problems.map((x) => x.line)).toEqual([1, 2]);
    expect(traces.problems[0].reason).toMatch(/^2 spans refused: invalid traceId/);

    const logs = await importOtlpFile(join(SPEC, 'spec-logs.jsonl'), send);
    expect(logs.requests).toBe(2);
    expect(logs.logs + logs.rejected).toBe(4);
    expect(logs.traceIds).toContain('08040201000000000000000000000000');

    const metrics = await importOtlpFile(join(SPEC, 'spec-metrics.jsonl'), send);
    expect(metrics).toMatchObject({ requests: 1, metricPoints: 4, spans: 0, problemCount: 0 });
  });

  it('names a missing file and a file that is no OTLP at all, without throwing', async () => {
    const missing = await importOtlpFile(join(dir, 'nope.jsonl'), send);
    expect(missing.error).toMatch(/ENOENT/);
    const junk = join(dir, 'junk.binpb');
    writeFileSync(junk, Buffer.from('\x01\x02\x03 definitely not protobuf'));
    const bad = await importOtlpFile(junk, send);
    expect(bad.requests).toBe(0);
    expect(bad.problemCount).toBe(1);
    expect(bad.problems[0].reason).toMatch(/^not an OTLP export request/);
  });
});

describe('round trip: receive → export as OTLP JSON Lines → clear → open', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  async function post(signal: 'traces' | 'logs', file: string): Promise<void> {
    const res = await fetch(`${p.url}/v1/${signal}`, {
      method: 'POST',
      headers: { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/x-protobuf' },
      body: Buffer.from(fixtureBody(file)),
    });
    expect(res.status).toBe(200);
  }

  it('gives back the same spans, ids, nanosecond times, attributes, events, links and log records', async () => {
    await post('traces', 'traces-basic-proto.binpb');
    await post('traces', 'genai-openai-traces-json.json');
    await post('logs', 'logs-basic-json.json');
    await post('logs', 'genai-openai-logs-proto.binpb');
    const ids = await allTraceIds(p.client);
    const before = await storedModel(p.client, ids);
    expect(before.spans.length).toBeGreaterThan(8);
    expect(before.logs.length).toBeGreaterThan(3);
    expect(before.spans.some((s) => s.links.length > 0 && s.events.length > 0)).toBe(true);

    const lines: string[] = [];
    let startIndex: number | null = 0;
    while (startIndex !== null) {
      const reply: ExportOtlpResult = await p.client.request('exportOtlp', { traceIds: ids, signals: 'both', startIndex });
      lines.push(...reply.lines);
      startIndex = reply.nextIndex;
    }
    // OTLP/JSON encoding: hex ids, int64 as decimal strings, enums as integers.
    for (const line of lines) {
      expect(line).not.toContain('\n');
      const request = JSON.parse(line) as { resourceSpans?: { scopeSpans: { spans: { traceId: string; kind: number; startTimeUnixNano: unknown }[] }[] }[] };
      for (const rs of request.resourceSpans ?? [])
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) {
            expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
            expect(typeof s.kind).toBe('number');
            expect(typeof s.startTimeUnixNano).toBe('string');
          }
    }
    const file = join(tempDir(), 'export.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');

    await p.client.request('clear', {});
    expect(await allTraceIds(p.client)).toEqual([]);
    const summary = await importOtlpFile(file, (params) => p.client.request('importOtlp', params));
    expect(summary.problemCount).toBe(0);
    const after = await storedModel(p.client, await allTraceIds(p.client));
    expect(after.spans.length).toBe(before.spans.length);
    expect(after.logs.length).toBe(before.logs.length);
    for (let i = 0; i < before.spans.length; i++) expect(after.spans[i], before.spans[i].name).toEqual(before.spans[i]);
    for (let i = 0; i < before.logs.length; i++) expect(after.logs[i]).toEqual(before.logs[i]);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
