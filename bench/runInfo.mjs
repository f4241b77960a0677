// What a benchmark run records about itself and where it writes it (bench/run.mjs): the machine
// and OS and how busy other processes keep it, the versions of what it measured (Node, sql.js and
// its SQLite, protobufjs, the better-sqlite3 yardstick and its SQLite — as loaded, not as listed
// in package.json), the git commit, whether the yardstick ran (and why not); the run history
// (every run appends one line to bench/results/history.jsonl); the tables in docs/performance.md.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The version of `pkg` as Node resolves it from the project root (the copy the bench loads,
 * wherever npm put it), or null when it is not installed.
 */
export function installedVersion(root, pkg) {
  const req = createRequire(join(root, 'package.json'));
  const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
  try {
    return read(req.resolve(`${pkg}/package.json`)).version;
  } catch {
    // An `exports` map that does not export package.json (sql.js): up from the entry point.
  }
  try {
    for (let dir = dirname(req.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file) && read(file).name === pkg) return read(file).version;
    }
  } catch {
    // not installed
  }
  return null;
}

/**
 * Loads better-sqlite3 the way the yardstick bundles do (`require('better-sqlite3')` from the
 * project) and opens a database: `{ loaded: true, version, sqlite }`, or `{ loaded: false,
 * version, reason }` — not installed (it is an optional dependency: `npm ci` skips it when it
 * cannot be built, and `npm ci --omit=optional` never tries), or installed but its native module
 * does not load.
 */
export function probeYardstick(root) {
  const version = installedVersion(root, 'better-sqlite3');
  if (!version) {
    return { loaded: false, version: null, reason: 'better-sqlite3 is not installed (an optional dependency: npm skips it where it cannot be built; install it with a C++ toolchain to measure the yardstick)' };
  }
  try {
    const Database = createRequire(join(root, 'package.json'))('better-sqlite3');
    const db = new Database(':memory:');
    const sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;
    db.close();
    return { loaded: true, version, sqlite };
  } catch (error) {
    return { loaded: false, version, reason: `better-sqlite3 ${version} is installed but does not load: ${String(error.message).split('\n')[0]}` };
  }
}

/** The SQLite version inside sql.js (the shipped engine), or null. */
export async function sqlJsSqliteVersion(root) {
  try {
    const initSqlJs = createRequire(join(root, 'package.json'))('sql.js');
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    const v = db.exec('SELECT sqlite_version()')[0].values[0][0];
    db.close();
    return v;
  } catch {
    return null;
  }
}

/** `PRETTY_NAME` of /etc/os-release (e.g. `Debian GNU/Linux 12 (bookworm)`), else the platform. */
function osName() {
  try {
    const line = readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith('PRETTY_NAME='));
    if (line) return line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '');
  } catch {
    // not Linux
  }
  return platform();
}

/** The commit measured, and whether the work tree differed from it. */
function gitState(root) {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

/**
 * The machine (CPU model, count and clock, memory, OS, kernel, Node and V8) and the versions of
 * what the run measured. `yardstick` is `probeYardstick`'s answer.
 */
export async function runEnvironment(root, yardstick) {
  const cpu = cpus();
  const machine = {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpuMHz: cpu[0]?.speed || null,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: osName(),
    platform: `${platform()}-${arch()}`,
    kernel: release(),
    node: process.version,
    v8: process.versions.v8,
  };
  const versions = {
    node: process.version,
    'sql.js': installedVersion(root, 'sql.js'),
    protobufjs: installedVersion(root, 'protobufjs'),
    'better-sqlite3': yardstick.loaded ? yardstick.version : null,
    'playwright-core': installedVersion(root, 'playwright-core'),
    esbuild: installedVersion(root, 'esbuild'),
  };
  const sqlite = { 'sql.js': await sqlJsSqliteVersion(root), 'better-sqlite3': yardstick.loaded ? yardstick.sqlite : null };
  return { machine, versions, sqlite, git: gitState(root) };
}

/** One line of text naming the machine and versions, for the report's header. */
export function environmentLine(env, yardstick) {
  const { machine: m, versions: v, sqlite } = env;
  const bsql = yardstick.loaded ? `better-sqlite3 ${v['better-sqlite3']} (SQLite ${sqlite['better-sqlite3']})` : 'better-sqlite3 not measured (yardstick skipped)';
  return `${m.cpus} × ${m.cpuModel}${m.cpuMHz ? ` (${m.cpuMHz} MHz)` : ''}, ${m.memoryGiB} GiB, ${m.os}, Linux ${m.kernel}, Node ${m.node}; sql.js ${v['sql.js']} (SQLite ${sqlite['sql.js'] ?? '?'}), ${bsql}, protobufjs ${v.protobufjs}`;
}

/**
 * Appends one run to `file` (JSON Lines, one object per run, never rewritten): when and what ran,
 * the environment, every goal as evaluated, every ratio with its rounds, and the headline figures.
 */
export function appendHistory(file, entry) {
  appendFileSync(file, JSON.stringify(entry) + '\n');
}

/** The results directory's history file. */
export const historyFile = (resultsDir) => join(resultsDir, 'history.jsonl');


/** Busy cores of the whole machine over `ms` (from /proc/stat; null where unavailable). */
export async function busyCores(ms) {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { busy: f[0] + f[1] + f[2] + f[5] + f[6], total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return a && b && b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * cpus().length : null;
}

/**
 * Puts `md` between the bench-results markers of the report at `reportPath` (docs/performance.md);
 * returns the line to print.
 */
export function writeReportTables(reportPath, md) {
  const start = '<!-- bench-results:start (written by npm run bench -- --readme) -->';
  const end = '<!-- bench-results:end -->';
  let report = '';
  try {
    report = readFileSync(reportPath, 'utf8');
  } catch {
    // missing: reported below
  }
  const a = report.indexOf(start);
  const b = report.indexOf(end);
  if (a < 0 || b < a) return `${reportPath} is missing or has no bench-results markers; not updated`;
  writeFileSync(reportPath, report.slice(0, a + start.length) + '\n' + md + report.slice(b));
  return `Wrote the tables into ${reportPath}`;
}
