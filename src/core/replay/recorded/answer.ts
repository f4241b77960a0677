/**
 * What a recorded model call answered, in the terms both wire formats need: per output message
 * its text, its tool calls (recorded ids kept: the app sends them back with the tool results),
 * a finish reason in one vocabulary, and token usage. Pure.
 */
import type { GenAiUsage } from '../../../model/genai';
import type { RecordedCall } from '../../../model/replay';

/**
 * Why generation stopped, provider-neutral: OpenAI `stop`/`length`/`tool_calls`/`content_filter`,
 * Anthropic `end_turn`/`stop_sequence`/`max_tokens`/`tool_use`/`refusal`/`pause_turn`, OTel GenAI
 * `stop`/`length`/`tool_call`/`content_filter`/`error`, Vercel `tool-calls`/`content-filter`/`other`,
 * Gemini `STOP`/`MAX_TOKENS`/`SAFETY`, … all land on one of these.
 */
export type FinishKind = 'stop' | 'stop_sequence' | 'length' | 'tool_calls' | 'content_filter' | 'pause';

/** One tool call of a recorded answer. */
export interface AnswerToolCall {
  /** The recorded id, or a stable one (`call_tl_<call index>_<n>` / `toolu_tl_<call index>_<n>`) when none was recorded. */
  id: string;
  name: string;
  /** Arguments as JSON text (OpenAI `function.arguments`). */
  argumentsJson: string;
  /** Arguments as an object (Anthropic `tool_use.input`); `{}` when the recorded text is not a JSON object. */
  input: Record<string, unknown>;
}

/** One recorded output message (OpenAI: one choice). */
export interface AnswerChoice {
  text: string;
  toolCalls: AnswerToolCall[];
  finish: FinishKind;
}

/** Maps a recorded finish reason (any vocabulary) to `FinishKind`; unknown ones by whether tools were called. */
export function finishKindOf(raw: string | undefined, hasToolCalls: boolean): FinishKind {
  const r = (raw ?? '').toLowerCase().replace(/-/g, '_');
  switch (r) {
    case 'stop':
    case 'end_turn':
    case 'complete':
    case 'eos':
    case 'end':
    case 'finish_reason_stop':
      return 'stop';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'length':
    case 'max_tokens':
    case 'max_output_tokens':
    case 'model_length':
      return 'length';
    case 'tool_calls':
    case 'tool_call':
    case 'tool_use':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
    case 'safety':
    case 'refusal':
    case 'recitation':
    case 'blocklist':
    case 'prohibited_content':
      return 'content_filter';
    case 'pause_turn':
      return 'pause';
    default:
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}

/** OpenAI Chat Completions `finish_reason` for a `FinishKind`. */
export function openAIFinishReason(kind: FinishKind): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (kind) {
    case 'stop':
    case 'stop_sequence':
    case 'pause':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
  }
}

/** Anthropic Messages `stop_reason` for a `FinishKind`. */
export function anthropicStopReason(kind: FinishKind): 'end_turn' | 'stop_sequence' | 'max_tokens' | 'tool_use' | 'refusal' | 'pause_turn' {
  switch (kind) {
    case 'stop':
      return 'end_turn';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'pause':
      return 'pause_turn';
  }
}

function argumentsOf(value: unknown): { json: string; input: Record<string, unknown> } {
  if (value === undefined || value === null || value === '') return { json: '{}', input: {} };
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown;
      const input = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      return { json: value, input };
    } catch {
      return { json: value, input: {} };
    }
  }
  const input = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return { json: JSON.stringify(value), input };
}

/**
 * The recorded call's answer, one choice per output message (at least one: an empty answer when
 * nothing was recorded). Text parts are joined without a separator (they are consecutive pieces
 * of one answer); reasoning, media and unknown parts are not replayed.
 */
export function answerOf(call: RecordedCall, idPrefix: 'call' | 'toolu'): AnswerChoice[] {
  const messages = call.outputMessages.length > 0 ? call.outputMessages : [{ role: 'assistant', parts: [] }];
  let n = 0;
  return messages.map((m, i) => {
    let text = '';
    const toolCalls: AnswerToolCall[] = [];
    for (const p of m.parts) {
      if (p.type === 'text') text += p.content;
      else if (p.type === 'tool_call') {
        const args = argumentsOf(p.arguments);
        toolCalls.push({ id: p.id ?? `${idPrefix}_tl_${call.index}_${n}`, name: p.name, argumentsJson: args.json, input: args.input });
        n++;
      }
    }
    const raw = m.finishReason ?? call.finishReasons?.[i] ?? call.finishReasons?.[0];
    return { text, toolCalls, finish: finishKindOf(raw, toolCalls.length > 0) };
  });
}

/** Token counts as the two APIs report them; unknown counts are 0. */
export interface AnswerUsage {
  /** Cache-inclusive input tokens (OpenAI `prompt_tokens`). */
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Anthropic `input_tokens`: the uncached part (input − cache read − cache write, at least 0). */
  uncachedInputTokens: number;
  /** `false` when the recording has no usage at all. */
  known: boolean;
}

/** `GenAiUsage` (cache-inclusive `inputTokens`, src/model/genai.ts) → both APIs' counts. */
export function usageOf(usage: GenAiUsage | undefined): AnswerUsage {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  const cacheRead = usage?.cacheReadTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: usage?.totalTokens ?? input + output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    uncachedInputTokens: Math.max(0, input - cacheRead - cacheWrite),
    known: usage !== undefined && (usage.inputTokens !== undefined || usage.outputTokens !== undefined),
  };
}

/** The model named in an answer: recorded response model, else request model, else what the app asked for. */
export function answerModel(call: RecordedCall, requested: string | undefined): string {
  return call.responseModel ?? call.requestModel ?? requested ?? 'unknown';
}

/** Splits text into streaming pieces of about `size` characters, cut after whitespace where possible. */
export function pieces(text: string, size = 24): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + size);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > i) end = space + 1;
    }
    // Do not split a surrogate pair.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
