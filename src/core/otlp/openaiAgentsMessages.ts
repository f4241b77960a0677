/**
 * The messages of an OpenAI Agents SDK `generation` span → the OTel GenAI message JSON
 * (`gen_ai.input.messages` / `gen_ai.output.messages`, semantic conventions v1.37+, schemas
 * `gen-ai-input-messages.json` / `gen-ai-output-messages.json`; docs/genai-conventions.md §1.5).
 *
 * What the SDK puts there (`OpenAIChatCompletionsModel`, agents-js `openaiChatCompletionsModel.ts`;
 * `openai_chatcompletions.py`): `input` is the Chat Completions request's `messages` (OpenAI chat
 * format: `{role, content: string | parts | null, tool_calls?, tool_call_id?, name?, refusal?}`);
 * `output` is `[ChatCompletion]` (JS: the whole response, `{id, model, choices:[{message,
 * finish_reason}], usage, …}`) or `[ChatCompletionMessage]` (Python: `message.model_dump()`).
 *
 * The conversion is exact or not done: a message becomes `{role, parts, name?, finish_reason?}`
 * plus its other non-null fields as they are (the schemas allow additional properties); content
 * parts map `text` → `{type:'text',content}`, `image_url` → `{type:'uri',modality:'image',uri}`,
 * `input_audio` → `{type:'blob',modality:'audio',content,format}`, tool calls →
 * `{type:'tool_call',id,name,arguments}` (arguments kept as sent: a JSON string),
 * a `tool` message → `{type:'tool_call_response',id,response}`, a refusal →
 * `{type:'refusal',content}`; other part types are kept as they are (a generic part). An input
 * that is not a list of such messages (e.g. Responses API items from another model provider)
 * is not converted: the caller keeps it as OpenInference-style `input.value` / `output.value`.
 */
import type { AttributeValue } from '../../model/trace';

type Json = AttributeValue;
type JsonRecord = { [key: string]: Json };

function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Chat Completions `finish_reason` → the OTel output message's (`tool_calls` is `tool_call` there). */
function finishReasonOf(reason: Json | undefined): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return reason === 'tool_calls' || reason === 'function_call' ? 'tool_call' : reason;
}

/** One chat content part → an OTel part. */
function contentPart(p: Json): Json {
  if (typeof p === 'string') return { type: 'text', content: p };
  if (!isRecord(p)) return { type: 'text', content: JSON.stringify(p) };
  const { type, ...rest } = p;
  if (type === 'text' && typeof rest.text === 'string') {
    const { text, ...more } = rest;
    return { type: 'text', content: text, ...more };
  }
  if (type === 'image_url' && isRecord(rest.image_url) && typeof rest.image_url.url === 'string') {
    const { url, ...more } = rest.image_url;
    return { type: 'uri', modality: 'image', uri: url, ...more };
  }
  if (type === 'input_audio' && isRecord(rest.input_audio) && typeof rest.input_audio.data === 'string') {
    const { data, ...more } = rest.input_audio;
    return { type: 'blob', modality: 'audio', content: data, ...more };
  }
  if (type === 'refusal' && typeof rest.refusal === 'string') return { type: 'refusal', content: rest.refusal };
  return p;
}

/** One chat tool call → an OTel `tool_call` part; `undefined` when it is not a function call. */
function toolCallPart(call: Json): Json | undefined {
  if (!isRecord(call)) return undefined;
  const fn = call.function;
  if (!isRecord(fn) || typeof fn.name !== 'string') return undefined;
  const part: JsonRecord = { type: 'tool_call', name: fn.name };
  if (typeof call.id === 'string') part.id = call.id;
  if (fn.arguments !== undefined) part.arguments = fn.arguments;
  return part;
}

