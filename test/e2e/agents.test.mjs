// End-to-end: what coding agents get from Trace Lens, in the real VS Code workbench (started by
// scripts/e2e.mjs, see workbench.test.mjs for the environment variables). Like a user:
//   1. the demo agent's run arrives;
//   2. "Trace Lens: Preview What Agents See…" lists the eight Trace Lens tools as registered in
//      VS Code's tool registry (`vscode.lm.tools`), and running #trace through `vscode.lm.invokeTool`
//      opens the demo trace as the agent reads it: the question, the tool calls with their
//      arguments, the failing tool's error, the answer.
// The MCP server definition provider is not checked here: this workbench build (code-server) has no
// MCP server list; test/unit/mcp/registerMcp.test.ts launches the definition it provides.
// Independent of the order of the e2e files: it clears the store first and stops its receiver last.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extensionHostLogs, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, leaveWorkbench, openWorkbench, runCommand, screenshot, showTraceLens, startWithNoTraces, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

/** The demo agent's question and answer (demo/agent/agent.mjs USER_PROMPT, demo/agent/fakeOpenAI.mjs). */
const QUESTION = 'What is the weather in Paris right now, and how is ACME stock doing?';
const ANSWER_START = 'In Paris it is 18 °C and partly cloudy right now.';
const TOOL_REFS = ['#traces', '#recentTraces', '#trace', '#span', '#traceSessions', '#traceUsage', '#traceFindings', '#traceBaseline'];

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const quickInput = () => page.locator('.quick-input-widget');
const pickTexts = () => quickInput().locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ')));
/** `[label, whole row text]` of each quick pick row. */
const pickRows = () =>
  quickInput()
    .locator('.monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => [(r.querySelector('.label-name')?.textContent ?? '').trim(), (r.textContent ?? '').replace(/\s+/g, ' ')]));

describe('Coding agents in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. the demo agent run arrives', { timeout: 120_000 }, step('agents1-run', async () => {
    await showTraceLens(page);
    await startWithNoTraces(page);
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}` });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    await waitUntil(async () => (await tracesPane().locator('.monaco-list-row[aria-level="1"]').allInnerTexts()).some((t) => t.includes(QUESTION.slice(0, 28))), {
      timeoutMs: 20_000,
      message: 'the demo trace is not listed',
    });
  }));

  it('2. the tools are registered, and #trace through vscode.lm.invokeTool returns the demo trace', { timeout: 60_000 }, step('agents2-invoke', async () => {
    await runCommand(page, 'Trace Lens: Preview What Agents See…');
    await waitUntil(async () => (await pickTexts()).length >= TOOL_REFS.length, { timeoutMs: 10_000, message: 'the preview lists no tools', describe: async () => JSON.stringify(await pickTexts()) });
    const rows = await pickRows();
    for (const ref of TOOL_REFS) {
      const row = rows.find(([label]) => label === ref);
      assert.ok(row, `no ${ref} tool listed: ${JSON.stringify(rows.map(([label]) => label))}`);
      assert.doesNotMatch(row[1], /not registered/, `${ref} is not in vscode.lm.tools: ${row[1]}`);
    }
    await screenshot(page, shots, 'agents2-tools');
    await quickInput().locator('input').fill('#trace ');
    await quickInput().locator('.monaco-list-row', { hasText: 'Get Trace' }).first().click();
    const editor = page.locator('.editor-instance .view-lines').first();
    await waitUntil(async () => (await editor.innerText().catch(() => '')).includes('get_weather'), {
      timeoutMs: 20_000,
      message: 'no editor with the #trace answer opened',
      describe: async () => JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts()),
    });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    for (const expected of [QUESTION, 'get_weather', 'Paris', 'get_stock_price', '503', ANSWER_START]) {
      assert.ok(text.includes(expected), `the #trace answer lacks ${JSON.stringify(expected)}:\n${text.slice(0, 1500)}`);
    }
    await screenshot(page, shots, 'agents2-trace');
  }));
});
