/**
 * The Usage view's pure parts (webview/usage/data.ts and chartSummaries.ts), without a browser:
 * the totals table, the CSV exports, the latency histogram, the time axis and the charts' text
 * alternatives. What a user relies on: an unknown cost is shown as "—" and exported as an empty
 * cell, never as 0; a lower bound is marked "≥"; spreadsheet formulas in model names stay text;
 * the percentiles and counts shown are the report's.
 *
 * Every expected value is worked out by hand from the small report below (the metrics
 * themselves, percentiles included, are computed and tested in src/core/usage).
 */
import { describe, expect, it } from 'vitest';
import type { CostTotal, ModelUsage, TokenTotals, UsagePoint, UsageReport } from '../../../src/model/cost';
import { chartSummaries } from '../../../webview/usage/chartSummaries';
import {
  formatCount,
  formatPointCost,
  formatPointTime,
  formatTimeTick,
  latencyBins,
  latencyCsv,
  metricRows,
  metricsCsv,
  modelCostUsd,
  modelsCsv,
  pointsCsv,
  spansDays,
  timeTicks,
  truncate,
} from '../../../webview/usage/data';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function cost(costUsd: number, priced: number, unpriced: number, unpricedModels: string[] = []): CostTotal {
  return { costUsd, isLowerBound: unpriced > 0, unpricedModels, reportedCount: 0, pricedCount: priced, unpricedCount: unpriced };
}

function tokens(input: number, output: number, extra: Partial<TokenTotals> = {}): TokenTotals {
  return { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: input + output, ...extra };
}

/** gpt-4o: 2 calls priced at $0.50 in all; llama3: 1 call with no price. */
const GPT: ModelUsage = { model: 'gpt-4o', provider: 'openai', calls: 2, tokens: tokens(1000, 200, { cacheRead: 100, reasoning: 50 }), cost: cost(0.5, 2, 0) };
const LLAMA: ModelUsage = { model: 'llama3', provider: 'ollama', calls: 1, tokens: tokens(500, 100), cost: cost(0, 0, 1, ['ollama/llama3']) };

/** Two traces on 21 Nov 2024, local time (so the expected clock times hold in any time zone). */
const T1 = new Date(2024, 10, 21, 14, 19, 25).getTime();
const T2 = new Date(2024, 10, 21, 14, 20, 5).getTime();
const POINTS: UsagePoint[] = [
  { timeUnixMs: T1, label: 'What is the weather?', traceId: 'aaaa', inputTokens: 1000, outputTokens: 200, costUsd: 0.5, durationMs: 1500 },
  { timeUnixMs: T2, label: 'Book a table', traceId: 'bbbb', inputTokens: 500, outputTokens: 100, costUsd: null, durationMs: 800 },
];

function report(overrides: Partial<UsageReport> = {}, metrics: Partial<UsageReport['metrics']> = {}): UsageReport {
  return {
    scope: { kind: 'all' },
    traceCount: 2,
    truncated: false,
    points: POINTS,
    priceData: 'test',
    metrics: {
      traceCount: 2,
      tokens: tokens(1500, 300, { cacheRead: 100, reasoning: 50 }),
      // Three calls, two priced ($0.50), one not: at least $0.50.
      cost: cost(0.5, 2, 1, ['ollama/llama3']),
      modelCalls: 3,
      modelCallErrors: 0,
      agentIterations: 2,
      toolCalls: 3,
      toolErrors: 1,
      toolSuccessRate: 2 / 3,
      modelLatency: { count: 3, p50Ms: 120, p95Ms: 1500, p99Ms: 2500, maxMs: 3000, meanMs: 1206.6666666666667, samplesMs: [120, 1500, 2000] },
      contextUse: [],
      maxContextUtilization: 0.25,
      durationMs: 2300,
      models: [GPT, LLAMA],
      ...metrics,
    },
    ...overrides,
  };
}

/** The metric rows by key: [display, value]. */
function rows(r: UsageReport): Record<string, [string, unknown]> {
  return Object.fromEntries(metricRows(r).map((row) => [row.key, [row.display, row.value]]));
}

