/**
 * The request rebuilt for replay from every recorded fixture we normalize (test/fixtures/genai,
 * the official OpenAI instrumentation's root fixtures, the OpenAI Agents SDK export): messages,
 * tools, parameters, tool choice, what is flagged missing. Expected values come from the fixtures'
 * own raw attribute values (parsed here, independently of the code under test) and from the
 * captured scenario (test/fixtures/genai/README.md: system prompt, question, get_weather call with
 * {"city":"Paris"}, its result, the answer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAiAgentsTraceBook, decodeOpenAiAgents } from '../../../src/core/otlp/openaiAgents';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { recordedCallsOf, replayRequestForSpan, type TraceCallSpan } from '../../../src/core/replay/recordedCalls';
import type { ReplayRequest } from '../../../src/model/replay';
import type { SpanRecord } from '../../../src/model/trace';
import { genai, loadLogs, loadSpans, normalizeAll, otlp } from '../../support/genai';
import { attr, callSpansOf, canonical, lines } from './support';

const QUESTION = 'What is the weather in Paris?';
const ANSWER = 'It is 18°C and sunny in Paris.';
const SYSTEM = 'You are a helpful weather assistant.';
const WEATHER = '{"city":"Paris","temperature_c":18,"condition":"sunny"}';
const ARGS = canonical('{"city":"Paris"}');

interface Call {
  span: SpanRecord;
  request: ReplayRequest;
  callSpanId: string;
}

/** Replay requests of every model call span of a fixture, in start order. */
function requestsOf(spans: TraceCallSpan[]): Call[] {
  return spans
    .filter((s) => s.view?.kind === 'llm')
    .map((s) => {
      const r = replayRequestForSpan(spans, s.spanId)!;
      return { span: s.record!, request: r.request, callSpanId: r.callSpanId };
    });
}

function fixture(name: string, logsName?: string): { spans: TraceCallSpan[]; calls: Call[] } {
  const spans = callSpansOf(normalizeAll(loadSpans(genai(name)), logsName ? loadLogs(genai(logsName)) : []));
  return { spans, calls: requestsOf(spans) };
}

/** The scenario's two turns (the second with the fixture's tool call id). */
const TURN1 = [`user: ${QUESTION}`];
function turn2(id: string): string[] {
  return [`user: ${QUESTION}`, `assistant: call get_weather#${id} ${ARGS}`, `tool: result#${id} ${canonical(WEATHER)}`];
}
const fields = (r: ReplayRequest) => r.missing.map((g) => g.field);
const systemText = (r: ReplayRequest) => r.system?.map((p) => (p.type === 'text' ? p.content : '')).join('\n');

describe('OpenInference (openinference.otlp.json: @arizeai/openinference-instrumentation-openai)', () => {
  const { calls } = fixture('openinference.otlp.json');

  it('rebuilds both turns with tools and parameters from the recorded request body', () => {
    expect(calls).toHaveLength(2);
    const [a, b] = calls as [Call, Call];
    const body = attr(a.span, 'input.value') as { model: string; temperature: number; max_tokens: number; tools: { function: { name: string; description: string; parameters: unknown } }[] };
    expect(a.request.model).toBe(body.model); // the request model, not llm.model_name (the response model)
    expect(a.request.kind).toBe('openai');
    expect(a.request.provider).toBe(attr(a.span, 'llm.system'));
    expect(systemText(a.request)).toBe(SYSTEM);
    expect(lines(a.request.messages)).toEqual(TURN1);
    expect(lines(a.request.original.output)).toEqual([`assistant: call get_weather#call_weather_1 ${ARGS}`]);
    expect(lines(b.request.messages)).toEqual(turn2('call_weather_1'));
    expect(lines(b.request.original.output)).toEqual([`assistant: ${ANSWER}`]);
    expect(a.request.parameters).toEqual({ temperature: body.temperature, max_tokens: body.max_tokens });
    const schema = attr(a.span, 'llm.tools.0.tool.json_schema') as (typeof body.tools)[number];
    expect(a.request.tools).toEqual([{ name: schema.function.name, description: schema.function.description, parameters: schema.function.parameters }]);
    expect(a.request.missing).toEqual([]);
    expect(b.request.original.usage?.inputTokens).toBe(attr(b.span, 'llm.token_count.prompt'));
  });
});

