/**
 * In-process store benchmark: the worker's code path (`BackendService.ingest`: decode → GenAI
 * annotation → `TraceStore`) on one thread, without HTTP or the worker hop. Bundled twice by
 * bench/build.mjs: `storeBench.js` (sql.js, as shipped) and `storeBench-better-sqlite3.js` (the same
 * source on better-sqlite3), so each run measures one engine.
 *
 * Modes (argv[2] is a JSON `StoreBenchCommand`):
 * - `ingest`: ingest `spans` spans of `profile` (protobuf), report spans/s and per-request time;
 *   then, when `search` is set, time a text search over the stored message content, the way the
 *   product would run it today without an index (a LIKE scan over `span_details.detail`), and with
 *   an FTS4 index (sql.js ships FTS4, not FTS5) built over the same rows.
 * - `skeletons`: ingest one 1,000-span and one 10,000-span trace and write the webview's initial
 *   `traceLoaded` message for each (as TracePanel sends it) to `outDir`, for bench/webviewBench.mjs.
 *
 * The text search reaches the store's database handle through a private field: the product has
 * no text search yet, and the benchmark shows what the obvious implementations cost.
 *
 * Prints `BENCH_RESULT <JSON>`.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from 'sql.js';
import { BackendService } from '../src/core/backend/backendService';
import { TraceStore } from '../src/core/store/traceStore';
import { PayloadStream, SEARCH_NEEDLE, streamSpec, traceIds, type Profile } from './payloads';
import { round, summarize, type Summary } from './stats';

/** What to run. */
export type StoreBenchCommand =
  | { mode: 'ingest'; profile: Profile; spans: number; search: boolean; fts: boolean }
  | { mode: 'skeletons'; outDir: string };

/** Result of `ingest`. */
export interface StoreIngestResult {
  engine: string;
  profile: Profile;
  spans: number;
  spansPerSec: number;
  /** CPU time of the ingest loop per 1,000 spans (ms): steadier than spans/s on a shared machine. */
  cpuMsPer1kSpans: number;
  /** `BackendService.ingest` per 512-span request (ms). */
  perRequest: Summary;
  storedBytesPerSpan: number;
  wireBytesPerSpan: number;
  search?: {
    /** LIKE '%needle%' over span_details.detail, first 50 matches (ms, 5 runs). */
    like: Summary;
    likeMatches: number;
    /** FTS4 MATCH of the same phrase over an index of the same rows (ms, 5 runs). */
    fts?: Summary;
    ftsMatches?: number;
    ftsBuildMs?: number;
  };
}

const ROOT = path.join(__dirname, '..', '..');
const ENGINE = path.basename(__filename).includes('better-sqlite3') ? 'better-sqlite3' : 'sqljs';
const MAX_BODY_BYTES = 64 << 20;

async function openService(): Promise<{ store: TraceStore; service: BackendService }> {
  const store = await TraceStore.open({
    locateFile: (file) => path.join(ROOT, 'node_modules', 'sql.js', 'dist', file),
    config: { maxSpans: 10_000_000, maxMegabytes: 1800 },
  });
  const service = new BackendService(store, () => undefined);
  return { store, service };
}

function timeRuns(runs: number, fn: () => number): { summary: Summary; result: number } {
  let result = fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  return { summary: summarize(times), result };
}

