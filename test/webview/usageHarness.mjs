// @ts-check
// Test harness for the Usage webview view: the view (webview/usage/main.ts, built by page.mjs like
// esbuild.mjs does) in its own document (usageViewDocument from src/extension/webviewHtml.ts, so
// under the provider's CSP) with theme variables, the sidebar background behind it and a fake host
// (usageFakeHost.mjs), driven with playwright-core + Debian's Chromium. The shared parts live in
// page.mjs. Used by check.mjs.
//
// Exports: usagePage (for page.mjs's startServer), openUsageView(), runUsageChecks(),
// takeUsageScreenshots().
import Papa from 'papaparse';
import { join } from 'node:path';
import { assert, assertViewDocument, attributeOf, checkRunner, eq, importBundled, openPage, present, resultsDir, textOf, webviewHtml } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('../../src/model/cost').UsageReport} UsageReport */
/** @typedef {import('../../src/model/cost').UsagePoint} UsagePoint */
/**
 * What openUsageView opens: theme, fixture (usageFakeHost.mjs), picked scope, what is selected, an
 * error from the host, and the viewport.
 * @typedef {{ theme?: string, fixture?: string, kind?: string, sel?: string, error?: string, width?: number, height?: number }} UsageViewOptions
 */

/** Usage fixtures, bundled: they sum costs with the real src/model/cost.ts. */
const { FORMULA_MODEL, HOSTILE_LABEL, HOSTILE_MODEL, makeUsageFixture } = /** @type {typeof import('./usageFixtures.mjs')} */ (await importBundled('test/webview/usageFixtures.mjs'));

/**
 * The Usage view's page for page.mjs's startServer: the provider's document; a webview view is
 * transparent, so the sidebar's background shows through; usageFakeHost.mjs.
 * @type {import('./page.mjs').ViewPage}
 */
export const usagePage = {
  path: 'usage',
  document: (host) => webviewHtml.usageViewDocument(host),
  background: '--vscode-sideBar-background',
  fakeHost: 'usageFakeHost.mjs',
};

/**
 * Opens the view in a new page (a sidebar: narrow by default; see page.mjs's openPage: CSP
 * violations, page errors, console errors and dialogs are collected; none may happen). Resolves
 * once the first `usage` event is rendered and every chart canvas has a size.
 * @param {Browser} browser
 * @param {string} origin
 * @param {UsageViewOptions} [options]
 * @returns {Promise<OpenedPage>}
 */
export async function openUsageView(browser, origin, { theme = 'dark', fixture = 'rich', kind = 'all', sel = 'both', error = '', width = 320, height = 900 } = {}) {
  const q = new URLSearchParams({ theme, fixture, kind, sel });
  if (error) q.set('error', error);
  const v = await openPage(browser, `${origin}/${usagePage.path}?${q}`, { width, height });
  await v.page.waitForSelector('#app .scope');
  await waitForCharts(v.page);
  await v.page.evaluate(() => document.fonts.ready);
  return v;
}

/**
 * Waits until every chart canvas on the page has been sized and drawn by Chart.js.
 * @param {Page} page
 */
async function waitForCharts(page) {
  await page.waitForFunction(() => [.../** @type {NodeListOf<HTMLCanvasElement>} */ (document.querySelectorAll('.chart-box canvas'))].every((c) => c.width > 0 && c.height > 0));
}

/**
 * CSV text as rows of strings by column name.
 * @param {string} text
 */
const parseCsv = (text) => Papa.parse(text.trim(), { header: true, skipEmptyLines: true });

// ── checks ───────────────────────────────────────────────────────────────────────────────────

/**
 * Runs every Usage view check; returns { passed, failed, results }.
 * @param {{ browser: Browser, origin: string, log?: (line: string) => void }} options
 */
