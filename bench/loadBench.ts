/**
 * Sustained-load benchmark (issue 7, "Load"): bundled by bench/load.mjs to out/bench/loadBench.js
 * and run as two processes, so the load generator does not share the receiver's event loop:
 *
 *   server — the real OTLP/HTTP receiver on 127.0.0.1:0 in front of the real ingest worker
 *            (dist/worker.js), like the extension host. Measures its own event-loop delay
 *            (`monitorEventLoopDelay`, 1 ms resolution, as bench/ingestBench.ts) and RSS every second; prints JSON lines.
 *   client — sends OTLP/protobuf requests of `batch` spans at `rate` spans/s for `duration` s over
 *            up to `concurrency` connections; a 503 is retried after its Retry-After (at most 5
 *            attempts, like the OpenTelemetry exporters). Prints one JSON summary line.
 *
 * Not a test: nothing here passes or fails except "nothing accepted is lost", checked by load.mjs.
 */
import * as http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { OtlpHttpReceiver } from '../src/core/receiver/otlpHttpReceiver';
import { BackendClient } from '../src/core/backend/backendClient';

type Args = Record<string, string>;

function parseArgs(argv: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        out[a.slice(2)] = next;
        i++;
      } else out[a.slice(2)] = 'true';
    }
  }
  return out;
}

const num = (args: Args, key: string, fallback: number) => (args[key] !== undefined ? Number(args[key]) : fallback);

function emit(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// ───────────────────────────── server ─────────────────────────────

async function server(args: Args): Promise<void> {
  const workerPath = join(__dirname, '..', '..', 'dist', 'worker.js');
  const client = new BackendClient({
    workerPath,
    config: { maxSpans: num(args, 'max-spans', 200_000), maxMegabytes: num(args, 'max-megabytes', 512) },
    onEvent: () => undefined,
  });
  const receiver = new OtlpHttpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 20 * 1024 * 1024,
    corsAllowedOrigins: [],
    ingest: (p) => client.ingest(p),
    isOverloaded: () => client.isOverloaded(),
    log: () => undefined,
  });
  const started = await receiver.start();
  if (!started.ok) throw new Error(started.message);
  await client.request('stats', {});
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const window = monitorEventLoopDelay({ resolution: 1 });
  window.enable();
  emit({ type: 'ready', port: started.port });
  let peakRss = 0;
  const tick = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    emit({ type: 'sample', rssBytes: rss, elP99Ms: window.percentile(99) / 1e6, elMaxMs: window.max / 1e6, inFlight: client.inFlight });
    window.reset();
  }, 1000);
  process.stdin.setEncoding('utf8');
  let input = '';
  process.stdin.on('data', async (chunk: string) => {
    input += chunk;
    if (!input.includes('stop')) return;
    clearInterval(tick);
    delay.disable();
    const stats = await client.request('stats', {});
    emit({
      type: 'done',
      stats,
      eventLoopDelayMs: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      peakRssBytes: peakRss,
      receiver: receiver.counters,
    });
    await receiver.stop();
    await client.dispose();
    process.exit(0);
  });
}

// ───────────────────────────── client ─────────────────────────────

