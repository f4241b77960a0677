/**
 * Each GenAI fixture (captured from real libraries, or built from the conventions' examples:
 * `spec-*`) decoded by the project's own OTLP decoder and normalized: messages, tool calls and
 * results, usage, kinds, provider/model, agent, session, and the conversation built from it.
 */
import { describe, expect, it } from 'vitest';
import { buildConversation } from '../../../src/core/genai/conversation';
import { genaiBadge } from '../../../src/core/genai/badge';
import type { ConversationItem } from '../../../src/model/genai';
import { genai, loadLogs, loadSpans, normalizeAll, otlp, summarize, viewsOf } from '../../support/genai';

const QUESTION = 'What is the weather in Paris?';
const ANSWER = 'It is 18°C and sunny in Paris.';
const SYSTEM = 'You are a helpful weather assistant.';
const WEATHER = '{"city":"Paris","temperature_c":18,"condition":"sunny"}';

/** Conversation items as compact lines. */
function timeline(items: ConversationItem[]): string[] {
  return items.map((it) => {
    switch (it.type) {
      case 'agent':
        return `agent ${it.agentName}`;
      case 'toolCall':
        return `tool ${it.name}(${it.callId ?? ''}) ${typeof it.arguments === 'string' ? it.arguments : JSON.stringify(it.arguments)} -> ${typeof it.result === 'string' ? it.result : JSON.stringify(it.result)}`;
      case 'modelCall':
        return `model ${it.model ?? ''} new=[${summarize(it.newInputMessages).join(' | ')}] out=[${summarize(it.outputMessages).join(' | ')}]${it.systemInstructions ? ' +system' : ''}`;
      case 'guardrail':
        return `guardrail ${it.name}`;
    }
  });
}

describe('official @opentelemetry/instrumentation-openai (test/fixtures/otlp/genai-openai-*): content in OTLP log records', () => {
  for (const format of ['json', 'proto'] as const) {
    const ext = format === 'json' ? 'json' : 'binpb';
    const all = normalizeAll(loadSpans(otlp(`genai-openai-traces-${format}.${ext}`)), loadLogs(otlp(`genai-openai-logs-${format}.${ext}`)));

    it(`${format}: chat spans read their messages from gen_ai.* log events correlated by span id`, () => {
      const [first, second] = viewsOf(all, 'llm');
      expect(first!.conventions).toEqual(expect.arrayContaining(['otel-genai', 'otel-genai-events']));
      expect(first!.provider).toBe('openai');
      expect(first!.requestModel).toBe('gpt-4o-mini');
      expect(first!.responseModel).toBe('gpt-4o-mini-2024-07-18');
      expect(first!.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59 });
      expect(first!.finishReasons).toEqual(['tool_calls']);
      expect(summarize(first!.inputMessages)).toEqual([`system: ${SYSTEM}`, `user: ${QUESTION}`]);
      expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call get_weather(call_fixture_1) {"city":"Paris"}']);
      expect(first!.outputMessages![0]!.finishReason).toBe('tool_calls');
      expect(summarize(second!.inputMessages)).toEqual([
        `system: ${SYSTEM}`,
        `user: ${QUESTION}`,
        'assistant: tool_call get_weather(call_fixture_1) {"city":"Paris"}',
        `tool: tool_result(call_fixture_1) ${WEATHER}`,
      ]);
      expect(summarize(second!.outputMessages)).toEqual([`assistant: ${ANSWER}`]);
      expect(second!.contentMissing).toBeUndefined();
    });

    it(`${format}: agent and tool spans, and the conversation dedups the resent history`, () => {
      expect(viewsOf(all, 'agent')[0]!.agentName).toBe('weather-bot');
      expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'get_weather', callId: 'call_fixture_1' });
      expect(timeline(buildConversation('t', all).items)).toEqual([
        'agent weather-bot',
        `model gpt-4o-mini-2024-07-18 new=[system: ${SYSTEM} | user: ${QUESTION}] out=[assistant: tool_call get_weather(call_fixture_1) {"city":"Paris"}]`,
        // Arguments from the model's tool_call part, result from the next call's tool message.
        `tool get_weather(call_fixture_1) {"city":"Paris"} -> ${WEATHER}`,
        `model gpt-4o-mini-2024-07-18 new=[] out=[assistant: ${ANSWER}]`,
      ]);
    });
  }

  it('without its log records a chat span says content capture is off, with the OTel hint', () => {
    const all = normalizeAll(loadSpans(otlp('genai-openai-traces-json.json')));
    const chat = viewsOf(all, 'llm')[0]!;
    expect(chat.contentMissing).toBe(true);
    expect(chat.contentCaptureHint).toContain('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true');
    expect(buildConversation('t', all).contentMissingCount).toBe(2);
  });
});

