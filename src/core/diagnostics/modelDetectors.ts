/**
 * Model-call detectors: iteration limit, token spikes, context-window use, truncated / filtered /
 * empty output. They read only counted `llm` calls (src/core/usage/README.md "Counted once"), so
 * a wrapper span never repeats a finding of the call under it. Definitions: ./README.md.
 */
import type { BaselineStats, DiagnosticsConfig, Finding, FindingOf } from '../../model/diagnostics';
import type { RunAnalysis, ModelCall } from './analysis';
import { makeFinding, num, pct, plural } from './findings';
import { medianWithout } from './stats';

/** Iteration limit: more agent loop iterations (`RunMetrics.agentIterations`) than `maxIterations`. */
export function detectIterationLimit(a: RunAnalysis, config: DiagnosticsConfig): Finding[] {
  const iterations = a.modelCalls.filter((c) => c.iteration);
  const count = a.metrics.agentIterations;
  if (count <= config.maxIterations || iterations.length === 0) return [];
  // The outermost agent when there is one; else the first call past the limit.
  const primary = a.outerAgents[0] ?? iterations[Math.min(config.maxIterations, iterations.length - 1)]!.span;
  return [
    makeFinding(
      a,
      {
        detector: 'iteration-limit',
        severity: 'warning',
        spanId: primary.spanId,
        message: `${a.agentName !== undefined ? `Agent ${a.agentName}` : 'The run'} took ${plural(count, 'loop iteration')} (model calls), more than the limit of ${num(config.maxIterations)}.`,
        detail: { iterations: count, limit: config.maxIterations },
      },
      iterations.map((c) => c.span.spanId),
    ),
  ];
}

/**
 * Token spike: a call's input tokens exceed `spikeFactor` × the median input tokens of the same
 * model's *other* counted calls in the run (at least 2 others), or × the baseline's per-model
 * median (the model seen in at least `baselineMinRuns` baseline runs).
 */
export function detectTokenSpikes(a: RunAnalysis, config: DiagnosticsConfig, baseline: BaselineStats | undefined): Finding[] {
  const byModel = new Map<string, { call: ModelCall; input: number }[]>();
  for (const c of a.modelCalls) {
    const input = c.view.usage?.inputTokens;
    if (input === undefined || !Number.isFinite(input) || input < 0) continue;
    let list = byModel.get(c.model);
    if (!list) byModel.set(c.model, (list = []));
    list.push({ call: c, input });
  }
  const baseMedian = new Map<string, { median: number; calls: number }>();
  for (const m of baseline?.models ?? []) {
    if (m.runs >= config.baselineMinRuns && m.medianInputTokens > 0) baseMedian.set(m.model, { median: m.medianInputTokens, calls: m.calls });
  }
  const out: Finding[] = [];
  for (const [model, list] of byModel) {
    const sorted = list.map((x) => x.input).sort((x, y) => x - y);
    const base = baseMedian.get(model);
    for (const { call, input } of list) {
      const others = list.length - 1;
      const runMedian = others >= 2 ? medianWithout(sorted, sorted.indexOf(input)) : undefined;
      const overRun = runMedian !== undefined && runMedian > 0 && input > config.spikeFactor * runMedian;
      const overBase = base !== undefined && input > config.spikeFactor * base.median;
      if (!overRun && !overBase) continue;
      const against: string[] = [];
      if (overRun) against.push(`${num(input / runMedian)}× the median ${num(runMedian)} of its ${num(others)} other calls in this run`);
      if (overBase) against.push(`${num(input / base.median)}× the baseline median ${num(base.median)}`);
      const detail: FindingOf<'token-spike'>['detail'] = { model, inputTokens: input, factor: config.spikeFactor };
      if (runMedian !== undefined) {
        detail.runMedian = runMedian;
        detail.runCalls = others;
      }
      if (base) {
        detail.baselineMedian = base.median;
        detail.baselineCalls = base.calls;
      }
      out.push(
        makeFinding(a, {
          detector: 'token-spike',
          severity: 'warning',
          spanId: call.span.spanId,
          message: `Token spike: this ${model} call sent ${plural(input, 'input token')}, ${against.join(' and ')} (limit ${num(config.spikeFactor)}×).`,
          detail,
        }),
      );
    }
  }
  return out;
}

/**
 * Context window: input tokens / the model's context window (`CallCost.contextWindow`, from the
 * price data or `traceLens.pricing.models`) above `contextThreshold`. Severity error from 100%.
 */
