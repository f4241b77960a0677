/**
 * Pure helpers of the Usage view (no DOM): the rows of its tables, their CSV export, the latency
 * histogram and time-axis ticks. Every number a chart draws comes from here too, so the charts,
 * the tables and the CSV agree.
 */
import Papa from 'papaparse';
import { describeCost, formatCostUsd, formatRatio, formatUsd, type ModelUsage, type UsagePoint, type UsageReport } from '../../src/model/cost';
import { formatDuration, formatInteger } from '../../src/model/format';

/** An exact count with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? formatInteger(Math.round(n)) : '—';
}

/** The cost of a chart point or table row: `$0.0123`, `≥ $0.0123`, `—` when unknown (never 0). */
export function formatPointCost(point: Pick<UsagePoint, 'costUsd' | 'costIsLowerBound'>): string {
  if (point.costUsd === null) return '—';
  return point.costIsLowerBound ? `≥ ${formatUsd(point.costUsd)}` : formatUsd(point.costUsd);
}

/** The cost of a model's calls as a number for charts and CSV: `null` when none was priced. */
export function modelCostUsd(m: ModelUsage): number | null {
  return m.cost.reportedCount + m.cost.pricedCount > 0 ? m.cost.costUsd : null;
}

// ── run metrics ──────────────────────────────────────────────────────────────────────────────

/** One row of the run-metrics table and CSV. */
export interface MetricRow {
  /** Stable machine name (the CSV `metric` column). */
  key: string;
  label: string;
  /** What the table shows. */
  display: string;
  /** What the CSV holds: raw numbers (USD, ms, ratios 0..1), `null` → empty cell when unknown. */
  value: number | string | boolean | null;
  unit: string;
  /** Hover text (cost explanations). */
  title?: string;
}

/** The run metrics of a report, in the order the table shows them. */
export function metricRows(report: UsageReport): MetricRow[] {
  const m = report.metrics;
  const t = m.tokens;
  const lat = m.modelLatency;
  const costKnown = m.cost.reportedCount + m.cost.pricedCount > 0;
  const ms = (key: string, label: string, v: number | null | undefined): MetricRow => ({
    key,
    label,
    display: v === null || v === undefined ? '—' : formatDuration(v),
    value: v ?? null,
    unit: 'ms',
  });
  const count = (key: string, label: string, v: number, unit: string): MetricRow => ({ key, label, display: formatCount(v), value: v, unit });
  return [
    {
      key: 'traces',
      label: 'Traces',
      display: report.truncated ? `${formatCount(report.traceCount)} (newest only)` : formatCount(report.traceCount),
      value: report.traceCount,
      unit: 'traces',
      ...(report.truncated ? { title: `Only the newest ${formatCount(report.traceCount)} traces are summed.` } : {}),
    },
    { key: 'cost_usd', label: 'Cost', display: formatCostUsd(m.cost), value: costKnown ? m.cost.costUsd : null, unit: 'USD', title: describeCost(m.cost) },
    { key: 'cost_is_lower_bound', label: 'Cost is a lower bound', display: m.cost.isLowerBound ? 'yes' : 'no', value: m.cost.isLowerBound, unit: '' },
    { key: 'unpriced_models', label: 'Models without a price', display: m.cost.unpricedModels.join(', ') || '—', value: m.cost.unpricedModels.join('; '), unit: '' },
    count('tokens_input', 'Input tokens', t.input, 'tokens'),
    count('tokens_output', 'Output tokens', t.output, 'tokens'),
    count('tokens_cache_read', 'Cached input tokens (read)', t.cacheRead, 'tokens'),
    count('tokens_cache_write', 'Cache write tokens', t.cacheWrite, 'tokens'),
    count('tokens_reasoning', 'Reasoning tokens', t.reasoning, 'tokens'),
    count('tokens_total', 'Total tokens', t.total, 'tokens'),
    count('model_calls', 'Model calls', m.modelCalls, 'calls'),
    count('model_call_errors', 'Model call errors', m.modelCallErrors, 'calls'),
    count('agent_iterations', 'Agent iterations', m.agentIterations, 'iterations'),
    count('tool_calls', 'Tool calls', m.toolCalls, 'calls'),
    count('tool_errors', 'Tool errors', m.toolErrors, 'calls'),
    { key: 'tool_success_rate', label: 'Tool success rate', display: formatRatio(m.toolSuccessRate), value: m.toolSuccessRate, unit: 'ratio' },
    ms('model_latency_p50_ms', 'Model latency p50', lat?.p50Ms),
    ms('model_latency_p95_ms', 'Model latency p95', lat?.p95Ms),
    ms('model_latency_p99_ms', 'Model latency p99', lat?.p99Ms),
    ms('model_latency_max_ms', 'Model latency max', lat?.maxMs),
    ms('model_latency_mean_ms', 'Model latency mean', lat?.meanMs),
    {
      key: 'max_context_utilization',
      label: 'Max context-window use',
      display: formatRatio(m.maxContextUtilization),
      value: m.maxContextUtilization,
      unit: 'ratio',
    },
    {
      key: 'duration_ms',
      label: report.traceCount > 1 ? 'Duration (sum of traces)' : 'Duration',
      display: formatDuration(m.durationMs),
      value: m.durationMs,
      unit: 'ms',
    },
  ];
}

