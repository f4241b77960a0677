/**
 * Baselines: mean and sample σ checked against hand arithmetic, flagged / not flagged at 2.0σ,
 * fewer than 5 runs, the run excluded from its own baseline, idempotent adds, ring eviction,
 * removal, σ = 0, one-sided rates, JSON-safe listing.
 */
import { describe, expect, it } from 'vitest';
import { BaselineIndex, computeStats, runSample } from '../../../src/core/diagnostics/baseline';
import { analyzeRun } from '../../../src/core/diagnostics/analysis';
import { detectRunFindings } from '../../../src/core/diagnostics/detectors';
import { DEFAULT_DIAGNOSTICS_CONFIG, type DiagnosticsConfig, type Finding, type FindingOf } from '../../../src/model/diagnostics';
import { agent, answer, chat, run, sid, tool, type SpanSpec } from './support';
import { traceId } from '../../support/builders';

const cfg = (o: Partial<DiagnosticsConfig> = {}): DiagnosticsConfig => ({ ...DEFAULT_DIAGNOSTICS_CONFIG, ...o });
const anomalies = (fs: Finding[]): FindingOf<'baseline-anomaly'>[] =>
  fs.filter((f): f is FindingOf<'baseline-anomaly'> => f.detector === 'baseline-anomaly');

let n = 0;
/**
 * One run of agent `weather` lasting `durationMs`: one chat call (100 in / 10 out tokens, status
 * `chatStatus`) and `tools` tool calls.
 */
function weatherRun(durationMs: number, o: { tools?: number; chatStatus?: 'error'; id?: string; agentName?: string } = {}) {
  const p = `B${n++}`;
  const specs: SpanSpec[] = [
    { id: `${p}-a`, start: 0, dur: durationMs, attributes: agent(o.agentName ?? 'weather') },
    { id: `${p}-c`, parent: `${p}-a`, start: 1, dur: 10, status: o.chatStatus, attributes: chat({ input: 100, output: 10, outputMessages: answer('ok') }) },
    ...Array.from({ length: o.tools ?? 1 }, (_, i): SpanSpec => ({ id: `${p}-t${i}`, parent: `${p}-a`, start: 20 + i, dur: 1, attributes: tool('get_weather', { i }) })),
  ];
  return run(specs, o.id !== undefined ? { traceId: o.id } : {});
}

