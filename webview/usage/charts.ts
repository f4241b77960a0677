/**
 * The Usage view's charts: cost by model (horizontal bars), tokens over time (input and output
 * lines over the report's points) and the model-latency histogram.
 *
 * Library: Chart.js 4, tree-shaken (only the controllers, elements, scales and plugins below are
 * registered, ~60 KB gzipped). Chosen over uPlot (time series only: horizontal bars and histograms
 * would be hand-written path plugins, and it needs its own stylesheet) and over SVG libraries such
 * as ECharts (several times larger) or Observable Plot (injects a `<style>` element, which the
 * webview's nonce CSP refuses). Chart.js draws on a canvas and only sets sizes through the CSSOM,
 * so it runs under `style-src 'nonce-…'`; it has hit-testing for clicks and canvas-drawn tooltips
 * (model names are never parsed as HTML). Animations are off.
 *
 * Colours are VS Code theme variables read at runtime and re-read when the theme changes (VS Code
 * swaps the body class and the variables on <html>). Charts are never the only place a number is
 * shown: every value is also in the totals or the Table tab, and each canvas has a text summary
 * (`chartSummaries`).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ActiveElement,
  type ChartConfiguration,
  type ChartEvent,
  type Plugin,
  type Scale,
} from 'chart.js';
import { formatCostUsd, type UsagePoint, type UsageReport } from '../../src/model/cost';
import { formatDuration } from '../../src/model/format';
import { formatCount, formatPointCost, formatPointTime, formatTimeTick, latencyBins, modelCostUsd, spansDays, timeTicks, truncate, type LatencyBin } from './data';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;

/** Bars in "cost by model" (the rest are in the table). */
export const MAX_COST_BARS = 12;
/** Below this chart width, fewer ticks and shorter labels. */
const NARROW_PX = 360;

export type ChartSlot = 'cost' | 'tokens' | 'latency';

/** Colours and font, from the VS Code theme. */
export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  input: string;
  output: string;
  cost: string;
  latency: string;
  marker: string;
  /** High-contrast themes only: outlines bars and points. */
  contrastBorder: string;
  tooltipBackground: string;
  tooltipForeground: string;
  tooltipBorder: string;
  fontFamily: string;
  fontSize: number;
}

/** Reads the chart colours from the theme variables VS Code sets on the page. */
export function readChartTheme(): ChartTheme {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#cccccc');
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: v('--vscode-charts-lines', v('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)')),
    input: v('--vscode-charts-blue', '#3794ff'),
    output: v('--vscode-charts-orange', '#d18616'),
    cost: v('--vscode-charts-blue', '#3794ff'),
    latency: v('--vscode-charts-purple', '#b180d7'),
    marker: v('--vscode-charts-foreground', foreground),
    contrastBorder: v('--vscode-contrastBorder', ''),
    tooltipBackground: v('--vscode-editorHoverWidget-background', v('--vscode-editorWidget-background', '#252526')),
    tooltipForeground: v('--vscode-editorHoverWidget-foreground', v('--vscode-editor-foreground', foreground)),
    tooltipBorder: v('--vscode-editorHoverWidget-border', v('--vscode-editorWidget-border', '#454545')),
    fontFamily: v('--vscode-font-family', 'sans-serif'),
    fontSize: Math.max(10, Math.min(13, (parseFloat(v('--vscode-font-size', '13px')) || 13) - 1)),
  };
}

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

/** What the charts ask of the view. */
export interface ChartHandlers {
  /** A point of "tokens over time" was clicked: open its trace (at its span). */
  openPoint(point: UsagePoint): void;
}

interface ChartEntry {
  chart: Chart;
  canvas: HTMLCanvasElement;
  /** Read by the chart's own plugins; replaced on every update. */
  state: PluginState;
}

interface PluginState {
  report: UsageReport;
  theme: ChartTheme;
  bins: LatencyBin[];
}

/**
 * Owns the Chart.js instances. `sync` is called after every render with the canvases present:
 * a chart is created for a new canvas, updated in place for the same one, destroyed when its
 * canvas is gone.
 */
export class UsageCharts {
  private readonly entries = new Map<ChartSlot, ChartEntry>();
  private theme = readChartTheme();
  private last: { report: UsageReport | null; canvases: Partial<Record<ChartSlot, HTMLCanvasElement>> } = { report: null, canvases: {} };
  private themeFrame = 0;
  private readonly observer: MutationObserver;

  constructor(private readonly handlers: ChartHandlers) {
    // VS Code changes the body class (vscode-light/-dark/-high-contrast) and the variables on <html>.
    this.observer = new MutationObserver(() => {
      cancelAnimationFrame(this.themeFrame);
      this.themeFrame = requestAnimationFrame(() => this.onThemeChanged());
    });
    this.observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  }

