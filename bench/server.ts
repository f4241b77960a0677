/**
 * One end-to-end ingest scenario in a process of its own, built like the extension host:
 * `OtlpHttpReceiver` on 127.0.0.1:0 → `BackendClient` → the real worker bundle (dist/worker.js,
 * or the better-sqlite3 yardstick build of the same source) behind bench/workerProbe.ts. The load
 * comes from a forked child (bench/loadgen.ts), so this process's main thread only does what the
 * extension host does: receive HTTP, transfer bodies to the worker, answer, and, like the Traces
 * view, reload the trace list (500 rows) when the worker says the store changed.
 *
 * Measured here: main-thread event-loop delay (`monitorEventLoopDelay`, 1 ms resolution) and
 * utilization, the worker's loop delay (its longest tasks) via the probe, process RSS (sampled
 * every 250 ms), store stats, the latency of the trace-list reloads while ingesting, and, when
 * `queries` is set, the UI queries after ingest (round trip through the worker, as the extension
 * pays them).
 *
 * Usage: node out/bench/server.js '<ServerScenario JSON>' → prints `BENCH_RESULT <ServerResult JSON>`.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { BroadcastChannel } from 'node:worker_threads';
import { OtlpHttpReceiver } from '../src/core/receiver/otlpHttpReceiver';
import { BackendClient } from '../src/core/backend/backendClient';
import type { StoreStats } from '../src/model/trace';
import type { LoadCommand, LoadResult } from './loadgen';
import { traceIds, type StreamSpec, type WireFormat } from './payloads';
import { loopDelay, machineCpu, otherLoad, PROBE_CHANNEL, round, summarize, type LoopDelay, type ProbeReading, type Summary } from './stats';
import { serializeWebviewMessage } from './traceViewHost';

/** One scenario (chosen by bench/run.mjs). */
export interface ServerScenario {
  name: string;
  engine: 'sqljs' | 'better-sqlite3';
  format: WireFormat;
  spec: StreamSpec;
  mode: LoadCommand['mode'];
  checkpoints: number[];
  /** After ingest: time the UI queries (trace indexes in `spec`; `reps` timed runs after 3 warm-ups). */
  queries?: { bigTraceIndex: number; smallTraceIndex: number; reps: number };
}

/** Round-trip times of the UI queries after ingest (ms), and what they returned. */
export interface QueryResults {
  listTraces50: Summary;
  /** `packedTraceSkeleton`: what the trace panel asks for (the webview's columnar skeleton). */
  skeleton50: Summary;
  skeleton10k: Summary;
  /** `traceSkeleton`: the same as span objects (the back end's own readers, agents, MCP). */
  skeletonObjects50: Summary;
  skeletonObjects10k: Summary;
  spanDetail: Summary;
  rows: { listTraces: number; skeleton50: number; skeleton10k: number };
  /** The webview's initial message for the 10k-span trace: bytes and serialization time as VS Code sends it (JSON plus binary buffers). */
  message10kBytes: number;
  message10kStringifyMs: number;
}

/** What one scenario measured. */
export interface ServerResult {
  scenario: ServerScenario;
  load: LoadResult;
  /** Main ("extension host") thread while the load ran. */
  mainLoop: LoopDelay;
  mainUtilization: number;
  /** Main-thread busy time per request (utilization × wall time / requests), ms. */
  mainBusyPerRequestMs: number;
  /** Ingest worker while the load ran: its synchronous tasks (see bench/workerProbe.ts). */
  workerTasks: Summary | null;
  /** The same after the first 2 s of load (warm code). */
  workerTasksSteady: Summary | null;
  /** Worker tasks over 50 ms: when (ms after the load started) and how long (ms). */
  workerLongTasks: { atMs: number; ms: number }[];
  /** Worker loop turns (several queued messages may run in one turn) and those over 50 ms. */
  workerLoop: LoopDelay | null;
  workerLongTurns: { atMs: number; ms: number }[];
  workerUtilization: number | null;
  /** A UI query (listTraces, 50 rows) sent every 200 ms while ingesting: round trip (ms). */
  uiQueries: Summary;
  /** Trace-list reloads (500 rows) on `storeChanged` while ingesting, round trip (ms). */
  treeReloads: Summary;
  /**
   * `storeChanged` events while the load ran: how many, and the longest time without one (ms; the
   * window and its parts: `StoreChangedGaps`).
   */
  storeChanged: StoreChangedGaps;
  stats: StoreStats;
  /** Protobuf/JSON body bytes per span sent, and stored bytes (pages) per span. */
  wireBytesPerSpan: number;
  storedBytesPerSpan: number;
  /** CPU time of this process (receiver thread + ingest worker) while the load ran (ms), per 1,000 spans. */
  cpuMs: number;
  cpuMsPer1kSpans: number;
  /** Other processes on the machine during the load (cores busy), and hypervisor steal (cores). */
  machine: { otherCores: number; stealCores: number } | null;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPeakBytes: number;
  queries?: QueryResults;
}

