/**
 * The OpenAI Agents SDK ingest path over real HTTP on 127.0.0.1: the bodies the SDK's exporter
 * sent (test/fixtures/openai-agents) POSTed to `/v1/traces/ingest` as the exporter does (headers
 * from `requests.json`), through the bundled worker into the real sql.js store, read back with
 * their parentage. Answers follow what the exporters read (openaiTracingExporter.ts,
 * processors.py): 2xx ends the export, 4xx is not retried, 5xx is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const DIR = join(__dirname, '..', '..', 'fixtures', 'openai-agents');
const SECRET = 'sk-proj-SECRET-tracing-key-4f1d';
type Item = { object: string; id: string; trace_id?: string; parent_id?: string | null; span_data?: { type: string; name?: string } };

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

/** POSTs like the JS exporter: Authorization Bearer, OpenAI-Beta, JSON. */
function post(path: string, body: Uint8Array | string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${p.url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'Content-Type': contentType, Authorization: `Bearer ${SECRET}`, 'OpenAI-Beta': 'traces=v1', 'OpenAI-Organization': `org-${SECRET}`, 'User-Agent': 'Agents/JavaScript 0.20.0' },
  });
}

describe('POST /v1/traces/ingest (OpenAI Agents SDK exporter)', () => {
  it('stores a run sent in three requests with every parent link, the root named after the workflow', async () => {
    const items: Item[] = [];
    for (const n of [1, 2, 3]) {
      const raw = readFileSync(join(DIR, `chat.${n}.ingest.json`));
      items.push(...(JSON.parse(raw.toString('utf8')) as { data: Item[] }).data);
      const res = await post('/v1/traces/ingest', raw);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({});
    }
    const traceItem = items.find((i) => i.object === 'trace')!;
    const traceId = traceItem.id.slice('trace_'.length);
    const spanItems = items.filter((i) => i.object === 'trace.span');
    const skeleton = await eventually(async () => {
      const s = await p.client.request('traceSkeleton', { traceId });
      return s && s.spans.length === spanItems.length + 1 ? s : null;
    });
    const roots = skeleton.spans.filter((s) => s.parentSpanId === null);
    expect(roots.map((s) => s.name)).toEqual(['Weather workflow (chat)']);
    const ids = new Set(skeleton.spans.map((s) => s.spanId));
    for (const s of skeleton.spans) if (s.parentSpanId !== null) expect(ids.has(s.parentSpanId)).toBe(true);
    // Parentage as the SDK sent it: each span's parent is the span the SDK named (by its original id).
    const details = await Promise.all(skeleton.spans.map((s) => p.client.request('spanDetail', { traceId, spanId: s.spanId })));
    const bySdkId = new Map(details.map((d) => [d!.span.attributes['openai.agents.span_id'], d!.span]));
    for (const item of spanItems) {
      const span = bySdkId.get(item.id)!;
      const parent = item.parent_id ? bySdkId.get(item.parent_id)!.spanId : roots[0]!.spanId;
      expect(span.parentSpanId).toBe(parent);
    }
    const summary = await p.client.request('traceSummary', { traceId });
    expect(summary?.rootName).toBe('Weather workflow (chat)');
    expect(summary?.sessionId).toBe('conversation-7');
    expect(summary?.spanCount).toBe(spanItems.length + 1);
    expect(JSON.stringify(details)).not.toContain(SECRET);
  });

  it('also answers /traces/ingest, and names rejected items in a 200 (retrying would not help)', async () => {
    const body = JSON.stringify({ data: [{ object: 'trace.span', id: 'span_x' }, { object: 'nonsense' }] });
    const res = await post('/traces/ingest', body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { partial_success: { rejected: number; error_message: string } };
    expect(answer.partial_success.rejected).toBe(2);
    expect(answer.partial_success.error_message).toContain('without a trace_id');
  });

  it('answers 400 in the OpenAI error shape for a body that is not a batch, 415 for protobuf, 405 for GET', async () => {
    const bad = await post('/v1/traces/ingest', '{"items":[]}');
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { message: string; type: string } };
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toContain('{"data":[');
    const proto = await post('/v1/traces/ingest', new Uint8Array([1, 2]), 'application/x-protobuf');
    expect(proto.status).toBe(415);
    const get = await fetch(`${p.url}/v1/traces/ingest`);
    expect(get.status).toBe(405);
    for (const line of p.logs) expect(line).not.toContain(SECRET);
  });
});
