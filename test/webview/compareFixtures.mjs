// @ts-check
// Comparisons for the compare webview's checks, built by the real src/core/compare (bundled by the
// harness) from two hand-made runs shaped like the demo agent's weather and news scenarios
// (demo/agent/agent.mjs): different questions, a tool call more, a failing tool, a changed model
// parameter and tool definitions, spans added and with another status; `xss` puts markup in
// every text the view shows.
import { compareRuns } from '../../src/core/compare/compareRuns';
import { callSettings } from '../../src/core/compare/settings';

/** Markup that must be shown as text, never parsed. */
export const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

/** @typedef {import('../../src/model/genai').ConversationItem} ConversationItem */
/** @typedef {import('../../src/model/trace').TraceSummary} TraceSummary */
/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */

/**
 * @param {string} traceId
 * @param {string} question
 * @param {number} startMs
 * @param {number} costUsd
 * @param {number} tokens
 * @param {number} errorCount
 * @returns {TraceSummary}
 */
function summary(traceId, question, startMs, costUsd, tokens, errorCount) {
  const start = BigInt(Date.UTC(2025, 4, 6, 9, 30, 0) + startMs) * 1_000_000n;
  return {
    traceId, rootName: 'invoke_agent weather-assistant', hasRoot: true, serviceName: 'demo-agent', startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1_500_000_000n),
    durationMs: 1500 + startMs / 100, spanCount: 5, errorCount, updatedSeq: 1, agentName: 'weather-assistant', firstUserMessage: question,
    usage: { cost: { costUsd, isLowerBound: false, unpricedModels: [], reportedCount: 0, pricedCount: 2, unpricedCount: 0 }, tokens: { input: tokens - 40, output: 40, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: tokens }, modelCalls: 2 },
  };
}

/**
 * @param {string} spanId
 * @param {string | null} parentSpanId
 * @param {string} name
 * @param {'unset' | 'ok' | 'error'} [statusCode]
 * @returns {SkeletonSpan}
 */
const span = (spanId, parentSpanId, name, statusCode = 'unset') => ({ spanId, parentSpanId, name, kind: 'internal', statusCode, serviceName: 'demo-agent', startOffsetMs: 0, durationMs: 1, eventCount: 0, hasException: false });

/**
 * @param {string} id
 * @param {number} at
 * @param {string} input
 * @param {string} output
 * @param {number} tokens
 * @param {number} costUsd
 * @param {string} [system]
 * @returns {ConversationItem}
 */
function model(id, at, input, output, tokens, costUsd, system) {
  return {
    type: 'modelCall', spanId: id, startOffsetMs: at, durationMs: 400 + at / 10, model: 'gpt-4o-mini-2024-07-18', provider: 'openai',
    usage: { inputTokens: tokens - 20, outputTokens: 20 },
    cost: { status: 'priced', costUsd, breakdown: /** @type {any} */ ({}), rates: /** @type {any} */ ({}), model: 'gpt-4o-mini', source: 'genai-prices', pricedAs: 'openai/gpt-4o-mini' },
    newInputMessages: input ? [{ role: 'user', parts: [{ type: 'text', content: input }] }] : [],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: output }] }],
    ...(system ? { systemInstructions: [{ type: 'text', content: system }] } : {}),
  };
}

/**
 * @param {string} id
 * @param {number} at
 * @param {string} name
 * @param {unknown} args
 * @param {unknown} result
 * @param {string} [error]
 * @returns {ConversationItem}
 */
const tool = (id, at, name, args, result, error) => ({ type: 'toolCall', spanId: id, startOffsetMs: at, durationMs: 12, name, arguments: args, result, ...(error ? { error } : {}) });

const weatherTool = { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const weatherToolV2 = { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city, in Celsius.', parameters: { type: 'object', properties: { city: { type: 'string' }, units: { type: 'string' } } } } };
const stockTool = { type: 'function', function: { name: 'get_stock_price', description: 'Latest price of a stock.', parameters: { type: 'object', properties: { symbol: { type: 'string' } } } } };

/**
 * The comparison the fake host sends for `fixture` (`rich` | `xss` | `same`).
 * @param {string} fixture
 * @returns {import('../../src/model/compare').TraceComparison}
 */
export function makeCompareFixture(fixture) {
  const x = fixture === 'xss' ? HOSTILE : '';
  const system = 'You are a concise assistant. Use the tools to answer questions about weather and stocks.';
  const leftItems = [
    { type: /** @type {const} */ ('agent'), spanId: 'a000000000000001', startOffsetMs: 0, durationMs: 1500, agentName: 'weather-assistant' },
    model('a000000000000002', 5, `What is the weather in Paris right now?${x}`, '', 120, 0.000024, system),
    tool('a000000000000003', 420, 'get_weather', '{"city":"Paris"}', { temperature: 18, conditions: 'sunny' }),
    model('a000000000000004', 440, '', `It is 18°C and sunny in Paris.${x}`, 160, 0.000031),
  ];
  const left = {
    summary: summary('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', `What is the weather in Paris right now?${x}`, 0, 0.000055, 280, 0),
    conversation: { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', items: leftItems, contentMissingCount: 0 },
    spans: [span('a000000000000001', null, 'invoke_agent weather-assistant'), span('a000000000000002', 'a000000000000001', 'chat gpt-4o-mini'), span('a000000000000003', 'a000000000000001', 'execute_tool get_weather'), span('a000000000000004', 'a000000000000001', 'chat gpt-4o-mini')],
    calls: [callSettings({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.2 }, { kind: 'llm', conventions: ['otel-genai'], toolDefinitions: [weatherTool, stockTool] })],
  };
  if (fixture === 'same') return compareRuns(left, { ...left, summary: { ...left.summary, traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' } });
  const rightItems = [
    { type: /** @type {const} */ ('agent'), spanId: 'b000000000000001', startOffsetMs: 0, durationMs: 2100, agentName: 'weather-assistant' },
    model('b000000000000002', 5, `What is the weather in Berlin right now, and how is ACME stock doing?${x}`, '', 150, 0.000030, system),
    tool('b000000000000003', 430, 'get_weather', '{"city":"Berlin"}', { temperature: 12, conditions: 'rain' }),
    tool('b000000000000005', 445, 'get_stock_price', { symbol: 'ACME' }, undefined, `upstream quote service timed out${x}`),
    model('b000000000000004', 470, '', `It is 12°C and raining in Berlin; the ACME quote is not available.${x}`, 210, 0.000044),
  ];
  const right = {
    summary: summary('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', `What is the weather in Berlin right now, and how is ACME stock doing?${x}`, 60_000, 0.000074, 360, 1),
    conversation: { traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', items: rightItems, contentMissingCount: 0 },
    spans: [span('b000000000000001', null, 'invoke_agent weather-assistant', 'ok'), span('b000000000000002', 'b000000000000001', 'chat gpt-4o-mini'), span('b000000000000003', 'b000000000000001', 'execute_tool get_weather'), span('b000000000000005', 'b000000000000001', 'execute_tool get_stock_price', 'error'), span('b000000000000004', 'b000000000000001', 'chat gpt-4o-mini')],
    calls: [callSettings({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.7 }, { kind: 'llm', conventions: ['otel-genai'], toolDefinitions: [weatherToolV2, stockTool] })],
  };
  return compareRuns(left, right);
}
