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
 * Read by the same parsers that turn a rebuilt request into a body and back
 * (`src/core/replay/wire/{openai,anthropic}Request.ts`), so a request the playground or Copy as
 * Code sends and one the app sends compare alike.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../../model/genai';
import type { ReplayProviderKind } from '../../../model/replay';
import { isRecord } from '../../genai/values';
import { parseAnthropicRequest } from '../wire/anthropicRequest';
import { parseOpenAIRequest } from '../wire/openaiRequest';

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
  const parsed = api === 'openai' ? parseOpenAIRequest(body) : parseAnthropicRequest(body);
  if ('error' in parsed) return parsed;
  const request: IncomingRequest = {
    messages: parsed.messages,
    toolNames: parsed.tools.map((t) => t.name),
    stream: parsed.stream,
    includeUsage: isRecord(body) && isRecord(body.stream_options) && body.stream_options.include_usage === true,
  };
  if (parsed.model !== undefined) request.model = parsed.model;
  if (parsed.system?.length) request.system = parsed.system;
  return request;
}