describe('BaselineIndex', () => {
  const durations = [1000, 1100, 1200, 1300, 1400];
  // Hand arithmetic: mean 6000 / 5 = 1200; squared deviations 200² + 100² + 0 + 100² + 200² =
  // 100,000; sample variance 100,000 / 4 = 25,000; σ = √25,000 = 158.113883…
  const MEAN = 1200;
  const SIGMA = 158.11388300841898;

  const filled = (): BaselineIndex => {
    const index = new BaselineIndex();
    for (const d of durations) index.addRun(weatherRun(d));
    return index;
  };

  it('computes mean and sample σ per metric', () => {
    const stats = filled().list()[0]!;
    expect(stats.key).toEqual({ serviceName: 'agent-service', name: 'weather', by: 'agent' });
    expect(stats.keyId).toBe('agent:agent-service/weather');
    expect(stats.runs).toBe(5);
    expect(stats.metrics.durationMs!.n).toBe(5);
    expect(stats.metrics.durationMs!.mean).toBe(MEAN);
    expect(stats.metrics.durationMs!.stdDev).toBeCloseTo(SIGMA, 9);
    // Every run: 1 chat of 110 tokens, 1 tool call, no errors, no retries.
    expect(stats.metrics.totalTokens).toEqual({ n: 5, mean: 110, stdDev: 0 });
    expect(stats.metrics.toolCalls).toEqual({ n: 5, mean: 1, stdDev: 0 });
    expect(stats.metrics.errorRate).toEqual({ n: 5, mean: 0, stdDev: 0 });
    // gpt-4o-mini list price (genai-prices): $0.15 / 1M input, $0.60 / 1M output →
    // 100 × 0.15e-6 + 10 × 0.6e-6 = $0.000021 per run.
    expect(stats.metrics.costUsd!.mean).toBeCloseTo(0.000021, 12);
    expect(stats.models).toEqual([{ model: 'gpt-4o-mini', runs: 5, calls: 5, medianInputTokens: 100 }]);
  });

  it('flags a run beyond 2.0σ with the metric, value, mean and σ; not one within', () => {
    const index = filled();
    // 1540 ms: (1540 − 1200) / 158.11 = 2.15σ.  1500 ms: 300 / 158.11 = 1.90σ.
    const far = weatherRun(1540);
    const fs = index.check(far);
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect(f.detector).toBe('baseline-anomaly');
    expect(f.spanId).toBe(far.spans[0]!.spanId);
    expect(f.id).toBe(`baseline-anomaly:${far.traceId}:${far.spans[0]!.spanId}:durationMs`);
    expect(f.detail.metric).toBe('durationMs');
    expect(f.detail.value).toBe(1540);
    expect(f.detail.mean).toBe(MEAN);
    expect(f.detail.stdDev).toBeCloseTo(SIGMA, 9);
    expect(f.detail.zScore).toBeCloseTo(340 / SIGMA, 9);
    expect(f.detail.n).toBe(5);
    expect(f.message).toBe('Duration 1.54 s is 2.15σ above the baseline mean 1.2 s (σ 158.11 ms, 5 runs of agent weather; threshold 2σ).');
    expect(index.check(weatherRun(1500))).toEqual([]);
    // Below the mean counts too for durations: 860 ms is 2.15σ below.
    expect(index.check(weatherRun(860)).map((x) => x.detail.zScore! < -2)).toEqual([true]);
    // A stricter threshold lets 2.15σ pass.
    index.configure(cfg({ baselineThreshold: 2.5 }));
    expect(index.check(far)).toEqual([]);
  });

  it('says nothing with fewer than 5 baseline runs', () => {
    const index = new BaselineIndex();
    for (const d of durations.slice(0, 4)) index.addRun(weatherRun(d));
    expect(index.check(weatherRun(99_000))).toEqual([]);
    index.addRun(weatherRun(1400));
    expect(index.check(weatherRun(99_000)).map((f) => f.detail.metric)).toEqual(['durationMs']);
  });

  it('leaves the run being checked out of its own baseline', () => {
    const index = filled();
    const r = weatherRun(1540);
    index.addRun(r); // completed and counted, then checked
    expect(index.list()[0]!.runs).toBe(6);
    const fs = index.check(r);
    expect(fs.map((f) => [f.detail.n, f.detail.mean])).toEqual([[5, MEAN]]);
    expect(index.baselineFor(r)!.traceIds).not.toContain(r.traceId);
    // detectRunFindings with the same baseline gives the same anomaly.
    expect(anomalies(detectRunFindings(r, cfg(), index.baselineFor(r)))).toEqual(fs);
  });

  it('is idempotent per trace and replaces the sample when a trace is added again', () => {
    const index = filled();
    const id = traceId(0xabc);
    index.addRun(weatherRun(5000, { id }));
    index.addRun(weatherRun(5000, { id }));
    expect(index.list()[0]!.runs).toBe(6);
    index.addRun(weatherRun(1200, { id })); // the same trace, grown: replaced
    const s = index.list()[0]!;
    expect(s.runs).toBe(6);
    expect(s.metrics.durationMs!.mean).toBe((6000 + 1200) / 6);
  });

  it('keeps the newest baselineRuns runs, and forgets removed traces', () => {
    const index = new BaselineIndex(cfg({ baselineRuns: 5 }));
    const runs = [900, 1000, 1100, 1200, 1300, 1400, 1500].map((d) => weatherRun(d));
    for (const r of runs) index.addRun(r);
    const s = index.list()[0]!;
    expect(s.traceIds).toEqual(runs.slice(2).map((r) => r.traceId));
    expect(s.metrics.durationMs!.mean).toBe(1300); // (1100 + … + 1500) / 5
    index.remove(runs[6]!.traceId);
    expect(index.list()[0]!.runs).toBe(4);
    expect(index.list()[0]!.metrics.durationMs!.mean).toBe(1250); // (1100 + 1200 + 1300 + 1400) / 4
    for (const r of runs) index.remove(r.traceId);
    expect(index.list()).toEqual([]);
  });

  it('flags a change of a metric that never varied (σ = 0), and rates only upwards', () => {
    const index = filled();
    const more = index.check(weatherRun(1200, { tools: 3 }));
    expect(more.map((f) => [f.detail.metric, f.detail.value, f.detail.mean, f.detail.zScore])).toEqual([['toolCalls', 3, 1, null]]);
    expect(more[0]!.message).toContain('above the baseline value 1 that all baseline runs had');
    // A failed chat: error rate (1 error / 2 calls) above the baseline's 0 → flagged.
    expect(index.check(weatherRun(1200, { chatStatus: 'error' })).map((f) => [f.detail.metric, f.detail.value])).toEqual([['errorRate', 0.5]]);

    const errors = new BaselineIndex();
    for (const d of durations) errors.addRun(weatherRun(d, { chatStatus: 'error' }));
    expect(errors.check(weatherRun(1200))).toEqual([]); // fewer errors than usual: not a finding
  });

  it('keys runs by service and agent (else root span name) and lists JSON-safe stats', () => {
    const index = filled();
    index.addRun(weatherRun(1000, { agentName: 'planner' }));
    const plain = run([{ id: 'P-root', name: 'cron job', start: 0, dur: 10, attributes: {} }, { id: 'P-c', parent: 'P-root', start: 1, dur: 5, attributes: chat({ input: 5, output: 1 }) }]);
    index.addRun(plain);
    expect(index.addRun(run([{ id: 'Q-root', name: 'GET /health', start: 0, dur: 1, attributes: {} }]))).toBeNull(); // not an agent run
    const list = index.list();
    expect(list.map((s) => s.keyId)).toEqual(['root:agent-service/cron job', 'agent:agent-service/planner', 'agent:agent-service/weather']);
    expect(JSON.parse(JSON.stringify(list))).toEqual(list);
    expect(plain.spans[0]!.spanId).toBe(sid('P-root'));
  });

  it('computeStats matches runSample values of analysed runs', () => {
    const runs = durations.map((d) => weatherRun(d));
    const samples = runs.map((r) => runSample(analyzeRun(r))!);
    const stats = computeStats(samples[0]!.key, samples);
    expect(stats.metrics.durationMs!.mean).toBe(MEAN);
    expect(stats.traceIds).toEqual(runs.map((r) => r.traceId));
  });
});
