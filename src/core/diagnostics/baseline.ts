/**
 * Per-agent statistical baselines over recent completed runs, and the baseline-anomaly check.
 *
 * A baseline key is service + outermost agent name (else root span name). `BaselineIndex` keeps
 * the newest `baselineRuns` samples per key (a ring in completion order), replaces a trace's
 * sample when it is added again, forgets evicted traces, and computes mean and sample σ per
 * metric — always without the run being checked. Definitions: ./README.md "Baselines".
 */
import {
  BASELINE_METRICS,
  DEFAULT_DIAGNOSTICS_CONFIG,
  baselineKeyId,
  type BaselineKey,
  type BaselineMetric,
  type BaselineStats,
  type DiagnosticsConfig,
  type FindingOf,
  type MetricStats,
} from '../../model/diagnostics';
import { formatUsd } from '../../model/cost';
import type { TraceId } from '../../model/trace';
import { analyzeRun, baselineKeyOf, type RunAnalysis, type RunInput } from './analysis';
import { makeFinding, num, pct } from './findings';
import { meanStdDev, medianOfSorted, thin } from './stats';

/** What one completed run contributes to its baseline. JSON-safe. */
export interface RunSample {
  traceId: TraceId;
  key: BaselineKey;
  /** A metric absent here is undefined for the run (see `BaselineMetric`). */
  metrics: Partial<Record<BaselineMetric, number>>;
  /** The run's model was offered tools (tool definitions captured on a model call). */
  toolsOffered: boolean;
  /** A tool span exists or a model call requested a tool. */
  calledTool: boolean;
  /** Input tokens per counted model call, by model (at most `MAX_MODEL_SAMPLES` per model, `MAX_MODELS` models). */
  modelInputTokens: Record<string, number[]>;
}

export const MAX_MODEL_SAMPLES = 64;
export const MAX_MODELS = 16;
/** Most baseline keys kept; the least recently updated key goes first. */
export const MAX_BASELINE_KEYS = 500;

/**
 * The sample of an analysed run, or `null` when the run has no model call, tool call or agent
 * span (a plain trace: not an agent run).
 */
export function runSample(a: RunAnalysis): RunSample | null {
  const m = a.metrics;
  if (m.modelCalls === 0 && m.toolCalls === 0 && a.outerAgents.length === 0 && a.toolRequests.length === 0) return null;
  const metrics: Partial<Record<BaselineMetric, number>> = { durationMs: m.durationMs, toolCalls: m.toolCalls };
  // Cost only when every counted call has a cost (a lower bound would look like a drop).
  if (!m.cost.isLowerBound && m.cost.reportedCount + m.cost.pricedCount > 0) metrics.costUsd = m.cost.costUsd;
  const calls = m.modelCalls + m.toolCalls;
  if (calls > 0) metrics.errorRate = (m.modelCallErrors + m.toolErrors) / calls;
  if (m.toolCalls > 0) metrics.retryRate = a.retries / m.toolCalls;
  if (m.modelCalls > 0) metrics.totalTokens = m.tokens.total;
  const modelInputTokens: Record<string, number[]> = {};
  const byModel = new Map<string, number[]>();
  for (const c of a.modelCalls) {
    const input = c.view.usage?.inputTokens;
    if (input === undefined || !Number.isFinite(input) || input < 0) continue;
    let list = byModel.get(c.model);
    if (!list) {
      if (byModel.size >= MAX_MODELS) continue;
      byModel.set(c.model, (list = []));
    }
    list.push(input);
  }
  for (const [model, list] of byModel) modelInputTokens[model] = thin(list, MAX_MODEL_SAMPLES);
  return { traceId: a.run.traceId, key: baselineKeyOf(a), metrics, toolsOffered: a.toolsOffered > 0, calledTool: a.calledTool, modelInputTokens };
}

/** Metrics flagged only above the mean (fewer errors or retries than usual is not a problem). */
const UPPER_ONLY: ReadonlySet<BaselineMetric> = new Set<BaselineMetric>(['errorRate', 'retryRate']);

const METRIC_LABEL: Record<BaselineMetric, string> = {
  costUsd: 'Cost',
  durationMs: 'Duration',
  toolCalls: 'Tool calls',
  errorRate: 'Error rate',
  retryRate: 'Retry rate',
  totalTokens: 'Tokens',
};

/** A metric value as messages show it. */
export function formatMetric(metric: BaselineMetric, value: number): string {
  switch (metric) {
    case 'costUsd':
      return formatUsd(value);
    case 'durationMs':
      return value >= 1000 ? `${num(value / 1000)} s` : `${num(value)} ms`;
    case 'errorRate':
    case 'retryRate':
      return pct(value);
    case 'toolCalls':
    case 'totalTokens':
      return num(value);
  }
}

