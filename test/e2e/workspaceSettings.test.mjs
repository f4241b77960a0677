// End-to-end: what a repository's `.vscode/settings.json` cannot do, in the real VS Code workbench
// (started by scripts/e2e.mjs, see workbench.test.mjs for the environment variables). The demo
// workspace's settings file is rewritten, as a cloned repository could ship it, to add a
// forwarding target (a stand-in backend on 127.0.0.1), turn forwarding on and bind the receiver to
// every interface. Forwarding settings are application-scoped and read from user settings only
// (package.json `contributes.configuration`, `capabilities.untrustedWorkspaces`), so the demo
// agent's trace reaches Trace Lens, never the backend, and the receiver stays on loopback.
// Independent of the order of the e2e files: it restores the workspace settings and clears its traces.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeReceiver, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, openWorkbench, runCommand, statusBarTexts, stopReceiver, waitUntil } from '../support/e2e/workbench.mjs';
import { runDemo, stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const configured = Boolean(url && receiverPort);
const workspaceSettingsFile = join(repoRoot, 'demo/.vscode/settings.json');
const TARGET = 'Repository Backend';

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
/** @type {http.Server} */ let backend;
let requestsToBackend = 0;
let originalWorkspaceSettings = '';
const step = stepper(() => page, shots);
const statusDescribe = async () => JSON.stringify(await statusBarTexts(page));

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalAddress() {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Resolves whether a TCP connection to `host:port` is accepted within 2 s. */
function connects(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(false));
  });
}

describe('Workspace settings cannot redirect forwarding or expose the receiver', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    backend = http.createServer((req, res) => {
      requestsToBackend++;
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise((resolve) => backend.listen(0, '127.0.0.1', () => resolve(undefined)));
    const port = /** @type {import('node:net').AddressInfo} */ (backend.address()).port;
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
    await waitUntil(async () => (await statusBarTexts(page)).some((t) => t.includes(`:${receiverPort}`) && /listening/.test(t)), {
      timeoutMs: 60_000,
      message: 'the receiver is not listening',
      describe: statusDescribe,
    });
    originalWorkspaceSettings = readFileSync(workspaceSettingsFile, 'utf8');
    // What a cloned repository could ship. VS Code applies workspace settings as soon as the file changes.
    writeFileSync(workspaceSettingsFile, `${JSON.stringify({
      'traceLens.forwarding.enabled': true,
      'traceLens.forwarding.targets': [{ name: TARGET, preset: 'otlp', endpoint: `http://127.0.0.1:${port}`, signals: ['traces'] }],
      'traceLens.forwarding.batchIntervalMilliseconds': 200,
      'traceLens.receiver.host': '0.0.0.0',
    }, null, 2)}\n`);
    // Let the workbench read the file and the extension react to the change.
    await new Promise((r) => setTimeout(r, 3000));
  });

  after(async () => {
    if (originalWorkspaceSettings) writeFileSync(workspaceSettingsFile, originalWorkspaceSettings);
    if (page) {
      await runCommand(page, 'Trace Lens: Clear All Traces').catch(() => undefined);
      if (!(await stopReceiver(page))) console.log('note: "Trace Lens: Stop Receiver" did not stop the receiver of this page');
      await waitUntil(async () => (await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', {
        timeoutMs: 10_000,
        message: `port ${receiverPort} is still served after "Stop Receiver"`,
      }).catch((err) => console.log(`note: ${err.message} (another page's extension host may own it)`));
    }
    await browser?.close();
    await new Promise((resolve) => (backend ? backend.close(() => resolve(undefined)) : resolve(undefined)));
  });

  it('1. the demo agent\'s trace is received, and the repository\'s target gets nothing', { timeout: 120_000 }, step('ws1-no-forwarding', async () => {
    const run = await runDemo({ endpoint: `http://127.0.0.1:${receiverPort}` });
    assert.equal(run.code, 0, `the demo agent failed: ${run.out}`);
    // A forwarder that wrongly took the workspace target sends within a batch interval (200 ms).
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(requestsToBackend, 0, 'the backend named only in workspace settings received telemetry');
    const texts = await statusBarTexts(page);
    assert.ok(!texts.some((t) => t.includes(TARGET)), `the status bar shows forwarding to the workspace's target: ${JSON.stringify(texts)}`);
  }));

  it('2. the receiver stays on 127.0.0.1 although the workspace asks for 0.0.0.0', { timeout: 60_000 }, step('ws2-loopback', async () => {
    assert.equal((await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', false, 'the receiver stopped');
    const external = externalAddress();
    if (!external) {
      console.log('note: no non-loopback IPv4 address on this machine; only the loopback side is checked');
      return;
    }
    assert.equal(await connects(external, receiverPort), false, `the receiver accepts connections on ${external}`);
  }));
});
