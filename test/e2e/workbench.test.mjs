// End-to-end: the packaged extension in the real VS Code workbench (code-server 4.139.1 = VS Code
// 1.139.1), driven by playwright-core + Debian Chromium. Started by scripts/e2e.mjs, which provides:
//   TRACE_LENS_E2E_URL            workbench URL (…/?folder=<repo>/demo)
//   TRACE_LENS_E2E_RECEIVER_PORT  the port the extension's receiver was configured to use
//   TRACE_LENS_E2E_SCREENSHOTS    directory for screenshots (test-results/e2e)
//   TRACE_LENS_E2E_USER_DATA_DIR  code-server user-data dir (extension host logs live below it)
// The tests run in order against one browser page and build on each other, like a user would:
// activate → see the receiver → send a trace → browse it → inspect a span → clear.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXTENSION_ID, extensionHostLogs, extensionOutputLogs, newExtensionHostLog, probeReceiver, readText, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, openWorkbench, runCommand, screenshot, statusBarTexts, stopReceiver, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

const ROOT_SPAN = 'invoke_agent weather-assistant';
/** The demo agent's user prompt (USER_PROMPT in demo/agent/agent.mjs). */
const USER_QUESTION = 'What is the weather in Paris right now, and how is ACME stock doing?';
/** The stand-in model's final answer for the demo's tool results (demo/agent/fakeOpenAI.mjs). */
const FINAL_ANSWER = 'In Paris it is 18 °C and partly cloudy right now.';
const CHAT_SPAN = 'chat gpt-4o-mini';
const TOOL_SPANS = ['execute_tool get_weather', 'execute_tool get_stock_price'];

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
/** What the demo agent delivered (written by demo/agent/main.mjs --summary). */
let demo = null;
const browserErrors = [];
/** Extension host logs that existed before this file's page opened (earlier files' pages). */
/** @type {string[]} */ let logsBefore = [];

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const treeRows = () => sidebar().locator('.monaco-list-row');
const treeRow = (text) => treeRows().filter({ hasText: text }).first();
/**
 * The demo trace's row: labelled with its first user message once GenAI normalization knows it,
 * else with its root span name (which stays in the tooltip).
 */
const traceRow = () => treeRows().filter({ hasText: new RegExp(`${ROOT_SPAN}|${USER_QUESTION.slice(0, 28)}`) }).first();
// Webview views (the Usage view) load with `purpose=webviewView` in their iframe's URL; trace panels do not.
const webview = () => page.frameLocator('iframe.webview:not([src*="purpose=webviewView"])').first().frameLocator('iframe#active-frame');
/** The Usage webview view's document. */
const usageFrame = () => page.frameLocator('iframe.webview[src*="purpose=webviewView"]').first().frameLocator('iframe#active-frame');
const rowTexts = () =>
  treeRows()
    .evaluateAll((rows) => rows.map((r) => `[level ${r.getAttribute('aria-level')}] ${r.getAttribute('aria-label') ?? r.textContent}`))
    .then((t) => JSON.stringify(t));
const statusDescribe = async () => JSON.stringify(await statusBarTexts(page));
/**
 * The trace webview's User Timing measures of one name (webview/trace/timing.ts), for the log:
 * `12.3 ms, 45.6 ms (cached)`; never fails the test.
 * @param {string} name
 */
const userTimings = (name) =>
  webview()
    .locator('#app')
    .evaluate((_app, n) => performance.getEntriesByName(n, 'measure').map((e) => `${e.duration.toFixed(1)} ms${e.detail?.cached ? ' (cached)' : ''}`).join(', '), name)
    .catch((err) => `(not read: ${err.message})`);
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);

/**
 * Runs a test body; on failure saves `<name>-FAILED.png` and adds the screenshot path and the
 * extension host log path to the error.
 */
/** Opens the Trace Lens view container unless its Traces view is already showing. */
async function showTracesView() {
  const icon = page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first();
  const selected = await icon.evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked')).catch(() => false);
  if (!selected) await icon.click();
  await waitUntil(async () => (await sidebar().innerText().catch(() => '')).match(/traces/i), {
    message: 'the Trace Lens side bar with its "Traces" view did not show',
    describe: async () => JSON.stringify((await sidebar().innerText().catch(() => '(no side bar)')).slice(0, 300)),
  });
}

/**
 * The demo run's cost as the UI formats it: the chat spans' token counts (from what the demo sent)
 * at gpt-4o-mini's list price, $0.15 input / $0.60 output per 1M tokens, three significant digits.
 */
function expectedDemoCost(summary) {
  let usd = 0;
  for (const span of summary.traces[0].spans) {
    const a = span.attributes ?? {};
    if (a['gen_ai.usage.input_tokens'] === undefined) continue;
    usd += a['gen_ai.usage.input_tokens'] * 0.15e-6 + a['gen_ai.usage.output_tokens'] * 0.6e-6;
  }
  return `$${Number(usd.toPrecision(3))}`;
}

// ── helpers of the source-navigation tests (s1–s4) ──────────────────────────────────────────────

