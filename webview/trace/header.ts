/** The trace header: root span, service, trace id, start, duration, span and error counts. */
import { html, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { TraceSummary } from '../../src/model/trace';
import { formatDuration, formatLocalTime } from '../../src/model/format';
import { describeCost, formatCostUsd } from '../../src/model/cost';
import { describeUsage, formatTokenCount } from '../../src/model/genaiFormat';
import { kindIcon, kindLabel } from './icons';
import type { TraceTree } from './tree';

export interface HeaderActions {
  copy(text: string, what: string, button: HTMLElement): void;
  revealFirstError(): void;
}

export function renderHeader(tree: TraceTree, summary: TraceSummary | null, actions: HeaderActions): TemplateResult {
  const trace = tree.trace;
  const first = tree.nodes.find((n) => !n.placeholder)?.span;
  const rootName = summary?.rootName || first?.name || '(empty trace)';
  const service = summary?.serviceName || first?.serviceName || '';
  // The skeleton is what is drawn: count from it, so the header never disagrees with the rows.
  const spanCount = tree.spanCount;
  const errorCount = tree.errorCount;
  const hasRoot = summary ? summary.hasRoot : tree.nodes.some((n) => n.span.parentSpanId === null);
  return html`<div class="th-title">
      ${first ? html`<span class="codicon codicon-${kindIcon(first.kind)} th-kind" title=${kindLabel(first.kind)}></span>` : nothing}
      <h1 class="th-name" title=${rootName}>${rootName}</h1>
      ${service ? html`<span class="th-service" title="service.name">${service}</span>` : nothing}
    </div>
    <div class="th-meta">
      <span class="meta-item">
        <span class="meta-label">Trace</span>
        <code class="id" title=${trace.traceId}>${trace.traceId}</code>
        <button
          class="icon-btn codicon codicon-copy"
          title="Copy trace ID"
          aria-label="Copy trace ID"
          @click=${(e: Event) => actions.copy(trace.traceId, 'trace ID', e.currentTarget as HTMLElement)}
        ></button>
      </span>
      <span class="meta-item" title="Start time (local)">
        <span class="codicon codicon-calendar"></span>${formatLocalTime(trace.startTimeUnixNano)}
      </span>
      <span class="meta-item" title="Total duration">
        <span class="codicon codicon-watch"></span>${formatDuration(tree.scaleMs)}
      </span>
      <span class="meta-item" title="Spans in this trace">
        <vscode-badge variant="counter">${spanCount}</vscode-badge>${spanCount === 1 ? 'span' : 'spans'}
      </span>
      ${summary?.usage
        ? html`<span class="meta-item usage" data-fact="trace-cost" title=${describeUsage(summary.usage)} aria-label=${`Cost ${formatCostUsd(summary.usage.cost)}: ${describeCost(summary.usage.cost)}`}>
            <span class="codicon codicon-graph"></span>${formatCostUsd(summary.usage.cost)}
            ${summary.usage.tokens.total > 0 ? html`<span class="muted">· ${formatTokenCount(summary.usage.tokens.total)} tokens</span>` : nothing}
          </span>`
        : nothing}
      ${errorCount
        ? html`<button class="meta-item errors link-btn" title="Select the first span with an error (F8: next error span, Shift+F8: previous)" @click=${() => actions.revealFirstError()}>
            <span class="codicon codicon-error"></span>${errorCount} ${errorCount === 1 ? 'error' : 'errors'}
          </button>`
        : html`<span class="meta-item muted"><span class="codicon codicon-pass"></span>no errors</span>`}
      ${hasRoot
        ? nothing
        : html`<span class="meta-item warn" title="Spans are still arriving, or the root span was not exported">
            <span class="codicon codicon-warning"></span>root span not received
          </span>`}
    </div>`;
}
