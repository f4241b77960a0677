// @ts-check
// Agent graphs of the harness's fixture traces, made by the extension's own graph builder
// (src/core/graph, bundled by esbuild for the page and for Node) from the fixtures' spans, GenAI
// views and the real prices (computeTraceUsage + the bundled price data), as the back end would
// answer `traceGraph` / `sessionGraph`. The session of a fixture is two runs of it: the fixture
// itself (the focus trace) and a copy under another trace id.
//
// Also the "handoff" trace (makeHandoffTrace): an OpenAI Agents SDK-shaped support run — Triage
// hands off to Billing, Billing calls `refund` three times (the second fails) and hands back,
// Triage answers — with views and badges made by the extension's own normalizer.
import { AgentGraphBuilder } from '../../src/core/graph/buildGraph.ts';
import { computeTraceUsage } from '../../src/core/usage/traceUsage.ts';
import { createPricer } from '../../src/core/pricing/priceCall.ts';
import { normalizeSpan } from '../../src/core/genai/normalize.ts';
import { genaiBadge } from '../../src/core/genai/badge.ts';
import { buildConversation } from '../../src/core/genai/conversation.ts';
import { build } from './fixtures.mjs';

/** @typedef {import('./fixtures.mjs').TraceFixture} TraceFixture */
/** @typedef {import('../../src/core/diagnostics/analysis').RunInput} RunInput */
/** @typedef {import('../../src/core/diagnostics/analysis').RunSpan} RunSpan */
/** @typedef {import('../../src/model/agentGraph').AgentGraph} AgentGraph */

/** The trace id of the copy that makes a fixture's session. */
export const SESSION_COPY_TRACE_ID = 'feedfacefeedfacefeedfacefeedface';

/**
 * A fixture trace as the detectors' and the graph's input (src/core/diagnostics/analysis.ts).
 * @param {TraceFixture} fixture
 * @param {string} [traceId]
 * @returns {RunInput}
 */
export function fixtureRun(fixture, traceId = fixture.skeleton.traceId) {
  const skeleton = { ...fixture.skeleton, traceId };
  const views = skeleton.spans.map((s) => ({ spanId: s.spanId, view: fixture.detail(s.spanId)?.genai ?? null }));
  const usage = computeTraceUsage(skeleton, views, createPricer([]));
  /** @type {RunSpan[]} */
  const spans = skeleton.spans.map((s, i) => {
    const detail = fixture.detail(s.spanId);
    /** @type {RunSpan} */
    const span = { spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, startOffsetMs: s.startOffsetMs, durationMs: s.durationMs, statusCode: s.statusCode, view: views[i]?.view ?? null };
    if (detail) span.events = detail.span.events.map((e) => ({ name: e.name, attributes: e.attributes }));
    const cost = usage.spanCosts.get(s.spanId);
    if (cost) span.cost = cost;
    return span;
  });
  return { traceId, serviceName: fixture.summary.serviceName, rootName: fixture.summary.rootName, durationMs: skeleton.durationMs, complete: true, spans };
}

/**
 * The graph of a fixture trace, or of its session (two runs; span ids of the fixture's own trace).
 * @param {TraceFixture} fixture
 * @param {'trace' | 'session'} scope
 * @param {string} [sessionId]
 * @returns {AgentGraph}
 */
export function fixtureGraph(fixture, scope, sessionId = 'session-1') {
  const traceId = fixture.skeleton.traceId;
  const builder = new AgentGraphBuilder(traceId);
  if (scope === 'session') builder.addRun(fixtureRun(fixture, SESSION_COPY_TRACE_ID));
  builder.addRun(fixtureRun(fixture));
  return builder.build(scope === 'session' ? { kind: 'session', sessionId } : { kind: 'trace', traceId });
}

export const HANDOFF_TRACE_ID = '0ff10ad00ff10ad00ff10ad00ff10ad0';
/** Span ids of the hand-off trace by role. */
export const HANDOFF_SPANS = {
  root: 'ab00000000000001',
  triage1: 'ab00000000000002',
  triageChat1: 'ab00000000000003',
  handoff1: 'ab00000000000004',
  billing: 'ab00000000000005',
  billingChat1: 'ab00000000000006',
  refund1: 'ab00000000000007',
  billingChat2: 'ab00000000000008',
  refund2: 'ab00000000000009',
  billingChat3: 'ab0000000000000a',
  refund3: 'ab0000000000000b',
  billingChat4: 'ab0000000000000c',
  handoff2: 'ab0000000000000d',
  triage2: 'ab0000000000000e',
  triageChat2: 'ab0000000000000f',
};

