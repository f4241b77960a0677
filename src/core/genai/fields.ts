/**
 * Cheap per-span GenAI facts read from attributes only (no message content): operation kind,
 * provider, models, usage, cost, agent/tool names, session and user ids. Used by `genaiBadge`
 * at ingest (every span) and by `normalizeSpan`.
 *
 * Key chains follow docs/genai-conventions.md §0 ("first match wins"); each
 * constant below names its section. Cost: a few dozen property lookups per span, no allocation
 * for spans without GenAI attributes except the kind lookup itself.
 */
import { decideInputReading, decideOutputReading, type UsageSource } from './tokenReading';
import type { Attributes, SpanRecord } from '../../model/trace';
import type { GenAiOperationKind, GenAiUsage } from '../../model/genai';
import { firstNum, firstStr, isRecord, json, num, type RawSink } from './values';

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

/** Input tokens, cache-inclusive (§0, §1.4). Langfuse usage_details is handled separately. */
const INPUT_TOKEN_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  'ai.usage.tokens', // Vercel embeddings
] as const;
const OUTPUT_TOKEN_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
] as const;
const TOTAL_TOKEN_KEYS = ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens', 'llm.token_count.total', 'ai.usage.totalTokens'] as const;
const CACHE_READ_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.cachedInputTokens',
  'gen_ai.usage.cache_read_tokens',
  'gen_ai.usage.details.cache_read_input_tokens',
] as const;
const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens', // the Anthropic TypeScript SDK's own tracing
  'gen_ai.usage.cache_creation_input_tokens',
  'llm.token_count.prompt_details.cache_write',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
  'gen_ai.usage.cache_write_tokens',
  'gen_ai.usage.details.cache_creation_input_tokens',
] as const;
const REASONING_KEYS = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
  'ai.usage.outputTokenDetails.reasoningTokens',
  'ai.usage.reasoningTokens',
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
 * The token counts of the attribute key chains (§0 rows "Input tokens" … "Reasoning tokens"), as
 * reported (first finite number of each chain; no cache reading applied, no Langfuse or LangSmith
 * JSON): what `readUsage` and `readTokens` start from, read once per span by callers that need both
 * (src/core/genai/badge.ts `spanGenAiFacts`).
 */
export interface TokenCounts {
  input: number | undefined;
  output: number | undefined;
  total: number | undefined;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  reasoning: number | undefined;
}

/** `TokenCounts` of an attribute map (six key chains). */
export function readTokenCounts(a: Attributes): TokenCounts {
  return {
    input: firstNum(a, INPUT_TOKEN_KEYS),
    output: firstNum(a, OUTPUT_TOKEN_KEYS),
    total: firstNum(a, TOTAL_TOKEN_KEYS),
    cacheRead: firstNum(a, CACHE_READ_KEYS),
    cacheWrite: firstNum(a, CACHE_WRITE_KEYS),
    reasoning: firstNum(a, REASONING_KEYS),
  };
}

/**
 * Token usage (§0 rows "Input tokens" … "Reasoning tokens", §1.4). `inputTokens` is always
 * cache-inclusive as in OTel: a count that excludes cached tokens (Anthropic's `input_tokens`
 * passed through, Langfuse `usage_details.input`, §5.1) gets them added back, and
 * `inputReading` says which reading was used and why (./tokenReading.ts). Total defaults to
 * input + output. `undefined` when no count is present. `counts`: `readTokenCounts(a)`, when the
 * caller has read them already.
 */
