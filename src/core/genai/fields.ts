/**
 * Cheap per-span GenAI facts read from attributes only (no message content): operation kind,
 * provider, models, agent/tool names, session and user ids (token usage and reported cost:
 * ./usageFields.ts). Used by `genaiBadge` at ingest (every span) and by `normalizeSpan`.
 *
 * Key chains follow docs/genai-conventions.md §0 ("first match wins"); each
 * constant below names its section. Cost: a few dozen property lookups per span, no allocation
 * for spans without GenAI attributes except the kind lookup itself.
 */
import type { Attributes, SpanRecord } from '../../model/trace';
import type { GenAiOperationKind } from '../../model/genai';
import { firstStr } from './values';
import { readTokenCounts, type TokenCounts } from './usageFields';

/** `langfuse.observation.type` → kind (§5.1, §5.2 step 1). `span`/`event` are not decisive. */
const LANGFUSE_KINDS: Readonly<Record<string, GenAiOperationKind>> = {
  generation: 'llm',
  embedding: 'embeddings',
  agent: 'agent',
  tool: 'tool',
  chain: 'workflow',
  retriever: 'retriever',
  guardrail: 'guardrail',
  evaluator: 'evaluator',
};

/** `openinference.span.kind` → kind (§3.1); compared upper-cased. */
const OPENINFERENCE_KINDS: Readonly<Record<string, GenAiOperationKind>> = {
  LLM: 'llm',
  EMBEDDING: 'embeddings',
  CHAIN: 'workflow',
  RETRIEVER: 'retriever',
  RERANKER: 'reranker',
  TOOL: 'tool',
  AGENT: 'agent',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
  PROMPT: 'other',
};

/**
 * `gen_ai.operation.name` → kind (§1.3 well-known values, plus values seen in the wild: Langfuse's
 * `completion`/`generate`, Vercel v7 `agent_step`/`rerank`, OpenLLMetry custom names).
 */
const OPERATION_KINDS: Readonly<Record<string, GenAiOperationKind>> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  completion: 'llm',
  generate: 'llm',
  llm_request: 'llm',
  embeddings: 'embeddings',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  agent_step: 'workflow',
  invoke_workflow: 'workflow',
  execute_task: 'workflow',
  plan: 'workflow',
  retrieval: 'retriever',
  vector_db_retrieve: 'retriever',
  rerank: 'reranker',
  'guardrail.run': 'guardrail',
  guard: 'guardrail',
  apply_guardrail: 'guardrail', // docs/gen-ai/gen-ai-guardrails.md
};

/** LangSmith's OTel export `langsmith.span.kind` (§6.3) → kind. */
const LANGSMITH_KINDS: Readonly<Record<string, GenAiOperationKind>> = {
  llm: 'llm',
  chain: 'workflow',
  tool: 'tool',
  retriever: 'retriever',
  embedding: 'embeddings',
  prompt: 'other',
  parser: 'other',
};

/** `traceloop.span.kind` (§2.3) → kind. */
const TRACELOOP_KINDS: Readonly<Record<string, GenAiOperationKind>> = {
  workflow: 'workflow',
  task: 'workflow',
  agent: 'agent',
  tool: 'tool',
};

/** OpenLLMetry `llm.request.type` (§2.2) → kind. */
const LLM_REQUEST_TYPES: Readonly<Record<string, GenAiOperationKind>> = {
  chat: 'llm',
  completion: 'llm',
  embedding: 'embeddings',
  rerank: 'reranker',
};

/** Vercel AI SDK outer operations (§4.1): their usage aggregates the inner `do*` spans. */
const VERCEL_OUTER: ReadonlySet<string> = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
  'ai.embed',
  'ai.embedMany',
]);

/** Requested model (§0 "Requested model"), plus OpenInference `embedding.model_name`. */
export const REQUEST_MODEL_KEYS = [
  'gen_ai.request.model',
  'llm.request.model_name',
  'llm.model_name',
  'ai.model.id',
  'langfuse.observation.model.name',
  'embedding.model_name',
] as const;

/** The `modelId` at the start of a recorded Bedrock request (`{"modelId":"…"`), as OpenInference's `input.value` holds it. */
const BEDROCK_REQUEST_MODEL_ID = /^\{\s*"modelId"\s*:\s*"([^"\\]{1,256})"/;

