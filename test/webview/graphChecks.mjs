// @ts-check
// Browser checks of the Graph tab (webview/trace/graph.ts, graphLayout.ts, graphRender.ts) and its
// screenshots, run by harness.mjs. The fake host answers traceGraph / sessionGraph with the real
// graph builder over the fixtures (graphFixtures.mjs); the expected nodes and edges below come
// from the fixtures' own spans (their attributes and names), not from the builder.
import { join } from 'node:path';
import { assert, eq, importBundled, resultsDir, textOf } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('./findChecks.mjs').OpenView} OpenView */
/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */
/** @typedef {(browser: Browser, origin: string, options?: Parameters<OpenView>[2] & { session?: string }) => Promise<OpenedPage>} OpenGraphView */

const graphFixtures = /** @type {typeof import('./graphFixtures.mjs')} */ (await importBundled('test/webview/graphFixtures.mjs'));

/**
 * Node ids as the graph names them (src/core/graph/buildGraph.ts graphNodeId): `kind:name`,
 * models `model:provider/name`.
 */
const id = {
  agent: (/** @type {string} */ n) => `agent:${n}`,
  tool: (/** @type {string} */ n) => `tool:${n}`,
  model: (/** @type {string} */ n, p = '') => `model:${p}/${n}`,
};

/**
 * Opens the Graph tab and waits for its nodes (or its message).
 * @param {Page} page
 * @param {string} [waitFor]
 */
async function showGraph(page, waitFor = '#graph .gn') {
  await page.click('vscode-tab-header[data-tab="graph"]');
  await page.waitForSelector(waitFor);
}

/** @param {Page} page */
const nodeIds = (page) => page.$$eval('#graph .gn', (gs) => gs.map((g) => /** @type {SVGGElement} */ (g).dataset.nodeId ?? ''));
/** @param {Page} page */
const edgeList = (page) =>
  page.$$eval('#graph .ge', (gs) => gs.map((g) => `${/** @type {SVGGElement} */ (g).dataset.from} -> ${/** @type {SVGGElement} */ (g).dataset.to} ${g.querySelector('.ge-label')?.textContent ?? ''}`).sort());
/**
 * Waits until the details pane shows span `spanId` (the waterfall's selection: its rows are not
 * rendered while the Graph tab hides it).
 * @param {Page} page
 * @param {string} spanId
 */
const waitDetails = (page, spanId) => page.waitForFunction((s) => [...document.querySelectorAll('#details code.id')].some((e) => e.textContent === s), spanId);

/**
 * @param {{ browser: Browser, origin: string, openView: OpenGraphView, check: (name: string, fn: () => unknown) => Promise<void>, setView: (v: OpenedPage | null) => void }} options
 */