describe('numbers and costs as the view shows them', () => {
  it('formats counts with thousands separators, and a non-number as a dash', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(2.6)).toBe('3');
    expect(formatCount(Number.NaN)).toBe('—');
  });

  it('shows an unknown point cost as "—", never as $0', () => {
    expect(formatPointCost({ costUsd: null })).toBe('—');
    expect(formatPointCost({ costUsd: 0 })).toBe('$0.00');
    expect(formatPointCost({ costUsd: 0.0123 })).toBe('$0.0123');
    expect(formatPointCost({ costUsd: 0.0123, costIsLowerBound: true })).toBe('≥ $0.0123');
  });

  it('gives a model without any priced call no cost (null), not 0', () => {
    expect(modelCostUsd(GPT)).toBe(0.5);
    expect(modelCostUsd(LLAMA)).toBeNull();
    expect(modelCostUsd({ ...LLAMA, cost: { ...cost(0.25, 0, 0), reportedCount: 1 } })).toBe(0.25);
  });
});

describe('metricRows (the totals table)', () => {
  it('lists every total in the table order', () => {
    expect(metricRows(report()).map((r) => r.key)).toEqual([
      'traces',
      'cost_usd',
      'cost_is_lower_bound',
      'unpriced_models',
      'tokens_input',
      'tokens_output',
      'tokens_cache_read',
      'tokens_cache_write',
      'tokens_reasoning',
      'tokens_total',
      'model_calls',
      'model_call_errors',
      'agent_iterations',
      'tool_calls',
      'tool_errors',
      'tool_success_rate',
      'model_latency_p50_ms',
      'model_latency_p95_ms',
      'model_latency_p99_ms',
      'model_latency_max_ms',
      'model_latency_mean_ms',
      'max_context_utilization',
      'duration_ms',
    ]);
  });

  it('shows the totals of the report', () => {
    const r = rows(report());
    expect(r.traces).toEqual(['2', 2]);
    expect(r.tokens_input).toEqual(['1,500', 1500]);
    expect(r.tokens_output).toEqual(['300', 300]);
    expect(r.tokens_cache_read).toEqual(['100', 100]);
    expect(r.tokens_reasoning).toEqual(['50', 50]);
    expect(r.tokens_total).toEqual(['1,800', 1800]);
    expect(r.model_calls).toEqual(['3', 3]);
    expect(r.tool_errors).toEqual(['1', 1]);
    // 2 of 3 tool calls succeeded.
    expect(r.tool_success_rate).toEqual(['66.7%', 2 / 3]);
    expect(r.max_context_utilization).toEqual(['25%', 0.25]);
  });

  it("shows the report's latency percentiles, in ms in the CSV value", () => {
    const r = rows(report());
    expect(r.model_latency_p50_ms).toEqual(['120ms', 120]);
    expect(r.model_latency_p95_ms).toEqual(['1.5s', 1500]);
    expect(r.model_latency_p99_ms).toEqual(['2.5s', 2500]);
    expect(r.model_latency_max_ms).toEqual(['3s', 3000]);
    expect(r.model_latency_mean_ms).toEqual(['1.21s', 1206.6666666666667]);
  });

  it('shows latency as unknown (no value) without model calls, not as 0', () => {
    const r = rows(report({}, { modelLatency: null }));
    for (const key of ['model_latency_p50_ms', 'model_latency_p95_ms', 'model_latency_p99_ms', 'model_latency_max_ms', 'model_latency_mean_ms']) {
      expect(r[key], key).toEqual(['—', null]);
    }
  });

  it('marks a cost with unpriced calls as a lower bound and names the models without a price', () => {
    const r = rows(report());
    expect(r.cost_usd).toEqual(['≥ $0.50', 0.5]);
    expect(r.cost_is_lower_bound).toEqual(['yes', true]);
    expect(r.unpriced_models).toEqual(['ollama/llama3', 'ollama/llama3']);
    expect(metricRows(report()).find((x) => x.key === 'cost_usd')?.title).toBe('At least $0.50: 2 of 3 model calls priced; no price for ollama/llama3.');
  });

  it('never sums an unknown cost as 0: only unpriced calls give no cost value', () => {
    const r = rows(report({}, { cost: cost(0, 0, 3, ['ollama/llama3']) }));
    expect(r.cost_usd).toEqual(['—', null]);
    expect(r.cost_is_lower_bound).toEqual(['yes', true]);
  });

  it('a fully priced total is exact; a free one is $0.00 (known), not unknown', () => {
    expect(rows(report({}, { cost: cost(1.234, 3, 0) })).cost_usd).toEqual(['$1.23', 1.234]);
    expect(rows(report({}, { cost: cost(0, 3, 0) })).cost_usd).toEqual(['$0.00', 0]);
    expect(rows(report({}, { cost: cost(0, 3, 0) })).unpriced_models).toEqual(['—', '']);
  });

  it('says when only the newest traces are summed, and that durations of several traces are a sum', () => {
    const truncated = metricRows(report({ traceCount: 2000, truncated: true }));
    expect(truncated[0]).toMatchObject({ key: 'traces', display: '2,000 (newest only)', value: 2000, title: 'Only the newest 2,000 traces are summed.' });
    expect(metricRows(report()).at(-1)).toMatchObject({ label: 'Duration (sum of traces)', display: '2.3s', value: 2300 });
    expect(metricRows(report({ traceCount: 1 })).at(-1)).toMatchObject({ label: 'Duration' });
  });
});

