/**
 * Cost and tokens kept by the store at write time (src/core/store/usageColumns.ts) against the
 * on-demand computation from the normalized spans (src/core/usage/traceUsage.ts through
 * `UsageIndex.detail`): on every real GenAI fixture, in both arrival orders of spans and log
 * records, after new prices, and after a snapshot of the previous schema is restored. The rows'
 * `usage`, each waterfall row's cost (a call's price, or the sum below a roll-up) and the packed
 * skeleton must equal what the on-demand path gives.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendService } from '../../../src/core/backend/backendService';
import { TraceStore } from '../../../src/core/store/traceStore';
import { callFactsOf } from '../../../src/core/genai/callFacts';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { needsPrice } from '../../../src/core/pricing/priceCall';
import { packSkeleton } from '../../../src/model/skeletonCodec';
import { decodeTraces } from '../../../src/core/otlp/decode';
import type { CallCost, PriceOverride } from '../../../src/model/cost';
import type { GenAiUsage } from '../../../src/model/genai';
import { moreJson } from '../../../src/core/store/usageColumns';
import type { TraceSummary } from '../../../src/model/trace';
import { GENAI_FIXTURES, genai, loadLogs, loadSpans, otlp } from '../../support/genai';
import { DROP_VERSION_3, ROOMY_CONFIG, wasmBinary } from '../../support/storeHarness';

let stores: TraceStore[] = [];
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
});

async function open(snapshot?: Uint8Array): Promise<{ store: TraceStore; service: BackendService }> {
  const store = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, ...(snapshot ? { snapshot } : {}) });
  stores.push(store);
  return { store, service: new BackendService(store, () => undefined) };
}

async function ingest(service: BackendService, signal: 'traces' | 'logs', path: string): Promise<void> {
  const body = new Uint8Array(readFileSync(path));
  const r = await service.ingest({ signal, format: path.endsWith('.binpb') ? 'protobuf' : 'json', encoding: 'identity', body, maxBodyBytes: 64 << 20 });
  expect(r.status, path).toBe('ok');
}

/** The waterfall cost of a span as the on-demand path gives it (a call's price, or a roll-up's sum). */
function expectedSpanCost(c: CallCost | undefined): { cost?: number | null; costIsSum?: true } {
  if (!c) return {};
  if (c.status === 'sum') return { cost: c.total.reportedCount + c.total.pricedCount > 0 ? c.costUsd : null, costIsSum: true };
  return { cost: c.status === 'unpriced' ? null : c.costUsd };
}

interface Seen {
  traces: number;
  withUsage: number;
  sums: number;
  unpriced: number;
}

/** Every stored trace: stored usage, skeleton costs and packed skeleton equal the on-demand values. */
async function expectStoredEqualsRecomputed(store: TraceStore, service: BackendService, label: string, seen: Seen): Promise<void> {
  const rows = await service.handlers.listTraces({ limit: 1000, offset: 0 });
  expect(rows.length, label).toBeGreaterThan(0);
  for (const row of rows) {
    const summary = store.traceSummary(row.traceId) as TraceSummary;
    const detail = service.usage.detail(summary);
    expect(row.usage, `${label} ${row.traceId}: usage`).toEqual(detail?.usage);
    const skeleton = store.traceSkeleton(row.traceId)!;
    for (const s of skeleton.spans) {
      const got: { cost?: number | null; costIsSum?: true } = {};
      if (s.cost !== undefined) got.cost = s.cost;
      if (s.costIsSum) got.costIsSum = true;
      expect(got, `${label} ${row.traceId}/${s.spanId}: cost`).toEqual(expectedSpanCost(detail?.spanCosts.get(s.spanId)));
      if (s.costIsSum) seen.sums++;
    }
    expect(store.packedTraceSkeleton(row.traceId), `${label}: packed`).toEqual(packSkeleton(skeleton));
    seen.traces++;
    if (row.usage) seen.withUsage++;
    if (row.usage?.cost.unpricedCount) seen.unpriced++;
  }
}

const TRACE_FIXTURES = readdirSync(GENAI_FIXTURES).filter((f) => f.endsWith('.otlp.json') && !f.includes('.logs.'));