/** @returns {TraceFixture} */
export function makeHandoffTrace() {
  const S = HANDOFF_SPANS;
  const BASE = 1732198765123456789n;
  /** @param {number} ms */
  const nano = (ms) => (BASE + BigInt(Math.round(ms * 1e6))).toString();
  /**
   * @param {string} spanId
   * @param {string | null} parent
   * @param {string} name
   * @param {number} start
   * @param {number} dur
   * @param {import('../../src/model/trace').Attributes} attributes
   * @param {boolean} [error]
   * @returns {import('../../src/model/trace').SpanRecord}
   */
  const span = (spanId, parent, name, start, dur, attributes, error = false) => ({
    traceId: HANDOFF_TRACE_ID, spanId, parentSpanId: parent, traceState: '', flags: 1, name, kind: attributes['gen_ai.operation.name'] === 'chat' ? 'client' : 'internal',
    startTimeUnixNano: nano(start), endTimeUnixNano: nano(start + dur), attributes,
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: error ? { code: 'error', message: 'refund service timed out' } : { code: 'unset', message: '' },
    resource: { attributes: { 'service.name': 'support-bot' }, droppedAttributesCount: 0, schemaUrl: '' },
    scope: { name: 'openai-agents', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  });
  /** @param {string} agent */
  const agent = (agent) => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent });
  /** @param {number} input @param {number} output */
  const chat = (input, output) => ({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4.1-mini', 'gen_ai.response.model': 'gpt-4.1-mini-2025-04-14', 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output });
  /** @param {number} order */
  const refund = (order) => ({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'refund', 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.arguments': JSON.stringify({ order }) });
  const records = [
    span(S.root, null, 'Support workflow', 0, 9000, { 'openai.agents.trace.name': 'Support workflow' }),
    span(S.triage1, S.root, 'invoke_agent Triage', 10, 1200, agent('Triage')),
    span(S.triageChat1, S.triage1, 'chat gpt-4.1-mini', 20, 900, chat(420, 18)),
    span(S.handoff1, S.triage1, 'handoff Triage -> Billing', 1000, 2, {}),
    span(S.billing, S.root, 'invoke_agent Billing', 1220, 6000, agent('Billing')),
    span(S.billingChat1, S.billing, 'chat gpt-4.1-mini', 1230, 1100, chat(610, 25)),
    span(S.refund1, S.billing, 'execute_tool refund', 2400, 700, refund(1001)),
    span(S.billingChat2, S.billing, 'chat gpt-4.1-mini', 3150, 800, chat(700, 24)),
    span(S.refund2, S.billing, 'execute_tool refund', 4000, 1500, refund(1002), true),
    span(S.billingChat3, S.billing, 'chat gpt-4.1-mini', 5550, 700, chat(820, 22)),
    span(S.refund3, S.billing, 'execute_tool refund', 6300, 400, refund(1002)),
    span(S.billingChat4, S.billing, 'chat gpt-4.1-mini', 6750, 400, chat(900, 30)),
    span(S.handoff2, S.billing, 'handoff Billing -> Triage', 7190, 2, {}),
    span(S.triage2, S.root, 'invoke_agent Triage', 7240, 1700, agent('Triage')),
    span(S.triageChat2, S.triage2, 'chat gpt-4.1-mini', 7250, 1600, chat(980, 64)),
  ];
  const start = BigInt(records[0].startTimeUnixNano);
  const spans = records.map((r) => ({
    span: r,
    logs: [],
    view: normalizeSpan(r),
    startOffsetMs: Number(BigInt(r.startTimeUnixNano) - start) / 1e6,
    durationMs: Number(BigInt(r.endTimeUnixNano) - BigInt(r.startTimeUnixNano)) / 1e6,
  }));
  /** @type {import('./fixtures.mjs').FixtureGenAi} */
  const genai = { views: {}, badges: {}, conversation: buildConversation(HANDOFF_TRACE_ID, spans) };
  for (const s of spans) {
    if (s.view) genai.views[s.span.spanId] = s.view;
    const badge = genaiBadge(s.span);
    if (badge) genai.badges[s.span.spanId] = badge;
  }
  return build(HANDOFF_TRACE_ID, records, {}, genai);
}