export async function runGraphChecks({ browser, origin, openView, check, setView }) {
  const { makeAgentTrace } = await import('./fixtures.mjs');
  const agent = makeAgentTrace();
  const spans = agent.skeleton.spans;
  /** @param {string} name */
  const named = (name) => spans.filter((s) => s.name === name);
  /** @param {SkeletonSpan} s @param {string} key */
  const attr = (s, key) => agent.detail(s.spanId)?.span.attributes[key];
  const chats = named('chat gpt-4o-mini');
  const model = String(attr(chats[0], 'gen_ai.response.model'));
  const MODEL = id.model(model, String(attr(chats[0], 'gen_ai.provider.name')));
  const AGENT = id.agent(String(attr(named('invoke_agent weather_assistant')[0], 'gen_ai.agent.name')));
  const tools = spans.filter((s) => attr(s, 'gen_ai.operation.name') === 'execute_tool');

  let v = await openView(browser, origin, { fixture: 'agent' });
  setView(v);
  let page = v.page;

  await check('graph: the Graph tab shows the agent, its tools and models, with call counts on the edges', async () => {
    await showGraph(page);
    const ids = await nodeIds(page);
    for (const want of [AGENT, MODEL, ...tools.map((t) => id.tool(String(attr(t, 'gen_ai.tool.name'))))]) assert(ids.includes(want), `no node ${want} in ${ids.join(', ')}`);
    assert(ids.includes(id.model('text-embedding-3-small')), `no embeddings model node in ${ids.join(', ')}`);
    const edges = await edgeList(page);
    assert(edges.includes(`${AGENT} -> ${MODEL} ×${chats.length}`), `edges: ${edges.join('; ')}`);
    assert(edges.includes(`${AGENT} -> ${id.tool('get_forecast')} ×1 · 1 failed`), `the failed call is not on its edge: ${edges.join('; ')}`);
    // The embeddings call is made inside the search_docs tool.
    assert(edges.includes(`${id.tool('search_docs')} -> ${id.model('text-embedding-3-small')} ×1`), `edges: ${edges.join('; ')}`);
    // One tab stop among the nodes.
    eq(await page.$$eval('#graph .gn[tabindex="0"]', (g) => g.length), 1, 'nodes with tabindex 0');
    eq(await page.getAttribute('vscode-tab-header[data-tab="graph"]', 'aria-selected'), 'true', 'Graph tab selected');
  });

  await check('graph: node text — kind, name and "N calls · E errors · $cost · p50" (errors in the error colour)', async () => {
    const node = (/** @type {string} */ nodeId) => page.locator(`#graph .gn[data-node-id="${nodeId}"]`);
    eq(await textOf(node(MODEL).locator('.gn-name')), model, 'model name');
    eq(await textOf(node(MODEL).locator('.gn-kind')), 'MODEL · OPENAI', 'model kind line');
    const stats = await textOf(node(MODEL).locator('.gn-stats'));
    assert(/^3 calls · \$0\.\d+ · p50 [\d.]+m?s$/.test(stats), `model stats: ${stats}`);
    const forecast = node(id.tool('get_forecast'));
    const err = await textOf(forecast.locator('.gn-err'));
    eq(err, '1 error', 'error segment');
    const colors = await forecast.locator('.gn-err').evaluate((e) => [getComputedStyle(e).fill, getComputedStyle(/** @type {Element} */ (e.parentElement)).fill]);
    assert(colors[0] !== colors[1], `the error count has the stats colour: ${colors.join(' / ')}`);
    // The embeddings model has no price in the data: its cost says so, and the agent's is a lower bound.
    assert((await textOf(node(id.model('text-embedding-3-small')).locator('.gn-stats'))).includes('no price'), 'unpriced model');
    assert((await textOf(node(AGENT).locator('.gn-stats'))).includes('≥ $'), 'the agent cost is a lower bound');
    // Tooltip and accessible name in words.
    const label = (await forecast.getAttribute('aria-label')) ?? '';
    assert(label.startsWith('Tool: get_forecast. 1 call, 1 error'), `aria-label: ${label}`);
  });

  await check('graph: clicking a node selects its span in the waterfall (details load) and highlights its spans; again steps to the next', async () => {
    await page.click(`#graph .gn[data-node-id="${id.tool('get_weather')}"]`);
    const tool = named('execute_tool get_weather')[0];
    await waitDetails(page, tool.spanId);
    assert(await page.isVisible('#graph .graph-selection'), 'the selection bar is hidden');
    // The model node: 3 spans highlighted, a second click selects the second call.
    await page.click(`#graph .gn[data-node-id="${MODEL}"]`);
    await waitDetails(page, chats[0].spanId);
    await page.click(`#graph .gn[data-node-id="${MODEL}"]`);
    await waitDetails(page, chats[1].spanId);
    assert((await textOf(page, '#graph .graph-selection-text')).includes('span 2 of 3'), await textOf(page, '#graph .graph-selection-text'));
    eq(await page.getAttribute(`#graph .gn[data-node-id="${MODEL}"]`, 'aria-pressed'), 'true', 'aria-pressed on the chosen node');
    await page.click('#graph .graph-selection >> text=Show in Waterfall');
    await page.waitForSelector('#tree .row.graph-match');
    const highlighted = await page.$$eval('#tree .row.graph-match', (rows) => rows.map((r) => /** @type {HTMLElement} */ (r).dataset.spanId).sort());
    eq(JSON.stringify(highlighted), JSON.stringify(chats.map((c) => c.spanId).sort()), 'highlighted rows');
    eq(await page.getAttribute('vscode-tab-header[data-tab="waterfall"]', 'aria-selected'), 'true', 'Waterfall tab shown');
    // The waterfall shows the selection: the second model call.
    await page.waitForSelector(`#tree .row[data-span-id="${chats[1].spanId}"][aria-selected="true"]`);
  });

  await check('graph: keyboard — arrows move between nodes (one tab stop), Enter selects, Escape clears the highlight', async () => {
    await showGraph(page);
    await page.focus('#graph .gn[tabindex="0"]');
    const first = await page.evaluate(() => /** @type {SVGGElement} */ (document.activeElement).dataset.nodeId);
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => /** @type {SVGGElement | null} */ (document.activeElement)?.dataset?.nodeId);
    assert(second && second !== first, `ArrowRight did not move the focus (${first} → ${second})`);
    eq(await page.$$eval('#graph .gn[tabindex="0"]', (g) => g.map((x) => /** @type {SVGGElement} */ (x).dataset.nodeId).join()), second, 'the tab stop follows the focus');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector(`#graph .gn[data-node-id="${n}"]`)?.classList.contains('gn-active'), second);
    const node = graphFixtures.fixtureGraph(agent, 'trace').nodes.find((n) => n.id === second);
    await waitDetails(page, node?.spanIds[0] ?? '(none)');
    await page.keyboard.press('Escape');
    // (Parked rows, out of view, keep their classes until reused: only rows in view count.)
    await page.waitForFunction(() => !document.querySelector('#graph .gn-active') && !document.querySelector('#tree .row.graph-match[data-span-id]'));
    assert(await page.isHidden('#graph .graph-selection'), 'the selection bar stays');
  });

  await check('graph: zoom buttons scale the drawing; fit brings it back', async () => {
    const width = () => page.$eval('#graph .graph-svg', (s) => Number(s.getAttribute('width')));
    const before = await width();
    await page.click('#graph .icon-btn.codicon-zoom-in');
    const after = await width();
    assert(after > before, `zoom in: ${before} → ${after}`);
    await page.click('#graph .icon-btn.codicon-screen-normal');
    eq(await width(), before, 'fit');
  });

  await check('graph: no session toggle for a trace without a session; no CSP violations or errors', async () => {
    assert(await page.isHidden('#graph .graph-scope'), 'the scope toggle shows without a session');
    eq((await v.cspViolations()).length, 0, 'CSP violations');
    eq(v.problems.length, 0, v.problems.join('; '));
  });
  await v.close();

  // Session ----------------------------------------------------------------------------------------
  v = await openView(browser, origin, { fixture: 'agent', session: 'conv_5f2a9c' });
  setView(v);
  page = v.page;
  await check('graph: "Session" aggregates the session\'s runs (the fixture twice: counts double), and back', async () => {
    await showGraph(page);
    await page.click('#graph .graph-scope-btn[data-scope="session"]');
    await page.waitForFunction(() => (document.querySelector('#graph .graph-summary')?.textContent ?? '').startsWith('2 traces'));
    const stats = await textOf(page, `#graph .gn[data-node-id="${MODEL}"] .gn-stats`);
    assert(stats.startsWith(`${2 * chats.length} calls`), `session model stats: ${stats}`);
    assert((await edgeList(page)).includes(`${AGENT} -> ${MODEL} ×${2 * chats.length}`), 'session edge count');
    eq(await page.getAttribute('#graph .graph-scope-btn[data-scope="session"]', 'aria-pressed'), 'true', 'aria-pressed');
    assert((await page.evaluate(() => window.__host.requests('sessionGraph').length)) > 0, 'sessionGraph was not asked');
    // Clicking a node still selects the span of this trace.
    await page.click(`#graph .gn[data-node-id="${id.tool('get_forecast')}"]`);
    await waitDetails(page, named('execute_tool get_forecast')[0].spanId);
    await page.click('#graph .graph-scope-btn[data-scope="trace"]');
    await page.waitForFunction(() => !(document.querySelector('#graph .graph-summary')?.textContent ?? '').includes('traces'));
    assert((await textOf(page, `#graph .gn[data-node-id="${MODEL}"] .gn-stats`)).startsWith(`${chats.length} calls`), 'back to the trace');
  });
  await v.close();

  // Hand-offs: a cycle -------------------------------------------------------------------------------
  v = await openView(browser, origin, { fixture: 'handoff' });
  setView(v);
  page = v.page;
  await check('graph: hand-offs back and forth are a cycle between the two agents; the repeated tool call shows its count', async () => {
    await showGraph(page);
    const f = graphFixtures.makeHandoffTrace();
    // From the fixture's span names: "handoff A -> B".
    const handoffs = f.skeleton.spans.flatMap((s) => {
      const m = /^handoff (.+) -> (.+)$/.exec(s.name);
      return m ? [`${id.agent(m[1])} -> ${id.agent(m[2])} hand-off ×1`] : [];
    });
    eq(handoffs.length, 2, 'hand-off spans in the fixture');
    const edges = await edgeList(page);
    for (const h of handoffs) assert(edges.includes(h), `no ${h} in ${edges.join('; ')}`);
    const refunds = f.skeleton.spans.filter((s) => s.name === 'execute_tool refund');
    const failed = refunds.filter((s) => s.statusCode === 'error').length;
    assert(edges.includes(`${id.agent('Billing')} -> ${id.tool('refund')} ×${refunds.length} · ${failed} failed`), `edges: ${edges.join('; ')}`);
    eq(await page.$$eval('#graph .ge-handoff .ge-path', (p) => p.length), 2, 'dashed hand-off paths');
    eq(v.problems.length, 0, v.problems.join('; '));
  });
  await v.close();

  // Empty and failing ------------------------------------------------------------------------------
  v = await openView(browser, origin, { fixture: 'plain' });
  setView(v);
  page = v.page;
  await check('graph: a trace without GenAI spans shows the empty state; a failed request shows the error and Retry', async () => {
    await showGraph(page, '#graph .graph-message[data-kind="empty"]:not([hidden])');
    eq(await textOf(page, '#graph .graph-message-title'), 'No agents, tools or model calls in this trace', 'empty state');
    assert(await page.isHidden('#graph .graph-legend'), 'the legend shows on the empty state');
    await page.evaluate(() => {
      window.__host.graphFailWith = 'back end busy';
      window.__host.load('agent');
    });
    await page.waitForSelector('#graph .graph-message[data-kind="error"]');
    assert((await textOf(page, '#graph .graph-message')).includes('back end busy'), 'error text');
    await page.evaluate(() => (window.__host.graphFailWith = undefined));
    await page.click('#graph .graph-message >> text=Retry');
    await page.waitForSelector('#graph .gn');
  });
  await v.close();
  setView(null);
}

