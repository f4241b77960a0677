/**
 * Agent-run diagnostics: findings of the detectors (loops, retry storms, swallowed tool errors,
 * skipped tools, token and context spikes, truncated output) and per-agent statistical
 * baselines. JSON-safe; shared by the back end thread (which computes them, src/core/diagnostics),
 * the extension host (Problems panel, commands) and the webviews.
 *
 * Definitions (what counts as a loop, a retry, an error rate, which σ): src/core/diagnostics/README.md.
 */
import type { SpanId, TraceId } from './ids';

/** Which detector produced a finding. */
export type DetectorId =
  /** The same tool called with the same (canonical) arguments `loopRepeats`+ times in one run. */
  | 'loop'
  /** More agent loop iterations (src/core/usage/README.md) than `maxIterations`. */
  | 'iteration-limit'
  /** `retryRepeats`+ consecutive calls of one tool, each after the previous one failed. */
  | 'retry-storm'
  /** A tool span with status unset/OK whose result carries an error, and the run went on. */
  | 'swallowed-tool-error'
  /** The model was offered tools and called none, where this agent's baseline runs nearly always do. */
  | 'tool-skipped'
  /** A tool named in `traceLens.diagnostics.expectedTools` for the agent or root span was not called. */
  | 'expected-tool-missing'
  /** A model call's input tokens exceed `spikeFactor` × the median of the same model (run or baseline). */
  | 'token-spike'
  /** A model call's input fills more than `contextThreshold` of the model's context window. */
  | 'context-window'
  /** Generation stopped at the output-token limit (`length`, `max_tokens`, `max_output_tokens`). */
  | 'truncated-output'
  /** Generation was stopped or blocked by a content filter (`content_filter`, Gemini `SAFETY`, …). */
  | 'content-filtered'
  /** Output messages were captured but hold neither text nor a tool call. */
  | 'empty-completion'
  /** A run metric more than `baselineThreshold` standard deviations from its baseline mean. */
  | 'baseline-anomaly';

export const DETECTOR_IDS: readonly DetectorId[] = [
  'loop',
  'iteration-limit',
  'retry-storm',
  'swallowed-tool-error',
  'tool-skipped',
  'expected-tool-missing',
  'token-spike',
  'context-window',
  'truncated-output',
  'content-filtered',
  'empty-completion',
  'baseline-anomaly',
];

/** VS Code `DiagnosticSeverity` names (the Problems panel's levels). */
export type FindingSeverity = 'error' | 'warning' | 'information';

/** A run metric the baseline tracks (per run = per trace). */
export type BaselineMetric =
  /** USD, each call counted once (`RunMetrics.cost`); undefined for a run with an unpriced call. */
  | 'costUsd'
  /** The trace's end-to-end duration, milliseconds. */
  | 'durationMs'
  /** `RunMetrics.toolCalls`. */
  | 'toolCalls'
  /** (model call errors + tool errors) / (model calls + tool calls); undefined without calls. */
  | 'errorRate'
  /** Tool calls made right after a failed call of the same tool / tool calls; undefined without tool calls. */
  | 'retryRate'
  /** `RunMetrics.tokens.total` (input + output per call); undefined without model calls. */
  | 'totalTokens';

export const BASELINE_METRICS: readonly BaselineMetric[] = ['costUsd', 'durationMs', 'toolCalls', 'errorRate', 'retryRate', 'totalTokens'];

/**
 * Which runs are compared with each other: one service and one agent (the outermost agent span's
 * name) or, for runs without an agent span, one root span name.
 */
export interface BaselineKey {
  /** `service.name` of the run's root span resource; '' when unknown. */
  serviceName: string;
  /** The agent name or the root span name (see `by`). */
  name: string;
  by: 'agent' | 'root';
}

/** `agent:<service>/<name>` or `root:<service>/<name>`: a map key and a display label. */
export function baselineKeyId(key: BaselineKey): string {
  return `${key.by}:${key.serviceName}/${key.name}`;
}

/** Mean and standard deviation of one metric over the baseline runs where it is defined. */
export interface MetricStats {
  /** Runs in which the metric is defined (≤ `BaselineStats.runs`). */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 when n < 2. */
  stdDev: number;
}

