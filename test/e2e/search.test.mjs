// End-to-end: search and filters in the real VS Code workbench (started by scripts/e2e.mjs, see
// workbench.test.mjs for the environment variables). On its own page, in order, like a user:
//   1. the demo agent's run (one failing tool call) and three traces posted as OTLP/JSON: one whose
//      tool result holds a phrase found nowhere else, one with the same words in another order, one
//      without them; all listed in the Traces view;
//   2. "Trace Lens: Search Traces…" shows syntax examples when empty and the back end's message for
//      an invalid query; with the phrase it lists exactly the one trace, with the matching span
//      counted and the match marked in the snippet; Enter opens it with that span selected;
//   3. "Trace Lens: Filter Traces…" validates as you type (an invalid query is refused with the
//      back end's message; a valid one says how many traces match); `error` shows only the failing
//      trace and the view says "1 of 4 traces · filter: error"; the Usage view follows it;
//   4. live updates keep working under the filter: a new failing trace appears, a new passing one
//      does not;
//   5. the view title's "Clear Filter" restores the full list;
//   6. a filter that matches nothing shows "No stored trace matches the filter" (not "No traces
//      yet") with Edit/Clear links, and its "Clear Filter" restores the list.
// Independent of the order of the e2e files: it starts by clearing the store, and it clears the
// filter (kept per workspace) and its traces and stops its receiver before leaving.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extensionHostLogs, repoRoot } from '../support/e2e/codeServer.mjs';
import { dismissQuickInput, launchBrowser, leaveWorkbench, openWorkbench, runCommand, screenshot, statusBarTexts, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

/** The demo agent's user prompt (USER_PROMPT in demo/agent/agent.mjs): the title of its trace row. */
const DEMO_QUESTION = 'What is the weather in Paris right now, and how is ACME stock doing?';
/** Occurs in one tool result of one trace, and nowhere else (the decoy has the words in another order). */
const PHRASE = 'zephyr marmalade';

/**
 * Traces posted as OTLP/JSON, each an agent run: root `invoke_agent <agent>`, a chat span whose
 * user message titles the trace, and a tool span with `toolResult`; `failing` marks the tool span
 * as an error.
 */
const CRAFTED = {
  phrase: { traceId: 'e2e5ea7c000000000000000000000001', agent: 'order-helper', question: 'Where is my order A-4417?', tool: 'lookup_order', toolResult: `{"status":"delivered","note":"Parcel left with the ${PHRASE} courier at 14:05"}` },
  decoy: { traceId: 'e2e5ea7c000000000000000000000002', agent: 'pantry-helper', question: 'Plan the pantry restock for Friday', tool: 'plan_restock', toolResult: '{"items":["marmalade","zephyr biscuits"],"eta":"Friday"}' },
  plain: { traceId: 'e2e5ea7c000000000000000000000003', agent: 'greeter', question: 'Say hello to the new team', tool: 'send_greeting', toolResult: '{"sent":true}' },
  lateFailing: { traceId: 'e2e5ea7c000000000000000000000004', agent: 'refund-helper', question: 'Why did my refund not arrive?', tool: 'issue_refund', toolResult: '{"error":"payment gateway timeout"}', failing: true },
  latePassing: { traceId: 'e2e5ea7c000000000000000000000005', agent: 'weather-helper', question: 'Will it rain in Lyon tomorrow?', tool: 'get_forecast', toolResult: '{"rain":false}' },
};
/** Span ids of a crafted trace: root, chat, tool (the tool span is the one a search of its result must select). */
const spanIds = (traceId) => ({ root: `${traceId.slice(-4)}000000000001`, chat: `${traceId.slice(-4)}000000000002`, tool: `${traceId.slice(-4)}000000000003` });

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
/** The Traces view's pane (its header holds the title actions and the description). */
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const topRows = () => tracesPane().locator('.monaco-list-row[aria-level="1"]');
const topRowTexts = () => topRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
const describeTree = async () =>
  JSON.stringify({
    rows: await topRowTexts().catch(() => []),
    description: await tracesPane().locator('.pane-header .description').innerText().catch(() => ''),
    message: await tracesPane().locator('.message').innerText().catch(() => ''),
  });
const quickInput = () => page.locator('.quick-input-widget');
const pickRows = () => quickInput().locator('.monaco-list-row');
const pickRowTexts = () => pickRows().evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? '') + ' | ' + (r.textContent ?? '').replace(/\s+/g, ' ')));
/** The Usage webview view's document. */
const usageFrame = () => page.frameLocator('iframe.webview[src*="purpose=webviewView"]').first().frameLocator('iframe#active-frame');

