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
// Click → span details (`clickDetails`): a 10,000-span agent trace (every 4th span a model call
// with ≈ 10 KB of messages) stored by the production worker (dist/worker.js) behind
// `BackendClient`, in this process (bench/traceViewHost.ts); the page's requests go to the panel's
// own handlers (src/extension/traces/traceViewRequests.ts) through a binding, and the
// `traceLoaded` message is serialized as VS Code does (typed arrays as binary). Each of `clicks`
// clicks is a real mouse click (CDP input) on a row scrolled into view, alternately a model call
// and another span; timed in the page from the click event to `#details[data-state=loaded]` for
// that span and to the next painted frame, with the legs: click → request at the host, the host's
// work (worker round trip included), host → page, and the render.
//
// Usage: node bench/webviewBench.mjs '{"dir":"out/bench","runs":3}' → `BENCH_RESULT <JSON>`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { measureFirstRows, openView, tracePage } from '../test/webview/harness.mjs';
import { buildView, launchBrowser, startServer } from '../test/webview/page.mjs';

const { dir, runs = 3, clicks = 20, only } = JSON.parse(process.argv[2] ?? '{}');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const root = resolve(import.meta.dirname, '..');

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

/**
 * Opens the view on a real back end holding a 10,000-span agent trace, delivers its `traceLoaded`
 * (timed like the first-rows figure), then clicks `clicks` rows (see the file comment).
 * @param {import('playwright-core').Browser} browser
 * @param {string} origin
 */