/**
 * Baseline anomalies of a sample against stats that exclude it: a metric with at least
 * `baselineMinRuns` baseline values and |value − mean| > `baselineThreshold` · σ. With σ = 0 (all
 * baseline values equal) any difference beyond float noise is flagged (`zScore` null). Error and
 * retry rates are flagged only above the mean. Severity: information.
 */
export function baselineAnomalies(a: RunAnalysis, sample: RunSample, stats: BaselineStats, config: DiagnosticsConfig): FindingOf<'baseline-anomaly'>[] {
  const out: FindingOf<'baseline-anomaly'>[] = [];
  const spanId = a.outerAgents[0]?.spanId ?? a.root?.spanId;
  if (spanId === undefined) return out;
  for (const metric of BASELINE_METRICS) {
    const value = sample.metrics[metric];
    const s = stats.metrics[metric];
    if (value === undefined || !s || s.n < config.baselineMinRuns) continue;
    const diff = value - s.mean;
    if (UPPER_ONLY.has(metric) && diff <= 0) continue;
    let zScore: number | null;
    if (s.stdDev > 0) {
      zScore = diff / s.stdDev;
      if (!(Math.abs(zScore) > config.baselineThreshold)) continue;
    } else {
      if (Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(s.mean))) continue;
      zScore = null;
    }
    const how =
      zScore !== null
        ? `${num(Math.abs(zScore))}σ ${diff > 0 ? 'above' : 'below'} the baseline mean ${formatMetric(metric, s.mean)} (σ ${formatMetric(metric, s.stdDev)}`
        : `${diff > 0 ? 'above' : 'below'} the baseline value ${formatMetric(metric, s.mean)} that all baseline runs had (σ 0`;
    out.push(
      makeFinding(
        a,
        {
          detector: 'baseline-anomaly',
          severity: 'information',
          spanId,
          message: `${METRIC_LABEL[metric]} ${formatMetric(metric, value)} is ${how}, ${num(s.n)} runs of ${stats.key.by} ${stats.key.name}; threshold ${num(config.baselineThreshold)}σ).`,
          detail: { key: stats.key, metric, value, mean: s.mean, stdDev: s.stdDev, n: s.n, zScore, threshold: config.baselineThreshold },
        },
        [],
        metric,
      ) as FindingOf<'baseline-anomaly'>,
    );
  }
  return out;
}

interface KeyEntry {
  key: BaselineKey;
  /** Insertion (completion) order: the first entry is the oldest. */
  samples: Map<TraceId, RunSample>;
  version: number;
  cache?: { version: number; exclude: TraceId | undefined; stats: BaselineStats };
}

/** Baselines of all keys, fed with completed runs by the back end thread. Not thread-safe (one owner). */
export class BaselineIndex {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly keyOfTrace = new Map<TraceId, string>();
  private config: DiagnosticsConfig;

  constructor(config: DiagnosticsConfig = DEFAULT_DIAGNOSTICS_CONFIG) {
    this.config = config;
  }

  /** New settings; a smaller `baselineRuns` drops the oldest samples now. */
  configure(config: DiagnosticsConfig): void {
    this.config = config;
    for (const [id, entry] of this.keys) {
      if (this.trim(entry)) entry.version++;
      if (entry.samples.size === 0) this.keys.delete(id);
    }
  }

  /** Adds (or replaces) a completed run's sample; returns it, or `null` for a run that is not an agent run. */
  addRun(run: RunInput | RunAnalysis): RunSample | null {
    const a = 'metrics' in run ? run : analyzeRun(run);
    const sample = runSample(a);
    if (sample) this.add(sample);
    else this.remove(a.run.traceId);
    return sample;
  }

  /** Adds a sample; the same trace added again replaces its sample (also under another key). */
  add(sample: RunSample): void {
    const id = baselineKeyId(sample.key);
    const previous = this.keyOfTrace.get(sample.traceId);
    if (previous !== undefined && previous !== id) this.remove(sample.traceId);
    let entry = this.keys.get(id);
    if (!entry) {
      entry = { key: sample.key, samples: new Map(), version: 0 };
      if (this.keys.size >= MAX_BASELINE_KEYS) this.dropOldestKey();
    } else {
      this.keys.delete(id); // re-inserted below: Map order = least recently updated first
    }
    this.keys.set(id, entry);
    entry.samples.set(sample.traceId, sample);
    this.keyOfTrace.set(sample.traceId, id);
    this.trim(entry);
    entry.version++;
  }