/** Opens the Trace Lens view container unless its Traces view is already showing. */
async function showTracesView() {
  const icon = page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first();
  await icon.waitFor({ state: 'visible', timeout: 45_000 });
  const selected = await icon.evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked')).catch(() => false);
  if (!selected) await icon.click();
  await waitUntil(() => tracesPane().isVisible(), { message: 'the Traces view did not show', describe: async () => (await sidebar().innerText().catch(() => '')).slice(0, 300) });
}

/** Posts one crafted agent run as OTLP/JSON to the receiver. */
async function postTrace({ traceId, agent, question, tool, toolResult, failing = false }) {
  const ids = spanIds(traceId);
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const at = (ms) => String(t0 + BigInt(ms) * 1_000_000n);
  const attr = (key, value) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
  const body = {
    resourceSpans: [{
      resource: { attributes: [attr('service.name', 'e2e-search')] },
      scopeSpans: [{
        scope: { name: 'e2e-search' },
        spans: [
          { traceId, spanId: ids.root, name: `invoke_agent ${agent}`, kind: 1, startTimeUnixNano: at(0), endTimeUnixNano: at(900), attributes: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', agent)], status: {} },
          {
            traceId, spanId: ids.chat, parentSpanId: ids.root, name: 'chat gpt-4o-mini', kind: 3, startTimeUnixNano: at(10), endTimeUnixNano: at(400),
            attributes: [
              attr('gen_ai.operation.name', 'chat'),
              attr('gen_ai.provider.name', 'openai'),
              attr('gen_ai.request.model', 'gpt-4o-mini'),
              attr('gen_ai.usage.input_tokens', 40),
              attr('gen_ai.usage.output_tokens', 12),
              attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }])),
            ],
            status: {},
          },
          {
            traceId, spanId: ids.tool, parentSpanId: ids.root, name: `execute_tool ${tool}`, kind: 1, startTimeUnixNano: at(450), endTimeUnixNano: at(850),
            attributes: [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', tool), attr('gen_ai.tool.call.arguments', '{}'), attr('gen_ai.tool.call.result', toolResult)],
            status: failing ? { code: 2, message: 'tool failed' } : {},
          },
        ],
      }],
    }],
  };
  const res = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `the receiver answered ${res.status} to trace ${traceId}`);
}

/** Waits until the Traces view lists exactly these titles at its top level (any order). */
async function expectTopRows(titles, message) {
  await waitUntil(async () => {
    const rows = await topRowTexts();
    return rows.length === titles.length && titles.every((t) => rows.some((r) => r.includes(t)));
  }, { timeoutMs: 20_000, message, describe: describeTree });
}

