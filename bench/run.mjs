// `npm run bench`: the benchmark suite of issue 8. Not part of `npm test`.
//
//   npm run bench                 full run (1M small spans; 6–7 min on 2 cores, plus up to 4 min of
//                                 waiting for a quiet machine)
//   npm run bench -- --quick      the same phases at small sizes (≈ 2 min), for a smoke test
//   npm run bench -- --only refs,e2e,paced,store,webview,activation   a subset
//   npm run bench -- --only paced,webview --merge   re-measure some phases (e.g. ones a busy
//                                 machine disturbed) and keep the others from the last results file
//   … --docs (or --readme)        also put the two tables into docs/performance.md (between the
//                                 bench-results markers); not with --quick
//   … --no-yardstick              leave out the better-sqlite3 runs (as when it is not installed)
//
// Builds the production extension (dist/) and the bench programs (out/bench/), then runs each
// phase in fresh child processes, one at a time: decode references, end-to-end ingest through the
// real receiver and worker (sql.js, and the better-sqlite3 yardstick), paced ingest for event-loop
// and latency goals, the in-process store (text search), the webview in headless Chromium, and
// activation. Prints a table of measurements and one of goals (met / not met, measured in the
// same run), and writes bench/results/latest.json (everything) and bench/results/latest.md (the
// tables, as in docs/performance.md), and appends the run to bench/results/history.jsonl.
// bench/README.md explains each figure.
//
// Every ratio compares two sides measured in this run, one right after the other, in rounds that
// repeat (A, B, A, B …, never all A then all B): the ratio is the median of the per-round ratios,
// and a ratio whose sides come from different runs is not computed. --merge keeps or replaces
// whole phases, and every ratio lives inside one phase.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBench } from './build.mjs';
import { appendHistory, busyCores, environmentLine, historyFile, probeYardstick, runEnvironment, writeReportTables } from './runInfo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out/bench');
const resultsDir = join(root, 'bench/results');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : '';
const PHASES = ['refs', 'e2e', 'paced', 'store', 'webview', 'activation'];
const only = new Set(onlyArg ? onlyArg.split(',') : PHASES);
const merge = argv.includes('--merge');

/** Sizes of the full and the quick run. */
const SIZES = quick
  ? { smallSpans: 102_400, agentSpans: 30_720, rounds: 2, agentRounds: 2, pacedSeconds: 6, saturatedSpans: 102_400, storeAgentSpans: 20_480, indexCostAgentSpans: 10_240, indexCostSmallSpans: 51_200, decodeRequests: 30, decodeMs: 500, webviewRuns: 1, activationRuns: 3 }
  : { smallSpans: 1_000_000, agentSpans: 150_016, rounds: 3, agentRounds: 2, pacedSeconds: 20, saturatedSpans: 409_600, storeAgentSpans: 102_400, indexCostAgentSpans: 102_400, indexCostSmallSpans: 204_800, decodeRequests: 100, decodeMs: 1500, webviewRuns: 9, activationRuns: 5 };
const CHECKPOINT = 100_000;
const CONCURRENCY = 4;
const PACED_RATE = 10_000;
const BIG_TRACE = { bigTraceSpans: 10_000, bigTraceIndex: 2 };
/** Per child process (ms): a phase that hangs must not hang the suite. */
const CHILD_TIMEOUT_MS = 10 * 60_000;

const started = Date.now();
/** Stamped on every result: a ratio's two sides must carry the same one. */
const RUN_ID = new Date(started).toISOString();
const log = (line) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** Runs `node <args>` and returns the JSON after its `BENCH_RESULT ` line. */
function runChild(args, label) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
      else reject(new Error(`${label}: exited with ${signal ?? code}\n${out.slice(-2000)}`));
    });
  });
}

const spec = (profile, totalSpans, extra = {}) => ({ profile, seed: 8, totalSpans, requestSpans: 512, spansPerTrace: 50, bigTraceSpans: 0, bigTraceIndex: 2, ...extra });

/**
 * The machine is shared: before each timed phase, wait (at most QUIET_WAIT_MS, and
 * QUIET_BUDGET_MS over the whole run) until other processes use less than QUIET_CORES cores.
 */
const QUIET_CORES = 0.3;
const QUIET_WAIT_MS = 60_000;
const QUIET_BUDGET_MS = quick ? 20_000 : 240_000;
let quietWaitedMs = 0;
async function waitForQuiet() {
  const t = Date.now();
  let busy = await busyCores(1000);
  while (busy !== null && busy > QUIET_CORES && Date.now() - t < QUIET_WAIT_MS && quietWaitedMs + (Date.now() - t) < QUIET_BUDGET_MS) {
    busy = await busyCores(2000);
  }
  quietWaitedMs += Date.now() - t;
  if (busy !== null && busy > QUIET_CORES) log(`machine busy (${busy.toFixed(1)} cores used by others); measuring anyway`);
}

/** One server scenario (bench/server.ts). */
async function scenario(name, s) {
  await waitForQuiet();
  log(`${name} …`);
  const load = loadavg()[0];
  const r = await runChild([join(outDir, 'server.js'), JSON.stringify({ name, ...s })], name);
  r.loadavgBefore = load;
  r.runId = RUN_ID;
  log(`${name}: ${r.load.spansPerSec.toLocaleString('en-US')} spans/s, ${r.load.spans.toLocaleString('en-US')} spans, latency p99 ${r.load.latency.p99} ms`);
  return r;
}

/** protobufjs decode of the small and agent payloads (bench/decodeBench.ts), the ratio side taken in each round. */
async function decodeSample(label) {
  await waitForQuiet();
  log(`protobufjs decode (${label}) …`);
  const r = await runChild([join(outDir, 'decodeBench.js'), JSON.stringify({ requests: SIZES.decodeRequests, minMs: SIZES.decodeMs, only: 'protobufjs' })], `decode ${label}`);
  return { small: r.small.protobufjsDecode.spansPerSec, agent: r.agent.protobufjsDecode.spansPerSec, runId: RUN_ID };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[(s.length - 1) >> 1] : NaN;
};

// ── run ─────────────────────────────────────────────────────────────────────────────────────────

