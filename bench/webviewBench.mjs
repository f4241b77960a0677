// Webview benchmark: the real trace webview bundle (built by the test/webview harness exactly as
// esbuild.mjs builds it) in headless Chromium under the extension's CSP, fed the initial
// `traceLoaded` messages that the real store produced for a 1,000- and a 10,000-span trace
// (bench/storeBench.ts `skeletons` mode writes them).
//
// Measured per trace size (fresh page per run):
// - first rows: from dispatching the message in the page to rows in the DOM, and to the next
//   painted frame (requestAnimationFrame, then a task) — median of `runs`;
// - expand/collapse of the root (keyboard, as a user does): handler, handler + style + layout,
//   and to the next frame — median of 9;
// - scrolling: 120 frames, each moving the list by 3 rows in a requestAnimationFrame callback:
//   frame-to-frame times (p50/p95/max) and dropped frames (gaps over 25 ms: a missed 60 Hz vsync);
// - row elements in the DOM (virtualization) and the page's JS heap.
//
// Usage: node bench/webviewBench.mjs '{"dir":"out/bench","runs":3}' → `BENCH_RESULT <JSON>`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureFirstRows, openView, tracePage } from '../test/webview/harness.mjs';
import { buildView, launchBrowser, startServer } from '../test/webview/page.mjs';

const { dir, runs = 3 } = JSON.parse(process.argv[2] ?? '{}');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function expandCollapse(page) {
  return page.evaluate(async () => {
    const tree = document.getElementById('tree');
    tree.focus();
    const key = (k) => tree.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    key('Home');
    await frame();
    const measure = async (k) => {
      const t0 = performance.now();
      key(k);
      const handler = performance.now() - t0;
      void document.body.offsetHeight; // force style + layout
      const layout = performance.now() - t0;
      await frame();
      return { handler, layout, frame: performance.now() - t0, rows: tree.querySelectorAll('.row[data-span-id]').length };
    };
    const out = { collapse: [], expand: [] };
    for (let i = 0; i < 9; i++) {
      out.collapse.push(await measure('ArrowLeft'));
      out.expand.push(await measure('ArrowRight'));
    }
    const med = (list, f) => list.map((x) => x[f]).sort((a, b) => a - b)[list.length >> 1];
    const sum = (list) => ({ handlerMs: med(list, 'handler'), layoutMs: med(list, 'layout'), frameMs: med(list, 'frame'), rows: list.at(-1).rows });
    return { collapse: sum(out.collapse), expand: sum(out.expand) };
  });
}

async function scrolling(page) {
  return page.evaluate(async () => {
    const tree = document.getElementById('tree');
    tree.scrollTop = 0;
    const longTasks = [];
    let observer;
    try {
      observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask', buffered: false });
    } catch {
      observer = undefined;
    }
    const deltas = [];
    await new Promise((resolve) => {
      let last = 0;
      let n = 0;
      const step = (now) => {
        if (last) deltas.push(now - last);
        last = now;
        tree.scrollTop += 66; // 3 rows of 22 px
        if (++n <= 120) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    observer?.disconnect();
    const sorted = [...deltas].sort((a, b) => a - b);
    const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
    return {
      frames: deltas.length,
      p50Ms: pct(50),
      p95Ms: pct(95),
      maxMs: sorted.at(-1),
      // A frame that missed a 60 Hz vsync shows as a ≥ 33 ms gap; 25 ms separates it from jitter.
      droppedFrames: deltas.filter((d) => d > 25).length,
      longTasks: longTasks.length,
      rowElements: tree.querySelectorAll('.row[data-span-id]').length,
      scrolledRows: Math.round(tree.scrollTop / 22),
    };
  });
}

const build = await buildView('trace');
const server = await startServer([tracePage]);
const browser = await launchBrowser();
const result = { bundleBytes: build.jsBytes, sizes: {} };
try {
  for (const size of [1000, 10000]) {
    const json = readFileSync(join(dir, `traceLoaded-${size}.json`), 'utf8');
    const paints = [];
    let v = null;
    for (let i = 0; i < runs; i++) {
      if (v) await v.close();
      v = await openView(browser, server.origin, { fixture: 'none' });
      paints.push(await measureFirstRows(v.page, json));
    }
    const r = {
      messageBytes: Buffer.byteLength(json),
      firstRowsInDomMs: median(paints.map((p) => p.inDom)),
      firstRowsPaintedMs: median(paints.map((p) => p.painted)),
      paintRuns: paints.map((p) => Math.round(p.painted)),
    };
    r.rowElements = await v.page.$$eval('#tree .row[data-span-id]', (rows) => rows.length);
    r.expandCollapse = await expandCollapse(v.page);
    r.scroll = await scrolling(v.page);
    r.jsHeapBytes = await v.page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
    if (v.problems.length) r.problems = v.problems;
    result.sizes[size] = r;
    await v.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const tenth = (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v);
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result, tenth)}\n`);
