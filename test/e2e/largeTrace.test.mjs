// End-to-end: a 10,000-span agent trace in the real VS Code workbench (started by scripts/e2e.mjs,
// see workbench.test.mjs for the environment variables). Posted over OTLP/HTTP JSON in 512-span
// requests like a BatchSpanProcessor, opened from the Traces view, then 10 spans clicked. It checks
// what a user relies on (every span arrives, the rows show, the clicked span's details show) and
// LOGS the figures the performance issue is about, measured in the workbench: click on the row →
// first rows painted (outside, polled), traceLoaded → first rows (webview User Timing), click on a
// span → its details painted (webview User Timing, with and without a prefetch). Timings are logged,
// never asserted (speed targets live in `npm run bench`).
// Independent of the order of the e2e files: it clears the store first and stops its receiver last.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extensionHostLogs, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, leaveWorkbench, openWorkbench, runCommand, screenshot, showTraceLens, startWithNoTraces, waitUntil } from '../support/e2e/workbench.mjs';
import { stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

const SPANS = 10_000;
const ROOT_NAME = 'invoke_agent large-run';

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);
const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const tracePanels = () => page.locator('iframe.webview:not([src*="purpose=webviewView"])');
/** The visible trace panel's document (hidden panels keep their iframes). */
const webview = () => page.frameLocator('iframe.webview:not([src*="purpose=webviewView"]):visible').first().frameLocator('iframe#active-frame');
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * One agent run of `SPANS` spans as OTLP/JSON export requests of 512 spans: a root, 100 agent
 * steps, each with a model call (gen_ai attributes, usage) and 98 tool calls.
 */
function largeTrace() {
  const traceId = randomBytes(16).toString('hex');
  const id = () => randomBytes(8).toString('hex');
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const attr = (key, v) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) } });
  const span = (spanId, parentSpanId, name, startMs, durMs, attributes) => ({
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: 1,
    startTimeUnixNano: String(t0 + BigInt(Math.round(startMs * 1e6))),
    endTimeUnixNano: String(t0 + BigInt(Math.round((startMs + durMs) * 1e6))),
    attributes,
    status: {},
  });
  const rootId = id();
  const spans = [span(rootId, null, ROOT_NAME, 0, 100_000, [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'large-run')])];
  for (let s = 0; spans.length < SPANS; s++) {
    const stepId = id();
    const start = s * 1000;
    spans.push(span(stepId, rootId, `step ${s}`, start, 990, [attr('step.index', s)]));
    spans.push(
      span(id(), stepId, 'chat gpt-4o-mini', start + 1, 300, [
        attr('gen_ai.operation.name', 'chat'),
        attr('gen_ai.provider.name', 'openai'),
        attr('gen_ai.request.model', 'gpt-4o-mini'),
        attr('gen_ai.usage.input_tokens', 1200 + s),
        attr('gen_ai.usage.output_tokens', 80),
      ]),
    );
    for (let t = 0; t < 98 && spans.length < SPANS; t++) {
      spans.push(span(id(), stepId, 'execute_tool lookup', start + 302 + t * 6, 5, [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'lookup'), attr('lookup.key', `k${s}-${t}`)]));
    }
  }
  const requests = [];
  for (let i = 0; i < spans.length; i += 512) {
    requests.push({
      resourceSpans: [
        {
          resource: { attributes: [attr('service.name', 'large-agent')] },
          scopeSpans: [{ scope: { name: 'e2e-large-trace' }, spans: spans.slice(i, i + 512) }],
        },
      ],
    });
  }
  return { traceId, requests };
}

