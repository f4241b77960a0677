/**
 * `ReplayRequest` ↔ an OpenAI Chat Completions request body (`POST {baseUrl}/chat/completions`,
 * https://platform.openai.com/docs/api-reference/chat/create; shapes as in the `openai` SDK's
 * `ChatCompletionCreateParams`):
 * - system instructions → one leading `system` message (a string, or text parts when several);
 * - user content → a string, or parts `text` / `image_url` (`{url}`: a `data:` URL or https URL) /
 *   `file` (`{file_id}`);
 * - assistant → `content` (text) + `tool_calls: [{id, type:'function', function:{name, arguments}}]`
 *   (`arguments` as JSON text); reasoning parts are not sent (Chat Completions takes none back);
 * - each tool result → `{role:'tool', tool_call_id, content}` (text; other values as JSON);
 * - tools → `{type:'function', function:{name, description, parameters}}`; tool choice
 *   `auto`/`none`/`required`/`{type:'function', function:{name}}` (sent only with tools);
 * - `response_format` as recorded (OpenAI form); `stream` + `stream_options.include_usage` when
 *   streaming (so the last chunk carries usage).
 * Parameters: `temperature`, `top_p`, `frequency_penalty`, `presence_penalty`, `seed`, `user`,
 * `logprobs`, `top_logprobs`, `parallel_tool_calls`, `reasoning_effort`, `service_tier`, `store`,
 * `verbosity` as named; `stop_sequences` → `stop`; `choice.count` → `n`; `max_tokens` →
 * `max_tokens`, except for OpenAI reasoning models (`o1`…`o4*`, `gpt-5*`), which refuse it and
 * take `max_completion_tokens` (the SDK marks `max_tokens` deprecated, but compatible servers —
 * Ollama, vLLM, LM Studio, older Azure API versions — read only `max_tokens`). Anything else
 * (e.g. Anthropic's `top_k`) is left out with a gap: OpenAI refuses unknown arguments.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../../model/genai';
import type { ReplayGap, ReplayRequest } from '../../../model/replay';
import { mediaSendable } from '../replayMessages';
import {
  WireGaps,
  argumentsText,
  modelOf,
  parseProviderRequest,
  placeholderText,
  resultText,
  textsOf,
  toolChoiceOf,
  wantsStream,
  type ParsedProviderRequest,
  type WireOptions,
} from './common';

export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { file_id: string } };

export type OpenAIChatMessage =
  | { role: 'system' | 'developer'; content: string | { type: 'text'; text: string }[] }
  | { role: 'user'; content: string | OpenAIContentPart[]; name?: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
      name?: string;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** An OpenAI Chat Completions request body. */
export interface OpenAIChatBody {
  model: string;
  messages: OpenAIChatMessage[];
  tools?: OpenAITool[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  response_format?: unknown;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  [parameter: string]: unknown;
}

/** Scalar parameters sent under their own name. */
const SCALAR_PARAMS: ReadonlySet<string> = new Set([
  'temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'seed', 'user', 'logprobs', 'top_logprobs', 'parallel_tool_calls',
  'reasoning_effort', 'service_tier', 'store', 'verbosity', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention',
]);

/** Object parameters of an OpenAI recording sent as they are. */
const OBJECT_PARAMS: ReadonlySet<string> = new Set(['logit_bias', 'metadata', 'prediction', 'audio', 'web_search_options', 'modalities']);

/** OpenAI reasoning models (o-series, GPT-5): `max_completion_tokens` instead of `max_tokens`. */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(?:[\w.-]+\/)?(?:o\d|gpt-5)/i.test(model);
}

function userContent(parts: readonly GenAiMessagePart[], gaps: WireGaps): string | OpenAIContentPart[] {
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.content;
  const out: OpenAIContentPart[] = [];
  for (const p of parts) {
    if (p.type === 'text') out.push({ type: 'text', text: p.content });
    else if (p.type === 'media') {
      const how = mediaSendable(p);
      const image = p.modality === 'image' || (p.mimeType?.startsWith('image/') ?? false) || p.dataUri !== undefined;
      if (how === 'inline' || (how === 'url' && image)) out.push({ type: 'image_url', image_url: { url: p.dataUri ?? p.uri! } });
      else if (how === 'file-id') out.push({ type: 'file', file: { file_id: p.fileId! } });
      else {
        out.push({ type: 'text', text: placeholderText(p) });
        gaps.add('media', how === 'url' ? `A ${p.modality ?? 'media'} part known by URL only is sent as text: Chat Completions takes images by URL, not ${p.modality ?? 'other media'}.` : 'Media without recorded bytes or URL is sent as a text placeholder.');
      }
    } else if (p.type === 'reasoning') gaps.add('reasoning', 'Reasoning in user messages is not sent.');
    else if (p.type === 'other') {
      out.push({ type: 'text', text: placeholderText(p) });
      gaps.add('messages', 'A message part of an unknown type is sent as its JSON text.');
    } else gaps.add('messages', `A ${p.type} part in a user message is not sent.`);
  }
  return out;
}

