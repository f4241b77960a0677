/**
 * The OpenAI Agents SDK tracing format → spans (src/core/otlp/openaiAgents.ts), on bodies the
 * SDK's own exporter sent (test/fixtures/openai-agents, captured by `capture/capture.mjs` from
 * `@openai/agents` 0.20 against a stand-in OpenAI API). Expected values come from what the
 * stand-in answered (`stand-in.json`), what the capture script configured (agents, tool, guardrail,
 * trace options), the fixture's own times, and the SDK's source for shapes the JS run does not
 * produce (Python `span_data.py` / `spans.py` exports).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAiAgentsTraceBook, agentsRootSpanId, agentsSpanId, decodeOpenAiAgents } from '../../../src/core/otlp/openaiAgents';
import { parseIsoTimeToUnixNano } from '../../../src/core/otlp/isoTime';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import type { SpanRecord } from '../../../src/model/trace';

const DIR = join(__dirname, '..', '..', 'fixtures', 'openai-agents');
const STAND_IN = JSON.parse(readFileSync(join(DIR, 'stand-in.json'), 'utf8')) as {
  model: string;
  usage: Record<'handoff' | 'tool' | 'final', { input_tokens: number; output_tokens: number; cached: number; reasoning: number }>;
  weatherArgs: string;
  finalText: string;
  answered: Record<string, { path: string; step: 'handoff' | 'tool' | 'final'; response: { id: string; model: string } }[]>;
};
type Item = Record<string, unknown> & { object: string; id: string; parent_id?: string | null; started_at?: string; ended_at?: string; span_data?: Record<string, unknown> };

function body(file: string): Uint8Array {
  return readFileSync(join(DIR, file));
}
function items(file: string): Item[] {
  return (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { data: Item[] }).data;
}
function batch(data: unknown[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ data }));
}
/** Decodes the run's recorded requests in order with one trace book; the last version of each span wins (as in the store). */
function decodeRun(run: string, book = new OpenAiAgentsTraceBook()): { spans: Map<string, SpanRecord>; rejected: number } {
  const spans = new Map<string, SpanRecord>();
  let rejected = 0;
  for (let n = 1; ; n++) {
    let raw: Uint8Array;
    try {
      raw = body(`${run}.${n}.ingest.json`);
    } catch {
      break;
    }
    const r = decodeOpenAiAgents(raw, book);
    if (!r.ok) throw new Error(r.message);
    rejected += r.rejected;
    for (const s of r.items) spans.set(s.spanId, s);
  }
  return { spans, rejected };
}
function allItems(run: string): Item[] {
  const out: Item[] = [];
  for (let n = 1; ; n++) {
    try {
      out.push(...items(`${run}.${n}.ingest.json`));
    } catch {
      return out;
    }
  }
}
const bySdkId = (spans: Map<string, SpanRecord>, id: string) => [...spans.values()].find((s) => s.attributes['openai.agents.span_id'] === id);
const ofType = (spans: Map<string, SpanRecord>, type: string) => [...spans.values()].filter((s) => s.attributes['openai.agents.span_data.type'] === type);
const nanos = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe('OpenAI Agents SDK export (JS 0.20, Responses API run, 3 requests)', () => {
  const all = allItems('responses');
  const trace = all.find((i) => i.object === 'trace')!;
  const { spans, rejected } = decodeRun('responses');
  const root = [...spans.values()].find((s) => s.parentSpanId === null)!;

  it('keeps every span and adds one root named after the workflow, with the group as the session', () => {
    expect(rejected).toBe(0);
    expect(spans.size).toBe(all.length); // 13 spans + the root for the trace object
    expect(root.name).toBe('Weather workflow (responses)');
    expect(root.attributes['gen_ai.operation.name']).toBe('invoke_workflow');
    expect(root.attributes['gen_ai.conversation.id']).toBe('conversation-7');
    expect(JSON.parse(root.attributes['openai.agents.trace.metadata'] as string)).toEqual({ customer: 'acme', run: 'responses' });
    expect(root.traceId).toBe(trace.id.slice('trace_'.length));
    for (const s of spans.values()) expect(s.traceId).toBe(root.traceId);
  });

  it('derives span ids as documented (SHA-256) and keeps every parent link across the requests', () => {
    const sha = (text: string, bytes: number) => createHash('sha256').update(text).digest('hex').slice(0, bytes * 2);
    expect(root.spanId).toBe(sha(`root:${root.traceId}`, 8));
    for (const item of all.filter((i) => i.object === 'trace.span')) {
      const span = bySdkId(spans, item.id)!;
      expect(span.spanId).toBe(sha(item.id, 8));
      const parent = item.parent_id ? bySdkId(spans, item.parent_id)! : root;
      expect(span.parentSpanId).toBe(parent.spanId);
    }
  });

  it('spans the root from the earliest start to the latest end of the trace spans', () => {
    const spanItems = all.filter((i) => i.object === 'trace.span');
    const start = spanItems.map((i) => nanos(i.started_at!)).reduce((a, b) => (b < a ? b : a));
    const end = spanItems.map((i) => nanos(i.ended_at!)).reduce((a, b) => (b > a ? b : a));
    expect(root.startTimeUnixNano).toBe(String(start));
    expect(root.endTimeUnixNano).toBe(String(end));
  });

  it('maps response spans to model calls with the response ids the API returned, and says their content is not exported', () => {
    const responses = ofType(spans, 'response');
    expect(responses.map((s) => s.attributes['gen_ai.response.id']).sort()).toEqual(STAND_IN.answered.responses.map((a) => a.response.id).sort());
    for (const s of responses) {
      expect(s.kind).toBe('client');
      expect(s.attributes['gen_ai.operation.name']).toBe('chat');
      expect(s.attributes['trace_lens.openai_agents.note']).toMatch(/no prompt or output/);
      // The JS SDK's response span data is {type, response_id} (spans.ts: _input/_response are private).
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    }
  });

  it('maps agents, the handoff, the tool call, the guardrail and the custom span', () => {
    const triage = ofType(spans, 'agent').find((s) => s.attributes['gen_ai.agent.name'] === 'Triage')!;
    expect(triage.name).toBe('invoke_agent Triage');
    expect(triage.attributes['openai.agents.span_data.handoffs']).toEqual(['Weather agent']);
    const weather = ofType(spans, 'agent').find((s) => s.attributes['gen_ai.agent.name'] === 'Weather agent')!;
    expect(weather.attributes['openai.agents.span_data.tools']).toEqual(['get_weather']);
    expect(weather.attributes['openai.agents.span_data.output_type']).toBe('text');

    const [handoff] = ofType(spans, 'handoff');
    expect(handoff!.name).toBe('handoff Triage -> Weather agent');
    expect(handoff!.attributes['openai.agents.span_data.from_agent']).toBe('Triage');
    expect(handoff!.attributes['openai.agents.span_data.to_agent']).toBe('Weather agent');

    const [fn] = ofType(spans, 'function');
    expect(fn!.name).toBe('execute_tool get_weather');
    expect(fn!.attributes['gen_ai.tool.name']).toBe('get_weather');
    expect(fn!.attributes['gen_ai.tool.call.arguments']).toBe(STAND_IN.weatherArgs);
    expect(JSON.parse(fn!.attributes['gen_ai.tool.call.result'] as string)).toEqual({ city: 'Paris', temperature_c: 18, condition: 'sunny' });

    const [guardrail] = ofType(spans, 'guardrail');
    expect(guardrail!.name).toBe('guardrail weather_topic');
    expect(guardrail!.attributes['openai.agents.span_data.triggered']).toBe(false);
    expect(normalizeSpan(guardrail!)?.kind).toBe('guardrail');

    const custom = ofType(spans, 'custom').find((s) => s.name === 'load_user_preferences')!;
    expect(JSON.parse(custom.attributes['openai.agents.span_data.data'] as string)).toEqual({ user: 'u-42', units: 'metric', cache: 'miss' });
    // task/turn usage repeats the calls' usage: kept as data, never as gen_ai.usage.*.
    const task = ofType(spans, 'custom').find((s) => s.name === 'task')!;
    expect(task.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    const u = STAND_IN.usage;
    expect(JSON.parse(task.attributes['openai.agents.span_data.data'] as string).usage.input_tokens).toBe(u.handoff.input_tokens + u.tool.input_tokens + u.final.input_tokens);
  });
});

describe('OpenAI Agents SDK export (JS 0.20, Chat Completions run)', () => {
  const { spans } = decodeRun('chat');
  const calls = ofType(spans, 'generation').sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  const answered = STAND_IN.answered.chat;

  it('maps each generation to a chat call with the usage, ids and model the API returned', () => {
    expect(calls).toHaveLength(answered.length);
    calls.forEach((call, i) => {
      const a = answered[i]!;
      const u = STAND_IN.usage[a.step];
      expect(call.name).toBe(`chat ${STAND_IN.model}`);
      expect(call.kind).toBe('client');
      expect(call.attributes['gen_ai.request.model']).toBe(STAND_IN.model);
      expect(call.attributes['gen_ai.response.model']).toBe(a.response.model);
      expect(call.attributes['gen_ai.response.id']).toBe(a.response.id);
      expect(call.attributes['gen_ai.usage.input_tokens']).toBe(u.input_tokens);
      expect(call.attributes['gen_ai.usage.output_tokens']).toBe(u.output_tokens);
      expect(call.attributes['gen_ai.usage.total_tokens']).toBe(u.input_tokens + u.output_tokens);
      expect(call.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(u.cached);
      expect(call.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(u.reasoning);
      expect(call.attributes['gen_ai.response.finish_reasons']).toEqual([a.step === 'final' ? 'stop' : 'tool_calls']);
      // What the conversion did not take stays: the completion's created time, fingerprint, choice index.
      const rest = JSON.parse(call.attributes['openai.agents.span_data.output'] as string) as Record<string, unknown>[];
      expect(rest[0]).toMatchObject({ object: 'chat.completion', system_fingerprint: 'fp_standin', choices: [{ index: 0 }] });
    });
  });

  it('writes the messages in the OTel GenAI shape, which the normalizer reads back', () => {
    const first = JSON.parse(calls[0]!.attributes['gen_ai.input.messages'] as string);
    expect(first).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Hand weather questions to the weather agent.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris?' }] },
    ]);
    const toolCall = JSON.parse(calls[1]!.attributes['gen_ai.output.messages'] as string);
    expect(toolCall).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_weather_1', name: 'get_weather', arguments: STAND_IN.weatherArgs }], finish_reason: 'tool_call' }]);
    const view = normalizeSpan(calls[2]!)!;
    expect(view.kind).toBe('llm');
    expect(view.outputMessages?.[0]?.parts).toEqual([{ type: 'text', content: STAND_IN.finalText }]);
    const toolResults = view.inputMessages?.filter((m) => m.role === 'tool').map((m) => m.parts[0]);
    expect(toolResults).toEqual([
      expect.objectContaining({ type: 'tool_call_response', id: 'call_handoff_1' }),
      expect.objectContaining({ type: 'tool_call_response', id: 'call_weather_1' }),
    ]);
    expect(view.usage?.inputTokens).toBe(STAND_IN.usage.final.input_tokens);
    expect(view.usage?.cacheReadTokens).toBe(STAND_IN.usage.final.cached);
  });
});

describe('OpenAI Agents SDK export (JS 0.20, input guardrail tripped)', () => {
  const { spans } = decodeRun('guardrail');
  it('marks the tripped guardrail and turns span errors into ERROR status with an exception event', () => {
    const [guardrail] = ofType(spans, 'guardrail');
    expect(guardrail!.attributes['openai.agents.span_data.triggered']).toBe(true);
    const agent = ofType(spans, 'agent')[0]!;
    expect(agent.status).toEqual({ code: 'error', message: 'Error in agent run' });
    expect(agent.events).toHaveLength(1);
    expect(agent.events[0]!.name).toBe('exception');
    expect(agent.events[0]!.attributes['exception.message']).toBe('Error in agent run');
    expect(JSON.parse(agent.events[0]!.attributes['openai.agents.error.data'] as string).error).toMatch(/^InputGuardrailTripwireTriggered/);
    expect(agent.events[0]!.timeUnixNano).toBe(agent.endTimeUnixNano);
  });
});

describe('OpenAI Agents SDK batches split across requests', () => {
  it('stores spans before their trace object under the missing root, and sends the root once it arrives', () => {
    const book = new OpenAiAgentsTraceBook();
    const later = decodeOpenAiAgents(body('chat.3.ingest.json'), book);
    expect(later.ok && later.items.every((s) => s.parentSpanId !== null)).toBe(true);
    const traceItem = items('chat.1.ingest.json').find((i) => i.object === 'trace')!;
    const rootId = agentsRootSpanId(traceItem.id.slice(6));
    expect(later.ok && later.items.some((s) => s.parentSpanId === rootId)).toBe(true); // the task span
    const first = decodeOpenAiAgents(body('chat.1.ingest.json'), book);
    if (!first.ok) throw new Error(first.message);
    const root = first.items.find((s) => s.spanId === rootId)!;
    // Its extent covers the spans of both requests seen so far.
    const seen = [...items('chat.3.ingest.json'), ...items('chat.1.ingest.json')].filter((i) => i.object === 'trace.span');
    expect(root.startTimeUnixNano).toBe(String(seen.map((i) => nanos(i.started_at!)).reduce((a, b) => (b < a ? b : a))));
    expect(root.endTimeUnixNano).toBe(String(seen.map((i) => nanos(i.ended_at!)).reduce((a, b) => (b > a ? b : a))));
  });

  it('holds a trace object that comes alone until its first span', () => {
    const book = new OpenAiAgentsTraceBook();
    const [traceItem, ...rest] = items('chat.1.ingest.json');
    const alone = decodeOpenAiAgents(batch([traceItem]), book);
    expect(alone.ok && alone.items).toEqual([]);
    const next = decodeOpenAiAgents(batch(rest), book);
    expect(next.ok && next.items.filter((s) => s.parentSpanId === null).map((s) => s.name)).toEqual(['Weather workflow (chat)']);
  });

  it('forgets the least recently used traces past its bounds', () => {
    const book = new OpenAiAgentsTraceBook(2, 1_000_000);
    for (const id of ['a', 'b', 'c']) book.noteSpan(id.repeat(32), '1', '2');
    expect(book.size).toBe(2);
    expect(book.get('a'.repeat(32))).toBeUndefined();
  });
});

describe('OpenAI Agents items in other shapes', () => {
  const span = (over: Record<string, unknown>) => ({
    object: 'trace.span',
    id: 'span_0123456789abcdef01234567',
    trace_id: 'trace_0123456789abcdef0123456789abcdef',
    parent_id: null,
    started_at: '2026-08-22T10:00:00.123456+00:00',
    ended_at: '2026-08-22T10:00:01.5+00:00',
    span_data: { type: 'custom', name: 'x', data: {} },
    error: null,
    ...over,
  });

  it('rejects malformed items one by one with a reason and keeps the rest', () => {
    const r = decodeOpenAiAgents(batch([
      'not an object',
      { object: 'trace.span' },
      span({ trace_id: 42 }),
      span({ span_data: { name: 'no type' } }),
      span({ started_at: 'yesterday', ended_at: null }),
      span({ parent_id: 7 }),
      { object: 'trace' },
      { object: 'response', id: 'resp_1' },
      span({}),
    ]), new OpenAiAgentsTraceBook());
    if (!r.ok) throw new Error(r.message);
    expect(r.items).toHaveLength(1);
    expect(r.rejected).toBe(8);
    expect(r.rejectReasons.length).toBeGreaterThan(1);
    expect(r.rejectReasons.join('\n')).toContain('OpenAI Agents span without an id');
  });

  it('refuses a body that is not a batch', () => {
    for (const text of ['{', '[]', '{"data":{}}', 'null']) {
      const r = decodeOpenAiAgents(new TextEncoder().encode(text), new OpenAiAgentsTraceBook());
      expect(r.ok).toBe(false);
    }
  });

  it('reads the Python exporter shapes: isoformat times, top-level usage details, span metadata (span_data.py, spans.py)', () => {
    const r = decodeOpenAiAgents(batch([
      span({
        metadata: { agent_harness_id: 'h-1' },
        span_data: {
          type: 'generation',
          input: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }] }],
          output: [{ content: 'hello', refusal: null, role: 'assistant', annotations: [], audio: null, function_call: null, tool_calls: null }],
          model: 'gpt-4o',
          model_config: { temperature: 0.2, top_p: null, max_tokens: 100, tool_choice: 'auto' },
          usage: { requests: 1, input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 4 }, output_tokens_details: { reasoning_tokens: 2 } },
        },
      }),
      span({ id: 'span_2', span_data: { type: 'response', response_id: 'resp_9', usage: { requests: 1, input_tokens: 7, output_tokens: 3, total_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 1 } } } }),
      span({ id: 'span_3', span_data: { type: 'function', name: 'lookup', input: '{"q":1}', output: 'ok', mcp_data: { server: 'fs' } } }),
      span({ id: 'span_4', span_data: { type: 'mcp_tools', server: 'fs', result: ['read', 'write'] } }),
      span({ id: 'span_5', span_data: { type: 'transcription', input: { data: 'AAAA', format: 'pcm' }, output: 'hello', model: 'whisper-1', model_config: {} } }),
    ]), new OpenAiAgentsTraceBook());
    if (!r.ok) throw new Error(r.message);
    const [gen, resp, fn, mcp, stt] = r.items;
    expect(gen!.startTimeUnixNano).toBe(String(nanos('2026-08-22T10:00:00Z') + 123_456_000n));
    expect(gen!.endTimeUnixNano).toBe(String(nanos('2026-08-22T10:00:01.5Z')));
    expect(gen!.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.total_tokens': 15,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
    expect(JSON.parse(gen!.attributes['openai.agents.span_data.model_config'] as string)).toEqual({ top_p: null, tool_choice: 'auto' });
    expect(JSON.parse(gen!.attributes['openai.agents.span_data.usage'] as string)).toEqual({ requests: 1 });
    expect(JSON.parse(gen!.attributes['openai.agents.metadata'] as string)).toEqual({ agent_harness_id: 'h-1' });
    expect(JSON.parse(gen!.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hi' }, { type: 'uri', modality: 'image', uri: 'https://example.com/a.png', detail: 'low' }] },
    ]);
    expect(JSON.parse(gen!.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }]);
    expect(resp!.attributes).toMatchObject({ 'gen_ai.response.id': 'resp_9', 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.reasoning.output_tokens': 1 });
    expect(fn!.attributes['openai.agents.span_data.mcp_data']).toBe('{"server":"fs"}');
    expect(mcp!.name).toBe('mcp_tools fs');
    expect(mcp!.attributes['openai.agents.span_data.result']).toEqual(['read', 'write']);
    expect(stt!.name).toBe('transcription whisper-1');
    expect(JSON.parse(stt!.attributes['openai.agents.span_data.input'] as string)).toEqual({ data: 'AAAA', format: 'pcm' });
  });

  it('keeps a non-chat generation input as input.value, and never keeps a tracing_api_key', () => {
    const book = new OpenAiAgentsTraceBook();
    const r = decodeOpenAiAgents(batch([
      { object: 'trace', id: 'trace_0123456789abcdef0123456789abcdef', workflow_name: 'w', group_id: null, metadata: null, tracing_api_key: 'sk-secret-1' },
      span({ span_data: { type: 'generation', input: [{ type: 'function_call_output', call_id: 'c1', output: 'x' }] }, tracing_api_key: 'sk-secret-2' }),
    ]), book);
    if (!r.ok) throw new Error(r.message);
    expect(JSON.stringify(r.items)).not.toContain('sk-secret');
    const gen = r.items.find((s) => s.parentSpanId !== null)!;
    expect(JSON.parse(gen.attributes['input.value'] as string)).toEqual([{ type: 'function_call_output', call_id: 'c1', output: 'x' }]);
    expect(agentsSpanId('span_0123456789abcdef01234567')).toBe(gen.spanId);
  });
});

describe('ISO 8601 times', () => {
  it('reads the JS and Python forms and offsets exactly', () => {
    expect(parseIsoTimeToUnixNano('1970-01-01T00:00:01.000Z')).toBe('1000000000');
    expect(parseIsoTimeToUnixNano('2026-08-22T12:34:56.789Z')).toBe(String(nanos('2026-08-22T12:34:56.789Z')));
    expect(parseIsoTimeToUnixNano('2026-08-22T12:34:56.123456789+02:00')).toBe(String(nanos('2026-08-22T10:34:56Z') + 123_456_789n));
    expect(parseIsoTimeToUnixNano('2026-08-22T12:34:56')).toBe(String(nanos('2026-08-22T12:34:56Z')));
    for (const bad of ['2026-02-30T00:00:00Z', '1969-12-31T23:59:59Z', 'now', 12, null, '2026-08-22']) expect(parseIsoTimeToUnixNano(bad)).toBeNull();
  });
});
