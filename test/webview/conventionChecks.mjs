// @ts-check
// Browser checks of the conventions beyond messages (webview/trace/genaiExtras.ts) on the
// "conventions" fixture (conventionFixtures.mjs, made by the real normalizer): the MCP tool card
// ("MCP · server · tool", one card for the client/server pair, structured arguments), the
// evaluation line under the answer (score, label, explanation on hover and behind a keyboard
// disclosure), the guardrail card, an inline data-URI image under the document's CSP (and a remote
// image only as a link), the content reference note, and the MCP / evaluation / guardrail sections
// of the details. Run by harness.mjs's runWebviewChecks; screenshots by takeConventionScreenshots.
import { join } from 'node:path';
import { assert, importBundled, resultsDir, textOf } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('./findChecks.mjs').OpenView} OpenView */

/** The fixture module, bundled for Node (it imports the normalizer's TypeScript). */
const fixtures = /** @type {typeof import('./conventionFixtures.mjs')} */ (await importBundled('test/webview/conventionFixtures.mjs'));

/**
 * @param {{ browser: Browser, origin: string, openView: OpenView, check: (name: string, fn: () => unknown) => Promise<void>, setView: (v: OpenedPage | null) => void }} options
 */
export async function runConventionChecks({ browser, origin, openView, check, setView }) {
  const S = fixtures.CONVENTION_SPANS;
  const v = await openView(browser, origin, { fixture: 'conventions' });
  setView(v);
  const { page } = v;
  const showConversation = async () => {
    await page.click('vscode-tab-header[data-tab="conversation"]');
    await page.waitForSelector('#conversation .conv-items');
  };
  /** @param {string} s */
  const flat = (s) => s.replace(/\s+/g, ' ').trim();

  await check('conventions: conversation items — agent, model call, one MCP tool card, guardrail, answer', async () => {
    await showConversation();
    const order = await page.$$eval('#conversation .conv-item', (els) => els.map((e) => `${e.dataset.item}:${e.dataset.spanId}`));
    const want = [`agent:${S.agent}`, `modelCall:${S.chat1}`, `toolCall:${S.mcpClient}`, `guardrail:${S.guardrail}`, `modelCall:${S.chat2}`];
    assert(JSON.stringify(order) === JSON.stringify(want), `items: ${order.join(', ')}`);
  });

  await check('conventions: the MCP tool card reads "MCP · weather-mcp-server · get-weather", structured arguments as JSON, the server span one click away', async () => {
    const card = page.locator(`#conversation .conv-item[data-span-id="${S.mcpClient}"] .tool-card`);
    assert(await card.evaluate((e) => e.classList.contains('mcp')), 'the card is not marked as MCP');
    const title = flat(await textOf(card.locator('.mcp-label')));
    assert(title === 'MCP · weather-mcp-server · get-weather', `title: ${title}`);
    const args = flat(await textOf(card.locator('[data-part="arguments"]')));
    assert(args.includes('"location":"San Francisco?"') && args.includes('"date":"2025-10-01"'), `arguments: ${args}`);
    const result = flat(await textOf(card.locator('[data-part="result"]')));
    assert(result.includes('"temperature_range"') && result.includes('"high":75'), `result: ${result}`);
    assert((await page.locator(`#conversation .conv-item[data-span-id="${S.mcpServer}"]`).count()) === 0, 'the server span must not have a card of its own');
    // Keyboard: the linked-span button is focusable and selects the server span.
    await card.locator('.linked-span').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => [...document.querySelectorAll('#details code.id')].some((e) => e.textContent === id), S.mcpServer);
    await page.waitForSelector('#details vscode-collapsible[data-section="genai-mcp"]');
    // The card stands for the server span too: it shows as selected.
    await page.waitForSelector(`#conversation .conv-item.selected[data-span-id="${S.mcpClient}"]`);
    const facts = flat(await textOf(page, '#details [data-section="genai-mcp"] .mcp-facts'));
    for (const want of ['tools/call', 'server (handles the call)', 'weather-mcp-server', '8267461134f24305af708e66b8eda71a', '2025-06-18', 'pipe']) assert(facts.includes(want), `MCP facts miss "${want}": ${facts}`);
  });

  await check('conventions: the evaluation line under the answer — score and label, explanation on hover and on Enter', async () => {
    const item = page.locator(`#conversation .conv-item[data-span-id="${S.chat2}"]`);
    const ev = item.locator('.eval[data-eval="Relevance"]');
    assert((await ev.count()) === 1, 'the answer has no Relevance evaluation');
    // It comes after the answer's text.
    const after = await item.evaluate((li) => {
      const msg = li.querySelector('.msg-assistant');
      const e = li.querySelector('.evals');
      return !!msg && !!e && (msg.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    assert(after, 'the evaluation should follow the answer');
    assert(flat(await textOf(ev.locator('.eval-score'))) === '4 · relevant', `score: ${await textOf(ev.locator('.eval-score'))}`);
    assert(((await ev.getAttribute('title')) ?? '').includes(fixtures.EVAL_EXPLANATION), 'the explanation is not in the hover text');
    assert((await ev.locator('.eval-explanation').count()) === 0, 'the explanation should start folded');
    const why = ev.locator('.eval-why');
    await why.focus();
    await page.keyboard.press('Enter');
    await ev.locator('.eval-explanation').waitFor();
    assert(flat(await textOf(ev.locator('.eval-explanation'))) === fixtures.EVAL_EXPLANATION, 'explanation text');
    assert((await why.getAttribute('aria-expanded')) === 'true', 'the disclosure should say it is expanded');
    // The model call with no evaluation has none.
    assert((await page.locator(`#conversation .conv-item[data-span-id="${S.chat1}"] .evals`).count()) === 0, 'first call has no evaluation');
  });

  await check('conventions: an inline data: image loads under the CSP; a remote image is a link, never an <img>', async () => {
    const item = page.locator(`#conversation .conv-item[data-span-id="${S.chat1}"]`);
    const img = item.locator('img.media-img');
    assert((await img.count()) === 1, `expected one inline image, got ${await img.count()}`);
    const src = (await img.getAttribute('src')) ?? '';
    assert(src === `data:image/png;base64,${fixtures.PNG_IMAGE}`, `img src: ${src.slice(0, 60)}`);
    await page.waitForFunction((sel) => {
      const el = /** @type {HTMLImageElement | null} */ (document.querySelector(sel));
      return !!el && el.complete && el.naturalWidth === 96 && el.naturalHeight === 64;
    }, `#conversation .conv-item[data-span-id="${S.chat1}"] img.media-img`);
    const link = item.locator('a.media-link');
    assert((await link.getAttribute('href')) === 'https://example.invalid/photos/eiffel.jpg', 'remote image link');
    const images = await page.$$eval('#app img', (els) => els.map((e) => e.getAttribute('src') ?? '').filter((s) => !s.startsWith('data:image/png;base64,')));
    assert(images.length === 0, `other <img> elements: ${images.join(', ')}`);
    const meta = flat(await textOf(item.locator('.part-media[data-media="inline-image"] .media-meta')));
    assert(meta === 'image/png · 258 B', `image caption: ${meta}`);
    assert(v.problems.length === 0 && (await v.cspViolations()).length === 0, `problems: ${v.problems.join('; ')}`);
  });

  await check('conventions: guardrail card (component, policy, result, per-result risk) and the content reference note', async () => {
    const card = flat(await textOf(page, `#conversation .conv-item[data-span-id="${S.guardrail}"] .guard-card`));
    for (const want of ['Guardrail', 'Amazon Bedrock Guardrails', 'gr-abc123 (version 1)', 'OUTPUT', 'action = NONE', 'filter_match_state = NO_MATCH', 'PROMPT_ATTACK · 0.02']) {
      assert(card.includes(want), `guardrail card misses "${want}": ${card}`);
    }
    const ref = flat(await textOf(page, `#conversation .conv-item[data-span-id="${S.chat2}"] .content-ref[data-ref="system"]`));
    assert(ref.includes('System instructions stored at gs://telemetry-bucket/2026-06-30/abc_system_instruction.json'), `content ref: ${ref}`);
  });

  await check('conventions: details of the answer list its evaluation; the guardrail span shows its card', async () => {
    await page.locator(`#conversation .conv-item[data-span-id="${S.chat2}"] .mc-head`).click();
    await page.waitForSelector('#details vscode-collapsible[data-section="genai-evals"]');
    const evals = flat(await textOf(page, '#details [data-section="genai-evals"]'));
    assert(evals.includes('Relevance') && evals.includes('4 · relevant'), `details evaluations: ${evals}`);
    await page.locator(`#conversation .conv-item[data-span-id="${S.guardrail}"] .card-title`).click();
    await page.waitForSelector('#details vscode-collapsible[data-section="genai-guardrail"] .guard-card');
    const g = flat(await textOf(page, '#details [data-section="genai-guardrail"]'));
    assert(g.includes('Amazon Bedrock Guardrails') && g.includes('NO_MATCH'), `details guardrail: ${g}`);
  });
  await v.close();
  setView(null);
}

/**
 * Screenshots of the conventions trace's conversation in the three themes.
 * @param {{ browser: Browser, origin: string, openView: OpenView }} options
 * @returns {Promise<string[]>}
 */
export async function takeConventionScreenshots({ browser, origin, openView }) {
  /** @type {string[]} */
  const files = [];
  for (const theme of ['dark', 'light', 'hc']) {
    const v = await openView(browser, origin, { theme, fixture: 'conventions', select: fixtures.CONVENTION_SPANS.chat2 });
    await v.page.click('vscode-tab-header[data-tab="conversation"]');
    await v.page.waitForSelector('#conversation .conv-items .guard-card');
    await v.page.locator('#conversation .eval-why').first().click();
    const file = join(resultsDir, `conventions-${theme}.png`);
    await v.page.screenshot({ path: file });
    files.push(file);
    await v.close();
  }
  return files;
}