describe('A 10,000-span trace in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. the trace arrives, opens, and its spans show their details (figures logged)', { timeout: 240_000 }, step('large1', async () => {
    await showTraceLens(page);
    await startWithNoTraces(page);
    const { traceId, requests } = largeTrace();
    for (const body of requests) {
      const res = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, `the receiver answered ${res.status}`);
    }
    const row = tracesPane().locator('.monaco-list-row[aria-level="1"]', { hasText: 'large-run' }).first();
    await waitUntil(async () => /10,000 spans|10000 spans/.test(await row.innerText().catch(() => '')), {
      timeoutMs: 60_000,
      message: 'the 10,000-span trace is not listed with all its spans',
      describe: async () => JSON.stringify(await tracesPane().locator('.monaco-list-row[aria-level="1"]').allInnerTexts()),
    });

    const rows = webview().locator('.row[data-span-id]');
    /** Opens the trace from its row; returns the outside time from the click to the first rows. */
    const open = async () => {
      const clickedAt = Date.now();
      await row.locator('.label-name, .monaco-icon-label').first().click();
      await waitUntil(async () => (await rows.count().catch(() => 0)) > 0, { timeoutMs: 30_000, intervalMs: 10, message: 'no waterfall rows for the 10,000-span trace' });
      return Date.now() - clickedAt;
    };
    const firstRowsTiming = () =>
      webview()
        .locator('#app')
        .evaluate(() =>
          performance
            .getEntriesByName('trace-lens:first-rows', 'measure')
            .map((e) => `${e.duration.toFixed(1)} ms (${(e.startTime + e.duration).toFixed(0)} ms after the webview document started loading)`)
            .join(', '),
        );
    // The first open of the session also starts the webview machinery; the second is what a user
    // sees every other time.
    const cold = await open();
    const coldInside = await firstRowsTiming();
    await runCommand(page, 'View: Close Editor');
    await waitUntil(async () => (await tracePanels().count()) === 0, { timeoutMs: 10_000, message: 'the trace panel did not close' });
    const warm = await open();
    console.log(
      `      10,000 spans: click on the row → first rows visible ${cold} ms (first panel of the session), ${warm} ms (again) (outside, polled every 10 ms);` +
        ` traceLoaded → first rows painted ${coldInside}, ${await firstRowsTiming()} (webview User Timing)`,
    );
    const header = await webview().locator('body').innerText();
    assert.ok(header.includes(ROOT_NAME) || header.includes('large-run'), 'the trace header does not name the run');
    assert.ok((await rows.count()) < 300, 'the waterfall is not virtualized (too many row elements)');

    // 10 clicks on different rows, straight after moving there (no rest on the row: no prefetch).
    const clicked = [];
    for (let i = 0; i < 10; i++) {
      const target = webview().locator('.row[data-span-id]').nth(2 + i * 2);
      const spanId = await target.getAttribute('data-span-id');
      await target.click();
      await waitUntil(async () => (await webview().locator(`#details [data-span-id="${spanId}"], #details`).innerText().catch(() => '')).includes(spanId?.slice(0, 8) ?? '?'), {
        timeoutMs: 10_000,
        message: `the details of span ${spanId} did not show`,
      });
      clicked.push(spanId);
    }
    const details = await webview()
      .locator('#app')
      .evaluate(() => performance.getEntriesByName('trace-lens:span-details', 'measure').map((e) => ({ ms: e.duration, cached: Boolean(e.detail?.cached) })));
    const fetched = details.filter((d) => !d.cached).map((d) => d.ms);
    const cached = details.filter((d) => d.cached).map((d) => d.ms);
    console.log(
      `      10,000 spans: click → span details painted p50 ${median(details.map((d) => d.ms)).toFixed(1)} ms over ${details.length} clicks` +
        ` (fetched: p50 ${median(fetched).toFixed(1)} ms of ${fetched.length}; prefetched: p50 ${median(cached).toFixed(1)} ms of ${cached.length}) (webview User Timing)`,
    );
    assert.equal(new Set(clicked).size, 10, 'the clicks did not hit ten different spans');
    await screenshot(page, shots, 'large1');
    assert.match(traceId, /^[0-9a-f]{32}$/);
  }));

  it('2. a single click shows another trace in the same (preview) panel; a double click keeps it open', { timeout: 120_000 }, step('large2', async () => {
    const small = smallTrace();
    const res = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(small) });
    assert.equal(res.status, 200, `the receiver answered ${res.status}`);
    const topRow = (/** @type {string} */ text) => tracesPane().locator('.monaco-list-row[aria-level="1"]', { hasText: text }).first().locator('.label-name, .monaco-icon-label').first();
    await waitUntil(async () => (await topRow('small-run').count()) > 0, { timeoutMs: 20_000, message: 'the small trace is not listed' });
    await runCommand(page, 'View: Close Editor');
    await waitUntil(async () => (await tracePanels().count()) === 0, { timeoutMs: 10_000, message: 'the trace panel did not close' });
    const shows = (/** @type {string} */ text) =>
      waitUntil(async () => (await webview().locator('body').innerText().catch(() => '')).includes(text), { timeoutMs: 30_000, intervalMs: 10, message: `the trace panel does not show ${text}` });
    const tabs = () => page.locator('.tabs-container .tab').allInnerTexts();

    await topRow('small-run').click();
    await shows(SMALL_ROOT);
    await restAway(); // not a double click
    const clickedAt = Date.now();
    await topRow('large-run').click();
    await waitUntil(async () => (await webview().locator('.row[data-span-id]').count().catch(() => 0)) > 5, { timeoutMs: 30_000, intervalMs: 10, message: 'the 10,000-span trace did not replace the preview' });
    const previewed = Date.now() - clickedAt;
    console.log(`      10,000 spans: click on the row → first rows visible ${previewed} ms in the preview panel (it showed another trace) (outside, polled every 10 ms)`);
    const afterPreview = await tabs();
    assert.equal(afterPreview.filter((t) => /small-run|large-run/.test(t)).length, 1, `a second panel was created instead of reusing the preview: ${JSON.stringify(afterPreview)}`);
    assert.ok(!(await webview().locator('body').innerText()).includes(SMALL_ROOT), 'the small trace is still shown');

    // A double click keeps the trace open: the next single click opens a panel of its own.
    await topRow('small-run').dblclick();
    await shows(SMALL_ROOT);
    await restAway();
    await topRow('large-run').click();
    await waitUntil(async () => (await tabs()).some((t) => t.includes('large-run')), { timeoutMs: 30_000, message: 'the 10,000-span trace did not open' });
    const afterKeep = await tabs();
    assert.ok(afterKeep.some((t) => t.includes('small-run')), `the kept trace was replaced instead of a new panel opening: ${JSON.stringify(afterKeep)}`);
    await waitUntil(async () => (await webview().locator('.row[data-span-id]').count().catch(() => 0)) > 5, { timeoutMs: 30_000, message: 'the 10,000-span trace shows no rows in its own panel' });
    await screenshot(page, shots, 'large2-kept');
  }));
});