export async function runUsageChecks({ browser, origin, log = console.log }) {
  const cost = /** @type {typeof import('../../src/model/cost')} */ (await importBundled('src/model/cost.ts', 'browser'));
  const fmt = /** @type {typeof import('../../src/model/format')} */ (await importBundled('src/model/format.ts', 'browser'));
  const data = /** @type {typeof import('../../webview/usage/data')} */ (await importBundled('webview/usage/data.ts', 'browser'));
  /** @type {OpenedPage | null} The open view (the checks' screenshots on failure are of its page). */
  let v = null;
  /** The open view; a check that runs without one fails. */
  const view = () => {
    assert(v, 'no view is open');
    return v;
  };
  /** @type {OpenedPage[]} */
  const opened = [];
  const { check, summary } = checkRunner({ log, currentPage: () => v?.page, failurePrefix: 'usage-failure', fullPage: true });
  /** @param {UsageViewOptions} opts */
  const open = async (opts) => {
    v = await openUsageView(browser, origin, opts);
    opened.push(v);
    return v;
  };

  const rich = makeUsageFixture('rich');
  const all = present(rich.reports.all, 'the rich fixture\'s report of all traces');
  const m = all.metrics;
  /** The rich fixture's model latency. */
  const latency = () => present(m.modelLatency, 'the rich fixture\'s model latency');

  // ── all traces, Charts tab ──────────────────────────────────────────────────────────────────
  const { page } = await open({ fixture: 'rich', kind: 'all' });
  /** @param {string} metric */
  const tileText = (metric) => textOf(page, `.tile[data-metric="${metric}"]`);

  await check("usage: the page is the view's own document (webviewHtml.ts): its CSP, title, #app and assets, with the nonce", () => assertViewDocument(page, usagePage, origin));

  await check('usage: says ready, then shows totals for all traces', async () => {
    eq((await page.evaluate(() => window.__usageHost.messages('ready'))).length, 1, 'ready messages');
    const label = await textOf(page, '.scope-label');
    assert(label.includes(`${all.traceCount} traces`), `scope label: ${label}`);
  });

  await check('usage: the cost total is a lower bound "≥ $…", its hover and sub text name the unpriced model', async () => {
    assert(m.cost.isLowerBound && m.cost.unpricedModels.includes('acme/mystery-llm-7b'), 'fixture must have an unpriced model');
    const value = (await textOf(page, '.tile[data-metric="cost"] .tile-value')).trim();
    eq(value, cost.formatCostUsd(m.cost), 'cost value');
    assert(value.startsWith('≥ $'), `cost must start with ≥: ${value}`);
    eq(await page.getAttribute('.tile[data-metric="cost"] .tile-value', 'title'), cost.describeCost(m.cost), 'cost hover');
    const sub = await textOf(page, '.tile[data-metric="cost"] .tile-sub');
    assert(sub.includes('acme/mystery-llm-7b'), `cost sub text must name the unpriced model: ${sub}`);
  });

  await check('usage: tokens, calls, iterations, tools, latency, context, duration and traces tiles', async () => {
    const tokens = await tileText('tokens');
    assert(tokens.includes(data.formatCount(m.tokens.total)), `total tokens: ${tokens}`);
    for (const part of [`${data.formatCount(m.tokens.input)} in`, `${data.formatCount(m.tokens.output)} out`, `${data.formatCount(m.tokens.cacheRead)} cached`, `${data.formatCount(m.tokens.reasoning)} reasoning`]) {
      assert(tokens.includes(part), `tokens tile lacks "${part}": ${tokens}`);
    }
    const calls = await tileText('model-calls');
    assert(calls.includes(String(m.modelCalls)) && /1 failed/.test(calls), `model calls: ${calls}`);
    assert((await tileText('iterations')).includes(String(m.agentIterations)), 'agent iterations');
    const tools = (await tileText('tool-calls')).replace(/\s+/g, ' ');
    assert(tools.includes(String(m.toolCalls)) && tools.includes(`${cost.formatRatio(m.toolSuccessRate)} succeeded`) && tools.includes('1 failed'), `tool calls: ${tools}`);
    const lat = (await tileText('latency')).replace(/\s+/g, ' ');
    for (const p of [latency().p50Ms, latency().p95Ms, latency().p99Ms]) assert(lat.includes(fmt.formatDuration(p)), `latency lacks ${fmt.formatDuration(p)}: ${lat}`);
    assert((await tileText('context')).includes(cost.formatRatio(m.maxContextUtilization)), 'context use');
    assert((await tileText('duration')).includes(fmt.formatDuration(m.durationMs)), 'duration');
    assert((await tileText('traces')).includes(String(all.traceCount)), 'trace count');
  });

  await check('usage: three charts with text alternatives (role=img, aria-label with the numbers)', async () => {
    const labels = await page.$$eval('.chart-box canvas', (cs) => cs.map((c) => ({ role: c.getAttribute('role'), label: c.getAttribute('aria-label') ?? '' })));
    eq(labels.length, 3, 'canvases');
    assert(labels.every((l) => l.role === 'img' && l.label.length > 20), 'each canvas needs role=img and a summary');
    assert(labels[0].label.includes('gpt-4o-mini') && labels[0].label.includes(cost.formatCostUsd(m.cost)), `cost summary: ${labels[0].label}`);
    assert(labels[2].label.includes(`p95 ${fmt.formatDuration(latency().p95Ms)}`), `latency summary: ${labels[2].label}`);
  });

  await check('usage: chart colours are the theme variables (read at runtime)', async () => {
    const t = await page.evaluate(() => window.traceLensUsageCharts.currentTheme);
    eq(t.input, '#3794ff', 'input colour = --vscode-charts-blue (dark)');
    eq(t.output, '#d18616', 'output colour = --vscode-charts-orange');
  });

  await check('usage: clicking a point of "tokens over time" sends openTrace for its trace', async () => {
    const i = 5;
    const pos = await page.evaluate((index) => window.traceLensUsageCharts.pointPosition('tokens', 0, index), i);
    assert(pos, 'no point position');
    await page.locator('section[data-chart="tokens"] canvas').click({ position: { x: pos.x, y: pos.y } });
    const sent = await page.waitForFunction(() => window.__usageHost.messages('openTrace').at(-1)).then((h) => h.jsonValue());
    eq(sent, { type: 'openTrace', traceId: all.points[i].traceId }, 'openTrace');
  });

  await check('usage: an update redraws the charts in place (same canvases)', async () => {
    await page.evaluate(() => /** @type {NodeListOf<HTMLCanvasElement>} */ (document.querySelectorAll('.chart-box canvas')).forEach((c) => (c.dataset.mark = 'before')));
    await page.evaluate(() => window.__usageHost.refresh());
    await page.waitForFunction(() => window.__usageHost.received.length > 0);
    await page.waitForTimeout(50);
    eq(await page.$$eval('.chart-box canvas', (cs) => cs.map((c) => c.dataset.mark)), ['before', 'before', 'before'], 'canvases kept');
  });

  await check('usage: a theme switch re-reads the chart colours', async () => {
    await page.evaluate(() => {
      document.body.classList.replace('vscode-dark', 'vscode-light');
      document.documentElement.style.setProperty('--vscode-charts-blue', '#1a85ff');
    });
    await page.waitForFunction(() => window.traceLensUsageCharts.currentTheme.input === '#1a85ff');
    await page.evaluate(() => {
      document.documentElement.style.removeProperty('--vscode-charts-blue');
      document.body.classList.replace('vscode-light', 'vscode-dark');
    });
    await page.waitForFunction(() => window.traceLensUsageCharts.currentTheme.input === '#3794ff');
  });

  // ── Table tab ───────────────────────────────────────────────────────────────────────────────
  await check('usage: the Table tab lists every model with provider, calls, tokens and cost ("—" when unknown)', async () => {
    await page.click('vscode-tab-header[data-tab="table"]');
    await page.waitForSelector('.models-table tbody tr');
    const rows = await page.$$eval('.models-table tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('.model-name')?.textContent, tr.querySelector('.provider')?.textContent, ...[...tr.querySelectorAll('td')].map((c) => (c.textContent ?? '').trim())]),
    );
    eq(rows.length, m.models.length, 'model rows');
    m.models.forEach((x, i) => {
      eq(rows[i], [x.model, x.provider ?? '—', cost.formatCostUsd(x.cost), data.formatCount(x.calls), data.formatCount(x.tokens.input), data.formatCount(x.tokens.output), data.formatCount(x.tokens.cacheRead), data.formatCount(x.tokens.reasoning)], `row ${x.model}`);
    });
    const unknown = rows.find((r) => r[0] === 'mystery-llm-7b');
    eq(unknown?.[2], '—', 'unknown model cost (never $0)');
    const hover = await attributeOf(page, '.models-table tr[data-model="mystery-llm-7b"] .cost-cell', 'title');
    assert(hover.startsWith('Unknown: no price for acme/mystery-llm-7b'), `unknown model hover: ${hover}`);
    const total = await textOf(page, '.models-table tfoot .cost-cell');
    eq(total.trim(), cost.formatCostUsd(m.cost), 'total row cost');
  });

  await check('usage: run metrics table shows every metric', async () => {
    const rows = await page.$$eval('.metrics-table tr', (trs) => trs.map((tr) => tr.dataset.metric));
    eq(rows, data.metricRows(all).map((r) => r.key), 'metric rows');
    const rate = await textOf(page, '.metrics-table tr[data-metric="tool_success_rate"] td');
    eq(rate.trim(), cost.formatRatio(m.toolSuccessRate), 'tool success rate');
  });

  await check('usage: "Copy as CSV" sends copyText with CSV that parses back to the numbers', async () => {
    await page.click('.copy-csv[data-copy="models"]');
    const msg = present(await page.waitForFunction(() => window.__usageHost.messages('copyText').at(-1)).then((h) => h.jsonValue()), 'a copyText message');
    eq(msg.what, 'usage by model as CSV', 'what');
    const parsed = parseCsv(msg.text);
    eq(parsed.errors, [], 'CSV parse errors');
    eq(parsed.meta.fields, ['model', 'provider', 'calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'cost_usd', 'cost_is_lower_bound', 'unpriced_calls'], 'CSV header');
    eq(parsed.data.length, m.models.length, 'CSV rows');
    m.models.forEach((x, i) => {
      const r = parsed.data[i];
      eq([r.model, r.provider, Number(r.calls), Number(r.input_tokens), Number(r.output_tokens), Number(r.reasoning_tokens)], [x.model, x.provider ?? '', x.calls, x.tokens.input, x.tokens.output, x.tokens.reasoning], `CSV row ${x.model}`);
      const known = x.cost.reportedCount + x.cost.pricedCount > 0;
      eq(r.cost_usd, known ? String(x.cost.costUsd) : '', `CSV cost of ${x.model} (empty when unknown, never 0)`);
    });
    assert(await page.isVisible('.copy-csv[data-copy="models"] .codicon-check'), 'copy button should flash a check mark');

    await page.click('.copy-csv[data-copy="metrics"]');
    await page.waitForFunction(() => window.__usageHost.messages('copyText').length >= 2);
    const metrics = parseCsv(present(await page.evaluate(() => window.__usageHost.messages('copyText').at(-1)), 'a copyText message').text);
    const byKey = Object.fromEntries(metrics.data.map((r) => [r.metric, r.value]));
    eq(Number(byKey.cost_usd), m.cost.costUsd, 'metrics CSV cost');
    eq(byKey.cost_is_lower_bound, 'true', 'metrics CSV lower bound');
    eq(Number(byKey.tool_errors), 1, 'metrics CSV tool errors');
    eq(Number(byKey.model_latency_p95_ms), latency().p95Ms, 'metrics CSV p95');

    await page.click('.copy-csv[data-copy="points"]');
    await page.waitForFunction(() => window.__usageHost.messages('copyText').length >= 3);
    const points = parseCsv(present(await page.evaluate(() => window.__usageHost.messages('copyText').at(-1)), 'a copyText message').text);
    eq(points.data.length, all.points.length, 'points CSV rows');
    eq(points.data[0].trace_id, all.points[0].traceId, 'points CSV trace id');
    eq(points.data[0].time_utc, new Date(all.points[0].timeUnixMs).toISOString(), 'points CSV time');
  });

  await check('usage: Enter on a trace row sends openTrace; rows are in the Tab order', async () => {
    const newest = all.points[all.points.length - 1];
    const row = page.locator(`.point-row[data-trace-id="${newest.traceId}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    const sent = await page.waitForFunction((id) => window.__usageHost.messages('openTrace').find((x) => x.traceId === id), newest.traceId).then((h) => h.jsonValue());
    eq(sent, { type: 'openTrace', traceId: newest.traceId }, 'openTrace from row');
    eq(await row.getAttribute('tabindex'), '0', 'row tabindex');
    const outline = await row.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert(outline !== 'none', 'focused row needs a visible focus ring');
  });

  await check('usage: a live update keeps the focused row on its trace (keyed rows)', async () => {
    const newest = all.points[all.points.length - 1];
    await page.locator(`.point-row[data-trace-id="${newest.traceId}"]`).focus();
    await page.evaluate(() => {
      const h = window.__usageHost;
      const e = h.event();
      const report = /** @type {UsageReport} */ (e.report);
      const last = /** @type {UsagePoint} */ (report.points.at(-1));
      e.report = { ...report, traceCount: report.traceCount + 1, points: [...report.points, { ...last, traceId: 'f'.repeat(32), timeUnixMs: last.timeUnixMs + 60_000, label: 'A newer trace' }] };
      h.send(e);
    });
    await page.waitForSelector(`.point-row[data-trace-id="${'f'.repeat(32)}"]`);
    eq(await page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.traceId), newest.traceId, 'focused row after the update');
    await page.evaluate(() => window.__usageHost.refresh());
    await page.waitForFunction(() => !document.querySelector(`.point-row[data-trace-id="${'f'.repeat(32)}"]`));
  });

  await check('usage: Tab reaches the scope picker, the tabs, the copy buttons and the rows', async () => {
    // A click on the page's top-left padding moves the sequential focus start to the top.
    await page.mouse.click(2, 2);
    const seen = new Set();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const what = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a) return '';
        if (a.tagName === 'VSCODE-RADIO') return 'radio';
        if (a.tagName === 'VSCODE-TAB-HEADER') return 'tab';
        if (a.classList.contains('copy-csv')) return 'copy';
        if (a.classList.contains('point-row')) return 'row';
        return a.tagName.toLowerCase();
      });
      seen.add(what);
      if (seen.has('row')) break;
    }
    for (const w of ['radio', 'tab', 'copy', 'row']) assert(seen.has(w), `Tab never reached a ${w} (saw ${[...seen].join(', ')})`);
  });

  // ── scope picker ────────────────────────────────────────────────────────────────────────────
  await check('usage: the scope picker sends setScope and the view shows the trace (model calls, label)', async () => {
    await page.click('vscode-radio[data-scope="trace"]');
    const sent = await page.waitForFunction(() => window.__usageHost.messages('setScope').at(-1)).then((h) => h.jsonValue());
    eq(sent, { type: 'setScope', kind: 'trace' }, 'setScope');
    await page.waitForSelector('.scope-label[data-kind="trace"]');
    eq((await textOf(page, '.scope-label')).trim(), rich.selection.trace.label, 'trace label');
    const tr = present(rich.reports.trace, 'the rich fixture\'s trace report');
    eq((await textOf(page, '.tile[data-metric="cost"] .tile-value')).trim(), cost.formatCostUsd(tr.metrics.cost), 'trace cost');
    await page.waitForSelector('section[data-table="points"] h3');
    eq((await textOf(page, 'section[data-table="points"] h3')).trim(), 'Model calls', 'points table title');
  });

  await check('usage: Enter on a model-call row opens the trace at its span', async () => {
    const call = present(rich.reports.trace, 'the rich fixture\'s trace report').points[1];
    await page.locator(`.point-row[data-span-id="${call.spanId}"]`).focus();
    await page.keyboard.press('Enter');
    const sent = await page.waitForFunction((id) => window.__usageHost.messages('openTrace').find((x) => x.spanId === id), call.spanId).then((h) => h.jsonValue());
    eq(sent, { type: 'openTrace', traceId: call.traceId, spanId: call.spanId }, 'openTrace with span');
  });

  await check('usage: the chosen tab survives a reload (webview state)', async () => {
    await page.reload();
    await page.waitForSelector('.models-table');
  });

  await check('usage: no CSP violations, page errors or console errors (all traces, table, trace scope)', async () => {
    eq(await view().cspViolations(), [], 'CSP violations');
    eq(view().problems, [], 'page problems');
  });
  await view().close();

  // ── fallbacks and empty states ──────────────────────────────────────────────────────────────
  await check('usage: "Trace" with nothing selected falls back to all: the choice is disabled and a hint says why', async () => {
    await open({ fixture: 'rich', kind: 'trace', sel: 'none' });
    await view().page.waitForSelector('.scope-hint');
    eq(await view().page.getAttribute('.scope-label', 'data-kind'), 'all', 'shown scope');
    assert(await view().page.$eval('vscode-radio[data-scope="trace"]', (r) => {
      const radio = /** @type {HTMLElement & { disabled: boolean, checked: boolean }} */ (r);
      return radio.disabled && radio.checked;
    }), 'Trace radio must be checked and disabled');
    assert(await view().page.$eval('vscode-radio[data-scope="session"]', (r) => /** @type {HTMLElement & { disabled: boolean }} */ (r).disabled), 'Session radio must be disabled');
    assert((await textOf(view().page, '.scope-hint')).includes('No trace is selected'), 'hint text');
    // Picking "All traces" still records the choice.
    await view().page.click('vscode-radio[data-scope="all"]');
    const sent = present(await view().page.waitForFunction(() => window.__usageHost.messages('setScope').at(-1)).then((h) => h.jsonValue()), 'a setScope message');
    eq(sent.kind, 'all', 'setScope all');
    eq(await view().cspViolations(), [], 'CSP violations');
    eq(view().problems, [], 'page problems');
    await view().close();
  });

  await check('usage: empty store: "No traces yet"', async () => {
    await open({ fixture: 'empty' });
    const text = await textOf(view().page, '.message');
    assert(text.includes('No traces yet'), `empty state: ${text}`);
    eq(await view().page.$$eval('canvas', (c) => c.length), 0, 'no charts');
    eq(view().problems, [], 'page problems');
    await view().close();
  });

  await check('usage: a trace without model calls: "No model calls in this trace."', async () => {
    await open({ fixture: 'nocalls', kind: 'trace' });
    const text = await textOf(view().page, '.message');
    assert(text.includes('No model calls in this trace.'), `no-calls state: ${text}`);
    eq(await view().page.$$eval('canvas', (c) => c.length), 0, 'no charts');
    eq(view().problems, [], 'page problems');
    await view().close();
  });

  await check('usage: an error from the host shows as an alert above the last report', async () => {
    await open({ fixture: 'rich', error: 'worker restarted' });
    const text = await textOf(view().page, '.error-banner[role="alert"]');
    assert(text.includes('worker restarted'), `error banner: ${text}`);
    await view().close();
  });

  await check('usage: HTML-looking model names and labels render as text; CSV escapes formulas', async () => {
    await open({ fixture: 'xss', kind: 'all' });
    const page2 = view().page;
    await page2.click('vscode-tab-header[data-tab="table"]');
    await page2.waitForSelector('.models-table tbody tr');
    const names = await page2.$$eval('.models-table tbody .model-name', (els) => els.map((t) => t.textContent));
    assert(names.includes(HOSTILE_MODEL) && names.includes(FORMULA_MODEL), `model names as text: ${names.join(' | ')}`);
    const labels = await page2.$$eval('.point-row .point-label', (els) => els.map((t) => t.textContent));
    assert(labels.includes(HOSTILE_LABEL), 'hostile trace label shown as text');
    eq(await page2.evaluate(() => window.__xss), undefined, 'no script ran');
    eq(await page2.$$eval('#app img, #app script, #app b', (els) => els.length), 0, 'no elements from data');
    await page2.click('.copy-csv[data-copy="models"]');
    const msg = present(await page2.waitForFunction(() => window.__usageHost.messages('copyText').at(-1)).then((h) => h.jsonValue()), 'a copyText message');
    const parsed = parseCsv(msg.text);
    const models = parsed.data.map((r) => r.model);
    assert(models.includes(`'${FORMULA_MODEL}`), `formula must be escaped in CSV: ${models.join(' | ')}`);
    assert(models.includes(HOSTILE_MODEL), 'HTML-looking name kept verbatim in CSV');
    // Scope label and the Trace scope with a hostile label.
    await page2.click('vscode-radio[data-scope="trace"]');
    await page2.waitForSelector('.scope-label[data-kind="trace"]');
    eq((await textOf(page2, '.scope-label')).trim(), HOSTILE_LABEL, 'hostile scope label as text');
    eq(await page2.evaluate(() => window.__xss), undefined, 'no script ran');
    eq(await view().cspViolations(), [], 'CSP violations');
    eq(view().problems, [], 'page problems');
    await view().close();
  });

  await check('usage: a 250 px sidebar has no horizontal page scroll; wide tables scroll in their own box', async () => {
    await open({ fixture: 'rich', width: 250 });
    const overflow = await view().page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page overflows horizontally by ${overflow}px (charts)`);
    await view().page.click('vscode-tab-header[data-tab="table"]');
    await view().page.waitForSelector('.models-table');
    const overflow2 = await view().page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow2 <= 0, `page overflows horizontally by ${overflow2}px (tables)`);
    eq(await view().page.getAttribute('section[data-table="models"] .table-scroll', 'tabindex'), '0', 'overflowing table box is focusable (keyboard scrolling)');
    eq(view().problems, [], 'page problems');
    await view().close();
  });

  for (const x of opened) await x.close().catch(() => {});
  return summary();
}

// ── screenshots ──────────────────────────────────────────────────────────────────────────────

/**
 * Full-page screenshots of the view in every theme at sidebar (300 px) and wide (700 px) widths.
 * @param {{ browser: Browser, origin: string }} options
 */
export async function takeUsageScreenshots({ browser, origin }) {
  /** @type {string[]} */
  const files = [];
  /**
   * @param {string} name
   * @param {OpenedPage} v
   */
  const shot = async (name, v) => {
    const file = join(resultsDir, `${name}.png`);
    await v.page.mouse.move(1, 1);
    await v.page.screenshot({ path: file, fullPage: true });
    files.push(file);
  };
  for (const theme of ['dark', 'light', 'hc']) {
    for (const width of [300, 700]) {
      const v = await openUsageView(browser, origin, { theme, width, height: 700 });
      await shot(`usage-${theme}-${width}`, v);
      await v.page.click('vscode-tab-header[data-tab="table"]');
      await v.page.waitForSelector('.models-table');
      await shot(`usage-table-${theme}-${width}`, v);
      await v.close();
    }
  }
  {
    const v = await openUsageView(browser, origin, { theme: 'dark', kind: 'trace', width: 300, height: 700 });
    await shot('usage-trace-dark-300', v);
    await v.close();
  }
  {
    const v = await openUsageView(browser, origin, { theme: 'light', kind: 'trace', sel: 'none', width: 300, height: 500 });
    await shot('usage-fallback-light-300', v);
    await v.close();
  }
  {
    const v = await openUsageView(browser, origin, { theme: 'dark', fixture: 'empty', width: 300, height: 300 });
    await shot('usage-empty-dark-300', v);
    await v.close();
  }
  return files;
}