export function readUsage(a: Attributes, raw?: RawSink, source: UsageSource = {}, counts: TokenCounts = readTokenCounts(a)): GenAiUsage | undefined {
  const usage: GenAiUsage = {};
  const { input, output, total, cacheRead, cacheWrite, reasoning } = counts;
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (total !== undefined) usage.totalTokens = total;
  const details = cacheRead === undefined || reasoning === undefined ? tokenDetails(a, raw) : undefined;
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  else if (details?.cacheRead !== undefined) usage.cacheReadTokens = details.cacheRead;
  if (reasoning === undefined && details?.reasoning !== undefined) usage.reasoningTokens = details.reasoning;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  const decision = decideInputReading({ input, output, total, cacheRead: usage.cacheReadTokens, cacheWrite }, source);
  if (decision && input !== undefined) {
    usage.inputReading = { cache: decision.cache, reportedInputTokens: input, because: decision.because };
    if (decision.cache === 'excluded') usage.inputTokens = input + (usage.cacheReadTokens ?? 0) + (cacheWrite ?? 0);
  }
  const outDecision = decideOutputReading({ input: usage.inputTokens, output, total, reasoning: usage.reasoningTokens });
  if (outDecision && output !== undefined) {
    usage.outputReading = { reasoning: outDecision.reasoning, reportedOutputTokens: output, because: outDecision.because };
    usage.outputTokens = output + (usage.reasoningTokens ?? 0);
  }
  if ((decision?.cache === 'excluded' || outDecision) && usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
  }
  const lf = a['langfuse.observation.usage_details'];
  if (lf !== undefined && usage.inputTokens === undefined && usage.outputTokens === undefined) {
    const d = json(lf, 'langfuse.observation.usage_details', raw);
    if (isRecord(d)) {
      const read = num(d.input_cached_tokens) ?? num(d.cache_read_input_tokens) ?? num(d.input_cache_read);
      const write = num(d.cache_creation_input_tokens) ?? num(d.input_cache_creation);
      const inp = num(d.input) ?? num(d.prompt_tokens) ?? num(d.input_tokens);
      if (inp !== undefined) {
        usage.inputTokens = inp + (read ?? 0) + (write ?? 0);
        if ((read ?? 0) + (write ?? 0) > 0) {
          usage.inputReading = {
            cache: 'excluded',
            reportedInputTokens: inp,
            because: "Langfuse usage_details.input is the input that was not read from or written to the cache",
          };
        }
      }
      const out = num(d.output) ?? num(d.completion_tokens) ?? num(d.output_tokens);
      if (out !== undefined) usage.outputTokens = out;
      const tot = num(d.total) ?? num(d.total_tokens);
      if (tot !== undefined) usage.totalTokens = tot;
      if (read !== undefined) usage.cacheReadTokens ??= read;
      if (write !== undefined) usage.cacheWriteTokens ??= write;
      const rs = num(d.output_reasoning_tokens) ?? num(d.reasoning_tokens);
      if (rs !== undefined) usage.reasoningTokens ??= rs;
    }
  }
  if (usage.totalTokens === undefined && usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
  }
  if (usage.totalTokens !== undefined && usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
    // A total above input + output (after both readings) counts tokens reported as neither.
    const gap = usage.totalTokens - usage.inputTokens - usage.outputTokens;
    if (gap > 0) usage.unitemizedTokens = gap;
  }
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/**
 * LangSmith's OTel export: `gen_ai.usage.input_token_details` `{"cache_read": n, "cache_creation": n}`
 * and `gen_ai.usage.output_token_details` `{"reasoning": n}`, JSON strings (or kvlists).
 */
function tokenDetails(a: Attributes, raw?: RawSink): { cacheRead?: number; reasoning?: number } | undefined {
  const inDetails = a['gen_ai.usage.input_token_details'];
  const outDetails = a['gen_ai.usage.output_token_details'];
  if (inDetails === undefined && outDetails === undefined) return undefined;
  const out: { cacheRead?: number; reasoning?: number } = {};
  const i = inDetails !== undefined ? json(inDetails, 'gen_ai.usage.input_token_details', raw) : undefined;
  const o = outDetails !== undefined ? json(outDetails, 'gen_ai.usage.output_token_details', raw) : undefined;
  const read = isRecord(i) ? num(i.cache_read) : undefined;
  const reasoning = isRecord(o) ? num(o.reasoning) : undefined;
  if (read !== undefined) out.cacheRead = read;
  if (reasoning !== undefined) out.reasoning = reasoning;
  return out;
}

/**
 * Input and output tokens only (the badge's share of `readUsage`, same chains and the same
 * cache-inclusive input): fewer key lookups than `readUsage`, for the ingest path. `counts`:
 * `readTokenCounts(a)`, when the caller has read them already (then no key is read again).
 */
export function readTokens(a: Attributes, source: UsageSource = {}, counts?: TokenCounts): { inputTokens?: number; outputTokens?: number } | undefined {
  const input = counts ? counts.input : firstNum(a, INPUT_TOKEN_KEYS);
  const output = counts ? counts.output : firstNum(a, OUTPUT_TOKEN_KEYS);
  if (input === undefined && output === undefined) {
    if (a['langfuse.observation.usage_details'] === undefined) return undefined;
    const u = readUsage(a, undefined, {}, counts);
    return u ? { ...(u.inputTokens !== undefined ? { inputTokens: u.inputTokens } : {}), ...(u.outputTokens !== undefined ? { outputTokens: u.outputTokens } : {}) } : undefined;
  }
  const t: { inputTokens?: number; outputTokens?: number } = {};
  if (input !== undefined) {
    const cacheRead = counts ? counts.cacheRead : firstNum(a, CACHE_READ_KEYS);
    const cacheWrite = counts ? counts.cacheWrite : firstNum(a, CACHE_WRITE_KEYS);
    const total = cacheRead !== undefined || cacheWrite !== undefined ? (counts ? counts.total : firstNum(a, TOTAL_TOKEN_KEYS)) : undefined;
    const decision = decideInputReading({ input, output, total, cacheRead, cacheWrite }, source);
    t.inputTokens = decision?.cache === 'excluded' ? input + (cacheRead ?? 0) + (cacheWrite ?? 0) : input;
  }
  if (output !== undefined) t.outputTokens = output;
  return t;
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

/**
 * Cost reported by the span (USD, §0 "Provided cost", §9.2): `gen_ai.usage.cost` → `llm.cost.total`
 * (else prompt + completion) → `operation.cost` → `langfuse.observation.cost_details.total`.
 */
export function readCost(a: Attributes, raw?: RawSink): number | undefined {
  const direct = firstNum(a, ['gen_ai.usage.cost', 'llm.cost.total']);
  if (direct !== undefined) return direct;
  const prompt = num(a['llm.cost.prompt']);
  const completion = num(a['llm.cost.completion']);
  if (prompt !== undefined || completion !== undefined) return (prompt ?? 0) + (completion ?? 0);
  const op = num(a['operation.cost']);
  if (op !== undefined) return op;
  const lf = a['langfuse.observation.cost_details'];
  if (lf !== undefined) {
    const d = json(lf, 'langfuse.observation.cost_details', raw);
    if (isRecord(d)) {
      const total = num(d.total);
      if (total !== undefined) return total;
      let sum = 0;
      let any = false;
      for (const value of Object.values(d)) {
        const n = num(value);
        if (n !== undefined) {
          sum += n;
          any = true;
        }
      }
      if (any) return sum;
    }
  }
  return undefined;
}
