/** The Usage view's "cost by model" chart: horizontal bars, most expensive model first. */
import type { ChartConfiguration, Plugin } from 'chart.js';
import { formatCostUsd } from '../../src/model/cost';
import { axisOptions, fitText, NARROW_PX, textWidth, tooltipOptions, type ChartEntry, type PluginState } from './chartCommon';
import { formatCount, modelCostUsd } from './data';

/** Bars in "cost by model" (the rest are in the table). */
export const MAX_COST_BARS = 12;

/** Cost by model: one horizontal bar per model (the `MAX_COST_BARS` most expensive), its cost at the end. */
export function costConfig(state: PluginState, entry: ChartEntry, width: number): ChartConfiguration<'bar'> {
  const { report, theme } = state;
  const narrow = width < NARROW_PX;
  const models = report.metrics.models.slice(0, MAX_COST_BARS);
  const labels = models.map((m) => formatCostUsd(m.cost));
  // Room right of the longest bar for its value label.
  const padRight = Math.ceil(Math.max(0, ...labels.map((l) => textWidth(l, theme)))) + 10;
  // Model names get at most about a third of the width (Chart.js would clip longer ones).
  const nameWidth = Math.max(60, Math.min(240, width * 0.36));
  const names = models.map((m) => fitText(m.model, nameWidth, theme));
  return {
    type: 'bar',
    data: {
      labels: models.map((m) => m.model),
      datasets: [
        {
          label: 'Cost (USD)',
          data: models.map((m) => modelCostUsd(m)),
          backgroundColor: theme.cost,
          borderColor: theme.contrastBorder || theme.cost,
          borderWidth: theme.contrastBorder ? 1 : 0,
          barPercentage: 0.75,
          categoryPercentage: 0.9,
          maxBarThickness: 16,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { right: padRight, top: 2 } },
      scales: {
        x: {
          ...axisOptions(theme),
          beginAtZero: true,
          ticks: { ...axisOptions(theme).ticks, maxTicksLimit: narrow ? 3 : 6, callback: (v) => formatUsdTick(Number(v)) },
        },
        y: {
          ...axisOptions(theme),
          grid: { display: false },
          ticks: {
            ...axisOptions(theme).ticks,
            color: theme.foreground,
            autoSkip: false,
            callback: (_v, i) => names[i] ?? '',
          },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipOptions(theme),
          displayColors: false,
          callbacks: {
            title: (items) => models[items[0]?.dataIndex ?? 0]?.model ?? '',
            label: (item) => {
              const m = models[item.dataIndex];
              return m ? `${formatCostUsd(m.cost)} · ${formatCount(m.calls)} ${m.calls === 1 ? 'call' : 'calls'}` : '';
            },
            footer: (items) => {
              const m = models[items[0]?.dataIndex ?? 0];
              if (!m) return '';
              const parts = [m.provider ? `provider ${m.provider}` : '', m.cost.unpricedCount ? `${formatCount(m.cost.unpricedCount)} unpriced` : ''].filter(Boolean);
              return parts.join(' · ');
            },
          },
        },
      },
    },
    plugins: [costValueLabels(entry)],
  };
}

/** `$0`, `$0.005`, `$1.5`: axis ticks need fewer digits than values. */
function formatUsdTick(usd: number): string {
  if (usd === 0) return '$0';
  return `$${Number(usd.toPrecision(2))}`;
}

/** Draws each model's cost (`$0.0123`, `≥ $0.01`, `—`) at the end of its bar. */
function costValueLabels(entry: ChartEntry): Plugin<'bar'> {
  return {
    id: 'usageCostLabels',
    afterDatasetsDraw(chart) {
      const { report, theme } = entry.state;
      const models = report.metrics.models.slice(0, MAX_COST_BARS);
      const x = chart.scales.x;
      const y = chart.scales.y;
      if (!x || !y) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `${theme.fontSize}px ${theme.fontFamily}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      models.forEach((m, i) => {
        const usd = modelCostUsd(m);
        ctx.fillStyle = usd === null || m.cost.isLowerBound ? theme.muted : theme.foreground;
        ctx.fillText(formatCostUsd(m.cost), x.getPixelForValue(usd ?? 0) + 4, y.getPixelForValue(i));
      });
      ctx.restore();
    },
  };
}