export function detectContextWindow(a: RunAnalysis, config: DiagnosticsConfig): Finding[] {
  const out: Finding[] = [];
  for (const c of a.modelCalls) {
    const cost = c.span.cost;
    const window = cost && (cost.status === 'priced' || cost.status === 'reported') ? cost.contextWindow : undefined;
    const input = c.view.usage?.inputTokens;
    if (window === undefined || !(window > 0) || input === undefined || !(input > 0)) continue;
    const utilization = input / window;
    if (!(utilization > config.contextThreshold)) continue;
    out.push(
      makeFinding(a, {
        detector: 'context-window',
        severity: utilization >= 1 ? 'error' : 'warning',
        spanId: c.span.spanId,
        message: `Context window ${pct(utilization)} full: this ${c.model} call sent ${plural(input, 'input token')} of a ${num(window)}-token window (threshold ${pct(config.contextThreshold)}): risk of silent truncation.`,
        detail: { model: c.model, inputTokens: input, contextWindow: window, utilization, threshold: config.contextThreshold },
      }),
    );
  }
  return out;
}

/**
 * Finish reasons that mean the output was cut at the token limit: OTel/OpenAI `length`, Anthropic
 * and Bedrock `max_tokens`, Gemini `MAX_TOKENS`, OpenAI Responses `max_output_tokens`.
 * Compared lower-cased with `-` read as `_` (Vercel AI SDK spells `content-filter`).
 */
const TRUNCATED = new Set(['length', 'max_tokens', 'max_output_tokens', 'model_context_window_exceeded']);
/**
 * Finish reasons that mean a filter stopped or blocked the output: OTel/OpenAI `content_filter`,
 * Bedrock `content_filtered` / `guardrail_intervened`, Gemini `SAFETY`, `RECITATION`, `BLOCKLIST`,
 * `PROHIBITED_CONTENT`, `SPII`, `IMAGE_SAFETY`, Anthropic `refusal`.
 */
const FILTERED = new Set(['content_filter', 'content_filtered', 'guardrail_intervened', 'safety', 'recitation', 'blocklist', 'prohibited_content', 'spii', 'image_safety', 'refusal']);

function reasonKey(r: string): string {
  return r.trim().toLowerCase().replace(/-/g, '_');
}

/** A model's output holds no answer: no non-blank text, tool call, media or unknown part. */
function isEmptyOutput(c: ModelCall): boolean {
  const out = c.view.outputMessages;
  if (!out || out.length === 0 || c.view.contentMissing) return false;
  return out.every((m) => m.parts.every((p) => (p.type === 'text' ? p.content.trim() === '' : p.type === 'reasoning' || p.type === 'tool_call_response')));
}

/**
 * Truncated output (`length`, …), filtered output (`content_filter`, …), and empty completions
 * (output messages captured but without text or tool call; a call with status error is not flagged
 * as empty, nor one already flagged as truncated or filtered).
 */
export function detectOutputProblems(a: RunAnalysis): Finding[] {
  const out: Finding[] = [];
  for (const c of a.modelCalls) {
    const reasons = c.view.finishReasons ?? c.view.outputMessages?.map((m) => m.finishReason).filter((r): r is string => r !== undefined) ?? [];
    const truncated = reasons.find((r) => TRUNCATED.has(reasonKey(r)));
    const filtered = reasons.find((r) => FILTERED.has(reasonKey(r)));
    const model = c.model;
    if (truncated !== undefined) {
      const maxTokens = c.view.usage?.outputTokens;
      out.push(
        makeFinding(a, {
          detector: 'truncated-output',
          severity: 'warning',
          spanId: c.span.spanId,
          message: `Truncated output: this ${model} call stopped with finish reason "${truncated}"${maxTokens !== undefined ? ` after ${plural(maxTokens, 'output token')}` : ''}: the answer was cut at the token limit.`,
          detail: { model, finishReason: truncated },
        }),
      );
    }
    if (filtered !== undefined) {
      out.push(
        makeFinding(a, {
          detector: 'content-filtered',
          severity: 'warning',
          spanId: c.span.spanId,
          message: `Filtered output: this ${model} call stopped with finish reason "${filtered}": a content filter blocked or cut the answer.`,
          detail: { model, finishReason: filtered },
        }),
      );
    }
    if (truncated === undefined && filtered === undefined && c.span.statusCode !== 'error' && isEmptyOutput(c)) {
      out.push(
        makeFinding(a, {
          detector: 'empty-completion',
          severity: 'warning',
          spanId: c.span.spanId,
          message: `Empty completion: this ${model} call returned ${plural(c.view.outputMessages!.length, 'output message')} with no text and no tool call${reasons.length ? ` (finish reason ${reasons.join(', ')})` : ''}.`,
          detail: { model },
        }),
      );
    }
  }
  return out;
}
