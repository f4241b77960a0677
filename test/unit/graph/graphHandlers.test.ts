/**
 * `traceGraph` and `sessionGraph` through the real back end service and sql.js store: the captured
 * Vercel AI SDK run (GenAI mode) ingested as OTLP/JSON, twice under one session id
 * (`gen_ai.conversation.id` added to the root span), with its real prices.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendService } from '../../../src/core/backend/backendService';
import { CHANGE_NOTIFY_INTERVAL_MS } from '../../../src/core/backend/protocol';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { graphNodeId } from '../../../src/core/graph/buildGraph';
import { openStore } from '../../support/storeHarness';
import { genai } from '../../support/genai';
import { traceId as makeTraceId } from '../../support/builders';

let store: TraceStore;
let service: BackendService;

beforeEach(async () => {
  store = await openStore();
  service = new BackendService(store, () => undefined);
});

afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, CHANGE_NOTIFY_INTERVAL_MS + 20));
  store.close();
});

type JsonSpan = { traceId: string; spanId: string; parentSpanId?: string; attributes: { key: string; value: Record<string, unknown> }[] };
type JsonBody = { resourceSpans: { scopeSpans: { spans: JsonSpan[] }[] }[] };

/** The Vercel fixture as a new trace `traceId`, its root span in session `sessionId`. */
function vercelRun(traceId: string, sessionId: string): { body: Uint8Array; spans: JsonSpan[] } {
  const json = JSON.parse(readFileSync(genai('vercel-ai-genai.otlp.json'), 'utf8')) as JsonBody;
  const spans = json.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  for (const s of spans) {
    s.traceId = traceId;
    if (!s.parentSpanId) s.attributes.push({ key: 'gen_ai.conversation.id', value: { stringValue: sessionId } });
  }
  return { body: new TextEncoder().encode(JSON.stringify(json)), spans };
}

const attr = (s: JsonSpan, key: string) => s.attributes.find((a) => a.key === key)?.value;

async function ingest(body: Uint8Array): Promise<void> {
  const r = await service.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body, maxBodyBytes: 1 << 24 });
  expect(r).toMatchObject({ status: 'ok', rejected: 0 });
}

describe('traceGraph / sessionGraph requests', () => {
  it('a stored trace: agent, tool and model nodes with the span ids of the trace, priced calls', async () => {
    const t1 = makeTraceId(0xa1);
    const { body, spans } = vercelRun(t1, 'sess-graph');
    await ingest(body);
    const g = (await service.handlers.traceGraph({ traceId: t1 }))!;
    expect(g.scope).toEqual({ kind: 'trace', traceId: t1 });
    const chats = spans.filter((s) => attr(s, 'gen_ai.operation.name')?.stringValue === 'chat');
    const AGENT = graphNodeId('agent', 'weather-agent');
    const MODEL = graphNodeId('model', 'gpt-4o-mini-2024-07-18', 'openai');
    expect(g.nodes.map((n) => n.id)).toEqual([AGENT, graphNodeId('tool', 'get_weather'), MODEL]);
    const model = g.nodes.find((n) => n.id === MODEL)!;
    expect(model.spanIds.sort()).toEqual(chats.map((s) => s.spanId).sort());
    // Priced from the bundled price data: both calls known, so not a lower bound.
    expect(model.cost).toMatchObject({ pricedCount: 2, unpricedCount: 0, isLowerBound: false });
    expect(model.cost!.costUsd).toBeGreaterThan(0);
    // The same amount as the trace row's cost (one counting rule).
    const summary = (await service.handlers.listTraces({ limit: 1, offset: 0 }))[0]!;
    expect(model.cost!.costUsd).toBe(summary.usage!.cost.costUsd);
  });

  it('a session: its traces added up, span ids of the focus trace only; unknown ids answer null', async () => {
    const t1 = makeTraceId(0xb1);
    const t2 = makeTraceId(0xb2);
    const r1 = vercelRun(t1, 'sess-2');
    await ingest(r1.body);
    await ingest(vercelRun(t2, 'sess-2').body);
    const g = (await service.handlers.sessionGraph({ sessionId: 'sess-2', focusTraceId: t1 }))!;
    expect(g).toMatchObject({ scope: { kind: 'session', sessionId: 'sess-2' }, traceCount: 2, truncated: false });
    const agent = g.nodes.find((n) => n.kind === 'agent')!;
    expect(agent).toMatchObject({ name: 'weather-agent', calls: 2, traceCount: 2 });
    expect(agent.spanIds).toEqual([r1.spans.find((s) => !s.parentSpanId)!.spanId]);
    // 1 tool call and 2 model calls per run.
    expect(g.edges.map((e) => `${e.to} ×${e.count}`)).toEqual([`${graphNodeId('tool', 'get_weather')} ×2`, `${graphNodeId('model', 'gpt-4o-mini-2024-07-18', 'openai')} ×4`]);
    expect(await service.handlers.sessionGraph({ sessionId: 'no-such-session' })).toBeNull();
    expect(await service.handlers.traceGraph({ traceId: makeTraceId(0xdead) })).toBeNull();
  });
});