describe('stored cost columns equal the on-demand computation', () => {
  it('on every GenAI fixture (spans, then their log records)', async () => {
    const seen: Seen = { traces: 0, withUsage: 0, sums: 0, unpriced: 0 };
    for (const file of TRACE_FIXTURES) {
      const { store, service } = await open();
      await ingest(service, 'traces', genai(file));
      const logs = genai(file.replace('.otlp.json', '.logs.otlp.json'));
      if (existsSync(logs)) await ingest(service, 'logs', logs);
      await expectStoredEqualsRecomputed(store, service, file, seen);
    }
    // Not vacuous: most traces carry usage, and roll-ups occur (unpriced calls: the arrival-order tests below).
    expect(seen.withUsage).toBeGreaterThanOrEqual(15);
    expect(seen.sums).toBeGreaterThan(0);
  });

  it('official OpenAI instrumentation: log records before or after their spans give the same figures', async () => {
    for (const format of ['json', 'proto'] as const) {
      const ext = format === 'json' ? 'json' : 'binpb';
      for (const order of ['spans first', 'logs first'] as const) {
        const { store, service } = await open();
        const traces = otlp(`genai-openai-traces-${format}.${ext}`);
        const logs = otlp(`genai-openai-logs-${format}.${ext}`);
        if (order === 'spans first') {
          await ingest(service, 'traces', traces);
          await ingest(service, 'logs', logs);
        } else {
          await ingest(service, 'logs', logs);
          await ingest(service, 'traces', traces);
        }
        const seen: Seen = { traces: 0, withUsage: 0, sums: 0, unpriced: 0 };
        await expectStoredEqualsRecomputed(store, service, `${format} ${order}`, seen);
        expect(seen.withUsage).toBe(1);
      }
    }
  });

  it('cost facts are the normalized view\'s fields, for every span of every fixture', () => {
    let calls = 0;
    for (const file of TRACE_FIXTURES) {
      const spans = loadSpans(genai(file));
      const logsPath = genai(file.replace('.otlp.json', '.logs.otlp.json'));
      const logs = existsSync(logsPath) ? loadLogs(logsPath) : [];
      for (const span of spans) {
        const own = logs.filter((l) => l.traceId === span.traceId && l.spanId === span.spanId);
        const view = normalizeSpan(span, own);
        const facts = callFactsOf(span, own);
        if (!needsPrice(view)) {
          expect(facts, `${file} ${span.name}`).toBeUndefined();
          continue;
        }
        calls++;
        const want: Record<string, unknown> = { modelCall: view.kind === 'llm' || view.kind === 'embeddings', aggregate: view.usageIsAggregate === true };
        for (const key of ['provider', 'requestModel', 'responseModel', 'usage', 'reportedCostUsd'] as const) if (view[key] !== undefined) want[key] = view[key];
        expect(facts, `${file} ${span.name}`).toEqual(want);
      }
    }
    expect(calls).toBeGreaterThanOrEqual(30);
  });
});