log(`${quick ? 'quick' : 'full'} run${onlyArg ? ` of ${onlyArg}${merge ? ' (merged into the last results)' : ''}` : ''}; building …`);
const buildMs = await buildBench();
mkdirSync(resultsDir, { recursive: true });
const yardstick = argv.includes('--no-yardstick') ? { loaded: false, version: null, reason: 'left out with --no-yardstick' } : probeYardstick(root);
const haveYardstick = yardstick.loaded;
log(haveYardstick
  ? `yardstick: better-sqlite3 ${yardstick.version} (SQLite ${yardstick.sqlite})`
  : `yardstick SKIPPED: ${yardstick.reason}. The better-sqlite3 runs are left out and their goals marked not measured.`);
const R = { refs: null, e2e: {}, paced: {}, store: {}, webview: null, activation: null };
/** When each phase was measured (ISO time); with --merge, phases not re-run keep theirs. */
const measuredAt = {};
const resultsFile = join(resultsDir, quick ? 'quick.json' : 'latest.json');
if (merge) {
  const previous = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const phase of PHASES) {
    if (only.has(phase)) continue;
    R[phase] = previous.results[phase];
    // Whole phases only: every ratio's two sides live in one phase (see the top of this file).
    if (R[phase]) measuredAt[phase] = previous.measuredAt?.[phase] ?? previous.startedAt;
  }
}
for (const phase of PHASES) if (only.has(phase)) measuredAt[phase] = new Date(started).toISOString();

if (only.has('refs')) {
  await waitForQuiet();
  log('decode references …');
  R.refs = await runChild([join(outDir, 'decodeBench.js'), JSON.stringify({ requests: SIZES.decodeRequests, minMs: SIZES.decodeMs })], 'refs');
}

if (only.has('e2e')) {
  const max = { kind: 'max', concurrency: CONCURRENCY };
  const queries = { bigTraceIndex: BIG_TRACE.bigTraceIndex, smallTraceIndex: 100, reps: 20 };
  // Rounds of decode → sql.js → better-sqlite3 → sql.js JSON, repeated: each ratio's two sides
  // are measured in the same round, one after the other. Round 1 is the long run
  // (SIZES.smallSpans, with the 10,000-span trace and the UI queries); the others fresh 100k runs.
  R.e2e.rounds = [];
  for (let i = 0; i < SIZES.rounds; i++) {
    const first = i === 0;
    const spans = first ? SIZES.smallSpans : 102_400;
    const tag = first ? '' : ` 100k #${i + 1}`;
    const small = (engine, format) => ({ engine, format, spec: spec('small', spans, first ? BIG_TRACE : {}), mode: max, checkpoints: first ? [CHECKPOINT, spans] : [CHECKPOINT], ...(first && format === 'protobuf' ? { queries } : {}) });
    const decode = await decodeSample(`round ${i + 1}`);
    const sqljs = await scenario(`sql.js small protobuf${tag}`, small('sqljs', 'protobuf'));
    const bsql = haveYardstick ? await scenario(`better-sqlite3 small protobuf${tag}`, small('better-sqlite3', 'protobuf')) : null;
    const json = await scenario(`sql.js small JSON${tag}`, small('sqljs', 'json'));
    if (first) Object.assign(R.e2e, { sqljsSmallProtobuf: sqljs, bsqlSmallProtobuf: bsql, sqljsSmallJson: json });
    R.e2e.rounds.push({ decode, sqljs: slim(sqljs), bsql: slim(bsql), json: slim(json) });
  }
  R.e2e.agentRounds = [];
  for (let i = 0; i < SIZES.agentRounds; i++) {
    const tag = i === 0 ? '' : ` #${i + 1}`;
    const agent = (engine) => ({ engine, format: 'protobuf', spec: spec('agent', SIZES.agentSpans), mode: max, checkpoints: [CHECKPOINT] });
    const decode = await decodeSample(`agent round ${i + 1}`);
    const sqljs = await scenario(`sql.js agent protobuf${tag}`, agent('sqljs'));
    const bsql = haveYardstick ? await scenario(`better-sqlite3 agent protobuf${tag}`, agent('better-sqlite3')) : null;
    if (i === 0) Object.assign(R.e2e, { sqljsAgentProtobuf: sqljs, bsqlAgentProtobuf: bsql });
    R.e2e.agentRounds.push({ decode, sqljs: slim(sqljs), bsql: slim(bsql) });
  }
}

if (only.has('paced')) {
  const paced = (rate) => ({ kind: 'paced', spansPerSecond: rate, maxInFlight: 16 });
  const spans = (rate) => Math.round((rate * SIZES.pacedSeconds) / 512) * 512;
  R.paced.at10k = await scenario(`sql.js paced ${PACED_RATE}/s`, { engine: 'sqljs', format: 'protobuf', spec: spec('small', spans(PACED_RATE)), mode: paced(PACED_RATE), checkpoints: [] });
  const sustained = R.e2e.sqljsSmallProtobuf?.load.spansPerSec;
  const half = sustained ? Math.round(sustained / 2) : PACED_RATE;
  R.paced.atHalf = await scenario(`sql.js paced ${half}/s (half the sustained rate)`, { engine: 'sqljs', format: 'protobuf', spec: spec('small', spans(half)), mode: paced(half), checkpoints: [] });
  // Starvation: 4 exporters sending as fast as answered (with the 10,000-span trace, whose writes
  // take more than one slice): every response within 2 s, storeChanged at least every 500 ms.
  R.paced.saturated = await scenario('sql.js 4 saturating exporters', { engine: 'sqljs', format: 'protobuf', spec: spec('small', SIZES.saturatedSpans, BIG_TRACE), mode: { kind: 'max', concurrency: CONCURRENCY }, checkpoints: [] });
}

if (only.has('store')) {
  await waitForQuiet();
  log('in-process store, agent spans, text search …');
  R.store.sqljs = await runChild([join(outDir, 'storeBench.js'), JSON.stringify({ mode: 'ingest', profile: 'agent', spans: SIZES.storeAgentSpans, search: true, fts: true })], 'store sql.js');
  if (haveYardstick) {
    R.store.bsql = await runChild([join(outDir, 'storeBench-better-sqlite3.js'), JSON.stringify({ mode: 'ingest', profile: 'agent', spans: SIZES.storeAgentSpans, search: true, fts: false })], 'store better-sqlite3');
  }
  // Ingest with the store's full-text bookkeeping off and on: two stores in one process, request
  // by request (indexing itself runs when the back end is idle, i.e. never between these requests).
  log('in-process store, ingest with and without full-text bookkeeping …');
  R.store.indexCost = {};
  for (const [profile, spans] of [['agent', SIZES.indexCostAgentSpans], ['small', SIZES.indexCostSmallSpans]]) {
    await waitForQuiet();
    R.store.indexCost[profile] = await runChild([join(outDir, 'storeBench.js'), JSON.stringify({ mode: 'indexCost', profile, spans })], `ingest ${profile}, index off / on`);
  }
  await waitForQuiet();
  log(`in-process store, filters over ${SIZES.smallSpans.toLocaleString('en-US')} small spans …`);
  R.store.filter = await runChild([join(outDir, 'storeBench.js'), JSON.stringify({ mode: 'filter', spans: SIZES.smallSpans })], 'filter');
}

