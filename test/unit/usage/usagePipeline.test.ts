/**
 * Cost and run metrics through the real receiver and bundled worker: the demo agent (real OTel
 * SDK + @opentelemetry/instrumentation-openai against a stand-in model answering as
 * `gpt-4o-mini-2024-07-18`) → priced trace rows, span costs in the waterfall, span details and
 * Conversation, the Usage view's report, user overrides, and an unknown model as a lower bound.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCostUsd, roundUsd } from '../../../src/model/cost';
import type { TraceSummary } from '../../../src/model/trace';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

/** OpenAI's list price of gpt-4o-mini, USD per token (input $0.15 / output $0.60 per 1M). */
const GPT_4O_MINI = { input: 0.15e-6, output: 0.6e-6 };

let p: Pipeline;
let trace: TraceSummary;
/** Token counts of the two model calls, read from the skeleton badges (not from the pricing code). */
let calls: { spanId: string; input: number; output: number }[];

beforeAll(async () => {
  p = await startPipeline();
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '1', '--endpoint', p.url, '--quiet']);
  trace = await eventually(async () => {
    const [t] = await p.client.request('listTraces', { limit: 1, offset: 0 });
    return t?.usage?.modelCalls === 2 ? t : undefined;
  }, 15_000);
  const skeleton = (await p.client.request('traceSkeleton', { traceId: trace.traceId }))!;
  calls = skeleton.spans
    .filter((s) => s.genai?.kind === 'llm')
    .map((s) => ({ spanId: s.spanId, input: s.genai!.inputTokens!, output: s.genai!.outputTokens! }));
});
afterAll(async () => {
  await p.close();
});

const expectedCost = (rate = GPT_4O_MINI) => roundUsd(calls.reduce((sum, c) => sum + c.input * rate.input + c.output * rate.output, 0));

describe('cost of the demo agent run (gpt-4o-mini at list price)', () => {
  it('the trace row carries the exact cost and the tokens of both model calls', () => {
    expect(calls).toHaveLength(2);
    expect(trace.usage!.cost).toMatchObject({ costUsd: expectedCost(), isLowerBound: false, pricedCount: 2, unpricedCount: 0 });
    expect(trace.usage!.tokens.input).toBe(calls[0]!.input + calls[1]!.input);
    expect(trace.usage!.tokens.output).toBe(calls[0]!.output + calls[1]!.output);
    expect(formatCostUsd(trace.usage!.cost)).toMatch(/^\$0\.000\d+$/);
  });

  it('each model call has its cost in the skeleton, the span details and the Conversation tab', async () => {
    const skeleton = (await p.client.request('traceSkeleton', { traceId: trace.traceId }))!;
    for (const c of calls) {
      const want = roundUsd(c.input * GPT_4O_MINI.input + c.output * GPT_4O_MINI.output);
      expect(skeleton.spans.find((s) => s.spanId === c.spanId)!.cost).toBe(want);
      const detail = (await p.client.request('spanDetail', { traceId: trace.traceId, spanId: c.spanId }))!;
      expect(detail.cost).toMatchObject({ status: 'priced', costUsd: want, pricedAs: expect.stringContaining('gpt-4o-mini'), source: 'genai-prices' });
    }
    // Spans that are not model calls carry no cost.
    expect(skeleton.spans.filter((s) => s.cost !== undefined)).toHaveLength(2);
    const conversation = (await p.client.request('traceConversation', { traceId: trace.traceId }))!;
    const modelCalls = conversation.items.filter((i) => i.type === 'modelCall');
    expect(modelCalls.map((i) => i.type === 'modelCall' && i.cost?.status)).toEqual(['priced', 'priced']);
  });

  it('the Usage report of the trace: totals, cost by model, tool success, latency, one point per call', async () => {
    const report = (await p.client.request('usageReport', { scope: { kind: 'trace', traceId: trace.traceId } }))!;
    const m = report.metrics;
    expect(m.cost.costUsd).toBe(expectedCost());
    expect(m).toMatchObject({ modelCalls: 2, toolCalls: 2, toolErrors: 1, toolSuccessRate: 0.5, agentIterations: 2 });
    expect(m.models).toHaveLength(1);
    expect(m.models[0]).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', calls: 2 });
    expect(m.modelLatency!.count).toBe(2);
    expect(m.maxContextUtilization).toBeGreaterThan(0);
    expect(report.points.map((pt) => pt.spanId)).toEqual(calls.map((c) => c.spanId));
    const all = (await p.client.request('usageReport', { scope: { kind: 'all' } }))!;
    expect(all).toMatchObject({ traceCount: 1, truncated: false });
    expect(all.metrics.cost.costUsd).toBe(expectedCost());
    expect(all.points).toHaveLength(1);
    const session = (await p.client.request('usageReport', { scope: { kind: 'session', sessionId: trace.sessionId! } }))!;
    expect(session.metrics.cost.costUsd).toBe(expectedCost());
  });

  it('an override in traceLens.pricing.models wins, and the views are told to refresh everything', async () => {
    const before = p.events.length;
    await p.client.request('configurePricing', { overrides: [{ match: '/^gpt-4o-mini/', inputPerMTok: 1, outputPerMTok: 2 }] });
    const [t] = await p.client.request('listTraces', { limit: 1, offset: 0 });
    expect(t!.usage!.cost.costUsd).toBe(expectedCost({ input: 1e-6, output: 2e-6 }));
    const detail = (await p.client.request('spanDetail', { traceId: trace.traceId, spanId: calls[0]!.spanId }))!;
    expect(detail.cost).toMatchObject({ status: 'priced', source: 'override', pricedAs: '/^gpt-4o-mini/' });
    await eventually(() => p.events.slice(before).some((e) => e.type === 'storeChanged' && e.truncated), 2_000);
    await p.client.request('configurePricing', { overrides: [] });
    const [again] = await p.client.request('listTraces', { limit: 1, offset: 0 });
    expect(again!.usage!.cost.costUsd).toBe(expectedCost());
  });
});

