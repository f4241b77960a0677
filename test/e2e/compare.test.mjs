// End-to-end: two runs side by side in the real VS Code workbench (started by scripts/e2e.mjs, see
// workbench.test.mjs for the environment variables). Like a user: the demo agent runs twice with
// different questions (weather, then news); both rows are selected in the Traces view (Ctrl-click)
// and "Compare Traces" from the context menu opens the comparison: both questions, their inline
// diff, the aligned steps and the summary line.
// Independent of the order of the e2e files: it clears the store first and stops its receiver last.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extensionHostLogs, repoRoot } from '../support/e2e/codeServer.mjs';
import { clickMenuItem, launchBrowser, leaveWorkbench, openWorkbench, screenshot, showTraceLens, startWithNoTraces, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

/** The demo's questions (demo/agent/agent.mjs SCENARIOS weather and news). */
const WEATHER = 'What is the weather in Paris right now, and how is ACME stock doing?';
const NEWS = 'What are the top headlines today?';

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const topRows = () => tracesPane().locator('.monaco-list-row[aria-level="1"]');

describe('Compare two runs in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. two demo runs with different questions, compared from the Traces view', { timeout: 120_000 }, step('compare1', async () => {
    await showTraceLens(page);
    await startWithNoTraces(page);
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--quiet', '--runs', '2', '--interval', '0', '--scenario', 'weather,news'] });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    await waitUntil(async () => (await topRows().count()) === 2, { timeoutMs: 20_000, message: 'the two demo traces are not listed', describe: async () => JSON.stringify(await topRows().allInnerTexts()) });

    await topRows().nth(0).click();
    await topRows().nth(1).click({ modifiers: ['Control'] });
    await topRows().nth(1).click({ button: 'right' });
    await clickMenuItem(page, 'Compare Traces');

    const view = page.frameLocator('iframe.webview:not([src*="purpose=webviewView"])').first().frameLocator('iframe#active-frame');
    await waitUntil(async () => (await view.locator('.summary-text').count()) > 0, {
      timeoutMs: 20_000,
      message: 'no comparison opened',
      describe: async () => JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts()),
    });
    const text = (await view.locator('body').innerText()).replace(/\s+/g, ' ');
    for (const q of [WEATHER, NEWS]) assert.ok(text.includes(q) || text.includes(q.slice(0, 30)), `the comparison does not show "${q}": ${text.slice(0, 800)}`);
    assert.ok((await view.locator('ins').count()) > 0 && (await view.locator('del').count()) > 0, 'no inline diff (ins/del) in the comparison');
    assert.ok((await view.locator('.row[data-status]').count()) >= 3, 'fewer than three aligned steps');
    assert.match(await view.locator('.summary-text').innerText(), /\S/, 'empty summary line');
    await screenshot(page, shots, 'compare1');
  }));
});
