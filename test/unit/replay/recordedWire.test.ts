/**
 * Answers built from recorded calls whatever convention recorded them: finish reasons of every
 * vocabulary mapped to the values the OpenAI and Anthropic API references list, stable ids when
 * none were recorded, arguments recorded as objects or text, unknown usage, several choices.
 */
import { describe, expect, it } from 'vitest';
import { anthropicStopReason, finishKindOf, openAIFinishReason, pieces } from '../../../src/core/replay/recorded/answer';
import { openAIChunks, openAICompletion } from '../../../src/core/replay/recorded/openaiWire';
import { anthropicEvents, anthropicMessage } from '../../../src/core/replay/recorded/anthropicWire';
import type { RecordedCall } from '../../../src/model/replay';
import type { SpanId } from '../../../src/model/ids';

function call(extra: Partial<RecordedCall>): RecordedCall {
  return { index: 3, spanId: 'dddddddddddddddd' as SpanId, spanName: 'chat', kind: 'openai', inputMessages: [], outputMessages: [], toolNames: [], ...extra };
}

describe('finish reasons', () => {
  // recorded value → [OpenAI finish_reason, Anthropic stop_reason]
  const cases: [string | undefined, boolean, string, string][] = [
    ['stop', false, 'stop', 'end_turn'],
    ['end_turn', false, 'stop', 'end_turn'],
    ['STOP', false, 'stop', 'end_turn'], // Gemini
    ['stop_sequence', false, 'stop', 'stop_sequence'],
    ['length', false, 'length', 'max_tokens'],
    ['max_tokens', false, 'length', 'max_tokens'],
    ['MAX_TOKENS', false, 'length', 'max_tokens'],
    ['tool_calls', true, 'tool_calls', 'tool_use'],
    ['tool_call', true, 'tool_calls', 'tool_use'], // OTel GenAI
    ['tool-calls', true, 'tool_calls', 'tool_use'], // Vercel AI SDK
    ['tool_use', true, 'tool_calls', 'tool_use'],
    ['content_filter', false, 'content_filter', 'refusal'],
    ['content-filter', false, 'content_filter', 'refusal'],
    ['refusal', false, 'content_filter', 'refusal'],
    ['pause_turn', false, 'stop', 'pause_turn'],
    [undefined, true, 'tool_calls', 'tool_use'],
    [undefined, false, 'stop', 'end_turn'],
    ['error', false, 'stop', 'end_turn'],
  ];
  for (const [raw, tools, openai, anthropic] of cases) {
    it(`${String(raw)}${tools ? ' (with tool calls)' : ''} → ${openai} / ${anthropic}`, () => {
      const kind = finishKindOf(raw, tools);
      expect(openAIFinishReason(kind)).toBe(openai);
      expect(anthropicStopReason(kind)).toBe(anthropic);
    });
  }
});

describe('answers without recorded ids or usage', () => {
  const noIds = call({
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Checking.' }, { type: 'tool_call', name: 'a', arguments: { x: 1 } }, { type: 'tool_call', name: 'b', arguments: 'not json' }] }],
  });

  it('OpenAI: stable ids from the call index, object arguments as JSON text, no usage when none was recorded', () => {
    const body = openAICompletion(noIds, 'gpt-x', 7) as { id: string; model: string; created: number; usage?: unknown; choices: { message: { content: string; tool_calls: { id: string; function: { arguments: string } }[] }; finish_reason: string }[] };
    expect(body.id).toBe('chatcmpl-tracelens-3');
    expect(body.model).toBe('gpt-x');
    expect(body.created).toBe(7);
    expect(body.usage).toBeUndefined();
    expect(body.choices[0]!.message.content).toBe('Checking.');
    expect(body.choices[0]!.message.tool_calls.map((c) => [c.id, c.function.arguments])).toEqual([
      ['call_tl_3_0', '{"x":1}'],
      ['call_tl_3_1', 'not json'],
    ]);
    expect(body.choices[0]!.finish_reason).toBe('tool_calls');
    expect(openAICompletion(noIds, 'gpt-x', 7)).toEqual(body); // stable across requests
  });

  it('Anthropic: tool_use ids toolu_tl_…, text that is not a JSON object becomes input {}, zero usage', () => {
    const message = anthropicMessage(noIds, undefined) as { id: string; model: string; content: unknown[]; usage: unknown; stop_reason: string };
    expect(message.id).toBe('msg_tracelens_3');
    expect(message.model).toBe('unknown');
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking.', citations: null },
      { type: 'tool_use', id: 'toolu_tl_3_0', name: 'a', input: { x: 1 } },
      { type: 'tool_use', id: 'toolu_tl_3_1', name: 'b', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    const events = anthropicEvents(noIds, undefined);
    const json = events
      .filter((e) => e.event === 'content_block_delta' && (e.data.delta as { type: string }).type === 'input_json_delta' && e.data.index === 1)
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ x: 1 });
  });

  it('OpenAI: one choice per recorded output message (n > 1), streamed per choice index', () => {
    const two = call({
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'One.' }], finishReason: 'stop' },
        { role: 'assistant', parts: [{ type: 'text', content: 'Two, longer than one piece of streamed text.' }], finishReason: 'length' },
      ],
      usage: { inputTokens: 5, outputTokens: 9 },
    });
    const body = openAICompletion(two, 'm', 0) as { choices: { index: number; message: { content: string }; finish_reason: string }[]; usage: unknown };
    expect(body.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'One.', 'stop'],
      [1, 'Two, longer than one piece of streamed text.', 'length'],
    ]);
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
    const chunks = openAIChunks(two, 'm', 0, false) as { choices: { index: number; delta: { content?: string } }[] }[];
    const text = (i: number): string => chunks.flatMap((c) => c.choices.filter((x) => x.index === i).map((x) => x.delta.content ?? '')).join('');
    expect([text(0), text(1)]).toEqual(['One.', 'Two, longer than one piece of streamed text.']);
  });

  it('pieces: cut after spaces, never inside a surrogate pair, concatenating to the text', () => {
    const text = 'It is 18°C and sunny in Paris 🌞🌞🌞🌞🌞🌞🌞🌞🌞🌞🌞🌞🌞🌞 today.';
    const parts = pieces(text, 8);
    expect(parts.join('')).toBe(text);
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
    expect(parts[0]).toBe('It is ');
    expect(pieces('')).toEqual([]);
  });
});
