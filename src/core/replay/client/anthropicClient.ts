/**
 * Sends a Messages request body with the official `@anthropic-ai/sdk` and streams the answer into
 * a `ReplayAccumulator`.
 *
 * Wire format (Anthropic API docs, "Streaming Messages"): `event: message_start` (the message with
 * `id`, `model`, `usage`), per content block `content_block_start` (`text` or `tool_use` with
 * `id`, `name`, `input: {}`), `content_block_delta` (`text_delta.text`,
 * `input_json_delta.partial_json`, `thinking_delta`, `signature_delta`), `content_block_stop`,
 * then `message_delta` (`delta.stop_reason`, cumulative `usage`), `message_stop`; `ping` and
 * `error` events in between (the SDK skips pings and throws on `error`).
 *
 * The SDK is told everything explicitly so nothing comes from the extension host's environment or
 * disk (`ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`, profiles, `ANTHROPIC_BASE_URL`,
 * `ANTHROPIC_LOG`): no retries, logging off, and its own OpenTelemetry spans off (they would go
 * to any tracer provider registered in the extension host and add trace headers).
 * (`ANTHROPIC_CUSTOM_HEADERS`, the user's own extra headers, is still honoured by the SDK.) This SDK
 * version sends the key as `Authorization: Bearer`.
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AnthropicError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, MessageDeltaUsage, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { GenAiUsage } from '../../../model/genai';
import { anthropicBaseUrl } from './endpoint';
import { sdkFailure, type ProviderFailure } from './errors';
import type { ProviderCall } from './openaiClient';

/** The SDK client for a base URL. */
export function anthropicClientFor(baseUrl: string | undefined, apiKey: string, timeoutMs: number, fetchImpl?: typeof fetch): Anthropic {
  return new Anthropic({
    apiKey,
    authToken: null,
    webhookKey: null,
    baseURL: anthropicBaseUrl(baseUrl),
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: 'off',
    openTelemetry: false,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

type RawUsage = Partial<Pick<Usage, 'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens' | 'output_tokens_details'>> | Partial<MessageDeltaUsage>;

/** The counts as Anthropic reported them so far (`message_start`, then each `message_delta`, whose counts are cumulative). */
interface AnthropicCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  thinking?: number;
}

function mergeCounts(into: AnthropicCounts, u: RawUsage | null | undefined): void {
  if (!u) return;
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  into.input = n(u.input_tokens) ?? into.input;
  into.output = n(u.output_tokens) ?? into.output;
  into.cacheRead = n(u.cache_read_input_tokens) ?? into.cacheRead;
  into.cacheWrite = n(u.cache_creation_input_tokens) ?? into.cacheWrite;
  into.thinking = n(u.output_tokens_details?.thinking_tokens) ?? into.thinking;
}

/**
 * Anthropic counts → `GenAiUsage` (src/model/genai.ts, cache-inclusive input): Anthropic's
 * `input_tokens` exclude `cache_read_input_tokens` and `cache_creation_input_tokens`, so
 * `inputTokens` = input + cache read + cache write (OTel semconv `docs/gen-ai/anthropic.md`).
 */
export function anthropicUsage(c: AnthropicCounts): GenAiUsage | undefined {
  if (c.input === undefined && c.output === undefined) return undefined;
  const usage: GenAiUsage = {};
  const cached = (c.cacheRead ?? 0) + (c.cacheWrite ?? 0);
  if (c.input !== undefined) usage.inputTokens = c.input + cached;
  if (c.output !== undefined) usage.outputTokens = c.output;
  if (usage.inputTokens !== undefined && usage.outputTokens !== undefined) usage.totalTokens = usage.inputTokens + usage.outputTokens;
  if (c.cacheRead !== undefined) usage.cacheReadTokens = c.cacheRead;
  if (c.cacheWrite !== undefined) usage.cacheWriteTokens = c.cacheWrite;
  if (c.thinking !== undefined) usage.reasoningTokens = c.thinking;
  if (c.input !== undefined && cached > 0) {
    usage.inputReading = {
      cache: 'excluded',
      reportedInputTokens: c.input,
      because: "Anthropic's input_tokens exclude cache_read_input_tokens and cache_creation_input_tokens",
    };
  }
  return usage;
}

/** Streams one Messages call. Throws the SDK's errors (see `anthropicFailure`). */
export async function streamAnthropic(call: ProviderCall): Promise<void> {
  const { acc } = call;
  const client = anthropicClientFor(call.baseUrl, call.apiKey, call.timeoutMs, call.fetch);
  const params = { ...call.body, stream: true } as unknown as MessageCreateParamsStreaming;
  const stream = await client.messages.create(params, { signal: call.signal });
  const counts: AnthropicCounts = {};
  /** Content block index → tool call position. */
  const toolIndex = new Map<number, number>();
  for await (const ev of stream) {
    acc.activity();
    switch (ev.type) {
      case 'message_start':
        if (ev.message.id) acc.responseId = ev.message.id;
        if (ev.message.model) acc.responseModel = ev.message.model;
        mergeCounts(counts, ev.message.usage);
        break;
      case 'content_block_start': {
        const block = ev.content_block;
        if (block.type === 'text') acc.addText(block.text);
        else if (block.type === 'tool_use') {
          const position = toolIndex.size;
          toolIndex.set(ev.index, position);
          const input = block.input;
          const initial = input && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
          acc.addToolCall(position, { id: block.id, name: block.name, argumentsDelta: initial });
        }
        break;
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d.type === 'text_delta') acc.addText(d.text);
        else if (d.type === 'input_json_delta') {
          const position = toolIndex.get(ev.index);
          if (position !== undefined) acc.addToolCall(position, { argumentsDelta: d.partial_json });
        }
        break;
      }
      case 'message_delta':
        if (ev.delta.stop_reason) acc.finishReason = ev.delta.stop_reason;
        mergeCounts(counts, ev.usage);
        break;
      default:
        break;
    }
    const usage = anthropicUsage(counts);
    if (usage) acc.usage = usage;
  }
  acc.fillEmptyArguments();
}

/** The provider-neutral failure for an error thrown by `streamAnthropic`. */
export function anthropicFailure(err: unknown): ProviderFailure {
  return sdkFailure(err, { userAbort: APIUserAbortError, timeout: APIConnectionTimeoutError, connection: APIConnectionError, api: APIError, base: AnthropicError });
}