const SMALL_ROOT = 'invoke_agent small-run';

/**
 * Waits long enough that the next click is not part of a double click (700 ms), with the mouse on
 * the window's title bar: resting on a tree row would open its hover (the row's tooltip), which can
 * cover the next row and take the click (seen in CI: "<code>small-run</code> … intercepts pointer events").
 */
async function restAway() {
  await page.mouse.move(700, 8);
  await page.waitForTimeout(700);
}

/** A two-span trace (an agent run with one model call) as one OTLP/JSON export request. */
function smallTrace() {
  const traceId = randomBytes(16).toString('hex');
  const rootId = randomBytes(8).toString('hex');
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const ns = (ms) => String(t0 + BigInt(ms) * 1_000_000n);
  const str = (key, v) => ({ key, value: { stringValue: v } });
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'small-agent')] },
        scopeSpans: [
          {
            scope: { name: 'e2e-small-trace' },
            spans: [
              { traceId, spanId: rootId, name: SMALL_ROOT, kind: 1, startTimeUnixNano: ns(0), endTimeUnixNano: ns(900), attributes: [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'small-run')], status: {} },
              { traceId, spanId: randomBytes(8).toString('hex'), parentSpanId: rootId, name: 'chat gpt-4o-mini', kind: 3, startTimeUnixNano: ns(10), endTimeUnixNano: ns(800), attributes: [str('gen_ai.operation.name', 'chat'), str('gen_ai.request.model', 'gpt-4o-mini')], status: {} },
            ],
          },
        ],
      },
    ],
  };
}
