// @ts-check
// Test harness for the replay playground: the view (webview/replay/main.ts, built by page.mjs like
// esbuild.mjs does) in its own document (replayViewDocument from src/extension/webviewHtml.ts, so
// under the panel's CSP) with theme variables and a fake host (replayFakeHost.mjs) that answers
// `ready` with an `init` built in Node from real captures (replayFixtures.mjs), driven with
// playwright-core + Debian's Chromium. The checks are in replayChecks.mjs. Used by check.mjs.
//
// Exports: replayPage, replayFixtures, openReplayView(), emit(), sent(), screenshotScene(),
// runReplayChecks(), takeReplayScreenshots().
import { join } from 'node:path';
import { importBundled, openPage, resultsDir, root, webviewHtml } from './page.mjs';
import { replayChecks } from './replayChecks.mjs';
import { replayModelChecks } from './replayModel.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('../../src/protocol/replayView').ReplayViewEvent} ReplayViewEvent */

/** replayFixtures.mjs, bundled for Node (it runs the OTLP decoder, the normalizer and the pricer). */
export const replayFixtures = /** @type {typeof import('./replayFixtures.mjs')} */ (await importBundled('test/webview/replayFixtures.mjs'));
replayFixtures.setFixtureRoot(root);

/** @type {import('./page.mjs').ViewPage} */
export const replayPage = {
  path: 'replay',
  document: (host) => webviewHtml.replayViewDocument({ ...host, spanName: 'OpenAI Chat Completions' }),
  background: '--vscode-editor-background',
  fakeHost: 'replayFakeHost.mjs',
};

/**
 * Opens the view and hands the fake host its `init` (or `unavailable`) event; resolves once the
 * playground (or its empty state) is rendered.
 * @param {Browser} browser
 * @param {string} origin
 * @param {{ theme?: string, fixture?: string, event?: ReplayViewEvent, width?: number, height?: number }} [options]
 * @returns {Promise<OpenedPage>}
 */
export async function openReplayView(browser, origin, { theme = 'dark', fixture = 'openinference', event, width = 1400, height = 900 } = {}) {
  const v = await openPage(browser, `${origin}/${replayPage.path}?theme=${theme}`, { width, height });
  const init = event ?? replayFixtures.makeReplayInit(fixture);
  await v.page.evaluate((e) => window.__replayHost.start(e), init);
  await v.page.waitForSelector(init.type === 'init' ? '#app .topbar' : '#app .empty-state[role="alert"]');
  await v.page.evaluate(() => document.fonts.ready);
  return v;
}

/**
 * Sends host → view events, each in its own task (as separate postMessages arrive), then waits two
 * frames so the view has rendered them.
 * @param {Page} page
 * @param {ReplayViewEvent[]} events
 */
export async function emit(page, events) {
  await page.evaluate(async (list) => {
    for (const e of list) {
      window.__replayHost.send(e);
      await new Promise((r) => setTimeout(r, 0));
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }, events);
}

/**
 * The commands of one type the view posted so far.
 * @param {Page} page
 * @param {string} type
 * @returns {Promise<any[]>}
 */
export function sent(page, type) {
  return page.evaluate((t) => window.__replayHost.messages(t), type);
}

/**
 * Runs every replay playground check (the Node-side ones of replayModel.mjs, then the browser's);
 * returns { passed, failed, results }.
 * @param {{ browser: Browser, origin: string, log?: (line: string) => void }} options
 */
export async function runReplayChecks(options) {
  const model = await replayModelChecks({ fixtures: replayFixtures, ...(options.log ? { log: options.log } : {}) });
  const browser = await replayChecks({ ...options, open: openReplayView, emit, sent, fixtures: replayFixtures, page: replayPage, screenshotScene });
  return { passed: model.passed + browser.passed, failed: model.failed + browser.failed, results: [...model.results, ...browser.results] };
}

/**
 * The screenshot scene (also a narrow-panel check): two variants, one finished (diff against the original, tool call, metrics),
 * one rate limited; plus the media fixture's editor.
 * @param {Page} page
 */
export async function screenshotScene(page) {
  await page.click('#add-variant');
  await page.fill('.column[data-column="v2"] input[id="v2-model"]', 'gpt-4o');
  await page.fill('.column[data-column="v2"] input[data-override="temperature"]', '0.9');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => window.__replayHost.messages('send').length === 2);
  const ids = await page.evaluate(() => window.__replayHost.messages('send').map((m) => m.variantId));
  await emit(page, [
    { type: 'replayStarted', variantId: ids[0] },
    { type: 'replayEvent', variantId: ids[0], event: { type: 'text', delta: 'It is 18°C and rainy in Paris, ' } },
    { type: 'replayEvent', variantId: ids[0], event: { type: 'text', delta: 'so take an umbrella.' } },
    { type: 'replayEvent', variantId: ids[0], event: { type: 'done', result: { text: 'It is 18°C and rainy in Paris, so take an umbrella.', toolCalls: [{ id: 'call_2', name: 'get_forecast', arguments: '{"days":2,"city":"Paris"}' }], finishReason: 'tool_calls', usage: { inputTokens: 71, outputTokens: 24 }, latencyMs: 812, firstTokenMs: 240, costUsd: 0.0000251, responseModel: 'gpt-4o-mini-2024-07-18' } } },
    { type: 'replayTraced', variantId: ids[0], traceId: 'feedfacefeedfacefeedfacefeedface' },
    { type: 'replayStarted', variantId: ids[1] },
    { type: 'replayError', variantId: ids[1], error: { kind: 'rate_limit', status: 429, retryAfterSeconds: 20, message: 'Rate limit reached for gpt-4o in organization org-… on tokens per min (TPM): Limit 30000, Used 29000, Requested 1200.' } },
  ]);
}

/**
 * Screenshots in every theme: the playground after a two-variant run (wide), the media fixture's
 * editor, and a narrow panel.
 * @param {{ browser: Browser, origin: string }} options
 */
export async function takeReplayScreenshots({ browser, origin }) {
  /** @type {string[]} */
  const files = [];
  for (const theme of ['dark', 'light', 'hc']) {
    const v = await openReplayView(browser, origin, { theme, width: 1400, height: 900 });
    await screenshotScene(v.page);
    await v.page.mouse.move(1, 1);
    let file = join(resultsDir, `replay-${theme}-1400.png`);
    await v.page.screenshot({ path: file });
    files.push(file);
    await v.close();
    const m = await openReplayView(browser, origin, { theme, fixture: 'media', width: 1100, height: 800 });
    file = join(resultsDir, `replay-${theme}-media.png`);
    await m.page.screenshot({ path: file });
    files.push(file);
    await m.close();
    const n = await openReplayView(browser, origin, { theme, width: 480, height: 900 });
    await screenshotScene(n.page);
    file = join(resultsDir, `replay-${theme}-480.png`);
    await n.page.screenshot({ path: file, fullPage: true });
    files.push(file);
    await n.close();
  }
  return files;
}
