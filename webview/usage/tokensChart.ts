/** The Usage view's "tokens over time" chart: input and output tokens per point, on a time axis. */
import type { ActiveElement, Chart, ChartConfiguration, ChartEvent, Scale } from 'chart.js';
import type { UsagePoint } from '../../src/model/cost';
import { formatDuration } from '../../src/model/format';
import { axisOptions, font, tooltipOptions, type ChartHandlers, type PluginState } from './chartCommon';
import { formatCount, formatPointCost, formatPointTime, formatTimeTick, spansDays, timeTicks, truncate } from './data';

/** Tokens over time: input and output lines over the report's points; a click opens a point's trace. */
export function tokensConfig(state: PluginState, narrow: boolean, handlers: ChartHandlers): ChartConfiguration<'line'> {
  const { report, theme } = state;
  const points = report.points;
  const t0 = points[0]?.timeUnixMs ?? 0;
  const t1 = points[points.length - 1]?.timeUnixMs ?? t0;
  // One point (or calls at the same millisecond): a second either side; else 2% room at the ends.
  const margin = t1 > t0 ? (t1 - t0) * 0.02 : 1000;
  const [min, max] = [t0 - margin, t1 + margin];
  const maxTicks = narrow ? 3 : 6;
  const { stepMs, ticksMs } = timeTicks(min, max, maxTicks);
  const withDate = spansDays(points);
  const radius = points.length > 400 ? 1.5 : points.length > 100 ? 2 : 3;
  const series = (label: string, color: string, value: (p: UsagePoint) => number) => ({
    label,
    data: points.map((p) => ({ x: p.timeUnixMs, y: value(p) })),
    borderColor: color,
    backgroundColor: color,
    pointBorderColor: theme.contrastBorder || color,
    pointRadius: radius,
    pointHoverRadius: radius + 2,
    pointHitRadius: 6,
    borderWidth: 1.5,
    tension: 0,
  });
  const at = (items: { dataIndex: number }[]) => points[items[0]?.dataIndex ?? -1];
  return {
    type: 'line',
    data: {
      datasets: [series('Input', theme.input, (p) => p.inputTokens), series('Output', theme.output, (p) => p.outputTokens)],
    },
    options: {
      parsing: false,
      normalized: true,
      layout: { padding: { right: 6 } },
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          ...axisOptions(theme),
          type: 'linear',
          min,
          max,
          afterBuildTicks: (scale: Scale) => {
            scale.ticks = ticksMs.map((value) => ({ value }));
          },
          ticks: { ...axisOptions(theme).ticks, maxRotation: 0, autoSkip: false, callback: (v) => formatTimeTick(Number(v), stepMs) },
        },
        y: {
          ...axisOptions(theme),
          beginAtZero: true,
          ticks: { ...axisOptions(theme).ticks, maxTicksLimit: 5, callback: (v) => formatTokenTick(Number(v)) },
        },
      },
      plugins: {
        legend: {
          display: true,
          position: 'top',
          align: 'end',
          labels: { color: theme.foreground, font: font(theme), boxWidth: 10, boxHeight: 10, padding: 8 },
        },
        tooltip: {
          ...tooltipOptions(theme),
          callbacks: {
            title: (items) => {
              const p = at(items);
              return p ? [truncate(p.label, 48), formatPointTime(p.timeUnixMs, withDate)] : '';
            },
            label: (item) => `${item.dataset.label ?? ''}: ${formatCount(item.parsed.y ?? 0)} tokens`,
            footer: (items) => {
              const p = at(items);
              return p ? [`Cost ${formatPointCost(p)} · ${formatDuration(p.durationMs)}`, 'Click to open the trace'] : '';
            },
          },
        },
      },
      // The tooltip shows the point nearest to the pointer's x; a click opens that point's trace.
      onHover: (_event: ChartEvent, elements: ActiveElement[], chart: Chart) => {
        chart.canvas.style.cursor = elements.length ? 'pointer' : 'default';
      },
      onClick: (_event: ChartEvent, elements: ActiveElement[]) => {
        const p = elements[0] ? points[elements[0].index] : undefined;
        if (p) handlers.openPoint(p);
      },
    },
  };
}

/** `0`, `500`, `5k`, `12.5k`, `1.2M`: axis ticks in one style (no `5,000` next to `10k`). */
function formatTokenTick(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toFixed(1))}M`;
  if (n >= 1000) return `${Number((n / 1000).toFixed(1))}k`;
  return String(n);
}