function assistantMessage(m: GenAiMessage, gaps: WireGaps): OpenAIChatMessage | undefined {
  const texts = textsOf(m.parts);
  const calls = m.parts.flatMap((p) => (p.type === 'tool_call' ? [{ id: p.id ?? '', type: 'function' as const, function: { name: p.name, arguments: argumentsText(p.arguments) } }] : []));
  if (m.parts.some((p) => p.type === 'reasoning')) gaps.add('reasoning', 'Reasoning from earlier assistant turns is not sent: Chat Completions takes none back.');
  if (m.parts.some((p) => p.type === 'media' || p.type === 'other')) gaps.add('messages', 'Media or unknown parts of assistant messages are not sent.');
  if (texts.length === 0 && calls.length === 0) return undefined;
  const msg: OpenAIChatMessage = { role: 'assistant', content: texts.length ? texts.join('') : null };
  if (calls.length) msg.tool_calls = calls;
  if (m.name !== undefined) msg.name = m.name;
  return msg;
}

function systemMessage(parts: readonly GenAiMessagePart[], gaps: WireGaps, role: 'system' | 'developer' = 'system'): OpenAIChatMessage | undefined {
  const texts = textsOf(parts);
  if (texts.length < parts.length) gaps.add('system', 'Only the text of the system instructions is sent.');
  if (texts.length === 0) return undefined;
  return { role, content: texts.length === 1 ? texts[0]! : texts.map((text) => ({ type: 'text' as const, text })) };
}

/** The OpenAI Chat Completions messages of a request (system first). */
export function openaiMessages(request: Pick<ReplayRequest, 'system' | 'messages'>, gaps = new WireGaps()): OpenAIChatMessage[] {
  const out: OpenAIChatMessage[] = [];
  if (request.system?.length) {
    const s = systemMessage(request.system, gaps);
    if (s) out.push(s);
  }
  for (const m of request.messages) {
    if (m.role === 'system' || m.role === 'developer') {
      const s = systemMessage(m.parts, gaps, m.role);
      if (s) out.push(s);
    } else if (m.role === 'assistant') {
      const a = assistantMessage(m, gaps);
      if (a) out.push(a);
    } else if (m.role === 'tool') {
      for (const p of m.parts) {
        if (p.type === 'tool_call_response') out.push({ role: 'tool', tool_call_id: p.id ?? '', content: resultText(p.response) });
      }
    } else {
      if (m.role !== 'user') gaps.add('messages', `Messages with role ${m.role} are sent as user messages.`);
      if (m.parts.length === 0) continue;
      const msg: OpenAIChatMessage = { role: 'user', content: userContent(m.parts, gaps) };
      if (m.name !== undefined) msg.name = m.name;
      out.push(msg);
    }
  }
  return out;
}

/**
 * The OpenAI Chat Completions body of a replay, and what the conversion could not carry
 * (`gaps`, beside the request's own `missing`).
 */
export function openaiRequestBody(request: ReplayRequest, options: WireOptions = {}): { body: OpenAIChatBody; gaps: ReplayGap[] } {
  const gaps = new WireGaps();
  const model = modelOf(request, options, gaps);
  const body: OpenAIChatBody = { model, messages: openaiMessages(request, gaps) };
  for (const [name, value] of Object.entries(request.parameters)) {
    if (name === 'max_tokens') body[isOpenAIReasoningModel(model) ? 'max_completion_tokens' : 'max_tokens'] = value;
    else if (name === 'stop_sequences') body.stop = value;
    else if (name === 'choice.count') body.n = value;
    else if (SCALAR_PARAMS.has(name)) body[name] = value;
    else gaps.add('parameters', `${name} is not a Chat Completions parameter: not sent.`);
  }
  if (Array.isArray(body.stop) && body.stop.length > 4) gaps.add('parameters', 'OpenAI accepts at most 4 stop sequences.');
  for (const [name, value] of Object.entries(request.providerParameters ?? {})) {
    if (request.providerParametersKind === 'openai' && OBJECT_PARAMS.has(name)) body[name] = value;
    else gaps.add('parameters', `${name} (${request.providerParametersKind ?? 'provider'} setting) is not sent to an OpenAI-compatible API.`);
  }
  if (request.tools.length) {
    body.tools = request.tools.map((t) => {
      const fn: OpenAITool['function'] = { name: t.name };
      if (t.description !== undefined) fn.description = t.description;
      if (typeof t.parameters === 'object' && t.parameters !== null && !Array.isArray(t.parameters)) fn.parameters = t.parameters as Record<string, unknown>;
      return { type: 'function', function: fn };
    });
    const choice = toolChoiceOf(request.toolChoice);
    if (choice) {
      body.tool_choice = choice.mode === 'tool' ? { type: 'function', function: { name: choice.name! } } : choice.mode;
      if (choice.disableParallel && body.parallel_tool_calls === undefined) body.parallel_tool_calls = false;
    } else if (request.toolChoice !== undefined) gaps.add('toolChoice', `The recorded tool choice ${JSON.stringify(request.toolChoice)} has no Chat Completions equivalent: not sent.`);
  } else if (request.toolChoice !== undefined) {
    gaps.add('toolChoice', 'A tool choice without tool definitions is not sent (OpenAI refuses it).');
  }
  if (request.responseFormat !== undefined) body.response_format = request.responseFormat;
  if (wantsStream(request, options)) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { body, gaps: gaps.list };
}

/**
 * An OpenAI Chat Completions request body (as an app sends it) in the replay's canonical form:
 * system messages lifted into `system`, each tool result its own `tool` message. `{error}` when
 * the body is not an object with a `messages` array.
 */
export function parseOpenAIRequest(body: unknown): ParsedProviderRequest | { error: string } {
  return parseProviderRequest(body, 'OpenAI Chat Completions');
}
