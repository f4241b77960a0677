/**
 * Ingest benchmark: the real ingest worker (dist/worker.js) fed 512-span requests, directly and
 * through the real OTLP/HTTP receiver on 127.0.0.1, with the main thread's event-loop delay
 * measured as the extension host would see it. Prints a table and a JSON line.
 *
 * Usage (via `npm run bench`): node out/bench/ingestBench.js [--spans 100000] [--profile small|agent|code]
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { IngestWorkerClient } from '../src/core/worker/ingestClient';
import { OtlpHttpReceiver } from '../src/core/receiver/otlpHttpReceiver';
import { rawDecode, traceRequestJson, traceRequestProtobuf, type Profile } from './payloads';

const REQUEST_SPANS = 512;
const SPANS_PER_TRACE = 50;
const HTTP_CONCURRENCY = 4;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function main(): Promise<void> {
  const totalSpans = Number(arg('spans', '100000'));
  const profile = arg('profile', 'small') as Profile;
  const requests = Math.ceil(totalSpans / REQUEST_SPANS);
  const workerPath = path.join(__dirname, '..', '..', 'dist', 'worker.js');
  const results: Record<string, number | string> = { profile, spans: requests * REQUEST_SPANS };

  // Payloads are generated up front so generation cost is not measured.
  const protoBodies = Array.from({ length: requests }, (_, i) => traceRequestProtobuf(i, REQUEST_SPANS, SPANS_PER_TRACE, profile));
  results.protobufBytesPerSpan = Math.round(protoBodies.reduce((n, b) => n + b.byteLength, 0) / (requests * REQUEST_SPANS));

  // 1. Reference: raw protobufjs decode of the same payloads.
  let t = performance.now();
  for (const body of protoBodies) rawDecode(body);
  results.rawDecodeSpansPerSec = Math.round((requests * REQUEST_SPANS) / ((performance.now() - t) / 1000));

  // 2. Worker ingest, protobuf, one request at a time (decode + store), main-thread delay measured.
  {
    const client = new IngestWorkerClient({ workerPath, config: { maxSpans: 10_000_000, maxMegabytes: 1800 }, onEvent: () => undefined });
    await client.request('stats', {});
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const latencies: number[] = [];
    t = performance.now();
    for (const body of protoBodies) {
      const copy = new Uint8Array(body); // a fresh buffer: ingest transfers it
      const s = performance.now();
      const result = await client.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: copy, maxBodyBytes: 64 << 20 });
      latencies.push(performance.now() - s);
      if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    }
    const seconds = (performance.now() - t) / 1000;
    loop.disable();
    latencies.sort((a, b) => a - b);
    const stats = await client.request('stats', {});
    results.workerIngestSpansPerSec = Math.round((requests * REQUEST_SPANS) / seconds);
    results.workerBatchP50Ms = +percentile(latencies, 50).toFixed(1);
    results.workerBatchP99Ms = +percentile(latencies, 99).toFixed(1);
    results.workerBatchMaxMs = +latencies[latencies.length - 1].toFixed(1);
    results.mainLoopDelayP99Ms = +(loop.percentile(99) / 1e6).toFixed(2);
    results.mainLoopDelayMaxMs = +(loop.max / 1e6).toFixed(2);
    results.storedBytesPerSpan = Math.round(stats.storeBytes / Math.max(1, stats.spanCount));
    results.storedSpans = stats.spanCount;
    await client.dispose();
  }

  // 3. End to end over HTTP (receiver on this thread, worker behind it), protobuf and JSON.
  for (const format of ['protobuf', 'json'] as const) {
    const client = new IngestWorkerClient({ workerPath, config: { maxSpans: 10_000_000, maxMegabytes: 1800 }, onEvent: () => undefined });
    const receiver = new OtlpHttpReceiver({
      host: '127.0.0.1', port: 0, maxBodyBytes: 64 << 20, corsAllowedOrigins: [],
      ingest: (p) => client.ingest(p), isOverloaded: () => client.isOverloaded(),
    });
    const started = await receiver.start();
    if (!started.ok) throw new Error(started.message);
    const url = `http://127.0.0.1:${started.port}/v1/traces`;
    const bodies = format === 'protobuf' ? protoBodies : Array.from({ length: requests }, (_, i) => traceRequestJson(i, REQUEST_SPANS, SPANS_PER_TRACE, profile));
    const contentType = format === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const latencies: number[] = [];
    let next = 0;
    t = performance.now();
    await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const s = performance.now();
        const res = await fetch(url, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': contentType } });
        await res.arrayBuffer();
        latencies.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      }
    }));
    const seconds = (performance.now() - t) / 1000;
    loop.disable();
    latencies.sort((a, b) => a - b);
    results[`http_${format}_SpansPerSec`] = Math.round((requests * REQUEST_SPANS) / seconds);
    results[`http_${format}_P50Ms`] = +percentile(latencies, 50).toFixed(1);
    results[`http_${format}_P99Ms`] = +percentile(latencies, 99).toFixed(1);
    results[`http_${format}_mainLoopDelayP99Ms`] = +(loop.percentile(99) / 1e6).toFixed(2);
    results[`http_${format}_mainLoopDelayMaxMs`] = +(loop.max / 1e6).toFixed(2);
    await receiver.stop();
    await client.dispose();
  }

  console.log(`\nIngest benchmark (${profile}, ${results.spans} spans in ${REQUEST_SPANS}-span requests, ${SPANS_PER_TRACE} spans per trace)`);
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
  console.log(`BENCH_JSON ${JSON.stringify(results)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