/**
 * 1-based line and column of the `nth` line of demo/agent/<file> containing `lineText`, column at
 * `token` on that line (where V8 reports a call).
 */
function demoPosition(file, lineText, token, nth) {
  const lines = readFileSync(join(repoRoot, 'demo', 'agent', file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(lineText) ? [i] : []));
  const index = hits[nth - 1];
  assert.ok(index !== undefined, `demo/agent/${file} has no ${nth}. line containing ${JSON.stringify(lineText)}`);
  return { line: index + 1, column: lines[index].indexOf(token) + 1 };
}

/**
 * Makes sure the demo trace is shown in a trace webview, independently of the tests before:
 * runs the demo agent if no test did, and opens the trace with "Open Trace by ID…" if no trace
 * webview shows span rows. Go to Source opens files beside the webview, so it stays visible.
 */
async function showTraceWebview() {
  if (!demo) {
    const summaryFile = join(shots, 'demo-summary-source.json');
    const { code, out } = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--runs', '1', '--interval', '0', '--summary', summaryFile] });
    assert.equal(code, 0, `demo agent exited ${code}:\n${out}`);
    demo = JSON.parse(readFileSync(summaryFile, 'utf8'));
  }
  const rows = webview().locator('.row[data-span-id]');
  // The trace view may show another tab (Conversation): go back to the waterfall.
  const waterfallTab = async () => {
    const header = webview().locator('vscode-tab-header[data-tab="waterfall"]');
    if (await header.isVisible().catch(() => false)) await header.click();
  };
  if (await page.locator('iframe.webview:not([src*="purpose=webviewView"])').count()) await waterfallTab();
  if (!(await rows.first().isVisible().catch(() => false))) {
    await runCommand(page, 'Trace Lens: Open Trace by ID');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(demo.traces[0].traceId);
    await input.press('Enter');
    await waitUntil(async () => (await page.locator('iframe.webview:not([src*="purpose=webviewView"])').count()) > 0, { timeoutMs: 10_000, message: 'no trace webview opened' });
    await waterfallTab();
  }
  await waitUntil(async () => rows.first().isVisible(), {
    timeoutMs: 15_000,
    message: 'no trace webview shows span rows (opened with "Trace Lens: Open Trace by ID…")',
    describe: async () => JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts()),
  });
}

/** Waits until the active editor is `file` with the cursor at `line` (and `column` when given). */
async function expectEditorAt(file, { line, column }) {
  const activeTab = page.locator('.editor-group-container.active .tab.active');
  // The tab label is split into name and extension elements: compare without whitespace.
  await waitUntil(async () => (await activeTab.innerText().catch(() => '')).replace(/\s+/g, '').includes(file), {
    timeoutMs: 15_000,
    message: `the active editor tab is not ${file}`,
    describe: async () => JSON.stringify(await page.locator('.tab.active').allInnerTexts()),
  });
  const want = column ? new RegExp(`\\bLn ${line}, Col ${column}\\b`) : new RegExp(`\\bLn ${line}, Col \\d+`);
  await waitUntil(async () => (await statusBarTexts(page)).some((t) => want.test(t)), {
    timeoutMs: 10_000,
    message: `the status bar does not show ${column ? `Ln ${line}, Col ${column}` : `Ln ${line}`} for ${file}`,
    describe: statusDescribe,
  });
}

