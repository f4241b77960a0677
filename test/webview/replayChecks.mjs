// @ts-check
// The replay playground's checks (run by replayHarness.mjs): the editor prefilled with exactly what
// the recording holds (compared with the capture file's own attributes), gaps flagged where they
// apply, edits reaching the `send` command, streamed events rendered as they arrive, the word and
// tool-call diffs, two variants side by side, error states with Retry, Copy as Code, keyboard use,
// the state surviving a reload, markup shown as text, and a narrow panel.
import { assert, assertViewDocument, checkRunner, eq, textOf } from './page.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('./page.mjs').OpenedPage} OpenedPage */
/** @typedef {import('../../src/protocol/replayView').ReplayViewEvent} ReplayViewEvent */
/** @typedef {import('../../src/model/replay').ReplayResult} ReplayResult */

/**
 * The value of a textarea or input.
 * @param {Page} page
 * @param {string} selector
 */
const valueOf = (page, selector) => page.$eval(selector, (e) => /** @type {HTMLInputElement} */ (e).value);

/**
 * @param {Page} page
 * @param {number} n
 */
const waitSends = (page, n) => page.waitForFunction((k) => window.__replayHost.messages('send').length >= k, n);

/**
 * @param {{
 *   browser: Browser, origin: string, log?: (line: string) => void,
 *   open: typeof import('./replayHarness.mjs').openReplayView,
 *   emit: typeof import('./replayHarness.mjs').emit,
 *   sent: typeof import('./replayHarness.mjs').sent,
 *   fixtures: typeof import('./replayFixtures.mjs'),
 *   page: import('./page.mjs').ViewPage,
 *   screenshotScene: typeof import('./replayHarness.mjs').screenshotScene,
 * }} o
 */
