// End-to-end: forwarding in the real VS Code workbench (started by scripts/e2e.mjs, see
// workbench.test.mjs for the environment variables). A stand-in backend (node:http on 127.0.0.1)
// is configured as a target in the user settings; "Trace Lens: Toggle Forwarding" from the
// command palette turns forwarding on, the demo agent runs, the backend receives its spans; after
// toggling off, another run reaches Trace Lens but not the backend.
// Independent of the order of the e2e files: it restores the settings and clears the traces it made.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeReceiver, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, openWorkbench, runCommand, screenshot, statusBarTexts, stopReceiver, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort && userDataDir);
const settingsFile = join(userDataDir, 'User/settings.json');
const TARGET = 'E2E Backend';
const ROOT_SPAN = 'invoke_agent weather-assistant';

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
/** @type {http.Server} */ let backend;
/** @type {{ path: string, contentType: string, body: Buffer }[]} */ const received = [];
let originalSettings = '';
const step = stepper(() => page, shots);

const statusDescribe = async () => JSON.stringify(await statusBarTexts(page));
const receivedRootSpans = () => received.filter((r) => r.path === '/v1/traces' && r.body.includes(Buffer.from(ROOT_SPAN))).length;

describe('Forwarding in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    backend = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise((resolve) => backend.listen(0, '127.0.0.1', () => resolve(undefined)));
    const port = /** @type {import('node:net').AddressInfo} */ (backend.address()).port;
    originalSettings = readFileSync(settingsFile, 'utf8');
    const settings = JSON.parse(originalSettings);
    settings['traceLens.forwarding.enabled'] = false;
    settings['traceLens.forwarding.targets'] = [{ name: TARGET, preset: 'otlp', endpoint: `http://127.0.0.1:${port}`, signals: ['traces'] }];
    settings['traceLens.forwarding.batchIntervalMilliseconds'] = 200;
    writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);

    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    if (originalSettings) writeFileSync(settingsFile, originalSettings);
    if (page) {
      // Leave no traces behind for the other e2e files.
      await runCommand(page, 'Trace Lens: Clear All Traces').catch(() => undefined);
      // code-server keeps this page's extension host running after the browser closes (it waits for
      // a reconnect): stop its receivers so the next e2e file's page can listen on the same port.
      if (!(await stopReceiver(page))) console.log('note: "Trace Lens: Stop Receiver" did not stop the receiver of this page');
      await waitUntil(async () => (await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', {
        timeoutMs: 10_000,
        message: `port ${receiverPort} is still served after "Stop Receiver"`,
      }).catch((err) => console.log(`note: ${err.message} (another page's extension host may own it)`));
    }
    await browser?.close();
    await new Promise((resolve) => (backend ? backend.close(() => resolve(undefined)) : resolve(undefined)));
  });

  it('1. the forwarding status bar item shows the configured target, off', { timeout: 90_000 }, step('fw1-off', async () => {
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => /forwarding off/.test(t)), {
      timeoutMs: 60_000,
      message: 'no "forwarding off" status bar item',
      describe: statusDescribe,
    });
  }));

  it('2. "Trace Lens: Toggle Forwarding" turns it on; the demo agent\'s spans reach the backend', { timeout: 120_000 }, step('fw2-on', async () => {
    await runCommand(page, 'Trace Lens: Toggle Forwarding');
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => t.includes(TARGET)), {
      timeoutMs: 15_000,
      message: `the status bar does not show forwarding to "${TARGET}"`,
      describe: statusDescribe,
    });
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}` });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    await waitUntil(async () => receivedRootSpans() > 0, {
      timeoutMs: 20_000,
      message: 'the stand-in backend did not receive the demo trace',
      describe: () => JSON.stringify(received.map((r) => [r.path, r.body.length])),
    });
    for (const r of received) {
      assert.equal(r.path, '/v1/traces', 'only traces are forwarded to a traces-only target');
      assert.equal(r.contentType, 'application/x-protobuf');
    }
    await screenshot(page, shots, 'fw2-forwarding-on');
  }));

  it('3. toggled off, a new run is received by Trace Lens but not forwarded', { timeout: 120_000 }, step('fw3-off-again', async () => {
    await runCommand(page, 'Trace Lens: Toggle Forwarding');
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => /forwarding off/.test(t)), {
      timeoutMs: 15_000,
      message: 'the status bar does not show "forwarding off" after toggling',
      describe: statusDescribe,
    });
    const before = received.length;
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}` });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    // The receiver accepted it (exit code 0); give a forwarder that wrongly stayed on time to send.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(received.length, before, 'the backend received data after forwarding was turned off');
  }));
});
