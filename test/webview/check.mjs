// Builds the trace webview, runs the browser checks and takes screenshots.
// Usage: node test/webview/check.mjs [--no-screenshots]
// Prints `webview: N passed, M failed` last and exits non-zero on any failure.
import { buildWebview, launchBrowser, runWebviewChecks, startServer, takeScreenshots } from './harness.mjs';
import { runModelChecks } from './model.mjs';

console.log('model (node):');
const model = await runModelChecks();
const build = await buildWebview();
console.log(`webview build: ${build.ms.toFixed(0)} ms, trace.js ${(build.jsBytes / 1024).toFixed(0)} KiB, trace.css ${(build.cssBytes / 1024).toFixed(1)} KiB`);
const server = await startServer();
const browser = await launchBrowser();
let failed = 1;
let passed = 0;
try {
  console.log('browser:');
  const r = await runWebviewChecks({ browser, origin: server.origin });
  passed = r.passed;
  failed = r.failed;
  if (!process.argv.includes('--no-screenshots')) {
    const files = await takeScreenshots({ browser, origin: server.origin });
    console.log(`screenshots:\n  ${files.join('\n  ')}`);
  }
} catch (e) {
  console.error(e);
  failed = Math.max(failed, 1);
} finally {
  await browser.close();
  await server.close();
}
passed += model.passed;
failed += model.failed;
console.log(`webview: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
