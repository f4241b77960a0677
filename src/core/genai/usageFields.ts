/**
 * Token usage and reported cost read from a span's attributes (docs/genai-conventions.md §0 rows
 * "Input tokens" … "Reasoning tokens", "Provided cost"; §1.4 for what the counts mean): the key
 * chains, `readTokenCounts` (as reported), `readUsage` (cache-inclusive input and
 * reasoning-inclusive output, with the reading that was applied: ./tokenReading.ts), `readTokens`
 * (its cheap share for the badge at ingest) and `readCost`. The other per-span facts are in
 * ./fields.ts.
 */
import { decideInputReading, decideOutputReading, type UsageSource } from './tokenReading';
import type { Attributes } from '../../model/trace';
import type { GenAiUsage } from '../../model/genai';
import { firstNum, isRecord, json, num, type RawSink } from './values';

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
  // A reading that changed a count makes the reported total stale: it is recomputed below.
  if (decision?.cache === 'excluded' || outDecision) delete usage.totalTokens;
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
  if (output !== undefined) {
    const reasoning = counts ? counts.reasoning : firstNum(a, REASONING_KEYS);
    const total = reasoning ? (counts ? counts.total : firstNum(a, TOTAL_TOKEN_KEYS)) : undefined;
    t.outputTokens = decideOutputReading({ input: t.inputTokens, output, total, reasoning }) ? output + reasoning! : output;
  }
  return t;
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
