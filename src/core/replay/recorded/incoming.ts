/**
 * An incoming provider request body (what the re-run app sends to the recorded-response server)
 * → the provider-neutral shape the matcher compares: system instructions, messages, tool names,
 * model, stream flags.
 *
 * Accepted bodies:
 * - OpenAI Chat Completions create (`POST /v1/chat/completions`,
 *   https://platform.openai.com/docs/api-reference/chat/create): `model`, `messages` (roles `system`,
 *   `developer`, `user`, `assistant` with `tool_calls`, `tool` with `tool_call_id`; content a string
 *   or content parts), `tools[].function.name`, `stream`, `stream_options.include_usage`.
 * - Anthropic Messages create (`POST /v1/messages`, https://docs.anthropic.com/en/api/messages):
 *   `model`, `system` (string or text blocks), `messages` (content a string or blocks `text`,
 *   `tool_use`, `tool_result`, `image`, `thinking`, …), `tools[].name`, `stream`.
 *
 * This is the server's own minimal reader, kept behind `parseIncomingRequest` so the replay
 * request helper's full parser (`src/core/replay/wire/{openai,anthropic}Request.ts`) can take its
 * place without touching the matcher. Message parts are read by the project's converters
 * (src/core/genai/messages.ts), the same ones that read recorded OpenAI/Anthropic-shaped content.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../../model/genai';
import type { ReplayProviderKind } from '../../../model/replay';
import { toInstructionParts, toMessage } from '../../genai/messages';
import { isRecord, str } from '../../genai/values';

/** An incoming request body, provider-neutral (system instructions kept apart from `messages`). */
export interface IncomingRequest {
  model?: string;
  /** System instructions: Anthropic `system`, or the OpenAI `system`/`developer` messages' parts in order. */
  system?: GenAiMessagePart[];
  /** The conversation without system messages, in order. */
  messages: GenAiMessage[];
  /** Names of the tools offered (`tools[].function.name` / `tools[].name`). */
  toolNames: string[];
  /** `stream: true`. */
  stream: boolean;
  /** OpenAI `stream_options.include_usage: true` (a final chunk carries the usage). */
  includeUsage: boolean;
}

/** The body could not be read as a request of that API: `message` says why (no content quoted). */
export interface IncomingRequestError {
  error: string;
}

/**
 * Reads a parsed JSON body sent to the `api` endpoint. Returns an error (never throws) when the
 * body is not an object or has no `messages` array.
 */
export function parseIncomingRequest(api: ReplayProviderKind, body: unknown): IncomingRequest | IncomingRequestError {
  if (!isRecord(body)) return { error: 'the request body is not a JSON object' };
  if (!Array.isArray(body.messages)) return { error: 'the request body has no "messages" array' };
  const system: GenAiMessagePart[] = [];
  if (api === 'anthropic') system.push(...(toInstructionParts(body.system) ?? []));
  const messages: GenAiMessage[] = [];
  for (const raw of body.messages) {
    const m = toMessage(raw, 'user');
    if (!m) continue;
    const role = m.role.toLowerCase();
    if (role === 'system' || role === 'developer') system.push(...m.parts);
    else messages.push(m);
  }
  const request: IncomingRequest = {
    messages,
    toolNames: toolNamesOf(body.tools),
    stream: body.stream === true,
    includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
  };
  const model = str(body.model);
  if (model !== undefined) request.model = model;
  if (system.length > 0) request.system = system;
  return request;
}

function toolNamesOf(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const t of tools) {
    if (!isRecord(t)) continue;
    const name = str(isRecord(t.function) ? t.function.name : undefined) ?? str(t.name);
    if (name !== undefined) names.push(name);
  }
  return names;
}