describe('counted once, whatever the arrival order', () => {
  const traceId = 'ab'.repeat(16);
  const T0 = 1_763_700_000_000_000_000n;
  const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
  /** A LangChain-style wrapper (usage, no aggregate flag) over a plain span over the OpenAI call, and an agent span with rolled-up usage above all. */
  const spans = [
    { spanId: '0000000000000001', parentSpanId: '', name: 'invoke_agent planner', attrs: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'planner'), attr('gen_ai.usage.input_tokens', 300), attr('gen_ai.usage.output_tokens', 30)] },
    { spanId: '0000000000000002', parentSpanId: '0000000000000001', name: 'ChatOpenAI', attrs: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', 100), attr('gen_ai.usage.output_tokens', 10)] },
    { spanId: '0000000000000003', parentSpanId: '0000000000000002', name: 'http', attrs: [attr('http.request.method', 'POST')] },
    { spanId: '0000000000000004', parentSpanId: '0000000000000003', name: 'chat gpt-4o-mini', attrs: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', 100), attr('gen_ai.usage.output_tokens', 10)] },
    { spanId: '0000000000000005', parentSpanId: '0000000000000001', name: 'chat mystery', attrs: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'mystery-model-9'), attr('gen_ai.usage.input_tokens', 200), attr('gen_ai.usage.output_tokens', 20)] },
  ];
  const body = (only: typeof spans) =>
    new TextEncoder().encode(
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [] },
            scopeSpans: [
              {
                scope: { name: 't' },
                spans: only.map((s, i) => ({
                  traceId,
                  spanId: s.spanId,
                  parentSpanId: s.parentSpanId,
                  name: s.name,
                  kind: 1,
                  startTimeUnixNano: String(T0 + BigInt(i) * 1_000_000n),
                  endTimeUnixNano: String(T0 + BigInt(10 - i) * 1_000_000n),
                  attributes: s.attrs,
                })),
              },
            ],
          },
        ],
      }),
    );

  it('one request written in slices of one span (the write budget runs out after each)', async () => {
    for (const order of [[0, 1, 2, 3, 4], [3, 4, 2, 1, 0]]) {
      const { store, service } = await open();
      const decoded = decodeTraces(body(order.map((i) => spans[i]!)), 'json');
      if (!decoded.ok) throw new Error(decoded.message);
      for (let offset = 0; offset < decoded.items.length; ) {
        const r = store.insertSpans(decoded.items, { offset, budgetMs: 0 });
        expect(r.nextOffset).toBe(offset + 1);
        offset = r.nextOffset;
      }
      const [row] = await service.handlers.listTraces({ limit: 1, offset: 0 });
      expect(row!.usage).toMatchObject({ modelCalls: 2, tokens: { input: 300, output: 30, total: 330 } });
      await expectStoredEqualsRecomputed(store, service, `slices ${order.join(',')}`, { traces: 0, withUsage: 0, sums: 0, unpriced: 0 });
    }
  });

  for (const order of [[0, 1, 2, 3, 4], [3, 4, 2, 1, 0], [3, 0, 4, 1, 2], [2, 3, 0, 1, 4]]) {
    it(`one span per request in the order ${order.join(',')}`, async () => {
      const { store, service } = await open();
      for (const i of order) {
        const r = await service.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body: body([spans[i]!]), maxBodyBytes: 1 << 20 });
        expect(r.status).toBe('ok');
      }
      const [row] = await service.handlers.listTraces({ limit: 1, offset: 0 });
      // Counted: the innermost OpenAI call (100 + 10 tokens) and the unknown model's call (200 + 20).
      expect(row!.usage).toMatchObject({ modelCalls: 2, tokens: { input: 300, output: 30, total: 330 } });
      expect(row!.usage!.cost).toMatchObject({ isLowerBound: true, pricedCount: 1, unpricedCount: 1, unpricedModels: ['mystery-model-9'] });
      const seen: Seen = { traces: 0, withUsage: 0, sums: 0, unpriced: 0 };
      await expectStoredEqualsRecomputed(store, service, order.join(','), seen);
      expect(seen.sums).toBe(2); // the wrapper and the agent show sums
    });
  }
});

