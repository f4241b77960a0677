// `npm run bench`: builds dist/ and the benchmarks, then runs them. Not part of `npm test`.
// Arguments are passed on, e.g. `npm run bench -- --spans 1000000 --profile agent`.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
await esbuild.build({
  entryPoints: [join(root, 'bench/ingestBench.ts')],
  outdir: join(root, 'out/bench'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  loader: { '.sql': 'text', '.proto': 'text' }, logLevel: 'warning',
});
execFileSync(process.execPath, ['--max-old-space-size=4096', join(root, 'out/bench/ingestBench.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