describe('Search and filters in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    // The filter is kept per workspace: leave none for the other e2e files, nor traces.
    if (page) {
      await dismissQuickInput(page).catch(() => undefined);
      await runCommand(page, 'Trace Lens: Clear Filter').catch(() => undefined);
    }
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. the demo run and three crafted traces are listed', { timeout: 120_000 }, step('search1-traces', async () => {
    await showTracesView();
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => /listening/.test(t)), {
      timeoutMs: 45_000,
      message: 'the receiver of this page is not listening',
      describe: async () => JSON.stringify(await statusBarTexts(page)),
    });
    await runCommand(page, 'Trace Lens: Clear All Traces');
    await runCommand(page, 'Trace Lens: Clear Filter').catch(() => undefined); // left by an aborted earlier run
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}` });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    for (const t of [CRAFTED.phrase, CRAFTED.decoy, CRAFTED.plain]) await postTrace(t);
    await expectTopRows([DEMO_QUESTION, CRAFTED.phrase.question, CRAFTED.decoy.question, CRAFTED.plain.question], 'the Traces view does not list the demo run and the three crafted traces');
  }));

  it('2. "Search Traces…" finds the phrase in exactly one trace and opens it at the matching span', { timeout: 90_000 }, step('search2-quick-pick', async () => {
    // Empty, the quick pick teaches the syntax.
    await runCommand(page, 'Trace Lens: Search Traces…');
    const input = quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await waitUntil(async () => (await pickRowTexts()).some((t) => t.includes('model:gpt-4o')), {
      timeoutMs: 5_000,
      message: 'the empty search lists no syntax examples',
      describe: async () => JSON.stringify(await pickRowTexts()),
    });
    await screenshot(page, shots, 'search2-examples');

    // An invalid query: the back end's message and where the problem is, nothing searched.
    await input.fill('error duration>2x');
    await waitUntil(async () => (await pickRowTexts()).some((t) => /unknown unit "x"/.test(t) && /at character \d+/.test(t)), {
      timeoutMs: 10_000,
      message: 'an invalid query does not show the back end\'s message (unknown unit "x") and its position',
      describe: async () => JSON.stringify(await pickRowTexts()),
    });
    await screenshot(page, shots, 'search2-invalid-query');

    await input.fill(`"${PHRASE}"`);
    const hit = pickRows().filter({ hasText: CRAFTED.phrase.question });
    // Settled: the phrase's trace listed and the index caught up (no "Indexing…" row).
    await waitUntil(async () => (await hit.count()) === 1 && !(await pickRowTexts()).some((t) => /Indexing/.test(t)), {
      timeoutMs: 20_000,
      message: `searching "${PHRASE}" does not list the trace "${CRAFTED.phrase.question}"`,
      describe: async () => JSON.stringify(await pickRowTexts()),
    });
    const texts = await pickRowTexts();
    for (const other of [CRAFTED.decoy.question, CRAFTED.plain.question, DEMO_QUESTION]) {
      assert.ok(!texts.some((t) => t.includes(other)), `the search for the phrase also lists "${other}": ${JSON.stringify(texts)}`);
    }
    assert.equal(texts.length, 1, `one row expected (the one trace), got ${JSON.stringify(texts)}`);
    const row = texts[0];
    assert.match(row, /e2e-search/, `the row does not name the service: ${row}`);
    assert.match(row, /\b1 matching span\b/, `the row does not say "1 matching span": ${row}`);
    assert.match(row, /«zephyr/i, `the row's snippet does not mark the match: ${row}`);
    await screenshot(page, shots, 'search2-quick-pick');

    await input.press('Enter');
    const { traceId } = CRAFTED.phrase;
    const toolSpan = spanIds(traceId).tool;
    const frame = await waitUntil(async () => {
      for (const f of page.frames()) {
        const id = await f.evaluate(() => document.getElementById('app')?.dataset.traceId ?? null).catch(() => null);
        if (id === traceId && (await f.locator('.row[data-span-id]').count()) > 0) return f;
      }
      return null;
    }, { timeoutMs: 20_000, message: `Enter did not open a trace webview for ${traceId}` });
    await waitUntil(async () => (await frame.locator(`.row[data-span-id="${toolSpan}"][aria-selected="true"]`).count()) === 1, {
      timeoutMs: 15_000,
      message: `the trace opened without its matching span (execute_tool ${CRAFTED.phrase.tool}, ${toolSpan}) selected`,
      describe: async () => JSON.stringify(await frame.locator('.row[aria-selected="true"]').allInnerTexts()),
    });
    assert.equal(await frame.locator('.row[aria-selected="true"]').count(), 1, 'more than one span row is selected');
    await waitUntil(async () => (await frame.locator('#details').innerText()).includes(PHRASE), {
      timeoutMs: 10_000,
      message: 'the span details of the selected span do not show the tool result with the phrase',
      describe: async () => JSON.stringify((await frame.locator('#details').innerText().catch(() => '')).slice(0, 500)),
    });
    await screenshot(page, shots, 'search2-opened-at-span');
    await runCommand(page, 'View: Close Editor');
  }));

  it('3. "Filter Traces…": an invalid query is refused, `error` shows only the failing trace and the Usage view follows', { timeout: 90_000 }, step('search3-filter', async () => {
    await showTracesView();
    await runCommand(page, 'Trace Lens: Filter Traces…');
    const input = quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    const validation = quickInput().locator('.quick-input-message');
    await input.fill('duration>2x');
    await waitUntil(async () => /unknown unit "x"/.test(await validation.innerText().catch(() => '')), {
      timeoutMs: 10_000,
      message: 'an invalid filter does not show the back end\'s message (unknown unit "x")',
      describe: async () => JSON.stringify(await validation.innerText().catch(() => '(no message)')),
    });
    await input.press('Enter');
    await page.waitForTimeout(300);
    assert.ok(await input.isVisible(), 'Enter applied an invalid filter (the input box closed)');

    await input.fill('error');
    await waitUntil(async () => /\b1 of 4 traces match\b/.test(await validation.innerText().catch(() => '')), {
      timeoutMs: 10_000,
      message: 'the filter input does not say "1 of 4 traces match" for `error`',
      describe: async () => JSON.stringify(await validation.innerText().catch(() => '(no message)')),
    });
    await input.press('Enter');
    await expectTopRows([DEMO_QUESTION], 'the `error` filter does not show only the failing demo trace');
    await waitUntil(async () => (await tracesPane().locator('.message').innerText().catch(() => '')).includes('1 of 4 traces · filter: error'), {
      timeoutMs: 10_000,
      message: 'the Traces view does not say "1 of 4 traces · filter: error"',
      describe: describeTree,
    });
    assert.match(await tracesPane().locator('.pane-header .description').innerText(), /1 of 4 traces/);
    await screenshot(page, shots, 'search3-filtered-view');

    // The Usage view's "All traces" becomes "Filtered traces" and covers the one matching trace.
    const usageHeader = sidebar().locator('.pane-header', { hasText: /^\s*Usage/i }).first();
    if ((await usageHeader.getAttribute('aria-expanded')) !== 'true') await usageHeader.click();
    const radio = usageFrame().locator('vscode-radio[data-scope="all"]');
    await waitUntil(async () => (await radio.innerText().catch(() => '')).includes('Filtered traces'), {
      timeoutMs: 20_000,
      message: 'the Usage view does not say "Filtered traces" while the filter is on',
      describe: async () => JSON.stringify((await usageFrame().locator('.scope').innerText().catch((e) => e.message)).slice(0, 300)),
    });
    await waitUntil(async () => /\b1 trace matching\s*error\b/.test(await usageFrame().locator('.scope-label').innerText().catch(() => '')), {
      timeoutMs: 20_000,
      message: 'the Usage view does not cover "1 trace matching error"',
      describe: async () => JSON.stringify(await usageFrame().locator('.scope-label').innerText().catch((e) => e.message)),
    });
    await screenshot(page, shots, 'search3-usage-filtered');
  }));

  it('4. under the filter, a new failing trace appears and a new passing one does not', { timeout: 60_000 }, step('search4-live', async () => {
    await postTrace(CRAFTED.latePassing);
    await postTrace(CRAFTED.lateFailing);
    await expectTopRows([DEMO_QUESTION, CRAFTED.lateFailing.question], 'the filtered view does not add the new failing trace (or adds the passing one)');
    await waitUntil(async () => (await tracesPane().locator('.message').innerText().catch(() => '')).includes('2 of 6 traces · filter: error'), {
      timeoutMs: 10_000,
      message: 'the Traces view does not say "2 of 6 traces · filter: error"',
      describe: describeTree,
    });
  }));

  it('5. the view title\'s "Clear Filter" restores the full list', { timeout: 60_000 }, step('search5-cleared', async () => {
    await tracesPane().locator('.pane-header').hover();
    const clear = tracesPane().locator('.pane-header .action-label[aria-label="Clear Filter"]');
    await clear.waitFor({ state: 'visible', timeout: 5_000 });
    await clear.click();
    await expectTopRows(
      [DEMO_QUESTION, ...Object.values(CRAFTED).map((t) => t.question)],
      'clearing the filter does not bring back all six traces',
    );
    await waitUntil(async () => (await tracesPane().locator('.pane-header .description').innerText().catch(() => '')) === '6 traces', {
      timeoutMs: 10_000,
      message: 'the Traces view description is not "6 traces" after clearing the filter',
      describe: describeTree,
    });
    assert.equal(await tracesPane().locator('.message').innerText().catch(() => ''), '', 'a message is left after clearing the filter');
    assert.equal(await tracesPane().locator('.pane-header .action-label[aria-label="Clear Filter"]').count(), 0, 'the "Clear Filter" title action is still shown');
    await screenshot(page, shots, 'search5-cleared');
  }));

  it('6. a filter that matches nothing says so, with links to edit or clear it', { timeout: 60_000 }, step('search6-no-match', async () => {
    await runCommand(page, 'Trace Lens: Filter Traces…');
    const input = quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill('tool:no_such_tool');
    await waitUntil(async () => /\b0 of 6 traces match\b/.test(await quickInput().locator('.quick-input-message').innerText().catch(() => '')), {
      timeoutMs: 10_000,
      message: 'the filter input does not say "0 of 6 traces match"',
      describe: async () => JSON.stringify(await quickInput().locator('.quick-input-message').innerText().catch(() => '(no message)')),
    });
    await input.press('Enter');
    const welcome = tracesPane().locator('.welcome-view-content');
    await waitUntil(async () => (await welcome.innerText().catch(() => '')).includes('No stored trace matches the filter'), {
      timeoutMs: 10_000,
      message: 'the empty filtered view does not say "No stored trace matches the filter"',
      describe: describeTree,
    });
    assert.ok(!(await welcome.innerText()).includes('No traces yet'), 'the empty filtered view says "No traces yet"');
    assert.match(await tracesPane().locator('.pane-header .description').innerText(), /0 of 6 traces/);
    await screenshot(page, shots, 'search6-no-match');
    await welcome.getByRole('button', { name: 'Clear Filter' }).click();
    await waitUntil(async () => (await topRows().count()) === 6, { timeoutMs: 10_000, message: 'the welcome\'s "Clear Filter" does not bring back the six traces', describe: describeTree });
  }));
});
