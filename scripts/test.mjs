// `npm test`: type-check, lint, unit tests (vitest), webview checks (headless Chromium) and the
// end-to-end suite in the real VS Code workbench (code-server). Prints one closing line
// `N passed, N failed` over all suites. Set TRACE_LENS_SKIP_E2E=1 to skip the end-to-end suite
// (it needs `bash scripts/install-vscode-server.sh` first; .ci/run does that).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(name, cmd, args, { parse } = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: parse ? ['inherit', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', env: process.env });
  if (parse) process.stdout.write(result.stdout ?? '');
  const counts = parse ? parse(result.stdout ?? '') : undefined;
  const ok = result.status === 0;
  if (counts) {
    totals.passed += counts.passed;
    totals.failed += counts.failed;
  } else {
    totals[ok ? 'passed' : 'failed'] += 1;
  }
  if (!ok) failures.push(name);
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** node:test spec reporter summary: "ℹ pass N" / "ℹ fail N". */
function nodeTestCounts(out) {
  const pass = /^ℹ pass (\d+)/m.exec(out);
  const fail = /^ℹ fail (\d+)/m.exec(out);
  return pass ? { passed: Number(pass[1]), failed: Number(fail?.[1] ?? 0) } : undefined;
}

/** A plain "name: N passed, N failed" line. */
function plainCounts(out) {
  const m = /(\d+) passed, (\d+) failed/.exec(out);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

mkdirSync(join(root, 'test-results'), { recursive: true });
run('types', 'npm', ['run', '--silent', 'check-types']);
run('lint', 'npm', ['run', '--silent', 'lint']);
run('import cycles', 'npm', ['run', '--silent', 'check-cycles']);
const vitestJson = join(root, 'test-results', 'unit.json');
run('unit', 'npx', ['vitest', 'run', '--config', 'vitest.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], {
  parse: () => {
    if (!existsSync(vitestJson)) return undefined;
    const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
    return { passed: report.numPassedTests, failed: report.numFailedTests + (report.numFailedTestSuites ?? 0) };
  },
});
if (existsSync(join(root, 'test/webview/check.mjs'))) {
  run('webview', 'node', ['test/webview/check.mjs'], { parse: plainCounts });
}
if (process.env.TRACE_LENS_SKIP_E2E === '1') {
  console.log('\n=== e2e: skipped (TRACE_LENS_SKIP_E2E=1)');
} else {
  run('e2e', 'node', ['scripts/e2e.mjs'], { parse: (out) => nodeTestCounts(out) ?? plainCounts(out) });
}

console.log(`\n${failures.length ? `failed suites: ${failures.join(', ')}` : 'all suites passed'}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(failures.length ? 1 : 0);
