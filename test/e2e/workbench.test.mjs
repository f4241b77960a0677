// End-to-end: the packaged extension in the real VS Code workbench (code-server 4.139.1 = VS Code
// 1.139.1), driven by playwright-core + Debian Chromium. Started by scripts/e2e.mjs, which provides:
//   TRACE_LENS_E2E_URL            workbench URL (…/?folder=<repo>/demo)
//   TRACE_LENS_E2E_RECEIVER_PORT  the port the extension's receiver was configured to use
//   TRACE_LENS_E2E_SCREENSHOTS    directory for screenshots (test-results/e2e)
//   TRACE_LENS_E2E_USER_DATA_DIR  code-server user-data dir (extension host logs live below it)
// The tests run in order against one browser page and build on each other, like a user would:
// activate → see the receiver → send a trace → browse it → inspect a span → clear.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXTENSION_ID, extensionHostLogs, extensionOutputLogs, readText, repoRoot } from './support/codeServer.mjs';
import { launchBrowser, openWorkbench, runCommand, screenshot, statusBarTexts, waitUntil } from './support/workbench.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

const ROOT_SPAN = 'invoke_agent weather-assistant';
const CHAT_SPAN = 'chat gpt-4o-mini';
const TOOL_SPANS = ['execute_tool get_weather', 'execute_tool get_stock_price'];

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
/** What the demo agent delivered (written by demo/agent/main.mjs --summary). */
let demo = null;
const browserErrors = [];

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const treeRows = () => sidebar().locator('.monaco-list-row');
const treeRow = (text) => treeRows().filter({ hasText: text }).first();
const webview = () => page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
const rowTexts = () =>
  treeRows()
    .evaluateAll((rows) => rows.map((r) => `[level ${r.getAttribute('aria-level')}] ${r.getAttribute('aria-label') ?? r.textContent}`))
    .then((t) => JSON.stringify(t));
const statusDescribe = async () => JSON.stringify(await statusBarTexts(page));

/**
 * Runs a test body; on failure saves `<name>-FAILED.png` and adds the screenshot path and the
 * extension host log path to the error.
 */
function step(name, body) {
  return async () => {
    try {
      await body();
    } catch (err) {
      const file = page ? await screenshot(page, shots, `${name}-FAILED`) : '(no page)';
      const log = extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)';
      const e = /** @type {Error} */ (err);
      const extra = `\n    screenshot: ${file}\n    extension host log: ${log}`;
      // node:test prints the stack (which embeds the message as it was when the error was made).
      if (e.stack?.includes(e.message)) e.stack = e.stack.replace(e.message, e.message + extra);
      e.message += extra;
      throw err;
    }
  };
}

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

function runDemo(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'demo/agent/main.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('Trace Lens in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
    page.on('pageerror', (err) => browserErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') browserErrors.push(`console: ${msg.text().slice(0, 300)}`);
    });
  });

  after(async () => {
    const relevant = browserErrors.filter((e) => /trace.?lens|webview/i.test(e));
    if (relevant.length) console.log(`browser errors mentioning Trace Lens or webviews:\n  ${relevant.slice(0, 20).join('\n  ')}`);
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
        const file = extensionHostLogs(userDataDir)[0];
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
    const { code, out } = await runDemo(['--runs', '1', '--interval', '0', '--summary', summaryFile]);
    assert.equal(code, 0, `demo agent exited ${code}:\n${out}`);
    demo = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.equal(demo.traceCount, 1, `demo agent delivered ${demo.traceCount} traces:\n${out}`);

    await showTracesView();
    await waitUntil(() => treeRow(ROOT_SPAN).isVisible(), {
      timeoutMs: 15_000,
      message: `no row labelled "${ROOT_SPAN}" in the Traces tree`,
      describe: rowTexts,
    });
    await waitUntil(async () => (await statusBarTexts(page)).find((t) => /\b1 trace\b/.test(t)), {
      timeoutMs: 10_000,
      message: 'the status bar does not say "1 trace"',
      describe: statusDescribe,
    });
    await screenshot(page, shots, 'c-trace-row');
  }));

  it('d. expanding the trace row shows its child spans', { timeout: 60_000 }, step('d-expanded', async () => {
    const row = treeRow(ROOT_SPAN);
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
    await treeRow(ROOT_SPAN).locator('.label-name, .monaco-icon-label').first().click();
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
    await screenshot(page, shots, 'f-details');
  }));

  it('g. "Trace Lens: Clear All Traces" empties the tree and the count', { timeout: 60_000 }, step('g-cleared', async () => {
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
    const file = extensionHostLogs(userDataDir)[0];
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
