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
  /**
   * Set when the span's own output count excluded its reasoning tokens (Gemini's
   * `candidatesTokenCount` passed through; src/core/genai/tokenReading.ts `decideOutputReading`):
   * `outputTokens` = reported + reasoning. `because` says what proved it.
   */
  outputReading?: { reasoning: 'excluded'; reportedOutputTokens: number; because: string };
  /**
   * Tokens of the reported total that are neither input nor output as reported (total − input −
   * output, when positive): usually cache reads or writes the instrumentation did not break out,
   * as Bedrock's `totalTokens` through OpenInference (prompt = uncached input only). The price
   * counts only input and output, so the call's real cost is higher by an unknown amount.
   */
  unitemizedTokens?: number;
}

/**
 * What the price and the "counted once" rule need to know of one span that carries usage or a
 * cost or is a model call (src/core/usage/README.md): read at ingest from the span and its
 * correlated log records (src/core/genai/callFacts.ts), kept by the store per span, priced by
 * src/core/pricing. The same values as the span's `GenAiSpanView` (`normalizeSpan`): kind,
 * `usageIsAggregate`, provider, models, usage, reported cost.
 */
export interface CallFacts {
  /** Kind `llm` or `embeddings`: counts as a model call. */
  modelCall: boolean;
  /** `usageIsAggregate`: the span's usage repeats its descendants' (never counted itself). */
  aggregate: boolean;
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  usage?: GenAiUsage;
  reportedCostUsd?: number;
}

/** One part of a message (OTel GenAI `gen_ai.input.messages` part types). */
export type GenAiMessagePart =
  | { type: 'text'; content: string }
  /** `arguments` is the JSON text or value as sent (objects stay objects). */
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'reasoning'; content: string }
  /**
   * Image, audio, video, document (OTel `blob`/`file`/`uri` parts, §1.5; OpenAI `image_url`,
   * Anthropic `image`, Vercel `file`, …): by URI, file id and mime type. Inline bytes are kept only
   * as `dataUri` for an image whose bytes are a PNG, JPEG, GIF or WebP (shown inline under the
   * webview's `img-src data:` policy); anything else is described by `note` and `sizeBytes`.
   */
  | {
      type: 'media';
      modality?: string;
      mimeType?: string;
      uri?: string;
      fileId?: string;
      note?: string;
      /** The part's own `type` as sent (`blob`, `file`, `uri`, `image_url`, `input_audio`, …). */
      partType?: string;
      /** Size of the inline data (decoded base64 bytes) or of the local file, when known. */
      sizeBytes?: number;
      /** `data:image/(png|jpeg|gif|webp);base64,…` checked against the image signature: show inline. */
      dataUri?: string;
      /** Local path of a `file://` URI (the back end may read an image from it into `dataUri`). */
      localPath?: string;
      /** What happened when the back end looked at `localPath` (read, too large, missing, …). */
      localNote?: string;
    }
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

/**
 * MCP facts of a span (OTel semantic conventions docs/gen-ai/mcp.md, Development: client span
 * `{mcp.method.name} {target}` kind CLIENT, server span kind SERVER; Traceloop
 * `@traceloop/instrumentation-mcp`: `{tool}.tool` / `{method}.mcp` spans with
 * `traceloop.workflow.name` = `{client or server name}.mcp`).
 */
export interface GenAiMcpInfo {
  /** `mcp.method.name` (`tools/call`, `initialize`, `resources/read`, …). */
  method?: string;
  /** From the span kind: CLIENT → `client`, SERVER → `server`. */
  side: 'client' | 'server' | 'unknown';
  /** `mcp.session.id`. */
  sessionId?: string;
  /**
   * The MCP server: `server.address[:server.port]` on a client span; on a server span its own
   * `service.name` (or Traceloop's `traceloop.workflow.name` without `.mcp`).
   */
  server?: string;
  /** `gen_ai.tool.name` (tools/call). */
  toolName?: string;
  /** `gen_ai.prompt.name` (prompts/get). */
  promptName?: string;
  /** `mcp.resource.uri` (resources/read, …). */
  resourceUri?: string;
  /** `mcp.protocol.version`, e.g. `2025-06-18`. */
  protocolVersion?: string;
  /** `jsonrpc.request.id`. */
  requestId?: string;
  /** `rpc.response.status_code` (the JSON-RPC error code). */
  statusCode?: string;
  /** `error.type`: the JSON-RPC error code, or `tool_error` when `CallToolResult.isError`. */
  errorType?: string;
  /** `network.transport` (`pipe` for stdio, `tcp` for HTTP). */
  transport?: string;
}

/**
 * One `gen_ai.evaluation.result` event (OTel docs/gen-ai/gen-ai-events.md, since v1.38), from a
 * span event or a correlated log record: the evaluation of the GenAI operation it is parented to
 * (or of the response named by `responseId`).
 */