/** The baseline of one key, as Show Baselines lists it. */
export interface BaselineStats {
  key: BaselineKey;
  /** `baselineKeyId(key)`. */
  keyId: string;
  /** Completed runs counted (the newest `baselineRuns`). */
  runs: number;
  /** Per metric; a metric defined in no run is absent. */
  metrics: Partial<Record<BaselineMetric, MetricStats>>;
  /** Tool use: runs whose model was offered tools, and how many of them called at least one. */
  toolUse: { offeredRuns: number; calledRuns: number };
  /**
   * Per model (response model, else request model): baseline runs that called it, calls sampled
   * (at most 64 per run), and the median input tokens per call; most calls first.
   */
  models: { model: string; runs: number; calls: number; medianInputTokens: number }[];
  /** Trace ids counted, oldest first. */
  traceIds: TraceId[];
}

interface FindingBase {
  /** Stable across re-evaluations of the same trace: `${detector}:${traceId}:${spanId}` (+ `:${metric}` for baselines). */
  id: string;
  severity: FindingSeverity;
  /** One sentence with the numbers. */
  message: string;
  traceId: TraceId;
  sessionId?: string;
  /** The span the finding is about (a tool call, a model call, the agent or root span). */
  spanId: SpanId;
  /** Every other span involved (the other calls of a loop, the model call that went on, …), at most `MAX_RELATED_SPANS`. */
  relatedSpanIds: SpanId[];
}

/** Most related spans named by one finding. */
export const MAX_RELATED_SPANS = 100;

export type Finding = FindingBase &
  (
    | {
        detector: 'loop';
        detail: {
          toolName: string;
          /** Calls with these arguments in the run. */
          count: number;
          limit: number;
          /** Canonical JSON of the arguments (sorted keys), shortened to 200 characters. */
          arguments: string;
          /** `tool-span`: tool spans; `tool-call-request`: `tool_call` parts of model outputs (the run has no tool spans). */
          source: 'tool-span' | 'tool-call-request';
        };
      }
    | { detector: 'iteration-limit'; detail: { iterations: number; limit: number } }
    | {
        detector: 'retry-storm';
        detail: {
          toolName: string;
          /** Calls in the chain (the first call and its retries). */
          count: number;
          /** Calls of the chain that failed. */
          failed: number;
          limit: number;
          /** The run's retry rate (see `BaselineMetric` `retryRate`). */
          retryRate: number;
        };
      }
    | {
        detector: 'swallowed-tool-error';
        detail: {
          toolName?: string;
          evidence: SwallowedErrorEvidence;
          /** What the error said, shortened to 200 characters. */
          excerpt: string;
          /** The model call that came after it. */
          continuedBySpanId: SpanId;
        };
      }
    | {
        detector: 'tool-skipped';
        detail: {
          /** Tool definitions offered to the run's model calls (largest count of one call). */
          toolsOffered: number;
          /** Baseline runs offered tools, and the share of them that called one. */
          baselineRuns: number;
          baselineCallRate: number;
          limit: number;
        };
      }
    | {
        detector: 'expected-tool-missing';
        detail: { expectedBy: 'agent' | 'root'; name: string; expectedTools: string[]; missingTools: string[] };
      }
    | {
        detector: 'token-spike';
        detail: {
          model: string;
          inputTokens: number;
          factor: number;
          /** Median input tokens of the same model's other calls in the run, and how many. */
          runMedian?: number;
          runCalls?: number;
          /** Median input tokens per call of the same model over the baseline runs, and how many calls. */
          baselineMedian?: number;
          baselineCalls?: number;
        };
      }
    | {
        detector: 'context-window';
        detail: { model: string; inputTokens: number; contextWindow: number; utilization: number; threshold: number };
      }
    | { detector: 'truncated-output' | 'content-filtered'; detail: { model?: string; finishReason: string } }
    | { detector: 'empty-completion'; detail: { model?: string } }
    | {
        detector: 'baseline-anomaly';
        detail: {
          key: BaselineKey;
          metric: BaselineMetric;
          value: number;
          mean: number;
          stdDev: number;
          /** Baseline runs in which the metric is defined. */
          n: number;
          /** (value − mean) / σ; `null` when σ = 0 (every baseline run had the same value). */
          zScore: number | null;
          threshold: number;
        };
      }
  );