async function clickDetails(browser, origin) {
  const { startTraceViewHost } = createRequire(import.meta.url)(resolve(root, dir, 'traceViewHost.js'));
  const t0 = performance.now();
  const host = await startTraceViewHost({ root, profile: 'agent', spans: 10_000 });
  const ingestMs = performance.now() - t0;
  const v = await openView(browser, origin, {
    fixture: 'none',
    bridge: true,
    beforeGoto: (context) => context.exposeBinding('__benchRequest', (_source, method, params) => host.request(method, params)),
  });
  try {
    const message = await host.traceLoaded();
    const first = await measureFirstRows(v.page, message);
    await v.page.waitForSelector('#details[data-state="loaded"]');
    await v.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    const runClicks = async (count, offset, restMs = 0) => {
    const samples = [];
    for (let k = offset; k < offset + count; k++) {
      const llm = k % 2 === 0;
      const target = await v.page.evaluate(
        async ({ k, llm }) => {
          const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          const tree = document.getElementById('tree');
          tree.scrollTop = (k * 7919 * 22) % Math.max(1, tree.scrollHeight - tree.clientHeight);
          await frame();
          await frame();
          const box = tree.getBoundingClientRect();
          const row = [...tree.querySelectorAll('.row[data-span-id]')]
            .filter((r) => {
              const b = r.getBoundingClientRect();
              return b.top >= box.top + 44 && b.bottom <= box.bottom - 44;
            })
            .find((r) => r.getAttribute('aria-selected') !== 'true' && (r.querySelector('.name')?.textContent ?? '').startsWith('chat ') === llm);
          if (!row) return null;
          const b = row.querySelector('.name').getBoundingClientRect();
          const details = document.getElementById('details');
          window.__clickWait = new Promise((resolve) => {
            const out = { spanId: row.dataset.spanId, click: 0, loading: 0, dom: 0, painted: 0 };
            document.addEventListener('click', (e) => (out.click = e.timeStamp), { capture: true, once: true });
            const mo = new MutationObserver(() => {
              if (details.dataset.spanId !== out.spanId) return;
              if (details.dataset.state === 'loading' && !out.loading) out.loading = performance.now();
              if (details.dataset.state === 'loaded') {
                mo.disconnect();
                out.dom = performance.now();
                requestAnimationFrame(() =>
                  setTimeout(() => {
                    out.painted = performance.now();
                    resolve(out);
                  }, 0),
                );
              }
            });
            mo.observe(details, { attributes: true, attributeFilter: ['data-state', 'data-span-id'] });
          });
          return { spanId: row.dataset.spanId, x: b.left + Math.min(24, b.width / 2), y: b.top + b.height / 2 };
        },
        { k, llm },
      );
      if (!target) continue;
      if (restMs) {
        // The pointer rests on the row first, as a user's does before clicking (the view may fetch ahead).
        await v.page.mouse.move(target.x, target.y);
        await v.page.waitForTimeout(restMs);
      }
      await v.page.mouse.click(target.x, target.y);
      const t = await v.page.evaluate(() => window.__clickWait);
      // Let the rest of the click's work (source info, persisted state) finish before the next one.
      await v.page.evaluate(() => new Promise((r) => setTimeout(r, 250)));
      const log = await v.page.evaluate((spanId) => window.__host.bridgeLog.filter((e) => e.spanId === spanId), t.spanId);
      // The view's own measure (webview/trace/timing.ts), as the e2e suite reads it in the workbench.
      const viewMs = await v.page.evaluate(
        (spanId) =>
          performance
            .getEntriesByName('trace-lens:span-details', 'measure')
            .filter((e) => /** @type {PerformanceMeasure} */ (e).detail?.spanId === spanId)
            .at(-1)?.duration ?? null,
        t.spanId,
      );
      const detail = log.find((e) => e.method === 'spanDetail');
      samples.push({
        llm,
        paintedMs: t.painted - t.click,
        viewMs,
        domMs: t.dom - t.click,
        loadingMs: t.loading ? t.loading - t.click : null,
        // Legs of the spanDetail request (absent when answered from the webview's cache).
        toHostMs: detail ? detail.receivedAt - t.click : null,
        hostMs: detail ? detail.hostMs : null,
        backMs: detail ? detail.answeredAt - detail.receivedAt - detail.hostMs : null,
        renderMs: detail ? t.dom - detail.answeredAt : null,
        requests: log.map((e) => e.method),
      });
    }
    return samples;
    };
    const samples = await runClicks(clicks, 0);
    // The same after the Conversation tab was shown once (its items stay in the page).
    await v.page.click('vscode-tab-header[data-tab="conversation"]');
    await v.page.waitForSelector('#conversation .conv-items', { timeout: 60_000 });
    const conversationItems = await v.page.$$eval('#conversation .conv-item', (items) => items.length);
    await v.page.click('vscode-tab-header[data-tab="waterfall"]');
    await v.page.waitForSelector('vscode-tab-panel[data-tab="waterfall"]:not([hidden])');
    await v.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    const afterConversation = await runClicks(Math.max(2, clicks >> 1), clicks);
    // And with the pointer resting 150 ms on the row before the click.
    const afterRest = await runClicks(Math.max(2, clicks >> 1), clicks + Math.max(2, clicks >> 1), 150);
    const med = (list, f) => {
      const xs = list.map((x) => x[f]).filter((x) => typeof x === 'number');
      return xs.length ? median(xs) : null;
    };
    const sum = (list) => ({
      n: list.length,
      paintedMs: med(list, 'paintedMs'),
      viewMs: med(list, 'viewMs'),
      domMs: med(list, 'domMs'),
      loadingMs: med(list, 'loadingMs'),
      toHostMs: med(list, 'toHostMs'),
      hostMs: med(list, 'hostMs'),
      backMs: med(list, 'backMs'),
      renderMs: med(list, 'renderMs'),
      maxPaintedMs: Math.max(...list.map((x) => x.paintedMs)),
    });
    const r = {
      ingestMs,
      message: { jsonBytes: message.jsonBytes, binaryBytes: message.binaryBytes, buildMs: message.buildMs, serializeMs: message.serializeMs },
      firstRowsInDomMs: first.inDom,
      firstRowsPaintedMs: first.painted,
      all: sum(samples),
      modelCalls: sum(samples.filter((x) => x.llm)),
      otherSpans: sum(samples.filter((x) => !x.llm)),
      afterConversation: { ...sum(afterConversation), conversationItems },
      afterRest150: sum(afterRest),
      requestsPerClick: samples.map((x) => x.requests.length),
      paintedRuns: samples.map((x) => Math.round(x.paintedMs)),
    };
    if (v.problems.length) r.problems = v.problems;
    return r;
  } finally {
    await v.close();
    await host.close();
  }
}

const build = await buildView('trace');
const server = await startServer([tracePage]);
const browser = await launchBrowser();
const result = { bundleBytes: build.jsBytes, sizes: {} };
try {
  if (!only || only === 'clicks') result.clickDetails = await clickDetails(browser, server.origin);
  for (const size of only === 'clicks' ? [] : [1000, 10000]) {
    // `{ json, buffers }`: the panel's message in VS Code's serialization (bench/storeBench.ts `skeletons`).
    const message = JSON.parse(readFileSync(join(dir, `traceLoaded-${size}.json`), 'utf8'));
    const paints = [];
    let v = null;
    for (let i = 0; i < runs; i++) {
      if (v) await v.close();
      v = await openView(browser, server.origin, { fixture: 'none' });
      paints.push(await measureFirstRows(v.page, message));
    }
    const r = {
      messageBytes: paints[0].messageBytes,
      jsonBytes: Buffer.byteLength(message.json),
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
