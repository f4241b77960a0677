// End-to-end: replay in the real VS Code workbench (started by scripts/e2e.mjs, see
// workbench.test.mjs for the environment variables). Like a user:
// 1. the demo agent runs; a replay provider pointing at a local OpenAI-compatible stand-in is added
//    to the user settings; "Replay Model Call…" on the trace row, first call → the playground shows
//    the recorded request and the original answer; Send → the stand-in's answer streams in beside
//    the original, and the replay arrives in the Traces view as its own trace, marked as a replay.
//    The stand-in received the recorded conversation.
// 2. "Serve Recorded Responses…" on the original trace; the demo agent runs again against the
//    served endpoint: same answer, both calls served from the recording, no request reaches the
//    stand-in, and the re-run's trace arrives.
// Independent of the order of the e2e files: it clears the store first and stops its receiver last.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extensionHostLogs, extensionOutputLogs, readText, repoRoot } from '../support/e2e/codeServer.mjs';
import { clickMenuItem, launchBrowser, leaveWorkbench, openWorkbench, runCommand, screenshot, showTraceLens, startWithNoTraces, statusBarTexts, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';
import { startModelStandIn } from '../support/e2e/modelStandIn.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort && userDataDir);

/** The demo's question (demo/agent/agent.mjs SCENARIOS.weather). */
const QUESTION = 'What is the weather in Paris right now, and how is ACME stock doing?';
const STAND_IN_ANSWER = 'Replayed answer: it is sunny in Paris.';

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
/** @type {Awaited<ReturnType<typeof startModelStandIn>> | undefined} */ let standIn;
/** The settings file as the e2e runner wrote it (restored at the end). */
let settingsBefore = '';
/** The answer of the recorded run (the demo prints `run 1/1 (conv_…) → <answer>`). */
let recordedAnswer = '';

const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);
const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const topRows = () => tracesPane().locator('.monaco-list-row[aria-level="1"]');
const quickInput = () => page.locator('.quick-input-widget');
const playground = () => page.frameLocator('iframe.webview:not([src*="purpose=webviewView"])').first().frameLocator('iframe#active-frame');
const settingsFile = () => join(userDataDir, 'User/settings.json');
const answerOf = (/** @type {string} */ out) => /→ (.+)$/m.exec(out)?.[1]?.trim() ?? '';

/**
 * Waits until the Traces view's rows have not changed for 1.5 s. A context-menu command gets its
 * row from the tree's element handle; when the tree refreshes between the right-click and the
 * click on the menu item (the trace's cost, errors or findings arriving), the handle resolves to
 * nothing and the command asks for a trace instead.
 */
async function treeSettled() {
  let last = '';
  let since = Date.now();
  await waitUntil(
    async () => {
      const now = JSON.stringify(await topRows().allInnerTexts());
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= 1_500;
    },
    { timeoutMs: 20_000, intervalMs: 250, message: 'the Traces view kept changing', describe: async () => last },
  );
}

/**
 * Clicks the quick pick row whose text contains `text` (clicking is steadier than Enter). When the
 * command asks for the trace first, it picks the demo trace: that is what the command does when
 * VS Code hands it no row (the row's element handle was dropped by a whole-tree reload between the
 * right-click and the click on the menu item; test/unit/extension/liveTree.test.ts covers the
 * live updates that no longer do that), and what a user would then do.
 */
async function pick(text) {
  const row = quickInput().locator('.monaco-list-row', { hasText: text }).first();
  const tracePick = quickInput().locator('.monaco-list-row', { hasText: QUESTION }).filter({ hasNotText: 'Replay' }).first();
  const first = await Promise.race([
    row.waitFor({ state: 'visible', timeout: 10_000 }).then(() => 'row', () => 'none'),
    tracePick.waitFor({ state: 'visible', timeout: 10_000 }).then(() => 'trace', () => 'none'),
  ]);
  if (first === 'trace' && !(await row.isVisible().catch(() => false))) {
    console.log(`    (the command asked for the trace: the menu's row was not resolved; picking the demo trace)`);
    await tracePick.click();
  }
  const shown = await row.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
  if (!shown) {
    const rows = await quickInput().locator('.monaco-list-row').allInnerTexts().catch(() => []);
    const open = await quickInput().isVisible().catch(() => false);
    throw new Error(`no quick pick row "${text}" (quick input ${open ? 'open' : 'closed'}; rows: ${JSON.stringify(rows)}; editor tabs: ${JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts().catch(() => []))})`);
  }
  await row.click();
}

