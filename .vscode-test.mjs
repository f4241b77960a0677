// @vscode/test-cli configuration for `npm run test:integration` (the @vscode/test-electron suite in
// test/integration/, see test/integration/README.md).
//
// Loading this file does the preparation the CLI has no hook for:
//   1. decides whether a desktop VS Code can be had at all: $VSCODE_EXECUTABLE, a copy already
//      downloaded into .vscode-test/, or a reachable update.code.visualstudio.com. If none, it prints
//      why and exits 0 ("skipped"), unless TRACE_LENS_REQUIRE_INTEGRATION=1 (then exit 1);
//   2. builds the extension (node esbuild.mjs → dist/) and compiles the tests with esbuild
//      (test/integration/*.test.ts → out/test/integration/*.test.js, CommonJS, `vscode` external);
//   3. makes a throw-away workspace whose settings move the receiver to a free port, so the suite
//      never collides with a Trace Lens listening on 4318.
import { defineConfig } from '@vscode/test-cli';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const cacheDir = join(root, '.vscode-test');
const outDir = join(root, 'out/test/integration');

function skip(reason) {
  const required = process.env.TRACE_LENS_REQUIRE_INTEGRATION === '1';
  console.log(
    `\n[test:integration] ${required ? 'FAILED' : 'SKIPPED'}: ${reason}\n` +
      '  This suite runs the extension in a desktop VS Code that @vscode/test-electron downloads.\n' +
      '  Offline, use the real-workbench suite instead: npm run test:e2e (code-server, no download).\n' +
      '  To run it anyway: go online once (the download is cached in .vscode-test/), or set\n' +
      '  VSCODE_EXECUTABLE=/path/to/code. See test/integration/README.md.\n',
  );
  process.exit(required ? 1 : 0);
}

async function canDownload() {
  try {
    const res = await fetch('https://update.code.visualstudio.com/api/releases/stable', { signal: AbortSignal.timeout(5000) });
    return res.ok ? null : `update.code.visualstudio.com answered HTTP ${res.status}`;
  } catch (err) {
    return `update.code.visualstudio.com is unreachable (${err.cause?.code ?? err.cause?.message ?? err.message})`;
  }
}

const cached = existsSync(cacheDir) ? readdirSync(cacheDir).filter((d) => /^vscode-(linux|darwin|win32)/.test(d)) : [];
const executable = process.env.VSCODE_EXECUTABLE;
if (executable && !existsSync(executable)) skip(`VSCODE_EXECUTABLE=${executable} does not exist`);
if (!executable && cached.length === 0) {
  const why = await canDownload();
  if (why) skip(`no VS Code to test with: none in .vscode-test/, no VSCODE_EXECUTABLE, and ${why}`);
}

// 2. Build the extension and the tests.
try {
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('\n[test:integration] FAILED: building the extension (node esbuild.mjs) failed, see above.\n');
  process.exit(1);
}
const esbuild = await import('esbuild');
rmSync(outDir, { recursive: true, force: true });
const entryPoints = readdirSync(join(root, 'test/integration'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join(root, 'test/integration', f));
await esbuild.build({
  entryPoints,
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

// 3. A workspace with the receiver on a free port.
const receiverPort = await new Promise((resolve, reject) => {
  const srv = createServer();
  srv.once('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  });
});
const workspace = join(cacheDir, 'integration-workspace');
rmSync(workspace, { recursive: true, force: true });
mkdirSync(join(workspace, '.vscode'), { recursive: true });
cpSync(join(root, 'demo/README.md'), join(workspace, 'README.md'));
writeFileSync(
  join(workspace, '.vscode/settings.json'),
  `${JSON.stringify({ 'traceLens.receiver.port': receiverPort, 'traceLens.receiver.grpcPort': 0, 'traceLens.receiver.autoStart': true }, null, 2)}\n`,
);

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: 'stable',
  workspaceFolder: workspace,
  ...(executable ? { useInstallation: { fromPath: executable } } : {}),
  env: { TRACE_LENS_TEST_RECEIVER_PORT: String(receiverPort) },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'tdd', timeout: 30_000, color: true },
});
