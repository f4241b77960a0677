// End-to-end: telemetry from SDKs pointed at Trace Lens without code changes, in the real VS Code
// workbench (started by scripts/e2e.mjs, see workbench.test.mjs for the environment variables).
// The bodies are what the real libraries sent (captured fixtures, test/fixtures/genai/README.md and
// test/fixtures/openai-agents/README.md), posted to the paths those SDKs use:
//   1. the Langfuse JS SDK's export (a cached Anthropic agent turn) to `/api/public/otel/v1/traces`
//      with its Basic auth header, and the OpenAI Agents SDK exporter's three requests to
//      `/v1/traces/ingest` with its Bearer header: both traces are listed;
//   2. the Langfuse trace's cost in the header is genai-prices' price of what the stand-in API
//      returned (cache write and cache read priced once each); in a trace where OpenInference and
//      the Anthropic SDK both report each call, the outer rows show Σ, the inner call's price;
//   3. the Conversation tab puts the tool card between the call that asked for it and the answer,
//      and does not repeat the tool result as a bubble;
//   4. the first model call's details show input tokens including cached ones and say the SDK's
//      count excluded them;
//   5. the OpenAI Agents trace shows the workflow, both agents, the hand-off, the tool call and
//      the answer;
//   6. a Bedrock Converse call through OpenInference shows the full model id (the instrumentation
//      sends "anthropic"), is priced like genai-prices on the tokens it itemizes, and its details
//      say that 1,800 tokens of the total are neither input nor output (the cost is "≥");
//   7. a Gemini 2.5 call through OpenLLMetry (thoughts reported apart from the output) shows output
//      tokens with the thoughts, says so, and costs what genai-prices' Google extractor says.
// Independent of the order of the e2e files: it clears the store first and stops its receiver last.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { extensionHostLogs, repoRoot } from '../support/e2e/codeServer.mjs';
import { launchBrowser, leaveWorkbench, openWorkbench, runCommand, screenshot, showTraceLens, startWithNoTraces, waitUntil } from '../support/e2e/workbench.mjs';
import { stepper } from '../support/e2e/demo.mjs';

const url = process.env.TRACE_LENS_E2E_URL;
const receiverPort = Number(process.env.TRACE_LENS_E2E_RECEIVER_PORT);
const shots = process.env.TRACE_LENS_E2E_SCREENSHOTS ?? join(repoRoot, 'test-results/e2e');
const userDataDir = process.env.TRACE_LENS_E2E_USER_DATA_DIR ?? '';
const configured = Boolean(url && receiverPort);

const LANGFUSE = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/genai/langfuse-baseurl.otlp.json'), 'utf8'));
const LANGFUSE_TRACE_ID = LANGFUSE.resourceSpans[0].scopeSpans[0].spans[0].traceId;
const AGENTS_FILES = ['chat.1', 'chat.2', 'chat.3'].map((f) => join(repoRoot, `test/fixtures/openai-agents/${f}.ingest.json`));
const AGENTS_TRACE_ID = JSON.parse(readFileSync(AGENTS_FILES[0], 'utf8')).data.find((o) => o.object === 'trace').id.replace(/^trace_/, '');
const SECRET = 'sk-lf-e2e-do-not-log-4417';
/** OpenInference over the Anthropic SDK with the SDK's own tracing on: each call reported twice. */
const DOUBLE = readFileSync(join(repoRoot, 'test/fixtures/genai/anthropic-openinference-sdk-default.otlp.json'), 'utf8');
const DOUBLE_TRACE_ID = JSON.parse(DOUBLE).resourceSpans[0].scopeSpans[0].spans[0].traceId;
/** Bedrock Converse through OpenInference (test/fixtures/genai/README.md, "Amazon Bedrock"). */
const BEDROCK = readFileSync(join(repoRoot, 'test/fixtures/genai/bedrock-openinference.otlp.json'), 'utf8');
const BEDROCK_TRACE_ID = JSON.parse(BEDROCK).resourceSpans[0].scopeSpans[0].spans[0].traceId;
const BEDROCK_MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** Gemini through OpenLLMetry (test/fixtures/genai/README.md, "Gemini"); the stand-in's first usageMetadata. */
const GEMINI = readFileSync(join(repoRoot, 'test/fixtures/genai/gemini-openllmetry.otlp.json'), 'utf8');
const GEMINI_TRACE_ID = JSON.parse(GEMINI).resourceSpans[0].scopeSpans[0].spans[0].traceId;
const GEMINI_USAGE = { promptTokenCount: 42, candidatesTokenCount: 17, thoughtsTokenCount: 120, totalTokenCount: 179 };

