// Shared by the e2e files: running the demo agent against the receiver, and test steps that
// attach a screenshot of the failing page to the error.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './codeServer.mjs';
import { screenshot } from './workbench.mjs';

/**
 * Runs demo/agent/main.mjs with `args`, exporting to `endpoint` (OTLP/HTTP unless `env` says
 * `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`). Killed after 60 s. Resolves with its exit code and output.
 * @param {{ endpoint: string, args?: string[], env?: Record<string, string> }} options
 * @returns {Promise<{ code: number | null, out: string }>}
 */
export function runDemo({ endpoint, args = ['--quiet'], env = {} }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'demo/agent/main.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/**
 * `step(name, body)` for `it(…)`: runs `body`; on failure saves `<name>-FAILED.png` of the page
 * `currentPage()` returns and appends its path (and `extra()` lines, e.g. log paths) to the error.
 * @param {() => import('playwright-core').Page | undefined} currentPage
 * @param {string} shots folder for screenshots
 * @param {() => string} [extra]
 */
export function stepper(currentPage, shots, extra = () => '') {
  return (name, body) => async () => {
    try {
      await body();
    } catch (err) {
      const page = currentPage();
      const file = page ? await screenshot(page, shots, `${name}-FAILED`) : '(no page)';
      const e = /** @type {Error} */ (err);
      const more = `\n    screenshot: ${file}${extra()}`;
      // node:test prints the stack (which embeds the message as it was when the error was made).
      if (e.stack?.includes(e.message)) e.stack = e.stack.replace(e.message, e.message + more);
      e.message += more;
      throw err;
    }
  };
}
