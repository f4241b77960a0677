/**
 * The Usage view's findings table: what the diagnostics (src/core/diagnostics) found in the
 * scope's traces, worst first; a row opens its trace at the span.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { UsageFinding, UsageReport } from '../../src/model/cost';
import { worstSeverity } from '../../src/model/diagnostics';

const ICON: Record<UsageFinding['severity'], string> = { error: 'error', warning: 'warning', information: 'info' };

/** The findings table; `open` opens a finding's trace at its span. */
export function findingsTable(r: UsageReport, open: (f: UsageFinding) => void): TemplateResult {
  const list = r.findings ?? [];
  return html`${(r.findingCount ?? 0) > list.length ? html`<p class="chart-note muted">The ${list.length} worst of ${r.findingCount} findings.</p>` : nothing}
    <table class="data-table findings-table">
      <thead>
        <tr>
          <th scope="col">Finding</th>
          <th scope="col">Trace</th>
        </tr>
      </thead>
      <tbody>
        ${list.map(
          (f) => html`<tr
            class="point-row finding-row sev-${f.severity}"
            tabindex="0"
            title=${`${f.detector}: open the trace at the span`}
            @click=${() => open(f)}
            @keydown=${(ev: KeyboardEvent) => {
              if (ev.key === 'Enter' || ev.key === ' ') {
                ev.preventDefault();
                open(f);
              }
            }}
          >
            <td><span class="codicon codicon-${ICON[f.severity]} sev-icon" aria-label=${f.severity}></span>${f.message}</td>
            <td class="trace-cell" title=${f.traceId}>${f.traceTitle}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}

/** One line under the totals: how many findings the scope has (the table lists them). */
export function findingsNote(r: UsageReport, showTable: () => void): TemplateResult | typeof nothing {
  const n = r.findingCount ?? 0;
  if (!n) return nothing;
  const worst = ICON[worstSeverity(r.findings ?? [])];
  return html`<p class="findings-note">
    <span class="codicon codicon-${worst} sev-icon"></span>
    <button class="link-btn" @click=${showTable}>${n} ${n === 1 ? 'finding' : 'findings'}</button>
    <span class="muted">in these runs (loops, tool errors, spikes, outliers)</span>
  </p>`;
}