describe('@arizeai/openinference-instrumentation-openai (openinference.otlp.json)', () => {
  const all = normalizeAll(loadSpans(genai('openinference.otlp.json')));

  it('LLM spans: flattened llm.input_messages / llm.output_messages with tool calls, token counts', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.conventions).toEqual(['openinference']);
    expect(first!.provider).toBe('openai');
    expect(first!.requestModel).toBe('gpt-4o-mini-2024-07-18');
    expect(summarize(first!.inputMessages)).toEqual([`system: ${SYSTEM}`, `user: ${QUESTION}`]);
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}']);
    expect(first!.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 0, reasoningTokens: 0 });
    expect(first!.finishReasons).toEqual(['tool_calls']);
    expect(first!.toolDefinitions).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'get_weather' }) }]);
    expect(second!.usage).toMatchObject({ inputTokens: 71, outputTokens: 12, cacheReadTokens: 32 });
    expect(summarize(second!.inputMessages).slice(2)).toEqual([
      'assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}',
      `tool: tool_result(call_weather_1) ${WEATHER}`,
    ]);
    expect(summarize(second!.outputMessages)).toEqual([`assistant: ${ANSWER}`]);
  });

  it('TOOL span: tool.name / tool.id, input.value / output.value; AGENT span: agent.name, session.id, user.id', () => {
    expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'get_weather', callId: 'call_weather_1', arguments: '{"city":"Paris"}', result: WEATHER });
    const agent = viewsOf(all, 'agent')[0]!;
    expect(agent).toMatchObject({ agentName: 'weather-agent', sessionId: 'session-oi-1', userId: 'user-oi-1' });
    expect(summarize(agent.inputMessages)).toEqual([`user: ${QUESTION}`]);
    expect(summarize(agent.outputMessages)).toEqual([`assistant: ${ANSWER}`]);
  });

  it('conversation', () => {
    expect(timeline(buildConversation('t', all).items)).toEqual([
      'agent weather-agent',
      `model gpt-4o-mini-2024-07-18 new=[system: ${SYSTEM} | user: ${QUESTION}] out=[assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}]`,
      `tool get_weather(call_weather_1) {"city":"Paris"} -> ${WEATHER}`,
      `model gpt-4o-mini-2024-07-18 new=[] out=[assistant: ${ANSWER}]`,
    ]);
  });
});