describe('CSV exports', () => {
  it('models: one row per model; an unpriced model has an empty cost cell, not 0', () => {
    expect(modelsCsv(report()).split('\r\n')).toEqual([
      'model,provider,calls,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,reasoning_tokens,total_tokens,cost_usd,cost_is_lower_bound,unpriced_calls',
      'gpt-4o,openai,2,1000,200,100,0,50,1200,0.5,false,0',
      'llama3,ollama,1,500,100,0,0,0,600,,true,1',
    ]);
  });

  it('keeps a formula-like model name as text and quotes what needs quoting', () => {
    const evil: ModelUsage = { ...LLAMA, model: '=HYPERLINK("http://x","y")', provider: 'a,b' };
    const lines = modelsCsv(report({}, { models: [evil] })).split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"",""y"")","a,b",1,500,100,0,0,0,600,,true,1`);
  });

  it('metrics: metric,value,unit with raw numbers and empty cells for unknowns', () => {
    const lines = metricsCsv(report({}, { modelLatency: null })).split('\r\n');
    expect(lines[0]).toBe('metric,value,unit');
    expect(lines).toContain('traces,2,traces');
    expect(lines).toContain('cost_usd,0.5,USD');
    expect(lines).toContain('cost_is_lower_bound,true,');
    expect(lines).toContain('unpriced_models,ollama/llama3,');
    expect(lines).toContain('tool_success_rate,0.6666666666666666,ratio');
    expect(lines).toContain('model_latency_p95_ms,,ms');
    expect(lines).toContain('duration_ms,2300,ms');
    expect(lines).toHaveLength(1 + 23);
    expect(metricsCsv(report({}, { cost: cost(0, 0, 2, ['x']) })).split('\r\n')).toContain('cost_usd,,USD');
  });

  it('points: UTC times, empty cells for an unknown cost or a missing span id', () => {
    const utc = Date.UTC(2024, 10, 21, 9, 12, 5, 123);
    const points: UsagePoint[] = [
      { timeUnixMs: utc, label: 'chat gpt-4o', traceId: 'aaaa', spanId: 'ssss', inputTokens: 10, outputTokens: 2, costUsd: 0.001, costIsLowerBound: true, durationMs: 12.5 },
      { timeUnixMs: utc + 1000, label: 'say "hi", then stop', traceId: 'bbbb', inputTokens: 1, outputTokens: 0, costUsd: null, durationMs: 3 },
    ];
    expect(pointsCsv(report({ points })).split('\r\n')).toEqual([
      'time_utc,label,trace_id,span_id,input_tokens,output_tokens,cost_usd,cost_is_lower_bound,duration_ms',
      '2024-11-21T09:12:05.123Z,chat gpt-4o,aaaa,ssss,10,2,0.001,true,12.5',
      '2024-11-21T09:12:06.123Z,"say ""hi"", then stop",bbbb,,1,0,,false,3',
    ]);
  });

  it('latency histogram: from_ms,to_ms,calls', () => {
    expect(latencyCsv([{ fromMs: 0, toMs: 500, count: 2 }, { fromMs: 500, toMs: 1000, count: 0 }]).split('\r\n')).toEqual(['from_ms,to_ms,calls', '0,500,2', '500,1000,0']);
  });
});

