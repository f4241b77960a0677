// Sustained-load benchmark (issue 7): `npm run bench:load` or `node bench/load.mjs [options]`.
// Not part of `npm test`. Builds dist/ and bench/loadBench.ts, starts the receiver + worker in one
// process and a load generator in another, offers `--rate` spans/s for `--duration` s, then prints
// what was accepted, stored and evicted, the receiver process's event-loop delay (the stand-in
// for the extension host), RSS, response latency and 503s, and checks that nothing accepted was lost.
//
// Options (defaults): --rate 10000  --duration 60  --batch 512  --spans-per-trace 64
//   --concurrency 4  --profile small|agent (small)  --max-spans 200000  --max-megabytes 512
//   --json (print only the JSON result line)
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const jsonOnly = argv.includes('--json');
const log = (...a) => {
  if (!jsonOnly) console.log(...a);
};

execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: jsonOnly ? 'ignore' : 'inherit' });
await esbuild.build({
  entryPoints: [join(root, 'bench/loadBench.ts')],
  outdir: join(root, 'out/bench'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  loader: { '.sql': 'text', '.proto': 'text' }, logLevel: 'warning',
});
const script = join(root, 'out/bench/loadBench.js');

/** Spawns a mode of loadBench.js and yields its JSON lines. */
function run(args) {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const listeners = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      for (const l of listeners) l(line);
    }
  });
  const next = (type) => new Promise((resolve) => {
    const l = (line) => {
      if (line.type === type) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve(line);
      }
    };
    listeners.push(l);
  });
  return { child, next, on: (l) => listeners.push(l) };
}

const rate = Number(opt('rate', 10000));
const duration = Number(opt('duration', 60));
const server = run(['--mode', 'server', '--max-spans', opt('max-spans', '200000'), '--max-megabytes', opt('max-megabytes', '512')]);
const samples = [];
server.on((line) => line.type === 'sample' && samples.push(line));
const { port } = await server.next('ready');
log(`load: ${rate} spans/s for ${duration} s (${opt('profile', 'small')} spans, ${opt('batch', '512')} per request, ${opt('concurrency', '4')} connections) → 127.0.0.1:${port}`);
const progress = setInterval(() => {
  const s = samples.at(-1);
  if (s) log(`  rss ${(s.rssBytes / 2 ** 20).toFixed(0)} MiB · event loop p99 ${s.elP99Ms.toFixed(1)} ms, max ${s.elMaxMs.toFixed(1)} ms · in flight ${s.inFlight.requests}`);
}, 10_000);
const client = run(['--mode', 'client', '--port', String(port), '--rate', String(rate), '--duration', String(duration),
  '--batch', opt('batch', '512'), '--spans-per-trace', opt('spans-per-trace', '64'), '--concurrency', opt('concurrency', '4'), '--profile', opt('profile', 'small')]);
const offered = await client.next('client');
clearInterval(progress);
server.child.stdin.write('stop\n');
const done = await server.next('done');

const stats = done.stats;
// Spans, not traces: a trace evicted while its request was still being written comes back.
const lost = offered.acceptedSpans - (stats.spanCount + stats.evictedSpanCount);
const result = {
  machine: { cpus: cpus().length, loadavg: loadavg().map((x) => Number(x.toFixed(2))), node: process.version },
  offeredSpansPerS: rate,
  seconds: Number(offered.seconds.toFixed(1)),
  acceptedSpans: offered.acceptedSpans,
  acceptedSpansPerS: Math.round(offered.acceptedSpansPerS),
  busyResponses: offered.busyResponses,
  spansGivenUpByClient: offered.failedSpans,
  stored: { spans: stats.spanCount, traces: stats.traceCount, evictedSpans: stats.evictedSpanCount, evictedTraces: stats.evictedTraceCount, storeMiB: Number((stats.storeBytes / 2 ** 20).toFixed(1)), rejected: stats.rejectedCount },
  spansLost: lost,
  hostEventLoopDelayMs: Object.fromEntries(Object.entries(done.eventLoopDelayMs).map(([k, v]) => [k, Number(v.toFixed(1))])),
  peakRssMiB: Math.round(done.peakRssBytes / 2 ** 20),
  latencyMs: Object.fromEntries(Object.entries(offered.latencyMs).map(([k, v]) => [k, Number(v.toFixed(1))])),
};
if (jsonOnly) {
  console.log(JSON.stringify(result));
} else {
  log('');
  log(`accepted    ${result.acceptedSpans.toLocaleString()} spans in ${result.seconds} s = ${result.acceptedSpansPerS.toLocaleString()} spans/s (offered ${rate.toLocaleString()})`);
  log(`503s        ${result.busyResponses} (retried after Retry-After); spans given up by the client: ${result.spansGivenUpByClient}`);
  log(`stored      ${stats.spanCount.toLocaleString()} spans, ${stats.traceCount.toLocaleString()} traces; evicted ${stats.evictedSpanCount.toLocaleString()} spans (${stats.evictedTraceCount.toLocaleString()} traces); store ${result.stored.storeMiB} MiB`);
  log(`lost        ${lost} spans (accepted − stored − evicted)`);
  log(`host loop   p50 ${result.hostEventLoopDelayMs.p50} ms · p99 ${result.hostEventLoopDelayMs.p99} ms · max ${result.hostEventLoopDelayMs.max} ms (event-loop delay of the receiver's thread)`);
  log(`latency     p50 ${result.latencyMs.p50} ms · p99 ${result.latencyMs.p99} ms · p99.9 ${result.latencyMs.p999} ms · max ${result.latencyMs.max} ms`);
  log(`memory      peak RSS ${result.peakRssMiB} MiB (receiver process, worker included)`);
  log(`machine     ${result.machine.cpus} CPUs, load ${result.machine.loadavg.join(' ')}, Node ${result.machine.node}`);
  log(JSON.stringify(result));
}
process.exit(lost === 0 && stats.rejectedCount === 0 ? 0 : 1);