describe('Vercel AI SDK 7 with LegacyOpenTelemetry (vercel-ai.otlp.json): ai.* attributes', () => {
  const all = normalizeAll(loadSpans(genai('vercel-ai.otlp.json')));
  const byName = (name: string) => all.filter((s) => s.span.name === name).map((s) => s.view!);

  it('inner ai.generateText.doGenerate spans: ai.prompt.messages, ai.response.text / toolCalls, ai.usage.*', () => {
    const [first, second] = byName('ai.generateText.doGenerate');
    expect(first!.kind).toBe('llm');
    expect(first!.conventions).toEqual(['vercel-ai']);
    expect(first!.provider).toBe('openai'); // ai.model.provider "openai.chat"
    expect(first!.requestModel).toBe('gpt-4o-mini');
    expect(first!.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(first!.usageIsAggregate).toBeUndefined();
    expect(summarize(first!.inputMessages)).toEqual([`system: ${SYSTEM}`, `user: ${QUESTION}`]);
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}']);
    expect(first!.toolDefinitions).toHaveLength(1);
    expect(second!.usage).toEqual({ inputTokens: 71, outputTokens: 12, totalTokens: 83, cacheReadTokens: 32, reasoningTokens: 0, inputReading: expect.objectContaining({ cache: 'included', reportedInputTokens: 71 }) });
    expect(summarize(second!.inputMessages).slice(2)).toEqual([
      'assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}',
      `tool: tool_result(call_weather_1) ${WEATHER}`,
    ]);
    expect(summarize(second!.outputMessages)).toEqual([`assistant: ${ANSWER}`]);
  });

  it('outer ai.generateText is marked usageIsAggregate (also in its badge) and left out of the conversation', () => {
    const outer = byName('ai.generateText')[0]!;
    expect(outer.kind).toBe('llm');
    expect(outer.usageIsAggregate).toBe(true);
    expect(outer.usage).toMatchObject({ inputTokens: 113, outputTokens: 29 });
    expect(outer.systemInstructions).toEqual([{ type: 'text', content: SYSTEM }]);
    expect(summarize(outer.inputMessages)).toEqual([`user: ${QUESTION}`]);
    const outerSpan = all.find((s) => s.span.name === 'ai.generateText')!.span;
    expect(genaiBadge(outerSpan)).toEqual({ kind: 'llm', model: 'gpt-4o-mini', inputTokens: 113, outputTokens: 29, usageIsAggregate: true });
    // Totals without double counting: sum the badges that are not aggregates.
    const badges = all.map((s) => genaiBadge(s.span)).filter((b) => b && !b.usageIsAggregate);
    expect(badges.reduce((n, b) => n + (b!.inputTokens ?? 0), 0)).toBe(42 + 71);
    const items = buildConversation('t', all).items;
    expect(items.filter((i) => i.type === 'modelCall')).toHaveLength(2);
    expect(timeline(items)).toEqual([
      `model gpt-4o-mini-2024-07-18 new=[system: ${SYSTEM} | user: ${QUESTION}] out=[assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}]`,
      `tool get_weather(call_weather_1) {"city":"Paris"} -> ${WEATHER}`,
      `model gpt-4o-mini-2024-07-18 new=[] out=[assistant: ${ANSWER}]`,
    ]);
  });

  it('ai.toolCall span: ai.toolCall.name / id / args / result', () => {
    expect(byName('ai.toolCall')[0]!.tool).toEqual({ name: 'get_weather', callId: 'call_weather_1', arguments: '{"city":"Paris"}', result: WEATHER });
  });
});

describe('Vercel AI SDK 7 with OpenTelemetry (vercel-ai-genai.otlp.json): OTel GenAI semconv, JS', () => {
  const all = normalizeAll(loadSpans(genai('vercel-ai-genai.otlp.json')));

  it('chat spans: gen_ai.input.messages / output.messages / system_instructions as JSON strings', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.provider).toBe('openai');
    expect(first!.systemInstructions).toEqual([{ type: 'text', content: SYSTEM }]);
    expect(summarize(first!.inputMessages)).toEqual([`user: ${QUESTION}`]);
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}']);
    expect(first!.outputMessages![0]!.finishReason).toBe('tool_call');
    expect(second!.usage).toMatchObject({ inputTokens: 71, cacheReadTokens: 32 });
  });

  it('invoke_agent carries aggregate usage; agent_step spans are workflow steps; conversation', () => {
    const agent = viewsOf(all, 'agent')[0]!;
    expect(agent).toMatchObject({ agentName: 'weather-agent', usageIsAggregate: true });
    expect(viewsOf(all, 'workflow')).toHaveLength(2);
    expect(viewsOf(all, 'tool')[0]!.tool).toMatchObject({ name: 'get_weather', callId: 'call_weather_1', type: 'function' });
    const items = buildConversation('t', all).items;
    expect(timeline(items)).toEqual([
      'agent weather-agent',
      `model gpt-4o-mini-2024-07-18 new=[user: ${QUESTION}] out=[assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}] +system`,
      `tool get_weather(call_weather_1) {"city":"Paris"} -> ${WEATHER}`,
      // Same system instructions: not repeated.
      `model gpt-4o-mini-2024-07-18 new=[] out=[assistant: ${ANSWER}]`,
    ]);
  });
});

