/**
 * Latency distribution helpers. Percentiles use the **nearest-rank** method: the p-th percentile
 * of n sorted samples is the sample at rank ⌈p/100 · n⌉ (1-based). It always returns an observed
 * value and needs no interpolation, so tests can state exact expectations.
 */
import { MAX_LATENCY_SAMPLES, type LatencyStats } from '../../model/cost';

/** Nearest-rank percentile of ascending `sorted` (non-empty); `p` in (0, 100]. */
export function percentileNearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const i = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[i] as number;
}

/**
 * At most `max` values evenly spread over ascending `sorted` (the distribution's shape is kept;
 * percentiles beyond `max` samples become approximate).
 */
export function thinSorted(sorted: readonly number[], max = MAX_LATENCY_SAMPLES): number[] {
  if (sorted.length <= max) return [...sorted];
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(sorted[Math.floor(((i + 0.5) * sorted.length) / max)] as number);
  return out;
}

/** Stats over raw durations (any order). `null` when there are none. */
export function latencyStats(durationsMs: readonly number[]): LatencyStats | null {
  const values = durationsMs.filter((d) => Number.isFinite(d) && d >= 0);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return statsFrom(thinSorted(sorted), sorted.length, sum / sorted.length, sorted[sorted.length - 1] as number);
}

/** Merges stats: samples are combined and thinned, percentiles recomputed from them. */
export function mergeLatencyStats(parts: readonly (LatencyStats | null)[]): LatencyStats | null {
  const present = parts.filter((p): p is LatencyStats => p !== null && p.count > 0);
  if (present.length === 0) return null;
  const samples = present.flatMap((p) => p.samplesMs).sort((a, b) => a - b);
  const count = present.reduce((a, p) => a + p.count, 0);
  const sum = present.reduce((a, p) => a + p.meanMs * p.count, 0);
  const max = Math.max(...present.map((p) => p.maxMs));
  return statsFrom(thinSorted(samples), count, sum / count, max);
}

function statsFrom(samplesMs: number[], count: number, meanMs: number, maxMs: number): LatencyStats {
  return {
    count,
    p50Ms: percentileNearestRank(samplesMs, 50),
    p95Ms: percentileNearestRank(samplesMs, 95),
    p99Ms: percentileNearestRank(samplesMs, 99),
    maxMs,
    meanMs,
    samplesMs,
  };
}
