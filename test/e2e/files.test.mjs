// End-to-end: traces as files in the real VS Code workbench (started by scripts/e2e.mjs, see
// workbench.test.mjs for the environment variables). Like a user:
//   1. the demo agent's run arrives; "Export Trace as OTLP JSON Lines…" writes it into the
//      workspace as `e2e-export.jsonl` (one OTLP/JSON export request per line);
//   2. "Clear All Traces", then "Open in Trace Lens" on that file in the Explorer: the same trace
//      (same id, same span count) is back, and opening it shows the same spans.
// Independent of the order of the e2e files: it clears the store first, removes the file and stops
// its receiver last.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoDir, extensionHostLogs, repoRoot } from '../support/e2e/codeServer.mjs';
import { clickMenuItem, launchBrowser, leaveWorkbench, openWorkbench, runCommand, screenshot, showTraceLens, startWithNoTraces, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

const FILE = join(demoDir, 'e2e-export.jsonl');
const QUESTION = 'What is the weather in Paris right now, and how is ACME stock doing?';

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);
/** What the demo delivered (its --summary). */
let demo = null;

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const topRows = () => tracesPane().locator('.monaco-list-row[aria-level="1"]');
const quickInput = () => page.locator('.quick-input-widget');

/** The Trace Lens view container, with its Traces view showing. */
async function showTraces() {
  await showTraceLens(page);
  await waitUntil(() => tracesPane().isVisible(), { message: 'the Traces view did not show' });
}

describe('Traces as files in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    rmSync(FILE, { force: true });
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    rmSync(FILE, { force: true });
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. the demo run is exported as OTLP JSON Lines into the workspace', { timeout: 120_000 }, step('files1-export', async () => {
    await showTraces();
    await startWithNoTraces(page);
    const summaryFile = join(repoRoot, 'test-results/e2e/files-demo-summary.json');
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--quiet', '--summary', summaryFile] });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    demo = JSON.parse(readFileSync(summaryFile, 'utf8'));
    await waitUntil(async () => (await topRows().count()) === 1, { timeoutMs: 20_000, message: 'the demo trace is not listed' });

    await runCommand(page, 'Trace Lens: Export Trace as OTLP JSON Lines…');
    // No trace row was given: a pick of the stored traces, then the save dialog, then what to write.
    const input = quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    const traceItem = quickInput().locator('.monaco-list-row').first();
    await traceItem.waitFor({ timeout: 5_000 });
    await traceItem.click();
    // The save dialog (VS Code's own in the browser): the path field.
    await waitUntil(async () => /\.jsonl$/.test(await input.inputValue().catch(() => '')), { timeoutMs: 10_000, message: 'no save dialog with a .jsonl name', describe: async () => input.inputValue() });
    await input.fill(FILE);
    await page.keyboard.press('Enter');
    const both = quickInput().locator('.monaco-list-row', { hasText: 'Spans and log records in one file' }).first();
    await both.waitFor({ timeout: 10_000 });
    await both.click();
    await waitUntil(() => existsSync(FILE) && readFileSync(FILE, 'utf8').trim().length > 0, { timeoutMs: 15_000, message: `${FILE} was not written` });
    const lines = readFileSync(FILE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => Array.isArray(l.resourceSpans)), 'no ExportTraceServiceRequest line');
    const spanIds = lines.flatMap((l) => (l.resourceSpans ?? []).flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((sp) => sp.spanId))));
    assert.deepEqual(spanIds.sort(), demo.traces[0].spans.map((s) => s.spanId).sort(), 'the file does not hold the spans the demo sent');
  }));

  it('2. after Clear, "Open in Trace Lens" on the file in the Explorer brings the same trace back', { timeout: 90_000 }, step('files2-open', async () => {
    await runCommand(page, 'Trace Lens: Clear All Traces');
    await waitUntil(async () => (await topRows().count()) === 0, { timeoutMs: 15_000, message: 'the Traces view is not empty after Clear' });
    await runCommand(page, 'View: Show Explorer');
    const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'e2e-export.jsonl' }).first();
    await waitUntil(() => item.isVisible(), { timeoutMs: 15_000, message: 'the exported file is not in the Explorer' });
    await item.click({ button: 'right' });
    await clickMenuItem(page, 'Open in Trace Lens');
    await showTraces();
    await waitUntil(async () => (await topRows().allInnerTexts()).some((t) => t.includes(QUESTION.slice(0, 28))), {
      timeoutMs: 20_000,
      message: 'the trace did not come back from the file',
      describe: async () => JSON.stringify(await topRows().allInnerTexts()),
    });
    const row = (await topRows().allInnerTexts())[0];
    assert.match(row, new RegExp(`${demo.traces[0].spanCount} spans`), `the reopened trace has another span count: ${row}`);
    assert.match(row, /from e2e-export\.jsonl/, `the row does not say which file the trace came from: ${row}`);
    await runCommand(page, 'Trace Lens: Open Trace by ID…');
    await quickInput().locator('input').fill(demo.traces[0].traceId);
    await page.keyboard.press('Enter');
    // The trace panel's document (any frame of the page): its header names the trace id, one row per span.
    const traceId = demo.traces[0].traceId;
    const panelRows = async () => {
      for (const frame of page.frames()) {
        const ids = await frame.locator('code.id').allInnerTexts().catch(() => []);
        if (ids.includes(traceId)) return frame.locator('.row[data-span-id]').count();
      }
      return -1;
    };
    await waitUntil(async () => (await panelRows()) === demo.traces[0].spanCount, {
      timeoutMs: 20_000,
      message: `the reopened trace ${traceId} does not open with the demo's ${demo.traces[0].spanCount} spans`,
      describe: async () => String(await panelRows()),
    });
    await screenshot(page, shots, 'files2-reopened');
  }));
});
