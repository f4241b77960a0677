// @ts-check
// Browser checks of Find in the trace view (webview/trace/find.ts) and of the keys that jump
// between spans (F8, ] and [), run by harness.mjs's runWebviewChecks, plus their screenshots
// (takeFindScreenshots, from harness.mjs's takeScreenshots). The fake host answers findInTrace by
// scanning the fixture (fakeFind.mjs); the expected spans below are worked out by hand from the
// agent fixture (fixtures.mjs makeAgentTrace), whose rows in display order are:
//
//    0 invoke_agent weather_assistant          (root)
//    1   chat gpt-4o-mini                      model call 1
//    2     POST
//    3   execute_tool get_weather              tool get_weather
//    4     GET /v1/current
//    5       GET /v1/current   (weather-api)
//    6         SELECT observations
//    7   execute_tool get_forecast             tool get_forecast, status error + exception
//    8     GET /v1/forecast                    status error (HTTP 503)
//    9   chat gpt-4o-mini                      model call 2
//   10   execute_tool search_docs              tool search_docs; its result holds "Lyon climate normals"
//   11     embeddings text-embedding-3-small
//   12     query documents
//   13   chat gpt-4o-mini                      model call 3
//   14   publish audit-events
//   15     process audit-events
//   16 Missing parent span                    (placeholder)
//   17   cache.flush
import { join } from 'node:path';
import { assert, eq, present, resultsDir, textOf } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */
/**
 * harness.mjs's openView.
 * @typedef {(browser: Browser, origin: string, options?: { theme?: string, fixture?: string, select?: string, width?: number, height?: number, delay?: number }) => Promise<OpenedPage>} OpenView
 */

/** Theme colours the find highlights must use (test/webview/themes.mjs, as VS Code defines them). */
const COLORS = {
  dark: { current: 'rgb(158, 106, 3)', match: 'rgba(234, 92, 0, 0.33)', widget: 'rgb(32, 32, 32)' },
  light: { current: 'rgb(168, 172, 148)', match: 'rgba(234, 92, 0, 0.33)', widget: 'rgb(248, 248, 248)' },
};
const HC_BORDER = 'rgb(243, 133, 24)';

/**
 * Runs the Find checks on fresh pages of their own.
 * @param {{ browser: Browser, origin: string, openView: OpenView, check: (name: string, fn: () => unknown) => Promise<void>, setView: (v: OpenedPage | null) => void }} options
 *   `setView` tells the harness which page a failing check should screenshot.
 */