/** The finding type of one detector: `FindingOf<'baseline-anomaly'>['detail']['metric']`. */
export type FindingOf<D extends DetectorId> = Extract<Finding, { detector: D }>;

/** Where a swallowed tool error was seen. */
export type SwallowedErrorEvidence =
  /** The result (JSON) has a non-empty `error` or `errors` field. */
  | 'error-field'
  /** The result is an MCP `CallToolResult` with `isError: true`. */
  | 'is-error'
  /** The result text holds a Python traceback (`Traceback (most recent call last)`). */
  | 'python-traceback'
  /** The result text holds a JavaScript stack (`…Error: …` followed by `    at …` lines). */
  | 'js-stack'
  /** The span has an `exception` event. */
  | 'exception-event';

/**
 * Detector settings (`traceLens.diagnostics.*`). Counts are per run (one trace); factors and
 * thresholds are plain ratios.
 */
export interface DiagnosticsConfig {
  /** Same tool + same arguments this many times in one run = a loop. Default 3. */
  loopRepeats: number;
  /** Agent loop iterations allowed per run (`traceLens.diagnostics.maxIterations`). Default 10. */
  maxIterations: number;
  /** Consecutive calls of one tool after failures that make a retry storm. Default 3. */
  retryRepeats: number;
  /** Input tokens above this × the same model's median = a spike. Default 3. */
  spikeFactor: number;
  /** Context-window utilization (input tokens / window) above which a call is flagged. Default 0.8. */
  contextThreshold: number;
  /** Completed runs kept per baseline key (`traceLens.diagnostics.baseline.runs`). Default 50. */
  baselineRuns: number;
  /** Baseline runs needed before a metric (or tool use, or a model's median) is compared. Default 5. */
  baselineMinRuns: number;
  /** Standard deviations from the mean that flag a metric (`traceLens.diagnostics.baseline.threshold`). Default 2.0. */
  baselineThreshold: number;
  /** Share of baseline runs (offered tools) that called one, from which a run without tool calls is flagged. Default 0.9. */
  toolSkipRate: number;
  /**
   * `traceLens.diagnostics.expectedTools`: agent name or root span name → tools the run must call
   * (names compared case-insensitively).
   */
  expectedTools: Record<string, string[]>;
  /** Detectors switched off. */
  disabled: DetectorId[];
}

/** The defaults of the `traceLens.diagnostics.*` settings (deeply frozen). */
export const DEFAULT_DIAGNOSTICS_CONFIG: Readonly<DiagnosticsConfig> = Object.freeze({
  loopRepeats: 3,
  maxIterations: 10,
  retryRepeats: 3,
  spikeFactor: 3,
  contextThreshold: 0.8,
  baselineRuns: 50,
  baselineMinRuns: 5,
  baselineThreshold: 2.0,
  toolSkipRate: 0.9,
  expectedTools: Object.freeze({}) as Record<string, string[]>,
  disabled: Object.freeze([]) as unknown as DetectorId[],
});

// ---------------------------------------------------------------------------------------------
// Alert thresholds on the six agent metrics (optional notifications)
// ---------------------------------------------------------------------------------------------

/** The six agent metrics that can raise an alert, per completed run (one trace). */
export type AlertMetric =
  /** `RunMetrics.tokens.total` (input + output per call, each call counted once). */
  | 'tokens'
  /** `RunMetrics.toolSuccessRate` (alerts *below* the threshold). */
  | 'toolSuccessRate'
  /** `RunMetrics.modelLatency.p95Ms`: p95 of the run's chat/completion call durations, ms. */
  | 'llmLatencyP95Ms'
  /** `RunMetrics.agentIterations`. */
  | 'loopIterations'
  /** `RunMetrics.maxContextUtilization` (input tokens / context window, largest call). */
  | 'contextUtilization'
  /** `RunMetrics.durationMs`: the run's end-to-end duration, ms. */
  | 'endToEndLatencyMs';

