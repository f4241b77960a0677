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
 * (chartSummaries.ts).
 *
 * This file registers Chart.js and owns the chart instances; each chart's configuration is in its
 * own file (costChart.ts, tokensChart.ts, latencyChart.ts), what they share in chartCommon.ts.
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
  type ChartConfiguration,
} from 'chart.js';
import type { UsageReport } from '../../src/model/cost';
import { NARROW_PX, readChartTheme, type ChartEntry, type ChartHandlers, type ChartSlot, type ChartTheme, type PluginState } from './chartCommon';
import { costConfig } from './costChart';
import { latencyBins } from './data';
import { latencyConfig } from './latencyChart';
import { tokensConfig } from './tokensChart';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;

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
