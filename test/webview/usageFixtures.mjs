// @ts-check
// Generated UsageReports for the Usage view checks (shapes of src/model/cost.ts). Totals are summed by
// the real src/model/cost.ts, so this module is bundled with esbuild wherever it runs: in Node (the
// checks compute expected values from it) and in the page (the fake host sends it; page.mjs serves
// the bundle). A small stand-in for the worker's metrics: 24 agent traces over three hours,
// their model calls priced (gpt-4o-mini, o3-mini), reported by the span (claude) or unknown
// (mystery-llm-7b, so every total is a lower bound), one failed model call and one failed tool.
import { roundUsd, sumCosts } from '../../src/model/cost.ts';
import { hex, rng } from './random.mjs';

/** @typedef {import('../../src/model/cost').UsageReport} UsageReport */
/** @typedef {import('../../src/model/cost').UsageScope} UsageScope */
/** @typedef {import('../../src/model/cost').UsagePoint} UsagePoint */
/** @typedef {import('../../src/model/cost').CallCost} CallCost */
/** @typedef {import('../../src/model/cost').TokenTotals} TokenTotals */
/** @typedef {import('../../src/model/cost').LatencyStats} LatencyStats */
/**
 * How a model is costed: list prices in USD per million tokens (priced), the span's own cost
 * (reported) or nothing (unknown); its context window; whether it reasons.
 * @typedef {{ provider: string, price?: { in: number, cached: number, out: number }, reported?: { in: number, out: number },
 *   window?: number, reasoning?: boolean, unknown?: boolean }} UsageModel
 */
/**
 * One generated model call of a trace (tokens, latency in ms, start offset in the trace).
 * @typedef {{ spanId: string, model: string, offsetMs: number, input: number, output: number, cacheRead: number,
 *   cacheWrite: number, reasoning: number, latencyMs: number, error: boolean }} UsageCall
 */
/**
 * One generated trace: its label and session, start (Unix ms), duration, model calls and tool calls.
 * @typedef {{ traceId: string, label: string, sessionId: string, startMs: number, durationMs: number, calls: UsageCall[],
 *   toolCalls: number, toolErrors: number }} UsageTrace
 */

const BASE_MS = Date.UTC(2024, 10, 21, 9, 12, 5, 123); // 2024-11-21 09:12:05.123 UTC

/** How each model is costed: list price (priced), the span's own cost (reported) or nothing (unknown). */
/** @type {Record<string, UsageModel>} */
export const USAGE_MODELS = {
  'gpt-4o-mini': { provider: 'openai', price: { in: 0.15, cached: 0.075, out: 0.6 }, window: 128_000 },
  'claude-sonnet-4-5': { provider: 'anthropic', reported: { in: 3, out: 15 }, window: 200_000 },
  'o3-mini': { provider: 'openai', price: { in: 1.1, cached: 0.55, out: 4.4 }, window: 200_000, reasoning: true },
  'mystery-llm-7b': { provider: 'acme', unknown: true },
};

const QUESTIONS = [
  'What is the weather in Paris tomorrow?',
  'Summarize the open pull requests for the payments service',
  'Book a table for two near the office on Friday',
  'Why did the nightly build fail?',
  'Compare the Q3 numbers with last year',
  'Draft a reply to the customer about the refund',
];

/**
 * The generated calls of every trace (fixed seed).
 * @param {{ mapTraces?: (traces: UsageTrace[]) => UsageTrace[] }} [overrides]
 * @returns {UsageTrace[]}
 */
function makeTraces(overrides = {}) {
  const rand = rng(20241121);
  /** @type {UsageTrace[]} */
  const traces = [];
  let t = BASE_MS;
  for (let i = 0; i < 24; i++) {
    const traceId = hex(rand, 32);
    /** @type {UsageCall[]} */
    const calls = [];
    const n = 1 + Math.floor(rand() * 4);
    let offset = 40 + rand() * 200;
    for (let c = 0; c < n; c++) {
      // Mostly gpt-4o-mini; claude in every third trace, o3-mini sometimes, the unknown model twice.
      let model = 'gpt-4o-mini';
      if (i % 3 === 1 && c === 0) model = 'claude-sonnet-4-5';
      else if (i % 5 === 2 && c === n - 1) model = 'o3-mini';
      if ((i === 6 || i === 17) && c === 0) model = 'mystery-llm-7b';
      const input = 600 + Math.floor(rand() * 3200) + c * 900;
      const output = 40 + Math.floor(rand() * 420);
      const latencyMs = Math.round(250 + rand() * 1400 + (model === 'o3-mini' ? 2600 : 0) + (i === 9 && c === 0 ? 5200 : 0));
      calls.push({
        spanId: hex(rand, 16),
        model,
        offsetMs: Math.round(offset),
        input,
        output,
        cacheRead: model === 'gpt-4o-mini' && c > 0 ? Math.min(input, 1024 * (1 + Math.floor(rand() * 2))) : 0,
        cacheWrite: model === 'claude-sonnet-4-5' && c === 0 ? 512 : 0,
        reasoning: USAGE_MODELS[model].reasoning ? Math.min(output, 64 + Math.floor(rand() * 128)) : 0,
        latencyMs,
        error: i === 11 && c === n - 1,
      });
      offset += latencyMs + 30 + rand() * 900;
    }
    const tools = Math.floor(rand() * 3);
    traces.push({
      traceId,
      label: QUESTIONS[i % QUESTIONS.length],
      sessionId: i < 8 ? 'sess-7f3a91c2' : i < 16 ? 'sess-2b80e4d1' : 'sess-c0ffee42',
      startMs: Math.round(t),
      durationMs: Math.round(offset + 20 + rand() * 300),
      calls,
      toolCalls: tools,
      toolErrors: i === 4 ? 1 : 0,
    });
    t += 4 * 60_000 + rand() * 9 * 60_000;
  }
  // The failing tool needs a tool call.
  traces[4].toolCalls = Math.max(traces[4].toolCalls, 2);
  return overrides.mapTraces ? overrides.mapTraces(traces) : traces;
}