export interface GenAiEvaluation {
  /** `gen_ai.evaluation.name` (required by the convention; `''` when missing). */
  name: string;
  /** `gen_ai.evaluation.score.value`. */
  scoreValue?: number;
  /** `gen_ai.evaluation.score.label` (`pass`, `relevant`, …). */
  scoreLabel?: string;
  /** `gen_ai.evaluation.explanation`. */
  explanation?: string;
  /** `gen_ai.response.id` of the evaluated completion. */
  responseId?: string;
  /** `error.type` when the evaluation itself failed. */
  errorType?: string;
  /** Where it was read from. */
  source: 'span-event' | 'log-record';
  /** Event time (Unix ns as a decimal string), when given. */
  timeUnixNano?: string;
  /** Conversation only: the span that carried the event, when it was moved to the call it evaluates by `responseId`. */
  fromSpanId?: SpanId;
}

/**
 * One guardrail result (OTel docs/gen-ai/gen-ai-guardrails.md, Development): the provider-native
 * values of `gen_ai.guardrail.*`, never turned into an allow/deny verdict.
 */
export interface GenAiGuardrailResult {
  /** `gen_ai.guardrail.component.name` (`Amazon Bedrock Guardrails`, …). */
  componentName?: string;
  /** `gen_ai.guardrail.policy.id` / `.policy.version` / `.policy.rule.id`. */
  policyId?: string;
  policyVersion?: string;
  ruleId?: string;
  /** `gen_ai.guardrail.source` (`INPUT`, `OUTPUT`, `tool_input`, …). */
  source?: string;
  /** `gen_ai.guardrail.result.type` / `.result.value` (`action` = `GUARDRAIL_INTERVENED`, …). */
  resultType?: string;
  resultValue?: string;
  /** `gen_ai.guardrail.result.reason`. */
  reason?: string;
  /** `gen_ai.guardrail.risk.category` / `.risk.score`. */
  riskCategory?: string;
  riskScore?: number;
  /** `gen_ai.provider.name`. */
  provider?: string;
  /** `error.type`. */
  errorType?: string;
  /** `gen_ai.guardrail.content.input.value` / `.output.value` (opt-in), as sent. */
  inputContent?: unknown;
  outputContent?: unknown;
}

/** A guardrail span's facts (`apply_guardrail` span attributes) and its `gen_ai.guardrail.result` events. */
export interface GenAiGuardrail extends GenAiGuardrailResult {
  /** Results from `gen_ai.guardrail.result` span events and log records, in time order. */
  results: GenAiGuardrailResult[];
}

/**
 * Content stored by reference instead of inline (`gen_ai.input.messages_ref`,
 * `gen_ai.output.messages_ref`, `gen_ai.system_instructions_ref`, `gen_ai.tool.definitions_ref`;
 * written by opentelemetry-util-genai's upload completion hook as `.json` or `.jsonl`).
 */
export interface GenAiContentRef {
  /** The attribute, e.g. `gen_ai.input.messages_ref`. */
  key: string;
  content: 'input' | 'output' | 'system' | 'tools';
  /** The reference as sent (`gs://…`, `s3://…`, `file:///…`). */
  uri: string;
  /** Path of a `file://` reference: the back end reads it (bounded) and shows what it holds. */
  localPath?: string;
  /** `gen_ai.content.storage.status` of a `gen_ai.content.storage.result` event for this reference. */
  storageStatus?: string;
  /** Set when the back end read the local file and took the content from it. */
  read?: { bytes: number; format: 'json' | 'jsonl' };
  /** Why the local file could not be read or used. */
  error?: string;
}

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
  /** `gen_ai.response.id` (evaluations name the response they evaluate by it). */
  responseId?: string;
  /** MCP facts when the span is an MCP client or server span. */
  mcp?: GenAiMcpInfo;
  /** `gen_ai.evaluation.result` span events and correlated log records, in time order. */
  evaluations?: GenAiEvaluation[];
  /** An `apply_guardrail` span, or `gen_ai.guardrail.result` events on this span. */
  guardrail?: GenAiGuardrail;
  /** Content stored by reference (`*_ref` attributes). */
  contentRefs?: GenAiContentRef[];
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
      /** Evaluations of this call (its own events, or events naming its `gen_ai.response.id`). */
      evaluations?: GenAiEvaluation[];
      /** Content stored by reference, with whether it was read from a local file. */
      contentRefs?: GenAiContentRef[];
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
      /** `gen_ai.tool.type` (`function`, `extension`, `datastore`). */
      toolType?: string;
      /** MCP facts (the client span's, completed from the server span of the same call). */
      mcp?: GenAiMcpInfo;
      /** Spans of the same call shown by this card (the MCP server span under its client span, …). */
      linkedSpanIds?: SpanId[];
      evaluations?: GenAiEvaluation[];
    }
  | { type: 'agent'; spanId: SpanId; startOffsetMs: number; durationMs: number; agentName: string; error?: string; evaluations?: GenAiEvaluation[] }
  | {
      /** An `apply_guardrail` span, or `gen_ai.guardrail.result` events of another span (then `spanId` is that span's). */
      type: 'guardrail';
      spanId: SpanId;
      startOffsetMs: number;
      durationMs: number;
      /** The span's name (`apply_guardrail Amazon Bedrock Guardrails`, …). */
      name: string;
      guardrail: GenAiGuardrail;
      error?: string;
    };

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