/** The stand-in Anthropic API's usage for the two calls (test/fixtures/genai/capture/lib/servers.mjs). */
const ANTHROPIC_USAGE = [
  { input_tokens: 25, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0, output_tokens: 40 },
  { input_tokens: 60, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 15 },
];
const MODEL = 'claude-sonnet-4-5-20250929';
/** Start times of the Langfuse fixture's model calls (prices are dated). */
const callStarts = LANGFUSE.resourceSpans
  .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
  .filter((s) => s.attributes.some((a) => a.key === 'langfuse.observation.type' && a.value.stringValue === 'generation'))
  .map((s) => new Date(Number(BigInt(s.startTimeUnixNano) / 1_000_000n)))
  .sort((a, b) => a - b);
/** genai-prices' total for the two calls, from the raw usage (independent of the extension). */
const EXPECTED_USD = ANTHROPIC_USAGE.reduce((sum, usage, i) => {
  const { usage: u } = extractUsage(findProvider({ providerId: 'anthropic' }), { model: MODEL, usage }, 'default');
  return sum + calcPrice(u, MODEL, { providerId: 'anthropic', timestamp: callStarts[i] }).total_price;
}, 0);

/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('playwright-core').Page} */ let page;
const step = stepper(() => page, shots, () => `\n    extension host log: ${extensionHostLogs(userDataDir)[0] ?? '(no extension host log found)'}`);

const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
const tracesPane = () => sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Traces/i }) }).first();
const topRows = () => tracesPane().locator('.monaco-list-row[aria-level="1"]');
const webview = () => page.frameLocator('iframe.webview:not([src*="purpose=webviewView"]):visible').first().frameLocator('iframe#active-frame');
const quickInput = () => page.locator('.quick-input-widget');

/** `$0.00837` → 0.00837 (the first dollar amount in a text). */
const dollars = (text) => Number((/\$(\d+(?:\.\d+)?)/.exec(text) ?? [])[1]);
/** Shown amounts have three significant digits. */
const sameAmount = (shown, usd) => Math.abs(shown - usd) <= usd * 0.005 + 1e-9;

/** The Trace Lens view container, with its Traces view showing. */
async function showTracesView() {
  await showTraceLens(page);
  await waitUntil(() => tracesPane().isVisible(), { message: 'the Traces view did not show' });
}