describe('latencyBins', () => {
  it('makes equal bins of a round width covering every sample', () => {
    // 10 to 95 ms in at most 12 bins: 85 / 12 ≈ 7.1 → a width of 10, from 10 to 100.
    const bins = latencyBins([10, 20, 30, 95], 12);
    expect(bins.map((b) => [b.fromMs, b.toMs])).toEqual([
      [10, 20],
      [20, 30],
      [30, 40],
      [40, 50],
      [50, 60],
      [60, 70],
      [70, 80],
      [80, 90],
      [90, 100],
    ]);
    expect(bins.map((b) => b.count)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('picks 1, 2 or 5 × 10^n widths', () => {
    // 0 to 1000 in at most 4 bins: 250 → 500.
    expect(latencyBins([0, 1000], 4).map((b) => [b.fromMs, b.toMs, b.count])).toEqual([
      [0, 500, 1],
      [500, 1000, 0],
      [1000, 1500, 1],
    ]);
    // 0 to 30 in at most 2 bins: 15 → 20.
    expect(latencyBins([0, 30], 2).map((b) => [b.fromMs, b.toMs, b.count])).toEqual([
      [0, 20, 1],
      [20, 40, 1],
      [40, 60, 0],
    ]);
  });

  it('puts a single value in the middle of a few bins, so its bar does not fill the chart', () => {
    // 250 ms: width 250 / 4 = 62.5 → 100; bins 100–400 with the value in 200–300.
    expect(latencyBins([250, 250, 250]).map((b) => [b.fromMs, b.toMs, b.count])).toEqual([
      [100, 200, 0],
      [200, 300, 3],
      [300, 400, 0],
    ]);
  });

  it('counts every valid sample once and ignores negative and non-finite ones', () => {
    const samples = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, -1, Number.NaN, Number.POSITIVE_INFINITY];
    const bins = latencyBins(samples, 14);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(15);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!.fromMs).toBe(bins[i - 1]!.toMs);
    expect(bins[0]!.fromMs).toBeLessThanOrEqual(1);
    expect(bins.at(-1)!.toMs).toBeGreaterThan(987);
    expect(latencyBins([-5, Number.NaN, Number.POSITIVE_INFINITY])).toEqual([]);
    expect(latencyBins([])).toEqual([]);
  });

  it('has clean decimal edges for sub-millisecond widths (no 0.30000000000000004)', () => {
    // 0.1 to 0.3 in at most 12 bins: 0.2 / 12 ≈ 0.0167 → 0.02.
    const bins = latencyBins([0.1, 0.3], 12);
    expect(bins[0]!.fromMs).toBe(0.1);
    for (const b of bins) {
      expect(b.toMs - b.fromMs).toBeCloseTo(0.02, 12);
      expect(b.fromMs).toBe(Number(b.fromMs.toFixed(2)));
      expect(b.toMs).toBe(Number(b.toMs.toFixed(2)));
    }
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(2);
  });
});

describe('time axis', () => {
  it('picks the smallest clock-friendly step giving at most maxTicks ticks', () => {
    // 10 s in at most 6 ticks: 1 s gives 11, 2 s gives 6.
    expect(timeTicks(0, 10 * SECOND, 6, 0)).toEqual({ stepMs: 2 * SECOND, ticksMs: [0, 2000, 4000, 6000, 8000, 10000] });
    // 1.5 s in at most 4 ticks: 500 ms.
    expect(timeTicks(100, 1600, 4, 0)).toEqual({ stepMs: 500, ticksMs: [500, 1000, 1500] });
  });

  it('aligns ticks to local time', () => {
    // Three days and five hours in at most 6 ticks: a 12-hour step.
    const min = Date.UTC(2024, 0, 1, 5);
    const max = Date.UTC(2024, 0, 4, 5);
    expect(timeTicks(min, max, 6, 0)).toEqual({
      stepMs: 12 * HOUR,
      ticksMs: [Date.UTC(2024, 0, 1, 12), Date.UTC(2024, 0, 2, 0), Date.UTC(2024, 0, 2, 12), Date.UTC(2024, 0, 3, 0), Date.UTC(2024, 0, 3, 12), Date.UTC(2024, 0, 4, 0)],
    });
    // Two hours east of UTC, local noon and midnight are 10:00 and 22:00 UTC.
    expect(timeTicks(min, max, 6, 2 * HOUR).ticksMs.slice(0, 3)).toEqual([Date.UTC(2024, 0, 1, 10), Date.UTC(2024, 0, 1, 22), Date.UTC(2024, 0, 2, 10)]);
  });

  it('labels ticks with the precision of the step', () => {
    const t = new Date(2024, 10, 21, 14, 19, 25, 500).getTime();
    expect(formatTimeTick(t, 100)).toBe('14:19:25.5');
    expect(formatTimeTick(t, 10)).toBe('14:19:25.50');
    expect(formatTimeTick(t, 1)).toBe('14:19:25.500');
    expect(formatTimeTick(t, SECOND)).toBe('14:19:25');
    expect(formatTimeTick(t, 5 * MINUTE)).toBe('14:19');
    expect(formatTimeTick(t, DAY)).toBe('Nov 21');
    // A midnight tick on an hour axis shows the date.
    expect(formatTimeTick(new Date(2024, 10, 22, 0, 0).getTime(), 6 * HOUR)).toBe('Nov 22');
    expect(formatTimeTick(new Date(2024, 10, 22, 6, 0).getTime(), 6 * HOUR)).toBe('06:00');
  });

  it('shows dates in tables only when the points span more than one local day', () => {
    expect(spansDays(POINTS)).toBe(false);
    expect(spansDays([POINTS[0]!])).toBe(false);
    const nextDay = { ...POINTS[1]!, timeUnixMs: new Date(2024, 10, 22, 0, 0, 1).getTime() };
    expect(spansDays([POINTS[0]!, nextDay])).toBe(true);
    expect(formatPointTime(T1, false)).toBe('14:19:25');
    expect(formatPointTime(T1, true)).toBe('Nov 21 14:19:25');
  });

  it('cuts chart labels to one line with an ellipsis', () => {
    expect(truncate('  a \n b\tc ', 10)).toBe('a b c');
    expect(truncate('abcdefghij', 10)).toBe('abcdefghij');
    expect(truncate('abcdefghijk', 10)).toBe('abcdefghi…');
    expect(truncate('abcd    efghijk', 6)).toBe('abcd…');
  });
});

describe('chartSummaries (the charts as text)', () => {
  it("says what each chart shows, with the report's totals and percentiles", () => {
    expect(chartSummaries(report())).toEqual({
      cost: 'Cost by model, total ≥ $0.50: gpt-4o $0.50; llama3 —.',
      tokens: 'Tokens over time: 2 traces from 14:19:25 to 14:20:05; 1,500 input and 300 output tokens.',
      latency: 'Model latency of 3 calls: p50 120ms, p95 1.5s, p99 2.5s, max 3s.',
    });
  });

  it('names model calls in a trace scope, and says when nothing was measured', () => {
    const s = chartSummaries(report({ scope: { kind: 'trace', traceId: 'aaaa' }, points: [] }, { modelLatency: null, models: [] }));
    expect(s.tokens).toBe('Tokens over time: 0 model calls; 0 input and 0 output tokens.');
    expect(s.latency).toBe('No model latency measured.');
    expect(s.cost).toBe('Cost by model, total ≥ $0.50: no models.');
  });

  it('lists at most eight models', () => {
    const models = Array.from({ length: 10 }, (_, i) => ({ ...GPT, model: `m${i}`, cost: cost(0.01, 1, 0) }));
    expect(chartSummaries(report({}, { models })).cost).toBe(
      'Cost by model, total ≥ $0.50: m0 $0.01; m1 $0.01; m2 $0.01; m3 $0.01; m4 $0.01; m5 $0.01; m6 $0.01; m7 $0.01, and 2 more.',
    );
  });
});
