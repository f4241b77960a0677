// End-to-end: diagnostics in the real VS Code workbench (started by scripts/e2e.mjs, see
// workbench.test.mjs for the environment variables). Like a user:
//   1. the demo agent runs eight conversations: five usual ones, an expensive outlier, a loop and
//      a swallowed tool error (demo/agent/agent.mjs SCENARIOS);
//   2. the Problems panel lists the loop, the swallowed error and the outlier's baseline anomaly
//      as Trace Lens problems in demo/agent/agent.mjs, each on the line of the `startActiveSpan`
//      call that made its span;
//   3. the Diagnostics view lists the findings by trace; clicking one opens the trace at its span;
//   4. the Traces view's rows of those runs say how many findings they have.
// Independent of the order of the e2e files: it clears the store first and stops its receiver last.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

/** 1-based line of the `nth` line of demo/agent/agent.mjs containing `text`. */
function agentLine(text, nth = 1) {
  const lines = readFileSync(join(repoRoot, 'demo/agent/agent.mjs'), 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(text) && ++seen === nth) return i + 1;
  throw new Error(`demo/agent/agent.mjs has no ${nth}. line with ${text}`);
}
const ROOT_LINE = agentLine('tracer.startActiveSpan(', 1);
const TOOL_LINE = agentLine('tracer.startActiveSpan(', 2);

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const pane = (title) => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) }).first();
const problemRows = () => page.locator('.markers-panel .monaco-list-row');
const problemTexts = () => problemRows().evaluateAll((rows) => rows.map((r) => `${r.getAttribute('aria-label') ?? ''} | ${(r.textContent ?? '').replace(/\s+/g, ' ')}`));

/** The Trace Lens view container, with its Traces view showing. */
async function showTraces() {
  await showTraceLens(page);
  await waitUntil(() => pane('Traces').isVisible(), { message: 'the Traces view did not show' });
}

describe('Diagnostics in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. the demo agent runs five usual conversations, an outlier, a loop and a swallowed tool error', { timeout: 120_000 }, step('diag1-runs', async () => {
    await showTraces();
    await startWithNoTraces(page);
    const run = await runDemo({
      endpoint: `http://127.0.0.1:${receiverPort}`,
      args: ['--quiet', '--runs', '8', '--interval', '0', '--scenario', 'weather,weather,weather,weather,weather,outlier,loop,news'],
    });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
  }));

  it('2. the Problems panel shows each finding on the line of agent.mjs that made its span', { timeout: 90_000 }, step('diag2-problems', async () => {
    await page.keyboard.press('Control+Shift+M');
    // The Problems list renders only the rows in view: a maximized panel shows all of them.
    await runCommand(page, 'View: Toggle Maximized Panel');
    const expected = [
      { what: 'loop', pattern: /Possible loop: get_weather was called 4 times/, line: TOOL_LINE },
      { what: 'swallowed tool error', pattern: /Swallowed tool error: get_news/, line: TOOL_LINE },
      { what: 'baseline anomaly of the outlier', pattern: /Tokens [\d,]+ is above the baseline/, line: ROOT_LINE },
    ];
    // Runs complete 3 s after their last span; the outlier is judged then.
    await waitUntil(async () => {
      const rows = await problemTexts();
      return expected.every((e) => rows.some((r) => e.pattern.test(r)));
    }, {
      timeoutMs: 45_000,
      message: `the Problems panel does not list the ${expected.map((e) => e.what).join(', ')}`,
      describe: async () => JSON.stringify(await problemTexts()),
    });
    const rows = await problemTexts();
    assert.ok(rows.some((r) => /agent\.mjs/.test(r)), `no agent.mjs file row in the Problems panel: ${JSON.stringify(rows)}`);
    for (const e of expected) {
      const row = rows.find((r) => e.pattern.test(r));
      assert.match(row, /Trace Lens/, `the ${e.what} is not from source "Trace Lens": ${row}`);
      assert.match(row, new RegExp(`(Ln ${e.line}\\b|line ${e.line}\\b)`), `the ${e.what} is not on line ${e.line} of agent.mjs: ${row}`);
    }
    await screenshot(page, shots, 'diag2-problems');
    await runCommand(page, 'View: Toggle Maximized Panel');
  }));

  it('3. the Diagnostics view lists the findings; a click opens the trace at the span', { timeout: 60_000 }, step('diag3-view', async () => {
    await showTraces();
    const view = pane('Diagnostics');
    await view.locator('.pane-header').first().scrollIntoViewIfNeeded();
    if ((await view.locator('.pane-header').first().getAttribute('aria-expanded')) === 'false') await view.locator('.pane-header').first().click();
    const loopRow = view.locator('.monaco-list-row', { hasText: 'Possible loop' }).first();
    await waitUntil(() => loopRow.isVisible(), {
      timeoutMs: 15_000,
      message: 'the Diagnostics view does not list the loop',
      describe: async () => JSON.stringify(await view.locator('.monaco-list-row').allInnerTexts().catch(() => [])),
    });
    await screenshot(page, shots, 'diag3-view');
    await loopRow.click();
    const webview = page.frameLocator('iframe.webview:not([src*="purpose=webviewView"])').first().frameLocator('iframe#active-frame');
    await waitUntil(async () => /execute_tool get_weather/.test(await webview.locator('#details').innerText().catch(() => '')), {
      timeoutMs: 20_000,
      message: 'clicking the loop did not open its trace with the tool span selected',
      describe: async () => JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts()),
    });
    // The trace header says what was found; its list selects a finding's span.
    const toggle = webview.locator('[data-fact="findings"]');
    await waitUntil(() => toggle.isVisible(), { timeoutMs: 10_000, message: 'the trace header shows no findings toggle' });
    assert.match(await toggle.innerText(), /\d+ findings?/);
    await toggle.click();
    const rows = webview.locator('.th-findings .finding-row');
    await waitUntil(async () => (await rows.count()) > 0, { timeoutMs: 5_000, message: 'the findings list did not open' });
    assert.ok((await rows.allInnerTexts()).some((t) => /Possible loop/.test(t)), 'the header list does not name the loop');
    await screenshot(page, shots, 'diag3-opened');
  }));

  it('3b. the Usage view lists the findings of all traces in its Table tab', { timeout: 30_000 }, step('diag3b-usage', async () => {
    const usage = page.frameLocator('iframe.webview[src*="purpose=webviewView"]').first().frameLocator('iframe#active-frame');
    const note = usage.locator('.findings-note');
    await waitUntil(() => note.isVisible(), { timeoutMs: 15_000, message: 'the Usage view shows no findings line', describe: async () => (await usage.locator('body').innerText().catch(() => '')).slice(0, 400) });
    await note.locator('button').click();
    const rows = usage.locator('[data-table="findings"] tbody tr');
    await waitUntil(async () => (await rows.count()) >= 3, { timeoutMs: 10_000, message: 'the findings table lists fewer than three findings', describe: async () => JSON.stringify(await rows.allInnerTexts().catch(() => [])) });
    await screenshot(page, shots, 'diag3b-usage');
  }));

  it('4. the Traces view rows of those runs say how many findings they have', { timeout: 30_000 }, step('diag4-rows', async () => {
    const rows = pane('Traces').locator('.monaco-list-row[aria-level="1"]');
    await waitUntil(async () => (await rows.allInnerTexts()).filter((t) => /\d+ findings?/.test(t)).length >= 3, {
      timeoutMs: 15_000,
      message: 'fewer than three trace rows mention findings',
      describe: async () => JSON.stringify(await rows.allInnerTexts()),
    });
    await screenshot(page, shots, 'diag4-rows');
  }));
});
