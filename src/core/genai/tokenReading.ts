/**
 * Which reading of a span's input-token count applies: cache-inclusive (OTel GenAI, OpenAI) or
 * cache-exclusive (Anthropic's `input_tokens`, passed through unchanged by some instrumentations).
 *
 * Semantics (docs/genai-conventions.md §1.4):
 * - OTel GenAI: `gen_ai.usage.input_tokens` "SHOULD include all types of input tokens, including
 *   cached tokens"; `gen_ai.usage.cache_read.input_tokens` / `cache_creation.input_tokens`
 *   "SHOULD be included in `gen_ai.usage.input_tokens`" (v1.40).
 * - OpenAI: `prompt_tokens` / `input_tokens` include `cached_tokens`.
 * - Anthropic: `input_tokens` excludes both `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`; instrumentations must add them (semconv
 *   `docs/gen-ai/anthropic.md` note [12]). Some pass the number through unchanged.
 * - Langfuse `usage_details.input` is the non-cached remainder (§5.1) — read in fields.ts.
 *
 * Order of the decision: no cache tokens → nothing to decide; the data proves the exclusive reading
 * (cache reads + writes larger than input, or a total equal to input + output + cache) → exclusive;
 * a source known to pass Anthropic's count through → exclusive; otherwise the OTel reading.
 */

/** The counts as the span reported them (any may be missing). */
export interface ReportedCounts {
  input?: number;
  output?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** What produced the span, for the per-source table. */
export interface UsageSource {
  /** Instrumentation scope name (`InstrumentationScope.name`). */
  scopeName?: string;
  /** Provider as normalized (`gen_ai.provider.name`, `gen_ai.system`, …), any case. */
  provider?: string;
}

/** The decision: whether the reported input already counted cached tokens, and why. */
export interface InputReadingDecision {
  cache: 'included' | 'excluded';
  because: string;
}

/**
 * Instrumentations known to put Anthropic's cache-exclusive `input_tokens` into the OTel input
 * key unchanged. Matched on the scope name; the provider must be Anthropic (the same libraries'
 * OpenAI instrumentations report OpenAI's inclusive count).
 */
const EXCLUSIVE_SOURCES: readonly { scope: RegExp; because: string }[] = [
  {
    // JS `@traceloop/instrumentation-anthropic` (0.27, captured: test/fixtures/genai/anthropic-openllmetry.otlp.json).
    // Python `opentelemetry.instrumentation.anthropic` (OpenLLMetry) adds the cache tokens itself
    // (`input_tokens = prompt_tokens + cache_read_tokens + cache_creation_tokens` in
    // `_set_token_usage`), so it is not listed.
    scope: /^@traceloop\/instrumentation-anthropic$/,
    because:
      "OpenLLMetry's JS Anthropic instrumentation reports Anthropic's input_tokens, which exclude cache reads and writes",
  },
];

function isAnthropic(provider: string | undefined): boolean {
  if (!provider) return false;
  const p = provider.toLowerCase();
  return p === 'anthropic' || p.startsWith('anthropic.') || p === 'aws.bedrock.anthropic' || p === 'gcp.vertex_ai.anthropic';
}

/**
 * Decides the reading of `counts.input`. `undefined` when the span reports no cache tokens (both
 * readings give the same number) or no input count.
 */
export function decideInputReading(counts: ReportedCounts, source: UsageSource): InputReadingDecision | undefined {
  const { input, output, total } = counts;
  const cached = (counts.cacheRead ?? 0) + (counts.cacheWrite ?? 0);
  if (input === undefined || !(cached > 0)) return undefined;
  if (cached > input) {
    return {
      cache: 'excluded',
      because: `cached tokens (${cached}) exceed the reported input (${input}), so the input count cannot include them`,
    };
  }
  if (total !== undefined && output !== undefined && total === input + output + cached) {
    return {
      cache: 'excluded',
      because: `the reported total (${total}) is input + output + cached tokens, so the input count excludes them`,
    };
  }
  if (isAnthropic(source.provider) && source.scopeName) {
    for (const s of EXCLUSIVE_SOURCES) if (s.scope.test(source.scopeName)) return { cache: 'excluded', because: s.because };
  }
  return {
    cache: 'included',
    because: 'OpenTelemetry GenAI input tokens include cached tokens (gen_ai.usage.input_tokens, semantic conventions v1.40)',
  };
}

/**
 * Which reading of a span's output-token count applies: reasoning-inclusive (OTel GenAI:
 * `gen_ai.usage.reasoning.output_tokens` "SHOULD be included in `gen_ai.usage.output_tokens`";
 * OpenAI's `completion_tokens` include `reasoning_tokens`) or reasoning-exclusive (Gemini's
 * `candidatesTokenCount` excludes `thoughtsTokenCount`, and `totalTokenCount` = prompt + candidates
 * + thoughts; OpenLLMetry's JS Google GenAI instrumentation passes both through unchanged, captured:
 * test/fixtures/genai/gemini-openllmetry.otlp.json).
 *
 * Decided only from the data, never assumed: reasoning above the output, or a reported total
 * equal to input + output + reasoning (`counts.input` cache-inclusive, after `decideInputReading`)
 * → exclusive. `undefined` when there is no reasoning count or no output count, or when the data
 * fits the OTel reading (then nothing is changed or said).
 */
export function decideOutputReading(counts: { input?: number; output?: number; total?: number; reasoning?: number }): { reasoning: 'excluded'; because: string } | undefined {
  const { input, output, total, reasoning } = counts;
  if (output === undefined || reasoning === undefined || !(reasoning > 0)) return undefined;
  if (reasoning > output) {
    return { reasoning: 'excluded', because: `reasoning tokens (${reasoning}) exceed the reported output (${output}), so the output count cannot include them` };
  }
  if (total !== undefined && input !== undefined && total === input + output + reasoning) {
    return { reasoning: 'excluded', because: `the reported total (${total}) is input + output + reasoning tokens, so the output count excludes them` };
  }
  return undefined;
}
