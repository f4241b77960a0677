/**
 * Worker-thread entry used by the benchmark in place of `dist/worker.js`: it installs measuring
 * hooks *inside the ingest worker*, then loads the real worker bundle named by
 * `TRACE_LENS_BENCH_WORKER` (dist/worker.js, or the better-sqlite3 yardstick build), which runs
 * unchanged in this same thread with the same `workerData` and `parentPort`.
 *
 * What it measures (reset and read by the benchmark over the `PROBE_CHANNEL` BroadcastChannel,
 * so the worker's own protocol is untouched):
 * - **tasks**: the synchronous run of every `parentPort` message handler (an ingest request's
 *   decode plus its first write slice; a query) and of every `setImmediate` callback together
 *   with the promise continuation it resumes (the store's later write slices). This is the
 *   "no worker slice over 50 ms" figure: the longest time a query can wait behind one task.
 * - **loop turns**: a 5 ms timer canary and a `monitorEventLoopDelay` histogram. A turn can be
 *   longer than any task: Node delivers queued port messages back to back within one turn (up to
 *   1,000), so while requests keep arriving the worker's timers (its `storeChanged` notices)
 *   wait for the queue to drain.
 */
import { BroadcastChannel, isMainThread, parentPort } from 'node:worker_threads';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { loopDelay, PROBE_CHANNEL, summarize, type ProbeReading } from './stats';

/** Sampling interval of the worker's delay histogram (ms). */
const RESOLUTION_MS = 1;
/** Canary interval and the lateness reported as a long loop turn (ms); at most MAX_LONG kept. */
const CANARY_INTERVAL_MS = 5;
const LONG_MS = 50;
const MAX_LONG = 50;
/** Tasks that start this long after a reset count as steady state (`tasksSteady`). */
const WARMUP_MS = 2_000;

const target = process.env.TRACE_LENS_BENCH_WORKER;
if (target && !isMainThread && parentPort) {
  const port = parentPort;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let resetAt = performance.now();
  let tasks: number[] = [];
  let tasksSteady: number[] = [];
  let longTasks: { atMs: number; ms: number }[] = [];
  let longTurns: { atMs: number; ms: number }[] = [];

  const recordTask = (started: number) => {
    const ms = performance.now() - started;
    tasks.push(ms);
    if (started - resetAt >= WARMUP_MS) tasksSteady.push(ms);
    if (ms > LONG_MS && longTasks.length < MAX_LONG) longTasks.push({ atMs: Math.round(started - resetAt), ms: Math.round(ms) });
  };

  // Message handlers: time each synchronous run.
  const originalOn = port.on.bind(port);
  const wrapMessages = (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if (event !== 'message') return originalOn(event as string, listener);
    return originalOn(event, (...args: unknown[]) => {
      const started = performance.now();
      try {
        listener(...args);
      } finally {
        recordTask(started);
      }
    });
  };
  port.on = wrapMessages as typeof port.on;
  port.addListener = wrapMessages as typeof port.addListener;

  // setImmediate callbacks plus the continuation they resume: the resumed `await` was queued
  // before this microtask, so this one runs when that continuation yields again or returns.
  const originalSetImmediate = global.setImmediate;
  const timedSetImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) =>
    originalSetImmediate(() => {
      const started = performance.now();
      callback(...args);
      queueMicrotask(() => recordTask(started));
    })) as unknown as typeof setImmediate;
  global.setImmediate = timedSetImmediate;

  let lastTick = resetAt;
  const canary = setInterval(() => {
    const now = performance.now();
    const late = now - lastTick - CANARY_INTERVAL_MS;
    if (late > LONG_MS && longTurns.length < MAX_LONG) longTurns.push({ atMs: Math.round(lastTick - resetAt), ms: Math.round(late) });
    lastTick = now;
  }, CANARY_INTERVAL_MS);
  canary.unref();

  const channel = new BroadcastChannel(PROBE_CHANNEL);
  channel.unref();
  channel.onmessage = (event) => {
    const data = (event as { data: unknown }).data as { type: string };
    if (data.type === 'reset') {
      histogram.reset();
      elu = performance.eventLoopUtilization();
      resetAt = performance.now();
      lastTick = resetAt;
      tasks = [];
      tasksSteady = [];
      longTasks = [];
      longTurns = [];
    } else if (data.type === 'read') {
      const reading: ProbeReading = {
        type: 'reading',
        tasks: summarize(tasks),
        tasksSteady: summarize(tasksSteady),
        longTasks,
        loop: loopDelay(histogram, RESOLUTION_MS),
        longTurns,
        utilization: performance.eventLoopUtilization(elu).utilization,
        heapUsedBytes: process.memoryUsage().heapUsed,
      };
      channel.postMessage(reading);
    }
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(target);
}
