/**
 * Search through the real back end thread (dist/worker.js behind BackendClient and the OTLP/HTTP
 * receiver): OTLP/JSON spans posted over HTTP, indexed in the background while the worker is
 * idle, then searched, filtered and found with the back end requests the extension uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexStatus } from '../../../src/model/search';
import { startPipeline, type Pipeline } from '../../support/pipeline';

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

const BASE_NS = 1_763_700_000_000_000_000n;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  attributes?: Record<string, string | number>;
  error?: boolean;
}

/** OTLP/JSON export request for some spans (one resource, one scope). */
function body(spans: readonly TestSpan[], service = 'shop'): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: 1,
              startTimeUnixNano: String(BASE_NS + BigInt(s.startMs) * 1_000_000n),
              endTimeUnixNano: String(BASE_NS + BigInt(s.startMs + 10) * 1_000_000n),
              attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
              status: s.error ? { code: 2, message: 'failed' } : {},
            })),
          },
        ],
      },
    ],
  });
}

async function post(spans: readonly TestSpan[]): Promise<void> {
  const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(spans) });
  expect(res.status).toBe(200);
}

async function status(): Promise<IndexStatus> {
  const r = await p.client.request('filterTraces', { query: '', limit: 1, offset: 0 });
  if (!r.ok) throw new Error(r.error);
  return r.index;
}

/**
 * Waits until the background indexer has caught up, asking every 250 ms: any request postpones
 * indexing by 50 ms (it runs only when the back end is idle), so polling faster would starve it.
 */
