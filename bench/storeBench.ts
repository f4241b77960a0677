/**
 * In-process store benchmark: the worker's code path (`BackendService.ingest`: decode → GenAI
 * annotation → `TraceStore`) on one thread, without HTTP or the worker hop. Bundled twice by
 * bench/build.mjs: `storeBench.js` (sql.js, as shipped) and `storeBench-better-sqlite3.js` (the same
 * source on better-sqlite3), so each run measures one engine.
 *
 * Modes (argv[2] is a JSON `StoreBenchCommand`):
 * - `ingest`: ingest `spans` spans of `profile` (protobuf), report spans/s and per-request time
 *   (`index: false`: with the store's full-text bookkeeping off, the yardstick of the indexing
 *   cost on ingest); then, when `search` is set, time a text search over the stored message
 *   content without an index (a LIKE scan over `span_details.detail`), with a bare FTS4 index
 *   over the same rows (`fts`), and with the product's search: the background index built in
 *   `INDEX_SLICE_MS` slices (time, CPU, bytes), then `searchTraces`, `filterTraces` and
 *   `findInTrace` requests as the extension sends them.
 * - `filter`: ingest `spans` small spans, then time the Traces view's `filterTraces` requests
 *   (conditions without text: the summary table and its indexes, no full-text index needed).
 * - `indexCost`: the ingest cost of the full-text bookkeeping at write time: the same requests into
 *   two stores of one process, one with `searchIndex: false`, request by request with the order
 *   alternating, so both see the same machine load (pairs of processes a minute apart did not:
 *   ±20% between runs on the shared VM); then the index of the second store is built as when idle
 *   (CPU and bytes per span of this profile).
 * - `skeletons`: ingest one 1,000-span and one 10,000-span trace and write the webview's initial
 *   `traceLoaded` message for each (as TracePanel sends it, in VS Code's webview serialization:
 *   `{ json, buffers }`, buffers in base64) to `outDir`, for bench/webviewBench.mjs.
 *
 * The LIKE and bare FTS4 figures reach the store's database handle through a private field: they
 * show what the obvious implementations cost, next to the product's search.
 *
 * Prints `BENCH_RESULT <JSON>`.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from 'sql.js';
import { BackendService } from '../src/core/backend/backendService';
import { TraceStore } from '../src/core/store/traceStore';
import { INDEX_SLICE_MS } from '../src/core/search/indexScheduler';
import { PayloadStream, SEARCH_NEEDLE, streamSpec, traceIds, type Profile } from './payloads';
import { serializeWebviewMessage } from './traceViewHost';
import { round, summarize, type Summary } from './stats';

/** What to run. */
export type StoreBenchCommand =
  | { mode: 'ingest'; profile: Profile; spans: number; search: boolean; fts: boolean; /** default true */ index?: boolean }
  | { mode: 'filter'; spans: number }
  | { mode: 'indexCost'; profile: Profile; spans: number }
  | { mode: 'skeletons'; outDir: string };

/**
 * Result of `indexCost`: the same requests ingested into two stores in one process, request by
 * request (the order alternating), one with the full-text bookkeeping off and one with it on.
 */
export interface IndexCostResult {
  profile: Profile;
  spans: number;
  /** Spans/s over the time spent in each store's ingest calls. */
  offSpansPerSec: number;
  onSpansPerSec: number;
  /** CPU time of each store's ingest calls per 1,000 spans (ms). */
  offCpuMsPer1kSpans: number;
  onCpuMsPer1kSpans: number;
  /** `1 - on/off` spans/s, and `on/off - 1` CPU. */
  cost: number;
  cpuCost: number;
  /** Then the index of the `on` store built as when idle: CPU per 1k spans, and its bytes per span. */
  indexBuildCpuMsPer1kSpans: number;
  indexBytesPerSpan: number;
}

/** One timed search request (ms, `QUERY_RUNS` runs after `QUERY_WARMUPS`) and what it returned. */
export interface TimedQuery {
  query: string;
  summary: Summary;
  /** Hits (search), traces in all (filter) or spans (find). */
  results: number;
  truncated: boolean;
}

/** The product's search over the ingested spans. */
export interface ProductSearch {
  /** Background indexing of everything ingested, in `INDEX_SLICE_MS` slices: wall time, CPU per 1k spans, longest slice. */
  buildMs: number;
  buildCpuMsPer1kSpans: number;
  maxSliceMs: number;
  slices: number;
  /** Full-text index bytes (the `search` database in use) per span, and the store's bytes per span with it. */
  indexBytesPerSpan: number;
  storedBytesPerSpanWithIndex: number;
  queries: TimedQuery[];
}

/** Result of `filter`. */
export interface StoreFilterResult {
  engine: string;
  spans: number;
  traces: number;
  spansPerSec: number;
  queries: TimedQuery[];
}

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
  /** Full-text bookkeeping on at write time (the product) or off (the yardstick). */
  index: boolean;
  search?: {
    /** LIKE '%needle%' over span_details.detail, first 50 matches (ms, 5 runs). */
    like: Summary;
    likeMatches: number;
    /** FTS4 MATCH of the same phrase over an index of the same rows (ms, 5 runs). */
    fts?: Summary;
    ftsMatches?: number;
    ftsBuildMs?: number;
    product?: ProductSearch;
  };
}

