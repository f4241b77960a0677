/**
 * Sends a Chat Completions request body with the official `openai` SDK (v6) and streams the
 * answer into a `ReplayAccumulator`. Works for OpenAI, Azure OpenAI (both the v1 API and the
 * deployments API with `api-version`, see ./endpoint.ts) and any OpenAI-compatible server
 * (Ollama, LM Studio, vLLM, LiteLLM, …).
 *
 * Wire format (OpenAI API reference, "Create chat completion" and "The chat completion chunk
 * object"): `stream: true` + `stream_options.include_usage` → `data: {chat.completion.chunk}`
 * lines, `choices[].delta.{content,refusal,tool_calls[{index,id,function:{name,arguments}}]}`,
 * `choices[].finish_reason`, a last chunk with empty `choices` and `usage`, then `data: [DONE]`.
 *
 * The SDK is told everything explicitly so nothing comes from the extension host's environment
 * (`OPENAI_API_KEY`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, `OPENAI_ADMIN_KEY`, `OPENAI_BASE_URL`,
 * `OPENAI_LOG`): no retries, logging off. (`OPENAI_CUSTOM_HEADERS`, the user's own extra headers,
 * is still honoured by the SDK.)
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AzureOpenAI, OpenAIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { GenAiUsage } from '../../../model/genai';
import type { ReplayAccumulator } from './accumulate';
import { openAiEndpoint } from './endpoint';
import { sdkFailure, type ProviderFailure } from './errors';

export interface ProviderCall {
  baseUrl: string | undefined;
  /** Never empty (sendReplay puts a placeholder in for keyless local servers). */
  apiKey: string;
  body: Record<string, unknown>;
  signal: AbortSignal;
  timeoutMs: number;
  fetch?: typeof fetch | undefined;
  acc: ReplayAccumulator;
}

/** The SDK client for a base URL (OpenAI, Azure OpenAI v1, Azure OpenAI deployments). */
export function openAiClientFor(baseUrl: string | undefined, apiKey: string, timeoutMs: number, fetchImpl?: typeof fetch): OpenAI {
  const endpoint = openAiEndpoint(baseUrl);
  const common = {
    apiKey,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: 'off' as const,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
  switch (endpoint.flavour) {
    case 'openai':
      return new OpenAI({ ...common, baseURL: endpoint.baseURL });
    case 'azure-v1':
      // The v1 API takes the key as a bearer token (the plain client) or in `api-key`; send both.
      return new OpenAI({ ...common, baseURL: endpoint.baseURL, defaultHeaders: { 'api-key': apiKey } });
    case 'azure':
      return new AzureOpenAI({ ...common, baseURL: endpoint.baseURL, apiVersion: endpoint.apiVersion });
  }
}

/**
 * OpenAI `usage` → `GenAiUsage` (src/model/genai.ts): `prompt_tokens` already include
 * `prompt_tokens_details.cached_tokens` (OpenAI API reference; OTel semconv `docs/gen-ai/openai.md`),
 * `completion_tokens` include `completion_tokens_details.reasoning_tokens`.
 */
export function openAiUsage(u: ChatCompletionChunk['usage'] | undefined): GenAiUsage | undefined {
  if (!u) return undefined;
  const usage: GenAiUsage = {};
  if (typeof u.prompt_tokens === 'number') usage.inputTokens = u.prompt_tokens;
  if (typeof u.completion_tokens === 'number') usage.outputTokens = u.completion_tokens;
  if (typeof u.total_tokens === 'number') usage.totalTokens = u.total_tokens;
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') usage.cacheReadTokens = cached;
  const written = u.prompt_tokens_details?.cache_write_tokens;
  if (typeof written === 'number') usage.cacheWriteTokens = written;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  if (usage.inputTokens !== undefined && (cached ?? 0) + (written ?? 0) > 0) {
    usage.inputReading = { cache: 'included', reportedInputTokens: usage.inputTokens, because: 'OpenAI prompt_tokens include the cached tokens' };
  }
  return usage;
}

/** Streams one Chat Completions call. Throws the SDK's errors (see `openAiFailure`). */
export async function streamOpenAi(call: ProviderCall): Promise<void> {
  const { acc } = call;
  const client = openAiClientFor(call.baseUrl, call.apiKey, call.timeoutMs, call.fetch);
  const streamOptions = typeof call.body.stream_options === 'object' && call.body.stream_options !== null ? call.body.stream_options : {};
  const params = { ...call.body, stream: true, stream_options: { ...streamOptions, include_usage: true } } as unknown as ChatCompletionCreateParamsStreaming;
  const stream = await client.chat.completions.create(params, { signal: call.signal });
  for await (const chunk of stream) {
    acc.activity();
    if (chunk.id && acc.responseId === undefined) acc.responseId = chunk.id;
    if (chunk.model && acc.responseModel === undefined) acc.responseModel = chunk.model;
    const usage = openAiUsage(chunk.usage ?? undefined);
    if (usage) acc.usage = usage;
    // One answer: the first choice (a request with n > 1 is replayed for its first choice only).
    const choice = chunk.choices?.find((c) => c.index === 0) ?? chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta;
    if (delta) {
      if (typeof delta.content === 'string') acc.addText(delta.content);
      if (typeof delta.refusal === 'string') acc.addText(delta.refusal);
      for (const tc of delta.tool_calls ?? []) {
        acc.addToolCall(tc.index ?? 0, { id: tc.id ?? null, name: tc.function?.name ?? null, argumentsDelta: tc.function?.arguments ?? null });
      }
    }
    if (choice.finish_reason) acc.finishReason = choice.finish_reason;
  }
}

/** The provider-neutral failure for an error thrown by `streamOpenAi`. */
export function openAiFailure(err: unknown): ProviderFailure {
  return sdkFailure(err, { userAbort: APIUserAbortError, timeout: APIConnectionTimeoutError, connection: APIConnectionError, api: APIError, base: OpenAIError });
}
