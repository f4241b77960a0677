/**
 * Entry of the compare webview (bundled to `dist/webview/compare.js`, styles to `compare.css`).
 *
 * Page contract (src/extension/compare/comparePanel.ts): a `<div id="app"></div>`,
 * `codicons/codicon.css` linked with id `vscode-codicon-stylesheet`, `compare.css`, and this script
 * as `type="module"` with the CSP nonce.
 *
 * Flow: say `ready` → the host sends `comparison` (again when either trace changes) → render the
 * two runs' header and the summary line, the whole-run texts, the aligned steps with their inline
 * diffs and deltas, the tool definitions and parameters that changed and the span changes. A step's
 * A/B buttons (and Enter on a focused row) open that trace at the span (`openTrace`); "Swap"
 * sends `swap`. Every string from the traces is rendered as text (lit escapes it).
 */
import './compare.css';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { html, nothing, render, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { CompareDelta, CompareRow, CompareStep, CompareTotals, ParameterChange, SpanChange, TextDiff, ToolDefinitionChange, TraceComparison } from '../../src/model/compare';
import { formatUsd } from '../../src/model/cost';
import { formatDuration, formatInteger, formatLocalTime } from '../../src/model/format';
import { traceTitle } from '../../src/model/genaiFormat';
import type { TraceSummary } from '../../src/model/trace';
import type { CompareViewEvent } from '../../src/protocol/compareView';
import { direction, signedCount, signedDuration, signedUsd } from './format';
import { connectToHost, type CompareViewChannel } from './host';

const KIND_ICON: Record<CompareStep['kind'], string> = { modelCall: 'sparkle', toolCall: 'tools', agent: 'robot', guardrail: 'shield' };
const STATUS_LABEL: Record<CompareRow['status'], string> = { same: 'same', changed: 'changed', added: 'only in B', removed: 'only in A' };

class CompareApp {
  private readonly channel: CompareViewChannel;
  private event: CompareViewEvent | null = null;

  constructor(private readonly root: HTMLElement) {
    this.channel = connectToHost((event) => {
      this.event = event;
      this.render();
    });
    this.render();
    this.channel.send({ type: 'ready' });
  }

  private open(traceId: string, spanId?: string): void {
    this.channel.send(spanId ? { type: 'openTrace', traceId, spanId } : { type: 'openTrace', traceId });
  }

  private render(): void {
    render(this.view(), this.root);
  }

  private view(): TemplateResult {
    const e = this.event;
    if (!e) return html`<p class="empty">Comparing…</p>`;
    if (e.error) return html`<p class="empty error" role="alert">${e.error}</p>`;
    const c = e.comparison;
    if (!c) return html`<p class="empty">One of the two traces is no longer stored.</p>`;
    return html`
      <header class="runs">
        ${this.runCard('A', c.left, c.leftTotals)} ${this.runCard('B', c.right, c.rightTotals)}
        <vscode-button class="swap" secondary icon="arrow-swap" title="Swap A and B" @click=${() => this.channel.send({ type: 'swap' })}>Swap</vscode-button>
      </header>
      <p class="summary" aria-live="polite"><span class="codicon codicon-git-compare" aria-hidden="true"></span> <strong>B vs A:</strong> <span class="summary-text">${c.summary}</span></p>
      ${this.totals(c)}
      ${c.texts.length ? html`<vscode-collapsible heading="Run" open class="section" data-section="texts">${c.texts.map((t) => this.textDiff(t))}</vscode-collapsible>` : nothing}
      <vscode-collapsible heading="Steps" description=${`${c.rows.length} rows, ${c.rows.filter((r) => r.status !== 'same').length} differ`} open class="section" data-section="steps">
        <ol class="rows">${repeat(c.rows, (r, i) => `${i}:${r.left?.spanId ?? ''}:${r.right?.spanId ?? ''}`, (r) => this.row(c, r))}</ol>
        ${c.rowsTruncated ? html`<p class="note">Only the first ${c.rows.length} steps are compared.</p>` : nothing}
      </vscode-collapsible>
      ${this.settings(c.toolDefinitions, c.parameters)} ${this.spans(c, c.spans)}
    `;
  }

  private runCard(side: 'A' | 'B', s: TraceSummary, t: CompareTotals): TemplateResult {
    return html`<section class="run" data-side=${side} aria-label=${`Run ${side}`}>
      <h2><span class="side">${side}</span> <button class="link title" title=${`Open trace ${s.traceId}`} @click=${() => this.open(s.traceId)}>${traceTitle(s)}</button></h2>
      <dl class="facts">
        <div><dt>Started</dt><dd>${formatLocalTime(s.startTimeUnixNano)}</dd></div>
        <div><dt>Cost</dt><dd>${t.costIsLowerBound ? '≥ ' : ''}${formatUsd(t.costUsd)}</dd></div>
        <div><dt>Tokens</dt><dd>${formatInteger(t.tokens)}</dd></div>
        <div><dt>Duration</dt><dd>${formatDuration(t.durationMs)}</dd></div>
        <div><dt>Errors</dt><dd>${t.errors}</dd></div>
      </dl>
    </section>`;
  }

  private totals(c: TraceComparison): TemplateResult {
    const d = c.delta;
    return html`<div class="totals" role="group" aria-label="Totals, B minus A">
      ${this.deltaChip('cost', signedUsd(d.costUsd), d.costUsd)} ${this.deltaChip('tokens', signedCount(d.tokens), d.tokens)}
      ${this.deltaChip('duration', signedDuration(d.latencyMs), d.latencyMs)} ${this.deltaChip('errors', signedCount(d.errors), d.errors)}
      ${this.deltaChip('model calls', signedCount(c.rightTotals.modelCalls - c.leftTotals.modelCalls), c.rightTotals.modelCalls - c.leftTotals.modelCalls)}
      ${this.deltaChip('tool calls', signedCount(c.rightTotals.toolCalls - c.leftTotals.toolCalls), c.rightTotals.toolCalls - c.leftTotals.toolCalls)}
    </div>`;
  }

  private deltaChip(label: string, text: string, n: number): TemplateResult {
    return html`<span class="delta" data-dir=${direction(n)} data-metric=${label}><span class="delta-label">${label}</span> ${text}</span>`;
  }

  private stepDeltas(d: CompareDelta, row: CompareRow): TemplateResult | typeof nothing {
    if (!row.left || !row.right) return nothing;
    const parts: TemplateResult[] = [];
    if (d.tokens) parts.push(this.deltaChip('tokens', signedCount(d.tokens), d.tokens));
    if (d.costUsd) parts.push(this.deltaChip('cost', signedUsd(d.costUsd), d.costUsd));
    if (Math.abs(d.latencyMs) >= 1) parts.push(this.deltaChip('latency', signedDuration(d.latencyMs), d.latencyMs));
    if (d.errors) parts.push(this.deltaChip('errors', signedCount(d.errors), d.errors));
    return parts.length ? html`<div class="step-deltas">${parts}</div>` : nothing;
  }

  private step(c: TraceComparison, side: 'A' | 'B', s: CompareStep | undefined): TemplateResult {
    if (!s) return html`<div class="step none" data-side=${side}>—</div>`;
    const traceId = side === 'A' ? c.left.traceId : c.right.traceId;
    const facts = [formatDuration(s.durationMs), s.tokens !== undefined ? `${formatInteger(s.tokens)} tok` : '', s.costUsd !== undefined ? formatUsd(s.costUsd) : ''].filter(Boolean).join(' · ');
    return html`<div class="step" data-side=${side}>
      <button class="link step-open" title=${`Open in trace ${side} at this span`} @click=${() => this.open(traceId, s.spanId)}>
        <span class="codicon codicon-${KIND_ICON[s.kind]}" aria-hidden="true"></span><span class="side">${side}</span> ${s.name}
      </button>
      <span class="step-facts">${facts}</span>
      ${s.error !== undefined ? html`<span class="step-error"><span class="codicon codicon-error" aria-hidden="true"></span> ${s.error}</span>` : nothing}
    </div>`;
  }

  private row(c: TraceComparison, r: CompareRow): TemplateResult {
    const openDefault = (ev: KeyboardEvent): void => {
      if (ev.key !== 'Enter' || ev.target !== ev.currentTarget) return;
      const s = r.right ?? r.left;
      if (s) this.open(r.right ? c.right.traceId : c.left.traceId, s.spanId);
    };
    return html`<li class="row" data-status=${r.status} tabindex="0" @keydown=${openDefault} aria-label=${`${STATUS_LABEL[r.status]}: ${r.left?.name ?? ''}${r.right && r.right.name !== r.left?.name ? ` → ${r.right.name}` : ''}`}>
      <div class="row-head">
        <span class="status" data-status=${r.status}>${STATUS_LABEL[r.status]}</span>
        ${this.step(c, 'A', r.left)} ${this.step(c, 'B', r.right)}
      </div>
      ${this.stepDeltas(r.delta, r)}
      ${r.diffs.length ? html`<div class="diffs">${r.diffs.map((d) => this.textDiff(d))}</div>` : nothing}
    </li>`;
  }

  /** One compared text: unchanged texts once; changed ones as an inline diff (deletions struck through). */
  private textDiff(d: TextDiff): TemplateResult {
    const body = !d.changed
      ? html`<span class="same">${d.left ?? ''}</span>`
      : (d.segments ?? []).map((s) => (s.op === 'same' ? html`<span class="same">${s.text}</span>` : s.op === 'added' ? html`<ins>${s.text}</ins>` : html`<del>${s.text}</del>`));
    return html`<div class="text" data-label=${d.label} data-changed=${d.changed ? 'true' : 'false'}>
      <div class="text-label">${d.label}${d.changed ? html` <span class="changed-tag">changed</span>` : html` <span class="same-tag">same</span>`}${d.coarse ? html` <span class="note">(too different to diff word by word)</span>` : nothing}</div>
      <pre class="diff">${body}</pre>
    </div>`;
  }

  private settings(tools: ToolDefinitionChange[], params: ParameterChange[]): TemplateResult {
    return html`<vscode-collapsible heading="Tool definitions and parameters" description=${tools.length + params.length ? `${tools.length + params.length} changed` : 'no change'} ?open=${tools.length + params.length > 0} class="section" data-section="settings">
      ${!tools.length && !params.length ? html`<p class="note">Same tool definitions and model parameters (as far as the traces record them).</p>` : nothing}
      ${params.length
        ? html`<table class="params"><caption>Parameters</caption><thead><tr><th scope="col">Parameter</th><th scope="col">A</th><th scope="col">B</th></tr></thead>
            <tbody>${params.map((p) => html`<tr data-param=${p.name}><th scope="row">${p.name}</th><td><del>${p.left ?? '—'}</del></td><td><ins>${p.right ?? '—'}</ins></td></tr>`)}</tbody></table>`
        : nothing}
      ${tools.map((t) => html`<div class="tool-def" data-tool=${t.name}><span class="status" data-status=${t.change === 'added' ? 'added' : t.change === 'removed' ? 'removed' : 'changed'}>${t.change === 'added' ? 'only in B' : t.change === 'removed' ? 'only in A' : 'changed'}</span> <strong>${t.name}</strong>${this.textDiff(t.diff)}</div>`)}
    </vscode-collapsible>`;
  }

  private spans(c: TraceComparison, spans: SpanChange[]): TemplateResult {
    const label = (s: SpanChange): string => (s.change === 'status' ? `${s.leftStatus} → ${s.rightStatus}` : s.change === 'added' ? `only in B${s.count > 1 ? ` (${s.count})` : ''}` : `only in A${s.count > 1 ? ` (${s.count})` : ''}`);
    return html`<vscode-collapsible heading="Spans" description=${spans.length ? `${spans.length} differ${c.spansTruncated ? ' (first shown)' : ''}` : 'same span names and statuses'} ?open=${spans.length > 0 && spans.length <= 30} class="section" data-section="spans">
      ${spans.length === 0 ? html`<p class="note">Every span name path has the same count and status in both runs.</p>` : nothing}
      <ul class="span-changes">
        ${spans.map((s) => {
          const traceId = s.rightSpanId ? c.right.traceId : c.left.traceId;
          const spanId = s.rightSpanId ?? s.leftSpanId;
          return html`<li data-change=${s.change}><span class="status" data-status=${s.change === 'status' ? 'changed' : s.change}>${label(s)}</span>
            <button class="link span-path" title="Open the trace at this span" @click=${() => this.open(traceId, spanId)}>${s.path}</button></li>`;
        })}
      </ul>
    </vscode-collapsible>`;
  }
}

const app = document.getElementById('app');
if (app) new CompareApp(app);