if (only.has('webview')) {
  await waitForQuiet();
  log('webview in headless Chromium …');
  const messages = await runChild([join(outDir, 'storeBench.js'), JSON.stringify({ mode: 'skeletons', outDir })], 'skeletons');
  R.webview = await runChild([join(root, 'bench/webviewBench.mjs'), JSON.stringify({ dir: outDir, runs: SIZES.webviewRuns })], 'webview');
  for (const size of Object.keys(R.webview.sizes)) R.webview.sizes[size].stringifyMs = messages[size]?.stringifyMs;
}

if (only.has('activation')) {
  await waitForQuiet();
  log('activation …');
  const runs = [];
  for (let i = 0; i < SIZES.activationRuns; i++) runs.push(await runChild([join(outDir, 'activationBench.js')], 'activation'));
  R.activation = {
    runs,
    requireMs: median(runs.map((r) => r.requireMs)),
    activateMs: median(runs.map((r) => r.activateMs)),
    wasmCalls: Math.max(...runs.map((r) => r.wasmCalls)),
  };
}

const durationSec = Math.round((Date.now() - started) / 1000);

// ── evaluation ──────────────────────────────────────────────────────────────────────────────────

/** The figures of a server result that the ratios and the history use (the first round's full result stays in the JSON). */
function slim(r) {
  return r && { spansPerSec: r.load.spansPerSec, at100k: r.load.checkpoints.find((c) => c.spans === CHECKPOINT)?.spansPerSec ?? null, lastWindow: r.load.lastWindowSpansPerSec, cpuMsPer1kSpans: r.cpuMsPer1kSpans, runId: r.runId };
}

const e = R.e2e;
const at100k = (r) => r?.load.checkpoints.find((c) => c.spans === CHECKPOINT)?.spansPerSec ?? NaN;
const sq1m = e.sqljsSmallProtobuf?.load.spansPerSec ?? NaN;
const p10 = R.paced.at10k;
const pHalf = R.paced.atHalf;
const q = e.sqljsSmallProtobuf?.queries;
const wv = R.webview?.sizes?.['10000'];
const wv1k = R.webview?.sizes?.['1000'];
const cd = R.webview?.clickDetails;
const maxTask = (runs) => Math.max(...runs.filter(Boolean).map((r) => r.workerTasks?.max ?? NaN));

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Math.round((a / b) * 100) / 100 : NaN);

/**
 * A ratio between two sides measured in the same rounds (`a(round)` and `b(round)` give
 * `{ value, runId }`): the median of the per-round ratios, with each round's pair. A round whose
 * sides come from different runs (results merged from another run) is left out and counted.
 */