describe('@traceloop/node-server-sdk 0.27 (traceloop.otlp.json)', () => {
  const all = normalizeAll(loadSpans(genai('traceloop.otlp.json')));

  it('chat spans use the current gen_ai.input/output.messages form; association properties give session and user', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.conventions).toEqual(expect.arrayContaining(['openllmetry', 'otel-genai']));
    expect(first).toMatchObject({ provider: 'openai', requestModel: 'gpt-4o-mini', sessionId: 'session-tl-1', userId: 'user-tl-1' });
    expect(first!.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59 });
    expect(summarize(first!.inputMessages)).toEqual([`system: ${SYSTEM}`, `user: ${QUESTION}`]);
    expect(summarize(second!.outputMessages)).toEqual([`assistant: ${ANSWER}`]);
  });

  it('workflow / agent / tool spans from traceloop.span.kind; the tool span is matched to its call by name', () => {
    expect(viewsOf(all, 'workflow')).toHaveLength(1);
    expect(viewsOf(all, 'agent')[0]!.agentName).toBe('weather_agent');
    // traceloop.entity.input {"args":[],"kwargs":{…}} and JSON-encoded output are unwrapped.
    expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'get_weather', arguments: { city: 'Paris' }, result: WEATHER });
    expect(timeline(buildConversation('t', all).items)).toEqual([
      'agent weather_agent',
      `model gpt-4o-mini-2024-07-18 new=[system: ${SYSTEM} | user: ${QUESTION}] out=[assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}]`,
      `tool get_weather(call_weather_1) {"city":"Paris"} -> ${WEATHER}`,
      `model gpt-4o-mini-2024-07-18 new=[] out=[assistant: ${ANSWER}]`,
    ]);
  });
});

describe('@langfuse/otel + @langfuse/tracing 5 (langfuse.otlp.json)', () => {
  const all = normalizeAll(loadSpans(genai('langfuse.otlp.json')));

  it('generations: langfuse.observation.input/output, model, usage_details (cache added back to input), cost_details', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.conventions).toEqual(['langfuse']);
    expect(first).toMatchObject({ requestModel: 'gpt-4o-mini', reportedCostUsd: 0.0000165, sessionId: 'session-lf-1', userId: 'user-lf-1' });
    expect(first!.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59 });
    expect(summarize(first!.inputMessages)).toEqual([`system: ${SYSTEM}`, `user: ${QUESTION}`]);
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}']);
    expect(second!.usage).toEqual({ inputTokens: 71, outputTokens: 12, totalTokens: 83, cacheReadTokens: 32, inputReading: expect.objectContaining({ cache: 'excluded', reportedInputTokens: 39 }) });
  });

  it('agent and tool observations; conversation', () => {
    expect(viewsOf(all, 'agent')[0]!.agentName).toBe('weather-agent');
    expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}', result: WEATHER });
    expect(timeline(buildConversation('t', all).items)).toEqual([
      'agent weather-agent',
      `model gpt-4o-mini new=[system: ${SYSTEM} | user: ${QUESTION}] out=[assistant: tool_call get_weather(call_weather_1) {"city":"Paris"}]`,
      `tool get_weather(call_weather_1) {"city":"Paris"} -> ${WEATHER}`,
      `model gpt-4o-mini new=[] out=[assistant: ${ANSWER}]`,
    ]);
  });
});

