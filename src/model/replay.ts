/**
 * Replay of recorded model calls: the request a model received, rebuilt from whichever convention
 * recorded it (docs/genai-conventions.md §0), what a replay answered, and what the recorded-response
 * server ("Serve Recorded Responses…") matched. JSON-safe; shared by the back end, the extension
 * host and the playground webview.
 */
import type { SpanId, TraceId } from './ids';
import type { GenAiConvention, GenAiMessage, GenAiMessagePart, GenAiUsage } from './genai';

/** `service.name` of the traces that record replays (src/core/replay/replayTrace.ts); the Traces view marks them. */
export const REPLAY_SERVICE_NAME = 'trace-lens-replay';

/**
 * The wire format a provider speaks: `openai` = OpenAI Chat Completions (`POST {baseUrl}/chat/completions`;
 * OpenAI, Azure OpenAI, Ollama, LM Studio, vLLM, …), `anthropic` = Anthropic Messages
 * (`POST {baseUrl}/v1/messages`).
 */
export type ReplayProviderKind = 'openai' | 'anthropic';

/** One entry of the `traceLens.replay.providers` setting (the key lives in SecretStorage under `name`). */
export interface ReplayProviderConfig {
  /** Unique display name, also the SecretStorage key suffix. */
  name: string;
  kind: ReplayProviderKind;
  /** API base URL; default `https://api.openai.com/v1` (openai) or `https://api.anthropic.com` (anthropic). */
  baseUrl?: string;
  /** Model to preselect when the recorded model is not served by this provider. */
  defaultModel?: string;
  /** Recorded provider names (`gen_ai.provider.name` values such as `openai`, `azure.ai.openai`) this entry serves. */
  matches?: string[];
}

/** A tool offered to the model, in a provider-neutral form (OpenAI `function`, Anthropic `input_schema`, MCP `inputSchema`). */
export interface ReplayTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: unknown;
}

/**
 * Something the recording did not carry, flagged instead of silently dropped. `field` names what
 * (`messages`, `system`, `tools`, `parameters`, `responseFormat`, `toolChoice`, `media`,
 * `toolCallIds`, `model`, `provider`, …); `note` says why and what the replay uses instead.
 */
export interface ReplayGap {
  field: string;
  note: string;
}

/**
 * Request parameters under OTel GenAI `gen_ai.request.*` names without the prefix: `temperature`,
 * `top_p`, `top_k`, `max_tokens`, `stop_sequences` (string[]), `seed`, `frequency_penalty`,
 * `presence_penalty`, `choice.count`, plus any other recorded key as it was named
 * (OpenInference `llm.invocation_parameters` keys, Vercel `ai.settings.*` in snake_case).
 */
export type ReplayParameters = Record<string, string | number | boolean | string[]>;

/** What the model answered when the call was recorded (for the side-by-side view and diffs). */
export interface ReplayOriginal {
  output: GenAiMessage[];
  finishReasons?: string[];
  usage?: GenAiUsage;
  /** Priced like everything else (the span's call cost); absent when unknown. */
  costUsd?: number;
  durationMs?: number;
  responseModel?: string;
  /** `gen_ai.response.id` (OpenAI `chatcmpl-…`, Anthropic `msg_…`), when recorded. */
  responseId?: string;
}

/**
 * The request a model call span received, rebuilt for replay. `messages` exclude the system
 * instructions (kept in `system`). Source: OTel GenAI `gen_ai.input.messages`,
 * `gen_ai.system_instructions`, `gen_ai.tool.definitions`, `gen_ai.request.*`, `gen_ai.output.type`;
 * OpenInference `llm.input_messages.*`, `llm.tools.*`, `llm.invocation_parameters`; OpenLLMetry
 * `gen_ai.prompt.*`, `llm.request.functions.*`; Vercel `ai.prompt.*`, `ai.settings.*`; Langfuse.
 */
