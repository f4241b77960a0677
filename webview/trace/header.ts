/** The trace header: root span, service, trace id, start, duration, span and error counts. */
import { html, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { TraceSummary } from '../../src/model/trace';
import type { TraceFindingView } from '../../src/protocol/traceView';
import { worstSeverity } from '../../src/model/diagnostics';
import { formatDuration, formatLocalTime } from '../../src/model/format';
import { describeCost, formatCostUsd } from '../../src/model/cost';
import { describeUsage, formatTokenCount } from '../../src/model/genaiFormat';
import { kindIcon, kindLabel } from './icons';
import type { TraceTree } from './tree';

export interface HeaderActions {
  copy(text: string, what: string, button: HTMLElement): void;
  revealFirstError(): void;
  /** Selects a span in the waterfall (a finding's span). */
  revealSpan(spanId: string): void;
  toggleFindings(): void;
  findingsOpen: boolean;
}

const FINDING_ICON: Record<TraceFindingView['severity'], string> = { error: 'error', warning: 'warning', information: 'info' };

/** The diagnostics' findings: a toggle in the meta line and, open, one row per finding (click: its span). */
function findingsToggle(findings: readonly TraceFindingView[], actions: HeaderActions): TemplateResult | typeof nothing {
  if (!findings.length) return nothing;
  const worst = worstSeverity(findings);
  return html`<button
    class="meta-item findings link-btn sev-${worst}"
    data-fact="findings"
    aria-expanded=${actions.findingsOpen ? 'true' : 'false'}
    title="What the diagnostics found in this run (also in the Problems panel and the Diagnostics view)"
    @click=${() => actions.toggleFindings()}
  >
    <span class="codicon codicon-${FINDING_ICON[worst]}"></span>${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}
    <span class="codicon codicon-chevron-${actions.findingsOpen ? 'up' : 'down'}"></span>
  </button>`;
}

function findingsList(findings: readonly TraceFindingView[], actions: HeaderActions): TemplateResult | typeof nothing {
  if (!findings.length || !actions.findingsOpen) return nothing;
  return html`<ul class="th-findings" aria-label="Findings">
    ${findings.map(
      (f) => html`<li>
        <button class="finding-row sev-${f.severity}" title="Select the span (${f.detector})" @click=${() => actions.revealSpan(f.spanId)}>
          <span class="codicon codicon-${FINDING_ICON[f.severity]}"></span>
          <span class="finding-message">${f.message}</span>
          <span class="finding-detector muted">${f.detector}</span>
        </button>
      </li>`,
    )}
  </ul>`;
}

export function renderHeader(tree: TraceTree, summary: TraceSummary | null, findings: readonly TraceFindingView[], actions: HeaderActions): TemplateResult {
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
      ${findingsToggle(findings, actions)}
      ${hasRoot
        ? nothing
        : html`<span class="meta-item warn" title="Spans are still arriving, or the root span was not exported">
            <span class="codicon codicon-warning"></span>root span not received
          </span>`}
    </div>
    ${findingsList(findings, actions)}`;
}
