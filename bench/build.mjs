// Builds what the benchmark runs: the production extension (dist/, as shipped) and the bench
// programs (out/bench/). The better-sqlite3 yardstick is the real worker and store source bundled
// with `sql.js` aliased to bench/sqljsOnBetterSqlite3.ts (see that file).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds dist/ (production) and out/bench/; returns the build time in ms. */
export async function buildBench() {
  const started = performance.now();
  execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  const common = {
    absWorkingDir: root,
    outdir: join(root, 'out/bench'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    loader: { '.sql': 'text', '.proto': 'text' },
    external: ['better-sqlite3', 'vscode'],
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    entryPoints: ['server', 'loadgen', 'workerProbe', 'decodeBench', 'storeBench', 'activationBench', 'traceViewHost'].map((n) => `bench/${n}.ts`),
  });
  const yardstick = { 'sql.js': join(root, 'bench/sqljsOnBetterSqlite3.ts') };
  await esbuild.build({
    ...common,
    entryPoints: { 'worker-better-sqlite3': 'src/core/backend/backendWorker.ts', 'storeBench-better-sqlite3': 'bench/storeBench.ts' },
    alias: yardstick,
  });
  return performance.now() - started;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ms = await buildBench();
  console.log(`bench build: ${ms.toFixed(0)} ms`);
}