export interface ReplayRequest {
  source: { traceId: TraceId; spanId: SpanId; spanName: string; conventions: GenAiConvention[] };
  /** The recorded provider name (`gen_ai.provider.name` / `gen_ai.system` / `llm.provider`), lower case. */
  provider?: string;
  /** The wire format the recorded provider speaks (guessed from `provider`; `openai` when unknown). */
  kind: ReplayProviderKind;
  model?: string;
  system?: GenAiMessagePart[];
  messages: GenAiMessage[];
  tools: ReplayTool[];
  /** As recorded (`auto`, `none`, `required`, or a provider object). */
  toolChoice?: unknown;
  /**
   * Structured output: an OpenAI `response_format` object (`{type:'json_schema', json_schema:{…}}`
   * or `{type:'json_object'}`), or `{type:'json_object'}` built from `gen_ai.output.type = json`.
   */
  responseFormat?: unknown;
  parameters: ReplayParameters;
  /**
   * Non-scalar request fields in the recorded provider's own form (Anthropic `thinking`,
   * `metadata`, `output_config` effort; OpenAI `logit_bias`, `prediction`, …), keyed as sent.
   * Sent only by the wire of the same kind (`providerParametersKind`); another kind drops them
   * with a gap.
   */
  providerParameters?: Record<string, unknown>;
  /** The wire format `providerParameters` are written in (the recorded call's `kind`). */
  providerParametersKind?: ReplayProviderKind;
  /** Whether the recorded call streamed (`gen_ai.request.stream`, `llm.is_streaming`, `ai.stream*`). */
  stream?: boolean;
  missing: ReplayGap[];
  original: ReplayOriginal;
}

/** A tool call proposed by the model in a replay answer. */
export interface ReplayToolCall {
  id?: string;
  name: string;
  /** The arguments as JSON text (as streamed). */
  arguments: string;
}

/** Why a replay failed, in the terms a user acts on. */
export interface ReplayError {
  kind: 'auth' | 'rate_limit' | 'timeout' | 'network' | 'bad_request' | 'not_found' | 'server' | 'cancelled' | 'other';
  /** HTTP status when the provider answered. */
  status?: number;
  /** From `Retry-After` (seconds) on a 429/503. */
  retryAfterSeconds?: number;
  /** Human message (never contains the API key). */
  message: string;
}

/** The answer of one replay. Times in milliseconds from sending the request. */
export interface ReplayResult {
  text: string;
  toolCalls: ReplayToolCall[];
  finishReason?: string;
  usage?: GenAiUsage;
  responseModel?: string;
  responseId?: string;
  latencyMs: number;
  firstTokenMs?: number;
  costUsd?: number;
  error?: ReplayError;
}

/** Streamed progress of a replay. */
export type ReplayStreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'done'; result: ReplayResult };

/** One recorded model call of a trace, in start order, as served by "Serve Recorded Responses…". */
export interface RecordedCall {
  /** 0-based position among the trace's model calls (start order, a call seen twice counted once). */
  index: number;
  spanId: SpanId;
  spanName: string;
  provider?: string;
  kind: ReplayProviderKind;
  requestModel?: string;
  responseModel?: string;
  system?: GenAiMessagePart[];
  inputMessages: GenAiMessage[];
  outputMessages: GenAiMessage[];
  finishReasons?: string[];
  usage?: GenAiUsage;
  responseId?: string;
  /** Tool names offered to the model. */
  toolNames: string[];
  /**
   * Other spans that recorded this same call (a wrapper instrumentation's span above it, e.g.
   * OpenInference's `Anthropic Messages` over the SDK's own `anthropic.messages.create`); the
   * call's content may come from them.
   */
  sameCallSpanIds?: SpanId[];
  /** What the recording of this call lacks (as `ReplayRequest.missing`); absent when nothing. */
  missing?: ReplayGap[];
}

/** How one request of the re-run was answered, for the divergence report. */
export interface ServedRequest {
  /** 0-based order of arrival. */
  requestIndex: number;
  /** `openai` or `anthropic` (by the path the app called). */
  api: ReplayProviderKind;
  model?: string;
  /** The recorded call that answered it (its `index`; only when `servedFrom` is `recording`). */
  matchedCallIndex?: number;
  /** The recorded call expected at this request's position, which `differences` compare against (its `index`). */
  comparedCallIndex?: number;
  /** `position` = next in order and the content agrees; `content` = found elsewhere by content; `none`. */
  match: 'position' | 'content' | 'none';
  /** `recording`, `live` (forwarded to the provider after the chosen span, or by choice on divergence), `error`. */
  servedFrom: 'recording' | 'live' | 'error';
  /** What differs from the recorded call at this position (empty when it agrees). */
  differences: string[];
  status: number;
  streamed: boolean;
  /** Why the request was answered with an error or could not be forwarded, in words (never contains the API key). */
  note?: string;
}
