// @ts-check
// Test harness for the compare webview: the view (webview/compare/main.ts, built by page.mjs like
// esbuild.mjs does) in its own document (compareViewDocument from src/extension/webviewHtml.ts, so
// under the panel's CSP) with theme variables and a fake host (compareFakeHost.mjs), driven with
// playwright-core + Debian's Chromium. Used by check.mjs.
//
// Exports: comparePage, openCompareView(), runCompareChecks(), takeCompareScreenshots().
import { join } from 'node:path';
import { assert, assertViewDocument, checkRunner, eq, importBundled, openPage, resultsDir, textOf, webviewHtml } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */

const { HOSTILE, makeCompareFixture } = /** @type {typeof import('./compareFixtures.mjs')} */ (await importBundled('test/webview/compareFixtures.mjs'));

/** @type {import('./page.mjs').ViewPage} */
export const comparePage = {
  path: 'compare',
  document: (host) => webviewHtml.compareViewDocument({ ...host, title: 'What is the weather… ↔ What is the weather…' }),
  background: '--vscode-editor-background',
  fakeHost: 'compareFakeHost.mjs',
};

/**
 * Opens the view; resolves once the host's comparison (or the empty state) is rendered.
 * @param {Browser} browser
 * @param {string} origin
 * @param {{ theme?: string, fixture?: string, error?: string, width?: number, height?: number }} [options]
 * @returns {Promise<OpenedPage>}
 */
export async function openCompareView(browser, origin, { theme = 'dark', fixture = 'rich', error = '', width = 1000, height = 900 } = {}) {
  const q = new URLSearchParams({ theme, fixture });
  if (error) q.set('error', error);
  const v = await openPage(browser, `${origin}/${comparePage.path}?${q}`, { width, height });
  await v.page.waitForSelector(fixture === 'gone' || error ? '#app .empty:not(:empty)' : '#app .summary');
  await v.page.evaluate(() => document.fonts.ready);
  return v;
}

/**
 * Runs every compare view check; returns { passed, failed, results }.
 * @param {{ browser: Browser, origin: string, log?: (line: string) => void }} options
 */