/**
 * The cost of a call, as the worker's pricing would give it.
 * @param {UsageCall} call
 * @returns {CallCost}
 */
function callCost(call) {
  const m = USAGE_MODELS[call.model] ?? { unknown: true, provider: 'acme' };
  if (m.unknown) {
    return { status: 'unpriced', reason: 'unknown-model', detail: `No price known for "${call.model}". Add it to traceLens.pricing.models.`, model: call.model, provider: m.provider };
  }
  if (m.reported) {
    return { status: 'reported', costUsd: roundUsd((call.input * m.reported.in + call.output * m.reported.out) / 1e6), model: call.model };
  }
  const p = /** @type {NonNullable<UsageModel['price']>} */ (m.price);
  const inputUsd = ((call.input - call.cacheRead) * p.in) / 1e6;
  const cacheReadUsd = (call.cacheRead * p.cached) / 1e6;
  const outputUsd = ((call.output - call.reasoning) * p.out) / 1e6;
  const reasoningUsd = (call.reasoning * p.out) / 1e6;
  return {
    status: 'priced',
    costUsd: roundUsd(inputUsd + cacheReadUsd + outputUsd + reasoningUsd),
    breakdown: { inputUsd, cacheReadUsd, cacheWriteUsd: 0, outputUsd, reasoningUsd, otherUsd: 0 },
    rates: { inputPerMTok: p.in, cacheReadPerMTok: p.cached, cacheWritePerMTok: p.in, outputPerMTok: p.out, reasoningPerMTok: p.out },
    model: call.model,
    source: 'genai-prices',
    pricedAs: `${m.provider}/${call.model}`,
  };
}

/**
 * @param {UsageCall[]} calls
 * @returns {TokenTotals}
 */
function tokenTotals(calls) {
  const t = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };
  for (const c of calls) {
    t.input += c.input;
    t.output += c.output;
    t.cacheRead += c.cacheRead;
    t.cacheWrite += c.cacheWrite;
    t.reasoning += c.reasoning;
    t.total += c.input + c.output;
  }
  return t;
}

/**
 * Latency stats by nearest rank, as src/core/usage computes them.
 * @param {number[]} samples
 * @returns {LatencyStats | null}
 */