describe('spec-otel-genai-python.otlp.json (§1.5: structured AnyValue messages, cache and reasoning usage)', () => {
  const all = normalizeAll(loadSpans(genai('spec-otel-genai-python.otlp.json')));
  const call = 'call_VSPygqKTWdrhaFErNvMV18Yl';

  it('reads structured (kvlist/array) and JSON-string messages alike; tool_call_response `result` key', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.systemInstructions).toEqual([{ type: 'text', content: 'You are a helpful weather assistant. Answer briefly.' }]);
    expect(summarize(first!.inputMessages)).toEqual(['user: Weather in Paris?']);
    expect(first!.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', id: call, name: 'get_weather', arguments: { location: 'Paris' } }], finishReason: 'tool_call' }]);
    expect(first!.usage).toEqual({ inputTokens: 97, outputTokens: 52, totalTokens: 149, cacheReadTokens: 64, cacheWriteTokens: 10, reasoningTokens: 12, inputReading: expect.objectContaining({ cache: 'included', reportedInputTokens: 97 }) });
    expect(first!.toolDefinitions).toEqual([expect.objectContaining({ name: 'get_weather' })]);
    expect(first!.sessionId).toBe('conv_5j66UpCpwteGg4YSxUnt7lPY');
    expect(summarize(second!.inputMessages)[2]).toBe(`tool: tool_result(${call}) rainy, 57°F`);
  });

  it('execute_tool arguments/result; invoke_agent with conversation id; conversation', () => {
    expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'get_weather', callId: call, type: 'function', arguments: '{"location":"Paris"}', result: 'rainy, 57°F' });
    expect(viewsOf(all, 'agent')[0]).toMatchObject({ agentName: 'Math Tutor', sessionId: 'conv_5j66UpCpwteGg4YSxUnt7lPY', usageIsAggregate: true });
    expect(timeline(buildConversation('t', all).items)).toEqual([
      'agent Math Tutor',
      `model gpt-4o-2024-08-06 new=[user: Weather in Paris?] out=[assistant: tool_call get_weather(${call}) {"location":"Paris"}] +system`,
      `tool get_weather(${call}) {"location":"Paris"} -> rainy, 57°F`,
      `model gpt-4o-2024-08-06 new=[] out=[assistant: The weather in Paris is currently rainy with a temperature of 57°F.]`,
    ]);
  });
});

describe('spec-otel-genai-events (§1.7b/c: inference details event; Semantic Kernel event.name + JSON-string bodies)', () => {
  const all = normalizeAll(loadSpans(genai('spec-otel-genai-events.otlp.json')), loadLogs(genai('spec-otel-genai-events.logs.otlp.json')));

  it('gen_ai.client.inference.operation.details supplies structured messages and instructions', () => {
    const claude = all.find((s) => s.span.name === 'chat claude-sonnet-4')!.view!;
    expect(claude.provider).toBe('anthropic');
    expect(claude.systemInstructions).toEqual([{ type: 'text', content: 'Be concise.' }]);
    expect(summarize(claude.inputMessages)).toEqual(['user: Name three primary colors.']);
    expect(summarize(claude.outputMessages)).toEqual(['assistant: Red, yellow and blue.']);
    expect(claude.contentMissing).toBeUndefined();
  });

  it('event.name attribute and JSON-string bodies; singular comma-joined finish reason', () => {
    const sk = all.find((s) => s.span.name === 'chat gpt-4o-mini')!.view!;
    expect(summarize(sk.inputMessages)).toEqual(['user: Translate "hello" to French.']);
    expect(summarize(sk.outputMessages)).toEqual(['assistant: Bonjour.']);
    expect(sk.finishReasons).toEqual(['stop']);
  });
});

describe('spec-otel-legacy-span-events.otlp.json (§1.7a: gen_ai.content.prompt/completion span events, v1.26 usage names)', () => {
  it('reads the prompt/completion JSON of the span events and the deprecated token names', () => {
    const view = viewsOf(normalizeAll(loadSpans(genai('spec-otel-legacy-span-events.otlp.json'))), 'llm')[0]!;
    expect(view.usage).toEqual({ inputTokens: 31, outputTokens: 11, totalTokens: 42 });
    expect(view.responseModel).toBe('gpt-4-0613');
    expect(summarize(view.inputMessages)).toEqual(['system: You are a poet.', 'user: Write a haiku about tracing.']);
    expect(summarize(view.outputMessages)).toEqual(['assistant: Spans drift like petals']);
  });
});

