/**
 * Alert thresholds on the six agent metrics of a completed run, and the rate limiter for their
 * notifications. Pure: the caller passes the clock. Definitions: ./README.md "Alerts".
 */
import {
  ALERT_METRICS,
  DEFAULT_ALERT_CONFIG,
  type AlertConfig,
  type AlertMetric,
  type MetricAlert,
} from '../../model/diagnostics';
import type { RunMetrics } from '../../model/cost';
import type { TraceId } from '../../model/trace';
import { num, pct } from './findings';

const LABEL: Record<AlertMetric, string> = {
  tokens: 'Token usage',
  toolSuccessRate: 'Tool-call success rate',
  llmLatencyP95Ms: 'LLM latency (p95)',
  loopIterations: 'Loop iterations',
  contextUtilization: 'Context-window utilization',
  endToEndLatencyMs: 'End-to-end latency',
};

function value(metric: AlertMetric, m: RunMetrics): number | null {
  switch (metric) {
    case 'tokens':
      return m.modelCalls > 0 ? m.tokens.total : null;
    case 'toolSuccessRate':
      return m.toolSuccessRate;
    case 'llmLatencyP95Ms':
      return m.modelLatency?.p95Ms ?? null;
    case 'loopIterations':
      return m.modelCalls > 0 ? m.agentIterations : null;
    case 'contextUtilization':
      return m.maxContextUtilization;
    case 'endToEndLatencyMs':
      return m.durationMs > 0 ? m.durationMs : null;
  }
}

function format(metric: AlertMetric, v: number): string {
  switch (metric) {
    case 'toolSuccessRate':
    case 'contextUtilization':
      return pct(v);
    case 'llmLatencyP95Ms':
    case 'endToEndLatencyMs':
      return v >= 1000 ? `${num(v / 1000)} s` : `${num(v)} ms`;
    case 'tokens':
    case 'loopIterations':
      return num(v);
  }
}

/**
 * The thresholds a run's metrics cross (strictly above; strictly below for the tool success
 * rate). Metrics the run does not have (no tool calls, no known context window) never alert.
 * Returns nothing when alerts are disabled.
 */
export function checkMetricAlerts(metrics: RunMetrics, traceId: TraceId, keyId: string, config: AlertConfig = DEFAULT_ALERT_CONFIG): MetricAlert[] {
  if (!config.enabled) return [];
  const out: MetricAlert[] = [];
  for (const metric of ALERT_METRICS) {
    const threshold = config.thresholds[metric];
    const v = value(metric, metrics);
    if (threshold === null || threshold === undefined || v === null || !Number.isFinite(v)) continue;
    const direction = metric === 'toolSuccessRate' ? 'below' : 'above';
    if (direction === 'above' ? !(v > threshold) : !(v < threshold)) continue;
    out.push({
      metric,
      value: v,
      threshold,
      direction,
      traceId,
      keyId,
      message: `${LABEL[metric]} ${format(metric, v)} is ${direction} the alert threshold ${format(metric, threshold)} (${keyId}).`,
    });
  }
  return out;
}

/**
 * Rate limit for alert notifications: one per (key, metric) per `minIntervalMs`, and at most
 * `maxPerInterval` in any sliding window of `minIntervalMs` overall. Alerts refused are counted
 * so a later notification can say "and N more".
 */
export class AlertRateLimiter {
  private readonly lastByKey = new Map<string, number>();
  private recent: number[] = [];
  private suppressedCount = 0;

  constructor(private config: Pick<AlertConfig, 'minIntervalMs' | 'maxPerInterval'> = DEFAULT_ALERT_CONFIG) {}

  configure(config: Pick<AlertConfig, 'minIntervalMs' | 'maxPerInterval'>): void {
    this.config = config;
  }

  /** `true` when the alert may be shown now (and records it); `false` when rate-limited. */
  allow(alert: Pick<MetricAlert, 'keyId' | 'metric'>, nowMs: number): boolean {
    const { minIntervalMs, maxPerInterval } = this.config;
    const key = `${alert.keyId}\u0000${alert.metric}`;
    const last = this.lastByKey.get(key);
    this.recent = this.recent.filter((t) => nowMs - t < minIntervalMs);
    if ((last !== undefined && nowMs - last < minIntervalMs) || this.recent.length >= maxPerInterval) {
      this.suppressedCount++;
      return false;
    }
    this.lastByKey.set(key, nowMs);
    this.recent.push(nowMs);
    if (this.lastByKey.size > 10_000) {
      for (const [k, t] of this.lastByKey) if (nowMs - t >= minIntervalMs) this.lastByKey.delete(k);
    }
    return true;
  }

  /** Alerts refused since the last call (then reset). */
  takeSuppressed(): number {
    const n = this.suppressedCount;
    this.suppressedCount = 0;
    return n;
  }
}
