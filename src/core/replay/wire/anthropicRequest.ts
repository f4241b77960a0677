/**
 * `ReplayRequest` ↔ an Anthropic Messages request body (`POST {baseUrl}/v1/messages`,
 * https://docs.anthropic.com/en/api/messages; shapes as in `@anthropic-ai/sdk`'s
 * `MessageCreateParams`):
 * - system instructions → top-level `system` (a string, or text blocks when several); a system
 *   message inside the conversation is appended to it (the API has no system role);
 * - turns alternate `user` / `assistant`: consecutive messages of one role are merged into one
 *   turn, tool results (`tool` messages) become `tool_result` blocks (`tool_use_id`, content text
 *   or text/image blocks) at the start of the following user turn;
 * - assistant tool calls → `tool_use` blocks (`id`, `name`, `input` object); reasoning is not sent
 *   back (a `thinking` block needs the signature the recording does not keep);
 * - media → `image` / `document` blocks (`source` base64 from a checked data URI, `url`, or `file`
 *   by file id);
 * - `max_tokens` is REQUIRED: the recorded value, else `DEFAULT_ANTHROPIC_MAX_TOKENS` with a gap;
 * - tools → `{name, description, input_schema}` (an empty object schema when none was recorded);
 *   tool choice `{type: auto|any|tool|none, name?, disable_parallel_tool_use?}`;
 * - a JSON-schema response format → `output_config.format` `{type:'json_schema', schema}`
 *   (structured outputs); `json_object` has no equivalent (gap).
 * Parameters: `temperature`, `top_p`, `top_k`, `stop_sequences` (sampling parameters are sent when
 * recorded — the 1.x SDK types no longer list temperature/top_p/top_k, the API still takes them
 * for the models that recorded them), `service_tier`, `inference_geo`, `speed`; Anthropic
 * recordings' `thinking`, `metadata`, `output_config`, `container`, `cache_control`,
 * `context_management`, `mcp_servers` as recorded. Anything else (seed, penalties, `n`) is left out with a gap.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../../model/genai';
import type { ReplayGap, ReplayRequest } from '../../../model/replay';
import { isRecord } from '../../genai/values';
import { mediaSendable } from '../replayMessages';
import {
  WireGaps,
  argumentsObject,
  modelOf,
  parseProviderRequest,
  placeholderText,
  textsOf,
  toolChoiceOf,
  wantsStream,
  type ParsedProviderRequest,
  type WireOptions,
} from './common';

/** `max_tokens` sent when the recording has none (Anthropic requires it). */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

type MediaSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string } | { type: 'file'; file_id: string };

export type AnthropicBlock =
  | { type: 'text'; text: string }
  | { type: 'image' | 'document'; source: MediaSource }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string | AnthropicBlock[] };

export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

/** An Anthropic Messages request body. */
export interface AnthropicMessagesBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | { type: 'text'; text: string }[];
  tools?: AnthropicTool[];
  tool_choice?: { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string } | { type: 'auto' | 'any' | 'tool'; name?: string; disable_parallel_tool_use: boolean };
  stream?: boolean;
  [parameter: string]: unknown;
}

const SCALAR_PARAMS: ReadonlySet<string> = new Set(['temperature', 'top_p', 'top_k', 'stop_sequences', 'service_tier', 'inference_geo', 'speed']);
const OBJECT_PARAMS: ReadonlySet<string> = new Set(['thinking', 'metadata', 'output_config', 'container', 'cache_control', 'context_management', 'mcp_servers']);

function mediaBlock(p: Extract<GenAiMessagePart, { type: 'media' }>, gaps: WireGaps): AnthropicBlock {
  const type = p.modality === 'document' || p.mimeType === 'application/pdf' ? 'document' : 'image';
  const how = mediaSendable(p);
  if (how === 'inline') {
    const m = /^data:([^;,]+);base64,(.*)$/s.exec(p.dataUri!);
    if (m) return { type, source: { type: 'base64', media_type: m[1]!, data: m[2]! } };
  }
  if (how === 'url' && (type === 'document' || p.modality === 'image' || p.mimeType?.startsWith('image/') || p.modality === undefined)) return { type, source: { type: 'url', url: p.uri! } };
  if (how === 'file-id') {
    gaps.add('media', 'Media by file id needs the Files API beta (anthropic-beta: files-api-2025-04-14) and the same account.');
    return { type, source: { type: 'file', file_id: p.fileId! } };
  }
  gaps.add('media', 'Media without recorded bytes or a usable URL is sent as a text placeholder.');
  return { type: 'text', text: placeholderText(p) };
}

