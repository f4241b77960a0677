// End-to-end: two VS Code windows (two workbench pages of one code-server, each with its own
// extension host). The first owns the OTLP port and the store; the second recognizes it (identity
// check, not "port busy"), says so in its status bar and shows the same traces through the query
// channel; when the owner lets go of the port, the second takes over within seconds.
// code-server keeps a closed page's extension host alive for a while (it waits for a reconnect),
// so "the owner goes away" is played by "Trace Lens: Stop Receiver" in the owner window.
// Independent of the order of the e2e files: it clears its traces and stops its receivers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeReceiver, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, openWorkbench, runCommand, screenshot, statusBarTexts, stopReceiver, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const configured = Boolean(url && receiverPort);

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let owner;
/** @type {import('playwright-core').Page} */ let second;
/** @type {import('playwright-core').Page | undefined} */ let current;

const step = stepper(() => current, shots);
const describeStatus = (page) => async () => JSON.stringify(await statusBarTexts(page));

/** Opens the Trace Lens side bar of a page and returns its text. */
async function sideBarText(page) {
  const icon = page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first();
  const selected = await icon.evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked')).catch(() => false);
  if (!selected) await icon.click();
  return page.locator('.part.sidebar').innerText().catch(() => '');
}

describe('many windows: one owns the receiver, the others show its traces and take over', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    owner = await openWorkbench(browser, /** @type {string} */ (url));
    current = owner;
  });

  after(async () => {
    for (const page of [owner, second]) {
      if (!page) continue;
      await runCommand(page, 'Trace Lens: Clear All Traces').catch(() => undefined);
      if (!(await stopReceiver(page))) console.log('note: "Trace Lens: Stop Receiver" did not stop the receiver of this page');
    }
    await waitUntil(async () => (await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', { timeoutMs: 10_000, message: 'receiver still up' })
      .catch((err) => console.log(`note: ${err.message}`));
    await browser?.close();
  });

  it('w1. the first window owns the port and receives the demo agent\'s trace', { timeout: 120_000 }, step('w1-owner', async () => {
    await waitUntil(async () => (await statusBarTexts(owner)).some((t) => t.includes(`listening :${receiverPort}`)), {
      timeoutMs: 60_000,
      message: `the first window's status bar does not show "listening :${receiverPort}"`,
      describe: describeStatus(owner),
    });
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--runs', '1', '--interval', '0', '--quiet'] });
    assert.equal(run.code, 0, `the demo agent failed:\n${run.out}`);
    await waitUntil(async () => (await statusBarTexts(owner)).some((t) => /\b1 trace\b/.test(t)), {
      timeoutMs: 15_000,
      message: 'the first window does not count the demo trace',
      describe: describeStatus(owner),
    });
  }));

  it('w2. a second window recognizes the owner, says so, and shows the same trace', { timeout: 120_000 }, step('w2-second', async () => {
    second = await openWorkbench(browser, /** @type {string} */ (url));
    current = second;
    await waitUntil(async () => (await statusBarTexts(second)).some((t) => t.includes(`:${receiverPort} in another window`) && /\b1 trace\b/.test(t)), {
      timeoutMs: 60_000,
      message: `the second window's status bar does not show ":${receiverPort} in another window · 1 trace"`,
      describe: describeStatus(second),
    });
    // Not the foreign-program warning: the port is Trace Lens's own.
    assert.ok(!(await statusBarTexts(second)).some((t) => /busy/.test(t)), 'the second window calls the port busy');
    await waitUntil(async () => /What is the weather in Paris/.test(await sideBarText(second)), {
      timeoutMs: 15_000,
      message: 'the second window\'s Traces view does not list the demo trace of the first window',
      describe: async () => JSON.stringify((await sideBarText(second)).slice(0, 400)),
    });
    await screenshot(second, shots, 'w2-second-window');
  }));

  it('w3. when the owner lets go of the port, the second window takes over within seconds', { timeout: 60_000 }, step('w3-takeover', async () => {
    current = owner;
    assert.ok(await stopReceiver(owner), 'the first window\'s receiver did not stop');
    current = second;
    const started = Date.now();
    // Its own store is empty: the first window's traces stay with the first window.
    await waitUntil(async () => (await statusBarTexts(second)).some((t) => t.includes(`listening :${receiverPort}`) && /\b0 traces\b/.test(t)), {
      timeoutMs: 15_000,
      message: `the second window did not take over port ${receiverPort} (status "listening :${receiverPort} · 0 traces")`,
      describe: describeStatus(second),
    });
    console.log(`      took over in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Now the owner: it receives new traces itself.
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}`, args: ['--runs', '1', '--interval', '0', '--quiet'] });
    assert.equal(run.code, 0, `the demo agent failed against the new owner:\n${run.out}`);
    await waitUntil(async () => (await statusBarTexts(second)).some((t) => /\b1 trace\b/.test(t) && t.includes(`listening :${receiverPort}`)), {
      timeoutMs: 15_000,
      message: 'the new owner does not count the trace it received',
      describe: describeStatus(second),
    });
    await screenshot(second, shots, 'w3-takeover');
  }));
});
