/**
 * Load generator: a child process (forked by bench/server.ts) that plays an OpenTelemetry
 * exporter against the receiver on 127.0.0.1, so the measured "extension host" process only does
 * what the extension host does. It generates each request just before sending it (PayloadStream)
 * and sends it with node:http over keep-alive connections.
 *
 * Modes:
 * - `max`: `concurrency` exporters, each sending its next request as soon as the previous answer
 *   arrived (maximum throughput).
 * - `paced`: open loop, request k sent at k × requestSpans / spansPerSecond seconds whatever the
 *   answers (a steady exporter), at most `maxInFlight` at once (later ones are counted as skipped).
 *
 * IPC: receives one `LoadCommand`, answers one `{ type: 'done', result: LoadResult }`, exits.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { PayloadStream, type StreamSpec, type WireFormat } from './payloads';
import { round, summarize, type Summary } from './stats';

/** Requests sent in the first this many ms are left out of `latencySteady`. */
const WARMUP_MS = 2_000;

/** What the load generator is asked to do. */
export interface LoadCommand {
  type: 'run';
  /** `http://127.0.0.1:<port>/v1/traces` */
  url: string;
  format: WireFormat;
  spec: StreamSpec;
  mode: { kind: 'max'; concurrency: number } | { kind: 'paced'; spansPerSecond: number; maxInFlight: number };
  /** Span counts at which cumulative throughput is reported (e.g. 100,000). */
  checkpoints: number[];
}

/** Throughput from the start up to the moment `spans` spans were acknowledged. */
export interface Checkpoint {
  spans: number;
  seconds: number;
  spansPerSec: number;
}

/** What one load run measured (client side). */
export interface LoadResult {
  requests: number;
  /** Spans acknowledged with HTTP 200. */
  spans: number;
  /** Request body bytes sent (all requests). */
  wireBytes: number;
  seconds: number;
  /** Acknowledged spans per second of wall time, first send to last answer. */
  spansPerSec: number;
  /** Send → complete answer, per request (ms). */
  latency: Summary;
  /**
   * The same for requests sent after the first `WARMUP_MS` (the worker's first requests run cold
   * code: JIT, lazy initialization), i.e. the steady state.
   */
  latencySteady: Summary;
  /** Answers by HTTP status ("200", "503", …; "error" for transport failures). */
  statuses: Record<string, number>;
  checkpoints: Checkpoint[];
  /** Throughput of the last `lastWindowSpans` acknowledged spans (spans/s). */
  lastWindowSpansPerSec: number;
  lastWindowSpans: number;
  /** Paced mode: the rate asked for, and sends skipped because `maxInFlight` were pending. */
  targetSpansPerSec?: number;
  skipped?: number;
  /** Time spent generating bodies in this process (ms). */
  generationMs: number;
  /** CPU time of this process (user + system) during the run (ms). */
  cpuMs: number;
}

function post(agent: http.Agent, url: URL, body: Uint8Array, contentType: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': contentType, 'Content-Length': body.byteLength } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

async function run(cmd: LoadCommand): Promise<LoadResult> {
  const url = new URL(cmd.url);
  const contentType = cmd.format === 'protobuf' ? 'application/x-protobuf' : 'application/json';
  const stream = new PayloadStream(cmd.spec);
  const concurrency = cmd.mode.kind === 'max' ? cmd.mode.concurrency : cmd.mode.maxInFlight;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const steadyLatencies: number[] = [];
  const statuses: Record<string, number> = {};
  /** [completion time (ms since start), spans acknowledged by that answer] in completion order. */
  const completions: [number, number][] = [];
  let wireBytes = 0;
  let generationMs = 0;
  let skipped = 0;

  const next = () => {
    const g = performance.now();
    const r = stream.nextRequest(cmd.format);
    generationMs += performance.now() - g;
    wireBytes += r.body.byteLength;
    return r;
  };
  const send = async (r: { body: Uint8Array; spans: number }, t0: number) => {
    const s = performance.now();
    const status = await post(agent, url, r.body, contentType);
    const done = performance.now();
    latencies.push(done - s);
    if (s - t0 >= WARMUP_MS) steadyLatencies.push(done - s);
    const key = status === -1 ? 'error' : String(status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    completions.push([done - t0, status === 200 ? r.spans : 0]);
  };

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (cmd.mode.kind === 'max') {
    await Promise.all(
      Array.from({ length: cmd.mode.concurrency }, async () => {
        while (stream.hasNext) await send(next(), t0);
      }),
    );
  } else {
    const intervalMs = (cmd.spec.requestSpans / cmd.mode.spansPerSecond) * 1000;
    const pending = new Set<Promise<void>>();
    for (let k = 0; stream.hasNext; k++) {
      const r = next();
      const due = t0 + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      if (pending.size >= cmd.mode.maxInFlight) {
        skipped++;
        continue;
      }
      const p: Promise<void> = send(r, t0).then(() => {
        pending.delete(p);
      });
      pending.add(p);
    }
    await Promise.all(pending);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();

  let acknowledged = 0;
  const cumulative: [number, number][] = completions.map(([t, n]) => [t, (acknowledged += n)]);
  const timeAt = (spans: number) => cumulative.find(([, c]) => c >= spans)?.[0];
  const checkpoints: Checkpoint[] = [];
  for (const spans of cmd.checkpoints) {
    const t = timeAt(spans);
    if (t !== undefined) checkpoints.push({ spans, seconds: round(t / 1000), spansPerSec: Math.round(spans / (t / 1000)) });
  }
  const lastWindowSpans = Math.min(100_000, Math.floor(acknowledged / 2));
  const from = timeAt(acknowledged - lastWindowSpans) ?? 0;
  const to = cumulative.at(-1)?.[0] ?? 0;
  const result: LoadResult = {
    requests: completions.length,
    spans: acknowledged,
    wireBytes,
    seconds: round(seconds),
    spansPerSec: Math.round(acknowledged / seconds),
    latency: summarize(latencies),
    latencySteady: summarize(steadyLatencies),
    statuses,
    checkpoints,
    lastWindowSpans,
    lastWindowSpansPerSec: to > from ? Math.round(lastWindowSpans / ((to - from) / 1000)) : 0,
    generationMs: Math.round(generationMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  if (cmd.mode.kind === 'paced') {
    result.targetSpansPerSec = cmd.mode.spansPerSecond;
    result.skipped = skipped;
  }
  return result;
}

process.on('message', (message: LoadCommand) => {
  if (message?.type !== 'run') return;
  run(message).then(
    (result) => process.send!({ type: 'done', result }, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
