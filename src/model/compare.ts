/**
 * Two runs side by side (back end request `compareTraces`, the compare webview): the two traces'
 * normalized conversations aligned step by step, inline text diffs, tool definitions and model
 * parameters that changed, deltas of tokens, cost, latency and errors, spans added, removed or
 * with a changed status, and a one-line summary. Built by src/core/compare. JSON-safe; shared
 * with the webview.
 */
import type { SpanId, TraceId } from './ids';
import type { StatusCode, TraceSummary } from './trace';

/** One piece of an inline diff: text common to both sides, only on the right (`added`) or only on the left (`removed`). */
export interface DiffSegment {
  op: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * A text compared between the left (older, "A") and the right (newer, "B") run. JSON values are
 * compared in a canonical form (keys sorted, 2-space indent), so key order and JSON-in-a-string do
 * not count as changes. `segments` is absent when both texts are equal; when the texts were too
 * long to diff within the budget, `segments` is the whole left text removed and the whole right
 * text added (`coarse`).
 */
export interface TextDiff {
  /** What is compared: `user input`, `system instructions`, `input`, `output`, `arguments`, `result`, `error`, … */
  label: string;
  left?: string;
  right?: string;
  changed: boolean;
  segments?: DiffSegment[];
  coarse?: boolean;
}

/** What kind of conversation step a row holds (the conversation item's `type`). */
export type CompareStepKind = 'modelCall' | 'toolCall' | 'agent' | 'guardrail';

/** One side of an aligned row: a conversation item, reduced to what is compared and shown. */
export interface CompareStep {
  kind: CompareStepKind;
  spanId: SpanId;
  /** The step's name: the model, the tool name, the agent name or the guardrail span's name. */
  name: string;
  /** Alignment key: kind and tool / agent name / model (src/core/compare/align.ts). */
  key: string;
  startOffsetMs: number;
  durationMs: number;
  /** Input + output tokens of a model call (cache-inclusive input, as reported). */
  tokens?: number;
  /** USD of a priced or reported model call; absent when unknown. */
  costUsd?: number;
  error?: string;
}

/** Right minus left of one measure; absent sides count as 0 except where said. */
export interface CompareDelta {
  tokens: number;
  /** USD, rounded to 1e-12. */
  costUsd: number;
  /** Duration in ms. */
  latencyMs: number;
  /** Errors on the right minus errors on the left. */
  errors: number;
}

/** One aligned row: the same step in both runs, a changed step, or a step only one run has. */
export interface CompareRow {
  status: 'same' | 'changed' | 'added' | 'removed';
  left?: CompareStep;
  right?: CompareStep;
  /** The compared texts of this step; only the changed ones for `changed` rows, every text for `added`/`removed`. */
  diffs: TextDiff[];
  delta: CompareDelta;
}

/** A tool definition offered to the model in one run and not the other, or with a different definition. */
export interface ToolDefinitionChange {
  name: string;
  change: 'added' | 'removed' | 'changed';
  diff: TextDiff;
}

/** A model request parameter (temperature, max tokens, model, …) whose values differ between the runs. */
export interface ParameterChange {
  /** Convention-independent name: `model`, `temperature`, `max_tokens`, `top_p`, … */
  name: string;
  /** Distinct values over the run's model calls, comma-separated; absent when the run never set it. */
  left?: string;
  right?: string;
}

/** Spans that one run has and the other not, or whose status changed, by span name path (`root > child > …`). */
export interface SpanChange {
  /** Span names from the root, joined with ` > `. */
  path: string;
  change: 'added' | 'removed' | 'status';
  /** How many spans of this path were added or removed (1 for a status change). */
  count: number;
  leftStatus?: StatusCode;
  rightStatus?: StatusCode;
  /** A span of the path on each side (for opening it). */
  leftSpanId?: SpanId;
  rightSpanId?: SpanId;
}

/** Totals of one run. */
export interface CompareTotals {
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the priced and reported calls; `costIsLowerBound` when a call is unpriced. */
  costUsd: number;
  costIsLowerBound: boolean;
  durationMs: number;
  modelCalls: number;
  toolCalls: number;
  /** Spans with status error. */
  errors: number;
  spanCount: number;
}

/** Most rows in a comparison (conversations are capped by the store already; a bound for the webview). */
export const MAX_COMPARE_ROWS = 1000;
/** Most span changes listed. */
export const MAX_SPAN_CHANGES = 200;

/** The whole comparison of two runs: `left` is the older (base) run, `right` the newer one. */
export interface TraceComparison {
  left: TraceSummary;
  right: TraceSummary;
  leftTotals: CompareTotals;
  rightTotals: CompareTotals;
  /** One line: `cost +32%, 2 more tool calls, new error in get_weather`. */
  summary: string;
  /** Whole-run texts: the first user input, the system instructions, the final answer. */
  texts: TextDiff[];
  rows: CompareRow[];
  /** `true` when rows were cut at `MAX_COMPARE_ROWS`. */
  rowsTruncated?: boolean;
  toolDefinitions: ToolDefinitionChange[];
  parameters: ParameterChange[];
  spans: SpanChange[];
  spansTruncated?: boolean;
  /** Right minus left of the totals. */
  delta: CompareDelta;
}

/** The ids of a comparison request. */
export interface CompareRequest {
  leftTraceId: TraceId;
  rightTraceId: TraceId;
}
