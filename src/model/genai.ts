/**
 * The normalized view of GenAI telemetry: one shape for a model call, tool call or agent step,
 * whichever convention produced it (OTel GenAI current and older forms, OpenInference,
 * OpenLLMetry/Traceloop, Vercel AI SDK, Langfuse, pydantic-ai/Logfire).
 * Key priorities: docs/genai-conventions.md §0. JSON-safe; shared with webviews.
 */
import type { SpanId, TraceId } from './ids';
import type { CallCost } from './cost';

/** What a span does, in the field's common vocabulary. */
export type GenAiOperationKind =
  | 'llm'
  | 'embeddings'
  | 'tool'
  | 'agent'
  | 'workflow'
  | 'retriever'
  | 'reranker'
  | 'guardrail'
  | 'evaluator'
  | 'other';

/** Token counts; absent fields are unknown (not zero). */
export interface GenAiUsage {
  /** Input tokens, cache-inclusive as in OTel GenAI (`gen_ai.usage.input_tokens`). */
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Part of `inputTokens` read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Part of `inputTokens` written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  /** Part of `outputTokens` spent on reasoning. */
  reasoningTokens?: number;
  /**
   * How the span's own input count relates to its cached tokens, set when it reports cache
   * tokens (src/core/genai/tokenReading.ts): `included` (OTel GenAI, OpenAI: `inputTokens` is the
   * reported count) or `excluded` (Anthropic's `input_tokens`, Langfuse `usage_details.input`:
   * `inputTokens` = reported + cache read + cache write). `because` says what decided it.
   */
  inputReading?: { cache: 'included' | 'excluded'; reportedInputTokens: number; because: string };
}

/** One part of a message (OTel GenAI `gen_ai.input.messages` part types). */
export type GenAiMessagePart =
  | { type: 'text'; content: string }
  /** `arguments` is the JSON text or value as sent (objects stay objects). */
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'reasoning'; content: string }
  /** Image, audio, file: by URI/id/mime type, never inline bytes. */
  | { type: 'media'; modality?: string; mimeType?: string; uri?: string; fileId?: string; note?: string }
  /** Anything else, kept raw so nothing is lost. */
  | { type: 'other'; raw: unknown };

export type GenAiRole = 'system' | 'user' | 'assistant' | 'tool' | string;

export interface GenAiMessage {
  role: GenAiRole;
  parts: GenAiMessagePart[];
  /** Output messages: why generation stopped. */
  finishReason?: string;
  /** Tool message or participant name, when given. */
  name?: string;
}

/**
 * A value that could not be parsed (malformed JSON in a message attribute): shown raw with a
 * note instead of breaking the view.
 */
export interface GenAiRawValue {
  key: string;
  raw: string;
  note: string;
}

/** Where the normalized fields came from, for the UI's "source" hints and for debugging. */
export type GenAiConvention =
  | 'otel-genai'
  | 'otel-genai-events'
  | 'openinference'
  | 'openllmetry'
  | 'vercel-ai'
  | 'langfuse'
  | 'logfire'
  | 'unknown';

/** The normalized GenAI view of one span (plus its correlated log records). */
export interface GenAiSpanView {
  kind: GenAiOperationKind;
  conventions: GenAiConvention[];
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  usage?: GenAiUsage;
  /** Cost reported by the span itself (OpenInference `llm.cost.*`, Logfire `operation.cost`, Langfuse). */
  reportedCostUsd?: number;
  finishReasons?: string[];
  systemInstructions?: GenAiMessagePart[];
  inputMessages?: GenAiMessage[];
  outputMessages?: GenAiMessage[];
  /** Tool definitions offered to the model (raw JSON-safe values). */
  toolDefinitions?: unknown[];
  tool?: { name?: string; callId?: string; arguments?: unknown; result?: unknown; type?: string };
  agentName?: string;
  /** `gen_ai.conversation.id`, `session.id`, `langfuse.session.id`, … */
  sessionId?: string;
  userId?: string;
  /**
   * `true` when the span is a model call with usage or model attributes but no message content:
   * the library's content capture is probably off.
   */
  contentMissing?: boolean;
  /** How to turn content capture on for the library that produced the span, when known. */
  contentCaptureHint?: string;
  /** Values that could not be parsed, kept raw. */
  rawValues?: GenAiRawValue[];
  /**
   * `true` when this span's usage is also reported by a descendant (Vercel AI SDK `ai.generateText`
   * over `ai.generateText.doGenerate`): totals must not count it twice.
   */
  usageIsAggregate?: boolean;
}

/** Compact per-span GenAI facts for tree rows and waterfall rows (no message content). */
export interface GenAiBadge {
  kind: GenAiOperationKind;
  model?: string;
  agentName?: string;
  toolName?: string;
  inputTokens?: number;
  outputTokens?: number;
  /**
   * `true` when these tokens repeat those of descendant spans (Vercel `ai.generateText` over its
   * `.doGenerate` calls, agent/workflow spans with usage): leave them out of trace totals.
   */
  usageIsAggregate?: boolean;
}

/** One entry of a trace's conversation timeline (Conversation tab), in time order. */
export type ConversationItem =
  | {
      type: 'modelCall';
      spanId: SpanId;
      startOffsetMs: number;
      durationMs: number;
      model?: string;
      provider?: string;
      usage?: GenAiUsage;
      /** The call's cost (reported, priced, or why it is unpriced); set by the worker. */
      cost?: CallCost;
      error?: string;
      /** Messages new in this call (the input not already shown by earlier calls) and its output. */
      newInputMessages: GenAiMessage[];
      outputMessages: GenAiMessage[];
      systemInstructions?: GenAiMessagePart[];
      contentMissing?: boolean;
      contentCaptureHint?: string;
    }
  | {
      type: 'toolCall';
      spanId: SpanId;
      startOffsetMs: number;
      durationMs: number;
      name: string;
      callId?: string;
      arguments?: unknown;
      result?: unknown;
      error?: string;
    }
  | { type: 'agent'; spanId: SpanId; startOffsetMs: number; durationMs: number; agentName: string; error?: string };

/** The whole trace as the agent lived it. */
export interface TraceConversation {
  traceId: TraceId;
  items: ConversationItem[];
  /** Model calls whose content was not captured (then `items` hold only their metadata). */
  contentMissingCount: number;
  /**
   * `true` when the trace has more GenAI spans than the worker loads for one conversation
   * (`MAX_CONVERSATION_SPANS`, earliest kept): the timeline stops early.
   */
  truncated?: boolean;
}