function pairedRatio(rounds, a, b) {
  const pairs = [];
  let otherRun = 0;
  for (const round of rounds ?? []) {
    const x = a(round);
    const y = b(round);
    if (!Number.isFinite(x?.value) || !Number.isFinite(y?.value) || !(y.value > 0)) continue;
    if (x.runId !== y.runId) {
      otherRun++;
      continue;
    }
    pairs.push({ a: x.value, b: y.value, ratio: ratio(x.value, y.value) });
  }
  return { ratio: ratio(middle(pairs.map((p) => p.ratio)), 1), pairs, otherRun };
}
/** The median; of an even count, the mean of the two middle values. */
function middle(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** `{ value, runId }` of a slim result's field (`spansPerSec`, `at100k`) or of a decode sample's profile. */
const side = (x, field) => (x ? { value: x[field] ?? NaN, runId: x.runId } : undefined);
const rounds = e.rounds ?? [];
const agentRounds = e.agentRounds ?? [];
/** Every ratio of the run (also written to the results and the history). */
const ratios = {
  sqljsVsYardstick100k: pairedRatio(rounds, (r) => side(r.sqljs, 'at100k'), (r) => side(r.bsql, 'at100k')),
  sqljsVsYardstickLong: pairedRatio(rounds.slice(0, 1), (r) => side(r.sqljs, 'spansPerSec'), (r) => side(r.bsql, 'spansPerSec')),
  sqljsVsYardstickAgent: pairedRatio(agentRounds, (r) => side(r.sqljs, 'spansPerSec'), (r) => side(r.bsql, 'spansPerSec')),
  ingestVsDecodeSmall: pairedRatio(rounds, (r) => side(r.sqljs, 'at100k'), (r) => side(r.decode, 'small')),
  ingestVsDecodeAgent: pairedRatio(agentRounds, (r) => side(r.sqljs, 'spansPerSec'), (r) => side(r.decode, 'agent')),
  jsonVsProtobuf100k: pairedRatio(rounds, (r) => side(r.json, 'at100k'), (r) => side(r.sqljs, 'at100k')),
  jsonVsProtobufLong: pairedRatio(rounds.slice(0, 1), (r) => side(r.json, 'spansPerSec'), (r) => side(r.sqljs, 'spansPerSec')),
};
/** `0.94× (24,056 vs 25,469 spans/s)`, `0.94×, median of 3 rounds (… vs … = 0.97; …)`, or why it is missing. */
function ratioText(x, yardstickSide = false) {
  if (yardstickSide && !haveYardstick && !x.pairs.length) return `not measured: yardstick skipped (${yardstick.reason})`;
  if (!x.pairs.length) return x.otherRun ? 'not computed: its sides come from different runs' : 'n/a';
  if (x.pairs.length === 1) return `${fmt(x.ratio)}× (${fmt(x.pairs[0].a)} vs ${fmt(x.pairs[0].b)} spans/s)`;
  return `${fmt(x.ratio)}×, median of ${x.pairs.length} rounds (spans/s: ${x.pairs.map((p) => `${fmt(p.a)} vs ${fmt(p.b)} = ${fmt(p.ratio)}`).join('; ')})`;
}
const fmt = (x, unit = '') => (Number.isFinite(x) ? `${x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 2 : x < 100 ? 1 : 0 })}${unit}` : 'n/a');
const MB = 1024 * 1024;

/** [group, goal, target, measured text, met (true/false/null: not measured)] */
const goals = [];
const goal = (group, text, target, measured, met) => goals.push({ group, goal: text, target, measured, met: met === null || met === undefined || Number.isNaN(met) ? null : Boolean(met) });
const cmp = (x, op, y) => (Number.isFinite(x) ? (op === '<=' ? x <= y : x >= y) : null);

const cpuRatio = (a, b) => (a && b ? `; by CPU per span ${fmt(ratio(b.cpuMsPer1kSpans, a.cpuMsPer1kSpans))}×` : '');
const r1 = rounds[0];
goal('ingest', 'ingest vs better-sqlite3 pipeline, 100k small (median of the rounds)', '≥ 0.8×', ratioText(ratios.sqljsVsYardstick100k, true), cmp(ratios.sqljsVsYardstick100k.ratio, '>=', 0.8));
goal('ingest', `ingest vs better-sqlite3 pipeline, ${fmt(SIZES.smallSpans)} small (round 1)`, '≥ 0.8×', `${ratioText(ratios.sqljsVsYardstickLong, true)}${ratios.sqljsVsYardstickLong.pairs.length ? cpuRatio(r1?.sqljs, r1?.bsql) : ''}`, cmp(ratios.sqljsVsYardstickLong.ratio, '>=', 0.8));
goal('ingest', 'ingest vs better-sqlite3 pipeline, agent (median of the rounds)', '≥ 0.8×', `${ratioText(ratios.sqljsVsYardstickAgent, true)}${ratios.sqljsVsYardstickAgent.pairs.length ? cpuRatio(agentRounds[0]?.sqljs, agentRounds[0]?.bsql) : ''}`, cmp(ratios.sqljsVsYardstickAgent.ratio, '>=', 0.8));
goal('ingest', 'ingest (first 100k) vs raw protobufjs decode measured just before it, small (median of the rounds)', '≥ 0.4×', ratioText(ratios.ingestVsDecodeSmall), cmp(ratios.ingestVsDecodeSmall.ratio, '>=', 0.4));
goal('ingest', 'ingest vs raw protobufjs decode measured just before it, agent (median of the rounds)', '≥ 0.4×', ratioText(ratios.ingestVsDecodeAgent), cmp(ratios.ingestVsDecodeAgent.ratio, '>=', 0.4));
goal('ingest', `sustained: throughput over ${fmt(SIZES.smallSpans)} vs first 100k`, '≥ 0.8×', `${fmt(ratio(sq1m, at100k(e.sqljsSmallProtobuf)))}× (last 100k alone: ${fmt(ratio(e.sqljsSmallProtobuf?.load.lastWindowSpansPerSec, at100k(e.sqljsSmallProtobuf)))}×)`, cmp(ratio(sq1m, at100k(e.sqljsSmallProtobuf)), '>=', 0.8));
goal('ingest', `JSON vs protobuf ingest, ${fmt(SIZES.smallSpans)} (round 1)`, '≥ 0.8×', `${ratioText(ratios.jsonVsProtobufLong)}${cpuRatio(r1?.json, r1?.sqljs)}; at 100k: ${ratioText(ratios.jsonVsProtobuf100k)}`, cmp(ratios.jsonVsProtobufLong.ratio, '>=', 0.8));
goal('latency', 'ext-host event-loop delay p99 at 10k spans/s', '≤ 10 ms', `${fmt(p10?.mainLoop.p99Ms, ' ms')}`, cmp(p10?.mainLoop.p99Ms, '<=', 10));
goal('latency', 'ext-host event-loop delay max at 10k spans/s', '≤ 50 ms', `${fmt(p10?.mainLoop.maxMs, ' ms')}`, cmp(p10?.mainLoop.maxMs, '<=', 50));
goal('latency', 'longest worker task at 10k spans/s, after a 2 s warm-up', '≤ 50 ms', `${fmt(p10?.workerTasksSteady?.max, ' ms')} (p99 ${fmt(p10?.workerTasksSteady?.p99, ' ms')}; with the first 2 s: ${fmt(p10?.workerTasks?.max, ' ms')}; max-throughput runs: ${fmt(maxTask(Object.values(e).filter((r) => r?.workerTasks)), ' ms')})`, cmp(p10?.workerTasksSteady?.max, '<=', 50));
goal('latency', `OTLP response p99, 512 spans at half the sustained rate (${fmt(pHalf?.load.targetSpansPerSec)}/s), after a 2 s warm-up`, '≤ 25 ms', `${fmt(pHalf?.load.latencySteady?.p99, ' ms')} (p50 ${fmt(pHalf?.load.latencySteady?.p50, ' ms')}; with the first 2 s: p99 ${fmt(pHalf?.load.latency.p99, ' ms')})`, cmp(pHalf?.load.latencySteady?.p99, '<=', 25));
const sat = R.paced.saturated;
const maxResponse = (runs) => Math.max(...runs.filter(Boolean).map((r) => r.load?.latency.max ?? NaN));
goal('latency', `slowest OTLP response, 4 saturating exporters (${fmt(sat?.load.spans)} small spans)`, '≤ 2,000 ms', `${fmt(sat?.load.latency.max, ' ms')} (p99 ${fmt(sat?.load.latency.p99, ' ms')}; max-throughput runs: ${fmt(maxResponse(Object.values(e).filter((r) => r?.load)), ' ms')})`, cmp(sat?.load.latency.max, '<=', 2000));
goal('latency', '`storeChanged` while 4 exporters saturate: longest gap', '≤ 500 ms', `${fmt(sat?.storeChanged?.maxGapMs, ' ms')} (${fmt(sat?.storeChanged?.count)} events in ${fmt(sat?.load.seconds, ' s')}; first ${fmt(sat?.storeChanged?.firstMs, ' ms')} after the first request, longest between two ${fmt(sat?.storeChanged?.betweenMs, ' ms')})`, cmp(sat?.storeChanged?.maxGapMs, '<=', 500));
goal('memory', 'stored bytes per span vs wire (protobuf), small', '≤ 1.4×', `${fmt(ratio(e.sqljsSmallProtobuf?.storedBytesPerSpan, e.sqljsSmallProtobuf?.wireBytesPerSpan))}× (${e.sqljsSmallProtobuf?.storedBytesPerSpan} vs ${e.sqljsSmallProtobuf?.wireBytesPerSpan} B)`, cmp(ratio(e.sqljsSmallProtobuf?.storedBytesPerSpan, e.sqljsSmallProtobuf?.wireBytesPerSpan), '<=', 1.4));
goal('memory', 'stored bytes per span vs wire (protobuf), agent', '≤ 1.4×', `${fmt(ratio(e.sqljsAgentProtobuf?.storedBytesPerSpan, e.sqljsAgentProtobuf?.wireBytesPerSpan))}× (${e.sqljsAgentProtobuf?.storedBytesPerSpan} vs ${e.sqljsAgentProtobuf?.wireBytesPerSpan} B)`, cmp(ratio(e.sqljsAgentProtobuf?.storedBytesPerSpan, e.sqljsAgentProtobuf?.wireBytesPerSpan), '<=', 1.4));
goal('memory', `RSS with ${fmt(SIZES.smallSpans)} small spans (after / peak)`, '< 1 GB', `${fmt(e.sqljsSmallProtobuf?.rssAfterBytes / MB, ' MiB')} / ${fmt(e.sqljsSmallProtobuf?.rssPeakBytes / MB, ' MiB')}`, cmp(e.sqljsSmallProtobuf?.rssPeakBytes, '<=', 1e9));
goal('memory', `RSS with ${fmt(SIZES.agentSpans)} agent spans (after / peak)`, '< 1 GB', `${fmt(e.sqljsAgentProtobuf?.rssAfterBytes / MB, ' MiB')} / ${fmt(e.sqljsAgentProtobuf?.rssPeakBytes / MB, ' MiB')}`, cmp(e.sqljsAgentProtobuf?.rssPeakBytes, '<=', 1e9));
goal('queries', `trace list, 50 newest (at ${fmt(e.sqljsSmallProtobuf?.stats.spanCount)} spans, median)`, '≤ 2 ms', `${fmt(q?.listTraces50.p50, ' ms')} (p95 ${fmt(q?.listTraces50.p95, ' ms')})`, cmp(q?.listTraces50.p50, '<=', 2));
goal('queries', '50-span trace skeleton, packed for the webview (median round trip)', '≤ 1 ms', `${fmt(q?.skeleton50.p50, ' ms')} (p95 ${fmt(q?.skeleton50.p95, ' ms')})`, cmp(q?.skeleton50.p50, '<=', 1));
goal('queries', '10k-span trace skeleton, packed for the webview (median round trip)', '≤ 25 ms', `${fmt(q?.skeleton10k.p50, ' ms')} (p95 ${fmt(q?.skeleton10k.p95, ' ms')})`, cmp(q?.skeleton10k.p50, '<=', 25));
goal('queries', "one span's attributes (median)", '≤ 2 ms', `${fmt(q?.spanDetail.p50, ' ms')} (p95 ${fmt(q?.spanDetail.p95, ' ms')})`, cmp(q?.spanDetail.p50, '<=', 2));
const product = R.store.sqljs?.search?.product;
const needle = product?.queries[0];
goal('queries', `search over ${fmt(R.store.sqljs?.spans)} agent spans (searchTraces ${needle?.query ?? ''}, median)`, '≤ 200 ms', `${fmt(needle?.summary.p50, ' ms')} (p95 ${fmt(needle?.summary.p95, ' ms')}; a word in every model call: ${fmt(product?.queries.find((x) => x.query === 'weather')?.summary.p50, ' ms')}; LIKE scan: ${fmt(R.store.sqljs?.search?.like.p50, ' ms')})`, cmp(needle?.summary.p50, '<=', 200));
const filters = R.store.filter?.queries ?? [];
const slowestFilter = filters.reduce((a, b) => (b.summary.p50 > (a?.summary.p50 ?? -1) ? b : a), undefined);
goal('queries', `filter queries at ${fmt(R.store.filter?.spans)} small spans (filterTraces, slowest median of ${filters.length})`, '≤ 20 ms', `${fmt(slowestFilter?.summary.p50, ' ms')} (${slowestFilter?.query ?? 'n/a'}; fastest ${fmt(Math.min(...filters.map((f) => f.summary.p50)), ' ms')})`, cmp(slowestFilter?.summary.p50, '<=', 20));
const costText = (c) => (c ? `${fmt(c.cost * 100, '%')} (${fmt(c.onSpansPerSec)} vs ${fmt(c.offSpansPerSec)} spans/s; CPU ${c.cpuCost >= 0 ? '+' : ''}${fmt(c.cpuCost * 100, '%')})` : 'n/a');
for (const profile of ['agent', 'small']) {
  const c = R.store.indexCost?.[profile];
  goal('ingest', `ingest cost of full-text indexing, ${profile} (in-process, ${fmt(c?.spans)} spans, on vs off)`, '≤ 15%', costText(c), cmp(c?.cost, '<=', 0.15));
}
goal('webview', 'initial message, 10k-span trace', '≤ 1 MB', `${fmt(wv?.messageBytes / 1e6, ' MB')} (1k spans: ${fmt(wv1k?.messageBytes / 1e6, ' MB')})`, cmp(wv?.messageBytes, '<=', 1e6));
goal('webview', 'first rows painted, 10k-span trace', '≤ 200 ms', `${fmt(wv?.firstRowsPaintedMs, ' ms')}, median of ${wv?.paintRuns?.length ?? '?'} fresh pages (${wv?.paintRuns?.join(', ') ?? ''}; 1k spans: ${fmt(wv1k?.firstRowsPaintedMs, ' ms')})`, cmp(wv?.firstRowsPaintedMs, '<=', 200));
goal('webview', 'click → span details painted (p50, 10k-span agent trace on the real worker, no hover before the click)', '≤ 100 ms', `${fmt(cd?.all.paintedMs, ' ms')} (model calls ${fmt(cd?.modelCalls.paintedMs, ' ms')}, other spans ${fmt(cd?.otherSpans.paintedMs, ' ms')}; after the Conversation tab was shown ${fmt(cd?.afterConversation.paintedMs, ' ms')}; after 150 ms on the row ${fmt(cd?.afterRest150?.paintedMs, ' ms')})`, cmp(cd?.all.paintedMs, '<=', 100));
goal('webview', 'collapse / expand of the 10k-span root, to the next frame', '≤ 50 ms', `${fmt(wv?.expandCollapse.collapse.frameMs, ' ms')} / ${fmt(wv?.expandCollapse.expand.frameMs, ' ms')}`, cmp(Math.max(wv?.expandCollapse.collapse.frameMs, wv?.expandCollapse.expand.frameMs), '<=', 50));
goal('webview', 'scrolling the 10k-span trace at 60 fps (dropped frames of 120)', '0, virtualized', `${wv?.scroll.droppedFrames ?? 'n/a'} dropped, frame p95 ${fmt(wv?.scroll.p95Ms, ' ms')}, ${wv?.scroll.rowElements ?? 'n/a'} row elements`, wv ? wv.scroll.droppedFrames === 0 && wv.scroll.rowElements < 200 : null);
goal('activation', '`activate()` (median; plus require of the bundle)', '≤ 50 ms', `${fmt(R.activation?.activateMs, ' ms')} (+ ${fmt(R.activation?.requireMs, ' ms')} require)`, cmp(R.activation?.activateMs, '<=', 50));
goal('activation', 'WASM compiled or instantiated during `activate()`', 'none', `${R.activation?.wasmCalls ?? 'n/a'}`, R.activation ? R.activation.wasmCalls === 0 : null);
const fullRun = !quick && PHASES.every((p) => only.has(p));
const previousSuiteSec = () => {
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')).suiteSec ?? NaN;
  } catch {
    return NaN;
  }
};
const suiteSec = fullRun ? durationSec : previousSuiteSec();
goal('suite', '`npm run bench` wall time on 2 cores (full run)', '< 15 min', `${fmt(suiteSec / 60, ' min')}`, quick ? null : cmp(suiteSec, '<=', 900));