  /** Forgets a trace (evicted, deleted, or cleared). */
  remove(traceId: TraceId): void {
    const id = this.keyOfTrace.get(traceId);
    if (id === undefined) return;
    this.keyOfTrace.delete(traceId);
    const entry = this.keys.get(id);
    if (!entry) return;
    entry.samples.delete(traceId);
    entry.version++;
    if (entry.samples.size === 0) this.keys.delete(id);
  }

  clear(): void {
    this.keys.clear();
    this.keyOfTrace.clear();
  }

  /** Runs counted for a key. */
  size(key: BaselineKey): number {
    return this.keys.get(baselineKeyId(key))?.samples.size ?? 0;
  }

  /** The stats of a key, leaving out `excludeTraceId` (the run being checked); `undefined` for an unknown key. */
  stats(key: BaselineKey, excludeTraceId?: TraceId): BaselineStats | undefined {
    const entry = this.keys.get(baselineKeyId(key));
    if (!entry) return undefined;
    const exclude = excludeTraceId !== undefined && entry.samples.has(excludeTraceId) ? excludeTraceId : undefined;
    if (entry.cache && entry.cache.version === entry.version && entry.cache.exclude === exclude) return entry.cache.stats;
    const samples = [...entry.samples.values()].filter((s) => s.traceId !== exclude);
    const stats = computeStats(entry.key, samples);
    entry.cache = { version: entry.version, exclude, stats };
    return stats;
  }

  /** The baseline of a run (by its key), without the run itself; what `detectRunFindings` takes. */
  baselineFor(run: RunInput | RunAnalysis): BaselineStats | undefined {
    const a = 'metrics' in run ? run : analyzeRun(run);
    return this.stats(baselineKeyOf(a), a.run.traceId);
  }

  /** Baseline-anomaly findings of a run against its baseline (the run itself left out). */
  check(run: RunInput | RunAnalysis): FindingOf<'baseline-anomaly'>[] {
    const a = 'metrics' in run ? run : analyzeRun(run);
    const sample = runSample(a);
    if (!sample) return [];
    const stats = this.stats(sample.key, sample.traceId);
    return stats ? baselineAnomalies(a, sample, stats, this.config) : [];
  }

  /** Every key's stats (Show Baselines), most recently updated first. JSON-safe. */
  list(): BaselineStats[] {
    return [...this.keys.values()].reverse().map((e) => this.stats(e.key)!);
  }

  private trim(entry: KeyEntry): boolean {
    let dropped = false;
    while (entry.samples.size > Math.max(1, this.config.baselineRuns)) {
      const oldest = entry.samples.keys().next().value as TraceId;
      entry.samples.delete(oldest);
      this.keyOfTrace.delete(oldest);
      dropped = true;
    }
    return dropped;
  }

  private dropOldestKey(): void {
    const [id, entry] = this.keys.entries().next().value as [string, KeyEntry];
    for (const traceId of entry.samples.keys()) this.keyOfTrace.delete(traceId);
    this.keys.delete(id);
  }
}

/** Mean/σ per metric, tool use, and per-model input-token medians over samples (oldest first). */
export function computeStats(key: BaselineKey, samples: readonly RunSample[]): BaselineStats {
  const metrics: Partial<Record<BaselineMetric, MetricStats>> = {};
  for (const metric of BASELINE_METRICS) {
    const values: number[] = [];
    for (const s of samples) {
      const v = s.metrics[metric];
      if (v !== undefined && Number.isFinite(v)) values.push(v);
    }
    if (values.length > 0) metrics[metric] = meanStdDev(values);
  }
  let offeredRuns = 0;
  let calledRuns = 0;
  const models = new Map<string, { runs: number; values: number[] }>();
  for (const s of samples) {
    if (s.toolsOffered) {
      offeredRuns++;
      if (s.calledTool) calledRuns++;
    }
    for (const [model, values] of Object.entries(s.modelInputTokens)) {
      let m = models.get(model);
      if (!m) models.set(model, (m = { runs: 0, values: [] }));
      m.runs++;
      for (const v of values) m.values.push(v);
    }
  }
  return {
    key,
    keyId: baselineKeyId(key),
    runs: samples.length,
    metrics,
    toolUse: { offeredRuns, calledRuns },
    models: [...models.entries()]
      .map(([model, m]) => ({ model, runs: m.runs, calls: m.values.length, medianInputTokens: medianOfSorted(m.values.sort((x, y) => x - y)) ?? 0 }))
      .sort((x, y) => y.calls - x.calls || x.model.localeCompare(y.model)),
    traceIds: samples.map((s) => s.traceId),
  };
}