export async function runFindChecks({ browser, origin, openView, check, setView }) {
  const { makeAgentTrace } = await import('./fixtures.mjs');
  const agent = makeAgentTrace();
  /**
   * The agent trace's `i`-th span named `n`.
   * @param {string} n
   */
  const byName = (n, i = 0) => present(agent.skeleton.spans.filter((s) => s.name === n)[i], `span "${n}" #${i}`).spanId;
  const root = agent.skeleton.spans[0].spanId;
  const getWeather = byName('execute_tool get_weather');
  const getForecast = byName('execute_tool get_forecast');
  const getForecastHttp = byName('GET /v1/forecast');
  const searchDocs = byName('execute_tool search_docs');
  const chat = [0, 1, 2].map((i) => byName('chat gpt-4o-mini', i));

  const v = await openView(browser, origin, { fixture: 'agent' });
  setView(v);
  const { page } = v;
  // Keys that reach the window's bubble phase: VS Code listens there (and replays them to the
  // workbench, where Ctrl+F would open its own find widget and F8 "Go to Next Problem").
  await page.evaluate(() => {
    /** @type {string[]} */
    const seen = [];
    Object.assign(window, { __keysSeen: seen });
    window.addEventListener('keydown', (e) => {
      if (!['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) seen.push(`${e.ctrlKey ? 'Ctrl+' : ''}${e.shiftKey ? 'Shift+' : ''}${e.key}`);
    });
  });
  const keysSeen = () => page.evaluate(() => /** @type {string[]} */ (/** @type {any} */ (window).__keysSeen).splice(0));
  const count = () => textOf(page, '#find-widget .find-count');
  /** @param {RegExp} re */
  const waitCount = (re) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector('#find-widget .find-count')?.textContent ?? ''), re.source, { timeout: 5000 });
  const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');
  const live = () => page.evaluate(() => document.querySelector('#find-widget [aria-live]')?.textContent ?? '');
  const findRequests = () => page.evaluate(() => window.__host.requests('findInTrace').map((r) => String(r.params.query)));
  /** @param {string} query */
  const search = async (query) => {
    await page.fill('#find-input', query);
    await page.waitForFunction((q) => window.__host.requests('findInTrace').some((r) => r.params.query === q), query);
  };

  await check('find: Ctrl+F opens the find bar at the top right of the waterfall, the input focused and labelled; VS Code does not get the key', async () => {
    assert(await page.isHidden('#find-widget'), 'the find bar should start closed');
    await page.click('vscode-toolbar-button[icon="collapse-all"]');
    await page.focus('#tree');
    await keysSeen();
    await page.keyboard.press('Control+f');
    await page.waitForSelector('#find-widget:not([hidden])');
    eq(await activeId(), 'find-input', 'focused element');
    eq(await keysSeen(), [], 'keys that reached the window (VS Code would replay Ctrl+F to the workbench)');
    const a11y = await page.evaluate(() => {
      const bar = /** @type {HTMLElement} */ (document.getElementById('find-widget'));
      return {
        role: bar.getAttribute('role'),
        input: document.getElementById('find-input')?.getAttribute('aria-label'),
        buttons: [...bar.querySelectorAll('button')].map((b) => b.getAttribute('aria-label')),
        live: bar.querySelector('[aria-live]')?.getAttribute('aria-live'),
      };
    });
    eq(a11y, { role: 'search', input: 'Find in trace', buttons: ['Previous match (Shift+Enter)', 'Next match (Enter)', 'Close (Escape)'], live: 'polite' }, 'roles and labels');
    // Top right of the left pane, within it.
    const r = await page.evaluate(() => {
      const box = /** @type {HTMLElement} */ (document.getElementById('find-widget')).getBoundingClientRect();
      const pane = /** @type {HTMLElement} */ (document.querySelector('.pane-waterfall')).getBoundingClientRect();
      return { right: pane.right - box.right, top: box.top - pane.top, left: box.left - pane.left };
    });
    assert(r.right >= 0 && r.right < 24 && r.top >= 0 && r.top < 8 && r.left > 0, `the bar is not at the top right of the waterfall pane: ${JSON.stringify(r)}`);
  });

  await check('find: typing finds a tool span hidden in a collapsed subtree; Enter selects it, expands its ancestors, shows its details', async () => {
    const before = (await findRequests()).length;
    await page.keyboard.type('climate normals');
    // Only execute_tool search_docs holds "Lyon climate normals" (its tool result), nowhere else.
    await waitCount(/^\? of 1$/);
    const requests = (await findRequests()).slice(before);
    assert(requests.length < 'climate normals'.length && requests.at(-1) === 'climate normals', `typing should be debounced into a few requests: ${JSON.stringify(requests)}`);
    assert(!(await page.$(`#tree .row[data-span-id="${searchDocs}"]`)), 'the match should still be hidden under the collapsed root');
    assert(await page.$eval(`#tree .row[data-span-id="${root}"]`, (e) => e.classList.contains('find-inside')), 'the collapsed root should be marked as hiding a match');
    eq(await live(), '1 result', 'announcement');
    await page.keyboard.press('Enter');
    await waitSelected(page, searchDocs);
    assert(await page.isVisible(`#tree .row[data-span-id="${searchDocs}"]`), 'the match is not visible');
    eq(await page.getAttribute(`#tree .row[data-span-id="${root}"]`, 'aria-expanded'), 'true', 'root expanded');
    assert(await page.$eval(`#tree .row[data-span-id="${searchDocs}"]`, (e) => e.classList.contains('find-match') && e.classList.contains('find-current')), 'the selected match is the current one');
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.tool.call.result"]');
    eq((await textOf(page, '#details .attr-row[data-key="gen_ai.tool.name"]')).includes('search_docs'), true, 'details of search_docs');
    eq(await count(), '1 of 1', 'count');
    eq(await activeId(), 'find-input', 'the focus stays in the find input');
    eq(await live(), 'Result 1 of 1: execute_tool search_docs', 'announcement');
  });

  await check('find: Enter / Shift+Enter and F3 / Shift+F3 step through the matches in display order, wrapping', async () => {
    await search('tool:get');
    // get_weather (row 3) and get_forecast (row 7); search_docs (row 10) is selected and does not match.
    await waitCount(/^\? of 2$/);
    const matched = await page.$$eval('#tree .row.find-match', (rows) => rows.map((r) => r.dataset.spanId));
    eq(matched, [getWeather, getForecast], 'highlighted rows');
    /** @type {[string, string, string][]} */
    const steps = [
      ['Enter', getWeather, '1 of 2'], // wraps from search_docs to the first match
      ['Enter', getForecast, '2 of 2'],
      ['Shift+Enter', getWeather, '1 of 2'],
      ['Shift+Enter', getForecast, '2 of 2'], // wraps backwards
      ['F3', getWeather, '1 of 2'],
      ['Shift+F3', getForecast, '2 of 2'],
    ];
    await keysSeen();
    for (const [key, spanId, text] of steps) {
      await page.keyboard.press(key);
      await waitSelected(page, spanId);
      eq(await count(), text, `count after ${key}`);
    }
    eq(await page.$$eval('#tree .row.find-current', (rows) => rows.map((r) => r.dataset.spanId)), [getForecast], 'one current match');
    eq(await live(), 'Result 2 of 2: execute_tool get_forecast', 'announcement');
    eq(await keysSeen(), [], 'Enter and F3 reached the window');
    // The buttons are in the Tab order after the input (and step too).
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Previous match (Shift+Enter)', 'Tab from the input');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitSelected(page, getWeather);
    await page.focus('#find-input');
  });

  await check('find: no match says "No results"; a query error shows in the bar (red border, message, tooltip)', async () => {
    await search('zzzz-nowhere');
    await waitCount(/^No results$/);
    assert(await page.$eval('#find-widget', (e) => e.classList.contains('no-results')), 'no-results state');
    eq((await page.$$('#tree .row.find-match')).length, 0, 'highlighted rows');
    eq(await live(), 'No results', 'announcement');
    eq(await page.$eval('#find-widget .find-next', (b) => /** @type {HTMLButtonElement} */ (b).disabled), true, 'Next disabled');

    await search('duration>2x');
    await page.waitForSelector('#find-message:not([hidden])');
    const r = await page.evaluate(() => {
      const input = /** @type {HTMLInputElement} */ (document.getElementById('find-input'));
      return { message: document.getElementById('find-message')?.textContent, invalid: input.getAttribute('aria-invalid'), title: input.title, border: getComputedStyle(input).borderTopColor, count: document.querySelector('#find-widget .find-count')?.textContent };
    });
    eq(r.message, 'duration>2x: unknown unit "x" (use ms, s, m, h)', 'message under the input');
    eq([r.invalid, r.count, r.border], ['true', 'Invalid query', 'rgb(190, 17, 0)'], 'aria-invalid, count, border (inputValidation.errorBorder)');
    assert(r.title.startsWith('duration>2x: unknown unit "x"'), `tooltip: ${r.title}`);
    eq(await live(), 'Invalid query: duration>2x: unknown unit "x" (use ms, s, m, h)', 'announcement');
    // The host failing (the back end restarting) is shown the same way.
    await page.evaluate(() => (window.__host.findFailWith = 'the back end is restarting'));
    await search('paris');
    await page.waitForFunction(() => document.getElementById('find-message')?.textContent === 'Find failed: the back end is restarting');
    await page.evaluate(() => (window.__host.findFailWith = undefined));
  });

  await check('find: the results are asked again when the trace grows while the bar is open', async () => {
    await search('tool:get');
    await waitCount(/ of 2$/);
    // The first 4 spans by start time: root, chat, POST, execute_tool get_weather.
    let before = (await findRequests()).length;
    await page.evaluate(() => window.__host.load('agent', null, 4));
    await waitCount(/ of 1$/);
    // Asked again for the partial trace: the answer (get_weather only) replaces the old one.
    await page.waitForFunction((n) => window.__host.requests('findInTrace').length > n, before);
    await page.waitForTimeout(200);
    before = (await findRequests()).length;
    await page.evaluate(() => window.__host.load('agent', null));
    await waitCount(/ of 2$/);
    assert((await findRequests()).length > before, 'no new findInTrace request after the update');
    eq(await page.$$eval('#tree .row.find-match', (rows) => rows.map((r) => r.dataset.spanId)), [getWeather, getForecast], 'highlighted rows after the update');
  });

  await check('find: while the index catches up the bar says results may be incomplete', async () => {
    await page.evaluate(() => (window.__host.findPendingSpans = 40));
    await search('search_docs');
    await page.waitForSelector('#find-widget .find-incomplete:not([hidden])');
    await page.evaluate(() => (window.__host.findPendingSpans = 0));
    // Asked again by itself (INDEX_RETRY_MS), and the note goes.
    await page.waitForSelector('#find-widget .find-incomplete[hidden]', { state: 'attached', timeout: 5000 });
  });

  await check('find: Conversation items of matching spans are highlighted; stepping marks the current one', async () => {
    await page.click(`#tree .row[data-span-id="${getWeather}"] .name`);
    await search('tool:get');
    await waitCount(/^1 of 2$/);
    await page.click('vscode-tab-header[data-tab="conversation"]');
    await page.waitForSelector('#conversation .conv-items');
    assert(await page.isVisible('#find-widget'), 'the find bar should stay over the Conversation tab');
    eq(await page.$$eval('#conversation .conv-item.find-match', (els) => els.map((e) => e.dataset.spanId)), [getWeather, getForecast], 'highlighted items');
    // get_weather is selected: the next match is get_forecast, then (wrapping) get_weather.
    await page.focus('#find-input');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#conversation .conv-item.find-current[data-span-id="${getForecast}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#conversation .conv-item.find-current[data-span-id="${getWeather}"]`);
    eq((await page.$$('#conversation .conv-item.find-current')).length, 1, 'one current item');
    await page.click('vscode-tab-header[data-tab="waterfall"]');
    await page.waitForSelector('vscode-tab-panel[data-tab="waterfall"]:not([hidden])');
  });

  await check('find: Escape closes the bar, clears the highlights and gives the focus back to the span tree', async () => {
    await page.focus('#find-input');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#find-widget[hidden]', { state: 'attached' });
    eq(await activeId(), 'tree', 'focused element');
    eq((await page.$$('#tree .row.find-match, #tree .row.find-inside')).length, 0, 'highlights left in the waterfall');
    await waitSelected(page, getWeather);
    // The hidden Conversation tab renders when it is shown again: no highlights there either.
    await page.click('vscode-tab-header[data-tab="conversation"]');
    await page.waitForSelector('#conversation .conv-items');
    eq((await page.$$('#conversation .find-match')).length, 0, 'highlights left in the conversation');
    await page.click('vscode-tab-header[data-tab="waterfall"]');
    await page.waitForSelector('vscode-tab-panel[data-tab="waterfall"]:not([hidden])');
    // The header's Find button opens it again, with the last query.
    await page.click('vscode-toolbar-button.find-button');
    await page.waitForSelector('#find-widget:not([hidden])');
    eq(await page.inputValue('#find-input'), 'tool:get', 'query kept');
    await waitCount(/^1 of 2$/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#find-widget[hidden]', { state: 'attached' });
  });

  await check('F8 / Shift+F8: the next / previous error span from the selection (status error or exception), wrapping', async () => {
    await page.click(`#tree .row[data-span-id="${getWeather}"] .name`);
    await keysSeen();
    // Errors in display order: execute_tool get_forecast (row 7), GET /v1/forecast (row 8).
    /** @type {[string, string, string][]} */
    const steps = [
      ['F8', getForecast, 'Error span 1 of 2'],
      ['F8', getForecastHttp, 'Error span 2 of 2'],
      ['F8', getForecast, 'Error span 1 of 2'], // wraps
      ['Shift+F8', getForecastHttp, 'Error span 2 of 2'], // wraps backwards
    ];
    for (const [key, spanId, toast] of steps) {
      await page.keyboard.press(key);
      await waitSelected(page, spanId);
      eq(await textOf(page, '#find-toast'), toast, `status after ${key}`);
    }
    await page.keyboard.press('Shift+F8');
    await waitSelected(page, getForecast);
    await page.waitForSelector('#details .event.exception');
    eq(await activeId(), 'tree', 'the focus stays in the tree');
    eq(await keysSeen(), [], 'F8 reached the window (VS Code would run Go to Next Problem)');
  });

  await check('] / [: the next / previous model call from the selection, wrapping; typed as text in the find input', async () => {
    await page.click(`#tree .row[data-span-id="${getWeather}"] .name`);
    /** @type {[string, string, string][]} */
    const steps = [
      [']', chat[1], 'Model call 2 of 3'],
      [']', chat[2], 'Model call 3 of 3'],
      [']', chat[0], 'Model call 1 of 3'], // wraps
      ['[', chat[2], 'Model call 3 of 3'], // wraps backwards
    ];
    for (const [key, spanId, toast] of steps) {
      await page.keyboard.press(key);
      await waitSelected(page, spanId);
      eq(await textOf(page, '#find-toast'), toast, `status after ${key}`);
    }
    await page.waitForSelector('#details .attr-row[data-key="gen_ai.request.model"]');
    await page.keyboard.press('Control+f');
    await page.fill('#find-input', '');
    await page.keyboard.type('[x]');
    eq(await page.inputValue('#find-input'), '[x]', 'brackets typed in the input');
    eq(await selectedId(page), chat[2], 'the selection did not move');
    await page.keyboard.press('Escape');
  });

  await check('find: the last query survives a reload of the webview (vscode.setState), offered by Ctrl+F', async () => {
    await page.waitForTimeout(250); // setState is coalesced
    await page.reload();
    await page.waitForSelector('#tree .row[data-span-id]');
    await page.focus('#tree');
    await page.keyboard.press('Control+f');
    await page.waitForSelector('#find-widget:not([hidden])');
    eq(await page.inputValue('#find-input'), '[x]', 'query after the reload');
    await waitCount(/^No results$/);
    await page.keyboard.press('Escape');
  });

  await check('no CSP violations, page errors, console errors or dialogs (find)', async () => {
    const csp = await v.cspViolations();
    assert(csp.length === 0, `CSP violations: ${csp.join('; ')}`);
    assert(v.problems.length === 0, v.problems.join('; '));
  });
  await v.close();

  const plain = await openView(browser, origin, { fixture: 'plain' });
  setView(plain);
  await check('F8 and ] in a trace without errors or model calls: a brief status says so, then goes', async () => {
    const p = plain.page;
    await p.focus('#tree');
    await p.keyboard.press('F8');
    await p.waitForSelector('#find-toast:not([hidden])');
    eq(await textOf(p, '#find-toast'), 'No error spans in this trace', 'F8 status');
    await p.keyboard.press(']');
    eq(await textOf(p, '#find-toast'), 'No model calls in this trace', '] status');
    await p.waitForSelector('#find-toast[hidden]', { state: 'attached', timeout: 5000 });
    assert(plain.problems.length === 0, plain.problems.join('; '));
  });
  await plain.close();

  for (const theme of /** @type {const} */ (['dark', 'light', 'hc'])) {
    const t = await openView(browser, origin, { theme, fixture: 'agent' });
    setView(t);
    await check(`find colours follow the theme (${theme}): matches, the current match, the bar`, async () => {
      const p = t.page;
      await p.focus('#tree');
      await p.keyboard.press('Control+f');
      await p.keyboard.type('tool:get');
      await p.waitForFunction(() => / of 2$/.test(document.querySelector('#find-widget .find-count')?.textContent ?? ''));
      await p.keyboard.press('Enter');
      await waitSelected(p, getWeather);
      const s = await p.evaluate(([current, other]) => {
        /** @param {string} sel */
        const cs = (sel) => getComputedStyle(/** @type {Element} */ (document.querySelector(sel)));
        const cur = cs(`#tree .row[data-span-id="${current}"]`);
        return {
          current: cs(`#tree .row[data-span-id="${current}"] .cell-name`).backgroundColor,
          currentOutline: `${cur.outlineStyle} ${cur.outlineWidth} ${cur.outlineColor}`,
          match: cs(`#tree .row[data-span-id="${other}"] .cell-name`).backgroundColor,
          matchOutline: `${cs(`#tree .row[data-span-id="${other}"]`).outlineStyle} ${cs(`#tree .row[data-span-id="${other}"]`).outlineColor}`,
          widget: cs('#find-widget').backgroundColor,
        };
      }, [getWeather, getForecast]);
      if (theme === 'hc') {
        // High contrast: no find backgrounds, borders instead (solid for the current match, dashed for the others).
        eq([s.current, s.match], ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)'], 'backgrounds');
        eq([s.currentOutline, s.matchOutline], [`solid 2px ${HC_BORDER}`, `dashed ${HC_BORDER}`], 'outlines');
      } else {
        eq({ current: s.current, match: s.match, widget: s.widget }, COLORS[theme], 'colours');
      }
      assert(t.problems.length === 0 && (await t.cspViolations()).length === 0, `problems: ${t.problems.join('; ')}`);
    });
    await t.close();
  }
  setView(null);
}

/**
 * Screenshots of Find for people to look at (each theme, a query error, the Conversation tab, a
 * narrow pane); returns the file paths.
 * @param {{ browser: Browser, origin: string, openView: OpenView }} options
 */
export async function takeFindScreenshots({ browser, origin, openView }) {
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
  /**
   * @param {Page} page
   * @param {string} query
   */
  const find = async (page, query) => {
    await page.focus('#tree');
    await page.keyboard.press('Control+f');
    await page.fill('#find-input', query);
    await page.waitForFunction((q) => window.__host.requests('findInTrace').some((r) => r.params.query === q) && (document.querySelector('#find-widget .find-count')?.textContent ?? '') !== '', query);
  };
  for (const theme of ['dark', 'light', 'hc']) {
    const v = await openView(browser, origin, { theme, fixture: 'agent' });
    await v.page.click('vscode-toolbar-button[icon="collapse-all"]');
    await find(v.page, 'paris');
    await v.page.keyboard.press('Enter');
    await v.page.keyboard.press('Enter');
    await v.page.waitForSelector('#details .attr-row');
    await v.page.mouse.move(5, 5);
    await shot(`find-${theme}`, v.page);
    await find(v.page, 'duration>2x');
    await v.page.waitForSelector('#find-message:not([hidden])');
    await shot(`find-invalid-${theme}`, v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'agent' });
    await find(v.page, 'tool:get');
    await v.page.keyboard.press('Enter');
    await v.page.click('vscode-tab-header[data-tab="conversation"]');
    await v.page.waitForSelector('#conversation .conv-item.find-current');
    await v.page.mouse.move(5, 5);
    await shot('find-conversation-dark', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'light', fixture: 'agent', width: 720, height: 900 });
    await find(v.page, 'weather');
    await v.page.keyboard.press('Enter');
    await v.page.mouse.move(5, 5);
    await shot('find-narrow-light', v.page);
    await v.page.keyboard.press('Escape');
    await v.page.keyboard.press('F8');
    await v.page.waitForSelector('#find-toast:not([hidden])');
    await shot('find-f8-narrow-light', v.page);
    await v.close();
  }
  return files;
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