describe('usage_more', () => {
  it('is the JSON of the total, cache and reasoning tokens, as JSON.stringify writes it', () => {
    const usages: GenAiUsage[] = [
      { inputTokens: 1, outputTokens: 2 },
      { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      { totalTokens: 0.5 },
      { totalTokens: 1e21, cacheReadTokens: -0 },
      { cacheWriteTokens: 4, reasoningTokens: 5 },
      { totalTokens: 9, cacheReadTokens: 1, cacheWriteTokens: 2, reasoningTokens: 3 },
      { totalTokens: Infinity, reasoningTokens: NaN },
      { totalTokens: '12' as unknown as number },
    ];
    for (const u of usages) {
      const want = u.totalTokens === undefined && u.cacheReadTokens === undefined && u.cacheWriteTokens === undefined && u.reasoningTokens === undefined
        ? null
        : JSON.stringify({ t: u.totalTokens, r: u.cacheReadTokens, w: u.cacheWriteTokens, z: u.reasoningTokens });
      expect(moreJson(u), JSON.stringify(u)).toBe(want);
    }
  });
});

describe('re-sent spans', () => {
  it('a call re-sent under another parent: the wrapper it left counts again', async () => {
    const { store, service } = await open();
    const traceId = 'cd'.repeat(16);
    const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
    const call = (spanId: string, parentSpanId: string, name: string, model: string, tokens: number) => ({
      traceId,
      spanId,
      parentSpanId,
      name,
      kind: 1,
      startTimeUnixNano: '1763700000000000000',
      endTimeUnixNano: '1763700001000000000',
      attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', model), attr('gen_ai.usage.input_tokens', tokens), attr('gen_ai.usage.output_tokens', 1)],
    });
    const send = async (spans: object[]) => {
      const body = new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] }));
      expect((await service.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body, maxBodyBytes: 1 << 20 })).status).toBe('ok');
    };
    const root = { traceId, spanId: '00000000000000a1', parentSpanId: '', name: 'root', kind: 1, startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700002000000000', attributes: [] };
    await send([root, call('00000000000000b1', '00000000000000a1', 'wrapper', 'gpt-4o', 50), call('00000000000000c1', '00000000000000b1', 'inner', 'gpt-4o-mini', 10)]);
    expect((await service.handlers.listTraces({ limit: 1, offset: 0 }))[0]!.usage).toMatchObject({ modelCalls: 1, tokens: { input: 10 } });
    await send([call('00000000000000c1', '00000000000000a1', 'inner', 'gpt-4o-mini', 10)]);
    expect((await service.handlers.listTraces({ limit: 1, offset: 0 }))[0]!.usage).toMatchObject({ modelCalls: 2, tokens: { input: 60 } });
    await expectStoredEqualsRecomputed(store, service, 're-sent', { traces: 0, withUsage: 0, sums: 0, unpriced: 0 });
  });
});

describe('new prices and older snapshots', () => {
  it('an override reprices the stored traces in the background; rows then equal the on-demand figures again', async () => {
    const { store, service } = await open();
    await ingest(service, 'traces', genai('anthropic-openinference.otlp.json'));
    await ingest(service, 'traces', otlp('genai-openai-traces-json.json'));
    const before = await service.handlers.listTraces({ limit: 10, offset: 0 });
    await service.handlers.configurePricing({ overrides: [{ match: '/.*/', inputPerMTok: 1000, outputPerMTok: 2000 }] });
    expect(store.usageRefreshPending).toBe(true);
    for (let i = 0; i < 100 && store.usageRefreshPending; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.usageRefreshPending).toBe(false);
    const after = await service.handlers.listTraces({ limit: 10, offset: 0 });
    const priced = after.filter((t) => t.usage?.cost.pricedCount);
    expect(priced.length).toBeGreaterThan(0);
    for (const t of priced) expect(t.usage!.cost.costUsd).not.toBe(before.find((b) => b.traceId === t.traceId)!.usage!.cost.costUsd);
    await expectStoredEqualsRecomputed(store, service, 'override', { traces: 0, withUsage: 0, sums: 0, unpriced: 0 });
  });

  it('calls written after new prices are priced with them, also for a model already priced before (and back)', async () => {
    const { service } = await open();
    const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
    /** One trace of one gpt-4o-mini call (1,000 input, 10 output tokens); its stored cost. */
    const costOfNewCall = async (n: number): Promise<number | undefined> => {
      const traceId = n.toString(16).padStart(32, '0');
      const span = {
        traceId,
        spanId: '00000000000000a1',
        name: 'chat',
        kind: 3,
        startTimeUnixNano: '1763700000000000000',
        endTimeUnixNano: '1763700001000000000',
        attributes: [attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', 1000), attr('gen_ai.usage.output_tokens', 10)],
      };
      const body = new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [span] }] }] }));
      expect((await service.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body, maxBodyBytes: 1 << 20 })).status).toBe('ok');
      const rows = await service.handlers.listTraces({ limit: 100, offset: 0 });
      return rows.find((t) => t.traceId === traceId)?.usage?.cost.costUsd;
    };
    const configure = async (overrides: PriceOverride[]): Promise<void> => void (await service.handlers.configurePricing({ overrides }));
    // gpt-4o-mini in the bundled data: $0.15 / 1M input, $0.60 / 1M output.
    const bundled = 0.000156;
    expect(await costOfNewCall(1)).toBe(bundled);
    expect(await costOfNewCall(2)).toBe(bundled);
    await configure([{ match: 'gpt-4o-mini', inputPerMTok: 1000, outputPerMTok: 2000 }]);
    expect(await costOfNewCall(3)).toBe(1.02);
    await configure([{ match: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 2 }]);
    expect(await costOfNewCall(4)).toBe(0.00102);
    await configure([]);
    expect(await costOfNewCall(5)).toBe(bundled);
  });

  it('a snapshot of schema version 2 is migrated: cost facts are read from the stored spans, newest trace first', async () => {
    const { store, service } = await open();
    for (const file of ['langchain-openinference.otlp.json', 'vercel-ai.otlp.json', 'anthropic-openllmetry.otlp.json']) await ingest(service, 'traces', genai(file));
    const want = await service.handlers.listTraces({ limit: 100, offset: 0 });
    const { default: initSqlJs } = await import('sql.js');
    const SQL = await initSqlJs({ wasmBinary });
    const raw = new SQL.Database(await store.exportSnapshot());
    raw.run(DROP_VERSION_3);
    const v2 = raw.export();
    raw.close();
    const restored = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, snapshot: v2 });
    stores.push(restored);
    // Restored: every trace waits for its cost facts, read from the stored spans by the back end.
    expect(restored.usageRefreshPending).toBe(true);
    expect(restored.listTraces(100, 0).every((t) => t.usage === undefined)).toBe(true);
    const service2 = new BackendService(restored, () => undefined);
    for (let i = 0; i < 100 && restored.usageRefreshPending; i++) await new Promise((r) => setTimeout(r, 10));
    expect(restored.usageRefreshPending).toBe(false);
    const got = await service2.handlers.listTraces({ limit: 100, offset: 0 });
    expect(got.map((t) => [t.traceId, t.usage])).toEqual(want.map((t) => [t.traceId, t.usage]));
    expect(got.filter((t) => t.usage).length).toBeGreaterThan(0);
  });
});