function toolResultContent(response: unknown): string | AnthropicBlock[] {
  if (typeof response === 'string') return response;
  if (Array.isArray(response) && response.length > 0 && response.every((b) => isRecord(b) && (b.type === 'text' || b.type === 'image'))) {
    return response as AnthropicBlock[];
  }
  return response === undefined || response === null ? '' : JSON.stringify(response);
}

function blocksOf(m: GenAiMessage, role: 'user' | 'assistant', gaps: WireGaps): AnthropicBlock[] {
  const out: AnthropicBlock[] = [];
  for (const p of m.parts) {
    switch (p.type) {
      case 'text':
        if (p.content !== '') out.push({ type: 'text', text: p.content });
        break;
      case 'media':
        if (role === 'user') out.push(mediaBlock(p, gaps));
        else gaps.add('messages', 'Media in assistant messages is not sent.');
        break;
      case 'tool_call': {
        if (role !== 'assistant') {
          gaps.add('messages', 'A tool call outside an assistant message is not sent.');
          break;
        }
        let input = argumentsObject(p.arguments);
        if (!input) {
          gaps.add('messages', `The arguments of tool call ${p.name} are not a JSON object: sent as {}.`);
          input = {};
        }
        out.push({ type: 'tool_use', id: p.id ?? '', name: p.name, input });
        break;
      }
      case 'tool_call_response':
        out.push({ type: 'tool_result', tool_use_id: p.id ?? '', content: toolResultContent(p.response) });
        break;
      case 'reasoning':
        gaps.add('reasoning', 'Reasoning from earlier turns is not sent back: a thinking block needs its signature, which is not recorded.');
        break;
      case 'other':
        out.push({ type: 'text', text: placeholderText(p) });
        gaps.add('messages', 'A message part of an unknown type is sent as its JSON text.');
        break;
    }
  }
  return out;
}

