// @ts-check
// Builds the webviews (trace, Usage, compare, replay), runs the browser checks and takes screenshots.
// Usage: node test/webview/check.mjs [--no-screenshots] [--view=trace|usage|compare|replay]
// `--view` runs one view's checks only (for a quick loop; `trace` includes the Node-side model
// checks). Prints `webview: N passed, M failed` last and exits non-zero on any failure.
import { runWebviewChecks, takeScreenshots, tracePage } from './harness.mjs';
import { runModelChecks } from './model.mjs';
import { buildView, launchBrowser, startServer } from './page.mjs';
import { runUsageChecks, takeUsageScreenshots, usagePage } from './usageHarness.mjs';
import { comparePage, runCompareChecks, takeCompareScreenshots } from './compareHarness.mjs';
import { replayPage, runReplayChecks, takeReplayScreenshots } from './replayHarness.mjs';

const views = [
  { name: 'trace', title: 'browser:', page: tracePage, run: runWebviewChecks, screenshots: takeScreenshots },
  { name: 'usage', title: 'usage view:', page: usagePage, run: runUsageChecks, screenshots: takeUsageScreenshots },
  { name: 'compare', title: 'compare view:', page: comparePage, run: runCompareChecks, screenshots: takeCompareScreenshots },
  { name: 'replay', title: 'replay playground:', page: replayPage, run: runReplayChecks, screenshots: takeReplayScreenshots },
];
const only = process.argv.find((a) => a.startsWith('--view='))?.slice('--view='.length);
if (only && !views.some((v) => v.name === only)) {
  console.error(`unknown --view=${only} (trace, usage, compare or replay)`);
  process.exit(2);
}
const selected = views.filter((v) => !only || v.name === only);

let passed = 0;
let failed = 0;
if (!only || only === 'trace') {
  console.log('model (node):');
  ({ passed, failed } = await runModelChecks());
}
for (const view of selected) {
  const build = await buildView(view.name);
  console.log(`${view.name === 'trace' ? 'webview' : view.name} build: ${build.ms.toFixed(0)} ms, ${view.name}.js ${(build.jsBytes / 1024).toFixed(0)} KiB, ${view.name}.css ${(build.cssBytes / 1024).toFixed(1)} KiB`);
}
const server = await startServer(selected.map((v) => v.page));
const browser = await launchBrowser();
let browserFailed = 0;
try {
  for (const view of selected) {
    console.log(view.title);
    const r = await view.run({ browser, origin: server.origin });
    passed += r.passed;
    browserFailed += r.failed;
  }
  if (!process.argv.includes('--no-screenshots')) {
    const files = [];
    for (const view of selected) files.push(...(await view.screenshots({ browser, origin: server.origin })));
    console.log(`screenshots:\n  ${files.join('\n  ')}`);
  }
} catch (e) {
  console.error(e);
  browserFailed = Math.max(browserFailed, 1);
} finally {
  await browser.close();
  await server.close();
}
failed += browserFailed;
console.log(`webview: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
