// @ts-check
// Test harness for the trace webview: the view (webview/trace/main.ts, built by page.mjs like
// esbuild.mjs does) in the trace panel's own document (traceViewDocument from
// src/extension/webviewHtml.ts, so under the panel's CSP) with theme variables and a fake
// `acquireVsCodeApi` host (fakeHost.mjs), driven with playwright-core + Debian's Chromium. The
// shared parts live in page.mjs.
//
// Exports: tracePage (for page.mjs's startServer), openView(), runWebviewChecks(),
// takeScreenshots(). See check.mjs for the command-line entry.
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { assert, assertViewDocument, attributeOf, checkRunner, openPage, present, resultsDir, textOf, webviewHtml } from './page.mjs';
import { HOSTILE_ANSWER, HOSTILE_PROMPT } from './fixtures.mjs';
import { runFindChecks, takeFindScreenshots } from './findChecks.mjs';
import { runConventionChecks, takeConventionScreenshots } from './conventionChecks.mjs';
import { runGraphChecks, takeGraphScreenshots } from './graphChecks.mjs';
import { runDetailChecks } from './detailChecks.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */

/**
 * The trace view's page for page.mjs's startServer: the panel's document (its trace id only names
 * the document; the fake host loads the fixture with `traceLoaded`, as the panel does), the
 * editor background behind it, and fakeHost.mjs.
 * @type {import('./page.mjs').ViewPage}
 */
export const tracePage = {
  path: 'trace',
  document: (host) => webviewHtml.traceViewDocument({ ...host, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }),
  background: '--vscode-editor-background',
  fakeHost: 'fakeHost.mjs',
};

/**
 * Delivers a `traceLoaded` envelope to an open trace view and times it: `inDom` until the first
 * span row exists, `painted` until the frame after that (ms; parsing, unpacking and the tree build
 * included). The envelope is JSON text, or VS Code's serialization of it (`{ json, buffers }`:
 * typed arrays as binary buffers, here base64; see `serializeWebviewMessage` in
 * bench/traceViewHost.ts), which is deserialized as the workbench does (JSON.parse with a reviver
 * that puts the typed arrays back, `deserializeWebviewMessage`) and posted with the buffers
 * transferred. Also used by bench/webviewBench.mjs.
 * @param {Page} page
 * @param {string | { json: string, buffers: string[] }} envelope
 * @returns {Promise<{ inDom: number, painted: number, messageBytes: number }>}
 */
export function measureFirstRows(page, envelope) {
  return page.evaluate(async (arg) => {
    const text = typeof arg === 'string' ? arg : arg.json;
    // Base64 → bytes before the clock starts: VS Code carries the buffers as binary.
    const raw = typeof arg === 'string' ? [] : arg.buffers.map((b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t0 = performance.now();
    /** @param {string} json */
    const deserialize = (json) => {
      if (raw.length === 0) return JSON.parse(json);
      const buffers = raw.map((b) => {
        const copy = new ArrayBuffer(b.byteLength);
        new Uint8Array(copy).set(b);
        return copy;
      });
      /** @type {Record<number, new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView>} */
      const views = { 1: Int8Array, 2: Uint8Array, 3: Uint8ClampedArray, 4: Int16Array, 5: Uint16Array, 6: Int32Array, 7: Uint32Array, 8: Float32Array, 9: Float64Array, 10: BigInt64Array, 11: BigUint64Array };
      const message = JSON.parse(json, (_k, v) => {
        if (!v || typeof v !== 'object' || !v.$$vscode_array_buffer_reference$$) return v;
        const buffer = buffers[v.index];
        if (!v.view) return buffer;
        const View = views[v.view.type];
        return new View(buffer, v.view.byteOffset, v.view.byteLength / /** @type {any} */ (View).BYTES_PER_ELEMENT);
      });
      return { message, transfer: buffers };
    };
    let inDom = 0;
    const seen = new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
      const mo = new MutationObserver(() => {
        if (document.querySelector('#tree .row[data-span-id]')) {
          inDom = performance.now() - t0;
          mo.disconnect();
          resolve();
        }
      });
      mo.observe(/** @type {HTMLElement} */ (document.getElementById('app')), { childList: true, subtree: true });
    });
    const parsed = deserialize(text);
    if (raw.length === 0) window.postMessage(parsed, '*');
    else window.postMessage(parsed.message, '*', parsed.transfer);
    await seen;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { inDom, painted: performance.now() - t0, messageBytes: text.length + raw.reduce((n, b) => n + b.byteLength, 0) };
  }, envelope);
}

/**
 * Opens the view in a new page (see page.mjs's openPage: CSP violations, page errors, console
 * errors and dialogs are collected; none may happen). Resolves once rows are shown (unless
 * fixture is 'none').
 * @param {Browser} browser
 * @param {string} origin
 * `session`: a session id on the trace's summary (the Graph tab's session toggle).
 * `bridge`: the fake host answers every request through `window.__benchRequest(method, params)`
 * (a binding `beforeGoto` exposes: bench/webviewBench.mjs answers with the real back end).
 * @param {{ theme?: string, fixture?: string, select?: string, width?: number, height?: number, delay?: number, session?: string, bridge?: boolean, beforeGoto?: (context: import('playwright-core').BrowserContext) => Promise<void> }} [options]
 * @returns {Promise<OpenedPage>}
 */