/** The Anthropic `system` and alternating `messages` of a request. */
export function anthropicMessages(
  request: Pick<ReplayRequest, 'system' | 'messages'>,
  gaps = new WireGaps(),
): { system?: string | { type: 'text'; text: string }[]; messages: AnthropicMessageParam[] } {
  const systemTexts = textsOf(request.system ?? []);
  if (systemTexts.length < (request.system?.length ?? 0)) gaps.add('system', 'Only the text of the system instructions is sent.');
  const turns: { role: 'user' | 'assistant'; blocks: AnthropicBlock[] }[] = [];
  for (const m of request.messages) {
    if (m.role === 'system' || m.role === 'developer') {
      systemTexts.push(...textsOf(m.parts));
      gaps.add('system', 'A system message inside the conversation is appended to the system prompt (Anthropic has no system role).');
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    if (role === 'user' && m.role !== 'user' && m.role !== 'tool') gaps.add('messages', `Messages with role ${m.role} are sent as user messages.`);
    const blocks = blocksOf(m, role, gaps);
    if (blocks.length === 0) continue;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  }
  if (turns[0]?.role === 'assistant') gaps.add('messages', 'The conversation starts with an assistant turn: Anthropic may refuse it.');
  const messages = turns.map((t): AnthropicMessageParam => {
    // Tool results first in a user turn (the API wants them right after the tool_use turn).
    const blocks = t.role === 'user' ? [...t.blocks.filter((b) => b.type === 'tool_result'), ...t.blocks.filter((b) => b.type !== 'tool_result')] : t.blocks;
    return { role: t.role, content: blocks.length === 1 && blocks[0]!.type === 'text' ? blocks[0]!.text : blocks };
  });
  const out: { system?: string | { type: 'text'; text: string }[]; messages: AnthropicMessageParam[] } = { messages };
  if (systemTexts.length) out.system = systemTexts.length === 1 ? systemTexts[0]! : systemTexts.map((text) => ({ type: 'text' as const, text }));
  return out;
}

/**
 * The Anthropic Messages body of a replay, and what the conversion could not carry (`gaps`,
 * beside the request's own `missing`).
 */
export function anthropicRequestBody(request: ReplayRequest, options: WireOptions = {}): { body: AnthropicMessagesBody; gaps: ReplayGap[] } {
  const gaps = new WireGaps();
  const model = modelOf(request, options, gaps);
  const { system, messages } = anthropicMessages(request, gaps);
  const recordedMax = request.parameters.max_tokens;
  if (typeof recordedMax !== 'number') gaps.add('max_tokens', `max_tokens was not recorded and Anthropic requires it: ${DEFAULT_ANTHROPIC_MAX_TOKENS} is sent.`);
  const body: AnthropicMessagesBody = { model, max_tokens: typeof recordedMax === 'number' ? recordedMax : DEFAULT_ANTHROPIC_MAX_TOKENS, messages };
  if (system !== undefined) body.system = system;
  let disableParallel = false;
  for (const [name, value] of Object.entries(request.parameters)) {
    if (name === 'max_tokens') continue;
    if (name === 'parallel_tool_calls') disableParallel = value === false;
    else if (SCALAR_PARAMS.has(name) && !(name === 'service_tier' && value !== 'auto' && value !== 'standard_only')) body[name] = value;
    else gaps.add('parameters', `${name} is not an Anthropic Messages parameter: not sent.`);
  }
  for (const [name, value] of Object.entries(request.providerParameters ?? {})) {
    if (request.providerParametersKind === 'anthropic' && OBJECT_PARAMS.has(name)) body[name] = value;
    else gaps.add('parameters', `${name} (${request.providerParametersKind ?? 'provider'} setting) is not sent to the Anthropic API.`);
  }
  if (request.tools.length) {
    body.tools = request.tools.map((t) => {
      const tool: AnthropicTool = { name: t.name, input_schema: isRecord(t.parameters) ? t.parameters : { type: 'object', properties: {} } };
      if (!isRecord(t.parameters)) gaps.add('tools', `Tool ${t.name} has no recorded schema: sent with an empty object schema.`);
      if (t.description !== undefined) tool.description = t.description;
      return tool;
    });
    const choice = toolChoiceOf(request.toolChoice);
    if (choice || disableParallel) {
      const mode = choice?.mode ?? 'auto';
      const type = mode === 'required' ? 'any' : mode;
      if (type === 'none') body.tool_choice = { type: 'none' };
      else {
        const tc: Record<string, unknown> = { type };
        if (type === 'tool') tc.name = choice!.name;
        if (choice?.disableParallel || disableParallel) tc.disable_parallel_tool_use = true;
        body.tool_choice = tc as AnthropicMessagesBody['tool_choice'];
      }
    } else if (request.toolChoice !== undefined) gaps.add('toolChoice', `The recorded tool choice ${JSON.stringify(request.toolChoice)} has no Anthropic equivalent: not sent.`);
  } else if (request.toolChoice !== undefined) gaps.add('toolChoice', 'A tool choice without tool definitions is not sent.');
  const format = request.responseFormat;
  if (isRecord(format)) {
    if (format.type === 'json_schema' && isRecord(format.json_schema) && isRecord(format.json_schema.schema)) {
      const config = isRecord(body.output_config) ? { ...body.output_config } : {};
      config.format = { type: 'json_schema', schema: format.json_schema.schema };
      body.output_config = config;
    } else if (format.type === 'json_object') gaps.add('responseFormat', 'JSON mode without a schema has no Anthropic equivalent: the replay asks for text.');
  }
  if (wantsStream(request, options)) body.stream = true;
  return { body, gaps: gaps.list };
}

/**
 * An Anthropic Messages request body (as an app sends it) in the replay's canonical form:
 * `system` read into parts, `tool_result` blocks split into one `tool` message each.
 * `{error}` when the body is not an object with a `messages` array.
 */
export function parseAnthropicRequest(body: unknown): ParsedProviderRequest | { error: string } {
  return parseProviderRequest(body, 'Anthropic Messages');
}
