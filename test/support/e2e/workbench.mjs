// Driving the VS Code workbench (served by code-server) with playwright-core and Debian's Chromium.
// Selectors seen to work on VS Code 1.139 are listed in shared/reference/real-vscode-e2e.md.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { probeReceiver } from './codeServer.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(/** @type {string} */ (p)));
  if (!found) throw new Error(`Chromium not found (looked at ${candidates.join(', ')}); run scripts/install-vscode-server.sh`);
  return found;
}

/**
 * Launches Chromium (headless by default). Playwright's own signal handlers are off: they would
 * exit the process on Ctrl-C before the caller stops code-server; callers close the browser.
 */
export async function launchBrowser({ headless = true } = {}) {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * Opens the workbench URL and waits for `.monaco-workbench` (about 7 s on 2 cores).
 * @param {import('playwright-core').Browser} browser
 */
export async function openWorkbench(browser, url, { timeoutMs = 60_000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // Clipboard access for the copy commands; harmless otherwise.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin }).catch(() => {});
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  return page;
}

/** Runs a command palette command by its title ("Category: Title"). */
export async function runCommand(page, title, { timeoutMs = 10_000 } = {}) {
  await dismissQuickInput(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  const opened = await input.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
  if (!opened) {
    // F1 went to a webview that kept the key (a trace panel has focus): give the workbench focus
    // back by clicking the title bar, then ask again.
    await page.locator('.part.titlebar').first().click({ position: { x: 10, y: 10 } }).catch(() => undefined);
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
  }
  await input.fill(`>${title}`);
  // Wait for the exact entry to be listed, so Enter does not run a partial match.
  const entry = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  try {
    await entry.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const listed = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(`command palette has no entry "${title}"; it listed: ${JSON.stringify(listed.slice(0, 10))}`);
  }
  await entry.click();
}

/**
 * Runs "Trace Lens: Stop Receiver" until the page's status bar says the receiver is stopped (up to
 * 3 tries). code-server keeps a closed page's extension host alive, so a receiver left running
 * would own the port for the next test file's page. Resolves `false` when it never stopped.
 */
export async function stopReceiver(page) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await runCommand(page, 'Trace Lens: Stop Receiver').catch(() => undefined);
    const stopped = await waitUntil(async () => (await statusBarTexts(page)).some((t) => /\bstopped\b/.test(t)), { timeoutMs: 5_000, message: 'not stopped' }).then(() => true, () => false);
    if (stopped) return true;
  }
  return false;
}

export async function dismissQuickInput(page) {
  if (await page.locator('.quick-input-widget').isVisible().catch(() => false)) await page.keyboard.press('Escape');
}

/** Texts of all status bar items (their visible text, with icons dropped). */
export async function statusBarTexts(page) {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item').evaluateAll((items) =>
    items.map((el) => /** @type {HTMLElement} */ (el).innerText.replace(/\s+/g, ' ').trim()).filter(Boolean),
  );
}

/** Aria labels of all status bar items (include the tooltip-less full text). */
export async function statusBarLabels(page) {
  return page
    .locator('#workbench\\.parts\\.statusbar .statusbar-item')
    .evaluateAll((items) =>
      items.map((el) => el.getAttribute('aria-label') ?? el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? '').filter(Boolean),
    );
}

/**
 * Polls `probe` until it returns a truthy value; throws with `describe()` (the last observed
 * state) in the message when `timeoutMs` passes.
 * @template T
 * @param {() => Promise<T>} probe
 * @param {{ timeoutMs?: number, intervalMs?: number, message: string, describe?: () => Promise<string> | string }} options
 * @returns {Promise<T>}
 */
export async function waitUntil(probe, { timeoutMs = 15_000, intervalMs = 250, message, describe }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const state = describe ? await Promise.resolve(describe()).catch((e) => `(could not describe: ${e.message})`) : '';
      throw new Error(
        `${message} (waited ${Math.round(timeoutMs / 1000)} s)${state ? `; observed: ${state}` : ''}${lastError ? `; last error: ${lastError.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Saves a full-page screenshot as <dir>/<name>.png and returns its path. */
export async function screenshot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  return file;
}

/**
 * Clicks the open context menu's item `text`. The menu sometimes re-renders under the pointer and
 * swallows the click (the item stays highlighted): the highlighted item is then activated with Enter.
 */
export async function clickMenuItem(page, text, { timeoutMs = 5_000 } = {}) {
  const item = page.locator('.context-view .action-label', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  await item.click();
  // A click that the menu swallowed leaves it open: press Enter on the item then, but only while
  // the menu is still there and nothing it started (a quick pick) has taken the keyboard, or the
  // Enter would accept that quick pick's first row.
  const closed = await item.waitFor({ state: 'hidden', timeout: 1_500 }).then(() => true, () => false);
  if (!closed && !(await page.locator('.quick-input-widget').isVisible().catch(() => false))) await page.keyboard.press('Enter');
}

/**
 * Leaves the page as the next e2e file needs it: no open quick input, no traces, this page's
 * receivers stopped (code-server keeps a closed page's extension host alive, and its receiver
 * would own the port), then closes the browser. Never throws: a failure is printed as a note.
 * @param {import('playwright-core').Page | undefined} page
 * @param {import('playwright-core').Browser | undefined} browser
 * @param {number} receiverPort
 */
export async function leaveWorkbench(page, browser, receiverPort) {
  if (page) {
    await dismissQuickInput(page).catch(() => undefined);
    await runCommand(page, 'Trace Lens: Clear All Traces').catch(() => undefined);
    if (!(await stopReceiver(page))) console.log('note: "Trace Lens: Stop Receiver" did not stop the receiver of this page');
    await waitUntil(async () => (await probeReceiver(receiverPort)).detail === 'ECONNREFUSED', {
      timeoutMs: 10_000,
      message: `port ${receiverPort} is still served after "Stop Receiver"`,
    }).catch((err) => console.log(`note: ${err.message} (another page's extension host may own it)`));
  }
  await browser?.close();
}

/** Opens the Trace Lens view container unless it is showing. */
export async function showTraceLens(page) {
  const icon = page.locator('.activitybar [aria-label="Trace Lens"], .activitybar [aria-label^="Trace Lens "]').first();
  await icon.waitFor({ state: 'visible', timeout: 45_000 });
  const selected = await icon.evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked')).catch(() => false);
  if (!selected) await icon.click();
}

/**
 * Waits for this page's receiver to listen, then runs "Clear All Traces" and waits for its status
 * bar message: clearing is asynchronous and would otherwise clear what a test posts next.
 */
export async function startWithNoTraces(page) {
  await waitUntil(async () => (await statusBarTexts(page)).some((t) => /listening/.test(t)), {
    timeoutMs: 45_000,
    message: 'the receiver of this page is not listening',
    describe: async () => JSON.stringify(await statusBarTexts(page)),
  });
  await runCommand(page, 'Trace Lens: Clear All Traces');
  await waitUntil(async () => (await statusBarTexts(page)).some((t) => /cleared \d+ traces?/.test(t)), {
    timeoutMs: 15_000,
    message: '"Clear All Traces" did not say it cleared',
    describe: async () => JSON.stringify(await statusBarTexts(page)),
  });
}
