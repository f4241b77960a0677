/**
 * Alert thresholds on the six agent metrics of a run (metrics computed by the real run-metrics
 * code from a synthetic run) and the notification rate limiter.
 */
import { describe, expect, it } from 'vitest';
import { AlertRateLimiter, checkMetricAlerts } from '../../../src/core/diagnostics/alerts';
import { analyzeRun } from '../../../src/core/diagnostics/analysis';
import { DEFAULT_ALERT_CONFIG, type AlertConfig } from '../../../src/model/diagnostics';
import { agent, chat, run, tool, type SpanSpec } from './support';

const on = (o: Partial<AlertConfig['thresholds']> = {}): AlertConfig => ({ ...DEFAULT_ALERT_CONFIG, enabled: true, thresholds: { ...DEFAULT_ALERT_CONFIG.thresholds, ...o } });

describe('checkMetricAlerts', () => {
  // 12 chat calls: 11 of 11,000 + 1,000 tokens and a last one of 110,000 + 1,000 (243,000 tokens;
  // 110,000 input is 85.9% of gpt-4o-mini's 128K window); durations 999 ms … 11,999 ms (p95 by
  // nearest rank: rank ⌈0.95 · 12⌉ = 12 → 11,999 ms); 4 tool calls, 1 failed (75% success);
  // 70 s end to end.
  const specs: SpanSpec[] = [{ id: 'A-a', start: 0, dur: 70_000, attributes: agent('heavy') }];
  for (let i = 0; i < 12; i++) specs.push({ id: `A-c${i}`, parent: 'A-a', start: 10 + i * 5000, dur: (i + 1) * 1000 - 1, attributes: chat({ input: i === 11 ? 110_000 : 11_000, output: 1_000 }) });
  for (let i = 0; i < 4; i++) specs.push({ id: `A-t${i}`, parent: 'A-a', start: 4000 + i * 5000, dur: 10, status: i === 0 ? 'error' : 'unset', attributes: tool('lookup', { i }) });
  const metrics = analyzeRun(run(specs)).metrics;

  it('reports each of the six metrics past its default threshold, with the numbers', () => {
    const alerts = checkMetricAlerts(metrics, 't1', 'agent:svc/heavy', on());
    expect(alerts.map((a) => [a.metric, a.direction])).toEqual([
      ['tokens', 'above'],
      ['toolSuccessRate', 'below'],
      ['llmLatencyP95Ms', 'above'],
      ['loopIterations', 'above'],
      ['contextUtilization', 'above'],
      ['endToEndLatencyMs', 'above'],
    ]);
    const by = Object.fromEntries(alerts.map((a) => [a.metric, a.value]));
    expect(by.tokens).toBe(11 * 12_000 + 111_000);
    expect(by.toolSuccessRate).toBe(3 / 4);
    expect(by.llmLatencyP95Ms).toBeCloseTo(11_999, 6);
    expect(by.loopIterations).toBe(12);
    expect(by.contextUtilization).toBe(110_000 / 128_000);
    expect(by.endToEndLatencyMs).toBe(70_000);
    expect(alerts[1]!.message).toBe('Tool-call success rate 75% is below the alert threshold 90% (agent:svc/heavy).');
  });

  it('is silent when disabled, for metrics switched off, and under raised thresholds', () => {
    expect(checkMetricAlerts(metrics, 't1', 'k')).toEqual([]); // off by default
    const raised = on({ tokens: null, toolSuccessRate: 0.5, llmLatencyP95Ms: 20_000, loopIterations: 12, contextUtilization: 0.9, endToEndLatencyMs: 70_000 });
    expect(checkMetricAlerts(metrics, 't1', 'k', raised)).toEqual([]);
  });
});

describe('AlertRateLimiter', () => {
  it('allows one alert per key and metric per interval and caps the total', () => {
    const limiter = new AlertRateLimiter({ minIntervalMs: 60_000, maxPerInterval: 2 });
    expect(limiter.allow({ keyId: 'a', metric: 'tokens' }, 0)).toBe(true);
    expect(limiter.allow({ keyId: 'a', metric: 'tokens' }, 59_999)).toBe(false); // same key and metric
    expect(limiter.allow({ keyId: 'a', metric: 'loopIterations' }, 1000)).toBe(true);
    expect(limiter.allow({ keyId: 'b', metric: 'tokens' }, 2000)).toBe(false); // 2 in the last minute
    expect(limiter.takeSuppressed()).toBe(2);
    expect(limiter.allow({ keyId: 'b', metric: 'tokens' }, 60_000)).toBe(true); // the first fell out of the window
    expect(limiter.allow({ keyId: 'a', metric: 'tokens' }, 60_999)).toBe(false); // window still holds 2 (1000, 60000)
    expect(limiter.allow({ keyId: 'a', metric: 'tokens' }, 61_000)).toBe(true); // 1000 is now a full minute old
    expect(limiter.takeSuppressed()).toBe(1);
  });
});
