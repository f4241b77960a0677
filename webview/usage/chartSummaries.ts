/** Text alternatives of the Usage view's charts (pure: no DOM, no Chart.js). */
import { formatCostUsd, type UsageReport } from '../../src/model/cost';
import { formatDuration } from '../../src/model/format';
import type { ChartSlot } from './chartCommon';
import { formatCount, formatPointTime, spansDays } from './data';

/** Text alternatives of the charts (their canvases' `aria-label`). */
export function chartSummaries(report: UsageReport): Record<ChartSlot, string> {
  const m = report.metrics;
  const models = m.models.slice(0, 8).map((x) => `${x.model} ${formatCostUsd(x.cost)}`);
  const more = m.models.length > 8 ? `, and ${m.models.length - 8} more` : '';
  const points = report.points;
  const what = report.scope.kind === 'trace' ? 'model calls' : 'traces';
  const input = points.reduce((s, p) => s + p.inputTokens, 0);
  const output = points.reduce((s, p) => s + p.outputTokens, 0);
  const withDate = spansDays(points);
  const range = points.length
    ? ` from ${formatPointTime(points[0]!.timeUnixMs, withDate)} to ${formatPointTime(points[points.length - 1]!.timeUnixMs, withDate)}`
    : '';
  const lat = m.modelLatency;
  return {
    cost: `Cost by model, total ${formatCostUsd(m.cost)}: ${models.join('; ') || 'no models'}${more}.`,
    tokens: `Tokens over time: ${formatCount(points.length)} ${what}${range}; ${formatCount(input)} input and ${formatCount(output)} output tokens.`,
    latency: lat
      ? `Model latency of ${formatCount(lat.count)} calls: p50 ${formatDuration(lat.p50Ms)}, p95 ${formatDuration(lat.p95Ms)}, p99 ${formatDuration(lat.p99Ms)}, max ${formatDuration(lat.maxMs)}.`
      : 'No model latency measured.',
  };
}
