#!/usr/bin/env node
// `npm start`: build the extension, open it in VS Code with the demo workspace, send it traces.
//
//   npm start [-- options]
//     --code-server            use code-server even if a desktop `code` CLI is on PATH
//     --port N                 code-server port (default 8080 or the next free one)
//     --headless-browser       open the workbench in a headless Chromium (default when no DISPLAY)
//     --no-headless-browser    never do that (you open the printed URL yourself)
//     --no-open                do not try to open the URL in your desktop browser
//     --runs N                 demo agent conversations to send (default 3); --no-demo to skip
//     --vsix FILE              install this package instead of building dist/trace-lens.vsix
//
// With a desktop VS Code (`code` on PATH): installs dist/trace-lens.vsix into it, opens demo/,
// waits for the receiver on 127.0.0.1:4318 and runs the demo agent, then exits.
// Without one: installs code-server (scripts/install-vscode-server.sh, cached), installs the vsix
// into a private profile under .vscode-test/start/, serves the workbench on 127.0.0.1:PORT and keeps
// it running until Ctrl-C. The extension activates only when a browser opens the workbench, so a
// headless Chromium opens it when nobody else can (no DISPLAY) — the demo then works unattended.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  demoDir,
  ensureCodeServer,
  freePort,
  installVsix,
  packageExtension,
  probeReceiver,
  repoRoot,
  run,
  startCodeServer,
  vsixPath,
  waitForReceiver,
  writeUserSettings,
} from '../test/support/e2e/codeServer.mjs';