describe('Trace Lens in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    logsBefore = extensionHostLogs(userDataDir);
    page = await openWorkbench(browser, /** @type {string} */ (url));
    page.on('pageerror', (err) => browserErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') browserErrors.push(`console: ${msg.text().slice(0, 300)}`);
    });
  });

  after(async () => {
    const relevant = browserErrors.filter((e) => /trace.?lens|webview/i.test(e));
    if (relevant.length) console.log(`browser errors mentioning Trace Lens or webviews:\n  ${relevant.slice(0, 20).join('\n  ')}`);
    if (page) {
      // code-server keeps this page's extension host after the browser closes: free the port for the next e2e file.
      if (!(await stopReceiver(page))) console.log('note: "Trace Lens: Stop Receiver" did not stop the receiver of this page');
      await waitUntil(async () => (await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', {
        timeoutMs: 10_000,
        message: `port ${receiverPort} is still served after "Stop Receiver"`,
      }).catch((err) => console.log(`note: ${err.message} (another page's extension host may own it)`));
    }
    await browser?.close();
  });

  it('a. activates: the Trace Lens activity-bar icon opens the Traces view, no activation error', { timeout: 90_000 }, step('a-activated', async () => {
    const icon = page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first();
    await waitUntil(() => icon.isVisible(), {
      timeoutMs: 45_000,
      message: 'no activity-bar item with aria-label "Trace Lens" (is the extension installed and its view container contributed?)',
      describe: async () =>
        JSON.stringify(await page.locator('.activitybar .action-item [aria-label], .activitybar .action-item[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))),
    });
    await showTracesView();
    await screenshot(page, shots, 'a-activated');

    // The extension host log is where an activation failure shows up (the UI only shows a toast):
    // `[error] Activating extension trace-lens.trace-lens failed due to an error:` + the error.
    const log = await waitUntil(
      () => {
        const file = newExtensionHostLog(userDataDir, logsBefore);
        const text = file ? readText(file) : '';
        return text.includes(`_doActivateExtension ${EXTENSION_ID}`) ? { file, text } : null;
      },
      {
        timeoutMs: 30_000,
        message: `the extension host log never says "_doActivateExtension ${EXTENSION_ID}" (not activated)`,
        describe: () => extensionHostLogs(userDataDir).join(', ') || 'no log file',
      },
    );
    const lines = log.text.split('\n');
    const failures = lines.flatMap((line, i) =>
      /\[error\]/.test(line) && (line.includes(EXTENSION_ID) || /trace-?lens/i.test(line)) ? [lines.slice(i, i + 6).join('\n')] : [],
    );
    assert.deepEqual(failures, [], `activation/runtime errors for ${EXTENSION_ID} in ${log.file}`);
  }));

  it('b. the status bar shows the receiver listening on the configured port', { timeout: 60_000 }, step('b-statusbar', async () => {
    const text = await waitUntil(async () => (await statusBarTexts(page)).find((t) => /listening/i.test(t)), {
      timeoutMs: 30_000,
      message: 'no status bar item says "listening"',
      describe: statusDescribe,
    });
    await screenshot(page, shots, 'b-statusbar');
    assert.match(text, new RegExp(`:${receiverPort}\\b`), `status bar item "${text}" does not show port :${receiverPort}`);
  }));

  it('c. a trace sent by the demo agent appears in the Traces tree and the status bar counts it', { timeout: 90_000 }, step('c-trace-row', async () => {
    const summaryFile = join(shots, 'demo-summary.json');
    const { code, out } = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--runs', '1', '--interval', '0', '--summary', summaryFile] });
    assert.equal(code, 0, `demo agent exited ${code}:\n${out}`);
    demo = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.equal(demo.traceCount, 1, `demo agent delivered ${demo.traceCount} traces:\n${out}`);

    await showTracesView();
    await waitUntil(() => traceRow().isVisible(), {
      timeoutMs: 15_000,
      message: `no row labelled "${ROOT_SPAN}" or "${USER_QUESTION}" in the Traces tree`,
      describe: rowTexts,
    });
    await waitUntil(async () => (await statusBarTexts(page)).find((t) => /\b1 trace\b/.test(t)), {
      timeoutMs: 10_000,
      message: 'the status bar does not say "1 trace"',
      describe: statusDescribe,
    });
    await screenshot(page, shots, 'c-trace-row');
  }));

  it('c2. the trace row and the cost status bar item show the run\'s cost: gpt-4o-mini at list price', { timeout: 60_000 }, step('c2-cost', async () => {
    assert.ok(demo, 'needs the demo summary from test c');
    const expected = expectedDemoCost(demo);
    await waitUntil(async () => (await rowTexts()).includes(expected), {
      timeoutMs: 15_000,
      message: `the trace row does not show the cost ${expected}`,
      describe: rowTexts,
    });
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => t.includes(expected)), {
      timeoutMs: 10_000,
      message: `the status bar does not show the latest session's cost ${expected}`,
      describe: statusDescribe,
    });
    await screenshot(page, shots, 'c2-cost');

    // The cost status bar item opens the Usage view: same total, two model calls, one of two tools failed.
    await page.locator('.statusbar-item').filter({ hasText: expected }).first().click();
    const tile = (metric) => usageFrame().locator(`.tile[data-metric="${metric}"] .tile-value`);
    await waitUntil(async () => (await tile('cost').innerText().catch(() => '')) === expected, {
      timeoutMs: 20_000,
      message: `the Usage view does not show the total cost ${expected}`,
      describe: async () => JSON.stringify(await usageFrame().locator('.totals').innerText().catch((e) => `(no totals: ${e.message.split('\n')[0]})`)),
    });
    assert.equal(await tile('model-calls').innerText(), '2');
    assert.equal(await tile('tool-calls').innerText(), '2');
    assert.match(await usageFrame().locator('.tile[data-metric="tool-calls"]').innerText(), /50% succeeded/);
    await screenshot(page, shots, 'c2-usage-view');
  }));

  it('d. expanding the trace row shows its child spans', { timeout: 60_000 }, step('d-expanded', async () => {
    const row = traceRow();
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    if ((await row.getAttribute('aria-expanded')) !== 'true') {
      // The row has a command (opens the trace), so only the twistie toggles it.
      await row.locator('.monaco-tl-twistie').click();
    }
    const rootLevel = Number(await row.getAttribute('aria-level'));
    for (const name of [CHAT_SPAN, ...TOOL_SPANS]) {
      const child = treeRow(name);
      await waitUntil(() => child.isVisible(), {
        timeoutMs: 10_000,
        message: `expanding "${ROOT_SPAN}" did not show a "${name}" row`,
        describe: rowTexts,
      });
      const level = Number(await child.getAttribute('aria-level'));
      assert.ok(level > rootLevel, `"${name}" row is at tree level ${level}, not below the trace row (level ${rootLevel})`);
    }
    await screenshot(page, shots, 'd-expanded');
  }));

  it('e. clicking the trace row opens the trace webview with one row per span', { timeout: 60_000 }, step('e-webview', async () => {
    assert.ok(demo, 'needs the demo summary from test c');
    const trace = demo.traces[0];
    await traceRow().locator('.label-name, .monaco-icon-label').first().click();
    await waitUntil(() => page.locator('.tabs-container .tab', { hasText: ROOT_SPAN }).first().isVisible(), {
      timeoutMs: 15_000,
      message: `no editor tab titled "${ROOT_SPAN}" opened`,
      describe: async () => JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts()),
    });
    const rows = webview().locator('.row[data-span-id]');
    await waitUntil(async () => (await rows.count()) === trace.spanCount, {
      timeoutMs: 20_000,
      message: `the trace webview does not show ${trace.spanCount} .row[data-span-id] elements (one per span the demo sent)`,
      describe: async () => `${await rows.count()} rows: ${JSON.stringify(await rows.allInnerTexts().catch(() => []))}`,
    });
    const shown = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')))).sort();
    const sent = trace.spans.map((s) => s.spanId).sort();
    assert.deepEqual(shown, sent, 'data-span-id values differ from the span ids the demo sent');
    console.log(`      first rows painted ${await userTimings('trace-lens:first-rows')} after the traceLoaded message (webview User Timing)`);
    await screenshot(page, shots, 'e-webview');
  }));

  it('f. selecting the chat span shows its attributes and GenAI log records', { timeout: 60_000 }, step('f-details', async () => {
    assert.ok(demo, 'needs the demo summary from test c');
    const chat = webview().locator('.row[data-span-id]', { hasText: CHAT_SPAN }).first();
    await chat.click();
    const model = webview().locator('#details .attr-row[data-key="gen_ai.request.model"]');
    await waitUntil(() => model.isVisible(), {
      timeoutMs: 10_000,
      message: 'no #details .attr-row[data-key="gen_ai.request.model"] after clicking the chat span',
      describe: async () => JSON.stringify((await webview().locator('#details').innerText().catch(() => '(no #details)')).slice(0, 600)),
    });
    assert.match(await model.innerText(), /gpt-4o-mini/, 'gen_ai.request.model row does not show gpt-4o-mini');
    // The log records the demo emitted in this span's context (first chat turn: system message,
    // user message, choice) must all be listed in the details.
    const sentEvents = [...new Set(demo.traces[0].spans.find((s) => s.name === CHAT_SPAN).logEvents)];
    assert.ok(sentEvents.includes('gen_ai.user.message') && sentEvents.includes('gen_ai.choice'), `demo sent ${sentEvents}`);
    await waitUntil(async () => {
      const text = await webview().locator('#details').innerText();
      return sentEvents.every((name) => text.includes(name));
    }, {
      timeoutMs: 10_000,
      message: `the span details do not list all GenAI log records of the chat span (${sentEvents.join(', ')})`,
      describe: async () => JSON.stringify((await webview().locator('#details').innerText().catch(() => '')).slice(0, 800)),
    });
    console.log(`      span details painted ${await userTimings('trace-lens:span-details')} after the click (webview User Timing)`);
    await screenshot(page, shots, 'f-details');
  }));

  // ── GenAI (issue 3): the Conversation tab of the trace webview ─────────────────────────────────

  it('f2. the Conversation tab shows the user question, the tool calls with arguments and results, and the final answer', { timeout: 60_000 }, step('f2-conversation', async () => {
    assert.ok(demo, 'needs the demo summary from test c');
    const tab = webview().locator('vscode-tab-header[data-tab="conversation"]');
    await waitUntil(() => tab.isVisible(), {
      timeoutMs: 10_000,
      message: 'the trace webview has no "Conversation" tab (vscode-tab-header[data-tab="conversation"])',
      describe: async () => JSON.stringify(await webview().locator('vscode-tab-header').allInnerTexts().catch(() => [])),
    });
    await tab.click();
    const conv = webview().locator('#conversation');
    await waitUntil(async () => (await conv.locator('.conv-item').count()) > 0, {
      timeoutMs: 15_000,
      message: 'the Conversation tab shows no model/tool calls (does the worker answer traceConversation with the normalized conversation?)',
      describe: async () => JSON.stringify((await conv.innerText().catch(() => '(no #conversation)')).slice(0, 400)),
    });
    const user = conv.locator('.msg-user').first();
    await waitUntil(async () => (await user.innerText().catch(() => '')).includes(USER_QUESTION), {
      timeoutMs: 5_000,
      message: `no user bubble with the question "${USER_QUESTION}"`,
      describe: async () => JSON.stringify((await conv.innerText()).slice(0, 600)),
    });
    // Tool calls as cards: arguments and results as the demo's tool spans recorded them.
    const trace = demo.traces[0];
    for (const name of TOOL_SPANS) {
      const span = trace.spans.find((s) => s.name === name);
      assert.ok(span, `demo summary has no "${name}" span`);
      const toolName = String(span.attributes['gen_ai.tool.name']);
      const card = conv.locator('.conv-item[data-item="toolCall"] .tool-card', { hasText: toolName }).first();
      await waitUntil(() => card.isVisible(), {
        timeoutMs: 5_000,
        message: `no tool call card for ${toolName}`,
        describe: async () => JSON.stringify(await conv.locator('.tool-card').allInnerTexts()),
      });
      // Compared without whitespace: the card pretty-prints or inlines JSON by its length.
      const squeeze = (t) => t.replace(/\s+/g, '');
      const text = squeeze(await card.innerText());
      const args = JSON.stringify(JSON.parse(String(span.attributes['gen_ai.tool.call.arguments'])));
      assert.ok(text.includes(squeeze(args)), `the ${toolName} card does not show its arguments ${args}: ${text}`);
      const result = span.attributes['gen_ai.tool.call.result'];
      if (result !== undefined) {
        const compact = JSON.stringify(JSON.parse(String(result)));
        assert.ok(text.includes(squeeze(compact)), `the ${toolName} card does not show its result ${compact}: ${text}`);
      }
      if (span.status === 'ERROR') {
        assert.match((await card.getAttribute('class')) ?? '', /\berror\b/, `the ${toolName} card is not marked as failed`);
        assert.match(await card.innerText(), /Stock service unavailable/, `the ${toolName} card does not show its error`);
      }
    }
    const answer = conv.locator('.conv-item[data-item="modelCall"] .msg-assistant .md').last();
    await waitUntil(async () => (await answer.innerText().catch(() => '')).includes(FINAL_ANSWER), {
      timeoutMs: 5_000,
      message: `the final answer "${FINAL_ANSWER}" is not shown as an assistant message`,
      describe: async () => JSON.stringify(await conv.locator('.msg-assistant').allInnerTexts()),
    });
    const heads = await conv.locator('.mc-head').allInnerTexts();
    assert.equal(heads.length, trace.spans.filter((s) => s.name === CHAT_SPAN).length, `one model-call header per chat span: ${JSON.stringify(heads)}`);
    assert.ok(heads.every((h) => /gpt-4o-mini/.test(h) && /\d+ in · \d+ out/.test(h)), `model-call headers without model or tokens: ${JSON.stringify(heads)}`);
    await screenshot(page, shots, 'f2-conversation');
    // The tests after this one work in the Waterfall tab.
    await webview().locator('vscode-tab-header[data-tab="waterfall"]').click();
    await webview().locator('vscode-tab-panel[data-tab="waterfall"]:not([hidden])').waitFor({ timeout: 5_000 });
  }));

  // ── Source navigation (issue 5: Go to Source, stack frames, CodeLens, error decorations) ──────
  // The demo agent's SourceLocationSpanProcessor puts code.* on every span (demo/agent/agent.mjs),
  // its failing tool records an exception whose stack points into demo/agent/tools.mjs; the
  // workspace is demo/, so both resolve inside the workspace. Expected positions come from the
  // demo source itself (V8 reports the column of the called property).

  it('s1. "Go to Source" in the span details opens agent.mjs at the span\'s line and column', { timeout: 60_000 }, step('s1-go-to-source', async () => {
    const expected = demoPosition('agent.mjs', 'return tracer.startActiveSpan(', 'startActiveSpan', 2);
    await showTraceWebview();
    await webview().locator('.row[data-span-id]', { hasText: 'execute_tool get_stock_price' }).first().click();
    const button = webview().locator('#details .source-bar .go-to-source');
    await waitUntil(() => button.isVisible(), {
      timeoutMs: 10_000,
      message: 'no "Go to Source" button (#details .source-bar .go-to-source) for the execute_tool span',
      describe: async () => JSON.stringify((await webview().locator('#details').innerText().catch(() => '')).slice(0, 400)),
    });
    await waitUntil(async () => /agent\/agent\.mjs:\d+/.test(await webview().locator('#details .source-bar').innerText()), {
      timeoutMs: 10_000,
      message: 'the source bar does not show the workspace-relative location agent/agent.mjs:<line>',
      describe: async () => JSON.stringify(await webview().locator('#details .source-bar').innerText().catch(() => '')),
    });
    await button.click();
    await expectEditorAt('agent.mjs', expected);
    // The line that started the tool spans carries their CodeLens, with the failing tool's error.
    const lenses = page.locator('.editor-group-container.active .codelens-decoration');
    await waitUntil(async () => (await lenses.allInnerTexts()).some((t) => /execute_tool get_stock_price · 1 call · p50 \S+ · 1 error/.test(t)), {
      timeoutMs: 15_000,
      message: 'no CodeLens "execute_tool get_stock_price · 1 call · p50 … · 1 error" above the executeTool span line',
      describe: async () => JSON.stringify(await lenses.allInnerTexts()),
    });
    await screenshot(page, shots, 's1-go-to-source');
  }));

  it('s2. clicking a stack frame (workspace frames highlighted) opens tools.mjs at the throw', { timeout: 60_000 }, step('s2-stack-frame', async () => {
    const expected = demoPosition('tools.mjs', 'throw new ToolError(', 'new ToolError', 1);
    await showTraceWebview();
    const frame = webview().locator('#details .stack-frames .stack-line.frame').first();
    await waitUntil(() => frame.isVisible(), {
      timeoutMs: 10_000,
      message: 'the exception stack of execute_tool get_stock_price is not rendered with frames (.stack-frames .stack-line.frame)',
      describe: async () => JSON.stringify((await webview().locator('#details').innerText().catch(() => '')).slice(0, 600)),
    });
    assert.match((await frame.getAttribute('class')) ?? '', /origin-workspace/, 'the first frame (tools.mjs) is not marked as a workspace frame');
    assert.match(await frame.innerText(), /tools\.mjs:\d+:\d+/);
    await frame.locator('.frame-link').click();
    await expectEditorAt('tools.mjs', expected);
    await screenshot(page, shots, 's2-stack-frame');
  }));

  it('s3. double-click on a waterfall row goes to the source of that span', { timeout: 60_000 }, step('s3-double-click', async () => {
    const expected = demoPosition('agent.mjs', 'client.chat.completions.create(', 'create', 1);
    await showTraceWebview();
    await webview().locator('.row[data-span-id]', { hasText: CHAT_SPAN }).first().dblclick();
    await expectEditorAt('agent.mjs', expected);
    await screenshot(page, shots, 's3-double-click'); // the opened line is still highlighted here
  }));

  it('s4. a CodeLens on the instrumented lines and an error decoration on the throwing line', { timeout: 60_000 }, step('s4-codelens', async () => {
    // agent.mjs is the active editor (s3): lenses for the chat calls, the agent and the tools.
    const lenses = page.locator('.editor-group-container.active .codelens-decoration');
    await waitUntil(async () => (await lenses.allInnerTexts()).some((t) => /chat gpt-4o-mini · 2 calls · p50 /.test(t)), {
      timeoutMs: 15_000,
      message: 'no CodeLens "chat gpt-4o-mini · 2 calls · p50 …" in agent.mjs',
      describe: async () => JSON.stringify(await lenses.allInnerTexts()),
    });
    // The lens sits right above the line that made the model call.
    const lens = lenses.filter({ hasText: 'chat gpt-4o-mini' }).first();
    const callLine = page.locator('.editor-group-container.active .view-line', { hasText: 'client.chat.completions.create(' }).first();
    // Both are rendered once the editor has settled (it may still be scrolling to the revealed line).
    let lensBox = null;
    let lineBox = null;
    await waitUntil(async () => {
      [lensBox, lineBox] = [await lens.boundingBox().catch(() => null), await callLine.boundingBox().catch(() => null)];
      return lensBox && lineBox;
    }, { timeoutMs: 10_000, message: 'lens or call line not rendered', describe: async () => JSON.stringify(await lenses.allInnerTexts()) });
    assert.ok(lensBox && lineBox, 'lens or call line not rendered');
    assert.ok(lensBox.y < lineBox.y && lineBox.y - lensBox.y < 40, `the chat lens (y=${lensBox.y}) is not right above the call line (y=${lineBox.y})`);
    await screenshot(page, shots, 's4-codelens');

    // tools.mjs: the exception's innermost app frame gets a gutter icon and a hover.
    await showTraceWebview();
    await webview().locator('.row[data-span-id]', { hasText: 'execute_tool get_stock_price' }).first().click();
    await webview().locator('#details .stack-frames .stack-line.frame .frame-link').first().click();
    const throwLine = demoPosition('tools.mjs', 'throw new ToolError(', 'new ToolError', 1).line;
    await expectEditorAt('tools.mjs', { line: throwLine });
    const gutter = page.locator('.editor-group-container.active .cgmr');
    await waitUntil(async () => (await gutter.count()) > 0, {
      timeoutMs: 10_000,
      message: 'no gutter decoration (.cgmr) in tools.mjs',
      describe: async () => `${await gutter.count()} gutter decorations`,
    });
    // Hover the throwing line's text: the decoration's hover names the exception and links the trace.
    const lineEl = page.locator('.editor-group-container.active .view-line', { hasText: 'throw new ToolError(' }).first();
    await lineEl.hover({ position: { x: 40, y: 5 } });
    const hover = page.locator('.monaco-hover:visible', { hasText: 'Trace Lens' }).first();
    // On a loaded machine the first hover can open before the decoration's hover is there (an
    // empty hover that stays): move away and hover again every 3 s until it shows.
    let lastHoverMs = Date.now();
    await waitUntil(async () => {
      if (await hover.isVisible()) return true;
      if (Date.now() - lastHoverMs > 3000) {
        await page.mouse.move(5, 5);
        await lineEl.hover({ position: { x: 40, y: 5 } });
        lastHoverMs = Date.now();
      }
      return false;
    }, {
      timeoutMs: 20_000,
      message: 'hovering the throwing line shows no Trace Lens hover',
      describe: async () => JSON.stringify(await page.locator('.monaco-hover').allInnerTexts().catch(() => [])),
    });
    const hoverText = (await hover.innerText()).replace(/\s+/g, ' '); // markdown text uses no-break spaces
    assert.match(hoverText, /exception thrown here/);
    assert.match(hoverText, /Stock service unavailable/);
    assert.match(hoverText, /Open trace/);
    await screenshot(page, shots, 's4-error-decoration');
    await page.mouse.move(5, 5);
  }));

  it('f3. a prompt and a model answer containing HTML render as text in the Conversation tab', { timeout: 60_000 }, step('f3-html-as-text', async () => {
    const traceId = 'e2e0c0de' + '0'.repeat(23) + '1';
    const prompt = 'Is <img src=x onerror=alert(1)> safe? <script>alert("xss")</script>';
    const reply = '**No.** <img src=x onerror=alert(2)> and <script>alert(3)</script> stay text.';
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const attr = (key, value) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
    const body = {
      resourceSpans: [{
        resource: { attributes: [attr('service.name', 'e2e-html')] },
        scopeSpans: [{
          scope: { name: 'e2e' },
          spans: [{
            traceId,
            spanId: 'e2e0000000000001',
            name: 'chat gpt-4o-mini',
            kind: 3,
            startTimeUnixNano: String(nowNs),
            endTimeUnixNano: String(nowNs + 250_000_000n),
            attributes: [
              attr('gen_ai.operation.name', 'chat'),
              attr('gen_ai.provider.name', 'openai'),
              attr('gen_ai.request.model', 'gpt-4o-mini'),
              attr('gen_ai.usage.input_tokens', 21),
              attr('gen_ai.usage.output_tokens', 17),
              attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }])),
              attr('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: reply }], finish_reason: 'stop' }])),
            ],
            status: {},
          }],
        }],
      }],
    };
    const res = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `the receiver answered ${res.status} to the HTML trace`);
    const dialogs = [];
    const onDialog = (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    };
    page.on('dialog', onDialog);
    try {
      await runCommand(page, 'Trace Lens: Open Trace by ID');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(traceId);
      await input.press('Enter');
      // The webview frame that shows this trace (others may be open).
      const frame = await waitUntil(async () => {
        for (const f of page.frames()) {
          const id = await f.evaluate(() => document.getElementById('app')?.dataset.traceId ?? null).catch(() => null);
          if (id === traceId && (await f.locator('.row[data-span-id]').count()) > 0) return f;
        }
        return null;
      }, { timeoutMs: 15_000, message: `no trace webview shows trace ${traceId}` });
      await frame.locator('vscode-tab-header[data-tab="conversation"]').click();
      const conv = frame.locator('#conversation');
      await waitUntil(async () => (await conv.locator('.msg-user').count()) > 0 && (await conv.locator('.msg-assistant .md').count()) > 0, {
        timeoutMs: 15_000,
        message: 'the Conversation tab of the HTML trace shows no user and assistant messages',
        describe: async () => JSON.stringify((await conv.innerText().catch(() => '')).slice(0, 400)),
      });
      const userText = await conv.locator('.msg-user').first().innerText();
      assert.ok(userText.includes('<img src=x onerror=alert(1)>') && userText.includes('<script>alert("xss")</script>'), `the prompt's markup is not shown as text: ${userText}`);
      const answerText = await conv.locator('.msg-assistant .md').first().innerText();
      assert.ok(answerText.includes('<img src=x onerror=alert(2)>') && answerText.includes('<script>alert(3)</script>'), `the answer's markup is not shown as text: ${answerText}`);
      assert.equal(await conv.locator('.msg-assistant .md strong').count(), 1, 'the answer is not rendered as markdown');
      assert.equal(await frame.locator('#app img, #app script, #app iframe').count(), 0, 'markup from the trace became elements');
      await screenshot(page, shots, 'f3-html-as-text');
      await frame.locator('vscode-tab-header[data-tab="waterfall"]').click();
    } finally {
      page.off('dialog', onDialog);
    }
    assert.deepEqual(dialogs, [], 'a dialog opened');
    await runCommand(page, 'View: Close Editor');
  }));

  it('f4. "Group Traces by Session" shows the demo conversation as a session row that expands into its trace', { timeout: 60_000 }, step('f4-sessions', async () => {
    await showTracesView();
    await runCommand(page, 'Trace Lens: Group Traces by Session');
    const sessionRow = sidebar().locator('.monaco-list-row[aria-label^="Session "]').first();
    await waitUntil(async () => (await sessionRow.count()) > 0, {
      timeoutMs: 15_000,
      message: 'grouping by session shows no session row (aria-label "Session …"; does listSessions return the demo conversation?)',
      describe: rowTexts,
    });
    const label = (await sessionRow.getAttribute('aria-label')) ?? '';
    assert.match(label, /1 trace\b/, `the session row does not say "1 trace": ${label}`);
    assert.equal(await sessionRow.getAttribute('aria-level'), '1', 'the session row is not at the top level');
    if ((await sessionRow.getAttribute('aria-expanded')) !== 'true') await sessionRow.locator('.monaco-tl-twistie').click();
    const child = sidebar().locator('.monaco-list-row[aria-level="2"]', { hasText: new RegExp(`${ROOT_SPAN}|${USER_QUESTION.slice(0, 28)}`) }).first();
    await waitUntil(() => child.isVisible(), {
      timeoutMs: 10_000,
      message: 'expanding the session row does not show the demo trace below it',
      describe: rowTexts,
    });
    // The HTML trace of f3 has no session: listed after the sessions, at the top level.
    const rows = await rowTexts();
    assert.ok(/"\[level 1\] Session [^"]*".*"\[level 1\] Trace /.test(rows), `traces without a session should follow the sessions: ${rows}`);
    await screenshot(page, shots, 'f4-sessions');
    await runCommand(page, 'Trace Lens: Show Traces Ungrouped');
    await waitUntil(async () => (await sidebar().locator('.monaco-list-row[aria-label^="Session "]').count()) === 0, {
      timeoutMs: 10_000,
      message: '"Show Traces Ungrouped" leaves session rows',
      describe: rowTexts,
    });
  }));

  it('s5. "Go to Source" in the context menu of a span row of the Traces view', { timeout: 60_000 }, step('s5-tree-context-menu', async () => {
    const expected = demoPosition('agent.mjs', 'return tracer.startActiveSpan(', 'startActiveSpan', 2);
    await showTraceWebview(); // makes sure the demo trace exists
    await showTracesView();
    const spanRow = treeRow('execute_tool get_weather');
    if (!(await spanRow.isVisible().catch(() => false))) {
      // Expand the demo's trace row (not necessarily the first: f3 adds a newer trace); only its
      // twistie toggles it (the row itself opens the trace).
      await traceRow().locator('.monaco-tl-twistie').click();
    }
    await waitUntil(() => spanRow.isVisible(), { timeoutMs: 10_000, message: 'no "execute_tool get_weather" span row in the Traces view', describe: rowTexts });
    await spanRow.click({ button: 'right' });
    const item = page.locator('.context-view .action-label', { hasText: 'Go to Source' }).first();
    await waitUntil(() => item.isVisible(), {
      timeoutMs: 5_000,
      message: 'the span row context menu has no "Go to Source"',
      describe: async () => JSON.stringify(await page.locator('.context-view .action-label').allInnerTexts().catch(() => [])),
    });
    await item.click();
    // The context menu sometimes re-renders under the pointer and swallows the click (the item
    // stays highlighted): activate the highlighted item with the keyboard then.
    await page.waitForTimeout(500);
    if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
    await expectEditorAt('agent.mjs', expected);
  }));

  it('g. "Trace Lens: Clear All Traces" empties the tree and the count', { timeout: 60_000 }, step('g-cleared', async () => {
    await page.keyboard.press('Escape'); // close any menu an earlier test left open
    await runCommand(page, 'Trace Lens: Clear All Traces');
    // A confirmation is allowed (modal dialog or notification); accept it.
    const confirm = page.locator('.monaco-dialog-box .monaco-button, .notifications-toasts .monaco-button', { hasText: /clear/i }).first();
    await confirm.click({ timeout: 2_000 }).catch(() => {});
    await showTracesView();
    await waitUntil(() => sidebar().getByText('No traces yet').first().isVisible(), {
      timeoutMs: 10_000,
      message: 'the Traces view does not show its welcome text "No traces yet" after clearing',
      describe: rowTexts,
    });
    await waitUntil(async () => (await statusBarTexts(page)).find((t) => /\b0 traces\b/.test(t)), {
      timeoutMs: 10_000,
      message: 'the status bar does not say "0 traces" after clearing',
      describe: statusDescribe,
    });
    await screenshot(page, shots, 'g-cleared');
  }));

  it('h. no Trace Lens errors in the extension host log or the Trace Lens output log', { timeout: 10_000 }, step('h-log', async () => {
    // This page's host, not the newest log: an earlier file's page has a host that may still be
    // shutting down (a tree refresh it had queued ends "Canceled" then, which is VS Code's noise).
    const file = newExtensionHostLog(userDataDir, logsBefore);
    assert.ok(file, 'no extension host log');
    const lines = readText(file).split('\n');
    const errors = lines.flatMap((line, i) =>
      /\[error\]/.test(line) && (line.includes(EXTENSION_ID) || /trace-?lens/i.test(line)) ? [lines.slice(i, i + 6).join('\n')] : [],
    );
    assert.deepEqual(errors, [], `errors logged for ${EXTENSION_ID} in ${file}`);
    for (const own of extensionOutputLogs(userDataDir)) {
      const ownErrors = readText(own).split('\n').filter((l) => /\[error\]/.test(l));
      assert.deepEqual(ownErrors, [], `errors in the extension's own log ${own}`);
    }
  }));
});