const ROOT = path.join(__dirname, '..', '..');
const TREE_RELOAD_LIMIT = 500;
const UI_QUERY_INTERVAL_MS = 200;
const WORKER_TARGETS = {
  sqljs: path.join(ROOT, 'dist', 'worker.js'),
  'better-sqlite3': path.join(ROOT, 'out', 'bench', 'worker-better-sqlite3.js'),
};

function readProbe(channel: BroadcastChannel): Promise<ProbeReading | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 5_000);
    channel.onmessage = (event) => {
      const data = (event as { data: unknown }).data as ProbeReading;
      if (data?.type !== 'reading') return;
      clearTimeout(timer);
      resolve(data);
    };
    channel.postMessage({ type: 'read' });
  });
}

async function timeQuery<T>(reps: number, fn: () => Promise<T>): Promise<{ summary: Summary; last: T }> {
  let last!: T;
  for (let i = 0; i < 3; i++) last = await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return { summary: summarize(times), last };
}

async function main(): Promise<void> {
  const scenario = JSON.parse(process.argv[2]!) as ServerScenario;
  process.env.TRACE_LENS_BENCH_WORKER = WORKER_TARGETS[scenario.engine];
  const probe = new BroadcastChannel(PROBE_CHANNEL);

  let treeReloading = false;
  let measuringTree = false;
  const treeTimes: number[] = [];
  // eslint-disable-next-line prefer-const
  let client: BackendClient;
  const changedAt: number[] = [];
  let firstRequestAt: number | undefined;
  const onStoreChanged = () => {
    if (measuringTree) changedAt.push(performance.now());
    // What the Traces view does on a change: reload the newest traces (one reload at a time).
    if (treeReloading) return;
    treeReloading = true;
    const t = performance.now();
    client.request('listTraces', { limit: TREE_RELOAD_LIMIT, offset: 0 }).then(
      () => {
        if (measuringTree) treeTimes.push(performance.now() - t);
        treeReloading = false;
      },
      () => (treeReloading = false),
    );
  };
  client = new BackendClient({
    workerPath: path.join(ROOT, 'out', 'bench', 'workerProbe.js'),
    // The product's default retention (200,000 spans, 512 MiB) would evict; the benchmark keeps all.
    config: { maxSpans: 10_000_000, maxMegabytes: 1800 },
    onEvent: (event) => {
      if (event.type === 'storeChanged') onStoreChanged();
      else if (event.type === 'log' && event.level === 'error') console.error(event.message);
    },
    onRestart: (reason) => console.error(`worker restarted: ${reason}`),
  });
  await client.request('stats', {});
  // Settings defaults of package.json (maxBodyMegabytes 20) as in ReceiverController.
  const receiver = new OtlpHttpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 20 * 1024 * 1024,
    corsAllowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
    ingest: (params) => {
      firstRequestAt ??= performance.now();
      return client.ingest(params);
    },
    isOverloaded: () => client.isOverloaded(),
  });
  const started = await receiver.start();
  if (!started.ok) throw new Error(started.message);

  const child = fork(path.join(__dirname, 'loadgen.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const rssBeforeBytes = process.memoryUsage().rss;
  let rssPeakBytes = rssBeforeBytes;
  const rssTimer = setInterval(() => (rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage().rss)), 250);

  const loop = monitorEventLoopDelay({ resolution: 1 });
  probe.postMessage({ type: 'reset' });
  loop.enable();
  measuringTree = true;
  // A user clicking around while data arrives: one small query every 200 ms (one at a time).
  const uiTimes: number[] = [];
  let uiBusy = false;
  const uiTimer = setInterval(() => {
    if (uiBusy) return;
    uiBusy = true;
    const t = performance.now();
    void client.request('listTraces', { limit: 50, offset: 0 }).finally(() => {
      uiTimes.push(performance.now() - t);
      uiBusy = false;
    });
  }, UI_QUERY_INTERVAL_MS);
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const machine0 = machineCpu();
  const wall0 = performance.now();
  const load = await new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (m: { type: string; result: LoadResult }) => m.type === 'done' && resolve(m.result));
    child.on('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    const command: LoadCommand = {
      type: 'run',
      url: `http://127.0.0.1:${started.port}/v1/traces`,
      format: scenario.format,
      spec: scenario.spec,
      mode: scenario.mode,
      checkpoints: scenario.checkpoints,
    };
    child.send(command);
  });
  const wallEnd = performance.now();
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const machine = otherLoad(machine0, machineCpu(), cpuMs + load.cpuMs, performance.now() - wall0);
  clearInterval(uiTimer);
  loop.disable();
  measuringTree = false;
  const workerReading = await readProbe(probe);
  clearInterval(rssTimer);
  const stats = await client.request('stats', {});
  const rssAfterBytes = process.memoryUsage().rss;
  rssPeakBytes = Math.max(rssPeakBytes, rssAfterBytes);

  const result: ServerResult = {
    scenario,
    load,
    mainLoop: loopDelay(loop, 1),
    mainUtilization: round(elu.utilization, 4),
    mainBusyPerRequestMs: round((elu.active / Math.max(1, load.requests)), 3),
    workerTasks: workerReading?.tasks ?? null,
    workerTasksSteady: workerReading?.tasksSteady ?? null,
    workerLongTasks: workerReading?.longTasks ?? [],
    workerLoop: workerReading?.loop ?? null,
    workerLongTurns: workerReading?.longTurns ?? [],
    workerUtilization: workerReading ? round(workerReading.utilization, 4) : null,
    uiQueries: summarize(uiTimes),
    treeReloads: summarize(treeTimes),
    storeChanged: { ...storeChangedGaps(firstRequestAt ?? wall0, changedAt, wallEnd), loadStartToFirstRequestMs: round((firstRequestAt ?? wall0) - wall0) },
    stats,
    wireBytesPerSpan: Math.round(load.wireBytes / Math.max(1, load.spans)),
    storedBytesPerSpan: Math.round(stats.storeBytes / Math.max(1, stats.spanCount)),
    cpuMs: Math.round(cpuMs),
    cpuMsPer1kSpans: round((cpuMs / Math.max(1, load.spans)) * 1000),
    machine,
    rssBeforeBytes,
    rssAfterBytes,
    rssPeakBytes,
  };

  if (scenario.queries) result.queries = await runQueries(client, scenario.spec, scenario.queries);

  await receiver.stop();
  await client.dispose();
  probe.close();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

