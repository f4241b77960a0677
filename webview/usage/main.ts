/**
 * Entry of the Usage webview view (bundled to `dist/webview/usage.js`, styles to `usage.css`).
 *
 * Page contract (src/extension/usage/usageView.ts): a `<div id="app"></div>`, `codicons/codicon.css`
 * linked with id `vscode-codicon-stylesheet`, `usage.css`, and this script as `type="module"`
 * with the CSP nonce.
 *
 * Flow: say `ready` → the host sends `usage` (again on every change of the store, the selection
 * or the scope) → render the scope picker, the totals and the Charts or Table tab. Picking a
 * scope sends `setScope`; a chart point or a table row opens its trace (`openTrace`); "Copy as
 * CSV" sends `copyText`. Every string from the report is rendered as text (lit escapes it; chart
 * labels are drawn on a canvas).
 */
import './usage.css';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { html, nothing, render, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { MAX_UNPRICED_MODELS, formatCostUsd, formatRatio, type CostTotal, type UsageFinding, type UsagePoint, type UsageReport } from '../../src/model/cost';
import { formatDuration } from '../../src/model/format';
import type { UsageScopeKind, UsageViewEvent } from '../../src/protocol/usageView';
import { flashCopied } from '../trace/values';
import type { ChartSlot } from './chartCommon';
import { UsageCharts } from './charts';
import { chartSummaries } from './chartSummaries';
import { MAX_COST_BARS } from './costChart';
import {
  formatCount,
  formatPointCost,
  formatPointTime,
  latencyBins,
  latencyCsv,
  metricsCsv,
  modelsCsv,
  pointsCsv,
  spansDays,
  findingsCsv,
} from './data';
import { findingsNote, findingsTable } from './findings';
import { costHover, latencyTable, metricsTable, modelsTable } from './tables';
import { connectToHost, type UsageHostConnection, type UsagePersistedState, type UsageTab } from './host';

/** Rows of the traces / model calls table shown before "Show all". */
const POINT_ROWS = 100;
const TABS: readonly UsageTab[] = ['charts', 'table'];
const SCOPES: ReadonlyArray<[UsageScopeKind, string]> = [
  ['all', 'All traces'],
  ['session', 'Session'],
  ['trace', 'Trace'],
];

class UsageApp {
  private readonly conn: UsageHostConnection;
  private readonly state: UsagePersistedState;
  private readonly charts: UsageCharts;
  private readonly canvases: Partial<Record<ChartSlot, HTMLCanvasElement>> = {};
  /** `null` until the host's first `usage` event. */
  private event: UsageViewEvent | null = null;
  private showAllPoints = false;
  private resizeFrame = 0;

  constructor(private readonly root: HTMLElement) {
    this.conn = connectToHost((event) => this.onEvent(event));
    this.state = this.conn.loadState();
    this.charts = new UsageCharts({ openPoint: (p) => this.openPoint(p) });
    // For the webview checks (test/webview/usageHarness.mjs): chart geometry and colours.
    (window as unknown as { traceLensUsageCharts?: UsageCharts }).traceLensUsageCharts = this.charts;
    new ResizeObserver(() => {
      cancelAnimationFrame(this.resizeFrame);
      this.resizeFrame = requestAnimationFrame(() => this.afterRender());
    }).observe(root);
    this.render();
    this.conn.channel.send({ type: 'ready' });
  }

  private onEvent(event: UsageViewEvent): void {
    if (event.type !== 'usage') return;
    const before = this.event;
    if (!before || before.kind !== event.kind || scopeId(before) !== scopeId(event)) this.showAllPoints = false;
    this.event = event;
    this.render();
  }

  private render(): void {
    render(this.template(), this.root);
    this.afterRender();
  }

  /** Charts follow the canvases now in the page; wide tables become keyboard-scrollable. */
  private afterRender(): void {
    const report = this.event?.report ?? null;
    // Heights through the CSSOM: the CSP refuses `style` attributes (and so lit's styleMap).
    for (const box of this.root.querySelectorAll<HTMLElement>('.chart-box[data-height]')) box.style.height = `${box.dataset.height}px`;
    this.charts.sync(report, this.canvases);
    for (const el of this.root.querySelectorAll<HTMLElement>('.table-scroll')) {
      el.tabIndex = el.scrollWidth > el.clientWidth + 1 ? 0 : -1;
    }
  }

  // ── actions ──────────────────────────────────────────────────────────────────────────────

  private setScope(kind: UsageScopeKind): void {
    const picked = this.event?.requestedKind ?? this.event?.kind;
    if (kind !== picked) this.conn.channel.send({ type: 'setScope', kind });
  }

  private openPoint(p: UsagePoint): void {
    this.conn.channel.send({ type: 'openTrace', traceId: p.traceId, ...(p.spanId ? { spanId: p.spanId } : {}) });
  }

  private copy(text: string, what: string, button: HTMLElement): void {
    this.conn.channel.send({ type: 'copyText', text, what });
    const icon = button.querySelector<HTMLElement>('.codicon');
    if (icon) flashCopied(icon);
  }

  private showTab(tab: UsageTab): void {
    if (this.state.tab === tab) return;
    this.state.tab = tab;
    this.conn.saveState(this.state);
    this.render();
  }

  // ── templates ────────────────────────────────────────────────────────────────────────────

  private template(): TemplateResult {
    const e = this.event;
    if (!e) return html`<div class="usage"><p class="message muted" role="status">Loading usage…</p></div>`;
    const r = e.report;
    return html`<div class="usage">
      ${this.scopeBar(e, r)}
      ${e.error ? html`<p class="error-banner" role="alert"><span class="codicon codicon-error"></span> Could not compute usage: ${e.error}</p>` : nothing}
      ${r ? this.content(e, r) : emptyState(e.kind === 'all' ? e.filter : undefined)}
      ${r?.priceData ? html`<footer class="price-data muted">Prices: ${r.priceData}. Costs reported by the instrumentation are used as is.</footer>` : nothing}
    </div>`;
  }

  private scopeBar(e: UsageViewEvent, r: UsageReport | null): TemplateResult {
    const picked = e.requestedKind ?? e.kind;
    const available = (k: UsageScopeKind) => k === 'all' || (k === 'session' ? !!e.session : !!e.trace);
    let label: TemplateResult | string;
    switch (e.kind) {
      case 'all':
        if (e.filter) {
          label = html`<span class="codicon codicon-filter"></span><span class="scope-text"
              >${r ? `${formatCount(r.traceCount)} ${r.traceCount === 1 ? 'trace' : 'traces'}${r.truncated ? ` (the newest ${formatCount(r.traceCount)} only)` : ''} matching ` : 'Traces matching '}<code
                class="scope-filter"
                >${e.filter}</code
              ></span
            >`;
          break;
        }
        label = r ? `${formatCount(r.traceCount)} ${r.traceCount === 1 ? 'trace' : 'traces'}${r.truncated ? ` (the newest ${formatCount(r.traceCount)} only)` : ''}` : 'All stored traces';
        break;
      case 'session':
        label = html`<span class="codicon codicon-comment-discussion"></span><span class="scope-text"
            >${e.session?.label ?? 'Session'}${r ? ` · ${formatCount(r.traceCount)} ${r.traceCount === 1 ? 'trace' : 'traces'}` : ''}</span
          >`;
        break;
      case 'trace':
        label = html`<span class="codicon codicon-pulse"></span><span class="scope-text">${e.trace?.label ?? 'Trace'}</span>`;
        break;
    }
    let hint: string | null = null;
    const all = e.filter ? 'the filtered traces' : 'all traces';
    if (e.requestedKind === 'trace') hint = `No trace is selected: showing ${all}. Select one in the Traces view or open it.`;
    else if (e.requestedKind === 'session') hint = e.trace ? `The selected trace belongs to no session: showing ${all}.` : `No trace is selected: showing ${all}. Select one that belongs to a session.`;
    else if (!e.trace && !e.session) hint = 'Select a trace or session in the Traces view (or open a trace) to see it alone.';
    return html`<div class="scope">
      <vscode-radio-group class="scope-picker" aria-label="Usage scope" @change=${(ev: Event) => this.onScopeChange(ev)}>
        ${SCOPES.map(
          ([k, text]) =>
            html`<vscode-radio name="usage-scope" value=${k} data-scope=${k} .checked=${picked === k} ?disabled=${!available(k)}
              >${k === 'all' && e.filter ? 'Filtered traces' : text}</vscode-radio
            >`,
        )}
      </vscode-radio-group>
      <div class="scope-label" data-kind=${e.kind} title=${typeof label === 'string' ? label : (e.kind === 'session' ? e.session?.label : e.kind === 'trace' ? e.trace?.label : `Filter: ${e.filter ?? ''}`) ?? ''}>${label}</div>
      ${hint ? html`<div class="scope-hint muted">${hint}</div>` : nothing}
    </div>`;
  }

  private onScopeChange(ev: Event): void {
    const radio = ev.target as HTMLElementTagNameMap['vscode-radio'] | null;
    if (!radio || radio.tagName !== 'VSCODE-RADIO' || !radio.checked) return;
    const kind = SCOPES.find(([k]) => k === radio.value)?.[0];
    if (kind) this.setScope(kind);
  }

  private content(e: UsageViewEvent, r: UsageReport): TemplateResult {
    if (r.metrics.modelCalls === 0) {
      const where = e.kind === 'trace' ? 'this trace' : e.kind === 'session' ? 'this session' : e.filter ? 'the filtered traces' : 'the stored traces';
      return html`<div class="message" role="status">
        <p class="message-title">No model calls in ${where}.</p>
        <p class="muted">Cost, tokens and latency come from GenAI spans (gen_ai.operation.name chat, text_completion, embeddings…) with token usage.</p>
        ${r.metrics.toolCalls ? html`<p class="muted">${formatCount(r.metrics.toolCalls)} tool calls, ${formatRatio(r.metrics.toolSuccessRate)} succeeded.</p>` : nothing}
      </div>`;
    }
    const tab = this.state.tab;
    return html`${totals(r)}
      ${findingsNote(r, () => this.showTab('table'))}
      <vscode-tabs
        class="usage-tabs"
        .selectedIndex=${Math.max(0, TABS.indexOf(tab))}
        @vsc-tabs-select=${(ev: CustomEvent<{ selectedIndex: number }>) => this.showTab(TABS[ev.detail.selectedIndex] ?? 'charts')}
        @keydown=${(ev: KeyboardEvent) => this.onTabsKey(ev)}
      >
        <vscode-tab-header slot="header" data-tab="charts">Charts</vscode-tab-header>
        <vscode-tab-header slot="header" data-tab="table">Table</vscode-tab-header>
        <!-- No tabindex="-1" on the panels: a shadow host with a negative tabindex takes its slotted
             content out of the Tab order (the copy buttons and rows would be unreachable). -->
        <vscode-tab-panel data-tab="charts">${tab === 'charts' ? this.chartsPanel(r) : nothing}</vscode-tab-panel>
        <vscode-tab-panel data-tab="table">${tab === 'table' ? this.tablePanel(e, r) : nothing}</vscode-tab-panel>
      </vscode-tabs>`;
  }

  /** vscode-tabs selects with Enter; Space selects too (WAI-ARIA tabs pattern). */
  private onTabsKey(ev: KeyboardEvent): void {
    const header = (ev.target as Element | null)?.closest?.('vscode-tab-header') as HTMLElement | null;
    if (ev.key !== ' ' || !header?.dataset.tab) return;
    ev.preventDefault();
    this.showTab(header.dataset.tab as UsageTab);
  }

  private chartsPanel(r: UsageReport): TemplateResult {
    const summaries = chartSummaries(r);
    const models = r.metrics.models;
    const shownModels = Math.min(models.length, MAX_COST_BARS);
    const what = r.scope.kind === 'trace' ? 'model call' : 'trace';
    const lat = r.metrics.modelLatency;
    const canvas = (slot: ChartSlot) =>
      html`<canvas role="img" aria-label=${summaries[slot]} ${ref((el) => this.setCanvas(slot, el))}>${summaries[slot]}</canvas>`;
    return html`<div class="charts">
      <section class="chart-section" data-chart="cost" aria-labelledby="h-cost">
        <h3 id="h-cost">Cost by model</h3>
        ${models.length > shownModels ? html`<p class="chart-note muted">The ${shownModels} most expensive of ${formatCount(models.length)} models; all are in the Table tab.</p>` : nothing}
        <div class="chart-box" data-height=${Math.max(64, shownModels * 26 + 34)}>${canvas('cost')}</div>
      </section>
      <section class="chart-section" data-chart="tokens" aria-labelledby="h-tokens">
        <h3 id="h-tokens">Tokens over time</h3>
        <p class="chart-note muted">One point per ${what}; click one to open it.</p>
        <div class="chart-box chart-box-tokens">${canvas('tokens')}</div>
      </section>
      <section class="chart-section" data-chart="latency" aria-labelledby="h-latency">
        <h3 id="h-latency">Model latency</h3>
        ${lat
          ? html`<p class="chart-note muted">
              ${formatCount(lat.count)} ${lat.count === 1 ? 'call' : 'calls'}${lat.samplesMs.length < lat.count ? ` (histogram of ${formatCount(lat.samplesMs.length)} evenly sampled)` : ''} ·
              p50 ${formatDuration(lat.p50Ms)} · p95 ${formatDuration(lat.p95Ms)} · p99 ${formatDuration(lat.p99Ms)}
            </p>
            <div class="chart-box chart-box-latency">${canvas('latency')}</div>`
          : html`<p class="muted">No chat or completion calls with a duration.</p>`}
      </section>
    </div>`;
  }

  private setCanvas(slot: ChartSlot, el: Element | undefined): void {
    if (el instanceof HTMLCanvasElement) this.canvases[slot] = el;
    else delete this.canvases[slot];
  }

  private tablePanel(e: UsageViewEvent, r: UsageReport): TemplateResult {
    const bins = latencyBins(r.metrics.modelLatency?.samplesMs ?? [], 14);
    const openFinding = (f: UsageFinding) => this.conn.channel.send({ type: 'openTrace', traceId: f.traceId, spanId: f.spanId });
    return html`<div class="tables">
      ${r.findings?.length ? this.tableSection('findings', 'Findings', 'findings as CSV', () => findingsCsv(r), findingsTable(r, openFinding)) : nothing}
      ${this.tableSection('models', 'By model', 'usage by model as CSV', () => modelsCsv(r), modelsTable(r))}
      ${this.tableSection('metrics', 'Run metrics', 'run metrics as CSV', () => metricsCsv(r), metricsTable(r))}
      ${bins.length ? this.tableSection('latency', 'Model latency distribution', 'latency distribution as CSV', () => latencyCsv(bins), latencyTable(bins)) : nothing}
      ${this.pointsSection(e, r)}
    </div>`;
  }

  private tableSection(id: string, title: string, what: string, csv: () => string, table: TemplateResult): TemplateResult {
    return html`<section class="table-section" data-table=${id} aria-labelledby=${`h-${id}`}>
      <div class="section-head">
        <h3 id=${`h-${id}`}>${title}</h3>
        <button class="text-btn copy-csv" data-copy=${id} title=${`Copy ${what}`} @click=${(ev: Event) => this.copy(csv(), what, ev.currentTarget as HTMLElement)}>
          <span class="codicon codicon-copy"></span>Copy as CSV
        </button>
      </div>
      <div class="table-scroll" role="region" aria-labelledby=${`h-${id}`}>${table}</div>
    </section>`;
  }

  private pointsSection(e: UsageViewEvent, r: UsageReport): TemplateResult {
    const isCalls = e.kind === 'trace';
    // Model calls read in order; traces newest first (as in the Traces view).
    const ordered = isCalls ? r.points : [...r.points].reverse();
    const shown = this.showAllPoints ? ordered : ordered.slice(0, POINT_ROWS);
    const withDate = spansDays(r.points);
    const title = isCalls ? 'Model calls' : 'Traces';
    const rows = html`<table class="data-table points-table">
      <thead>
        <tr>
          <th scope="col">${isCalls ? 'Model' : 'Trace'} <span class="muted">/ start</span></th>
          <th scope="col" class="num">Cost</th>
          <th scope="col" class="num">Input</th>
          <th scope="col" class="num">Output</th>
          <th scope="col" class="num">Duration</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          shown,
          // Keyed, so a focused row keeps its trace when live updates insert newer ones above it.
          (p) => `${p.traceId}/${p.spanId ?? ''}`,
          (p) => html`<tr
            class="point-row"
            tabindex="0"
            data-trace-id=${p.traceId}
            data-span-id=${p.spanId ?? ''}
            title="Open the trace (Enter)"
            @click=${() => this.openPoint(p)}
            @keydown=${(ev: KeyboardEvent) => {
              if (ev.key === 'Enter' || ev.key === ' ') {
                ev.preventDefault();
                this.openPoint(p);
              }
            }}
          >
            <td class="label-cell" title=${p.label}>
              <span class="clamp point-label">${p.label}</span><span class="point-time muted">${formatPointTime(p.timeUnixMs, withDate)}</span>
            </td>
            <td class="num">${formatPointCost(p)}</td>
            <td class="num">${formatCount(p.inputTokens)}</td>
            <td class="num">${formatCount(p.outputTokens)}</td>
            <td class="num">${formatDuration(p.durationMs)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
    return html`${this.tableSection('points', title, `${title.toLowerCase()} as CSV`, () => pointsCsv(r), rows)}
      ${ordered.length > shown.length
        ? html`<button class="text-btn show-all" @click=${() => {
            this.showAllPoints = true;
            this.render();
          }}>Show all ${formatCount(ordered.length)} ${title.toLowerCase()}</button>`
        : nothing}`;
  }
}

/** Which scope an event shows, to reset per-scope view state when it changes. */
function scopeId(e: UsageViewEvent): string {
  return e.kind === 'trace' ? `t:${e.trace?.id ?? ''}` : e.kind === 'session' ? `s:${e.session?.id ?? ''}` : e.filter ? `f:${e.filter}` : 'all';
}

/** No report: the store is empty, or (with the Traces view's `filter`) no trace matches. */
function emptyState(filter?: string): TemplateResult {
  if (filter) {
    return html`<div class="message" role="status">
      <p class="message-title">No trace matches the filter.</p>
      <p class="muted">The Traces view's filter <code>${filter}</code> matches no stored trace. Clear it in the Traces view's title bar to see the usage of every trace.</p>
    </div>`;
  }
  return html`<div class="message" role="status">
    <p class="message-title">No traces yet.</p>
    <p class="muted">Cost, tokens and latency appear here as soon as your instrumented app sends traces to Trace Lens.</p>
  </div>`;
}

// ── totals ───────────────────────────────────────────────────────────────────────────────────

function tile(metric: string, label: string, value: string, sub: TemplateResult | string | typeof nothing, opts: { title?: string; cls?: string } = {}): TemplateResult {
  return html`<div class="tile ${opts.cls ?? ''}" data-metric=${metric}>
    <dt>${label}</dt>
    <dd class="tile-value" title=${opts.title ?? nothing}>${value}</dd>
    ${sub === nothing || sub === '' ? nothing : html`<dd class="tile-sub">${sub}</dd>`}
  </div>`;
}

function costSub(cost: CostTotal): TemplateResult | string {
  const calls = cost.reportedCount + cost.pricedCount + cost.unpricedCount;
  if (cost.isLowerBound) {
    const more = cost.unpricedModels.length >= MAX_UNPRICED_MODELS ? ', …' : '';
    return html`<span class="codicon codicon-warning"></span>${formatCount(cost.unpricedCount)} not priced: ${cost.unpricedModels.join(', ')}${more}`;
  }
  if (cost.reportedCount && !cost.pricedCount) return `reported by the app, ${formatCount(calls)} ${calls === 1 ? 'call' : 'calls'}`;
  return `${formatCount(calls)} ${calls === 1 ? 'call' : 'calls'} priced`;
}

function totals(r: UsageReport): TemplateResult {
  const m = r.metrics;
  const t = m.tokens;
  const lat = m.modelLatency;
  const tokenParts = [
    `${formatCount(t.input)} in`,
    `${formatCount(t.output)} out`,
    t.cacheRead ? `${formatCount(t.cacheRead)} cached` : '',
    t.reasoning ? `${formatCount(t.reasoning)} reasoning` : '',
  ]
    .filter(Boolean)
    .map((part, i) => html`${i ? ' · ' : ''}<span class="nowrap">${part}</span>`);
  return html`<dl class="totals" aria-label="Totals">
    ${tile('cost', 'Cost', formatCostUsd(m.cost), costSub(m.cost), { title: costHover(m.cost), cls: m.cost.isLowerBound ? 'lower-bound' : '' })}
    ${tile('tokens', 'Tokens', formatCount(t.total), html`${tokenParts}`)}
    ${tile('model-calls', 'Model calls', formatCount(m.modelCalls), m.modelCallErrors ? html`<span class="error-text">${formatCount(m.modelCallErrors)} failed</span>` : 'none failed')}
    ${tile('iterations', 'Agent iterations', formatCount(m.agentIterations), nothing)}
    ${tile(
      'tool-calls',
      'Tool calls',
      formatCount(m.toolCalls),
      m.toolCalls
        ? html`<span class="nowrap">${formatRatio(m.toolSuccessRate)} succeeded</span>${m.toolErrors ? html` · <span class="error-text nowrap">${formatCount(m.toolErrors)} failed</span>` : nothing}`
        : nothing,
    )}
    ${tile(
      'latency',
      'Model latency p50',
      lat ? formatDuration(lat.p50Ms) : '—',
      lat ? html`<span class="nowrap">p95 ${formatDuration(lat.p95Ms)}</span> · <span class="nowrap">p99 ${formatDuration(lat.p99Ms)}</span>` : nothing,
    )}
    ${tile('context', 'Max context use', formatRatio(m.maxContextUtilization), m.maxContextUtilization === null ? 'context window unknown' : 'of the context window', {
      cls: (m.maxContextUtilization ?? 0) >= 0.9 ? 'warn' : '',
    })}
    ${tile('duration', r.traceCount > 1 ? 'Duration (sum)' : 'Duration', formatDuration(m.durationMs), nothing)}
    ${tile('traces', 'Traces', formatCount(r.traceCount), r.truncated ? `newest ${formatCount(r.traceCount)} only` : nothing)}
  </dl>`;
}

const app = document.getElementById('app');
if (app) new UsageApp(app);