describe('spec-openllmetry-legacy.otlp.json (§2.2: flattened gen_ai.prompt.{i} / gen_ai.completion.{i})', () => {
  const all = normalizeAll(loadSpans(genai('spec-openllmetry-legacy.otlp.json')));

  it('flattened prompts and completions with tool calls; llm.usage.total_tokens; llm.request.functions', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.conventions).toEqual(expect.arrayContaining(['openllmetry']));
    expect(first!.conventions).not.toContain('openinference');
    expect(first!.provider).toBe('OpenAI');
    expect(first!.usage).toEqual({ inputTokens: 55, outputTokens: 21, totalTokens: 76, cacheReadTokens: 0 });
    expect(summarize(first!.inputMessages)).toEqual(['system: You plan trips.', 'user: Plan a day in Rome']);
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call find_sights(call_rome_1) {"city":"Rome"}']);
    expect(first!.finishReasons).toEqual(['tool_calls']);
    expect(first!.toolDefinitions).toEqual([expect.objectContaining({ name: 'find_sights' })]);
    expect(summarize(second!.inputMessages).slice(2)).toEqual(['assistant: tool_call find_sights(call_rome_1) {"city":"Rome"}', 'tool: tool_result(call_rome_1) ["Colosseum","Pantheon"]']);
    expect(second!.sessionId).toBe('session-legacy-7');
  });

  it('workflow entity input/output; tool span; conversation', () => {
    const workflow = viewsOf(all, 'workflow')[0]!;
    expect(summarize(workflow.inputMessages)).toEqual(['user: Plan a day in Rome']);
    expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'find_sights', arguments: { city: 'Rome' }, result: ['Colosseum', 'Pantheon'] });
    expect(timeline(buildConversation('t', all).items)).toEqual([
      'model gpt-4o-mini-2024-07-18 new=[system: You plan trips. | user: Plan a day in Rome] out=[assistant: tool_call find_sights(call_rome_1) {"city":"Rome"}]',
      'tool find_sights(call_rome_1) {"city":"Rome"} -> ["Colosseum","Pantheon"]',
      'model gpt-4o-mini new=[] out=[assistant: Visit the Colosseum.]',
    ]);
  });
});

describe('spec-pydantic-ai.otlp.json (§6.1: `events` attribute, operation.cost, tool_arguments/tool_response)', () => {
  const all = normalizeAll(loadSpans(genai('spec-pydantic-ai.otlp.json')));

  it('model requests read messages from the events attribute; cost and usage details', () => {
    const [first, second] = viewsOf(all, 'llm');
    expect(first!.conventions).toEqual(expect.arrayContaining(['logfire']));
    expect(first!.reportedCostUsd).toBe(0.00055);
    expect(first!.usage).toMatchObject({ inputTokens: 120, outputTokens: 25, cacheReadTokens: 64 });
    expect(summarize(first!.inputMessages)).toEqual(['system: Be a helpful support agent.', 'user: My order 42 is late.']);
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call order_status(call_order_42) {"order_id":42}']);
    expect(summarize(second!.inputMessages).slice(2)).toEqual(['assistant: tool_call order_status(call_order_42) {"order_id":42}', 'tool: tool_result(call_order_42) shipped yesterday']);
    expect(summarize(second!.outputMessages)).toEqual(['assistant: Your order shipped yesterday.']);
  });

  it('agent run (agent_name) and running tool spans; conversation', () => {
    expect(viewsOf(all, 'agent')[0]!.agentName).toBe('support_agent');
    expect(viewsOf(all, 'tool')[0]!.tool).toEqual({ name: 'order_status', callId: 'call_order_42', arguments: '{"order_id":42}', result: 'shipped yesterday' });
    expect(timeline(buildConversation('t', all).items)).toEqual([
      'agent support_agent',
      'model gpt-4o-2024-08-06 new=[system: Be a helpful support agent. | user: My order 42 is late.] out=[assistant: tool_call order_status(call_order_42) {"order_id":42}]',
      'tool order_status(call_order_42) {"order_id":42} -> shipped yesterday',
      'model gpt-4o new=[] out=[assistant: Your order shipped yesterday.]',
    ]);
  });
});