export async function openView(browser, origin, { theme = 'dark', fixture = 'agent', select = '', width = 1360, height = 860, delay = 30, session = '', bridge = false, beforeGoto } = {}) {
  const q = new URLSearchParams({ theme, fixture, delay: String(delay) });
  if (select) q.set('select', select);
  if (session) q.set('session', session);
  if (bridge) q.set('bridge', '1');
  const v = await openPage(browser, `${origin}/${tracePage.path}?${q}`, { width, height, beforeGoto });
  if (fixture !== 'none') await v.page.waitForSelector('#tree .row[data-span-id]');
  await v.page.evaluate(() => document.fonts.ready);
  return v;
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────

/**
 * Runs every check; returns { passed, failed, results, metrics }.
 * @param {{ browser: Browser, origin: string, log?: (line: string) => void }} options
 */
export async function runWebviewChecks({ browser, origin, log = console.log }) {
  /** @type {Record<string, unknown>} */
  const metrics = {};
  /** @type {OpenedPage | null} The open view (the checks' screenshots on failure are of its page). */
  let v = null;
  /** The open view; a check that runs without one fails. */
  const view = () => {
    assert(v, 'no view is open');
    return v;
  };
  const { check, summary } = checkRunner({ log, currentPage: () => v?.page });

  const { fixtureInfo } = await fixturesInNode();

  // Agent trace ---------------------------------------------------------------------------------
  v = await openView(browser, origin, { fixture: 'agent' });
  const { page } = v;
  const agent = fixtureInfo.agent;
  /**
   * The agent trace's `i`-th span named `n`.
   * @param {string} n
   */
  const byName = (n, i = 0) => present(agent.skeleton.spans.filter((s) => s.name === n)[i], `span "${n}" #${i}`);

  await check("the page is the panel's own document (webviewHtml.ts): its CSP, title, #app and assets, with the nonce", () => assertViewDocument(page, tracePage, origin));

  await check('markdown-it, DOMPurify and dagre are chunks of their own (not in trace.js); markdown loads after the first rows', async () => {
    // Read from here (the page's CSP allows no fetch).
    const src = await page.$eval('script[src*="/dist/webview/trace.js"]', (script) => /** @type {HTMLScriptElement} */ (script).src);
    const bundle = await (await fetch(src)).text();
    // The harness bundles unminified: esbuild names each module's source path in a comment.
    const inlined = bundle.match(/node_modules\/(markdown-it|linkify-it|dompurify|@dagrejs)\//g);
    assert(!inlined, `trace.js still contains ${[...new Set(inlined)].join(', ')}`);
    assert(bundle.includes('node_modules/lit-html/'), 'the harness bundle no longer names its modules: this check would pass for nothing');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/dist/webview/chunks/trace-markdown.js')), null, { timeout: 5_000 });
    const { fetchedAt, rowsPaintedAt } = await page.evaluate(() => {
      const fetched = performance.getEntriesByType('resource').find((e) => e.name.includes('/dist/webview/chunks/trace-markdown.js'));
      const rows = performance.getEntriesByName('trace-lens:first-rows', 'measure')[0];
      return { fetchedAt: fetched?.startTime ?? -1, rowsPaintedAt: rows ? rows.startTime + rows.duration : null };
    });
    assert(rowsPaintedAt !== null, 'no first-rows measure for the opened trace');
    assert(fetchedAt >= rowsPaintedAt, `the markdown chunk was requested at ${fetchedAt.toFixed(1)} ms, before the first rows were painted (${rowsPaintedAt.toFixed(1)} ms)`);
  });

  await check('rows render for every span of a small trace, with data-span-id and role=treeitem', async () => {
    const ids = await page.$$eval('#tree .row[data-span-id]:not(.missing-parent)', (rows) => rows.map((r) => r.dataset.spanId));
    assert(ids.length === agent.skeleton.spans.length, `expected ${agent.skeleton.spans.length} rows, got ${ids.length}`);
    assert(await page.$$eval('#tree .row[role=treeitem]', (r) => r.length) === ids.length + 1, 'rows (and the missing-parent placeholder) need role=treeitem');
    assert((await page.getAttribute('#tree', 'role')) === 'tree', '#tree must have role=tree');
  });

  await check('header shows root name, trace id, span and error counts', async () => {
    const text = await textOf(page, '#trace-header');
    assert(text.includes('invoke_agent weather_assistant'), 'root name missing');
    assert(text.includes(agent.skeleton.traceId), 'trace id missing');
    assert(/17\s*spans/.test(text), `span count missing: ${text}`);
    assert(/2\s*errors/.test(text), `error count missing: ${text}`);
  });

  await check('missing parent: the orphan hangs under a "Missing parent span" placeholder row', async () => {
    const orphan = byName('cache.flush');
    const placeholder = page.locator(`.row[data-span-id="${orphan.parentSpanId}"]`);
    assert((await placeholder.getAttribute('aria-level')) === '1', 'placeholder should be top-level');
    assert(await placeholder.evaluate((e) => e.classList.contains('missing-parent')), 'placeholder row needs the missing-parent class');
    assert((await placeholder.locator('.name').textContent()) === 'Missing parent span', 'placeholder label');
    assert((await page.getAttribute(`.row[data-span-id="${orphan.spanId}"]`, 'aria-level')) === '2', 'orphan should be under the placeholder');
    const header = await textOf(page, '#trace-header');
    assert(/17\s*spans/.test(header), `the placeholder is not counted as a span: ${header}`);
  });

  await check('the root is selected on open and its details load (attribute rows)', async () => {
    const root = agent.skeleton.spans[0];
    await page.waitForSelector(`.row[data-span-id="${root.spanId}"][aria-selected="true"]`);
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.agent.name"]');
  });

  await check('clicking a row selects it and loads its details (with an exception)', async () => {
    const tool = byName('execute_tool get_forecast');
    await page.click(`.row[data-span-id="${tool.spanId}"] .name`);
    await page.waitForSelector(`.row[data-span-id="${tool.spanId}"][aria-selected="true"]`);
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.tool.name"]');
    const exc = await textOf(page, '#details .event.exception');
    assert(exc.includes('ForecastUnavailableError') && exc.includes('Traceback (most recent call last)'), 'exception type/stack not shown');
    assert((await page.$$('#details .row[aria-selected]')).length === 0, 'details must not contain rows');
    const selectedCount = await page.$$eval('#tree .row[aria-selected="true"]', (r) => r.length);
    assert(selectedCount === 1, `exactly one selected row expected, got ${selectedCount}`);
    const active = await page.getAttribute('#tree', 'aria-activedescendant');
    assert(active && (await page.getAttribute(`#${active}`, 'data-span-id')) === tool.spanId, 'aria-activedescendant must point at the selected row');
  });

  await check('keyboard: Down / Right / Left / Home / End move the selection and expand/collapse', async () => {
    const spans = agent.skeleton.spans;
    const root = spans[0];
    await page.focus('#tree');
    await page.keyboard.press('Home');
    await waitSelected(page, root.spanId);
    await page.keyboard.press('ArrowDown');
    const second = await selectedId(page);
    const firstChild = await page.$$eval('#tree .row[data-span-id]', (rows) => rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[1].dataset.spanId);
    assert(second === firstChild, `Down should select the second row (${firstChild}), got ${second}`);
    await page.keyboard.press('ArrowLeft'); // leaf or expanded child: goes to parent / collapses
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft'); // collapse root
    const collapsedRows = await page.$$eval('#tree .row[data-span-id]', (r) => r.length);
    assert((await page.getAttribute(`.row[data-span-id="${root.spanId}"]`, 'aria-expanded')) === 'false', 'Left should collapse the root');
    assert(collapsedRows === 3, `collapsed root should leave 3 rows (root, the missing-parent placeholder and its orphan), got ${collapsedRows}`);
    await page.keyboard.press('ArrowRight'); // expand
    assert((await page.getAttribute(`.row[data-span-id="${root.spanId}"]`, 'aria-expanded')) === 'true', 'Right should expand the root');
    await page.keyboard.press('ArrowRight'); // first child
    const child = await selectedId(page);
    const childParent = spans.find((s) => s.spanId === child)?.parentSpanId;
    assert(childParent === root.spanId, 'Right on an expanded node should select its first child');
    await page.keyboard.press('ArrowLeft'); // child chat1 has children → collapses it
    await page.keyboard.press('ArrowLeft'); // now collapsed → goes to parent
    assert((await selectedId(page)) === root.spanId, 'Left on a collapsed child should select the parent');
    await page.keyboard.press('End');
    const last = await selectedId(page);
    assert(last && last !== root.spanId, 'End should select the last row');
    await page.keyboard.press('Home');
    // restore: expand everything again
    await page.click('vscode-toolbar-button[icon="expand-all"]');
  });

  await check('keyboard-selected details load after a short debounce', async () => {
    await page.focus('#tree');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const id = await selectedId(page);
    await page.waitForFunction((spanId) => window.__host.requests('spanDetail').some((r) => r.params.spanId === spanId), id);
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.request.model"]');
  });

  await check('hostile text (prompt with <img onerror> and <script>) renders as literal text', async () => {
    const chat = byName('chat gpt-4o-mini');
    await page.click(`.row[data-span-id="${chat.spanId}"] .name`);
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.input.messages"]');
    const row = page.locator('#details .attr-row[data-key="gen_ai.input.messages"]');
    await row.locator('.fold-toggle').click();
    const text = await textOf(row.locator('.value-text'));
    assert(text.includes('<img src=x onerror=alert(1)>'), 'markup must be shown literally');
    assert(text.includes('<script>alert(\\"xss\\")</script>'), 'script tag must be shown literally');
    const logs = await textOf(page, '#details vscode-collapsible[data-section="logs"]');
    assert(logs.includes('<img src=x onerror=alert(1)>'), 'log body must show the markup literally');
    const injected = await page.evaluate(() => ({
      imgs: document.querySelectorAll('#app img').length,
      scripts: document.querySelectorAll('#app script').length,
      flag: window.__xss === true,
    }));
    assert(injected.imgs === 0 && injected.scripts === 0 && !injected.flag, `markup was interpreted: ${JSON.stringify(injected)}`);
  });

  await check('long values fold behind "Show more" and expand on click', async () => {
    const row = page.locator('#details .attr-row[data-key="gen_ai.output.messages"]');
    const before = await textOf(row.locator('.value-text'));
    const toggle = row.locator('.fold-toggle');
    if (await toggle.count()) {
      await toggle.click();
      const after = await textOf(row.locator('.value-text'));
      assert(after.length > before.length, 'Show more should reveal more text');
    }
    const input = page.locator('#details .attr-row[data-key="gen_ai.input.messages"] .fold-toggle');
    assert((await textOf(input)).includes('Show less'), 'expanded value should offer Show less');
  });

  await check('copy buttons send copyText with the exact value', async () => {
    const row = page.locator('#details .attr-row[data-key="gen_ai.request.model"]');
    await row.hover();
    await row.locator('.icon-btn').click();
    await page.waitForFunction(() => window.__host.messages('copyText').length > 0);
    const msg = await page.evaluate(() => window.__host.messages('copyText').at(-1));
    assert(msg?.text === 'gpt-4o-mini', `copyText got ${JSON.stringify(msg)}`);
  });

  await check('revealSpan selects and scrolls to a span, expanding its ancestors', async () => {
    const db = byName('SELECT observations');
    const root = agent.skeleton.spans[0];
    await page.focus('#tree');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft'); // collapse root
    assert(!(await page.$(`.row[data-span-id="${db.spanId}"]`)), 'db span should be hidden after collapse');
    await page.evaluate((spanId) => window.__host.send({ type: 'revealSpan', spanId }), db.spanId);
    await waitSelected(page, db.spanId);
    assert((await page.getAttribute(`.row[data-span-id="${root.spanId}"]`, 'aria-expanded')) === 'true', 'ancestors should expand');
  });

  await check('live update: repeated traceLoaded keeps selection, collapse state and detail', async () => {
    const tool = byName('execute_tool get_weather');
    const chat3 = byName('chat gpt-4o-mini', 2);
    await page.click(`.row[data-span-id="${tool.spanId}"] .name`);
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.tool.call.result"]');
    await page.click(`.row[data-span-id="${tool.spanId}"] .twistie`); // collapse it
    const before = await page.$$eval('#tree .row[data-span-id]', (r) => r.length);
    // A partial trace first (spans still arriving), then the full one; host resends selectSpanId null.
    await page.evaluate(() => window.__host.load('agent', null, 12));
    await page.waitForFunction((id) => !document.querySelector(`.row[data-span-id="${id}"]`), chat3.spanId);
    await page.evaluate(() => window.__host.load('agent', null));
    await page.waitForSelector(`.row[data-span-id="${chat3.spanId}"]`);
    assert((await selectedId(page)) === tool.spanId, 'selection lost on live update');
    assert((await page.getAttribute(`.row[data-span-id="${tool.spanId}"]`, 'aria-expanded')) === 'false', 'collapse state lost on live update');
    assert((await page.$$eval('#tree .row[data-span-id]', (r) => r.length)) === before, 'row count changed after the full trace came back');
    assert(await page.isVisible('#details .attr-row[data-key="gen_ai.tool.call.result"]'), 'details lost on live update');
  });

  await check('state survives a reload (vscode.setState): selection and collapsed set', async () => {
    const tool = byName('execute_tool get_weather');
    await page.waitForTimeout(250); // setState is coalesced
    await page.reload();
    await page.waitForSelector('#tree .row[data-span-id]');
    await waitSelected(page, tool.spanId);
    assert((await page.getAttribute(`.row[data-span-id="${tool.spanId}"]`, 'aria-expanded')) === 'false', 'collapsed state not restored');
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.tool.name"]');
  });

  await check('host selectSpanId selects a span on a new load, and is not re-applied on updates', async () => {
    const db = byName('SELECT observations');
    const root = agent.skeleton.spans[0];
    await page.evaluate((id) => window.__host.load('agent', id), db.spanId);
    await waitSelected(page, db.spanId);
    await page.click(`.row[data-span-id="${root.spanId}"] .name`);
    await page.evaluate((id) => window.__host.load('agent', id), db.spanId);
    await page.waitForTimeout(100);
    assert((await selectedId(page)) === root.spanId, 'a repeated selectSpanId took the selection back');
    // Asked for a span that has not arrived yet: selected when it arrives.
    const chat3 = byName('chat gpt-4o-mini', 2);
    await page.evaluate((id) => window.__host.load('agent', id, 12), chat3.spanId);
    await page.waitForTimeout(100);
    assert((await selectedId(page)) === root.spanId, 'selection should stay while the span is missing');
    await page.evaluate((id) => window.__host.load('agent', id), chat3.spanId);
    await waitSelected(page, chat3.spanId);
  });

  await check('spanDetail errors and null answers show messages, Retry recovers', async () => {
    const emb = present(agent.skeleton.spans.find((s) => s.name.startsWith('embeddings')), 'the embeddings span');
    const vq = byName('query documents');
    await page.evaluate(() => (window.__host.failWith = 'worker crashed'));
    await page.click(`.row[data-span-id="${emb.spanId}"] .name`);
    await page.waitForSelector('#details .message.error');
    assert((await textOf(page, '#details .message.error')).includes('worker crashed'), 'error text missing');
    await page.evaluate(() => (window.__host.failWith = null));
    await page.click(`.row[data-span-id="${vq.spanId}"] .name`);
    await page.waitForFunction(() => document.querySelector('#details .message')?.textContent.includes('no longer in the store'));
    await page.evaluate(() => (window.__host.failWith = 'worker restarting'));
    await page.click(`.row[data-span-id="${emb.spanId}"] .name`);
    await page.waitForFunction(() => document.querySelector('#details .message.error')?.textContent.includes('worker restarting'));
    await page.evaluate(() => (window.__host.failWith = undefined));
    await page.click('#details .message.error .link-btn');
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.request.model"]');
  });

  // GenAI: Conversation tab, GenAI details, waterfall badges ---------------------------------------
  const conv = present(agent.conversation, 'the agent trace\'s conversation');
  const convRequests = () => page.evaluate(() => window.__host.requests('traceConversation').length);
  /** @param {string} tab */
  const showTab = async (tab) => {
    await page.click(`vscode-tab-header[data-tab="${tab}"]`);
    await page.waitForSelector(`vscode-tab-panel[data-tab="${tab}"]:not([hidden])`);
  };

  await check('waterfall rows: GenAI kind icons, model and token suffix, agent and tool names', async () => {
    /** @param {SkeletonSpan} s */
    const row = (s) => `.row[data-span-id="${s.spanId}"]`;
    const chat = byName('chat gpt-4o-mini');
    assert(await page.$eval(`${row(chat)} .kind`, (e) => e.classList.contains('codicon-sparkle')), 'model call row needs the sparkle icon');
    assert((await textOf(page, `${row(chat)} .gen`)) === '412 in · 61 out', `model call suffix: ${await textOf(page, `${row(chat)} .gen`)}`);
    assert(await page.$eval(`${row(byName('execute_tool get_weather'))} .kind`, (e) => e.classList.contains('codicon-tools')), 'tool row needs the tools icon');
    assert(await page.$eval(`${row(agent.skeleton.spans[0])} .kind`, (e) => e.classList.contains('codicon-robot')), 'agent row needs the robot icon');
    const emb = present(agent.skeleton.spans.find((s) => s.name.startsWith('embeddings')), 'the embeddings span');
    assert(await page.$eval(`${row(emb)} .kind`, (e) => e.classList.contains('codicon-symbol-array')), 'embeddings row needs the symbol-array icon');
    assert((await attributeOf(page, row(chat), 'title')).includes('Model call'), 'row tooltip should name the GenAI kind');
    const http = byName('POST');
    assert(await page.$eval(`${row(http)} .kind`, (e) => e.classList.contains('codicon-arrow-right')), 'non-GenAI rows keep the span-kind icon');
  });

  await check('tabs: Waterfall, Conversation and Graph; the conversation (and the graph) requested only when first shown', async () => {
    assert((await convRequests()) === 0, 'traceConversation requested before the tab was shown');
    assert((await page.evaluate(() => window.__host.requests('traceGraph').length)) === 0, 'traceGraph requested before the tab was shown');
    const tabs = await page.$$eval('vscode-tab-header', (hs) => hs.map((h) => [h.dataset.tab, h.getAttribute('role'), h.getAttribute('aria-selected')]));
    assert(JSON.stringify(tabs) === JSON.stringify([['waterfall', 'tab', 'true'], ['conversation', 'tab', 'false'], ['graph', 'tab', 'false']]), `tab headers: ${JSON.stringify(tabs)}`);
    await showTab('conversation');
    await page.waitForSelector('#conversation .conv-items');
    assert((await convRequests()) === 1, `expected one traceConversation request, got ${await convRequests()}`);
    const req = await page.evaluate(() => window.__host.requests('traceConversation')[0]);
    assert(req.params.traceId === agent.skeleton.traceId, 'traceConversation asked for another trace');
    assert(await page.isHidden('#tree'), 'the waterfall should be hidden behind the Conversation tab');
    assert((await page.getAttribute('vscode-tab-header[data-tab="conversation"]', 'aria-selected')) === 'true', 'Conversation tab not aria-selected');
  });

  await check('conversation: items in time order, bubbles by role, model-call headers, tool cards', async () => {
    const order = await page.$$eval('#conversation .conv-item', (els) => els.map((e) => `${e.dataset.item}:${e.dataset.spanId}`));
    const expected = conv.items.map((i) => `${i.type}:${i.spanId}`);
    assert(JSON.stringify(order) === JSON.stringify(expected), `order ${JSON.stringify(order)} != ${JSON.stringify(expected)}`);
    const user = await textOf(page, '#conversation .msg-user');
    assert(user.includes('What is the weather in Paris?'), 'user bubble missing');
    const heads = await page.$$eval('#conversation .mc-head', (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
    assert(heads.length === 3, `expected 3 model call headers, got ${heads.length}`);
    assert(heads[0].includes('gpt-4o-mini-2024-07-18') && heads[0].includes('412 in · 61 out') && heads[0].includes('1.1s'), `model call header: ${heads[0]}`);
    const cards = await page.$$eval('#conversation .tool-card', (els) => els.map((e) => ({ text: e.textContent.replace(/\s+/g, ' '), error: e.classList.contains('error') })));
    assert(cards.length === 3, `expected 3 tool cards, got ${cards.length}`);
    assert(cards[0].text.includes('get_weather') && cards[0].text.includes('"city":"Paris"') && cards[0].text.includes('"temp_c":14.2') && cards[0].text.includes('343ms'), `get_weather card: ${cards[0].text}`);
    assert(cards[1].error && cards[1].text.includes('ForecastUnavailableError'), `get_forecast card should show its error: ${cards[1].text}`);
    // The result of call_w1 is on its card; the model's input does not repeat it. call_f1 has no result on its card: shown.
    const toolResults = await page.$$eval('#conversation .msg-tool .part-tool-result .call-id', (els) => els.map((e) => e.textContent));
    assert(JSON.stringify(toolResults) === '["call_f1"]', `tool results shown in messages: ${JSON.stringify(toolResults)}`);
    const assistant = await page.$$eval('#conversation .msg-assistant', (els) => els.length);
    assert(assistant === 3, `expected 3 assistant bubbles, got ${assistant}`);
    // System instructions: collapsed, shown once (repeated instructions are not repeated).
    assert((await page.$$('#conversation .msg-system')).length === 1, 'system instructions should be shown once');
    assert(!(await page.$('#conversation .msg-system .msg-body')), 'system instructions should start collapsed');
    await page.click('#conversation .msg-system .disclosure');
    assert((await textOf(page, '#conversation .msg-system .msg-body')).includes('helpful weather assistant'), 'expanded system instructions missing');
    // Reasoning: collapsed until asked for.
    assert(!(await page.$('#conversation .part-reasoning .reasoning-body')), 'reasoning should start collapsed');
    await page.click('#conversation .part-reasoning .disclosure');
    assert((await textOf(page, '#conversation .part-reasoning .reasoning-body')).includes('search the climate documents'), 'reasoning text missing');
  });

  await check('conversation: markup in prompts and in assistant markdown renders as text (no element, no dialog)', async () => {
    const user = await textOf(page, '#conversation .msg-user .msg-text');
    assert(user.includes('<img src=x onerror=alert(1)>') && user.includes('<script>alert("xss")</script>'), `prompt markup not literal: ${user}`);
    const answer = page.locator('#conversation .conv-item[data-item="modelCall"]').last().locator('.msg-assistant .md');
    const text = await textOf(answer);
    assert(text.includes('<img src=x onerror="window.__xss=true">') && text.includes('<script>window.__xss=true</script>'), `answer markup not literal: ${text}`);
    assert(text.includes('[click me](javascript:window.__xss=true)'), 'a javascript: link must stay text');
    const r = await page.evaluate(() => {
      const root = /** @type {HTMLElement} */ (document.getElementById('conversation'));
      const all = [...root.querySelectorAll('*')];
      return {
        bad: root.querySelectorAll('img, script, iframe, a, svg, object, embed, style, link').length,
        href: root.querySelectorAll('[href], [src]').length,
        handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith('on') || a.name === 'style')).length,
        strong: root.querySelectorAll('.md strong').length,
        table: root.querySelectorAll('.md table td').length,
        code: root.querySelectorAll('.md pre code').length,
        link: root.querySelector('.md .md-link')?.getAttribute('title') ?? null,
        image: root.querySelector('.md .md-image')?.textContent ?? null,
        flag: window.__xss === true,
      };
    });
    assert(r.bad === 0 && r.href === 0 && r.handlers === 0 && !r.flag, `markup was interpreted: ${JSON.stringify(r)}`);
    assert(r.strong > 0 && r.table > 0 && r.code === 1, `markdown not rendered: ${JSON.stringify(r)}`);
    assert(r.link === 'https://example.invalid/lyon', `link should be text with its target in the tooltip: ${JSON.stringify(r)}`);
    assert(r.image === '[image: tracking pixel]', `image should be a text placeholder: ${JSON.stringify(r)}`);
    assert(!view().problems.some((p) => p.startsWith('dialog')), 'a dialog opened');
  });

  await check('conversation: markup and event handlers in a tool result render as text', async () => {
    const card = page.locator('#conversation .tool-card').nth(2);
    const more = card.locator('.fold-toggle');
    if ((await more.count()) > 0 && (await more.first().getAttribute('aria-expanded')) === 'false') await more.first().click();
    const text = await textOf(card);
    assert(text.includes('<img src=x onerror=') && text.includes('<script>window.__xss=true</script>') && text.includes('onclick='), `tool result markup not literal: ${text}`);
    // Fold it again: a later check unfolds it.
    const less = card.locator('.fold-toggle[aria-expanded="true"]');
    if ((await less.count()) > 0) await less.first().click();
    const r = await page.evaluate(() => {
      const root = /** @type {HTMLElement} */ (document.getElementById('conversation'));
      return {
        bad: root.querySelectorAll('img, script, a, iframe, svg').length,
        handlers: [...root.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        flag: window.__xss === true,
      };
    });
    assert(r.bad === 0 && r.handlers === 0 && !r.flag, `tool result markup was interpreted: ${JSON.stringify(r)}`);
  });

  await check('conversation: copy buttons post copyText (messages, tool arguments and results)', async () => {
    const last = async () => present(await page.evaluate(() => window.__host.messages('copyText').at(-1)), 'a copyText message');
    const before = await page.evaluate(() => window.__host.messages('copyText').length);
    await page.click('#conversation .msg-user .msg-actions .icon-btn');
    await page.waitForFunction((n) => window.__host.messages('copyText').length > n, before);
    assert((await last()).text === HOSTILE_PROMPT, `user message copy: ${JSON.stringify(await last())}`);
    await page.locator('#conversation .tool-card').first().locator('[data-part="arguments"] .icon-btn').click();
    await page.waitForFunction(() => window.__host.messages('copyText').at(-1)?.what.includes('arguments'));
    assert((await last()).text === '{"city":"Paris","units":"metric"}', `arguments copy: ${JSON.stringify(await last())}`);
    await page.locator('#conversation .tool-card').first().locator('[data-part="result"] .icon-btn').click();
    await page.waitForFunction(() => window.__host.messages('copyText').at(-1)?.what.includes('result'));
    assert((await last()).text.includes('"temp_c":14.2'), `result copy: ${JSON.stringify(await last())}`);
    await page.locator('#conversation .msg-assistant').last().locator('.msg-actions .icon-btn').click();
    await page.waitForFunction(() => window.__host.messages('copyText').at(-1)?.what === 'assistant message');
    assert((await last()).text === HOSTILE_ANSWER, 'assistant message copy should be the markdown source');
    const buttons = await page.$$eval('#conversation .msg', (msgs) => msgs.filter((m) => !m.querySelector('.msg-actions .icon-btn')).length);
    assert(buttons === 0, `${buttons} messages without a copy button`);
  });

  await check('conversation: long content folds behind "Show more" and expands', async () => {
    const card = page.locator('#conversation .tool-card').nth(2).locator('[data-part="result"]');
    const before = await textOf(card);
    await card.locator('.fold-toggle').click();
    const after = await textOf(card);
    assert(after.length > before.length && after.includes('doc-2210'), 'Show more should reveal the whole result');
  });

  await check('conversation: clicking a model-call header selects its span (its details, GenAI section)', async () => {
    const chat2 = byName('chat gpt-4o-mini', 1);
    await page.locator(`#conversation .conv-item[data-span-id="${chat2.spanId}"] .mc-head`).click();
    await page.waitForSelector(`#conversation .conv-item.selected[data-span-id="${chat2.spanId}"]`);
    await page.waitForSelector('#details vscode-collapsible[data-section="genai"]');
    assert(await page.isVisible('#conversation'), 'the Conversation tab should stay shown');
  });

  await check('replay: the model call\'s Replay buttons (conversation header, GenAI section) ask the host to open the playground', async () => {
    const chat2 = byName('chat gpt-4o-mini', 1);
    const before = await page.evaluate(() => window.__host.messages('replayModelCall').length);
    await page.locator(`#conversation .conv-item[data-span-id="${chat2.spanId}"] .mc-replay`).click();
    await page.waitForFunction((n) => window.__host.messages('replayModelCall').length === n + 1, before, { timeout: 3000 });
    await page.locator('#details vscode-collapsible[data-section="genai"] .replay-call').click();
    await page.waitForFunction((n) => window.__host.messages('replayModelCall').length === n + 2, before, { timeout: 3000 });
    const sent = await page.evaluate(() => window.__host.messages('replayModelCall'));
    assert(sent.every((m) => m.spanId === chat2.spanId), `wrong span: ${JSON.stringify(sent)}`);
    const tools = await page.$$eval('#conversation .tool-card .mc-replay', (els) => els.length);
    assert(tools === 0, 'a tool card must not offer Replay');
  });

  await check('details: GenAI section first (kind, provider, models, usage, finish reasons), then the call\'s messages', async () => {
    const sections = await page.$$eval('#details vscode-collapsible', (els) => els.map((e) => e.dataset.section));
    assert(sections[0] === 'genai', `GenAI must be the first section: ${sections.join(', ')}`);
    assert(sections.includes('attributes') && sections.includes('resource'), 'existing sections must stay');
    const facts = (await textOf(page, '#details [data-section="genai"] .genai-facts')).replace(/\s+/g, ' ');
    for (const want of ['Model call', 'openai', 'gpt-4o-mini → gpt-4o-mini-2024-07-18', '811', 'incl. 384 cached', 'incl. 22 reasoning', '849', 'tool_calls']) {
      assert(facts.includes(want), `GenAI facts miss "${want}": ${facts}`);
    }
    const msgs = page.locator('#details [data-section="genai-messages"]');
    assert((await msgs.locator('.msg-user').count()) === 1, 'the call\'s user message is missing');
    assert((await msgs.locator('.msg-tool').count()) === 2, 'the call\'s tool messages are missing');
    assert((await textOf(msgs)).includes('search_docs'), 'the call\'s output (tool call) is missing');
    const raw = (await textOf(page, '#details [data-section="genai-raw"]')).replace(/\s+/g, ' ');
    assert(raw.includes('gen_ai.tool.definitions') && raw.includes('Not valid JSON'), `raw value with note missing: ${raw}`);
  });

  await check('details: tool span shows arguments and result; final answer shows reported cost and markdown', async () => {
    await showTab('waterfall');
    const tool = byName('execute_tool get_weather');
    await page.click(`.row[data-span-id="${tool.spanId}"] .name`);
    await page.waitForSelector('#details [data-section="genai-tool"] .tool-card');
    const card = (await textOf(page, '#details [data-section="genai-tool"] .tool-card')).replace(/\s+/g, ' ');
    assert(card.includes('get_weather') && card.includes('call_w1') && card.includes('"units":"metric"') && card.includes('light rain'), `tool card: ${card}`);
    const chat3 = byName('chat gpt-4o-mini', 2);
    await page.click(`.row[data-span-id="${chat3.spanId}"] .name`);
    await page.waitForSelector('#details [data-fact="cost"]');
    assert((await textOf(page, '#details [data-fact="cost"]')).includes('$0.000195'), 'reported cost missing');
    assert((await page.$$('#details [data-section="genai-messages"] .md strong')).length > 0, 'assistant markdown not rendered in details');
    const bad = await page.evaluate(() => document.querySelectorAll('#details img, #details script, #details a[href]').length);
    assert(bad === 0 && !(await page.evaluate(() => window.__xss === true)), 'markup interpreted in details');
  });

  await check('details: a tool result with markup and event handlers renders as text (tool card and attribute)', async () => {
    await showTab('waterfall');
    const tool = byName('execute_tool search_docs');
    await page.click(`.row[data-span-id="${tool.spanId}"] .name`);
    await page.waitForSelector('#details [data-section="genai-tool"] .tool-card');
    for (const toggle of await page.$$('#details .fold-toggle[aria-expanded="false"]')) await toggle.click();
    const card = await textOf(page, '#details [data-section="genai-tool"] .tool-card');
    assert(card.includes('<script>window.__xss=true</script>') && card.includes('onclick='), `tool card markup not literal: ${card}`);
    const attr = await textOf(page, '#details .attr-row[data-key="gen_ai.tool.call.result"]');
    assert(attr.includes('<img src=x onerror='), `attribute markup not literal: ${attr}`);
    const r = await page.evaluate(() => ({
      bad: document.querySelectorAll('#details img, #details script, #details a, #details svg, #details iframe').length,
      handlers: [...document.querySelectorAll('#details *')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      flag: window.__xss === true,
    }));
    assert(r.bad === 0 && r.handlers === 0 && !r.flag, `markup interpreted in details: ${JSON.stringify(r)}`);
  });

  await check('tabs: keyboard (Arrow keys move, Enter/Space select), conversation reloads on live updates while shown', async () => {
    await page.focus('vscode-tab-header[data-tab="waterfall"]');
    await page.keyboard.press('ArrowRight');
    assert(await page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.tab === 'conversation'), 'ArrowRight should move focus to the Conversation tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('vscode-tab-panel[data-tab="conversation"]:not([hidden])');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press(' ');
    await page.waitForSelector('vscode-tab-panel[data-tab="waterfall"]:not([hidden])');
    const before = await convRequests();
    await page.evaluate(() => window.__host.load('agent', null));
    await page.waitForTimeout(150);
    assert((await convRequests()) === before, 'a hidden Conversation tab must not reload on live updates');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => window.__host.requests('traceConversation').length === n + 1, before);
    await page.evaluate(() => window.__host.load('agent', null));
    await page.waitForFunction((n) => window.__host.requests('traceConversation').length === n + 2, before);
    await page.waitForSelector('#conversation .conv-items');
  });

  await check('Tab from the Waterfall tab header reaches the span tree (the panel is not out of the Tab order)', async () => {
    await page.click('vscode-tab-header[data-tab="waterfall"]');
    await page.waitForSelector('vscode-tab-panel[data-tab="waterfall"]:not([hidden])');
    await page.focus('vscode-tab-header[data-tab="waterfall"]');
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        let el = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return !!el?.closest?.('vscode-tab-panel[data-tab="waterfall"]');
      });
    }
    assert(reached, 'Tab never reaches an element inside the Waterfall panel');
    // Leave the Conversation tab shown, as the previous check did (the next one reloads with it).
    await page.click('vscode-tab-header[data-tab="conversation"]');
    await page.waitForSelector('vscode-tab-panel[data-tab="conversation"]:not([hidden])');
  });

  await check('the shown tab survives a reload (vscode.setState); the host\'s revealSpan shows the Waterfall', async () => {
    await page.waitForTimeout(250);
    await page.reload();
    await page.waitForSelector('vscode-tab-panel[data-tab="conversation"]:not([hidden]) #conversation .conv-items');
    const db = byName('SELECT observations');
    await page.evaluate((spanId) => window.__host.send({ type: 'revealSpan', spanId }), db.spanId);
    await page.waitForSelector('vscode-tab-panel[data-tab="waterfall"]:not([hidden])');
    await waitSelected(page, db.spanId);
    assert(await page.isVisible(`.row[data-span-id="${db.spanId}"]`), 'the revealed row is not visible');
    await page.waitForTimeout(250);
  });

  await check('no CSP violations, page errors, console errors or dialogs (agent trace)', async () => {
    const csp = await view().cspViolations();
    assert(csp.length === 0, `CSP violations: ${csp.join('; ')}`);
    assert(view().problems.length === 0, view().problems.join('; '));
  });

  await check('traceRemoved replaces the view with a message', async () => {
    await page.evaluate((traceId) => window.__host.send({ type: 'traceRemoved', traceId }), agent.skeleton.traceId);
    await page.waitForFunction(() => document.querySelector('.app-message')?.textContent.includes('no longer available'));
    assert((await page.$$('#tree .row[data-span-id]')).length === 0, 'rows should be gone');
  });
  await view().close();

  // Content capture off: the notice with the hint; a trace without GenAI: the empty state -------------
  v = await openView(browser, origin, { fixture: 'nocontent' });
  await check('content not captured: notices with the capture hint in the Conversation tab and the details', async () => {
    const p = view().page;
    await p.click('vscode-tab-header[data-tab="conversation"]');
    await p.waitForSelector('#conversation .conv-items');
    const banner = await textOf(p, '#conversation .conv-missing');
    assert(/2 model calls have no captured message content/.test(banner.replace(/\s+/g, ' ')), `banner: ${banner}`);
    const notices = await p.$$eval('#conversation .content-missing', (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ')));
    assert(notices.length === 2, `expected a notice per model call, got ${notices.length}`);
    assert(notices[0].includes('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true') && notices[0].includes('not captured'), `notice: ${notices[0]}`);
    assert((await textOf(p, '#conversation .mc-head')).includes('1,520 in · 210 out'), 'model call header needs the tokens even without content');
    assert((await textOf(p, '#conversation .conv-truncated')).includes('stops early'), 'a truncated conversation must say so');
    await p.locator('#conversation .content-missing .hint .icon-btn').first().click();
    await p.waitForFunction(() => window.__host.messages('copyText').at(-1)?.text.includes('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'));
    await p.locator('#conversation .mc-head').first().click();
    await p.waitForSelector('#details [data-section="genai-messages"] .content-missing');
    assert((await textOf(p, '#details [data-section="genai-messages"] .content-missing')).includes('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true'), 'details notice without the hint');
    assert(view().problems.length === 0 && (await view().cspViolations()).length === 0, `problems: ${view().problems.join('; ')}`);
  });
  await view().close();

  v = await openView(browser, origin, { fixture: 'plain' });
  await check('a trace without GenAI spans: Conversation empty state; errors show Retry', async () => {
    const p = view().page;
    await p.evaluate(() => (window.__host.conversationFailWith = 'worker busy'));
    await p.click('vscode-tab-header[data-tab="conversation"]');
    await p.waitForFunction(() => document.querySelector('#conversation .message.error')?.textContent.includes('worker busy'));
    await p.evaluate(() => (window.__host.conversationFailWith = undefined));
    await p.click('#conversation .message.error .link-btn');
    await p.waitForSelector('#conversation .conv-empty');
    assert((await textOf(p, '#conversation .conv-empty')).includes('No GenAI activity in this trace'), 'empty state text');
    assert(!(await p.$('#details [data-section="genai"]')), 'no GenAI section for a span without GenAI data');
    assert(view().problems.length === 0 && (await view().cspViolations()).length === 0, `problems: ${view().problems.join('; ')}`);
  });
  await view().close();

  // Robust ingest: missing parents, end before start, values cut at ingest ---------------------------
  v = await openView(browser, origin, { fixture: 'robust' });
  await check('robust: orphans under one "Missing parent span" placeholder; selecting it explains, loads nothing', async () => {
    const p = view().page;
    const ids = present(await p.evaluate(() => window.__host.current?.ids), 'the robust fixture\'s span ids');
    const placeholder = `.row[data-span-id="${ids.missing}"]`;
    assert(await p.isVisible(`${placeholder}.missing-parent`), 'placeholder row missing');
    const children = await p.$$eval('#tree .row[aria-level="2"]', (rows) => rows.map((r) => r.querySelector('.name')?.textContent));
    assert(children.includes('orphan one') && children.includes('orphan two'), `orphans not under the placeholder: ${children}`);
    assert((await p.getAttribute(placeholder, 'aria-expanded')) === 'true', 'placeholder should be expandable and open');
    const before = await p.evaluate(() => window.__host.requests('spanDetail').length);
    await p.click(`${placeholder} .name`);
    await p.waitForSelector('#details [data-state="missing-parent"]');
    const details = (await textOf(p, '#details')).replace(/\s+/g, ' ');
    assert(details.includes(ids.missing) && details.includes('2 spans name it as their parent') && details.includes('has not been received'), `placeholder details: ${details}`);
    await p.waitForTimeout(100);
    const requested = await p.evaluate(() => window.__host.requests('spanDetail').map((r) => r.params.spanId));
    assert(!requested.slice(before).includes(ids.missing), 'no spanDetail request for a placeholder');
    assert(/5\s*spans/.test(await textOf(p, '#trace-header')), 'header counts spans, not placeholders');
  });

  await check('robust: a span that ends before it starts shows duration 0 with a note, never a negative duration', async () => {
    const p = view().page;
    const ids = present(await p.evaluate(() => window.__host.current?.ids), 'the robust fixture\'s span ids');
    assert((await textOf(p, `.row[data-span-id="${ids.skewed}"] .dur`)) === '0ms', 'waterfall duration should be 0');
    await p.click(`.row[data-span-id="${ids.skewed}"] .name`);
    await p.waitForSelector('#details [data-fact="end-before-start"]');
    const facts = (await textOf(p, '#details .facts')).replace(/\s+/g, ' ');
    assert(facts.includes('Duration 0ms') && facts.includes('ends 40ms before it starts') && !facts.includes('−') && !/Duration -/.test(facts), `facts: ${facts}`);
  });

  await check('robust: a value cut at ingest says so with its original length (attribute and log body)', async () => {
    const p = view().page;
    const ids = present(await p.evaluate(() => window.__host.current?.ids), 'the robust fixture\'s span ids');
    await p.click(`.row[data-span-id="${ids.big}"] .name`);
    await p.waitForSelector('#details .attr-row[data-key="gen_ai.prompt"] .value-note');
    const note = await textOf(p, '#details .attr-row[data-key="gen_ai.prompt"] .value-note');
    assert(note.replace(/\s+/g, ' ').includes('5,242,880 characters received, the first 2,000 kept'), `note: ${note}`);
    assert((await p.getAttribute('#details .attr-row[data-key="gen_ai.prompt"] .value-note', 'data-truncated')) === '5242880', 'data-truncated');
    assert(await p.isVisible('#details vscode-collapsible[data-section="logs"] .value-note[data-truncated="5242880"]'), 'log body note missing');
    assert(view().problems.length === 0 && (await view().cspViolations()).length === 0, `problems: ${view().problems.join('; ')}`);
  });
  await view().close();

  // Find in the trace, F8, ] and [ (findChecks.mjs) -------------------------------------------------
  await runFindChecks({ browser, origin, openView, check, setView: (opened) => (v = opened) });

  // MCP, evaluations, guardrails, media, content references (conventionChecks.mjs) -----------------
  await runConventionChecks({ browser, origin, openView, check, setView: (opened) => (v = opened) });

  // The Graph tab: agents, tools, models, hand-offs, session (graphChecks.mjs) ---------------------
  await runGraphChecks({ browser, origin, openView, check, setView: (opened) => (v = opened) });

  // Span details fetched ahead (hover, keyboard), sourceInfo only when needed (detailChecks.mjs) ----
  await runDetailChecks({ browser, origin, openView, check, setView: (opened) => (v = opened) });

  // Hostile skeleton: markup in span names and service names --------------------------------------
  v = await openView(browser, origin, { fixture: 'none' });
  await check('the harness enforces the CSP (an inline style attribute and inline script are refused)', async () => {
    const r = await view().page.evaluate(async () => {
      const probe = document.createElement('div');
      probe.innerHTML = '<span style="color: red">x</span><img src="https://example.invalid/x.png">';
      document.body.append(probe);
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
      await new Promise((res) => setTimeout(res, 100));
      const color = getComputedStyle(/** @type {Element} */ (probe.firstElementChild)).color;
      probe.remove();
      s.remove();
      const seen = window.__csp.splice(0);
      return { seen, color, ran: window.__inlineRan === true };
    });
    assert(r.seen.some((x) => x.startsWith('style-src')), `inline style not reported: ${JSON.stringify(r)}`);
    assert(r.seen.some((x) => x.startsWith('img-src')), `remote image not reported: ${JSON.stringify(r)}`);
    assert(!r.ran && r.color !== 'rgb(255, 0, 0)', `CSP not enforced: ${JSON.stringify(r)}`);
    view().problems.length = 0; // the refused loads above log console errors on purpose
  });
  await check('markup in span and service names is rendered as text', async () => {
    await view().page.evaluate(() => {
      /** @type {import('../../src/model/trace').SkeletonSpan[]} */
      const spans = [
        { spanId: 'aaaaaaaaaaaaaaa1', parentSpanId: null, name: '<img src=x onerror="window.__xss=true">', kind: 'server', statusCode: 'error', serviceName: '<b>svc</b>', startOffsetMs: 0, durationMs: 10, eventCount: 0, hasException: false },
        { spanId: 'aaaaaaaaaaaaaaa2', parentSpanId: 'aaaaaaaaaaaaaaa1', name: '<script>window.__xss=true</script>', kind: 'client', statusCode: 'unset', serviceName: '"><svg onload=alert(1)>', startOffsetMs: 1, durationMs: 5, eventCount: 0, hasException: false },
      ];
      window.__host.send({ type: 'traceLoaded', trace: window.__host.pack({ traceId: 'f'.repeat(32), startTimeUnixNano: '1732198765123456789', durationMs: 10, spans }), summary: null, selectSpanId: null });
    });
    await view().page.waitForSelector('#tree .row[data-span-id]');
    await view().page.waitForTimeout(100);
    const r = await view().page.evaluate(() => ({
      names: [...document.querySelectorAll('#tree .row .name')].map((e) => e.textContent),
      bad: document.querySelectorAll('#app img, #app script, #app svg, #app b').length,
      flag: window.__xss === true,
    }));
    assert(r.names[0] === '<img src=x onerror="window.__xss=true">', `name not literal: ${r.names[0]}`);
    assert(r.bad === 0 && !r.flag, `markup interpreted: ${JSON.stringify(r)}`);
    assert(view().problems.filter((p) => p.startsWith('dialog')).length === 0, 'a dialog opened');
  });
  await view().close();

  // Big traces: first paint, virtualization, collapse timing ---------------------------------------
  // The message as the extension sends it: packed in the worker (not timed), serialized as VS Code
  // serializes webview messages (typed arrays as binary buffers, here base64; bench/traceViewHost.ts).
  /**
   * @param {Page} page
   * @param {string} name
   */
  const firstRows = async (page, name) =>
    measureFirstRows(page, await page.evaluate((/** @type {string} */ fixtureName) => {
      const f = window.__host.fixture(fixtureName);
      window.__host.current = f;
      const envelope = { kind: 'message', body: { type: 'traceLoaded', trace: window.__host.pack(f.skeleton), summary: f.summary, selectSpanId: null } };
      /** @type {Record<string, number>} */
      const types = { Int8Array: 1, Uint8Array: 2, Uint8ClampedArray: 3, Int16Array: 4, Uint16Array: 5, Int32Array: 6, Uint32Array: 7, Float32Array: 8, Float64Array: 9, BigInt64Array: 10, BigUint64Array: 11 };
      /** @type {ArrayBufferLike[]} */
      const buffers = [];
      const json = JSON.stringify(envelope, (_k, v) => {
        if (!ArrayBuffer.isView(v)) return v;
        let index = buffers.indexOf(v.buffer);
        if (index < 0) index = buffers.push(v.buffer) - 1;
        return { $$vscode_array_buffer_reference$$: true, index, view: { type: types[v.constructor.name], byteLength: v.byteLength, byteOffset: v.byteOffset } };
      });
      const base64 = (/** @type {ArrayBufferLike} */ b) => {
        const bytes = new Uint8Array(b);
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      return { json, buffers: buffers.map(base64) };
    }, name));

  for (const n of [1000, 10000]) {
    v = null;
    await check(`first painted rows for ${n} spans (fresh page each, median of 3)`, async () => {
      /** @type {Awaited<ReturnType<typeof firstRows>>[]} */
      const runs = [];
      for (let i = 0; i < 3; i++) {
        if (v) await view().close();
        v = await openView(browser, origin, { fixture: 'none' });
        runs.push(await firstRows(view().page, `big${n}`));
      }
      /** @param {'inDom' | 'painted'} f */
      const med = (f) => runs.map((r) => r[f]).sort((a, b) => a - b)[1];
      const t = { inDom: med('inDom'), painted: med('painted'), messageBytes: runs[0].messageBytes, runs };
      metrics[`firstRows_${n}`] = t;
      log(`       ${n} spans: ${(t.messageBytes / 1e6).toFixed(2)} MB message; rows in DOM after ${t.inDom.toFixed(1)} ms, painted after ${t.painted.toFixed(1)} ms (JSON.parse → unpack → tree build → rows; runs: ${runs.map((r) => r.painted.toFixed(0)).join(', ')} ms)`);
      assert(t.painted < 5000, 'first paint took more than 5 s');
    });

    if (n === 10000) {
      const p = view().page;
      await check('virtualization: a 10,000-span trace keeps a bounded number of row elements', async () => {
        const count = await p.$$eval('#tree .row[data-span-id]', (r) => r.length);
        const viewportRows = Math.ceil((await p.$eval('#tree', (e) => e.clientHeight)) / 22);
        metrics.rowElements10k = count;
        log(`       ${count} row elements for ${viewportRows} visible rows`);
        assert(count > 0 && count <= viewportRows + 2 * 10 + 4, `too many row elements: ${count}`);
        // Rows out of view are parked (hidden, no data-span-id) up to a fixed number.
        const total = await p.$$eval('#tree .row', (r) => r.length);
        assert(total <= count + 120, `too many parked rows: ${total - count}`);
        await p.focus('#tree');
        await p.keyboard.press('End');
        const last = await selectedId(p);
        assert(last, 'End should select the last row');
        assert(await p.isVisible(`.row[data-span-id="${last}"]`), 'last row not visible after End');
        const after = await p.$$eval('#tree .row[data-span-id]', (r) => r.length);
        assert(after <= viewportRows + 2 * 10 + 4, `too many row elements after scrolling: ${after}`);
        await p.keyboard.press('Home');
      });

      await check('collapse/expand of the 10k root (timing, median of 9)', async () => {
        const t = await p.evaluate(async () => {
          const tree = /** @type {HTMLElement} */ (document.getElementById('tree'));
          tree.focus();
          /** @param {string} k */
          const key = (k) => tree.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
          const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          key('Home');
          await frame();
          /** @param {string} k */
          const measure = async (k) => {
            const t0 = performance.now();
            key(k);
            const handler = performance.now() - t0;
            void document.body.offsetHeight; // force style + layout
            const layout = performance.now() - t0;
            await frame();
            return { handler, layout, frame: performance.now() - t0, rows: tree.querySelectorAll('.row[data-span-id]').length };
          };
          /** @typedef {{ handler: number, layout: number, frame: number, rows: number }} Run */
          /** @type {{ collapse: Run[], expand: Run[] }} */
          const runs = { collapse: [], expand: [] };
          for (let i = 0; i < 9; i++) {
            runs.collapse.push(await measure('ArrowLeft'));
            runs.expand.push(await measure('ArrowRight'));
          }
          /**
           * @param {Run[]} list
           * @param {'handler' | 'layout' | 'frame'} f
           */
          const stat = (list, f) => {
            const v = list.map((x) => x[f]).sort((a, b) => a - b);
            return { median: v[v.length >> 1], min: v[0] };
          };
          /** @param {Run[]} list */
          const sum = (list) => ({ handler: stat(list, 'handler'), layout: stat(list, 'layout'), frame: stat(list, 'frame'), rows: list[list.length - 1].rows });
          return { collapse: sum(runs.collapse), expand: sum(runs.expand) };
        });
        metrics.collapse10k = t;
        /** @param {{ median: number, min: number }} x */
        const fmt = (x) => `${x.median.toFixed(1)} ms (min ${x.min.toFixed(1)})`;
        for (const [name, r] of Object.entries(t)) {
          log(`       ${name.padEnd(8)} handler ${fmt(r.handler)}, incl. style+layout ${fmt(r.layout)}, to next frame ${fmt(r.frame)}; ${r.rows} rows in DOM`);
        }
        log(`       (machine load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores)`);
        assert(t.collapse.rows === 1, `collapsed root should leave 1 row, got ${t.collapse.rows}`);
        assert(t.expand.rows > 1, 'expand should bring rows back');
        if (t.collapse.layout.median > 50 || t.expand.layout.median > 50) log('       WARNING: collapse/expand median above the 50 ms budget');
      });

    await check('collapse all / expand all on 10k spans', async () => {
        const t = await p.evaluate(async () => {
          /** @param {string} icon */
          const btn = (icon) => /** @type {HTMLElement} */ (document.querySelector(`vscode-toolbar-button[icon="${icon}"]`));
          const t0 = performance.now();
          btn('collapse-all').click();
          void document.body.offsetHeight;
          const collapse = performance.now() - t0;
          const rowsCollapsed = document.querySelectorAll('#tree .row[data-span-id]').length;
          const t1 = performance.now();
          btn('expand-all').click();
          void document.body.offsetHeight;
          return { collapse, expand: performance.now() - t1, rowsCollapsed };
        });
        metrics.collapseAll10k = t;
        log(`       collapse all ${t.collapse.toFixed(2)} ms, expand all ${t.expand.toFixed(2)} ms`);
        assert(t.rowsCollapsed === 1, `collapse all should leave the root only, got ${t.rowsCollapsed}`);
      });

      await check('revealSpan on a deep span of the 10k trace (collapsed ancestors)', async () => {
        const deep = present(fixtureInfo.big10000.deep, 'a span 5 levels deep in the 10k trace');
        await p.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('vscode-toolbar-button[icon="collapse-all"]')).click());
        await p.evaluate((spanId) => window.__host.send({ type: 'revealSpan', spanId }), deep);
        await waitSelected(p, deep);
        assert(await p.isVisible(`.row[data-span-id="${deep}"]`), 'revealed row not visible');
        await p.waitForSelector('#details .attr-row[data-key="step.index"]');
      });

      await check('scrolling the 10k trace keeps rows bounded and contiguous', async () => {
        const r = await p.evaluate(async () => {
          const tree = /** @type {HTMLElement} */ (document.getElementById('tree'));
          /** @type {HTMLElement} */ (document.querySelector('vscode-toolbar-button[icon="expand-all"]')).click();
          tree.scrollTop = tree.scrollHeight / 2;
          await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 50)));
          const rows = [...tree.querySelectorAll('.row[data-span-id]')];
          const tops = rows.map((e) => e.getBoundingClientRect().top).sort((a, b) => a - b);
          const box = tree.getBoundingClientRect();
          const covering = tops.filter((t) => t >= box.top - 22 && t <= box.bottom);
          return { count: rows.length, covering: covering.length, needed: Math.floor(box.height / 22) };
        });
        assert(r.covering >= r.needed, `viewport not covered after scrolling: ${JSON.stringify(r)}`);
      });

      await check('find and F8 on the 10k trace: every span matches; Enter, F8 and ] handlers (timing, median of 9)', async () => {
        // Every span of makeBigTrace has the attribute app.note "synthetic span N".
        await p.click('vscode-toolbar-button[icon="collapse-all"]');
        await p.focus('#tree');
        await p.keyboard.press('Control+f');
        await p.fill('#find-input', 'synthetic');
        await p.waitForFunction(() => document.querySelector('#find-widget .find-count')?.textContent?.endsWith('of 10,000'), undefined, { timeout: 20000 });
        const t = await p.evaluate(async () => {
          const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          /**
           * @param {EventTarget} target
           * @param {string} key
           */
          const measure = async (target, key) => {
            const runs = [];
            for (let i = 0; i < 9; i++) {
              const t0 = performance.now();
              target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
              void document.body.offsetHeight; // force style + layout
              runs.push(performance.now() - t0);
              await frame();
            }
            return runs.sort((a, b) => a - b)[4];
          };
          const input = /** @type {HTMLElement} */ (document.getElementById('find-input'));
          const enter = await measure(input, 'Enter');
          const f8 = await measure(input, 'F8');
          const model = await measure(/** @type {HTMLElement} */ (document.getElementById('tree')), ']');
          return { enter, f8, model, highlighted: document.querySelectorAll('#tree .row.find-match').length };
        });
        metrics.find10k = t;
        log(`       Enter ${t.enter.toFixed(1)} ms, F8 ${t.f8.toFixed(1)} ms, ] ${t.model.toFixed(1)} ms (handler incl. style+layout); ${t.highlighted} highlighted rows in DOM`);
        assert(t.highlighted > 0, 'no highlighted rows');
        if (t.enter > 50 || t.f8 > 50) log('       WARNING: a find key above the 50 ms budget');
        await p.keyboard.press('Escape');
      });

      await check('no CSP violations or errors (10k trace)', async () => {
        const csp = await view().cspViolations();
        assert(csp.length === 0, `CSP violations: ${csp.join('; ')}`);
        assert(view().problems.length === 0, view().problems.join('; '));
      });
    }
    await view().close();
  }

  return { ...summary(), metrics };
}