export const ALERT_METRICS: readonly AlertMetric[] = ['tokens', 'toolSuccessRate', 'llmLatencyP95Ms', 'loopIterations', 'contextUtilization', 'endToEndLatencyMs'];

/** `traceLens.diagnostics.alerts.*`. A threshold of `null` switches that metric's alert off. */
export interface AlertConfig {
  /** Off switch for all alert notifications. Default `false` (alerts are opt-in). */
  enabled: boolean;
  thresholds: Record<AlertMetric, number | null>;
  /** At most one notification per metric and baseline key in this many ms. Default 10 minutes. */
  minIntervalMs: number;
  /** At most this many notifications in any `minIntervalMs` window overall. Default 3. */
  maxPerInterval: number;
}

/**
 * Defaults (Trace Lens's choice; no standard sets these): tokens 100,000 per run; tool success
 * below 90%; model-call p95 above 10 s; more than 10 loop iterations (the `maxIterations`
 * default); context above 80% (the `contextThreshold` default); a run longer than 60 s.
 * Alerts are off until `enabled`; each threshold can be changed or set to `null`.
 */
export const DEFAULT_ALERT_CONFIG: Readonly<AlertConfig> = Object.freeze({
  enabled: false,
  thresholds: Object.freeze({
    tokens: 100_000,
    toolSuccessRate: 0.9,
    llmLatencyP95Ms: 10_000,
    loopIterations: 10,
    contextUtilization: 0.8,
    endToEndLatencyMs: 60_000,
  }) as Record<AlertMetric, number | null>,
  minIntervalMs: 10 * 60_000,
  maxPerInterval: 3,
});

/** One threshold crossed by one run. */
export interface MetricAlert {
  metric: AlertMetric;
  value: number;
  threshold: number;
  /** `below` only for `toolSuccessRate`. */
  direction: 'above' | 'below';
  traceId: TraceId;
  /** `baselineKeyId` of the run (rate limiting is per key and metric). */
  keyId: string;
  /** One sentence with the numbers. */
  message: string;
}

// ---------------------------------------------------------------------------------------------
// What the back end hands the host: findings with the source locations of their spans
// ---------------------------------------------------------------------------------------------

/**
 * Where a span of a finding was made, as the span says it (not yet resolved against the
 * workspace; the host does that): its `code.*` location, else the innermost app frame of its
 * first stack trace (src/core/source/spanSource.ts `sourceTargetOf`). Lines and columns 1-based.
 */
export interface FindingLocation {
  spanId: SpanId;
  /** The span's name, for related-information messages. */
  spanName: string;
  path: string;
  line: number | null;
  column: number | null;
  /** The app's working directory and the stack format/function, for path resolution. */
  hints: { workingDirectory?: string | null; format?: string | null; functionName?: string | null };
}

/**
 * A finding, the locations of its spans (primary first; spans without a location left out) and
 * the title of its trace as the Traces view shows it (first user message, else root span name).
 */
export type LocatedFinding = Finding & { locations: FindingLocation[]; traceTitle: string };

/** A trace's findings in a list row: how many, and the worst severity. */
export interface TraceFindingsSummary {
  count: number;
  worst: FindingSeverity;
}

/** "Check Run Against Baseline": the run's findings (baseline anomalies included) and its baseline. */
export interface RunCheck {
  traceId: TraceId;
  /** `false` while spans still arrive (whole-run detectors wait for completion). */
  complete: boolean;
  /** `undefined` when the run has no baseline key (no model or tool activity) or fewer than the minimum runs. */
  baseline?: BaselineStats;
  /** The run's own values of the baseline metrics (where defined). */
  values: Partial<Record<BaselineMetric, number>>;
  findings: LocatedFinding[];
}

/** Severity order, worst first. */
export const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { error: 0, warning: 1, information: 2 };

/** The worst severity among `findings`; `information` for none. */
export function worstSeverity(findings: readonly { severity: FindingSeverity }[]): FindingSeverity {
  let worst: FindingSeverity = 'information';
  for (const f of findings) if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}