/** One chat message → an OTel message, or `undefined` when it is not a chat message. */
function chatMessage(m: Json, finishReason?: string): JsonRecord | undefined {
  if (!isRecord(m) || typeof m.role !== 'string') return undefined;
  const { role, content, tool_calls, tool_call_id, refusal, name, ...others } = m;
  const parts: Json[] = [];
  if (role === 'tool') {
    const response: JsonRecord = { type: 'tool_call_response', response: content ?? null };
    if (typeof tool_call_id === 'string') response.id = tool_call_id;
    parts.push(response);
  } else {
    if (typeof content === 'string') {
      if (content !== '') parts.push({ type: 'text', content });
    } else if (Array.isArray(content)) {
      for (const p of content) parts.push(contentPart(p));
    } else if (content !== null && content !== undefined) {
      return undefined;
    }
    if (typeof tool_call_id === 'string') others.tool_call_id = tool_call_id;
  }
  if (typeof refusal === 'string') parts.push({ type: 'refusal', content: refusal });
  if (Array.isArray(tool_calls)) {
    for (const call of tool_calls) {
      const part = toolCallPart(call);
      if (!part) return undefined;
      parts.push(part);
    }
  } else if (tool_calls !== null && tool_calls !== undefined) {
    return undefined;
  }
  const out: JsonRecord = { role, parts };
  if (typeof name === 'string') out.name = name;
  if (finishReason !== undefined) out.finish_reason = finishReason;
  for (const [key, value] of Object.entries(others)) {
    // Empty fields of a dumped message object (`audio: null`, `annotations: []`) say nothing.
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/** A generation span's `input` → `gen_ai.input.messages`, or `undefined` when it is not chat messages. */
export function chatInputMessages(input: Json | undefined): Json[] | undefined {
  if (!Array.isArray(input)) return undefined;
  const out: Json[] = [];
  for (const m of input) {
    const converted = chatMessage(m);
    if (!converted) return undefined;
    out.push(converted);
  }
  return out;
}

/** Fields of a `ChatCompletion` that the conversion reads. */
export interface ChatOutput {
  messages: Json[];
  /** `ChatCompletion.id` / `.model` (JS output) → `gen_ai.response.id` / `.model`. */
  responseId?: string;
  responseModel?: string;
  /** The choices' `finish_reason`s as the API sent them (→ `gen_ai.response.finish_reasons`). */
  finishReasons: string[];
  /**
   * The first `ChatCompletion.usage` (Chat Completions names: `prompt_tokens`, …), taken out of
   * `rest` (then `rest[0]` is that completion's rest): the caller maps what it can and puts the
   * remainder back as `rest[0].usage`. The JS SDK sets no span `usage` on a non-streamed call,
   * so this is the only usage such a span has.
   */
  usage?: { [key: string]: Json };
  /**
   * What is left of the output once the messages, ids and finish reasons are taken (e.g.
   * `created`, `usage`, `system_fingerprint`, each choice's `index`/`logprobs`); `undefined` when
   * nothing is.
   */
  rest?: Json;
}

/**
 * A generation span's `output` → output messages: `[ChatCompletion]` (one message per choice,
 * with its finish reason) or a list of chat messages. `undefined` when it is neither.
 */
export function chatOutputMessages(output: Json | undefined): ChatOutput | undefined {
  if (!Array.isArray(output)) return undefined;
  const result: ChatOutput = { messages: [], finishReasons: [] };
  const rest: Json[] = [];
  let hasRest = false;
  for (const item of output) {
    if (isRecord(item) && Array.isArray(item.choices)) {
      const { id, model, choices, ...others } = item;
      if (result.usage === undefined && rest.length === 0 && isRecord(others.usage)) {
        result.usage = others.usage;
        delete others.usage;
      }
      if (typeof id === 'string' && result.responseId === undefined) result.responseId = id;
      else if (id !== undefined) others.id = id;
      if (typeof model === 'string' && result.responseModel === undefined) result.responseModel = model;
      else if (model !== undefined) others.model = model;
      const choiceRest: Json[] = [];
      for (const choice of choices) {
        if (!isRecord(choice)) return undefined;
        const { message, finish_reason, ...choiceOthers } = choice;
        const reason = finishReasonOf(finish_reason);
        const converted = chatMessage(message, reason);
        if (!converted) return undefined;
        result.messages.push(converted);
        if (typeof finish_reason === 'string') result.finishReasons.push(finish_reason);
        choiceRest.push(choiceOthers);
      }
      others.choices = choiceRest;
      rest.push(others);
      hasRest = true;
    } else {
      const converted = chatMessage(item);
      if (!converted) return undefined;
      result.messages.push(converted);
      rest.push({});
    }
  }
  if (hasRest) result.rest = rest;
  return result;
}
