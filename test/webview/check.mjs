// Builds the trace and Usage webviews, runs the browser checks and takes screenshots.
// Usage: node test/webview/check.mjs [--no-screenshots]
// Prints `webview: N passed, M failed` last and exits non-zero on any failure.
import { buildWebview, launchBrowser, runWebviewChecks, startServer, takeScreenshots } from './harness.mjs';
import { runModelChecks } from './model.mjs';
import { buildUsageWebview, runUsageChecks, startUsageServer, takeUsageScreenshots } from './usageHarness.mjs';

console.log('model (node):');
const model = await runModelChecks();
const build = await buildWebview();
console.log(`webview build: ${build.ms.toFixed(0)} ms, trace.js ${(build.jsBytes / 1024).toFixed(0)} KiB, trace.css ${(build.cssBytes / 1024).toFixed(1)} KiB`);
const usageBuild = await buildUsageWebview();
console.log(`usage build: ${usageBuild.ms.toFixed(0)} ms, usage.js ${(usageBuild.jsBytes / 1024).toFixed(0)} KiB, usage.css ${(usageBuild.cssBytes / 1024).toFixed(1)} KiB`);
const server = await startServer();
const usageServer = await startUsageServer();
const browser = await launchBrowser();
let failed = 1;
let passed = 0;
try {
  console.log('browser:');
  const r = await runWebviewChecks({ browser, origin: server.origin });
  passed = r.passed;
  failed = r.failed;
  console.log('usage view:');
  const u = await runUsageChecks({ browser, origin: usageServer.origin });
  passed += u.passed;
  failed += u.failed;
  if (!process.argv.includes('--no-screenshots')) {
    const files = [...(await takeScreenshots({ browser, origin: server.origin })), ...(await takeUsageScreenshots({ browser, origin: usageServer.origin }))];
    console.log(`screenshots:\n  ${files.join('\n  ')}`);
  }
} catch (e) {
  console.error(e);
  failed = Math.max(failed, 1);
} finally {
  await browser.close();
  await server.close();
  await usageServer.close();
}
passed += model.passed;
failed += model.failed;
console.log(`webview: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