describe('OpenLLMetry / Traceloop (traceloop.otlp.json)', () => {
  const { calls } = fixture('traceloop.otlp.json');
  it('reads gen_ai.input.messages, gen_ai.tool.definitions and gen_ai.request.*', () => {
    const [a, b] = calls as [Call, Call];
    expect(systemText(a.request)).toBe(SYSTEM);
    expect(lines(a.request.messages)).toEqual(TURN1);
    expect(lines(b.request.messages)).toEqual(turn2('call_weather_1'));
    expect(a.request.parameters).toEqual({ max_tokens: attr(a.span, 'gen_ai.request.max_tokens'), temperature: attr(a.span, 'gen_ai.request.temperature') });
    const defs = attr(a.span, 'gen_ai.tool.definitions') as { function: { name: string; description: string; parameters: unknown } }[];
    expect(a.request.tools).toEqual(defs.map((d) => ({ name: d.function.name, description: d.function.description, parameters: d.function.parameters })));
    expect(a.request.provider).toBe(attr(a.span, 'gen_ai.provider.name'));
    expect(a.request.original.responseId).toBe(attr(a.span, 'gen_ai.response.id'));
    expect(a.request.missing).toEqual([]);
  });
});

describe('Vercel AI SDK (vercel-ai.otlp.json, ai.* attributes)', () => {
  const { spans, calls } = fixture('vercel-ai.otlp.json');
  const steps = calls.filter((c) => c.span.name === 'ai.generateText.doGenerate');

  it('reads ai.prompt.messages, ai.prompt.tools, ai.prompt.toolChoice and ai.settings.* on each doGenerate step', () => {
    expect(steps).toHaveLength(2);
    const [a, b] = steps as [Call, Call];
    expect(systemText(a.request)).toBe(SYSTEM);
    expect(lines(a.request.messages)).toEqual(TURN1);
    expect(lines(b.request.messages)).toEqual(turn2('call_weather_1'));
    expect(a.request.parameters).toEqual({ max_tokens: attr(a.span, 'ai.settings.maxOutputTokens'), temperature: attr(a.span, 'ai.settings.temperature') });
    const tool = JSON.parse((a.span.attributes['ai.prompt.tools'] as string[])[0]!) as { name: string; description: string; inputSchema: unknown };
    expect(a.request.tools).toEqual([{ name: tool.name, description: tool.description, parameters: tool.inputSchema }]);
    expect(a.request.toolChoice).toEqual(attr(a.span, 'ai.prompt.toolChoice'));
    expect(a.request.stream).toBe(false); // generateText, not streamText
    expect(a.request.missing).toEqual([]);
  });

  it('flags the outer ai.generateText span as several calls, and counts only the steps as recorded calls', () => {
    const outer = calls.find((c) => c.span.name === 'ai.generateText')!;
    expect(fields(outer.request)).toContain('span');
    expect(recordedCallsOf(spans).map((c) => c.spanName)).toEqual(['ai.generateText.doGenerate', 'ai.generateText.doGenerate']);
  });
});

describe('Vercel AI SDK in OTel GenAI mode (vercel-ai-genai, vercel-ai-anthropic)', () => {
  it('OpenAI: gen_ai.system_instructions, inputSchema tool definitions, gen_ai.request.*', () => {
    const [a, b] = fixture('vercel-ai-genai.otlp.json').calls as [Call, Call];
    expect(systemText(a.request)).toBe(SYSTEM);
    expect(lines(b.request.messages)).toEqual(turn2('call_weather_1'));
    expect(a.request.tools.map((t) => t.name)).toEqual((attr(a.span, 'gen_ai.tool.definitions') as { name: string }[]).map((d) => d.name));
    expect(a.request.parameters).toEqual({ max_tokens: attr(a.span, 'gen_ai.request.max_tokens'), temperature: attr(a.span, 'gen_ai.request.temperature') });
  });

  it('Anthropic: kind anthropic, max_tokens recorded so nothing is flagged', () => {
    const [a, b] = fixture('vercel-ai-anthropic.otlp.json').calls as [Call, Call];
    expect(a.request.kind).toBe('anthropic');
    expect(a.request.parameters.max_tokens).toBe(attr(a.span, 'gen_ai.request.max_tokens'));
    expect(lines(b.request.messages)).toEqual(turn2('toolu_weather_1'));
    expect(a.request.missing).toEqual([]);
  });
});

