/**
 * Run metrics on a synthetic agent trace with known latencies, a failing tool and every kind of
 * duplicated usage (agent roll-up, Vercel aggregate, LangChain wrapper, wrapped tool span).
 */
import { describe, expect, it } from 'vitest';
import { computeRunMetrics, mergeRunMetrics, type MetricsSpan } from '../../../src/core/usage/runMetrics';
import { latencyStats, percentileNearestRank } from '../../../src/core/usage/percentiles';
import { needsPrice, priceCall, priceInputFromView } from '../../../src/core/pricing/priceCall';
import { MAX_LATENCY_SAMPLES } from '../../../src/model/cost';
import type { GenAiSpanView, GenAiUsage } from '../../../src/model/genai';
import type { StatusCode } from '../../../src/model/trace';

const AT = new Date('2026-10-01T20:00:00Z');

interface SpanSpec {
  id: string;
  parent: string | null;
  start: number;
  dur: number;
  status?: StatusCode;
  view: Partial<GenAiSpanView> & Pick<GenAiSpanView, 'kind'>;
}

/** Builds spans and prices each GenAI span the way the worker does (every span with a view). */
function trace(specs: SpanSpec[]): MetricsSpan[] {
  return specs.map((s) => {
    const view: GenAiSpanView = { conventions: ['otel-genai'], ...s.view };
    const span: MetricsSpan = {
      spanId: s.id,
      parentSpanId: s.parent,
      name: s.id,
      startOffsetMs: s.start,
      durationMs: s.dur,
      statusCode: s.status ?? 'unset',
      view,
    };
    if (needsPrice(view)) span.cost = priceCall(priceInputFromView(view, AT));
    return span;
  });
}

const mini = (usage: GenAiUsage, extra: Partial<GenAiSpanView> = {}): SpanSpec['view'] => ({
  kind: 'llm',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  responseModel: 'gpt-4o-mini-2024-07-18',
  usage,
  ...extra,
});
const tool = (name: string, callId: string): SpanSpec['view'] => ({ kind: 'tool', tool: { name, callId } });

/**
 * workflow w
 * ├─ e   embeddings (outside the agent)                                50 ms
 * ├─ a   agent, with a roll-up of its calls' usage (not flagged)
 * │  ├─ l1  chat                                                       800 ms
 * │  ├─ t1  get_weather ok · t2 get_stock ERROR
 * │  ├─ l2  chat, 1,024 cached input tokens                           1200 ms
 * │  ├─ t3  get_weather ok
 * │  │  └─ t3w  the same tool call seen by a second instrumentation
 * │  ├─ g   ai.generateText (usageIsAggregate)
 * │  │  └─ l3  ai.generateText.doGenerate                             2000 ms
 * │  └─ lw  LangChain ChatOpenAI wrapper with the same usage (not flagged)
 * │     └─ l4  chat                                                    640 ms
 * └─ gr  guardrail model call, unknown model, error                    240 ms
 */
const AGENT_TRACE: SpanSpec[] = [
  { id: 'w', parent: null, start: 0, dur: 5200, view: { kind: 'workflow' } },
  { id: 'e', parent: 'w', start: 0, dur: 50, view: { kind: 'embeddings', provider: 'openai', requestModel: 'text-embedding-3-small', usage: { inputTokens: 500 } } },
  { id: 'a', parent: 'w', start: 100, dur: 4800, view: { kind: 'agent', agentName: 'weather', usage: { inputTokens: 5200, outputTokens: 410 } } },
  { id: 'l1', parent: 'a', start: 120, dur: 800, view: mini({ inputTokens: 1000, outputTokens: 50 }) },
  { id: 't1', parent: 'a', start: 930, dur: 120, view: tool('get_weather', 'c1') },
  { id: 't2', parent: 'a', start: 930, dur: 30, status: 'error', view: tool('get_stock', 'c2') },
  { id: 'l2', parent: 'a', start: 1100, dur: 1200, view: mini({ inputTokens: 1500, cacheReadTokens: 1024, outputTokens: 40 }) },
  { id: 't3', parent: 'a', start: 2310, dur: 100, status: 'ok', view: tool('get_weather', 'c3') },
  { id: 't3w', parent: 't3', start: 2311, dur: 98, view: tool('get_weather', 'c3') },
  { id: 'g', parent: 'a', start: 2420, dur: 2050, view: mini({ inputTokens: 2000, outputTokens: 300 }, { usageIsAggregate: true }) },
  { id: 'l3', parent: 'g', start: 2430, dur: 2000, view: mini({ inputTokens: 2000, outputTokens: 300 }) },
  { id: 'lw', parent: 'a', start: 4250, dur: 650, view: mini({ inputTokens: 700, outputTokens: 20 }) },
  { id: 'l4', parent: 'lw', start: 4255, dur: 640, view: mini({ inputTokens: 700, outputTokens: 20 }) },
  { id: 'gr', parent: 'w', start: 4950, dur: 240, status: 'error', view: { kind: 'llm', provider: 'acme', requestModel: 'mystery-guard', usage: { inputTokens: 100, outputTokens: 5 } } },
];

