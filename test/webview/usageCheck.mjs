// Builds the Usage webview, runs its browser checks and takes its screenshots (the Usage part of
// check.mjs, for a quick loop). Usage: node test/webview/usageCheck.mjs [--no-screenshots]
import { launchBrowser } from './harness.mjs';
import { buildUsageWebview, runUsageChecks, startUsageServer, takeUsageScreenshots } from './usageHarness.mjs';

const build = await buildUsageWebview();
console.log(`usage build: ${build.ms.toFixed(0)} ms, usage.js ${(build.jsBytes / 1024).toFixed(0)} KiB, usage.css ${(build.cssBytes / 1024).toFixed(1)} KiB`);
const server = await startUsageServer();
const browser = await launchBrowser();
let failed = 1;
let passed = 0;
try {
  console.log('usage view:');
  ({ passed, failed } = await runUsageChecks({ browser, origin: server.origin }));
  if (!process.argv.includes('--no-screenshots')) {
    const files = await takeUsageScreenshots({ browser, origin: server.origin });
    console.log(`screenshots:\n  ${files.join('\n  ')}`);
  }
} catch (e) {
  console.error(e);
  failed = Math.max(failed, 1);
} finally {
  await browser.close();
  await server.close();
}
console.log(`usage view: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