describe('costs out of range', () => {
  it('a call reporting $10M or token counts of 1e308 is not priced, and the rest of its request is stored', async () => {
    const { store, service } = await open();
    const traceId = 'c0570000000000000000000000000001';
    const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'string' ? { stringValue: value } : { doubleValue: value } });
    const span = (spanId: string, extra: ReturnType<typeof attr>[]) => ({
      traceId,
      spanId,
      name: 'chat gpt-4o-mini',
      kind: 3,
      startTimeUnixNano: '1764979200000000000',
      endTimeUnixNano: '1764979201000000000',
      attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'), ...extra],
    });
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [attr('service.name', 'cost-range')] },
          scopeSpans: [
            {
              spans: [
                span('00000000000000a1', [attr('gen_ai.usage.input_tokens', 1000), attr('gen_ai.usage.output_tokens', 100)]),
                span('00000000000000a2', [attr('gen_ai.usage.input_tokens', 10), attr('gen_ai.usage.output_tokens', 1), attr('gen_ai.usage.cost', 1e7)]),
                span('00000000000000a3', [attr('gen_ai.usage.input_tokens', 1e308), attr('gen_ai.usage.output_tokens', 1e308)]),
              ],
            },
          ],
        },
      ],
    };
    const r = await service.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body: new TextEncoder().encode(JSON.stringify(body)), maxBodyBytes: 64 << 20 });
    expect(r).toMatchObject({ status: 'ok', accepted: 3, rejected: 0 });
    const [row] = await service.handlers.listTraces({ limit: 10, offset: 0 });
    expect(row?.spanCount).toBe(3);
    // gpt-4o-mini list price (genai-prices): $0.15 / 1M input, $0.60 / 1M output tokens.
    expect(row?.usage?.cost.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
    expect(row?.usage?.cost.unpricedCount).toBe(2);
    expect(row?.usage?.cost.unpricedModels).toEqual(expect.arrayContaining([expect.stringContaining('(cost out of range)')]));
    expect(store.traceSkeleton(traceId)?.spans.map((s) => s.cost)).toEqual([expect.any(Number), null, null]);
  });
});
