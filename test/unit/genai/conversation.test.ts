/** buildConversation on synthetic spans: history dedup, parallel conversations, tools, agents, errors. */
import { describe, expect, it } from 'vitest';
import { buildConversation, type ConversationSpan } from '../../../src/core/genai/conversation';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import type { Attributes, SpanRecord } from '../../../src/model/trace';
import { exceptionEvent, nanos, scopeInfo, spanId, spanRecord, traceId } from '../../support/builders';
import { summarize } from '../../support/genai';

const TRACE = traceId(7);

function at(startMs: number, durationMs: number, attributes: Attributes, extra: Partial<SpanRecord> = {}): ConversationSpan {
  const span = spanRecord({ traceId: TRACE, spanId: spanId(), name: 'op', startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(startMs + durationMs), attributes, ...extra });
  return { span, logs: [], view: normalizeSpan(span), startOffsetMs: startMs, durationMs };
}

const msg = (role: string, text: string) => ({ role, parts: [{ type: 'text', content: text }] });
const chat = (startMs: number, input: unknown[], output: unknown[], system?: string, extra: Attributes = {}) =>
  at(startMs, 10, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'm',
    'gen_ai.input.messages': JSON.stringify(input),
    'gen_ai.output.messages': JSON.stringify(output),
    ...(system ? { 'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: system }]) } : {}),
    ...extra,
  });

function modelCalls(spans: ConversationSpan[]) {
  return buildConversation(TRACE, spans).items.flatMap((i) => (i.type === 'modelCall' ? [{ new: summarize(i.newInputMessages), out: summarize(i.outputMessages), system: !!i.systemInstructions }] : []));
}

describe('buildConversation', () => {
  it('shows only the input messages that are new since the previous call of an agent loop', () => {
    const u1 = msg('user', 'q1');
    const a1 = msg('assistant', 'a1');
    const u2 = msg('user', 'q2');
    const a2 = msg('assistant', 'a2');
    const u3 = msg('user', 'q3');
    const calls = modelCalls([
      chat(0, [u1], [a1], 'sys'),
      chat(20, [u1, a1, u2], [a2], 'sys'),
      chat(40, [u1, a1, u2, a2, u3], [msg('assistant', 'a3')], 'sys'),
    ]);
    expect(calls).toEqual([
      { new: ['user: q1'], out: ['assistant: a1'], system: true },
      { new: ['user: q2'], out: ['assistant: a2'], system: false },
      { new: ['user: q3'], out: ['assistant: a3'], system: false },
    ]);
  });

  it('keeps interleaved conversations (two agents) apart and shows changed system instructions again', () => {
    const calls = modelCalls([
      chat(0, [msg('user', 'plan')], [msg('assistant', 'p1')], 'planner'),
      chat(5, [msg('user', 'research')], [msg('assistant', 'r1')], 'researcher'),
      chat(10, [msg('user', 'plan'), msg('assistant', 'p1'), msg('user', 'more')], [msg('assistant', 'p2')], 'planner v2'),
      chat(15, [msg('user', 'research'), msg('assistant', 'r1'), msg('user', 'deeper')], [msg('assistant', 'r2')], 'researcher'),
    ]);
    expect(calls).toEqual([
      { new: ['user: plan'], out: ['assistant: p1'], system: true },
      { new: ['user: research'], out: ['assistant: r1'], system: true },
      { new: ['user: more'], out: ['assistant: p2'], system: true },
      { new: ['user: deeper'], out: ['assistant: r2'], system: false },
    ]);
  });

  it('a resent assistant tool call matches the earlier output whatever the argument encoding', () => {
    const call = { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: { a: 1 } }] };
    const resent = { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: '{"a":1}' }] };
    const result = { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'ok' }] };
    expect(modelCalls([chat(0, [msg('user', 'go')], [{ ...call, finish_reason: 'tool_call' }]), chat(30, [msg('user', 'go'), resent, result], [msg('assistant', 'done')])])).toEqual([
      { new: ['user: go'], out: ['assistant: tool_call f(c1) {"a":1}'], system: false },
      { new: ['tool: tool_result(c1) ok'], out: ['assistant: done'], system: false },
    ]);
  });

  it('tool spans without call id or arguments are completed from the matching tool_call part and result', () => {
    const call = { role: 'assistant', parts: [{ type: 'tool_call', id: 'c9', name: 'lookup', arguments: '{"k":"v"}' }] };
    const items = buildConversation(TRACE, [
      chat(0, [msg('user', 'go')], [call]),
      at(12, 3, { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'lookup' }),
      chat(20, [msg('user', 'go'), call, { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c9', response: 'value' }] }], [msg('assistant', 'ok')]),
    ]).items;
    expect(items[1]).toEqual({ type: 'toolCall', spanId: expect.any(String), startOffsetMs: 12, durationMs: 3, name: 'lookup', callId: 'c9', arguments: '{"k":"v"}', result: 'value' });
  });

  it('agents, errors, content-missing calls; non-GenAI spans ignored; outer Vercel span kept when alone', () => {
    const failing = at(5, 1, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'boom' }, { status: { code: 'error', message: '' }, events: [exceptionEvent('tool exploded')] });
    const conv = buildConversation(TRACE, [
      at(0, 100, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper' }, { status: { code: 'error', message: 'agent failed' } }),
      failing,
      at(6, 1, { 'http.route': '/x' }),
      at(10, 5, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt', 'gen_ai.usage.input_tokens': 3 }),
      at(20, 5, { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt', 'ai.response.text': 'alone' }, { scope: scopeInfo({ name: 'ai' }) }),
    ]);
    expect(conv.items.map((i) => i.type)).toEqual(['agent', 'toolCall', 'modelCall', 'modelCall']);
    expect(conv.items[0]).toMatchObject({ agentName: 'helper', error: 'agent failed' });
    expect(conv.items[1]).toMatchObject({ name: 'boom', error: 'tool exploded' });
    expect(conv.items[2]).toMatchObject({ model: 'gpt', contentMissing: true, contentCaptureHint: expect.stringContaining('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT') });
    expect(conv.contentMissingCount).toBe(1);
    const alone = conv.items[3]!;
    expect(alone.type === 'modelCall' ? summarize(alone.outputMessages) : []).toEqual(['assistant: alone']);
    expect(JSON.parse(JSON.stringify(conv))).toEqual(conv); // JSON-safe
  });

  it('orders by start time, outer (longer) span first on ties', () => {
    const agent = at(0, 100, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a' });
    const first = chat(0, [msg('user', 'x')], [msg('assistant', 'y')]);
    expect(buildConversation(TRACE, [first, agent]).items.map((i) => i.type)).toEqual(['agent', 'modelCall']);
  });
});

describe('tool calls sit between the call that requested them and the call that consumed them', () => {
  const q = msg('user', 'Weather in Paris?');
  const ask = { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] };
  const result = { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { temperature_c: 18 } }] };
  const answer = msg('assistant', 'It is 18°C.');
  const tool = (startMs: number, attrs: Attributes = {}) =>
    at(startMs, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.call.result': '{"temperature_c":18}', ...attrs });
  const order = (spans: ConversationSpan[]) =>
    buildConversation(TRACE, spans).items.map((i) => (i.type === 'modelCall' ? `model new=[${summarize(i.newInputMessages).join(' | ')}]` : i.type === 'toolCall' ? `tool ${i.name}` : i.type));

  it('a tool span recorded after the answer (clock skew, late end) is shown before the call that used its result', () => {
    expect(order([chat(0, [q], [ask]), chat(20, [q, ask, result], [answer]), tool(30)])).toEqual(['model new=[user: Weather in Paris?]', 'tool get_weather', 'model new=[]']);
  });

  it('a tool span stamped before its request is shown right after the call that requested it', () => {
    expect(order([tool(-5), chat(0, [q], [ask]), chat(20, [q, ask, result], [answer])])).toEqual(['model new=[user: Weather in Paris?]', 'tool get_weather', 'model new=[]']);
  });

  it('the tool result shown in the card is not repeated as a bubble; other new input stays', () => {
    const more = msg('user', 'And tomorrow?');
    expect(order([chat(0, [q], [ask]), tool(5), chat(20, [q, ask, result, more], [answer])])).toEqual([
      'model new=[user: Weather in Paris?]',
      'tool get_weather',
      'model new=[user: And tomorrow?]',
    ]);
  });

  it('without call ids, a tool message whose text equals the card result is dropped', () => {
    const askNoId = { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }] };
    const resultText = msg('tool', '{"temperature_c": 18}');
    const noIdTool = at(5, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.result': '{"temperature_c":18}' });
    expect(order([chat(0, [q], [askNoId]), noIdTool, chat(20, [q, askNoId, resultText], [answer])])).toEqual(['model new=[user: Weather in Paris?]', 'tool get_weather', 'model new=[]']);
  });

  it('a tool call without a card result leaves the tool message in place', () => {
    const noResult = at(5, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'other' });
    const items = buildConversation(TRACE, [chat(0, [q], [msg('assistant', 'hmm')]), noResult, chat(20, [q, msg('assistant', 'hmm'), result], [answer])]).items;
    const last = items[items.length - 1]!;
    expect(last.type === 'modelCall' && summarize(last.newInputMessages)).toEqual(['tool: tool_result(call_1) {"temperature_c":18}']);
  });
});
