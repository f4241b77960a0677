/** The Usage view's model-latency histogram, with p50, p95 and p99 markers. */
import type { ChartConfiguration, Plugin, Scale } from 'chart.js';
import { formatDuration } from '../../src/model/format';
import { axisOptions, tooltipOptions, type ChartEntry, type PluginState } from './chartCommon';
import { formatCount } from './data';

/** Histogram bars sit at their bins' centres on a linear axis, so bins keep their real widths. */
export function latencyConfig(state: PluginState, entry: ChartEntry, narrow: boolean): ChartConfiguration<'bar', Array<{ x: number; y: number }>> {
  const { theme, bins } = state;
  const first = bins[0];
  const last = bins[bins.length - 1];
  const edges = bins.length ? [bins[0]!.fromMs, ...bins.map((b) => b.toMs)] : [];
  const every = Math.max(1, Math.ceil(edges.length / (narrow ? 4 : 8)));
  const tickValues = edges.filter((_, i) => i % every === 0);
  return {
    type: 'bar',
    data: {
      datasets: [
        {
          label: 'Model calls',
          data: bins.map((b) => ({ x: (b.fromMs + b.toMs) / 2, y: b.count })),
          backgroundColor: theme.latency,
          borderColor: theme.contrastBorder || theme.latency,
          borderWidth: theme.contrastBorder ? 1 : 0,
          barPercentage: 0.92,
          categoryPercentage: 1,
        },
      ],
    },
    options: {
      layout: { padding: { top: 16, right: 8 } },
      scales: {
        x: {
          ...axisOptions(theme),
          type: 'linear',
          // Bar charts pad their index axis by half a bar; bins need the axis to start at their edge.
          offset: false,
          min: first?.fromMs ?? 0,
          max: last?.toMs ?? 1,
          grid: { display: false },
          afterBuildTicks: (scale: Scale) => {
            scale.ticks = tickValues.map((value) => ({ value }));
          },
          ticks: { ...axisOptions(theme).ticks, maxRotation: 0, autoSkip: false, callback: (v) => formatDuration(Number(v)).replace(/^0ms$/, '0') },
        },
        y: {
          ...axisOptions(theme),
          beginAtZero: true,
          ticks: { ...axisOptions(theme).ticks, precision: 0, maxTicksLimit: 4 },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipOptions(theme),
          displayColors: false,
          callbacks: {
            title: (items) => {
              const b = bins[items[0]?.dataIndex ?? -1];
              return b ? `${formatDuration(b.fromMs)} – ${formatDuration(b.toMs)}` : '';
            },
            label: (item) => {
              const n = bins[item.dataIndex]?.count ?? 0;
              return `${formatCount(n)} model ${n === 1 ? 'call' : 'calls'}`;
            },
          },
        },
      },
    },
    plugins: [percentileMarkers(entry)],
  };
}

/** Dashed vertical lines at p50, p95 and p99, labelled above the plot (staggered when close). */
function percentileMarkers(entry: ChartEntry): Plugin<'bar'> {
  return {
    id: 'usageLatencyMarkers',
    afterDatasetsDraw(chart) {
      const lat = entry.state.report.metrics.modelLatency;
      const theme = entry.state.theme;
      const x = chart.scales.x;
      if (!lat || !x || lat.count === 0) return;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `${theme.fontSize - 1}px ${theme.fontFamily}`;
      ctx.textBaseline = 'bottom';
      ctx.textAlign = 'center';
      ctx.strokeStyle = theme.marker;
      ctx.fillStyle = theme.marker;
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      let lastLabelRight = -Infinity;
      for (const [name, ms] of [['p50', lat.p50Ms], ['p95', lat.p95Ms], ['p99', lat.p99Ms]] as const) {
        const px = Math.round(x.getPixelForValue(ms)) + 0.5;
        if (px < area.left - 1 || px > area.right + 1) continue;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        const w = ctx.measureText(name).width;
        // Labels that would overlap the previous one are skipped (the totals list every percentile).
        if (px - w / 2 <= lastLabelRight + 2) continue;
        ctx.fillText(name, Math.min(Math.max(px, area.left + w / 2), area.right - w / 2), area.top - 2);
        lastLabelRight = px + w / 2;
      }
      ctx.restore();
    },
  };
}