/**
 * The span id of the selected row, or null.
 * @param {Page} page
 */
async function selectedId(page) {
  return page.evaluate(() => /** @type {HTMLElement | null} */ (document.querySelector('#tree .row[aria-selected="true"]'))?.dataset.spanId ?? null);
}

/**
 * Waits until the row of `spanId` is the selected one.
 * @param {Page} page
 * @param {string} spanId
 */
async function waitSelected(page, spanId) {
  await page.waitForSelector(`#tree .row[data-span-id="${spanId}"][aria-selected="true"]`, { timeout: 5000 });
}

async function fixturesInNode() {
  const { makeAgentTrace, makeBigTrace } = await import('./fixtures.mjs');
  const agent = makeAgentTrace();
  const big = makeBigTrace(10000);
  // The deepest span (a vector-db query under server/http/tool/step) near the end.
  const byId = new Map(big.skeleton.spans.map((s) => [s.spanId, s]));
  /** @param {SkeletonSpan} s */
  const depth = (s) => {
    let d = 0;
    for (let parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined; parent; parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined) d++;
    return d;
  };
  const deep = [...big.skeleton.spans].reverse().find((s) => depth(s) >= 5)?.spanId;
  return { fixtureInfo: { agent, big10000: { deep } } };
}

// ── screenshots ────────────────────────────────────────────────────────────────────────────

