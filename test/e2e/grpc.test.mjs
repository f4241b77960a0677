// End-to-end: an app exporting OTLP over gRPC (the official @opentelemetry/exporter-*-otlp-grpc,
// as Python examples and agent frameworks do by default) shows its traces in the real VS Code
// workbench, including the GenAI content it sends as OTLP log records. Started by scripts/e2e.mjs,
// which sets TRACE_LENS_E2E_GRPC_PORT (the `traceLens.receiver.grpcPort` user setting).
// Independent of the order of the e2e files: it clears its traces and stops its receivers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeReceiver, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, openWorkbench, runCommand, screenshot, statusBarTexts, stopReceiver, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const grpcPort = Number(process.env.TRACE_LENS_E2E_GRPC_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const configured = Boolean(url && receiverPort && grpcPort);

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const webview = () => page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
const statusDescribe = async () => JSON.stringify(await statusBarTexts(page));

/** Runs the demo agent exporting over OTLP/gRPC; resolves with its exit code, output and summary. */
async function runDemoOverGrpc() {
  const summaryFile = join(shots, 'demo-summary-grpc.json');
  const { code, out } = await runDemo({ endpoint: `http://127.0.0.1:${grpcPort}`, args: ['--quiet', '--summary', summaryFile], env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } });
  return { code, out, summary: code === 0 ? JSON.parse(readFileSync(summaryFile, 'utf8')) : null };
}

const step = stepper(() => page, shots);

/** Runs the demo agent exporting over OTLP/gRPC; resolves with its exit code, output and summary. */
describe('OTLP/gRPC in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  /** @type {any} */ let demo;

  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    if (page) {
      await runCommand(page, 'Trace Lens: Clear All Traces').catch(() => undefined);
      // code-server keeps this page's extension host alive after the browser closes: free the ports.
      if (!(await stopReceiver(page))) console.log('note: "Trace Lens: Stop Receiver" did not stop the receiver of this page');
      await waitUntil(async () => (await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', { timeoutMs: 10_000, message: 'receiver still up' })
        .catch((err) => console.log(`note: ${err.message}`));
    }
    await browser?.close();
  });

  it('1. the status bar shows the gRPC endpoint next to HTTP', { timeout: 90_000 }, step('grpc1-status', async () => {
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => t.includes(`listening :${receiverPort}`) && t.includes(`gRPC :${grpcPort}`)), {
      timeoutMs: 60_000,
      message: `the status bar does not show "listening :${receiverPort}" with "gRPC :${grpcPort}"`,
      describe: statusDescribe,
    });
  }));

  it('2. an app exporting over gRPC shows its trace in the tree and its GenAI log records in the span details', { timeout: 120_000 }, step('grpc2-trace', async () => {
    const run = await runDemoOverGrpc();
    assert.equal(run.code, 0, `the demo agent (OTLP/gRPC) failed:\n${run.out}`);
    demo = run.summary;
    const trace = demo.traces[0];
    await runCommand(page, 'Trace Lens: Open Trace by ID');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(trace.traceId);
    await input.press('Enter');
    const rows = webview().locator('.row[data-span-id]');
    await waitUntil(async () => (await rows.count()) === trace.spans.length, {
      timeoutMs: 20_000,
      message: `the trace sent over gRPC does not show its ${trace.spans.length} spans`,
      describe: async () => String(await rows.count().catch(() => -1)),
    });
    const chatSpan = trace.spans.find((s) => s.name.startsWith('chat '));
    await webview().locator('.row[data-span-id]', { hasText: chatSpan.name }).first().click();
    await waitUntil(async () => {
      const text = await webview().locator('#details').innerText().catch(() => '');
      return text.includes('gen_ai.user.message') && text.includes('gen_ai.choice');
    }, {
      timeoutMs: 15_000,
      message: 'the chat span sent over gRPC does not list its GenAI log records (gen_ai.user.message, gen_ai.choice)',
      describe: async () => JSON.stringify((await webview().locator('#details').innerText().catch(() => '')).slice(0, 600)),
    });
    // The Traces tree lists it too (label: the first user question, or the root span name).
    await page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first().click();
    const treeRow = page.locator('#workbench\\.parts\\.sidebar .monaco-list-row', { hasText: /invoke_agent weather-assistant|What is the weather/ }).first();
    await waitUntil(() => treeRow.isVisible(), {
      timeoutMs: 15_000,
      message: 'the Traces tree has no row for the trace sent over gRPC',
      describe: async () => JSON.stringify(await page.locator('#workbench\\.parts\\.sidebar').innerText().catch(() => '')),
    });
    await screenshot(page, shots, 'grpc2-trace');
  }));
});