describe('Anthropic fixtures', () => {
  it('OpenInference: the system prompt (not in llm.input_messages) comes from the recorded request body', () => {
    const [a, b] = fixture('anthropic-openinference.otlp.json').calls as [Call, Call];
    const body = attr(a.span, 'llm.invocation_parameters') as { system: { text: string }[]; max_tokens: number; temperature: number };
    expect(a.request.kind).toBe('anthropic');
    expect(systemText(a.request)).toBe(body.system[0]!.text);
    expect(a.request.parameters).toEqual({ max_tokens: body.max_tokens, temperature: body.temperature });
    expect(lines(b.request.messages)).toEqual(turn2('toolu_weather_1')); // the tool_result user message becomes a tool message
    expect(a.request.tools[0]).toEqual((({ name, description, input_schema }) => ({ name, description, parameters: input_schema }))(attr(a.span, 'llm.tools.0.tool.json_schema') as { name: string; description: string; input_schema: unknown }));
    expect(a.request.missing).toEqual([]);
  });

  it("SDK default: the SDK's own span (no content) and OpenInference's span above it are one call, rebuilt from both", () => {
    const { spans, calls } = fixture('anthropic-openinference-sdk-default.otlp.json');
    const sdk = calls.filter((c) => c.span.name === 'anthropic.messages.create');
    const oi = calls.filter((c) => c.span.name === 'Anthropic Messages');
    expect(sdk).toHaveLength(2);
    for (const [i, c] of sdk.entries()) {
      expect(c.span.parentSpanId).toBe(oi[i]!.span.spanId);
      // Content and temperature from the OpenInference span, max_tokens from both, the call is the SDK span.
      expect(c.request.messages.length).toBeGreaterThan(0);
      expect(c.request.parameters).toEqual({ max_tokens: attr(c.span, 'gen_ai.request.max_tokens'), temperature: (attr(oi[i]!.span, 'llm.invocation_parameters') as { temperature: number }).temperature });
      expect(c.request.tools.map((t) => t.name)).toEqual(['get_weather']);
      expect(c.request.missing).toEqual([]);
      expect(oi[i]!.callSpanId).toBe(c.span.spanId);
      expect(oi[i]!.request.source.spanId).toBe(oi[i]!.span.spanId);
    }
    expect(lines(sdk[1]!.request.messages)).toEqual(turn2('toolu_weather_1'));
    const recorded = recordedCallsOf(spans);
    expect(recorded.map((r) => [r.spanId, r.sameCallSpanIds])).toEqual(sdk.map((c, i) => [c.span.spanId, [oi[i]!.span.spanId]]));
    expect(recorded[1]!.outputMessages.map((m) => m.parts)).toEqual([[{ type: 'text', content: ANSWER }]]);
  });

  it('OpenLLMetry: no tool definitions recorded while the conversation calls get_weather → flagged', () => {
    const [a, b] = fixture('anthropic-openllmetry.otlp.json').calls as [Call, Call];
    expect(a.request.parameters).toEqual({ temperature: attr(a.span, 'gen_ai.request.temperature'), max_tokens: attr(a.span, 'gen_ai.request.max_tokens') });
    expect(lines(b.request.messages)).toEqual(turn2('toolu_weather_1'));
    expect(a.request.tools).toEqual([]);
    expect(a.request.missing).toEqual([expect.objectContaining({ field: 'tools', note: expect.stringContaining('get_weather') })]);
  });

  it("SDK native tracing: the tool result as content blocks, and no finish reason recorded", () => {
    const [, b] = fixture('anthropic-sdk-native.otlp.json').calls as [Call, Call];
    expect(lines(b.request.messages)).toEqual(turn2('toolu_weather_1'));
    expect(b.request.parameters).toEqual({ max_tokens: attr(b.span, 'gen_ai.request.max_tokens') });
    expect(fields(b.request)).toEqual(['tools']);
  });
});

describe('LangChain via OpenInference (langchain-openinference.otlp.json)', () => {
  it('synthesizes the tool call ids it does not record and pairs the result with the call', () => {
    const [a, b] = fixture('langchain-openinference.otlp.json').calls as [Call, Call];
    const inv = attr(a.span, 'llm.invocation_parameters') as { temperature: number; max_tokens: number; stream: boolean };
    expect(a.request.parameters).toEqual({ temperature: inv.temperature, max_tokens: inv.max_tokens });
    expect(a.request.stream).toBe(inv.stream);
    expect(lines(b.request.messages)).toEqual(turn2('call_replay_1'));
    // Call 1's output gets the same synthesized id as the call in call 2's history.
    expect(lines(a.request.original.output)).toEqual([`assistant: call get_weather#call_replay_1 ${ARGS}`]);
    expect(fields(a.request)).toEqual(['provider', 'toolCallIds']);
    expect(a.request.kind).toBe('openai');
  });
});