// ── measurements table ──────────────────────────────────────────────────────────────────────────

const rows = [];
const row = (what, value) => rows.push([what, value]);
const e2eRow = (label, r) => {
  if (!r) return;
  const l = r.load;
  row(`${label}: spans/s (first 100k · all ${fmt(l.spans)} · last ${fmt(l.lastWindowSpans)})`, `${fmt(at100k(r))} · ${fmt(l.spansPerSec)} · ${fmt(l.lastWindowSpansPerSec)}`);
  row(`${label}: response p50 / p99 / max; worker task p99 / max`, `${fmt(l.latency.p50, ' ms')} / ${fmt(l.latency.p99, ' ms')} / ${fmt(l.latency.max, ' ms')}; ${fmt(r.workerTasks?.p99, ' ms')} / ${fmt(r.workerTasks?.max, ' ms')}`);
  row(`${label}: CPU per 1k spans (receiver + worker); other processes on the machine`, `${fmt(r.cpuMsPer1kSpans, ' ms')}; ${r.machine ? `${fmt(r.machine.otherCores)} cores busy, ${fmt(r.machine.stealCores)} stolen` : 'n/a'}`);
};
if (R.refs) {
  for (const p of ['small', 'agent']) {
    const x = R.refs[p];
    row(`decode ${p} (${x.protobufBytesPerSpan} B/span protobuf, ${x.jsonBytesPerSpan} B/span JSON): protobufjs · project protobuf · project JSON · JSON.parse`, `${fmt(x.protobufjsDecode.spansPerSec)} · ${fmt(x.projectProtobuf.spansPerSec)} · ${fmt(x.projectJson.spansPerSec)} · ${fmt(x.jsonParse.spansPerSec)} spans/s`);
  }
}
e2eRow('HTTP e2e sql.js, small, protobuf', e.sqljsSmallProtobuf);
e2eRow('HTTP e2e better-sqlite3, small, protobuf', e.bsqlSmallProtobuf);
e2eRow('HTTP e2e sql.js, small, JSON', e.sqljsSmallJson);
e2eRow('HTTP e2e sql.js, agent, protobuf', e.sqljsAgentProtobuf);
e2eRow('HTTP e2e better-sqlite3, agent, protobuf', e.bsqlAgentProtobuf);
if (rounds.length) row('rounds, in order: protobufjs decode → sql.js → better-sqlite3 → sql.js JSON (small spans/s; ingest at the first 100k)', rounds.map((r, i) => `#${i + 1}: ${fmt(r.decode?.small)} → ${fmt(r.sqljs?.at100k)} → ${fmt(r.bsql?.at100k)} → ${fmt(r.json?.at100k)}`).join('; '));
if (agentRounds.length) row('agent rounds, in order: protobufjs decode → sql.js → better-sqlite3 (agent spans/s)', agentRounds.map((r, i) => `#${i + 1}: ${fmt(r.decode?.agent)} → ${fmt(r.sqljs?.spansPerSec)} → ${fmt(r.bsql?.spansPerSec)}`).join('; '));
for (const [label, r] of [['paced 10k spans/s', p10], [`paced ${fmt(pHalf?.load.targetSpansPerSec)} spans/s (half)`, pHalf]]) {
  if (!r) continue;
  row(`${label}: achieved spans/s; response p50 / p95 / p99 / max (after 2 s; all: p99, max)`, `${fmt(r.load.spansPerSec)}; ${fmt(r.load.latencySteady?.p50, ' ms')} / ${fmt(r.load.latencySteady?.p95, ' ms')} / ${fmt(r.load.latencySteady?.p99, ' ms')} / ${fmt(r.load.latencySteady?.max, ' ms')} (${fmt(r.load.latency.p99, ' ms')}, ${fmt(r.load.latency.max, ' ms')})`);
  row(`${label}: ext-host loop delay p99 / max; busy per request; worker task p99 / max`, `${fmt(r.mainLoop.p99Ms, ' ms')} / ${fmt(r.mainLoop.maxMs, ' ms')}; ${fmt(r.mainBusyPerRequestMs, ' ms')}; ${fmt(r.workerTasks?.p99, ' ms')} / ${fmt(r.workerTasks?.max, ' ms')}`);
  row(`${label}: UI query (50 traces) while ingesting p50 / max`, `${fmt(r.uiQueries.p50, ' ms')} / ${fmt(r.uiQueries.max, ' ms')}`);
}
if (e.sqljsSmallProtobuf) {
  const r = e.sqljsSmallProtobuf;
  row(`max-throughput run: ext-host loop delay p99 / max; worker loop turn max`, `${fmt(r.mainLoop.p99Ms, ' ms')} / ${fmt(r.mainLoop.maxMs, ' ms')}; ${fmt(r.workerLoop?.maxMs, ' ms')}`);
  row(`max-throughput run: UI query while ingesting p50 / max; tree reloads on storeChanged`, `${fmt(r.uiQueries.p50, ' ms')} / ${fmt(r.uiQueries.max, ' ms')}; ${r.treeReloads.n}`);
}
if (R.paced.saturated) {
  const r = R.paced.saturated;
  row(`4 saturating exporters (${fmt(r.load.spans)} small spans): spans/s; response p50 / p99 / max; storeChanged events, longest gap; worker task max, loop turn max`, `${fmt(r.load.spansPerSec)}; ${fmt(r.load.latency.p50, ' ms')} / ${fmt(r.load.latency.p99, ' ms')} / ${fmt(r.load.latency.max, ' ms')}; ${fmt(r.storeChanged?.count)}, ${fmt(r.storeChanged?.maxGapMs, ' ms')}; ${fmt(r.workerTasks?.max, ' ms')}, ${fmt(r.workerLoop?.maxMs, ' ms')}`);
}
for (const [label, r] of [['small', e.sqljsSmallProtobuf], ['agent', e.sqljsAgentProtobuf]]) {
  if (!r) continue;
  row(`memory ${label} (${fmt(r.stats.spanCount)} spans): wire · stored B/span; RSS before · after · peak`, `${r.wireBytesPerSpan} · ${r.storedBytesPerSpan} B; ${fmt(r.rssBeforeBytes / MB)} · ${fmt(r.rssAfterBytes / MB)} · ${fmt(r.rssPeakBytes / MB)} MiB`);
}
if (q) {
  row(`queries at ${fmt(e.sqljsSmallProtobuf.stats.spanCount)} small spans, round trip via the worker, p50 / p95`, `list 50: ${fmt(q.listTraces50.p50)} / ${fmt(q.listTraces50.p95)} ms; skeleton 50: ${fmt(q.skeleton50.p50)} / ${fmt(q.skeleton50.p95)} ms; skeleton 10k: ${fmt(q.skeleton10k.p50)} / ${fmt(q.skeleton10k.p95)} ms (as span objects: ${fmt(q.skeletonObjects10k?.p50)} / ${fmt(q.skeletonObjects10k?.p95)} ms); span detail: ${fmt(q.spanDetail.p50)} / ${fmt(q.spanDetail.p95)} ms`);
}
if (e.bsqlSmallProtobuf?.queries) {
  const b = e.bsqlSmallProtobuf.queries;
  row('same queries on better-sqlite3, p50', `list 50: ${fmt(b.listTraces50.p50)} ms; skeleton 50: ${fmt(b.skeleton50.p50)} ms; skeleton 10k: ${fmt(b.skeleton10k.p50)} ms; span detail: ${fmt(b.spanDetail.p50)} ms`);
}
for (const [label, s] of [['sql.js', R.store.sqljs], ['better-sqlite3', R.store.bsql]]) {
  if (!s) continue;
  row(`in-process store (${label}), ${fmt(s.spans)} agent spans: ingest spans/s (CPU per 1k spans); text search LIKE p50`, `${fmt(s.spansPerSec)} (${fmt(s.cpuMsPer1kSpans, ' ms')}); ${fmt(s.search?.like.p50, ' ms')} (${s.search?.likeMatches} matches)${s.search?.fts ? `; FTS4 ${fmt(s.search.fts.p50, ' ms')} after a ${fmt(s.search.ftsBuildMs / 1000, ' s')} index build` : ''}`);
}
if (product) {
  const s = R.store.sqljs;
  row(`full-text index of ${fmt(s.spans)} agent spans, built when idle: time (spans/s); CPU per 1k spans; slices, longest; index · store bytes per span`, `${fmt(product.buildMs / 1000, ' s')} (${fmt(s.spans / (product.buildMs / 1000))}); ${fmt(product.buildCpuMsPer1kSpans, ' ms')} (ingest: ${fmt(s.cpuMsPer1kSpans, ' ms')}); ${fmt(product.slices)}, ${fmt(product.maxSliceMs, ' ms')}; ${product.indexBytesPerSpan} · ${product.storedBytesPerSpanWithIndex} B (without the index ${s.storedBytesPerSpan} B)`);
  row(`search at ${fmt(s.spans)} agent spans (searchTraces, 50 hits; filterTraces; findInTrace), p50 / p95 [results]`, product.queries.map((x) => `${x.query}: ${fmt(x.summary.p50)} / ${fmt(x.summary.p95)} ms [${x.results}${x.truncated ? '+' : ''}]`).join('; '));
}
if (filters.length) {
  row(`filters at ${fmt(R.store.filter.spans)} small spans (${fmt(R.store.filter.traces)} traces; filterTraces, 50 rows + total), p50 / p95 [total]`, filters.map((x) => `${x.query}: ${fmt(x.summary.p50)} / ${fmt(x.summary.p95)} ms [${fmt(x.results)}]`).join('; '));
}
for (const [profile, c] of Object.entries(R.store.indexCost ?? {})) {
  if (!c?.spans) continue;
  row(`ingest ${profile} (${fmt(c.spans)} spans), full-text bookkeeping on vs off, one process, alternating requests: spans/s; CPU per 1k spans; then the index built when idle: CPU per 1k spans, bytes per span`, `${fmt(c.onSpansPerSec)} vs ${fmt(c.offSpansPerSec)}; ${fmt(c.onCpuMsPer1kSpans, ' ms')} vs ${fmt(c.offCpuMsPer1kSpans, ' ms')}; ${fmt(c.indexBuildCpuMsPer1kSpans, ' ms')}, ${fmt(c.indexBytesPerSpan, ' B')}`);
}
for (const [size, w] of Object.entries(R.webview?.sizes ?? {})) {
  row(`webview ${fmt(Number(size))} spans: message bytes (stringify); rows in DOM · painted; collapse · expand (handler+layout / next frame)`, `${fmt(w.messageBytes / 1e6, ' MB')} (${fmt(w.stringifyMs, ' ms')}); ${fmt(w.firstRowsInDomMs, ' ms')} · ${fmt(w.firstRowsPaintedMs, ' ms')}; ${fmt(w.expandCollapse.collapse.layoutMs)}/${fmt(w.expandCollapse.collapse.frameMs)} · ${fmt(w.expandCollapse.expand.layoutMs)}/${fmt(w.expandCollapse.expand.frameMs)} ms`);
  row(`webview ${fmt(Number(size))} spans: scroll frame p50 / p95 / max; dropped; row elements; JS heap`, `${fmt(w.scroll.p50Ms)} / ${fmt(w.scroll.p95Ms)} / ${fmt(w.scroll.maxMs)} ms; ${w.scroll.droppedFrames}; ${w.rowElements}; ${fmt(w.jsHeapBytes / MB, ' MiB')}`);
}
if (cd) {
  row('webview click → span details, 10k-span agent trace: p50 legs (click → request at the host · host incl. worker · host → page · render), then to the painted frame', `${fmt(cd.all.toHostMs)} · ${fmt(cd.all.hostMs)} · ${fmt(cd.all.backMs)} · ${fmt(cd.all.renderMs)} ms; ${fmt(cd.all.domMs)} → ${fmt(cd.all.paintedMs, ' ms')} (the view's own measure ${fmt(cd.all.viewMs, ' ms')}); max ${fmt(cd.all.maxPaintedMs, ' ms')}`);
  row('webview 10k-span agent trace as VS Code posts it: JSON · binary bytes; first rows in DOM · painted', `${fmt(cd.message.jsonBytes / 1e6, ' MB')} · ${fmt(cd.message.binaryBytes / 1e6, ' MB')}; ${fmt(cd.firstRowsInDomMs, ' ms')} · ${fmt(cd.firstRowsPaintedMs, ' ms')}`);
}
if (R.activation) row(`activation (${R.activation.runs.length} runs, median): require · activate(); WASM calls`, `${fmt(R.activation.requireMs, ' ms')} · ${fmt(R.activation.activateMs, ' ms')}; ${R.activation.wasmCalls}`);