/**
 * The requested model: the first of `REQUEST_MODEL_KEYS`, except where the span recorded a
 * better one. `@arizeai/openinference-instrumentation-bedrock` (0.5) sets `llm.model_name` to the
 * second dot-separated part of the Bedrock model id, so a cross-region inference profile
 * (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`, the only way to call recent Claude models)
 * becomes `anthropic`, which no price list knows. Its Converse spans record the request as
 * `input.value`, beginning with the full `modelId`; on those spans (`llm.provider: aws`) that id is
 * the requested model when it contains the cut name. Captured: test/fixtures/genai/bedrock-openinference.otlp.json.
 */
export function readRequestModel(a: Attributes): string | undefined {
  const model = firstStr(a, REQUEST_MODEL_KEYS);
  if (a['llm.provider'] !== 'aws') return model;
  const input = a['input.value'];
  const id = typeof input === 'string' ? BEDROCK_REQUEST_MODEL_ID.exec(input.slice(0, 512))?.[1] : undefined;
  return id !== undefined && (model === undefined || id.includes(model)) ? id : model;
}

/** Response model (§0 "Response model"). */
export const RESPONSE_MODEL_KEYS = ['gen_ai.response.model', 'llm.response.model_name', 'ai.response.model'] as const;

/** Provider (§0 "Provider"). */
export const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'ai.model.provider'] as const;

/** Session / conversation id (§0, §8; Langfuse metadata compat keys last). */
export const SESSION_KEYS = [
  'gen_ai.conversation.id',
  'session.id',
  'langfuse.session.id',
  'traceloop.association.properties.session_id',
  'ai.telemetry.metadata.sessionId',
  'langsmith.trace.session_id',
  'langsmith.metadata.session_id',
  'langfuse.trace.metadata.langfuse_session_id',
] as const;

/** User id (§0 "User", §8). */
export const USER_KEYS = [
  'user.id',
  'langfuse.user.id',
  'enduser.id',
  'traceloop.association.properties.user_id',
  'langsmith.metadata.user_id',
  'ai.telemetry.metadata.userId',
] as const;

/** Model attributes whose presence alone makes a span a model call (§5.2 step 7). */
const MODEL_PRESENCE_KEYS = ['gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name', 'ai.model.id'] as const;

/** The span's operation kind and whether its usage aggregates descendants (Vercel outer spans). */
export interface KindInfo {
  kind: GenAiOperationKind;
  /** Vercel `ai.*` outer span (not `.do*`): usage repeats the inner calls'. */
  vercelOuter?: boolean;
}

/** Vercel operation id: `ai.operationId`, else the span name when the scope is `ai` (§4.1). */
export function vercelOperationId(span: SpanRecord): string | undefined {
  const op = span.attributes['ai.operationId'];
  if (typeof op === 'string') return op;
  return span.scope?.name === 'ai' && span.name.startsWith('ai.') ? span.name : undefined;
}

/**
 * Operation kind by the §0 priority chain (Langfuse's order, §5.2): `langfuse.observation.type`
 * → `openinference.span.kind` → `gen_ai.operation.name` → `traceloop.span.kind` /
 * `llm.request.type` → Vercel `ai.operationId` → tool attributes (MCP `tools/call` included) → pydantic-ai `agent_name` →
 * model attributes ⇒ llm → `gen_ai.agent.name` ⇒ agent. `undefined`: not a GenAI span.
 */