describe('Langfuse and LangSmith', () => {
  it('Langfuse (OpenAI): model.parameters on the first generation only; no tools recorded', () => {
    const [a, b] = fixture('langfuse.otlp.json').calls as [Call, Call];
    expect(a.request.parameters).toEqual(attr(a.span, 'langfuse.observation.model.parameters'));
    expect(lines(b.request.messages)).toEqual(turn2('call_weather_1'));
    expect(fields(a.request)).toEqual(['provider', 'tools']);
    expect(fields(b.request)).toEqual(['provider', 'tools', 'parameters']);
  });

  it('Langfuse (Anthropic): the system prompt from the recorded {system, messages} input; kind from the Claude model', () => {
    const [a] = fixture('langfuse-baseurl.otlp.json').calls as [Call];
    const input = attr(a.span, 'langfuse.observation.input') as { system: string };
    expect(systemText(a.request)).toBe(input.system);
    expect(a.request.model).toBe(attr(a.span, 'langfuse.observation.model.name'));
    expect(a.request.kind).toBe('anthropic');
    expect(a.request.parameters).toEqual(attr(a.span, 'langfuse.observation.model.parameters'));
  });

  it('LangSmith: tools and parameters from the request body in gen_ai.prompt', () => {
    const [, b] = fixture('langsmith-otel.otlp.json').calls as [Call, Call];
    const body = attr(b.span, 'gen_ai.prompt') as { temperature: number; max_tokens: number; tools: { function: { name: string; parameters: unknown } }[] };
    expect(b.request.parameters).toEqual({ temperature: body.temperature, max_tokens: body.max_tokens });
    expect(b.request.tools.map((t) => [t.name, t.parameters])).toEqual(body.tools.map((t) => [t.function.name, t.function.parameters]));
    expect(lines(b.request.messages)).toEqual(turn2('call_weather_1'));
    expect(b.request.missing).toEqual([]);
  });
});

describe('built from the specification (spec-*)', () => {
  it('OTel GenAI Python: structured attributes; the second call takes the tool definitions of the first', () => {
    const { spans, calls } = fixture('spec-otel-genai-python.otlp.json');
    const [a, b] = calls as [Call, Call];
    expect(systemText(a.request)).toBe((attr(a.span, 'gen_ai.system_instructions') as { content: string }[])[0]!.content);
    expect(a.request.tools.map((t) => t.name)).toEqual(['get_weather']);
    expect(b.request.tools).toEqual(a.request.tools);
    expect(b.request.missing.find((g) => g.field === 'tools')?.note).toContain('model call 1');
    expect(fields(a.request)).toEqual(['parameters']);
    expect(recordedCallsOf(spans).map((c) => c.toolNames)).toEqual([['get_weather'], ['get_weather']]);
  });

  it('OTel GenAI log events: content from log records; Anthropic without max_tokens is flagged', () => {
    const [a, b] = fixture('spec-otel-genai-events.otlp.json', 'spec-otel-genai-events.logs.otlp.json').calls as [Call, Call];
    expect(a.request.kind).toBe('anthropic');
    expect(lines(a.request.messages)).toEqual(['user: Name three primary colors.']);
    expect(systemText(a.request)).toBe('Be concise.');
    expect(fields(a.request)).toEqual(['parameters', 'max_tokens']);
    expect(lines(b.request.messages)).toEqual(['user: Translate "hello" to French.']);
    expect(fields(b.request)).toEqual(['parameters']);
  });

  it('v1.26 span events, OpenLLMetry legacy flattened attributes, pydantic-ai events', () => {
    const [legacy] = fixture('spec-otel-legacy-span-events.otlp.json').calls as [Call];
    expect(systemText(legacy.request)).toBe('You are a poet.');
    expect(lines(legacy.request.messages)).toEqual(['user: Write a haiku about tracing.']);

    const [l1, l2] = fixture('spec-openllmetry-legacy.otlp.json').calls as [Call, Call];
    expect(l1.request.provider).toBe('openai'); // gen_ai.system "OpenAI", lower-cased
    expect(l1.request.tools).toEqual([{ name: attr(l1.span, 'llm.request.functions.0.name'), description: attr(l1.span, 'llm.request.functions.0.description'), parameters: attr(l1.span, 'llm.request.functions.0.parameters') }]);
    expect(lines(l2.request.messages)).toEqual(['user: Plan a day in Rome', `assistant: call find_sights#call_rome_1 ${canonical('{"city":"Rome"}')}`, 'tool: result#call_rome_1 ["Colosseum","Pantheon"]']);
    expect(l2.request.tools).toEqual(l1.request.tools);

    const [p1] = fixture('spec-pydantic-ai.otlp.json').calls as [Call];
    const mrp = attr(p1.span, 'model_request_parameters') as { function_tools: { name: string; description: string; parameters_json_schema: unknown }[] };
    expect(p1.request.tools).toEqual(mrp.function_tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters_json_schema })));
  });
});