describe('computeRunMetrics', () => {
  const m = computeRunMetrics(trace(AGENT_TRACE), 5200);

  it('counts each call once: no agent roll-up, aggregate or wrapper copies', () => {
    // e 500 + l1 1,000 + l2 1,500 + l3 2,000 + l4 700 + gr 100 input; 50 + 40 + 300 + 20 + 5 output.
    expect(m.tokens).toEqual({ input: 5800, output: 415, cacheRead: 1024, cacheWrite: 0, reasoning: 0, total: 6215 });
    expect(m.modelCalls).toBe(6);
    expect(m.modelCallErrors).toBe(1);
  });

  it('sums the cost of counted calls; the unknown guardrail model makes it a lower bound', () => {
    // e 500 × 0.02 = 10; l1 1,000 × 0.15 + 50 × 0.6 = 180; l2 476 × 0.15 + 1,024 × 0.075 + 40 × 0.6 = 172.2;
    // l3 2,000 × 0.15 + 300 × 0.6 = 480; l4 700 × 0.15 + 20 × 0.6 = 117 (all × 1e-6).
    expect(m.cost).toEqual({
      costUsd: 0.0009592,
      isLowerBound: true,
      unpricedModels: ['acme/mystery-guard'],
      reportedCount: 0,
      pricedCount: 5,
      unpricedCount: 1,
    });
    expect(m.models.map((r) => [r.model, r.calls, r.cost.costUsd, r.cost.isLowerBound])).toEqual([
      ['gpt-4o-mini-2024-07-18', 4, 0.0009492, false],
      ['text-embedding-3-small', 1, 0.00001, false],
      ['mystery-guard', 1, 0, true],
    ]);
    expect(m.models[0]?.tokens).toEqual({ input: 5200, output: 410, cacheRead: 1024, cacheWrite: 0, reasoning: 0, total: 5610 });
  });

  it('iterations are the chat calls inside the agent; tool success 2/3 with the wrapped span counted once', () => {
    expect(m.agentIterations).toBe(4);
    expect(m.toolCalls).toBe(3);
    expect(m.toolErrors).toBe(1);
    expect(m.toolSuccessRate).toBeCloseTo(2 / 3, 12);
  });

  it('model latency over chat calls by nearest rank: [240, 640, 800, 1200, 2000]', () => {
    expect(m.modelLatency).toEqual({
      count: 5,
      p50Ms: 800, // rank ⌈0.50 × 5⌉ = 3
      p95Ms: 2000, // rank ⌈0.95 × 5⌉ = 5
      p99Ms: 2000,
      maxMs: 2000,
      meanMs: 976,
      samplesMs: [240, 640, 800, 1200, 2000],
    });
  });

  it('context-window utilization per call and its maximum', () => {
    expect(m.contextUse.map((c) => [c.spanId, c.inputTokens, c.contextWindow])).toEqual([
      ['e', 500, 8192],
      ['l1', 1000, 128000],
      ['l2', 1500, 128000],
      ['l3', 2000, 128000],
      ['l4', 700, 128000],
    ]);
    expect(m.contextUse[3]?.utilization).toBe(2000 / 128000);
    expect(m.maxContextUtilization).toBe(500 / 8192);
    expect(m.durationMs).toBe(5200);
    expect(m.traceCount).toBe(1);
  });

  it('without an agent span, every chat call is an iteration', () => {
    const flat = computeRunMetrics(
      trace([
        { id: 'r', parent: null, start: 0, dur: 300, view: { kind: 'workflow' } },
        { id: 'x', parent: 'r', start: 0, dur: 100, view: mini({ inputTokens: 10, outputTokens: 1 }) },
        { id: 'y', parent: 'r', start: 150, dur: 100, view: mini({ inputTokens: 10, outputTokens: 1 }) },
      ]),
      300,
    );
    expect(flat.agentIterations).toBe(2);
    expect(flat.toolSuccessRate).toBeNull();
  });

  it('a reported cost counts; an unpriced model call without usage makes the total a lower bound', () => {
    const r = computeRunMetrics(
      trace([
        { id: 'x', parent: null, start: 0, dur: 100, view: mini({ inputTokens: 10, outputTokens: 1 }, { reportedCostUsd: 0.25 }) },
        { id: 'y', parent: null, start: 0, dur: 100, view: { kind: 'llm', requestModel: 'gpt-4o-mini' } },
      ]),
      100,
    );
    expect(r.cost).toMatchObject({ costUsd: 0.25, reportedCount: 1, unpricedCount: 1, isLowerBound: true });
  });
});