describe('an unknown model', () => {
  it('is unpriced ("—") and makes the trace total a lower bound that names it', async () => {
    const traceId = 'c0ffee00000000000000000000000001';
    const span = (spanId: string, model: string, start: number) => ({
      traceId,
      spanId,
      name: `chat ${model}`,
      kind: 3,
      startTimeUnixNano: String(1_763_700_000_000_000_000n + BigInt(start) * 1_000_000n),
      endTimeUnixNano: String(1_763_700_000_000_000_000n + BigInt(start + 100) * 1_000_000n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
        { key: 'gen_ai.request.model', value: { stringValue: model } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '1248' } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: '24' } },
      ],
    });
    const body = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [span('0000000000000001', 'gpt-4o-mini', 0), span('0000000000000002', 'acme-internal-llm', 200)] }] }] };
    const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const summary = await eventually(() => p.client.request('traceSummary', { traceId }));
    // 1,248 input + 24 output tokens on gpt-4o-mini = $0.0002016; the other call adds nothing known.
    expect(summary.usage!.cost).toMatchObject({ costUsd: 0.0002016, isLowerBound: true, unpricedModels: ['openai/acme-internal-llm'] });
    expect(formatCostUsd(summary.usage!.cost)).toBe('≥ $0.000202');
    const skeleton = (await p.client.request('traceSkeleton', { traceId }))!;
    expect(skeleton.spans.map((s) => s.cost)).toEqual([0.0002016, null]);
    const detail = (await p.client.request('spanDetail', { traceId, spanId: '0000000000000002' }))!;
    expect(detail.cost).toMatchObject({ status: 'unpriced', reason: 'unknown-model' });
    expect(formatCostUsd(detail.cost)).toBe('—');
  });
});

describe('many traces listed at once', () => {
  it('every row carries its cost from the first listing: usage is summed when spans are written, not when rows are read', async () => {
    const q = await startPipeline();
    try {
      const traces = 600;
      const spans = [];
      for (let t = 0; t < traces; t++) {
        const traceId = (t + 1).toString(16).padStart(32, '0');
        for (let k = 0; k < 2; k++) {
          spans.push({
            traceId,
            spanId: `${(t + 1).toString(16).padStart(12, '0')}000${k + 1}`,
            name: 'chat gpt-4o-mini',
            kind: 3,
            startTimeUnixNano: String(1_763_700_000_000_000_000n + BigInt(t * 1000 + k * 100) * 1_000_000n),
            endTimeUnixNano: String(1_763_700_000_000_000_000n + BigInt(t * 1000 + k * 100 + 50) * 1_000_000n),
            attributes: [
              { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
              { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
              { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
              { key: 'gen_ai.usage.input_tokens', value: { intValue: '1248' } },
              { key: 'gen_ai.usage.output_tokens', value: { intValue: '24' } },
            ],
          });
        }
      }
      const body = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] };
      const res = await fetch(`${q.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      await eventually(async () => (await q.client.request('stats', {})).traceCount === traces);
      const list = await q.client.request('listTraces', { limit: traces, offset: 0 });
      expect(list).toHaveLength(traces);
      // Two calls of 1,248 input and 24 output tokens at gpt-4o-mini's list price ($0.15 / $0.60 per 1M).
      const cost = roundUsd(2 * (1248 * 0.15e-6 + 24 * 0.6e-6));
      expect(cost).toBe(0.0004032);
      for (const t of list) {
        expect(t.usage).toEqual({
          cost: { costUsd: cost, isLowerBound: false, unpricedModels: [], reportedCount: 0, pricedCount: 2, unpricedCount: 0 },
          tokens: { input: 2496, output: 48, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 2544 },
          modelCalls: 2,
        });
      }
    } finally {
      await q.close();
    }
  });
});
