// @ts-check
// The "conventions" trace of the webview harness: an agent whose model call sends an image (OTel
// `blob` part with a real PNG, and an https `uri` part), calls an MCP tool (the client and server
// spans of the OTel MCP conventions' tool-call example, docs/gen-ai/mcp.md), passes a Bedrock
// guardrail (docs/gen-ai/gen-ai-guardrails.md §Examples) and answers; the answer carries a
// `gen_ai.evaluation.result` span event (docs/gen-ai/gen-ai-events.md) and a remote
// `gen_ai.system_instructions_ref`. Unlike fixtures.mjs, its GenAI views, badges and conversation
// are made by the extension's own normalizer and conversation builder (src/core/genai, bundled by
// esbuild for the page and for Node), so the checks see what the back end would send.
import { normalizeSpan } from '../../src/core/genai/normalize.ts';
import { genaiBadge } from '../../src/core/genai/badge.ts';
import { buildConversation } from '../../src/core/genai/conversation.ts';
import { build } from './fixtures.mjs';

/** @typedef {import('../../src/model/trace').SpanRecord} SpanRecord */
/** @typedef {import('../../src/model/trace').Attributes} Attributes */
/** @typedef {import('./fixtures.mjs').FixtureGenAi} FixtureGenAi */

/** A 96×64 PNG (sky over grass), base64: 258 bytes. */
export const PNG_IMAGE = 'iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAAyUlEQVR42u3Qx1FDAQBDQRXGmSJUE2dwAJxtMg6AoSHVQQf6BfjNbAUr3waFKBgKugsKeRQU8jgo5ElQyNOgkO+DQn4ICvkxKORZUMjzoJAXQSEvg0JeBYW8Dgp5ExQEDQZtg0LeBYX8FBTyc1DIL0EhvwaF/BYU8ntQyB9BIX8GhbwPCvkQFPIxKORTUMhfQUHQYNB3UMg/QSGfg0L+DQr5Lyh0dXONgiCCCCKIIIIIIoggEEQQQQQRRBBBBIEggggiiCCCCLoE/8JWvEzcDjkUAAAAAElFTkSuQmCC';
export const EVAL_EXPLANATION = 'The response is factually accurate but lacks sufficient detail to fully address the question.';
export const CONVENTIONS_TRACE_ID = '5c0ffee15c0ffee15c0ffee15c0ffee1';
/** Span ids by role. */
export const CONVENTION_SPANS = {
  agent: 'c0c0000000000001',
  chat1: 'c0c0000000000002',
  mcpClient: 'c0c0000000000003',
  mcpServer: 'c0c0000000000004',
  guardrail: 'c0c0000000000005',
  chat2: 'c0c0000000000006',
};

const BASE = 1732198765123456789n;
/** @param {number} ms */
const nano = (ms) => (BASE + BigInt(Math.round(ms * 1e6))).toString();
/** @param {string} name @returns {import('../../src/model/trace').ResourceInfo} */
const resource = (name) => ({ attributes: { 'service.name': name }, droppedAttributesCount: 0, schemaUrl: '' });
/** @param {string} name @returns {import('../../src/model/trace').ScopeInfo} */
const scope = (name) => ({ name, version: '1.0.0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' });

/**
 * @param {string} spanId
 * @param {string | null} parent
 * @param {string} name
 * @param {SpanRecord['kind']} kind
 * @param {number} start
 * @param {number} dur
 * @param {Attributes} attributes
 * @param {Partial<SpanRecord>} [extra]
 * @returns {SpanRecord}
 */
function span(spanId, parent, name, kind, start, dur, attributes, extra = {}) {
  return {
    traceId: CONVENTIONS_TRACE_ID, spanId, parentSpanId: parent, traceState: '', flags: 1, name, kind,
    startTimeUnixNano: nano(start), endTimeUnixNano: nano(start + dur), attributes,
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 'unset', message: '' }, resource: resource('weather-agent'), scope: scope('weather_agent'),
    ...extra,
  };
}