describe('percentiles', () => {
  it('nearest rank on 20 calls of 100…2000 ms', () => {
    const latencies = Array.from({ length: 20 }, (_, i) => (i + 1) * 100);
    const specs: SpanSpec[] = [{ id: 'a', parent: null, start: 0, dur: 30_000, view: { kind: 'agent' } }];
    latencies.forEach((d, i) => specs.push({ id: `l${i}`, parent: 'a', start: i * 10, dur: d, view: mini({ inputTokens: 1, outputTokens: 1 }) }));
    const m = computeRunMetrics(trace(specs.reverse()), 30_000);
    expect(m.modelLatency).toMatchObject({ count: 20, p50Ms: 1000, p95Ms: 1900, p99Ms: 2000, maxMs: 2000, meanMs: 1050 });
    expect(m.agentIterations).toBe(20);
    expect(percentileNearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileNearestRank([7], 99)).toBe(7);
  });

  it('keeps at most MAX_LATENCY_SAMPLES evenly spread samples', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const s = latencyStats(many);
    expect(s?.count).toBe(10_000);
    expect(s?.samplesMs).toHaveLength(MAX_LATENCY_SAMPLES);
    expect(s?.maxMs).toBe(10_000);
    expect(Math.abs((s?.p50Ms ?? 0) - 5000)).toBeLessThan(5);
    expect(Math.abs((s?.p99Ms ?? 0) - 9900)).toBeLessThan(5);
  });
});

describe('mergeRunMetrics', () => {
  it('adds counts and costs, and recomputes percentiles from the merged samples', () => {
    const agent = computeRunMetrics(trace(AGENT_TRACE), 5200);
    const specs: SpanSpec[] = [{ id: 'a', parent: null, start: 0, dur: 30_000, view: { kind: 'agent' } }];
    for (let i = 0; i < 20; i++) specs.push({ id: `l${i}`, parent: 'a', start: i, dur: (i + 1) * 100, view: mini({ inputTokens: 1000, outputTokens: 100 }) });
    const loop = computeRunMetrics(trace(specs), 30_000);

    const s = mergeRunMetrics([agent, loop]);
    expect(s.traceCount).toBe(2);
    expect(s.modelCalls).toBe(26);
    expect(s.agentIterations).toBe(24);
    expect(s.toolCalls).toBe(3);
    expect(s.toolSuccessRate).toBeCloseTo(2 / 3, 12);
    expect(s.tokens.input).toBe(25_800);
    // 20 × (1,000 × 0.15 + 100 × 0.6) = 20 × 210e-6 = 0.0042 on top of 0.0009592.
    expect(s.cost).toMatchObject({ costUsd: 0.0051592, isLowerBound: true, unpricedModels: ['acme/mystery-guard'], pricedCount: 25 });
    expect(s.models[0]).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', calls: 24 });
    expect(s.models[0]?.cost.costUsd).toBe(0.0051492);
    // Merged latencies: [100 … 2000] ∪ [240, 640, 800, 1200, 2000], 25 samples.
    expect(s.modelLatency).toMatchObject({ count: 25, p50Ms: 1000, p95Ms: 2000, p99Ms: 2000, maxMs: 2000, meanMs: 1035.2 });
    expect(s.modelLatency?.samplesMs).toHaveLength(25);
    expect(s.maxContextUtilization).toBe(500 / 8192);
    expect(s.durationMs).toBe(35_200);
    expect(mergeRunMetrics([]).modelLatency).toBeNull();
  });
});