// ── output ──────────────────────────────────────────────────────────────────────────────────────

const env = await runEnvironment(root, yardstick);
const machine = { ...env.machine, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) };
const { versions, sqlite, git } = env;
const serverRuns = [...Object.values(e).filter((r) => r?.load), ...Object.values(R.paced).filter(Boolean)];
const others = serverRuns.map((r) => r.machine?.otherCores).filter(Number.isFinite);
const noise = !others.length ? '' : Math.max(...others) < 0.05 ? 'Other processes were idle during the HTTP scenarios.' : `Other processes kept ${fmt(Math.min(...others))}–${fmt(Math.max(...others))} cores busy during the HTTP scenarios${Math.max(...others) > 0.3 ? ' (a shared machine: wall-clock figures are slower and spikier than on an idle one; CPU per span is steadier)' : ''}.`;
const mark = (met) => (met === null ? '–' : met ? 'met' : '**not met**');
/** When the phases kept from an earlier run (`--merge`) were measured, UTC minutes; empty when none was kept. */
const keptFrom = [...new Set(PHASES.filter((p) => !only.has(p) && measuredAt[p]).map((p) => measuredAt[p].slice(0, 16).replace('T', ' ')))];
const md = [
  `Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\`${merge ? ` (re-measured: ${[...only].join(', ')}${keptFrom.length ? `; the other phases from ${keptFrom.join(', ')} UTC` : ''})` : ''}, ${fmt(suiteSec / 60, ' min')} for the full run; ${environmentLine(env, yardstick)}${git ? `; commit ${git.commit.slice(0, 10)}${git.dirty ? ' with local changes' : ''}` : ''}. Load average at the end: ${machine.loadavgAtEnd.join(' ')}. ${noise}${haveYardstick ? '' : ` **The better-sqlite3 yardstick was skipped**: ${yardstick.reason}.`}`,
  '',
  '| goal | target | measured | |',
  '|---|---|---|---|',
  ...goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${mark(g.met)} |`),
  '',
  '| measurement | result |',
  '|---|---|',
  ...rows.map(([a, b]) => `| ${a} | ${b} |`),
  '',
].join('\n');

const yardstickInfo = haveYardstick ? { loaded: true, version: yardstick.version, sqlite: yardstick.sqlite } : { loaded: false, reason: yardstick.reason };
const json = { suiteSec, mode: quick ? 'quick' : 'full', startedAt: RUN_ID, measuredAt, durationSec, quietWaitedSec: Math.round(quietWaitedMs / 1000), buildMs: Math.round(buildMs), machine, versions, sqlite, yardstick: yardstickInfo, git, sizes: SIZES, ratios, goals, results: R };
writeFileSync(resultsFile, JSON.stringify(json, null, 1) + '\n');
// The history keeps every run (quick, partial and merged ones too), never rewritten.
appendHistory(historyFile(resultsDir), {
  startedAt: RUN_ID,
  mode: json.mode,
  args: argv,
  phases: PHASES.filter((p) => only.has(p)),
  mergedFrom: merge ? Object.fromEntries(PHASES.filter((p) => !only.has(p) && measuredAt[p]).map((p) => [p, measuredAt[p]])) : null,
  durationSec,
  git,
  machine,
  versions,
  sqlite,
  yardstick: yardstickInfo,
  ratios,
  goals: goals.map(({ group, goal: text, target, measured, met }) => ({ group, goal: text, target, measured, met })),
  rounds: { small: rounds, agent: agentRounds },
});
writeFileSync(join(resultsDir, quick ? 'quick.md' : 'latest.md'), md);
// --docs (--readme, its older name, still works): the tables also go into the benchmark report,
// docs/performance.md, between its markers (the start marker keeps its old wording).
const writeDocs = argv.includes('--docs') || argv.includes('--readme');
if (writeDocs && quick) console.log('--docs/--readme is ignored with --quick: docs/performance.md keeps the full run');
if (writeDocs && !quick) console.log(writeReportTables(join(root, 'docs/performance.md'), md));

const width = Math.max(...rows.map(([a]) => a.length), ...goals.map((g) => g.goal.length));
console.log('\nMeasurements');
for (const [a, b] of rows) console.log(`  ${a.padEnd(width)}  ${b}`);
console.log('\nGoals');
for (const g of goals) console.log(`  ${(g.met === null ? '  -  ' : g.met ? ' met ' : ' MISS').padEnd(6)} ${g.goal.padEnd(width)}  ${g.target.padEnd(14)} ${g.measured}`);
if (noise) console.log(`\n${noise}`);
console.log(`\n${goals.filter((g) => g.met).length} goals met, ${goals.filter((g) => g.met === false).length} not met, ${goals.filter((g) => g.met === null).length} not measured; ${durationSec} s in all.`);
if (!haveYardstick) console.log(`The better-sqlite3 yardstick was SKIPPED: ${yardstick.reason}.`);
console.log(`Wrote bench/results/${quick ? 'quick' : 'latest'}.json and .md; appended the run to bench/results/history.jsonl`);
