/**
 * What the Usage view's charts share: the chart slots, the colours and font read from the VS Code
 * theme, the state each chart draws from, and the tooltip, axis and text-fitting helpers every
 * chart's configuration uses (costChart.ts, tokensChart.ts, latencyChart.ts).
 */
import type { Chart } from 'chart.js';
import type { UsagePoint, UsageReport } from '../../src/model/cost';
import { truncate, type LatencyBin } from './data';

export type ChartSlot = 'cost' | 'tokens' | 'latency';

/** Below this chart width, fewer ticks and shorter labels. */
export const NARROW_PX = 360;

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

/** What the charts ask of the view. */
export interface ChartHandlers {
  /** A point of "tokens over time" was clicked: open its trace (at its span). */
  openPoint(point: UsagePoint): void;
}

/** A chart and its canvas (see UsageCharts). */
export interface ChartEntry {
  chart: Chart;
  canvas: HTMLCanvasElement;
  /** Read by the chart's own plugins; replaced on every update. */
  state: PluginState;
}

/** What a chart's config and plugins draw: the report, the theme and the latency bins. */
export interface PluginState {
  report: UsageReport;
  theme: ChartTheme;
  bins: LatencyBin[];
}

/** The chart font (from the theme), at `size` px. */
export function font(theme: ChartTheme, size = theme.fontSize) {
  return { family: theme.fontFamily, size };
}

/** Tooltip colours and fonts, from the theme. */
export function tooltipOptions(theme: ChartTheme) {
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

/** Tick, grid and border colours of an axis, from the theme. */
export function axisOptions(theme: ChartTheme) {
  return {
    ticks: { color: theme.muted, font: font(theme) },
    grid: { color: theme.grid, tickColor: theme.grid },
    border: { color: theme.grid },
  };
}

let measureContext: CanvasRenderingContext2D | null = null;

/** Width of `text` in px in the chart font. */
export function textWidth(text: string, theme: ChartTheme): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * theme.fontSize * 0.6;
  measureContext.font = `${theme.fontSize}px ${theme.fontFamily}`;
  return measureContext.measureText(text).width;
}

/** `text` cut with an ellipsis to fit `maxPx` in the chart font. */
export function fitText(text: string, maxPx: number, theme: ChartTheme): string {
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