/** Minimal protobuf writer for the generated requests (hand-encoded: encoding must be cheaper than ingest). */
class Writer {
  private buf = Buffer.allocUnsafe(1 << 16);
  pos = 0;
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  fixed64(field: number, v: bigint): void {
    this.tag(field, 1);
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
  }
  /** Writes a length-delimited field whose content `inner` writes. */
  nested(field: number, inner: () => void): void {
    const mark = this.pos;
    inner();
    const content = Buffer.from(this.buf.subarray(mark, this.pos));
    this.pos = mark;
    this.bytes(field, content);
  }
  take(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const KV = (key: string, value: string) => {
  const w = new Writer();
  w.bytes(1, utf8(key));
  w.nested(2, () => w.bytes(1, utf8(value)));
  return w.take();
};
const SMALL_ATTRS = [
  KV('http.method', 'POST'), KV('http.route', '/v1/chat/completions'), KV('net.peer.name', 'api.example.test'),
  KV('gen_ai.system', 'openai'), KV('gen_ai.request.model', 'gpt-4o-mini'), KV('gen_ai.operation.name', 'chat'),
];
const PROMPT = KV('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'lorem ipsum dolor sit amet '.repeat(300) }] }]));
const RESOURCE = (() => {
  const w = new Writer();
  w.bytes(1, KV('service.name', 'load-bench'));
  return w.take();
})();

/** One ExportTraceServiceRequest: `count` spans, traces of `perTrace` spans, ids unique per `seq`. */
function request(seq: number, count: number, perTrace: number, agent: boolean): Uint8Array {
  const w = new Writer();
  const base = BigInt(Date.now()) * 1_000_000n;
  const id = Buffer.alloc(16);
  const sid = Buffer.alloc(8);
  const psid = Buffer.alloc(8);
  w.nested(1, () => {
    w.bytes(1, RESOURCE);
    w.nested(2, () => {
      w.nested(1, () => w.bytes(1, utf8('load-bench')));
      for (let i = 0; i < count; i++) {
        const global = seq * count + i;
        const first = i - (i % perTrace);
        w.nested(2, () => {
          id.writeUInt32BE(0x10ad, 0);
          id.writeUInt32BE(Math.floor((seq * count + first) / 0x100000000), 8);
          id.writeUInt32BE((seq * count + first) >>> 0, 12);
          w.bytes(1, id);
          sid.writeUInt32BE(Math.floor((global + 1) / 0x100000000), 0);
          sid.writeUInt32BE((global + 1) >>> 0, 4);
          w.bytes(2, sid);
          if (i !== first) {
            psid.writeUInt32BE(Math.floor((seq * count + first + 1) / 0x100000000), 0);
            psid.writeUInt32BE((seq * count + first + 1) >>> 0, 4);
            w.bytes(4, psid);
          }
          w.bytes(5, utf8(i === first ? 'invoke_agent load' : `chat gpt-4o-mini ${i - first}`));
          w.tag(6, 0);
          w.varint(i === first ? 2 : 3);
          const start = base + BigInt(i - first) * 1_000_000n;
          w.fixed64(7, start);
          w.fixed64(8, start + 5_000_000n);
          for (const kv of SMALL_ATTRS) w.bytes(9, kv);
          if (agent && i % 4 === 0) w.bytes(9, PROMPT);
        });
      }
    });
  });
  return w.take();
}

interface Sent {
  status: number;
  retryAfterS: number;
  latencyMs: number;
}

function send(agent: http.Agent, port: number, body: Uint8Array): Promise<Sent> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.byteLength } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterS: Number(res.headers['retry-after'] ?? 0), latencyMs: performance.now() - t0 }));
    });
    req.on('error', () => resolve({ status: -1, retryAfterS: 1, latencyMs: performance.now() - t0 }));
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function client(args: Args): Promise<void> {
  const port = num(args, 'port', 0);
  const rate = num(args, 'rate', 10_000);
  const durationS = num(args, 'duration', 60);
  const batch = num(args, 'batch', 512);
  const perTrace = num(args, 'spans-per-trace', 64);
  const concurrency = num(args, 'concurrency', 4);
  const agentProfile = args.profile === 'agent';
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const total = Math.round((rate * durationS) / batch);
  const intervalMs = (batch / rate) * 1000;
  const latencies: number[] = [];
  let accepted = 0;
  let acceptedTraces = 0;
  let busy = 0;
  let failed = 0;
  let inFlight = 0;
  let behind = 0;
  const t0 = performance.now();
  const one = async (seq: number) => {
    const body = request(seq, batch, perTrace, agentProfile);
    for (let attempt = 1; ; attempt++) {
      const r = await send(agent, port, body);
      latencies.push(r.latencyMs);
      if (r.status === 200) {
        accepted += batch;
        acceptedTraces += Math.ceil(batch / perTrace);
        return;
      }
      if (r.status === 503 || r.status === 429 || r.status === -1) busy++;
      if (attempt >= 5 || !(r.status === 503 || r.status === 429 || r.status === -1)) {
        failed += batch;
        return;
      }
      await new Promise((res) => setTimeout(res, Math.max(0.05, r.retryAfterS) * 1000));
    }
  };
  const pending: Promise<void>[] = [];
  for (let seq = 0; seq < total; seq++) {
    const due = t0 + seq * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    while (inFlight >= concurrency * 4) {
      behind++;
      await Promise.race(pending);
    }
    inFlight++;
    const p = one(seq).finally(() => {
      inFlight--;
      void pending.splice(pending.indexOf(p), 1); // the removed promise is this one, already settled
    });
    pending.push(p);
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  emit({
    type: 'client',
    offeredSpansPerS: rate,
    seconds,
    acceptedSpans: accepted,
    acceptedTraces,
    acceptedSpansPerS: accepted / seconds,
    busyResponses: busy,
    failedSpans: failed,
    generatorBehind: behind,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), p999: percentile(latencies, 99.9), max: latencies.at(-1) ?? 0 },
  });
  agent.destroy();
}

const args = parseArgs(process.argv.slice(2));
(args.mode === 'client' ? client(args) : server(args)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