async function runQueries(client: BackendClient, spec: StreamSpec, q: NonNullable<ServerScenario['queries']>): Promise<QueryResults> {
  const big = traceIds(spec, q.bigTraceIndex);
  const small = traceIds(spec, q.smallTraceIndex);
  const list = await timeQuery(q.reps, () => client.request('listTraces', { limit: 50, offset: 0 }));
  const s50 = await timeQuery(q.reps, () => client.request('packedTraceSkeleton', { traceId: small.traceId }));
  const s10k = await timeQuery(q.reps, () => client.request('packedTraceSkeleton', { traceId: big.traceId }));
  const o50 = await timeQuery(q.reps, () => client.request('traceSkeleton', { traceId: small.traceId }));
  const o10k = await timeQuery(q.reps, () => client.request('traceSkeleton', { traceId: big.traceId }));
  const detail = await timeQuery(q.reps, () => client.request('spanDetail', { traceId: small.traceId, spanId: small.spanIds[1]! }));
  if (!detail.last) throw new Error('spanDetail: span not found');
  const summary = await client.request('traceSummary', { traceId: big.traceId });
  // The webview's first message for the big trace, as TracePanel sends it (src/protocol/traceView.ts).
  const envelope = { kind: 'message', body: { type: 'traceLoaded', trace: s10k.last, summary, selectSpanId: null } };
  const t = performance.now();
  const { message, buffers } = serializeWebviewMessage(envelope);
  const stringifyMs = performance.now() - t;
  return {
    listTraces50: list.summary,
    skeleton50: s50.summary,
    skeleton10k: s10k.summary,
    skeletonObjects50: o50.summary,
    skeletonObjects10k: o10k.summary,
    spanDetail: detail.summary,
    rows: { listTraces: list.last.length, skeleton50: s50.last?.parents.length ?? 0, skeleton10k: s10k.last?.parents.length ?? 0 },
    message10kBytes: Buffer.byteLength(message) + buffers.reduce((n, b) => n + b.byteLength, 0),
    message10kStringifyMs: round(stringifyMs),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `storeChanged` while a load ran, from the first request's arrival at the receiver (the load
 * generator builds its payloads before it sends: that time is not the back end's) to the load's
 * end (its last response).
 */
interface StoreChangedGaps {
  count: number;
  /** The longest time without an event (ms): the largest of the three below. */
  maxGapMs: number;
  /** From the first request to the first event (one request stored, then the 200 ms notice). */
  firstMs: number;
  /** The longest time between two events. */
  betweenMs: number;
  /** From the last event to the end of the load. */
  lastMs: number;
  /** Not in the window: from the load command to the first request (the generator's start-up). */
  loadStartToFirstRequestMs?: number;
}

function storeChangedGaps(start: number, changedAt: readonly number[], end: number): StoreChangedGaps {
  const inWindow = changedAt.filter((t) => t >= start && t <= end);
  let between = 0;
  for (let i = 1; i < inWindow.length; i++) between = Math.max(between, inWindow[i]! - inWindow[i - 1]!);
  const firstMs = (inWindow[0] ?? end) - start;
  const lastMs = inWindow.length ? end - inWindow[inWindow.length - 1]! : 0;
  return { count: inWindow.length, maxGapMs: round(Math.max(firstMs, between, lastMs)), firstMs: round(firstMs), betweenMs: round(between), lastMs: round(lastMs) };
}