function latency(samples) {
  if (samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  /** @param {number} p */
  const rank = (p) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
  return { count: s.length, p50Ms: rank(0.5), p95Ms: rank(0.95), p99Ms: rank(0.99), maxMs: s[s.length - 1], meanMs: s.reduce((a, b) => a + b, 0) / s.length, samplesMs: s };
}

/**
 * A report over some traces; `scope` as in UsageScope. Points: traces, or the calls of one trace.
 * @param {UsageScope} scope
 * @param {UsageTrace[]} traces
 * @param {{ truncated?: boolean }} [options]
 * @returns {UsageReport}
 */
function reportOf(scope, traces, { truncated = false } = {}) {
  const calls = traces.flatMap((t) => t.calls.map((c) => ({ ...c, trace: t, cost: callCost(c) })));
  /** @type {Map<string, { model: string, provider: string | undefined, calls: typeof calls }>} */
  const byModel = new Map();
  for (const c of calls) {
    let m = byModel.get(c.model);
    if (!m) byModel.set(c.model, (m = { model: c.model, provider: USAGE_MODELS[c.model]?.provider, calls: [] }));
    m.calls.push(c);
  }
  const models = [...byModel.values()]
    .map((m) => ({ model: m.model, ...(m.provider ? { provider: m.provider } : {}), calls: m.calls.length, tokens: tokenTotals(m.calls), cost: sumCosts(m.calls.map((c) => c.cost)) }))
    .sort((a, b) => b.cost.costUsd - a.cost.costUsd || b.calls - a.calls);
  const contextUse = calls
    .flatMap((c) => {
      const window = USAGE_MODELS[c.model]?.window;
      return window ? [{ spanId: c.spanId, model: c.model, inputTokens: c.input, contextWindow: window, utilization: c.input / window }] : [];
    });
  const toolCalls = traces.reduce((s, t) => s + t.toolCalls, 0);
  const toolErrors = traces.reduce((s, t) => s + t.toolErrors, 0);
  const points =
    scope.kind === 'trace'
      ? calls.map((c) => ({
          timeUnixMs: c.trace.startMs + c.offsetMs,
          label: c.model,
          traceId: c.trace.traceId,
          spanId: c.spanId,
          inputTokens: c.input,
          outputTokens: c.output,
          costUsd: c.cost.status === 'unpriced' ? null : c.cost.costUsd,
          durationMs: c.latencyMs,
        }))
      : traces.map((t) => {
          const cost = sumCosts(t.calls.map(callCost));
          const tok = tokenTotals(t.calls);
          return {
            timeUnixMs: t.startMs,
            label: t.label,
            traceId: t.traceId,
            inputTokens: tok.input,
            outputTokens: tok.output,
            costUsd: cost.reportedCount + cost.pricedCount > 0 ? cost.costUsd : null,
            ...(cost.isLowerBound ? { costIsLowerBound: true } : {}),
            durationMs: t.durationMs,
          };
        });
  return {
    scope,
    traceCount: traces.length,
    truncated,
    metrics: {
      traceCount: traces.length,
      tokens: tokenTotals(calls),
      cost: sumCosts(calls.map((c) => c.cost)),
      modelCalls: calls.length,
      modelCallErrors: calls.filter((c) => c.error).length,
      agentIterations: calls.length,
      toolCalls,
      toolErrors,
      toolSuccessRate: toolCalls ? (toolCalls - toolErrors) / toolCalls : null,
      modelLatency: latency(calls.map((c) => c.latencyMs)),
      contextUse,
      maxContextUtilization: contextUse.length ? Math.max(...contextUse.map((c) => c.utilization)) : null,
      durationMs: traces.reduce((s, t) => s + t.durationMs, 0),
      models,
    },
    points,
    priceData: 'genai-prices 0.1.8 (2026-08-01)',
  };
}

/** Hostile strings: must show as text in the view and stay text in a spreadsheet. */
export const HOSTILE_MODEL = '<img src=x onerror="window.__xss=1">';
export const FORMULA_MODEL = '=HYPERLINK("http://evil.invalid","x")';
export const HOSTILE_LABEL = '<script>window.__xss=2</script><b>bold?</b>';

/**
 * The fixture set by name. `rich`: the normal agent app. `xss`: model names and trace labels that
 * look like HTML or spreadsheet formulas. `nocalls`: traces without model calls. `empty`: nothing
 * stored (reports are null). `truncated`: "all" summed only the newest traces.
 * @returns {{ name: string, selection: { trace: { id: string, label: string }, session: { id: string, label: string } },
 *   selectedTrace: UsageTrace, reports: Record<'all' | 'session' | 'trace', UsageReport | null> }}
 */
export function makeUsageFixture(name = 'rich') {
  let traces;
  if (name === 'xss') {
    traces = makeTraces({
      mapTraces: (ts) =>
        ts.map((t, i) => ({
          ...t,
          label: i % 2 ? HOSTILE_LABEL : t.label,
          calls: t.calls.map((c, j) => (j === 0 && i % 4 === 0 ? { ...c, model: i % 8 === 0 ? HOSTILE_MODEL : FORMULA_MODEL } : c)),
        })),
    });
  } else if (name === 'nocalls') {
    traces = makeTraces({ mapTraces: (ts) => ts.map((t) => ({ ...t, calls: [] })) });
  } else {
    traces = makeTraces();
  }
  // The selected trace: the 18th (index 17: has the unknown model), in session sess-c0ffee42.
  const selected = traces[17];
  const session = traces.filter((t) => t.sessionId === selected.sessionId);
  const empty = name === 'empty';
  return {
    name,
    selection: {
      trace: { id: selected.traceId, label: name === 'xss' ? HOSTILE_LABEL : selected.label },
      session: { id: selected.sessionId, label: `Session ${selected.sessionId.slice(5)} · “${session[0].label}”` },
    },
    selectedTrace: selected,
    reports: {
      all: empty ? null : reportOf({ kind: 'all' }, traces, { truncated: name === 'truncated' }),
      session: empty ? null : reportOf({ kind: 'session', sessionId: selected.sessionId }, session),
      trace: empty ? null : reportOf({ kind: 'trace', traceId: selected.traceId }, [selected]),
    },
  };
}