/**
 * Screenshots for people to look at; returns the file paths.
 * @param {{ browser: Browser, origin: string }} options
 */
export async function takeScreenshots({ browser, origin }) {
  const { makeAgentTrace } = await import('./fixtures.mjs');
  const agent = makeAgentTrace();
  /** @param {string} n */
  const byName = (n) => present(agent.skeleton.spans.find((s) => s.name === n), `span "${n}"`).spanId;
  const failing = byName('execute_tool get_forecast');
  const chat = byName('chat gpt-4o-mini');
  /** @type {string[]} */
  const files = [];
  /**
   * @param {string} name
   * @param {Page} page
   */
  const shot = async (name, page) => {
    const file = join(resultsDir, `${name}.png`);
    await page.screenshot({ path: file });
    files.push(file);
  };
  for (const theme of ['dark', 'light', 'hc']) {
    const v = await openView(browser, origin, { theme, fixture: 'agent', select: failing });
    await v.page.waitForSelector('#details .event.exception');
    await v.page.focus('#tree');
    await v.page.hover(`.row[data-span-id="${chat}"] .name`);
    await shot(`trace-${theme}`, v.page);
    // Details scrolled down to the events (exception + stack trace).
    await v.page.evaluate(() => document.querySelector('#details .event.exception')?.scrollIntoView({ block: 'start' }));
    await v.page.mouse.move(5, 5);
    await shot(`exception-${theme}`, v.page);
    await v.close();
  }
  // GenAI: the Conversation tab and the GenAI details, in every theme.
  const chat2 = agent.skeleton.spans.filter((s) => s.name === 'chat gpt-4o-mini')[1].spanId;
  for (const theme of ['dark', 'light', 'hc']) {
    const v = await openView(browser, origin, { theme, fixture: 'agent', select: chat2 });
    await v.page.waitForSelector('#details [data-section="genai"]');
    await v.page.mouse.move(5, 5);
    await shot(`genai-details-${theme}`, v.page);
    await v.page.evaluate(() => document.querySelector('#details [data-section="genai-messages"]')?.scrollIntoView({ block: 'start' }));
    await shot(`genai-messages-${theme}`, v.page);
    await v.page.click('vscode-tab-header[data-tab="conversation"]');
    await v.page.waitForSelector('#conversation .conv-items');
    await v.page.mouse.move(5, 5);
    await shot(`conversation-${theme}`, v.page);
    await v.page.evaluate(() => {
      const c = /** @type {HTMLElement} */ (document.getElementById('conversation'));
      c.scrollTop = c.scrollHeight;
    });
    await shot(`conversation-answer-${theme}`, v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'agent', select: byName('execute_tool get_weather') });
    await v.page.waitForSelector('#details [data-section="genai-tool"]');
    await shot('genai-tool-dark', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'nocontent' });
    await v.page.click('vscode-tab-header[data-tab="conversation"]');
    await v.page.waitForSelector('#conversation .content-missing');
    await v.page.locator('#conversation .mc-head').first().click();
    await v.page.waitForSelector('#details [data-section="genai-messages"] .content-missing');
    await v.page.mouse.move(5, 5);
    await shot('conversation-nocontent-dark', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'light', fixture: 'agent', width: 720, height: 900 });
    await v.page.click('vscode-tab-header[data-tab="conversation"]');
    await v.page.waitForSelector('#conversation .conv-items');
    await shot('conversation-narrow-light', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'agent', select: chat });
    await v.page.waitForSelector('#details .attr-row[data-key="gen_ai.input.messages"]');
    await shot('chat-attributes-dark', v.page);
    await v.page.evaluate(() => document.querySelector('#details vscode-collapsible[data-section="logs"]')?.scrollIntoView({ block: 'start' }));
    await shot('chat-logs-dark', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'light', fixture: 'agent', select: chat, width: 720, height: 900 });
    await v.page.waitForSelector('#details .attr-row');
    await shot('narrow-light', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'big10000' });
    await v.page.focus('#tree');
    for (let i = 0; i < 6; i++) await v.page.keyboard.press('ArrowDown');
    await v.page.waitForSelector('#details .attr-row');
    await shot('big-10k-dark', v.page);
    await v.close();
  }
  files.push(...(await takeFindScreenshots({ browser, origin, openView })));
  files.push(...(await takeConventionScreenshots({ browser, origin, openView })));
  files.push(...(await takeGraphScreenshots({ browser, origin, openView })));
  return files;
}