export async function runCompareChecks({ browser, origin, log = console.log }) {
  /** @type {OpenedPage | null} */
  let v = null;
  const view = () => {
    assert(v, 'no view is open');
    return v;
  };
  const { check, summary } = checkRunner({ log, currentPage: () => v?.page, failurePrefix: 'compare-failure', fullPage: true });
  const rich = makeCompareFixture('rich');
  v = await openCompareView(browser, origin);
  const page = view().page;

  await check("compare: the page is the panel's own document (webviewHtml.ts): its CSP, title, #app and assets, with the nonce", () => assertViewDocument(page, comparePage, origin));

  await check('compare: says ready once, then shows both runs and the summary line', async () => {
    eq((await page.evaluate(() => window.__compareHost.messages('ready'))).length, 1, 'ready messages');
    const a = await textOf(page, '.run[data-side="A"] .title');
    const b = await textOf(page, '.run[data-side="B"] .title');
    assert(a.includes('Paris') && b.includes('Berlin'), `run titles: ${a} | ${b}`);
    // Worked out from the fixture's runs (compareFixtures.mjs): cost 0.000055 → 0.000074 is +34.5% → +35%,
    // tokens 280 → 360 is +28.6% → +29%, duration 1500 → 2100 ms is +40%, tool calls 1 → 2, get_stock_price fails in B.
    eq((await textOf(page, '.summary-text')).trim(), 'different user input, cost +35%, tokens +29%, duration +40%, 1 more tool call, new error in get_stock_price', 'summary line');
  });

  await check('compare: the steps are aligned side by side with their status', async () => {
    const rows = await page.$$eval('.rows > .row', (els) => els.map((e) => [e.getAttribute('data-status'), e.querySelector('.step[data-side="A"] .step-open')?.textContent?.trim() ?? null, e.querySelector('.step[data-side="B"] .step-open')?.textContent?.trim() ?? null]));
    eq(rows, [
      ['same', 'A weather-assistant', 'B weather-assistant'],
      ['changed', 'A gpt-4o-mini-2024-07-18', 'B gpt-4o-mini-2024-07-18'],
      ['changed', 'A get_weather', 'B get_weather'],
      ['added', null, 'B get_stock_price'],
      ['changed', 'A gpt-4o-mini-2024-07-18', 'B gpt-4o-mini-2024-07-18'],
    ], 'rows');
    eq(rich.rows.length, 5, 'fixture rows');
  });

  await check('compare: inline diffs mark deletions and insertions with the diff editor colours', async () => {
    const input = '.section[data-section="texts"] .text[data-label="user input"]';
    eq(await page.$$eval(`${input} del`, (els) => els.map((e) => e.textContent)), ['Paris'], 'deleted words');
    const ins = await page.$$eval(`${input} ins`, (els) => els.map((e) => e.textContent));
    assert(ins[0] === 'Berlin' && ins.join('').includes('ACME'), `inserted words: ${JSON.stringify(ins)}`);
    const colours = await page.evaluate((sel) => {
      const probe = document.createElement('span');
      document.body.append(probe);
      probe.style.backgroundColor = 'var(--vscode-diffEditor-insertedTextBackground)';
      const expectIns = getComputedStyle(probe).backgroundColor;
      probe.style.backgroundColor = 'var(--vscode-diffEditor-removedTextBackground)';
      const expectDel = getComputedStyle(probe).backgroundColor;
      probe.remove();
      const ins = /** @type {HTMLElement} */ (document.querySelector(`${sel} ins`));
      const del = /** @type {HTMLElement} */ (document.querySelector(`${sel} del`));
      return { ins: getComputedStyle(ins).backgroundColor, del: getComputedStyle(del).backgroundColor, expectIns, expectDel, strike: getComputedStyle(del).textDecorationLine };
    }, input);
    eq([colours.ins, colours.del, colours.strike], [colours.expectIns, colours.expectDel, 'line-through'], 'diff colours');
    // The tool call's changed arguments, inside its row.
    const args = '.rows > .row:nth-child(3) .text[data-label="arguments"]';
    eq(await page.$$eval(`${args} del`, (els) => els.map((e) => e.textContent)), ['Paris'], 'argument deleted');
    eq(await page.$$eval(`${args} ins`, (els) => els.map((e) => e.textContent)), ['Berlin'], 'argument inserted');
  });

  await check('compare: per-step and total deltas', async () => {
    const totals = await page.$$eval('.totals .delta', (els) => els.map((e) => [e.getAttribute('data-metric'), e.getAttribute('data-dir')]));
    eq(totals, [['cost', 'worse'], ['tokens', 'worse'], ['duration', 'worse'], ['errors', 'worse'], ['model calls', 'even'], ['tool calls', 'worse']], 'totals');
    // First model call: 120 → 150 tokens.
    eq((await textOf(page, '.rows > .row:nth-child(2) .delta[data-metric="tokens"]')).replace(/\s+/g, ' ').trim(), 'tokens +30', 'step token delta');
  });

  await check('compare: tool definitions, parameters and spans that changed', async () => {
    eq(await page.$$eval('table.params tbody tr', (els) => els.map((e) => [...e.children].map((c) => c.textContent?.trim()))), [['temperature', '0.2', '0.7']], 'parameters');
    eq(await page.$$eval('.tool-def', (els) => els.map((e) => e.getAttribute('data-tool'))), ['get_weather'], 'tool definitions');
    const spans = await page.$$eval('.span-changes li', (els) => els.map((e) => [e.getAttribute('data-change'), e.querySelector('.span-path')?.textContent?.trim()]));
    eq(spans, [['status', 'invoke_agent weather-assistant'], ['added', 'invoke_agent weather-assistant > execute_tool get_stock_price']], 'spans');
  });

  await check('compare: a step opens its trace at the span, by click and by keyboard', async () => {
    await page.click('.rows > .row:nth-child(4) .step[data-side="B"] .step-open');
    await page.waitForFunction(() => window.__compareHost.messages('openTrace').length === 1);
    eq(await page.evaluate(() => window.__compareHost.messages('openTrace')), [{ type: 'openTrace', traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', spanId: 'b000000000000005' }], 'openTrace by click');
    await page.focus('.rows > .row:nth-child(3)');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__compareHost.messages('openTrace').length === 2);
    eq((await page.evaluate(() => window.__compareHost.messages('openTrace')))[1], { type: 'openTrace', traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', spanId: 'b000000000000003' }, 'openTrace by Enter');
    // Tab from the row reaches its step buttons.
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement?.classList.contains('step-open')), true, 'Tab moves into the row');
    eq(await view().cspViolations(), [], 'CSP violations');
    eq(view().problems, [], 'page problems');
  });

  await check('compare: markup in traces is shown as text', async () => {
    const x = await openCompareView(browser, origin, { fixture: 'xss' });
    const text = await textOf(x.page, '.section[data-section="texts"] .text[data-label="user input"] pre');
    assert(text.includes(HOSTILE), 'hostile text shown literally');
    eq(await x.page.evaluate(() => window.__xss), undefined, 'no script ran');
    eq(await x.page.$$eval('#app img, #app script', (els) => els.length), 0, 'no element from the trace');
    eq(await x.cspViolations(), [], 'CSP violations');
    await x.close();
  });

  await check('compare: identical runs, a trace gone and an error each say so', async () => {
    const same = await openCompareView(browser, origin, { fixture: 'same' });
    eq((await textOf(same.page, '.summary-text')).trim(), 'no change in cost, tokens, steps or errors', 'same summary');
    eq(await same.page.$$eval('.rows > .row', (els) => els.every((e) => e.getAttribute('data-status') === 'same')), true, 'all rows same');
    await same.close();
    const gone = await openCompareView(browser, origin, { fixture: 'gone' });
    assert((await textOf(gone.page, '.empty')).includes('no longer stored'), 'gone message');
    await gone.close();
    const err = await openCompareView(browser, origin, { error: 'worker restarted' });
    eq(await err.page.getAttribute('.empty.error', 'role'), 'alert', 'error is an alert');
    await err.close();
  });

  await check('compare: a narrow panel stacks the runs and has no horizontal page scroll', async () => {
    const n = await openCompareView(browser, origin, { width: 420 });
    const overflow = await n.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page overflows horizontally by ${overflow}px`);
    eq(n.problems, [], 'page problems');
    await n.close();
  });

  await view().close();
  return summary();
}

/**
 * Full-page screenshots in every theme, wide and narrow.
 * @param {{ browser: Browser, origin: string }} options
 */
export async function takeCompareScreenshots({ browser, origin }) {
  /** @type {string[]} */
  const files = [];
  for (const theme of ['dark', 'light', 'hc']) {
    for (const width of [1000, 460]) {
      const v = await openCompareView(browser, origin, { theme, width, height: 800 });
      await v.page.mouse.move(1, 1);
      const file = join(resultsDir, `compare-${theme}-${width}.png`);
      await v.page.screenshot({ path: file, fullPage: true });
      files.push(file);
      await v.close();
    }
  }
  return files;
}
