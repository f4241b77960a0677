/**
 * Small statistics for the detectors and baselines: mean with sample standard deviation, and
 * medians (also "the median of the others" in O(1) per element after one sort). Pure.
 */
import type { MetricStats } from '../../model/diagnostics';

/**
 * Mean and **sample** standard deviation (Bessel's n − 1 denominator: the baseline is a sample of
 * the agent's runs, and with a handful of runs the population formula understates the spread and
 * flags too much). σ is 0 for n < 2. Two passes (numerically stable for the small n used here).
 * Non-finite values must be filtered out by the caller.
 */
export function meanStdDev(values: readonly number[]): MetricStats {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, stdDev: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, stdDev: 0 };
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { n, mean, stdDev: Math.sqrt(sq / (n - 1)) };
}

/** Median of sorted values (mean of the two middle ones for an even count); `undefined` when empty. */
export function medianOfSorted(sorted: readonly number[]): number | undefined {
  const n = sorted.length;
  if (n === 0) return undefined;
  const lo = sorted[Math.floor((n - 1) / 2)]!;
  const hi = sorted[Math.floor(n / 2)]!;
  return (lo + hi) / 2;
}

/** Median of values in any order (copies and sorts). */
export function median(values: readonly number[]): number | undefined {
  return medianOfSorted([...values].sort((a, b) => a - b));
}

/**
 * Median of `sorted` without the element at index `skip` (the "others" of one element), O(1):
 * the remaining array r has r[j] = sorted[j] for j < skip and sorted[j + 1] from there.
 * `undefined` when nothing remains.
 */
export function medianWithout(sorted: readonly number[], skip: number): number | undefined {
  const m = sorted.length - 1;
  if (m <= 0) return undefined;
  const at = (j: number): number => sorted[j < skip ? j : j + 1]!;
  return (at(Math.floor((m - 1) / 2)) + at(Math.floor(m / 2))) / 2;
}

/** At most `max` values, evenly thinned (first and spread), for bounded per-run samples. */
export function thin(values: readonly number[], max: number): number[] {
  if (values.length <= max) return [...values];
  const out: number[] = [];
  const step = values.length / max;
  for (let i = 0; i < max; i++) out.push(values[Math.floor(i * step)]!);
  return out;
}