export function detectKind(span: SpanRecord): KindInfo | undefined {
  const a = span.attributes;
  let v = a['langfuse.observation.type'];
  if (typeof v === 'string') {
    const k = LANGFUSE_KINDS[v];
    if (k) return { kind: k };
  }
  v = a['openinference.span.kind'];
  if (typeof v === 'string') return { kind: OPENINFERENCE_KINDS[v.toUpperCase()] ?? 'other' };
  v = a['gen_ai.operation.name'];
  if (typeof v === 'string') {
    const k = OPERATION_KINDS[v];
    if (k) return { kind: k };
  }
  v = a['langsmith.span.kind'];
  if (typeof v === 'string') {
    const k = LANGSMITH_KINDS[v];
    if (k) return { kind: k };
  }
  v = a['traceloop.span.kind'];
  if (typeof v === 'string') {
    const k = TRACELOOP_KINDS[v];
    if (k) return { kind: k };
  }
  v = a['llm.request.type'];
  if (typeof v === 'string') {
    const k = LLM_REQUEST_TYPES[v];
    if (k) return { kind: k };
  }
  const op = vercelOperationId(span);
  if (op !== undefined) {
    if (op === 'ai.toolCall') return { kind: 'tool' };
    if (op.startsWith('ai.embed')) return op.includes('.doEmbed') ? { kind: 'embeddings' } : { kind: 'embeddings', vercelOuter: true };
    if (op.startsWith('ai.rerank')) return { kind: 'reranker' };
    if (op.includes('.do')) return { kind: 'llm' };
    if (VERCEL_OUTER.has(op)) return { kind: 'llm', vercelOuter: true };
  }
  if (a['gen_ai.tool.name'] !== undefined || a['gen_ai.tool.call.id'] !== undefined || a['mcp.method.name'] === 'tools/call') return { kind: 'tool' };
  if (a['agent_name'] !== undefined) return { kind: 'agent' };
  for (const key of MODEL_PRESENCE_KEYS) if (a[key] !== undefined) return { kind: 'llm' };
  if (a['gen_ai.agent.name'] !== undefined) return { kind: 'agent' };
  // An operation name or span kind outside the known vocabularies (memory operations, …).
  if (typeof a['gen_ai.operation.name'] === 'string' || typeof a['traceloop.span.kind'] === 'string') return { kind: 'other' };
  return undefined;
}

/**
 * Provider (§0 "Provider"). Vercel's `ai.model.provider` / `gen_ai.system` is `openai.chat`,
 * `anthropic.messages`, …: the part before the first dot is kept when the span is a Vercel span.
 */
export function readProvider(span: SpanRecord): string | undefined {
  const p = firstStr(span.attributes, PROVIDER_KEYS);
  if (p === undefined) return undefined;
  if (span.attributes['ai.model.provider'] !== undefined && p === span.attributes['ai.model.provider']) {
    const dot = p.indexOf('.');
    return dot > 0 ? p.slice(0, dot) : p;
  }
  return p;
}

/**
 * The attribute reads that a span's badge (src/core/genai/badge.ts) and its cost facts
 * (./callFacts.ts) share: provider (`readProvider`), requested and response model (first of
 * `REQUEST_MODEL_KEYS` / `RESPONSE_MODEL_KEYS`), token counts (`readTokenCounts`). Read once per
 * span at ingest (`readSpanReads`) and passed to both, so no key chain is read twice.
 */
export interface SpanReads {
  provider: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  counts: TokenCounts;
}

/** `SpanReads` of a span's own attributes. */
export function readSpanReads(span: SpanRecord): SpanReads {
  const a = span.attributes;
  return {
    provider: readProvider(span),
    requestModel: readRequestModel(a),
    responseModel: firstStr(a, RESPONSE_MODEL_KEYS),
    counts: readTokenCounts(a),
  };
}

/** Agent name (§0 "Agent name"), also pydantic-ai `agent_name`. */
export function readAgentName(a: Attributes): string | undefined {
  const name = firstStr(a, ['gen_ai.agent.name', 'agent.name', 'agent_name']);
  if (name !== undefined) return name;
  return a['traceloop.span.kind'] === 'agent' ? firstStr(a, ['traceloop.entity.name']) : undefined;
}

/** Tool name (§0 "Tool name"). */
export function readToolName(a: Attributes): string | undefined {
  const name = firstStr(a, ['gen_ai.tool.name', 'tool.name', 'ai.toolCall.name']);
  if (name !== undefined) return name;
  return a['traceloop.span.kind'] === 'tool' ? firstStr(a, ['traceloop.entity.name']) : undefined;
}

/** Tool call id (§0 "Tool call id"). */
export function readToolCallId(a: Attributes): string | undefined {
  return firstStr(a, ['gen_ai.tool.call.id', 'tool_call.id', 'tool.id', 'ai.toolCall.id']);
}