// ── CSV ──────────────────────────────────────────────────────────────────────────────────────

/**
 * CSV through papaparse: quoting and escaping by the library, and `escapeFormulae` so a model
 * name such as `=HYPERLINK(…)` stays text in a spreadsheet. Unknown values are empty cells.
 */
function toCsv(fields: string[], rows: unknown[][]): string {
  return Papa.unparse({ fields, data: rows }, { escapeFormulae: true, newline: '\r\n' });
}

/** Usage per model: one row per model, most expensive first. */
export function modelsCsv(report: UsageReport): string {
  return toCsv(
    ['model', 'provider', 'calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'cost_usd', 'cost_is_lower_bound', 'unpriced_calls'],
    report.metrics.models.map((m) => [
      m.model,
      m.provider ?? '',
      m.calls,
      m.tokens.input,
      m.tokens.output,
      m.tokens.cacheRead,
      m.tokens.cacheWrite,
      m.tokens.reasoning,
      m.tokens.total,
      modelCostUsd(m) ?? '',
      m.cost.isLowerBound,
      m.cost.unpricedCount,
    ]),
  );
}

/** The run metrics as `metric,value,unit` rows. */
export function metricsCsv(report: UsageReport): string {
  return toCsv(
    ['metric', 'value', 'unit'],
    metricRows(report).map((r) => [r.key, r.value ?? '', r.unit]),
  );
}

/** The chart points (model calls of a trace, or traces), in time order. */
export function pointsCsv(report: UsageReport): string {
  return toCsv(
    ['time_utc', 'label', 'trace_id', 'span_id', 'input_tokens', 'output_tokens', 'cost_usd', 'cost_is_lower_bound', 'duration_ms'],
    report.points.map((p) => [
      new Date(p.timeUnixMs).toISOString(),
      p.label,
      p.traceId,
      p.spanId ?? '',
      p.inputTokens,
      p.outputTokens,
      p.costUsd ?? '',
      p.costIsLowerBound === true,
      p.durationMs,
    ]),
  );
}

/** The latency histogram as `from_ms,to_ms,calls` rows. */
export function latencyCsv(bins: readonly LatencyBin[]): string {
  return toCsv(
    ['from_ms', 'to_ms', 'calls'],
    bins.map((b) => [b.fromMs, b.toMs, b.count]),
  );
}

// ── latency histogram ────────────────────────────────────────────────────────────────────────

/** One histogram bin: calls with `fromMs ≤ latency < toMs` (the last bin includes `toMs`). */
export interface LatencyBin {
  fromMs: number;
  toMs: number;
  count: number;
}

/** 1, 2 or 5 × 10^n, the smallest at least `raw`. */
function niceStep(raw: number): number {
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / pow;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * pow;
}

/**
 * Equal-width bins with a "nice" width (1, 2 or 5 × 10^n ms) covering every sample, at most
 * about `maxBins` of them. A single distinct value gets a few bins around it, so its bar does not
 * fill the whole chart.
 */
export function latencyBins(samplesMs: readonly number[], maxBins = 12): LatencyBin[] {
  const values = samplesMs.filter((v) => Number.isFinite(v) && v >= 0);
  if (values.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const step = niceStep(span > 0 ? span / Math.max(1, maxBins) : Math.max(max, 1) / 4);
  let start = Math.floor(min / step) * step;
  let end = Math.ceil(max / step) * step;
  if (end <= max) end += step;
  if (span === 0 && start > 0) start -= step;
  end = Math.max(end, start + 3 * step);
  const n = Math.max(1, Math.round((end - start) / step));
  const bins: LatencyBin[] = Array.from({ length: n }, (_, i) => ({ fromMs: clean(start + i * step), toMs: clean(start + (i + 1) * step), count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.floor((v - start) / step))]!.count++;
  return bins;
}

/** Removes float noise from multiples of a decimal step (0.1 + 0.2). */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

// ── time axis ────────────────────────────────────────────────────────────────────────────────

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 365 * DAY,
];

/**
 * Ticks for a time axis in Unix ms: the smallest step from a list of clock-friendly steps that
 * gives at most `maxTicks` ticks in `[minMs, maxMs]`, aligned to local time (midnight for days).
 * `tzOffsetMs` is the local offset from UTC (east positive), injectable for tests.
 */
export function timeTicks(minMs: number, maxMs: number, maxTicks: number, tzOffsetMs = -new Date(minMs).getTimezoneOffset() * MINUTE): { stepMs: number; ticksMs: number[] } {
  const span = Math.max(0, maxMs - minMs);
  const stepMs = TIME_STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const first = Math.ceil((minMs + tzOffsetMs) / stepMs) * stepMs - tzOffsetMs;
  const ticksMs: number[] = [];
  for (let t = first; t <= maxMs && ticksMs.length < 1000; t += stepMs) ticksMs.push(t);
  return { stepMs, ticksMs };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** A time-axis label whose precision follows the step: `14:19:25.5`, `14:19:25`, `14:19`, `Nov 21`. */
export function formatTimeTick(ms: number, stepMs: number): string {
  const d = new Date(ms);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (stepMs >= DAY) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  // A day boundary on an hour-scale axis shows the date instead of 00:00.
  if (stepMs >= HOUR && d.getHours() === 0 && d.getMinutes() === 0) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (stepMs >= MINUTE) return hm;
  const hms = `${hm}:${pad2(d.getSeconds())}`;
  if (stepMs >= SECOND) return hms;
  const decimals = stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
  return `${hms}.${String(d.getMilliseconds()).padStart(3, '0').slice(0, decimals)}`;
}

/** A point's time for tables and tooltips: `14:19:25`, with the date when `withDate`. */
export function formatPointTime(ms: number, withDate: boolean): string {
  const d = new Date(ms);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return withDate ? `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}` : time;
}

/** `true` when the points fall on more than one local day (tables then show dates). */
export function spansDays(points: readonly UsagePoint[]): boolean {
  if (points.length < 2) return false;
  const day = (ms: number) => new Date(ms).toDateString();
  return day(points[0]!.timeUnixMs) !== day(points[points.length - 1]!.timeUnixMs);
}

/** `text` cut to `max` characters with an ellipsis (chart axis labels). */
export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, Math.max(1, max - 1)).trimEnd()}…` : oneLine;
}

/** The findings table as CSV (severity, detector, message, trace title and id, span id). */
export function findingsCsv(report: UsageReport): string {
  return toCsv(
    ['severity', 'detector', 'message', 'trace', 'trace_id', 'span_id'],
    (report.findings ?? []).map((f) => [f.severity, f.detector, f.message, f.traceTitle, f.traceId, f.spanId]),
  );
}