export async function replayChecks({ browser, origin, log = console.log, open, emit, sent, fixtures, page: viewPage, screenshotScene }) {
  /** @type {OpenedPage | null} */
  let v = null;
  const { check, summary } = checkRunner({ log, currentPage: () => v?.page, failurePrefix: 'replay-failure', fullPage: false });
  const raw = fixtures.rawSpanAttributes(fixtures.OPENINFERENCE_FILE, fixtures.OI_SPAN_ID);
  const fixture = fixtures.makeReplayInit('openinference');
  v = await open(browser, origin);
  const page = v.page;
  /** @param {string} id a column (`original`, `v1`, …) */
  const col = (id) => `.column[data-column="${id}"]`;

  await check("replay: the page is the panel's own document (webviewHtml.ts): its CSP, title, #app and assets, with the nonce", async () => {
    await assertViewDocument(page, viewPage, origin);
    eq((await sent(page, 'ready')).length, 1, 'ready messages');
  });

  await check('replay: the editor is prefilled with exactly what the capture recorded (system, messages, tool call, tool result, tool, parameters)', async () => {
    // Expected values read from the OTLP/JSON file itself (llm.input_messages.*, llm.tools.*, llm.invocation_parameters).
    eq(await valueOf(page, '#sys-p0'), raw['llm.input_messages.0.message.content'], 'system instructions');
    const roles = await page.$$eval('.message .role', (els) => els.map((e) => /** @type {HTMLSelectElement} */ (e).value));
    eq(roles, [raw['llm.input_messages.1.message.role'], raw['llm.input_messages.2.message.role'], raw['llm.input_messages.3.message.role']], 'message roles');
    eq(await valueOf(page, '.message:nth-child(1) .part textarea'), raw['llm.input_messages.1.message.content'], 'user text');
    eq(await valueOf(page, '.message:nth-child(2) [data-part="tool_call"] input'), raw['llm.input_messages.2.message.tool_calls.0.tool_call.function.name'], 'tool call name');
    eq(JSON.parse(await valueOf(page, '.message:nth-child(2) [data-part="tool_call"] textarea')), JSON.parse(String(raw['llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments'])), 'tool call arguments');
    assert((await textOf(page, '.message:nth-child(2) [data-part="tool_call"] .part-id')).includes(String(raw['llm.input_messages.2.message.tool_calls.0.tool_call.id'])), 'tool call id shown');
    eq(JSON.parse(await valueOf(page, '.message:nth-child(3) [data-part="tool_call_response"] textarea')), JSON.parse(String(raw['llm.input_messages.3.message.content'])), 'tool result');
    const schema = JSON.parse(String(raw['llm.tools.0.tool.json_schema'])).function;
    eq(JSON.parse(await valueOf(page, '.tool textarea')), { name: schema.name, description: schema.description, parameters: schema.parameters }, 'tool definition');
    const invocation = JSON.parse(String(raw['llm.invocation_parameters']));
    eq(await valueOf(page, '.param-value input[aria-label="temperature"]'), String(invocation.temperature), 'temperature');
    eq(await valueOf(page, '.param-value input[aria-label="max_tokens"]'), String(invocation.max_tokens), 'max_tokens');
    eq(await valueOf(page, '.param-value input[aria-label="top_p"]'), '', 'top_p not set');
    eq(await page.$eval('#provider', (e) => /** @type {HTMLSelectElement} */ (e).value), 'OpenAI', 'preselected provider');
    eq(await valueOf(page, '#model'), invocation.model, 'model field = the request model');
    assert((await textOf(page, '.provider-note')).includes('serves the recorded provider openai'), 'preselection reason shown');
  });

  await check('replay: the original answer, its tokens, cost and finish reason are in the first column', async () => {
    const output = JSON.parse(String(raw['output.value']));
    eq(await textOf(page, `${col('original')} pre.answer-text`), output.choices[0].message.content, 'original text');
    const metrics = Object.fromEntries(await page.$$eval(`${col('original')} dl.metrics > div`, (els) => els.map((e) => [e.getAttribute('data-metric'), e.querySelector('dd')?.textContent])));
    eq(metrics.tokens, `${output.usage.prompt_tokens} in · ${output.usage.completion_tokens} out`, 'tokens');
    eq(metrics.finish, output.choices[0].finish_reason, 'finish reason');
    // gpt-4o-mini at $0.15/MTok input, $0.075/MTok cached input, $0.60/MTok output (OpenAI pricing):
    // (71 − 32) × 0.15 + 32 × 0.075 + 12 × 0.60 = 5.85 + 2.4 + 7.2 = 15.45 µ$.
    const usd = Number(String(metrics.cost).replace('$', ''));
    assert(Math.abs(usd - 15.45e-6) < 0.06e-6, `cost ${metrics.cost} is not $0.00001545 to three digits`);
    eq(metrics['first token'], 'not recorded', 'no TTFT for the recording');
  });

  await check('replay: gaps are flagged where they apply (tool choice under Tools, stream at the top)', async () => {
    eq(await page.$$eval('.section[data-section="tools"] .gap', (els) => els.map((e) => e.getAttribute('data-gap'))), ['toolChoice'], 'tools section gaps');
    eq(await page.$$eval('.general-gaps .gap', (els) => els.map((e) => e.getAttribute('data-gap'))), ['stream'], 'general gaps');
    assert((await textOf(page, '.general-gaps .gap')).includes('not recorded: stream'), 'gap row text');
    const m = await open(browser, origin, { fixture: 'media' });
    const where = await m.page.$$eval('.gap', (els) => els.map((e) => [e.closest('[data-section]')?.getAttribute('data-section') ?? 'top', e.closest('.message')?.querySelector('.message-index')?.textContent ?? null, e.getAttribute('data-gap')]));
    eq(where, [['system', null, 'system'], ['messages', '1', 'messages.0'], ['tools', null, 'tools'], ['parameters', null, 'parameters']], 'media fixture gaps');
    const media = await m.page.$$eval('.message:nth-child(1) [data-part="media"]', (els) => els.map((e) => ({ facts: e.querySelector('.media-facts')?.textContent, img: e.querySelector('img')?.getAttribute('src')?.slice(0, 22) ?? null, where: e.querySelector('.media-where')?.textContent ?? null })));
    eq(media.map((x) => x.img), ['data:image/png;base64,', null], 'inline PNG shown, URI image described');
    assert(media[0].facts?.startsWith('image · image/png'), `png facts: ${media[0].facts}`);
    eq(media[1].where, 'https://example.invalid/photos/eiffel.jpg', 'URI shown');
    eq(await m.cspViolations(), [], 'CSP violations (data: image)');
    await m.close();
  });

  await check('replay: Send with no edit posts exactly the recorded request', async () => {
    await page.click('#send');
    await waitSends(page, 1);
    const [cmd] = await sent(page, 'send');
    eq([cmd.variantId, cmd.provider, cmd.model], ['v1.1', 'OpenAI', 'gpt-4o-mini'], 'run id, provider, model');
    eq(cmd.request, fixture.request, 'request');
  });

  await check('replay: streamed text and tool-call deltas render as they arrive, then the result with diff and metrics', async () => {
    await emit(page, [{ type: 'replayStarted', variantId: 'v1.1' }]);
    assert((await textOf(page, `${col('v1')} .waiting`)).includes('first token'), 'waiting for the first token');
    let text = '';
    for (const delta of ['It is ', '18°C and ', 'rainy in Paris.']) {
      await emit(page, [{ type: 'replayEvent', variantId: 'v1.1', event: { type: 'text', delta } }]);
      text += delta;
      eq(await textOf(page, `${col('v1')} pre.answer-text`), text, 'text so far');
    }
    await emit(page, [
      { type: 'replayEvent', variantId: 'v1.1', event: { type: 'tool_call', index: 0, id: 'call_9', name: 'get_forecast', argumentsDelta: '{"city":' } },
      { type: 'replayEvent', variantId: 'v1.1', event: { type: 'tool_call', index: 0, argumentsDelta: '"Paris"}' } },
    ]);
    eq(JSON.parse(await textOf(page, `${col('v1')} .tool-call-row pre`)), { city: 'Paris' }, 'tool call arguments assembled');
    /** @type {ReplayResult} */
    const result = { text, toolCalls: [{ id: 'call_9', name: 'get_forecast', arguments: '{"city":"Paris"}' }], finishReason: 'tool_calls', usage: { inputTokens: 80, outputTokens: 9 }, latencyMs: 1234, firstTokenMs: 310, costUsd: 0.0000174 };
    await emit(page, [{ type: 'replayEvent', variantId: 'v1.1', event: { type: 'done', result } }]);
    eq(await page.$$eval(`${col('v1')} pre.answer-diff del`, (els) => els.map((e) => e.textContent)), ['sunny'], 'deleted words');
    eq(await page.$$eval(`${col('v1')} pre.answer-diff ins`, (els) => els.map((e) => e.textContent)), ['rainy'], 'inserted words');
    eq(await page.$$eval(`${col('v1')} .tool-calls.diffed .tool-call-row`, (els) => els.map((e) => e.getAttribute('data-status'))), ['added'], 'tool call only in the replay');
    const metrics = Object.fromEntries(await page.$$eval(`${col('v1')} dl.metrics > div`, (els) => els.map((e) => [e.getAttribute('data-metric'), e.querySelector('dd')?.textContent])));
    eq([metrics.tokens, metrics.cost, metrics.latency, metrics['first token'], metrics.finish], ['80 in · 9 out', '$0.0000174', '1.23s', '310ms', 'tool_calls'], 'metrics');
    await page.click(`${col('v1')} .view-toggle .toggle:nth-child(2)`);
    eq(await textOf(page, `${col('v1')} pre.answer-text`), text, 'plain answer view');
    await page.click(`${col('v1')} .view-toggle .toggle:nth-child(1)`);
    await emit(page, [{ type: 'replayTraced', variantId: 'v1.1', traceId: 'feedfacefeedfacefeedfacefeedface' }]);
    await page.click(`${col('v1')} .trace-link`);
    await page.waitForFunction(() => window.__replayHost.messages('openReplayTrace').length === 1);
    eq(await sent(page, 'openReplayTrace'), [{ type: 'openReplayTrace', traceId: 'feedfacefeedfacefeedfacefeedface' }], 'open the replay trace');
  });

  await check('replay: a cost the result lacks is "unknown", never $0', async () => {
    await page.click(`${col('v1')} vscode-button.run`);
    await waitSends(page, 2);
    await emit(page, [{ type: 'replayEvent', variantId: 'v1.2', event: { type: 'done', result: { text: 'Sunny.', toolCalls: [], latencyMs: 90, usage: { inputTokens: 80, outputTokens: 2 } } } }]);
    eq(await textOf(page, `${col('v1')} [data-metric="cost"] dd`), 'unknown', 'cost');
    eq(await textOf(page, `${col('v1')} [data-metric="first token"] dd`), '—', 'no TTFT');
  });

  await check('replay: editing a message (and a parameter) then Ctrl+Enter posts the edited request', async () => {
    await page.fill('.message:nth-child(1) .part textarea', 'What is the weather in Berlin?');
    await page.fill('.param-value input[aria-label="temperature"]', '0.7');
    assert(await page.$eval('.message:nth-child(1) .part textarea', (e) => e.hasAttribute('data-edited')), 'edited field marked');
    await page.keyboard.press('Control+Enter');
    await waitSends(page, 3);
    const cmd = (await sent(page, 'send'))[2];
    const expected = structuredClone(fixture.request);
    expected.messages[0].parts = [{ type: 'text', content: 'What is the weather in Berlin?' }];
    expected.parameters.temperature = 0.7;
    eq(cmd.request, expected, 'edited request');
    assert((await textOf(page, '.source')).includes('Reset to recorded'), 'reset offered');
  });

  await check('replay: invalid JSON is flagged, blocks Send (and Ctrl+Enter), and is focused', async () => {
    const args = '.message:nth-child(2) [data-part="tool_call"] textarea';
    await page.fill(args, '{"city": Paris}');
    eq(await page.getAttribute(args, 'aria-invalid'), 'true', 'aria-invalid');
    assert((await textOf(page, '.message:nth-child(2) .field-error')).includes('not valid JSON'), 'error shown');
    eq(await page.$eval('#send', (e) => e.hasAttribute('disabled')), true, 'Send disabled');
    await page.focus('#model');
    await page.keyboard.press('Control+Enter');
    await page.waitForTimeout(100);
    eq((await sent(page, 'send')).length, 3, 'nothing sent');
    eq(await page.evaluate(() => document.activeElement?.matches('[aria-invalid="true"]')), true, 'invalid field focused');
    await page.fill(args, '{"city": "Berlin"}');
    await page.keyboard.press('Control+Enter');
    await waitSends(page, 4);
    const cmd = (await sent(page, 'send'))[3];
    eq(cmd.request.messages[1].parts[0].arguments, '{"city":"Berlin"}', 'arguments sent as JSON text, as recorded');
    await page.click('.source .reset');
    eq(await valueOf(page, '.message:nth-child(1) .part textarea'), raw['llm.input_messages.1.message.content'], 'reset to recorded');
  });

  await check('replay: two variants side by side, each with its own model and temperature', async () => {
    await page.click('#add-variant');
    await page.waitForSelector(col('v2'));
    await page.fill('#v2-model', 'gpt-4o');
    await page.fill(`${col('v2')} input[data-override="temperature"]`, '0.9');
    const before = (await sent(page, 'send')).length;
    await page.click('#send');
    await waitSends(page, before + 2);
    const [a, b] = (await sent(page, 'send')).slice(before);
    eq([a.variantId, a.model, a.request.parameters.temperature], ['v1.5', 'gpt-4o-mini', 0.2], 'variant 1');
    eq([b.variantId, b.model, b.request.model, b.request.parameters.temperature, b.provider], ['v2.1', 'gpt-4o', 'gpt-4o', 0.9, 'OpenAI'], 'variant 2');
    const boxes = await page.$$eval('.columns > .column', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => [Math.round(r.left), Math.round(r.top), Math.round(r.right)]));
    eq(boxes.length, 3, 'original + 2 variants');
    assert(boxes[0][1] === boxes[1][1] && boxes[1][1] === boxes[2][1] && boxes[0][2] <= boxes[1][0] && boxes[1][2] <= boxes[2][0], `columns side by side: ${JSON.stringify(boxes)}`);
    assert((await textOf(page, `${col('v2')} .col-sub`)).includes('temperature 0.9'), 'overrides shown in the header');
    await emit(page, [{ type: 'replayEvent', variantId: 'v1.5', event: { type: 'done', result: { text: 'It is 18°C and rainy in Paris.', toolCalls: [], latencyMs: 700, costUsd: 0.00002 } } }]);
  });

  await check('replay: errors (401, 429 with Retry-After, timeout) are shown in the variant, with Retry and Set key', async () => {
    await emit(page, [{ type: 'replayError', variantId: 'v2.1', error: { kind: 'auth', status: 401, message: 'Incorrect API key provided.' } }]);
    eq(await page.getAttribute(`${col('v2')} .run-error`, 'role'), 'alert', 'an alert');
    eq((await textOf(page, `${col('v2')} .run-error-title`)).trim(), 'Authentication failed (401)', '401 title');
    await page.click(`${col('v2')} .set-key`);
    await page.waitForFunction(() => window.__replayHost.messages('setKey').length === 1);
    eq(await sent(page, 'setKey'), [{ type: 'setKey', provider: 'OpenAI' }], 'setKey');
    await page.click(`${col('v2')} .retry`);
    await page.waitForFunction(() => window.__replayHost.messages('send').some((m) => m.variantId === 'v2.2'));
    // A late event of the replaced run is ignored.
    await emit(page, [
      { type: 'replayEvent', variantId: 'v2.1', event: { type: 'text', delta: 'stale' } },
      { type: 'replayError', variantId: 'v2.2', error: { kind: 'rate_limit', status: 429, retryAfterSeconds: 20, message: 'Rate limit reached.' } },
    ]);
    eq((await textOf(page, `${col('v2')} .run-error-title`)).trim(), 'Rate limited (429) — retry after 20 s', '429 title');
    eq(await page.$(`${col('v2')} pre.answer-text`), null, 'no stale text');
    await page.click(`${col('v2')} .retry`);
    await emit(page, [{ type: 'replayError', variantId: 'v2.3', error: { kind: 'timeout', message: 'No answer within 60 s.' } }]);
    eq((await textOf(page, `${col('v2')} .run-error-title`)).trim(), 'Timed out', 'timeout title');
    eq(await page.getAttribute(col('v2'), 'data-status'), 'error', 'column status');
  });

  await check('replay: Stop cancels the run (cancel posted, later events ignored)', async () => {
    await page.click(`${col('v2')} .retry`);
    await emit(page, [{ type: 'replayStarted', variantId: 'v2.4' }]);
    await page.click(`${col('v2')} vscode-button.stop`);
    await page.waitForFunction(() => window.__replayHost.messages('cancel').some((m) => m.variantId === 'v2.4'));
    await emit(page, [{ type: 'replayEvent', variantId: 'v2.4', event: { type: 'text', delta: 'late' } }]);
    eq(await page.getAttribute(col('v2'), 'data-status'), 'cancelled', 'cancelled');
    eq(await page.$(`${col('v2')} pre.answer-text`), null, 'late text ignored');
    await page.click(`${col('v2')} vscode-button.remove`);
    eq(await page.$(col('v2')), null, 'variant removed');
  });

  await check('replay: Copy as Code by keyboard posts the command, the confirmation is announced', async () => {
    await page.focus('#copy-code');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-menu .context-menu');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__replayHost.messages('copyAsCode').length === 1);
    const [cmd] = await sent(page, 'copyAsCode');
    eq([cmd.format, cmd.provider, cmd.request.model], ['python', 'OpenAI', 'gpt-4o-mini'], 'copyAsCode');
    eq(cmd.request.messages, fixture.request.messages, 'the request as edited (here: as recorded)');
    await emit(page, [{ type: 'copied', format: 'python' }]);
    eq((await textOf(page, '.announce')).trim(), 'Copied the Python snippet to the clipboard.', 'announced');
    eq(await page.$('#code-menu .context-menu'), null, 'menu closed');
  });

  await check('replay: keyboard — Tab order of the top bar, visible focus rings, links post their commands', async () => {
    await page.focus('.source-link');
    const order = [];
    for (let i = 0; i < 8; i++) {
      order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || document.activeElement?.tagName || ''));
      await page.keyboard.press('Tab');
    }
    // The request is unchanged (no "Reset to recorded") and nothing runs (no Stop): then the editor's first section header.
    eq(order, ['link source-link', 'provider', 'model', 'send', 'add-variant', 'copy-code', 'configure', 'section'], 'tab order');
    await page.focus('.message:nth-child(1) .part textarea');
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(/** @type {Element} */ (document.activeElement));
      return [s.outlineStyle, s.outlineWidth];
    });
    eq(ring, ['solid', '1px'], 'focus ring on a field');
    await page.focus('.source-link');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__replayHost.messages('openSpan').length === 1);
    eq(await sent(page, 'openSpan'), [{ type: 'openSpan', traceId: fixture.request.source.traceId, spanId: fixture.request.source.spanId }], 'openSpan');
    eq(await v?.cspViolations(), [], 'CSP violations');
    eq(v?.problems, [], 'page problems');
  });

  await check('replay: edits and answers survive a reload of the webview (setState)', async () => {
    await page.fill('.message:nth-child(1) .part textarea', 'Kept across reloads?');
    await page.waitForTimeout(400);
    await page.reload();
    await page.waitForSelector('#app .topbar');
    eq(await valueOf(page, '.message:nth-child(1) .part textarea'), 'Kept across reloads?', 'draft restored');
    assert((await textOf(page, `${col('v1')} pre.answer-diff`)).includes('rainy'), 'answer restored');
  });

  await check('replay: no provider configured — the reason, Configure providers, Send disabled', async () => {
    const n = await open(browser, origin, { fixture: 'noProvider' });
    assert((await textOf(n.page, '.provider-note')).includes('No provider configured for openai — add one.'), 'reason');
    eq(await n.page.$eval('#send', (e) => e.hasAttribute('disabled')), true, 'Send disabled');
    await n.page.click('.provider-note button.link');
    await n.page.waitForFunction(() => window.__replayHost.messages('configureProviders').length === 1);
    await emit(n.page, [{ type: 'providers', providers: [{ name: 'Local Ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', hasKey: false, defaultModel: 'llama3.2' }], preselected: { provider: 'Local Ollama', reason: 'the only provider configured' } }]);
    eq(await n.page.$eval('#send', (e) => e.hasAttribute('disabled')), false, 'Send enabled');
    assert((await textOf(n.page, '.provider-note')).includes('no API key stored for Local Ollama'), 'no key noted');
    await n.close();
    const u = await open(browser, origin, { event: { type: 'unavailable', reason: 'The span is no longer stored.' } });
    eq((await textOf(u.page, '.empty-state')).trim(), 'The span is no longer stored.', 'unavailable');
    await u.close();
  });

  await check('replay: picking another provider in the dropdown (mouse, then keyboard) sets its default model when it speaks another wire format', async () => {
    const n = await open(browser, origin);
    await n.page.click('#provider');
    await n.page.click('#provider li[role="option"]:has-text("Anthropic")');
    eq(await n.page.$eval('#provider', (e) => /** @type {HTMLSelectElement} */ (e).value), 'Anthropic', 'selected');
    eq(await valueOf(n.page, '#model'), 'claude-3-5-haiku-latest', "Anthropic's default model (the recording spoke openai)");
    assert((await textOf(n.page, '.provider-note')).includes('the request is translated to anthropic'), 'translation noted');
    await n.page.click('#copy-code');
    await n.page.waitForSelector('#code-menu .context-menu');
    eq(await n.page.$$eval('#code-menu vscode-context-menu-item', (els) => els.map((e) => e.getAttribute('label'))), ['curl', 'Python (anthropic SDK)', 'TypeScript (anthropic SDK)'], 'menu follows the provider');
    await n.page.keyboard.press('Escape');
    eq(await n.page.evaluate(() => document.activeElement?.id), 'copy-code', 'Escape returns focus to the menu button');
    // Back to OpenAI with the keyboard: the recorded model again (the field was not typed in).
    await n.page.focus('#provider');
    await n.page.keyboard.press('Enter');
    await n.page.keyboard.press('ArrowUp');
    await n.page.keyboard.press('ArrowUp');
    await n.page.keyboard.press('Enter');
    eq(await n.page.$eval('#provider', (e) => /** @type {HTMLSelectElement} */ (e).value), 'OpenAI', 'selected by keyboard');
    eq(await valueOf(n.page, '#model'), 'gpt-4o-mini', 'recorded model back');
    await n.page.click('#send');
    await waitSends(n.page, 1);
    eq(((await sent(n.page, 'send'))[0]).provider, 'OpenAI', 'send uses the picked provider');
    eq(n.problems, [], 'page problems');
    await n.close();
  });

  await check('replay: a long answer wraps and scrolls inside its column; a large request stays responsive (measured)', async () => {
    const init = structuredClone(fixture);
    const user = init.request.messages[0];
    /** @type {import('../../src/model/genai').GenAiMessage[]} */
    const turns = [];
    for (let i = 0; i < 100; i++) turns.push(...init.request.messages.map((m) => (m === user ? { role: 'user', parts: [{ type: /** @type {const} */ ('text'), content: `Question ${i}: ${'lorem ipsum dolor sit amet '.repeat(60)}` }] } : m)));
    init.request.messages = turns;
    const started = Date.now();
    const n = await open(browser, origin, { event: init });
    const openMs = Date.now() - started;
    eq(await n.page.$$eval('.message', (els) => els.length), 300, 'messages');
    // One keystroke: the input event and the synchronous re-render it causes.
    const typeMs = await n.page.evaluate(() => {
      const area = /** @type {HTMLTextAreaElement} */ (document.querySelector('.message:nth-child(4) .part textarea'));
      const times = [];
      for (const ch of 'edit') {
        const t = performance.now();
        area.value += ch;
        area.dispatchEvent(new Event('input', { bubbles: true }));
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2];
    });
    await n.page.click('#send');
    await waitSends(n.page, 1);
    const word = 'x'.repeat(3000);
    const deltas = Array.from({ length: 400 }, (_, i) => ({ type: /** @type {const} */ ('replayEvent'), variantId: 'v1.1', event: { type: /** @type {const} */ ('text'), delta: i === 200 ? word : `token${i} ` } }));
    // As a fast stream arrives: every delta posted at once (each still its own message event), then
    // the time until the last one is on screen.
    const streamMs = await n.page.evaluate(async (list) => {
      const t = performance.now();
      for (const e of list) window.__replayHost.send(e);
      const pre = () => document.querySelector('.column[data-column="v1"] pre.answer-text')?.textContent ?? '';
      while (!pre().includes('token399')) await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t;
    }, deltas);
    const box = await n.page.$eval(`${col('v1')} pre.answer-text`, (e) => ({ sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight, colW: /** @type {HTMLElement} */ (e.closest('.column')).getBoundingClientRect().width }));
    assert(box.sw <= box.cw, `answer overflows its column horizontally: ${JSON.stringify(box)}`);
    assert(box.sh > box.ch, `a long answer scrolls inside its box: ${JSON.stringify(box)}`);
    assert(box.colW < 500, `the column did not grow: ${box.colW}`);
    log(`       measured: open + render 300 messages ${openMs} ms, one keystroke ${typeMs.toFixed(1)} ms, 400 streamed deltas on screen after ${streamMs.toFixed(0)} ms`);
    assert(typeMs < 100 && streamMs < 2000, 'responsive');
    eq(n.problems, [], 'page problems');
    await n.close();
  });

  await check('replay: markup in the recording and in answers is shown as text', async () => {
    const x = await open(browser, origin, { fixture: 'xss' });
    assert((await valueOf(x.page, '.message:nth-child(1) .part textarea')).includes(fixtures.HOSTILE), 'message text literal');
    assert((await textOf(x.page, '.source-link')).includes(fixtures.HOSTILE), 'span name literal');
    assert((await textOf(x.page, '.section[data-section="parameters"] .gap')).includes(fixtures.HOSTILE), 'gap literal');
    await x.page.click('#send');
    await waitSends(x.page, 1);
    await emit(x.page, [{ type: 'replayEvent', variantId: 'v1.1', event: { type: 'done', result: { text: `Rainy ${fixtures.HOSTILE}`, toolCalls: [], latencyMs: 5 } } }]);
    assert((await textOf(x.page, `${col('v1')} pre.answer-diff`)).includes('script'), 'answer literal');
    eq(await x.page.evaluate(() => window.__xss), undefined, 'no script ran');
    eq(await x.page.$$eval('#app script, #app img:not(.thumb)', (els) => els.length), 0, 'no element from the recording');
    eq(await x.cspViolations(), [], 'CSP violations');
    await x.close();
  });

  await check('replay: a narrow panel stacks the request and the answers without horizontal page scroll', async () => {
    const n = await open(browser, origin, { width: 420 });
    const overflow = () => n.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert((await overflow()) <= 0, `page overflows horizontally by ${await overflow()}px`);
    // Also with two variants, a long error and the announcement line.
    await screenshotScene(n.page);
    assert((await overflow()) <= 0, `page overflows horizontally by ${await overflow()}px after a run`);
    eq(n.problems, [], 'page problems');
    await n.close();
  });

  await v.close();
  return summary();
}