export function makeConventionsTrace() {
  const S = CONVENTION_SPANS;
  const user = { role: 'user', parts: [
    { type: 'text', content: 'What is the weather where this photo was taken?' },
    { type: 'blob', modality: 'image', mime_type: 'image/png', content: PNG_IMAGE },
    { type: 'uri', modality: 'image', mime_type: 'image/jpeg', uri: 'https://example.invalid/photos/eiffel.jpg' },
  ] };
  const call = { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_mcp1', name: 'get-weather', arguments: { location: 'Paris' } }], finish_reason: 'tool_call' };
  const toolMsg = { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_mcp1', response: { conditions: 'sunny' } }] };
  const answer = { role: 'assistant', parts: [{ type: 'text', content: 'The photo shows Paris: it is **sunny** there now.' }], finish_reason: 'stop' };
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' };
  const mcp = {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get-weather',
    'jsonrpc.request.id': '3',
    'mcp.method.name': 'tools/call',
    'mcp.session.id': '8267461134f24305af708e66b8eda71a',
    'mcp.protocol.version': '2025-06-18',
    'network.transport': 'pipe',
    // Structured values (an OTLP kvlist decodes to an object).
    'gen_ai.tool.call.arguments': { location: 'San Francisco?', date: '2025-10-01' },
    'gen_ai.tool.call.result': { temperature_range: { high: 75, low: 60 }, conditions: 'sunny' },
  };
  /** @type {SpanRecord[]} */
  const records = [
    span(S.agent, null, 'invoke_agent weather-forecast-agent', 'internal', 0, 3000, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather-forecast-agent' }),
    span(S.chat1, S.agent, 'chat gpt-4o', 'client', 10, 900, {
      ...chat, 'gen_ai.usage.input_tokens': 812, 'gen_ai.usage.output_tokens': 21,
      'gen_ai.input.messages': JSON.stringify([user]), 'gen_ai.output.messages': JSON.stringify([call]),
    }),
    span(S.mcpClient, S.agent, 'tools/call get-weather', 'client', 950, 400, mcp),
    span(S.mcpServer, S.mcpClient, 'tools/call get-weather', 'server', 980, 340, mcp, { resource: resource('weather-mcp-server'), scope: scope('mcp-server') }),
    span(S.guardrail, S.agent, 'apply_guardrail Amazon Bedrock Guardrails', 'client', 1400, 200, {
      'gen_ai.operation.name': 'apply_guardrail',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.guardrail.component.name': 'Amazon Bedrock Guardrails',
      'gen_ai.guardrail.policy.id': 'gr-abc123',
      'gen_ai.guardrail.policy.version': '1',
      'gen_ai.guardrail.source': 'OUTPUT',
      'gen_ai.guardrail.result.type': 'action',
      'gen_ai.guardrail.result.value': 'NONE',
    }, {
      events: [{ name: 'gen_ai.guardrail.result', timeUnixNano: nano(1590), droppedAttributesCount: 0, attributes: {
        'gen_ai.guardrail.result.type': 'filter_match_state', 'gen_ai.guardrail.result.value': 'NO_MATCH', 'gen_ai.guardrail.risk.category': 'PROMPT_ATTACK', 'gen_ai.guardrail.risk.score': 0.02,
      } }],
    }),
    span(S.chat2, S.agent, 'chat gpt-4o', 'client', 1650, 1200, {
      ...chat, 'gen_ai.response.id': 'chatcmpl-123', 'gen_ai.usage.input_tokens': 901, 'gen_ai.usage.output_tokens': 17,
      'gen_ai.input.messages': JSON.stringify([user, call, toolMsg]), 'gen_ai.output.messages': JSON.stringify([answer]),
      'gen_ai.system_instructions_ref': 'gs://telemetry-bucket/2026-06-30/abc_system_instruction.json',
    }, {
      events: [{ name: 'gen_ai.evaluation.result', timeUnixNano: nano(2860), droppedAttributesCount: 0, attributes: {
        'gen_ai.evaluation.name': 'Relevance', 'gen_ai.evaluation.score.value': 4.0, 'gen_ai.evaluation.score.label': 'relevant',
        'gen_ai.evaluation.explanation': EVAL_EXPLANATION, 'gen_ai.response.id': 'chatcmpl-123',
      } }],
    }),
  ];
  const start = BigInt(records[0].startTimeUnixNano);
  const spans = records.map((r) => ({
    span: r,
    logs: [],
    view: normalizeSpan(r),
    startOffsetMs: Number(BigInt(r.startTimeUnixNano) - start) / 1e6,
    durationMs: Number(BigInt(r.endTimeUnixNano) - BigInt(r.startTimeUnixNano)) / 1e6,
  }));
  /** @type {FixtureGenAi} */
  const genai = { views: {}, badges: {}, conversation: buildConversation(CONVENTIONS_TRACE_ID, spans) };
  for (const s of spans) {
    if (s.view) genai.views[s.span.spanId] = s.view;
    const badge = genaiBadge(s.span);
    if (badge) genai.badges[s.span.spanId] = badge;
  }
  return build(CONVENTIONS_TRACE_ID, records, {}, genai);
}
