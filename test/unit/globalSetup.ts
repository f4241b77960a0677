/**
 * Builds `dist/` once before the unit tests: tests that start the real ingest worker load the
 * bundled `dist/worker.js` (with `dist/sql-wasm.wasm`), exactly as the extension does.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
}