describe('Replay in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    standIn = await startModelStandIn({ answer: STAND_IN_ANSWER });
    settingsBefore = readFileSync(settingsFile(), 'utf8');
    const settings = JSON.parse(settingsBefore);
    settings['traceLens.replay.providers'] = [{ name: 'Stand-in', kind: 'openai', baseUrl: standIn.baseURL }];
    writeFileSync(settingsFile(), `${JSON.stringify(settings, null, 2)}\n`);
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    if (page) await runCommand(page, 'Trace Lens: Stop Serving Recorded Responses').catch(() => undefined);
    await leaveWorkbench(page, browser, receiverPort);
    if (settingsBefore) writeFileSync(settingsFile(), settingsBefore);
    await standIn?.close();
  });

  it('1. Replay Model Call… on the demo trace: the stand-in answer beside the original, recorded as a replay trace', { timeout: 150_000 }, step('replay1', async () => {
    await showTraceLens(page);
    await startWithNoTraces(page);
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--runs', '1', '--interval', '0'] });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    recordedAnswer = answerOf(run.out);
    assert.ok(recordedAnswer, `no answer in the demo output: ${run.out}`);
    await waitUntil(async () => (await topRows().allInnerTexts()).some((t) => t.includes(QUESTION.slice(0, 28))), {
      timeoutMs: 20_000,
      message: 'the demo trace is not listed',
      describe: async () => JSON.stringify(await topRows().allInnerTexts()),
    });

    await treeSettled();
    await topRows().first().click({ button: 'right' });
    await clickMenuItem(page, 'Replay Model Call…');
    await pick('1. chat gpt-4o-mini');

    const view = playground();
    await waitUntil(async () => (await view.locator('.column.original').count()) > 0, { timeoutMs: 20_000, message: 'the playground did not open' });
    const fields = await view.locator('textarea').evaluateAll((els) => els.map((e) => /** @type {HTMLTextAreaElement} */ (e).value));
    assert.ok(fields.includes(QUESTION), `the playground's editor does not hold the recorded question: ${JSON.stringify(fields).slice(0, 600)}`);
    const original = (await view.locator('.column.original').innerText()).replace(/\s+/g, ' ');
    assert.match(original, /get_weather/, `the original answer (two tool calls) is not shown: ${original}`);
    await waitUntil(async () => /Stand-in/.test(await view.locator('.topbar').innerText()), { timeoutMs: 10_000, message: 'the Stand-in provider is not preselected' });
    await screenshot(page, shots, 'replay1-playground');

    await view.locator('#send').click();
    await waitUntil(async () => (await view.locator('.column[data-status="done"]').count()) > 0, {
      timeoutMs: 30_000,
      message: 'the replay did not finish',
      describe: async () => (await view.locator('.columns').innerText()).slice(0, 800),
    });
    const replayed = (await view.locator('.column[data-status="done"]').first().innerText()).replace(/\s+/g, ' ');
    assert.ok(replayed.includes(STAND_IN_ANSWER), `the stand-in's answer is not shown: ${replayed}`);
    assert.equal(standIn?.requests(), 1, 'the stand-in did not receive exactly one request');
    const sent = /** @type {any} */ (standIn?.bodies[0]);
    assert.equal(sent.model, 'gpt-4o-mini');
    assert.ok(JSON.stringify(sent.messages).includes(QUESTION), `the replayed request lacks the recorded question: ${JSON.stringify(sent.messages)}`);
    await screenshot(page, shots, 'replay1-answer');

    await waitUntil(async () => (await topRows().allInnerTexts()).some((t) => t.startsWith('Replay: ')), {
      timeoutMs: 20_000,
      message: 'the replay is not listed as a trace',
      describe: async () => JSON.stringify(await topRows().allInnerTexts()),
    });
  }));

  it('2. Serve Recorded Responses…: the demo re-run gets the recorded answers, no request reaches the provider', { timeout: 150_000 }, step('replay2', async () => {
    const original = topRows().filter({ hasNotText: 'Replay: ' }).first();
    await treeSettled();
    await original.click({ button: 'right' });
    await clickMenuItem(page, 'Serve Recorded Responses…');
    await pick('All 2 model calls');

    /** @type {string} */ let served = '';
    await waitUntil(
      () => {
        const line = extensionOutputLogs(userDataDir).map(readText).join('\n').match(/serving 2 recorded responses of trace [0-9a-f]{32} at (http:\/\/127\.0\.0\.1:\d+)/g)?.pop();
        served = line ? line.replace(/.* at /, '') : '';
        return Boolean(served);
      },
      { timeoutMs: 15_000, message: 'no "serving … at" line in the Trace Lens log' },
    );
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => /0\/2 recorded/.test(t)), {
      timeoutMs: 10_000,
      message: 'no recorded-responses status bar item',
      describe: async () => JSON.stringify(await statusBarTexts(page)),
    });

    const before = standIn?.requests();
    const rerun = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--runs', '1', '--interval', '0', '--openai-base-url', `${served}/v1`] });
    assert.equal(rerun.code, 0, `the demo agent failed against the recorded responses: ${rerun.out}`);
    assert.equal(answerOf(rerun.out), recordedAnswer, 'the re-run did not give the recorded answer');
    assert.equal(standIn?.requests(), before, 'a request reached the provider');
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => /2\/2 recorded/.test(t) && !/diverged/.test(t)), {
      timeoutMs: 10_000,
      message: 'the status bar does not say both calls were served from the recording',
      describe: async () => JSON.stringify(await statusBarTexts(page)),
    });
    await waitUntil(async () => (await topRows().count()) === 3, {
      timeoutMs: 20_000,
      message: "the re-run's trace is not listed",
      describe: async () => JSON.stringify(await topRows().allInnerTexts()),
    });
    await screenshot(page, shots, 'replay2-served');
  }));
});