async function indexed(): Promise<IndexStatus> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = await status();
    if (s.pendingSpans === 0) return s;
    if (Date.now() > deadline) throw new Error(`index still ${s.pendingSpans} spans behind`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Three small agent traces: the first's tool result holds the phrase; one trace fails. */
function agentTraces(): { spans: TestSpan[]; toolSpanId: string; failing: string; phraseTrace: string } {
  const spans: TestSpan[] = [];
  const results = ['The parcel left Rotterdam at dawn and arrives Friday', 'Rotterdam weather: dawn at 07:12, rain later', 'No parcel found for order 55'];
  for (let t = 0; t < 3; t++) {
    const traceId = `5ea4c0de${hex(t + 1, 24)}`;
    const root = `a0${hex(t * 10 + 1, 14)}`;
    spans.push({ traceId, spanId: root, name: 'invoke_agent courier', startMs: t * 1000, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'courier' } });
    spans.push({ traceId, spanId: `a0${hex(t * 10 + 2, 14)}`, parentSpanId: root, name: 'chat gpt-4o-mini', startMs: t * 1000 + 1, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my parcel?' }] }]) } });
    spans.push({ traceId, spanId: `a0${hex(t * 10 + 3, 14)}`, parentSpanId: root, name: 'execute_tool track_parcel', startMs: t * 1000 + 2, error: t === 2, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'track_parcel', 'gen_ai.tool.call.result': results[t]! } });
  }
  return { spans, toolSpanId: `a0${hex(3, 14)}`, failing: `5ea4c0de${hex(3, 24)}`, phraseTrace: `5ea4c0de${hex(1, 24)}` };
}

describe('search through the back end thread', () => {
  it('a phrase that occurs only in one trace\'s tool result finds exactly that trace, opened at the tool span', async () => {
    const { spans, toolSpanId, phraseTrace } = agentTraces();
    await post(spans);
    await indexed();
    const r = await p.client.request('searchTraces', { query: '"left Rotterdam at dawn"', limit: 20 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hits.map((h) => h.summary.traceId)).toEqual([phraseTrace]);
    expect(r.hits[0]).toMatchObject({ matchCount: 1, firstSpanId: toolSpanId });
    expect(r.hits[0]!.snippet).toContain('\u0002left Rotterdam at dawn\u0003');
    expect(r.truncated).toBe(false);
    // The words alone are in two traces; the phrase only in one.
    const words = await p.client.request('searchTraces', { query: 'rotterdam dawn', limit: 20 });
    expect(words.ok && words.hits.length).toBe(2);
  });

  it('an error filter returns only the failing trace; a bad query is an answer, not an error', async () => {
    const { failing } = agentTraces();
    const r = await p.client.request('filterTraces', { query: 'error', limit: 50, offset: 0 });
    expect(r.ok && r.traces.map((t) => t.traceId)).toEqual([failing]);
    expect(r.ok && r.total).toBe(1);
    expect(await p.client.request('filterTraces', { query: 'duration>2x', limit: 50, offset: 0 })).toEqual({ ok: false, error: 'duration>2x: unknown unit "x" (use ms, s, m, h)', offset: 10 });
    const usage = await p.client.request('usageReport', { scope: { kind: 'filtered', query: 'tool:track' } });
    expect(usage).toMatchObject({ traceCount: 3, scope: { kind: 'filtered', query: 'tool:track' } });
  });

  it('IndexStatus: spans pending right after a big ingest, none after idling', async () => {
    const spans: TestSpan[] = [];
    for (let i = 0; i < 6000; i++) {
      const t = Math.floor(i / 50);
      spans.push({ traceId: `b16b16${hex(t + 1, 26)}`, spanId: `b1${hex(i + 1, 14)}`, name: `step ${i % 50}`, startMs: 10_000 + t * 10 + (i % 50), attributes: { note: `payload ${i} for the bulk load test`, 'http.route': `/bulk/${i % 7}` } });
    }
    for (let i = 0; i < spans.length; i += 1000) await post(spans.slice(i, i + 1000));
    const right = await status();
    expect(right.pendingSpans).toBeGreaterThan(0);
    const after = await indexed();
    expect(after.pendingSpans).toBe(0);
    expect(after.indexedSpans).toBe(9 + 6000);
    expect(after.indexBytes).toBeGreaterThan(right.indexBytes);
    const stats = await p.client.request('stats', {});
    expect(stats.storeBytes).toBeGreaterThanOrEqual(after.indexBytes);
  });

  it('findInTrace on a live trace (part indexed, part just arrived) finds every matching span', async () => {
    const traceId = `11fe${hex(1, 28)}`;
    const batch = (from: number, n: number): TestSpan[] =>
      Array.from({ length: n }, (_, k) => {
        const i = from + k;
        return { traceId, spanId: `c1${hex(i + 1, 14)}`, ...(i > 0 ? { parentSpanId: `c1${hex(1, 14)}` } : {}), name: `turn ${i}`, startMs: 50_000 + i, attributes: { text: i % 3 === 0 ? `marker seen at turn ${i}` : `nothing at turn ${i}` } };
      });
    await post(batch(0, 300));
    await indexed();
    await post(batch(300, 1500)); // just arrived: not indexed yet
    const r = await p.client.request('findInTrace', { traceId, query: 'marker' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.index.pendingSpans).toBeGreaterThan(0);
    // Every third span, in start order: turns 0, 3, 6, …, 1797.
    const want = Array.from({ length: 600 }, (_, k) => `c1${hex(k * 3 + 1, 14)}`);
    expect(r.spanIds).toEqual(want);
    expect(r.truncated).toBe(false);
    // The same once everything is indexed.
    await indexed();
    const again = await p.client.request('findInTrace', { traceId, query: 'marker' });
    expect(again.ok && again.spanIds).toEqual(want);
  });

  it('deleteTrace and clear take the traces out of search results', async () => {
    const { phraseTrace } = agentTraces();
    expect(await p.client.request('deleteTrace', { traceId: phraseTrace })).toBe(true);
    const r = await p.client.request('searchTraces', { query: '"left Rotterdam"', limit: 20 });
    expect(r.ok && r.hits).toEqual([]);
    await p.client.request('clear', {});
    const after = await p.client.request('searchTraces', { query: 'marker', limit: 20 });
    expect(after.ok && [after.hits, after.index.indexedSpans, after.index.pendingSpans]).toEqual([[], 0, 0]);
  });
});
