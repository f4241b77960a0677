// @ts-check
// Browser checks of how the trace view loads span details (webview/trace/detailLoader.ts): details
// fetched ahead when the pointer rests on a row or a keyboard selection settles (so the click or
// key that follows needs no round trip), a sweep across rows asking for none, and `sourceInfo`
// asked only for spans that have a code location or a stack trace. Run by harness.mjs's
// runWebviewChecks on the agent fixture (fixtures.mjs makeAgentTrace), whose rows in display
// order start: invoke_agent weather_assistant (code.file.path), chat gpt-4o-mini, POST,
// execute_tool get_weather, GET /v1/current, GET /v1/current, SELECT observations,
// execute_tool get_forecast (an exception with a stack trace), …
import { assert, eq, present } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */

/**
 * @param {{ browser: Browser, origin: string, openView: (browser: Browser, origin: string, options?: { fixture?: string }) => Promise<OpenedPage>,
 *   check: (name: string, fn: () => Promise<void>) => Promise<void>, setView: (v: OpenedPage) => void }} options
 */
export async function runDetailChecks({ browser, origin, openView, check, setView }) {
  const v = await openView(browser, origin, { fixture: 'agent' });
  setView(v);
  const { page } = v;
  const spans = await page.evaluate(() => /** @type {import('../../src/model/trace').SkeletonSpan[]} */ (window.__host.loadedSpans));
  /** @param {string} name */
  const byName = (name, i = 0) => present(spans.filter((s) => s.name === name)[i], `span "${name}" #${i}`).spanId;
  /** @param {string} method @param {string} spanId */
  const requestsFor = (method, spanId) => page.evaluate(({ method, spanId }) => window.__host.requests(method).filter((r) => r.params.spanId === spanId).length, { method, spanId });
  await page.waitForSelector('#details[data-state="loaded"]');

  await check('details: resting the pointer on a row fetches its details; the click shows them with no second request', async () => {
    const id = byName('GET /v1/current');
    eq(await requestsFor('spanDetail', id), 0, 'requests before the hover');
    await page.hover(`.row[data-span-id="${id}"] .name`);
    await page.waitForFunction((spanId) => window.__host.requests('spanDetail').some((r) => r.params.spanId === spanId), id);
    // The answer is in the cache once it arrived (the fake host answers after `delay` ms).
    await page.waitForTimeout(150);
    // Watch the pane from now: a cached detail goes straight to `loaded`, never `loading`.
    await page.evaluate(() => {
      const details = /** @type {HTMLElement} */ (document.getElementById('details'));
      window.__states = [];
      new MutationObserver(() => window.__states.push(`${details.dataset.state}:${details.dataset.spanId}`)).observe(details, { attributes: true, attributeFilter: ['data-state'] });
    });
    await page.click(`.row[data-span-id="${id}"] .name`);
    await page.waitForSelector(`#details[data-state="loaded"][data-span-id="${id}"]`);
    const states = await page.evaluate(() => window.__states);
    assert(!states.some((s) => s.startsWith('loading')), `the pane showed a loading state: ${states.join(', ')}`);
    eq(await requestsFor('spanDetail', id), 1, 'spanDetail requests for the span');
  });

  await check('details: a prefetch does not change the details shown; a sweep across rows asks for none of them', async () => {
    const shown = await page.getAttribute('#details', 'data-span-id');
    // The last click has settled (its neighbours were fetched ahead) before counting.
    await page.waitForTimeout(300);
    const before = await page.evaluate(() => window.__host.requests('spanDetail').length);
    const first = /** @type {DOMRect} */ (await page.locator('#tree .row[data-span-id]').first().evaluate((e) => e.getBoundingClientRect().toJSON()));
    // 12 rows of 22 px in about 12 ms (one mouse move per row): no row is rested on.
    await page.mouse.move(first.left + 40, first.top + 5);
    await page.mouse.move(first.left + 40, first.top + 12 * 22, { steps: 12 });
    await page.mouse.move(5, 5);
    await page.waitForTimeout(200);
    const after = await page.evaluate(() => window.__host.requests('spanDetail').length);
    assert(after - before <= 1, `a sweep sent ${after - before} spanDetail requests`);
    eq(await page.getAttribute('#details', 'data-span-id'), shown, 'the details shown');
    eq(await page.getAttribute('#details', 'data-state'), 'loaded', 'the details state');
  });

  await check('details: once a keyboard selection settles, the rows next to it are fetched; ↓ then shows its details at once', async () => {
    const getWeather = byName('execute_tool get_weather');
    const next = byName('GET /v1/current');
    const post = byName('POST');
    await page.click(`.row[data-span-id="${post}"] .name`);
    await page.waitForSelector(`#details[data-state="loaded"][data-span-id="${post}"]`);
    await page.focus('#tree');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`#details[data-state="loaded"][data-span-id="${getWeather}"]`);
    // The row below was fetched ahead (it may also have been cached by the hover check: then no request is needed).
    await page.waitForFunction(
      (spanId) => window.__host.requests('spanDetail').some((r) => r.params.spanId === spanId),
      next,
    );
    await page.waitForTimeout(150);
    const requests = await requestsFor('spanDetail', next);
    await page.keyboard.press('ArrowDown');
    // No keyboard delay and no request: the details are there in the key's own task.
    const state = await page.evaluate(() => `${document.getElementById('details')?.dataset.state}:${document.getElementById('details')?.dataset.spanId}`);
    eq(state, `loaded:${next}`, 'details right after ↓');
    eq(await requestsFor('spanDetail', next), requests, 'spanDetail requests for the row below');
  });

  await check('details: sourceInfo is asked only for spans with a code location or a stack trace', async () => {
    const post = byName('SELECT observations');
    const failing = byName('execute_tool get_forecast');
    const root = byName('invoke_agent weather_assistant');
    await page.click(`.row[data-span-id="${post}"] .name`);
    await page.waitForSelector(`#details[data-state="loaded"][data-span-id="${post}"]`);
    await page.click(`.row[data-span-id="${failing}"] .name`);
    await page.waitForSelector(`#details[data-state="loaded"][data-span-id="${failing}"]`);
    await page.waitForTimeout(100);
    eq(await requestsFor('sourceInfo', post), 0, 'sourceInfo requests for a span without code location or stack');
    assert((await requestsFor('sourceInfo', failing)) >= 1, 'no sourceInfo request for the span with a stack trace');
    assert((await requestsFor('sourceInfo', root)) >= 1, 'no sourceInfo request for the span with code.file.path');
  });

  await check('User Timing: the first rows of a new trace and each clicked span\'s details are measured (webview/trace/timing.ts)', async () => {
    const rows = await page.evaluate(() => performance.getEntriesByName('trace-lens:first-rows', 'measure').map((e) => ({ ms: e.duration, detail: /** @type {PerformanceMeasure} */ (e).detail })));
    eq(rows.length, 1, 'first-rows measures');
    eq(rows[0].detail.spans, spans.length, 'spans in the first-rows measure');
    assert(rows[0].ms > 0 && rows[0].ms < 10_000, `first-rows duration ${rows[0].ms}`);
    const id = byName('chat gpt-4o-mini', 2);
    const before = await page.evaluate(() => performance.getEntriesByName('trace-lens:span-details', 'measure').length);
    await page.click(`.row[data-span-id="${id}"] .name`);
    await page.waitForFunction((n) => performance.getEntriesByName('trace-lens:span-details', 'measure').length > n, before);
    const last = await page.evaluate(() => {
      const e = /** @type {PerformanceMeasure} */ (performance.getEntriesByName('trace-lens:span-details', 'measure').at(-1));
      return { ms: e.duration, detail: e.detail };
    });
    eq(last.detail.spanId, id, 'span of the measure');
    // The fake host answers after 30 ms (harness.mjs openView `delay`), unless it was fetched ahead.
    assert(last.detail.cached || last.ms >= 30, `span-details duration ${last.ms} without the cache`);
  });

  await check('no CSP violations or errors (detail loading)', async () => {
    assert((await v.cspViolations()).length === 0, 'CSP violations');
    assert(v.problems.length === 0, v.problems.join('; '));
  });
  await v.close();
}