const ROOT = path.join(__dirname, '..', '..');
const ENGINE = path.basename(__filename).includes('better-sqlite3') ? 'better-sqlite3' : 'sqljs';
const MAX_BODY_BYTES = 64 << 20;

async function openService(searchIndex = true): Promise<{ store: TraceStore; service: BackendService }> {
  const store = await TraceStore.open({
    locateFile: (file) => path.join(ROOT, 'node_modules', 'sql.js', 'dist', file),
    config: { maxSpans: 10_000_000, maxMegabytes: 1800 },
    searchIndex,
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

/** Runs of each timed search request, after warm-ups (the usage cache then holds the rows' cost, as in the product). */
const QUERY_RUNS = 15;
const QUERY_WARMUPS = 3;

/**
 * Times a request as the worker serves it: each run is its own event-loop turn, so the usage
 * cache's background refresh (rows past its per-request budget) runs between requests, as it does
 * between messages in the worker; the warm-ups leave time for it to finish.
 */
async function timeQuery(query: string, run: () => Promise<{ results: number; truncated: boolean }>): Promise<TimedQuery> {
  let last = { results: 0, truncated: false };
  for (let i = 0; i < QUERY_WARMUPS; i++) {
    last = await run();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const times: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const t = performance.now();
    last = await run();
    times.push(performance.now() - t);
  }
  return { query, summary: summarize(times), ...last };
}

function searchQuery(service: BackendService, query: string): Promise<TimedQuery> {
  return timeQuery(query, async () => {
    const r = await service.handlers.searchTraces({ query, limit: 50 });
    if (!r.ok) throw new Error(`${query}: ${r.error}`);
    return { results: r.hits.length, truncated: r.truncated };
  });
}

function filterQuery(service: BackendService, query: string): Promise<TimedQuery> {
  return timeQuery(query, async () => {
    const r = await service.handlers.filterTraces({ query, limit: 50, offset: 0 });
    if (!r.ok) throw new Error(`${query}: ${r.error}`);
    return { results: r.total, truncated: false };
  });
}

/** Builds the product's full-text index (background slices, run back to back) and times its requests. */
async function productSearch(store: TraceStore, service: BackendService): Promise<ProductSearch> {
  service.indexer.dispose(); // the slices below are the same work, timed
  const before = store.stats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let slices = 0;
  let maxSliceMs = 0;
  while (store.searchHasWork) {
    const t = performance.now();
    store.indexSlice(INDEX_SLICE_MS);
    maxSliceMs = Math.max(maxSliceMs, performance.now() - t);
    slices++;
  }
  const buildMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const status = store.searchStatus();
  const spans = before.spanCount;
  const queries: TimedQuery[] = [];
  for (const q of [`"${SEARCH_NEEDLE}"`, 'tick', 'weather', 'weather forecast', `model:gpt-4o-mini "${SEARCH_NEEDLE}"`, 'error weather', `-weather "${SEARCH_NEEDLE}"`]) {
    queries.push(await searchQuery(service, q));
  }
  queries.push({ ...(await filterQuery(service, `"${SEARCH_NEEDLE}"`)), query: `filter: "${SEARCH_NEEDLE}"` });
  const [first] = await service.handlers.listTraces({ limit: 1, offset: 0 });
  if (first) {
    const find = await timeQuery(`find in a ${first.spanCount}-span trace: weather`, async () => {
      const r = await service.handlers.findInTrace({ traceId: first.traceId, query: 'weather' });
      if (!r.ok) throw new Error(r.error);
      return { results: r.spanIds.length, truncated: r.truncated };
    });
    queries.push(find);
  }
  return {
    buildMs: Math.round(buildMs),
    buildCpuMsPer1kSpans: round(((cpu.user + cpu.system) / 1000 / spans) * 1000),
    maxSliceMs: round(maxSliceMs),
    slices,
    indexBytesPerSpan: Math.round(status.indexBytes / spans),
    storedBytesPerSpanWithIndex: Math.round(store.usedBytes() / spans),
    queries,
  };
}

async function ingest(cmd: Extract<StoreBenchCommand, { mode: 'ingest' }>): Promise<StoreIngestResult> {
  const index = cmd.index ?? true;
  const { store, service } = await openService(index);
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
    index,
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
      db.run('DROP TABLE store.span_text');
      Object.assign(result.search, { fts: ftsRun.summary, ftsMatches: ftsRun.result, ftsBuildMs: Math.round(buildMs) });
    }
    // The product's search (sql.js only: the yardstick measures ingest, not FTS4).
    if (index && ENGINE === 'sqljs') result.search.product = await productSearch(store, service);
  }
  return result;
}

async function filter(cmd: Extract<StoreBenchCommand, { mode: 'filter' }>): Promise<StoreFilterResult> {
  const { store, service } = await openService();
  service.indexer.dispose(); // these conditions need no full-text index
  const stream = new PayloadStream(streamSpec('small', cmd.spans));
  const t0 = performance.now();
  while (stream.hasNext) {
    const r = await service.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: stream.nextRequest('protobuf').body, maxBodyBytes: MAX_BODY_BYTES });
    if (r.status !== 'ok' || r.rejected > 0) throw new Error(`ingest: ${JSON.stringify(r)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const stats = store.stats();
  const [newest] = await service.handlers.listTraces({ limit: 1, offset: 0 });
  const queries: TimedQuery[] = [];
  // Trace-level (summary table), the error index, badge keys (trace_genai), and combinations.
  for (const q of ['error', 'service:bench', 'duration>1ms', 'last:15m', `trace:${newest?.traceId.slice(0, 6) ?? 'ab'}`, 'model:gpt-4o-mini', 'error model:gpt-4o', 'kind:llm duration>1ms', 'session:none error']) {
    queries.push(await filterQuery(service, q));
  }
  return { engine: ENGINE, spans: stats.spanCount, traces: stats.traceCount, spansPerSec: Math.round(stats.spanCount / seconds), queries };
}

async function indexCost(cmd: Extract<StoreBenchCommand, { mode: 'indexCost' }>): Promise<IndexCostResult> {
  const off = await openService(false);
  const on = await openService(true);
  // Indexing itself runs only after 50 ms without requests: never between these requests.
  on.service.indexer.dispose();
  off.service.indexer.dispose();
  const stream = new PayloadStream(streamSpec(cmd.profile, cmd.spans));
  const bodies: Uint8Array[] = [];
  while (stream.hasNext) bodies.push(stream.nextRequest('protobuf').body);
  const spent = { off: { ms: 0, cpuUs: 0 }, on: { ms: 0, cpuUs: 0 } };
  for (let i = 0; i < bodies.length; i++) {
    for (const which of i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const { service } = which === 'off' ? off : on;
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      const r = await service.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: bodies[i]!, maxBodyBytes: MAX_BODY_BYTES });
      spent[which].ms += performance.now() - t;
      const cpu = process.cpuUsage(cpu0);
      spent[which].cpuUs += cpu.user + cpu.system;
      if (r.status !== 'ok' || r.rejected > 0) throw new Error(`ingest: ${JSON.stringify(r)}`);
    }
  }
  const spans = on.store.stats().spanCount;
  if (off.store.stats().spanCount !== spans) throw new Error('the two stores hold different spans');
  const rate = (ms: number) => Math.round(spans / (ms / 1000));
  const cpuPer1k = (us: number) => round((us / 1000 / spans) * 1000);
  const cpu0 = process.cpuUsage();
  while (on.store.searchHasWork) on.store.indexSlice(INDEX_SLICE_MS);
  const build = process.cpuUsage(cpu0);
  return {
    profile: cmd.profile,
    spans,
    offSpansPerSec: rate(spent.off.ms),
    onSpansPerSec: rate(spent.on.ms),
    offCpuMsPer1kSpans: cpuPer1k(spent.off.cpuUs),
    onCpuMsPer1kSpans: cpuPer1k(spent.on.cpuUs),
    cost: round(1 - spent.off.ms / spent.on.ms),
    cpuCost: round(spent.on.cpuUs / spent.off.cpuUs - 1),
    indexBuildCpuMsPer1kSpans: cpuPer1k(build.user + build.system),
    indexBytesPerSpan: Math.round(on.store.searchStatus().indexBytes / spans),
  };
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
    const trace = store.packedTraceSkeleton(traceId);
    if (trace?.parents.length !== size) throw new Error(`skeleton of ${size} spans: got ${trace?.parents.length}`);
    // As the panel posts it (src/extension/traces/traceViewRequests.ts), serialized as VS Code
    // serializes webview messages (JSON plus the typed arrays' binary buffers).
    const envelope = { kind: 'message', body: { type: 'traceLoaded', trace, summary: store.traceSummary(traceId), selectSpanId: null } };
    const t = performance.now();
    const { message, buffers } = serializeWebviewMessage(envelope);
    const stringifyMs = performance.now() - t;
    const file = path.join(cmd.outDir, `traceLoaded-${size}.json`);
    writeFileSync(file, JSON.stringify({ json: message, buffers: buffers.map((b) => Buffer.from(b).toString('base64')) }));
    const bytes = Buffer.byteLength(message) + buffers.reduce((n, b) => n + b.byteLength, 0);
    out[String(size)] = { file, bytes, stringifyMs: round(stringifyMs) };
  }
  return out;
}

async function main(): Promise<void> {
  const cmd = JSON.parse(process.argv[2]!) as StoreBenchCommand;
  const result = cmd.mode === 'ingest' ? await ingest(cmd) : cmd.mode === 'filter' ? await filter(cmd) : cmd.mode === 'indexCost' ? await indexCost(cmd) : await skeletons(cmd);
  // Exit at once: the ingest service's change notices are timers that would outlive the store.
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