async function ingest(cmd: Extract<StoreBenchCommand, { mode: 'ingest' }>): Promise<StoreIngestResult> {
  const { store, service } = await openService();
  const stream = new PayloadStream(streamSpec(cmd.profile, cmd.spans));
  const bodies: Uint8Array[] = [];
  while (stream.hasNext) bodies.push(stream.nextRequest('protobuf').body);
  const wireBytes = bodies.reduce((n, b) => n + b.byteLength, 0);
  const perRequest: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const body of bodies) {
    const t = performance.now();
    const r = await service.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body, maxBodyBytes: MAX_BODY_BYTES });
    perRequest.push(performance.now() - t);
    if (r.status !== 'ok' || r.rejected > 0) throw new Error(`ingest: ${JSON.stringify(r)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = store.stats();
  const result: StoreIngestResult = {
    engine: ENGINE,
    profile: cmd.profile,
    spans: stats.spanCount,
    spansPerSec: Math.round(stats.spanCount / seconds),
    cpuMsPer1kSpans: round(((cpu.user + cpu.system) / 1000 / stats.spanCount) * 1000),
    perRequest: summarize(perRequest),
    storedBytesPerSpan: Math.round(stats.storeBytes / stats.spanCount),
    wireBytesPerSpan: Math.round(wireBytes / stats.spanCount),
  };
  if (cmd.search) {
    const db = (store as unknown as { db: Database }).db;
    const like = db.prepare('SELECT id FROM store.span_details WHERE detail LIKE :pattern LIMIT 50');
    const likeRun = timeRuns(5, () => {
      like.bind({ ':pattern': `%${SEARCH_NEEDLE}%` });
      let n = 0;
      while (like.step()) n++;
      like.reset();
      return n;
    });
    like.free();
    result.search = { like: likeRun.summary, likeMatches: likeRun.result };
    if (cmd.fts) {
      const t = performance.now();
      db.run('CREATE VIRTUAL TABLE store.span_text USING fts4(detail)');
      db.run('INSERT INTO store.span_text (docid, detail) SELECT id, detail FROM store.span_details');
      const buildMs = performance.now() - t;
      const match = db.prepare('SELECT docid FROM store.span_text WHERE span_text MATCH :q LIMIT 50');
      const ftsRun = timeRuns(5, () => {
        match.bind({ ':q': `"${SEARCH_NEEDLE}"` });
        let n = 0;
        while (match.step()) n++;
        match.reset();
        return n;
      });
      match.free();
      Object.assign(result.search, { fts: ftsRun.summary, ftsMatches: ftsRun.result, ftsBuildMs: Math.round(buildMs) });
    }
  }
  return result;
}

async function skeletons(cmd: Extract<StoreBenchCommand, { mode: 'skeletons' }>): Promise<Record<string, { file: string; bytes: number; stringifyMs: number }>> {
  const out: Record<string, { file: string; bytes: number; stringifyMs: number }> = {};
  for (const size of [1000, 10_000]) {
    const { store, service } = await openService();
    // Three ordinary traces, then the big one (trace index 3), then one more ordinary trace.
    const spec = streamSpec('small', 4 * 50 + size, { bigTraceSpans: size, bigTraceIndex: 3 });
    const stream = new PayloadStream(spec);
    while (stream.hasNext) {
      await service.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: stream.nextRequest('protobuf').body, maxBodyBytes: MAX_BODY_BYTES });
    }
    const { traceId } = traceIds(spec, 3);
    // What the extension sends: the skeleton packed in the worker (src/model/skeletonCodec.ts).
    const trace = await service.handlers.packedTraceSkeleton({ traceId });
    if (trace?.parents.length !== size) throw new Error(`skeleton of ${size} spans: got ${trace?.parents.length}`);
    const envelope = { kind: 'message', body: { type: 'traceLoaded', trace, summary: store.traceSummary(traceId), selectSpanId: null } };
    const t = performance.now();
    const json = JSON.stringify(envelope);
    const stringifyMs = performance.now() - t;
    const file = path.join(cmd.outDir, `traceLoaded-${size}.json`);
    writeFileSync(file, json);
    out[String(size)] = { file, bytes: Buffer.byteLength(json), stringifyMs: round(stringifyMs) };
  }
  return out;
}

async function main(): Promise<void> {
  const cmd = JSON.parse(process.argv[2]!) as StoreBenchCommand;
  const result = cmd.mode === 'ingest' ? await ingest(cmd) : await skeletons(cmd);
  // Exit at once: the ingest service's change notices are timers that would outlive the store.
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