  /** Creates, updates or destroys charts to match the canvases now in the page. */
  sync(report: UsageReport | null, canvases: Partial<Record<ChartSlot, HTMLCanvasElement>>): void {
    this.last = { report, canvases };
    for (const slot of ['cost', 'tokens', 'latency'] as const) {
      const canvas = canvases[slot];
      const entry = this.entries.get(slot);
      if (!report || !canvas) {
        if (entry) this.destroy(slot);
        continue;
      }
      const state: PluginState = { report, theme: this.theme, bins: latencyBins(report.metrics.modelLatency?.samplesMs ?? [], 14) };
      if (entry && entry.canvas === canvas) {
        entry.state = state;
        const config = this.config(slot, state, entry);
        entry.chart.data = config.data;
        entry.chart.options = config.options ?? {};
        entry.chart.update('none');
      } else {
        if (entry) this.destroy(slot);
        const holder = { state, canvas } as ChartEntry;
        const config = this.config(slot, state, holder);
        holder.chart = new Chart(canvas, config);
        this.entries.set(slot, holder);
      }
    }
  }

  /** Where a data point is drawn, in CSS pixels relative to its canvas (for the webview checks). */
  pointPosition(slot: ChartSlot, datasetIndex: number, index: number): { x: number; y: number } | null {
    const el = this.entries.get(slot)?.chart.getDatasetMeta(datasetIndex).data[index];
    return el ? { x: el.x, y: el.y } : null;
  }

  /** The colours in use (for the webview checks). */
  get currentTheme(): ChartTheme {
    return this.theme;
  }

  /** Destroys every chart and stops watching the theme. */
  dispose(): void {
    this.observer.disconnect();
    for (const slot of [...this.entries.keys()]) this.destroy(slot);
  }

  private destroy(slot: ChartSlot): void {
    this.entries.get(slot)?.chart.destroy();
    this.entries.delete(slot);
  }

  private onThemeChanged(): void {
    this.theme = readChartTheme();
    this.sync(this.last.report, this.last.canvases);
  }

  private config(slot: ChartSlot, state: PluginState, entry: ChartEntry): ChartConfiguration {
    const width = entry.canvas.parentElement?.clientWidth || 400;
    const narrow = width < NARROW_PX;
    switch (slot) {
      case 'cost':
        return costConfig(state, entry, width);
      case 'tokens':
        return tokensConfig(state, narrow, this.handlers);
      case 'latency':
        return latencyConfig(state, entry, narrow) as unknown as ChartConfiguration;
    }
  }
}

// ── shared options ───────────────────────────────────────────────────────────────────────────

function font(theme: ChartTheme, size = theme.fontSize) {
  return { family: theme.fontFamily, size };
}

function tooltipOptions(theme: ChartTheme) {
  return {
    backgroundColor: theme.tooltipBackground,
    titleColor: theme.tooltipForeground,
    bodyColor: theme.tooltipForeground,
    footerColor: theme.muted,
    borderColor: theme.tooltipBorder,
    borderWidth: 1,
    cornerRadius: 3,
    titleFont: { ...font(theme), weight: 'bold' as const },
    bodyFont: font(theme),
    footerFont: { ...font(theme), weight: 'normal' as const },
    displayColors: true,
    boxPadding: 3,
  };
}

function axisOptions(theme: ChartTheme) {
  return {
    ticks: { color: theme.muted, font: font(theme) },
    grid: { color: theme.grid, tickColor: theme.grid },
    border: { color: theme.grid },
  };
}

let measureContext: CanvasRenderingContext2D | null = null;
function textWidth(text: string, theme: ChartTheme): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * theme.fontSize * 0.6;
  measureContext.font = `${theme.fontSize}px ${theme.fontFamily}`;
  return measureContext.measureText(text).width;
}

/** `text` cut with an ellipsis to fit `maxPx` in the chart font. */
function fitText(text: string, maxPx: number, theme: ChartTheme): string {
  const oneLine = truncate(text, 80);
  if (textWidth(oneLine, theme) <= maxPx) return oneLine;
  let lo = 1;
  let hi = oneLine.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${oneLine.slice(0, mid)}…`, theme) <= maxPx) lo = mid;
    else hi = mid - 1;
  }
  return `${oneLine.slice(0, lo).trimEnd()}…`;
}

// ── cost by model ────────────────────────────────────────────────────────────────────────────

function costConfig(state: PluginState, entry: ChartEntry, width: number): ChartConfiguration<'bar'> {
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

// ── tokens over time ─────────────────────────────────────────────────────────────────────────

function tokensConfig(state: PluginState, narrow: boolean, handlers: ChartHandlers): ChartConfiguration<'line'> {
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

// ── latency histogram ────────────────────────────────────────────────────────────────────────

/** Histogram bars sit at their bins' centres on a linear axis, so bins keep their real widths. */
function latencyConfig(state: PluginState, entry: ChartEntry, narrow: boolean): ChartConfiguration<'bar', Array<{ x: number; y: number }>> {
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