describe('@opentelemetry/instrumentation-openai (root fixtures; the demo agent uses it)', () => {
  const spans = (logs: boolean) => callSpansOf(normalizeAll(loadSpans(otlp('genai-openai-traces-json.json')), logs ? loadLogs(otlp('genai-openai-logs-json.json')) : []));

  it('with its log records: messages from gen_ai.* events; tool definitions are never recorded → flagged', () => {
    const [a, b] = requestsOf(spans(true)) as [Call, Call];
    expect(systemText(a.request)).toBe(SYSTEM);
    expect(lines(b.request.messages)).toEqual(turn2('call_fixture_1'));
    expect(a.request.parameters).toEqual({ max_tokens: attr(a.span, 'gen_ai.request.max_tokens'), temperature: attr(a.span, 'gen_ai.request.temperature') });
    expect(fields(a.request)).toEqual(['tools']);
  });

  it('without them: no messages, with the content-capture hint; no original answer', () => {
    const [a] = requestsOf(spans(false)) as [Call];
    expect(a.request.messages).toEqual([]);
    const gap = a.request.missing.find((g) => g.field === 'messages')!;
    expect(gap.note).toContain('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true');
    expect(fields(a.request)).toContain('output');
  });
});

describe('OpenAI Agents SDK export (test/fixtures/openai-agents, chat run)', () => {
  const dir = join(__dirname, '..', '..', 'fixtures', 'openai-agents');
  const standIn = JSON.parse(readFileSync(join(dir, 'stand-in.json'), 'utf8')) as { model: string; weatherArgs: string; finalText: string };
  const book = new OpenAiAgentsTraceBook();
  const records = new Map<string, SpanRecord>();
  for (const n of [1, 2, 3]) {
    const r = decodeOpenAiAgents(readFileSync(join(dir, `chat.${n}.ingest.json`)), book);
    if (!r.ok) throw new Error(r.message);
    for (const s of r.items) records.set(s.spanId, s);
  }
  const sorted = [...records.values()].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  const t0 = BigInt(sorted[0]!.startTimeUnixNano);
  const spans: TraceCallSpan[] = sorted.map((s) => ({
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    startOffsetMs: Number(BigInt(s.startTimeUnixNano) - t0) / 1e6,
    durationMs: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6,
    statusCode: s.status.code,
    view: normalizeSpan(s),
    record: s,
  }));

  it('three generation calls, the answers of the stand-in, the handoff and weather calls; no tool definitions → flagged', () => {
    const calls = recordedCallsOf(spans);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.requestModel)).toEqual([standIn.model, standIn.model, standIn.model]);
    expect(lines(calls[1]!.outputMessages)).toEqual([`assistant: call get_weather#call_weather_1 ${canonical(standIn.weatherArgs)}`]);
    expect(lines(calls[2]!.outputMessages)).toEqual([`assistant: ${standIn.finalText}`]);
    const gaps = calls[2]!.missing!.map((g) => g.field);
    expect(gaps).toEqual(['provider', 'tools', 'parameters']);
    expect(calls[2]!.missing!.find((g) => g.field === 'tools')!.note).toContain('transfer_to_Weather_agent, get_weather');
  });
});

describe('MCP fixtures (tool spans only)', () => {
  it('have no model calls to replay', () => {
    for (const name of ['mcp-openinference.otlp.json', 'mcp-traceloop.otlp.json']) {
      const { spans, calls } = fixture(name);
      expect(calls).toEqual([]);
      expect(recordedCallsOf(spans)).toEqual([]);
    }
  });
});
