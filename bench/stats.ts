/**
 * Small statistics helpers shared by the benchmark processes. All durations are milliseconds.
 */
import { readFileSync } from 'node:fs';
import type { IntervalHistogram } from 'node:perf_hooks';

/** Percentile summary of a list of durations (ms). */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** p50/p95/p99/max/mean of `values` (ms), rounded to 0.01 ms. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(mean),
  };
}

/**
 * A `monitorEventLoopDelay` histogram in ms. Node records the interval between two timer
 * callbacks, so every sample includes the sampling `resolutionMs`; `*Delay` values subtract it
 * (the time the loop was late), the raw values are kept as well.
 */
export interface LoopDelay {
  resolutionMs: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 and max minus the resolution: how late the loop was. */
  p99DelayMs: number;
  maxDelayMs: number;
}

/** Reads an enabled `monitorEventLoopDelay` histogram (values in ns) as `LoopDelay`. */
export function loopDelay(h: IntervalHistogram, resolutionMs: number): LoopDelay {
  const ms = (ns: number) => ns / 1e6;
  return {
    resolutionMs,
    samples: h.count,
    p50Ms: round(ms(h.percentile(50))),
    p99Ms: round(ms(h.percentile(99))),
    maxMs: round(ms(h.max)),
    p99DelayMs: round(Math.max(0, ms(h.percentile(99)) - resolutionMs)),
    maxDelayMs: round(Math.max(0, ms(h.max) - resolutionMs)),
  };
}

/** Rounds to 0.01. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Name of the BroadcastChannel between the benchmark and bench/workerProbe.ts in the worker. */
export const PROBE_CHANNEL = 'trace-lens-bench-worker-probe';

/** What the worker probe (bench/workerProbe.ts) reports since its last reset. */
export interface ProbeReading {
  type: 'reading';
  /** Synchronous tasks of the ingest worker (message handlers, write slices), ms. */
  tasks: Summary;
  /** The same for tasks that started 2 s or more after the reset (warm code). */
  tasksSteady: Summary;
  /** Tasks over 50 ms: when (ms since reset) and how long (ms); at most 50. */
  longTasks: { atMs: number; ms: number }[];
  /** Event-loop delay of the worker (loop turns, which can hold several tasks). */
  loop: LoopDelay;
  /** Loop turns over 50 ms late, like `longTasks`. */
  longTurns: { atMs: number; ms: number }[];
  /** Share of wall time the worker's event loop was busy (0–1). */
  utilization: number;
  /** Heap of the worker's isolate (bytes); sql.js's WASM memory is outside it. */
  heapUsedBytes: number;
}

/** Jiffies of the whole machine from /proc/stat (Linux), or null elsewhere. */
export interface MachineCpu {
  busy: number;
  steal: number;
  total: number;
}

/** Reads the aggregate `cpu` line of /proc/stat. */
export function machineCpu(): MachineCpu | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq!;
    return { busy, steal: steal ?? 0, total: busy + idle! + iowait! + (steal ?? 0) };
  } catch {
    return null;
  }
}

/**
 * How many cores other processes kept busy between two readings, given this run's own CPU time
 * (ms) and the wall time (ms); plus the hypervisor's steal, in cores. Jiffies are 10 ms (USER_HZ 100).
 */
export function otherLoad(before: MachineCpu | null, after: MachineCpu | null, ownCpuMs: number, wallMs: number): { otherCores: number; stealCores: number } | null {
  if (!before || !after || wallMs <= 0) return null;
  const busyMs = (after.busy - before.busy) * 10;
  const stealMs = (after.steal - before.steal) * 10;
  return { otherCores: round(Math.max(0, busyMs - ownCpuMs) / wallMs), stealCores: round(stealMs / wallMs) };
}