async function post(path, body, headers) {
  const res = await fetch(`http://127.0.0.1:${receiverPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  assert.equal(res.status, 200, `${path} answered ${res.status}: ${text}`);
  assert.ok(!text.includes(SECRET), `${path} echoed the credential`);
}

/**
 * "Open Trace by ID…" with a full id; waits until the trace webview shows that trace (its id in the
 * header) with its rows. Rows alone are not enough: the panel of the trace shown before has rows too.
 */
async function openTrace(traceId) {
  await runCommand(page, 'Trace Lens: Open Trace by ID…');
  const input = quickInput().locator('input');
  await input.waitFor({ state: 'visible', timeout: 5_000 });
  await input.fill(traceId);
  await input.press('Enter');
  await waitUntil(async () => (await webview().locator('body').innerText().catch(() => '')).includes(traceId) && (await webview().locator('.row[data-span-id]').count()) > 0, {
    timeoutMs: 20_000,
    message: `the trace ${traceId} did not open`,
    describe: async () => JSON.stringify(await page.locator('.tabs-container .tab').allInnerTexts()),
  });
}

/** Posts an OTLP/JSON body, waits for the Traces view to list `rows` traces, and opens `traceId` in the waterfall. */
async function postAndOpen(body, rows, traceId) {
  await post('/v1/traces', body, {});
  await waitUntil(async () => (await topRows().count()) === rows, { timeoutMs: 20_000, message: `the trace ${traceId} is not listed`, describe: async () => JSON.stringify(await topRows().allInnerTexts()) });
  await openTrace(traceId);
  await showTab('waterfall');
}

/** The earliest span of an OTLP/JSON body whose name starts with `name`. */
function firstSpan(body, name) {
  const spans = JSON.parse(body).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans)).filter((x) => x.name.startsWith(name));
  return spans.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))[0];
}

/** Start of an OTLP/JSON span as a Date (prices are dated). */
const startOf = (span) => new Date(Number(BigInt(span.startTimeUnixNano) / 1_000_000n));

async function showTab(name) {
  await webview().locator(`vscode-tab-header[data-tab="${name}"]`).click();
  await webview().locator(`vscode-tab-panel[data-tab="${name}"]:not([hidden])`).waitFor({ timeout: 5_000 });
}

describe('SDKs pointed at Trace Lens, in the real VS Code workbench', { skip: !configured && 'run through `npm run test:e2e` (scripts/e2e.mjs)' }, () => {
  before(async () => {
    browser = await launchBrowser({ headless: !process.env.TRACE_LENS_E2E_HEADED });
    page = await openWorkbench(browser, /** @type {string} */ (url));
  });

  after(async () => {
    await leaveWorkbench(page, browser, receiverPort);
  });

  it('1. the Langfuse SDK export and the OpenAI Agents exporter requests arrive on their own paths', { timeout: 120_000 }, step('conv1-received', async () => {
    await showTracesView();
    await startWithNoTraces(page);
    await post('/api/public/otel/v1/traces', JSON.stringify(LANGFUSE), {
      authorization: `Basic ${Buffer.from(`pk-lf-e2e:${SECRET}`).toString('base64')}`,
      'x-langfuse-public-key': 'pk-lf-e2e',
      'x-langfuse-sdk-name': 'javascript',
    });
    for (const file of AGENTS_FILES) await post('/v1/traces/ingest', readFileSync(file, 'utf8'), { authorization: `Bearer ${SECRET}`, 'openai-beta': 'traces=v1' });
    await post('/v1/traces', DOUBLE, {});
    await waitUntil(async () => (await topRows().count()) === 3, {
      timeoutMs: 20_000,
      message: 'the Traces view does not list the three traces',
      describe: async () => JSON.stringify(await topRows().allInnerTexts().catch(() => [])),
    });
    await screenshot(page, shots, 'conv1-received');
  }));

  it('2. the cached Anthropic turn costs what genai-prices says; a call reported twice shows Σ on the outer row', { timeout: 60_000 }, step('conv2-cost', async () => {
    await openTrace(LANGFUSE_TRACE_ID);
    const cost = webview().locator('[data-fact="trace-cost"]');
    await waitUntil(async () => sameAmount(dollars(await cost.innerText().catch(() => '')), EXPECTED_USD), {
      timeoutMs: 15_000,
      message: `the trace header does not show the expected cost $${EXPECTED_USD}`,
      describe: async () => JSON.stringify(await webview().locator('header, .trace-header').first().innerText().catch(() => '')),
    });
    await screenshot(page, shots, 'conv2-cost');

    await openTrace(DOUBLE_TRACE_ID);
    const outer = webview().locator('.row[data-span-id]', { hasText: 'Anthropic Messages' });
    const inner = webview().locator('.row[data-span-id]', { hasText: 'anthropic.messages.create' });
    await waitUntil(async () => (await outer.count()) === 2 && (await inner.count()) === 2 && /Σ \$/.test(await outer.first().innerText()), {
      timeoutMs: 15_000,
      message: 'the OpenInference rows do not show Σ over the SDK rows',
      describe: async () => JSON.stringify(await webview().locator('.row[data-span-id]').allInnerTexts()),
    });
    for (let i = 0; i < 2; i++) {
      const o = await outer.nth(i).innerText();
      const n = await inner.nth(i).innerText();
      assert.equal(dollars(o.slice(o.indexOf('Σ'))), dollars(n), `the outer row's sum (${o}) is not the inner call's price (${n})`);
    }
    const header = await webview().locator('[data-fact="trace-cost"]').innerText();
    assert.ok(sameAmount(dollars(header), EXPECTED_USD), `the trace total (${header}) counts the calls more than once (expected $${EXPECTED_USD})`);
    await screenshot(page, shots, 'conv2-sum');
    await openTrace(LANGFUSE_TRACE_ID);
  }));

  it('3. the tool card sits between the call that asked for it and the answer; its result is not repeated', { timeout: 60_000 }, step('conv3-order', async () => {
    await showTab('conversation');
    const conv = webview().locator('#conversation');
    const items = conv.locator('.conv-item');
    await waitUntil(async () => (await items.count()) >= 3, { timeoutMs: 15_000, message: 'the Conversation tab is empty', describe: async () => (await conv.innerText().catch(() => '')).slice(0, 400) });
    const kinds = (await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-item')))).filter((k) => k !== 'agent');
    assert.deepEqual(kinds, ['modelCall', 'toolCall', 'modelCall'], 'model call → tool call → model call');
    const last = items.filter({ has: webview().locator('.mc-head') }).last();
    assert.equal(await last.locator('.msg-tool').count(), 0, 'the tool result is shown again as a bubble of the second call');
    assert.match(await last.innerText(), /It is 18°C and sunny in Paris\./);
    await screenshot(page, shots, 'conv3-order');
  }));

  it('4. the first model call shows input tokens with cached ones, and which reading was used', { timeout: 60_000 }, step('conv4-reading', async () => {
    await webview().locator('#conversation .mc-head').first().click();
    const input = webview().locator('#details [data-fact="input-tokens"]');
    await waitUntil(async () => /1,825/.test(await input.innerText().catch(() => '')), {
      timeoutMs: 10_000,
      message: 'the details do not show 1,825 input tokens (25 uncached + 1,800 cache write)',
      describe: async () => (await webview().locator('#details').innerText().catch(() => '')).slice(0, 600),
    });
    assert.match(await input.innerText(), /cache write/);
    assert.match(await webview().locator('#details [data-fact="input-reading"]').innerText(), /reported 25 input tokens without cached ones/);
    await screenshot(page, shots, 'conv4-reading');
  }));

  it('5. the OpenAI Agents run shows the workflow, both agents, the hand-off, the tool and the answer', { timeout: 60_000 }, step('conv5-agents', async () => {
    await openTrace(AGENTS_TRACE_ID);
    await showTab('waterfall');
    const rows = await webview().locator('.row[data-span-id]').allInnerTexts();
    const text = rows.join('\n');
    for (const expected of ['Weather workflow (chat)', 'Triage', 'Weather agent', 'get_weather']) assert.ok(text.includes(expected), `no "${expected}" row: ${text}`);
    assert.ok(rows.some((r) => /handoff|hand-off|→/i.test(r)), `no hand-off row: ${text}`);
    await showTab('conversation');
    const conv = webview().locator('#conversation');
    await waitUntil(async () => /It is 18°C and sunny in Paris\./.test(await conv.innerText().catch(() => '')), {
      timeoutMs: 15_000,
      message: 'the Agents run conversation does not show the answer',
      describe: async () => (await conv.innerText().catch(() => '')).slice(0, 600),
    });
    assert.ok((await conv.locator('.conv-item[data-item="toolCall"]', { hasText: 'get_weather' }).count()) >= 1, 'no get_weather tool card');
    await screenshot(page, shots, 'conv5-agents');
  }));

  it('6. a Bedrock Converse call through OpenInference: the full model id, its price, and the tokens it does not itemize', { timeout: 60_000 }, step('conv6-bedrock', async () => {
    await postAndOpen(BEDROCK, 4, BEDROCK_TRACE_ID);
    const first = firstSpan(BEDROCK, 'bedrock.converse');
    await webview().locator(`.row[data-span-id="${first.spanId}"]`).click();
    const details = webview().locator('#details');
    await waitUntil(async () => (await details.locator('[data-fact="model"]').innerText().catch(() => '')).includes(BEDROCK_MODEL_ID), {
      timeoutMs: 10_000,
      message: `the details do not show the model ${BEDROCK_MODEL_ID}`,
      describe: async () => (await details.innerText().catch(() => '')).slice(0, 600),
    });
    const want = calcPrice({ input_tokens: 25, output_tokens: 40 }, BEDROCK_MODEL_ID, { providerId: 'aws', timestamp: startOf(first) }).total_price;
    const cost = await details.locator('[data-fact="cost"]').innerText();
    assert.match(cost, /^≥ \$/, `the cost is not shown as a lower bound: ${cost}`);
    assert.ok(sameAmount(dollars(cost), want), `the cost (${cost}) is not genai-prices' $${want} for 25 input and 40 output tokens`);
    assert.match(await details.locator('[data-fact="total-tokens"]').innerText(), /1,865[\s\S]*1,800 of them are reported as neither input nor output/);
    await screenshot(page, shots, 'conv6-bedrock');
  }));

  it('7. a Gemini 2.5 call through OpenLLMetry: output tokens with the thoughts, and genai-prices\' price', { timeout: 60_000 }, step('conv7-gemini', async () => {
    await postAndOpen(GEMINI, 5, GEMINI_TRACE_ID);
    const first = firstSpan(GEMINI, 'generate_content');
    await webview().locator(`.row[data-span-id="${first.spanId}"]`).click();
    const details = webview().locator('#details');
    const output = details.locator('[data-fact="output-tokens"]');
    await waitUntil(async () => /137/.test(await output.innerText().catch(() => '')), {
      timeoutMs: 10_000,
      message: 'the details do not show 137 output tokens (17 + 120 thoughts)',
      describe: async () => (await details.innerText().catch(() => '')).slice(0, 600),
    });
    assert.match(await details.locator('[data-fact="output-reading"]').innerText(), /reported 17 output tokens without reasoning/);
    const { usage } = extractUsage(findProvider({ providerId: 'google' }), { modelVersion: 'gemini-2.5-flash', usageMetadata: GEMINI_USAGE }, 'default');
    const want = calcPrice(usage, 'gemini-2.5-flash', { providerId: 'google', timestamp: startOf(first) }).total_price;
    const cost = await details.locator('[data-fact="cost"]').innerText();
    assert.ok(sameAmount(dollars(cost), want), `the cost (${cost}) is not genai-prices' $${want}`);
    await screenshot(page, shots, 'conv7-gemini');
  }));
});