/**
 * Screenshots of the Graph tab: every theme with the agent fixture (a tool chosen, its spans
 * highlighted) and the hand-off cycle, the highlighted waterfall, the session, the empty state
 * and a narrow panel. Returns the file paths.
 * @param {{ browser: Browser, origin: string, openView: OpenGraphView }} options
 */
export async function takeGraphScreenshots({ browser, origin, openView }) {
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
    let v = await openView(browser, origin, { theme, fixture: 'agent' });
    await showGraph(v.page);
    await v.page.click('#graph .gn[data-node-id="tool:get_forecast"]');
    await v.page.waitForSelector('#details .event.exception');
    await v.page.mouse.move(5, 5);
    await shot(`graph-${theme}`, v.page);
    if (theme === 'dark') {
      await v.page.click('#graph .gn[data-node-id="model:openai/gpt-4o-mini-2024-07-18"]');
      await v.page.click('#graph .graph-selection >> text=Show in Waterfall');
      await v.page.waitForSelector('#tree .row.graph-match');
      await shot('graph-waterfall-highlight-dark', v.page);
    }
    await v.close();
    v = await openView(browser, origin, { theme, fixture: 'handoff', width: 1200 });
    await showGraph(v.page);
    await v.page.focus('#graph .gn[data-node-id="agent:Billing"]');
    await v.page.keyboard.press('Enter');
    await v.page.waitForSelector('#details .attr-row');
    await shot(`graph-handoff-${theme}`, v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'agent', session: 'conv_5f2a9c' });
    await showGraph(v.page);
    await v.page.click('#graph .graph-scope-btn[data-scope="session"]');
    await v.page.waitForFunction(() => (document.querySelector('#graph .graph-summary')?.textContent ?? '').startsWith('2 traces'));
    await v.page.mouse.move(5, 5);
    await shot('graph-session-dark', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'light', fixture: 'agent', width: 720, height: 900 });
    await showGraph(v.page);
    await shot('graph-narrow-light', v.page);
    await v.close();
  }
  {
    const v = await openView(browser, origin, { theme: 'dark', fixture: 'plain' });
    await showGraph(v.page, '#graph .graph-message[data-kind="empty"]:not([hidden])');
    await shot('graph-empty-dark', v.page);
    await v.close();
  }
  return files;
}