const RECEIVER_PORT = 4318;
const { values: opts } = parseArgs({
  options: {
    'code-server': { type: 'boolean', default: false },
    port: { type: 'string', default: '8080' },
    'headless-browser': { type: 'boolean' },
    'no-headless-browser': { type: 'boolean', default: false },
    'no-open': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    'no-demo': { type: 'boolean', default: false },
    vsix: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (opts.help) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

const t0 = Date.now();
let vsix = vsixPath;
const say = (msg) => console.log(`[start] ${msg}`);
const banner = (lines) => {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  console.log(`\n${'═'.repeat(width)}\n${lines.map((l) => `  ${l}`).join('\n')}\n${'═'.repeat(width)}\n`);
};

/** Runs the demo agent against the receiver, streaming its output. */
function runDemo(endpoint) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(demoDir, 'agent/main.mjs'), '--runs', opts.runs, '--interval', '1000'], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function prepareExtension() {
  if (opts.vsix) {
    vsix = resolve(opts.vsix);
    say(`using ${vsix} (not building)`);
    return;
  }
  if (!existsSync(join(repoRoot, 'node_modules'))) {
    say('node_modules is missing: npm install');
    await run('npm', ['install', '--no-audit', '--no-fund'], { prefix: '  ' });
  }
  say('building and packaging the extension (npm run package)');
  await packageExtension();
  say(`packaged ${relative(repoRoot, vsixPath)}`);
}

function desktopCode() {
  if (opts['code-server']) return null;
  const r = spawnSync('code', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0 || !/^\d+\.\d+\.\d+/.test(r.stdout ?? '')) return null;
  return r.stdout.split('\n')[0];
}

async function afterReceiverReady(endpoint, where) {
  if (opts['no-demo']) return;
  say(`running the demo agent (${opts.runs} conversation(s)) → ${endpoint}`);
  const code = await runDemo(endpoint);
  if (code !== 0) say(`the demo agent exited with ${code}`);
  banner([
    'Trace Lens is running with demo traces.',
    where,
    'Click the Trace Lens icon in the activity bar → Traces: each "invoke_agent weather-assistant"',
    'row is one conversation; click it to open the waterfall, click a span for its attributes,',
    'prompts and completions. The status bar shows "listening :4318 · N traces".',
    'Send more: npm run demo -- --runs 5',
  ]);
}

async function startDesktop(version) {
  say(`desktop VS Code ${version} found: installing the extension into it`);
  await run('code', ['--install-extension', vsix, '--force'], { prefix: '  ' });
  await run('code', [demoDir], { prefix: '  ' });
  say(`opened ${demoDir}; waiting for the receiver on 127.0.0.1:${RECEIVER_PORT} (up to 90 s)`);
  const r = await waitForReceiver(RECEIVER_PORT, { timeoutMs: 90_000 });
  if (!r.ok) {
    say(`the receiver did not answer on :${RECEIVER_PORT} (${r.detail}). Check "Trace Lens: Show Log" in VS Code, or a`);
    say('different traceLens.receiver.port setting; then run: npm run demo');
    process.exit(1);
  }
  await afterReceiverReady(`http://localhost:${RECEIVER_PORT}`, 'Look at the VS Code window that just opened on demo/.');
  say(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function startCodeServerFlow() {
  say('no desktop `code` CLI: using code-server (the VS Code 1.139.1 workbench in a browser)');
  await ensureCodeServer();
  const base = join(repoRoot, '.vscode-test/start');
  const extensionsDir = join(base, 'extensions');
  const userDataDir = join(base, 'user-data');
  await installVsix({ vsix, extensionsDir, userDataDir });
  writeUserSettings(userDataDir);
  say(`installed into ${relative(repoRoot, extensionsDir)} (profile ${relative(repoRoot, userDataDir)})`);

  const before = await probeReceiver(RECEIVER_PORT);
  if (before.ok) say(`warning: something already answers OTLP on :${RECEIVER_PORT} (another Trace Lens window?); the new one will report the port as busy`);

  const port = await freePort(Number(opts.port));
  const cs = await startCodeServer({ port, extensionsDir, userDataDir, folder: demoDir, logFile: join(base, 'code-server.log') });
  let browser = null;
  let stopping = false;
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: shutting down`);
    await browser?.close().catch(() => {});
    await cs.stop();
    say('code-server stopped. Bye.');
    process.exit(0);
  };
  process.on('SIGINT', () => shutdown('Ctrl-C'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  cs.child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] code-server exited unexpectedly (${signal ?? code}); log: ${cs.logFile}`);
      process.exit(1);
    }
  });

  banner([`VS Code (code-server) is ready in ${(cs.startMs / 1000).toFixed(1)} s. Open:`, '', `    ${cs.url}`, '', `log: ${relative(repoRoot, cs.logFile)}`]);

  const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const headless = opts['no-headless-browser'] ? false : opts['headless-browser'] ?? !hasDisplay;
  let page = null;
  const openHeadless = async (why) => {
    if (browser) return;
    say(`opening the workbench in a headless Chromium (${why}) so the extension activates`);
    const { launchBrowser, openWorkbench } = await import('../test/support/e2e/workbench.mjs');
    browser = await launchBrowser();
    page = await openWorkbench(browser, cs.url);
    say('headless workbench loaded.');
    say('  Note: every browser window runs its own extension host. If you open the URL yourself too, your');
    say(`  window finds port ${RECEIVER_PORT} taken by the headless one. To watch it yourself: npm start -- --no-headless-browser`);
  };
  /** Shows the Traces view in the headless window and saves a screenshot (proof for unattended runs). */
  const snapshot = async () => {
    if (!page) return;
    const file = join(repoRoot, 'test-results/start/workbench.png');
    try {
      const { screenshot } = await import('../test/support/e2e/workbench.mjs');
      await page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first().click({ timeout: 10_000 });
      await page.waitForTimeout(1500);
      await screenshot(page, dirname(file), 'workbench');
      say(`screenshot of the headless workbench: ${relative(repoRoot, file)}`);
    } catch (err) {
      say(`could not take a screenshot: ${err.message}`);
    }
  };
  if (headless) await openHeadless(hasDisplay ? '--headless-browser' : 'no DISPLAY');
  else if (hasDisplay && !opts['no-open']) {
    const opener = spawn('xdg-open', [cs.url], { stdio: 'ignore', detached: true });
    opener.on('error', () => say('could not run xdg-open: open the URL above yourself'));
    opener.unref();
  }

  say(`waiting for the extension's receiver on 127.0.0.1:${RECEIVER_PORT} (up to 90 s)`);
  const waitStart = Date.now();
  let r = await waitForReceiver(RECEIVER_PORT, {
    timeoutMs: 90_000,
    onTick: () => {
      // Nobody opened the workbench within 30 s: open it headlessly unless told not to.
      if (!browser && !opts['no-headless-browser'] && Date.now() - waitStart > 30_000) openHeadless('no browser connected within 30 s').catch((e) => say(`headless browser failed: ${e.message}`));
    },
  });
  if (!r.ok && !opts['no-headless-browser'] && !browser) {
    await openHeadless('no browser connected');
    r = await waitForReceiver(RECEIVER_PORT, { timeoutMs: 60_000 });
  }
  if (r.ok) {
    say(`receiver answers on :${RECEIVER_PORT} (after ${((Date.now() - waitStart) / 1000).toFixed(1)} s)`);
    await afterReceiverReady(`http://127.0.0.1:${RECEIVER_PORT}`, `Open ${cs.url}`);
    await snapshot();
  } else {
    say(`the receiver did not answer on :${RECEIVER_PORT} (${r.detail}).`);
    say(`Open ${cs.url}, then run "Trace Lens: Show Log"; the extension host log is under ${relative(repoRoot, userDataDir)}/logs/.`);
  }
  say('code-server keeps running; press Ctrl-C to stop it.');
}

try {
  await prepareExtension();
  const version = desktopCode();
  if (version) await startDesktop(version);
  else await startCodeServerFlow();
} catch (err) {
  console.error(`[start] failed: ${/** @type {Error} */ (err).message}`);
  process.exit(1);
}
