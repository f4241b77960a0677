/** The Usage view's tables (Table tab): usage by model, run metrics, the latency distribution. */
import { html, nothing, type TemplateResult } from 'lit';
import { describeCost, formatCostUsd, type CostTotal, type ModelUsage, type UsageReport } from '../../src/model/cost';
import { formatDuration } from '../../src/model/format';
import { formatCount, metricRows, type LatencyBin } from './data';

/**
 * The hover of a cost total (`describeCost`), except when no call was priced at all: the value
 * shows "—", so the hover must not say "at least $0.00".
 */
export function costHover(cost: CostTotal): string {
  if (cost.reportedCount + cost.pricedCount === 0 && cost.unpricedCount > 0) {
    const n = cost.unpricedCount;
    return `Unknown: no price for ${cost.unpricedModels.join(', ')} (${formatCount(n)} ${n === 1 ? 'call' : 'calls'}). Add a price in the setting traceLens.pricing.models.`;
  }
  return describeCost(cost);
}


/**
 * One row per model. Cost comes right after the model (with its provider under it), so a narrow
 * sidebar shows the money without scrolling the table sideways.
 */
export function modelsTable(r: UsageReport): TemplateResult {
  const m = r.metrics;
  const row = (x: ModelUsage) => html`<tr data-model=${x.model}>
    <th scope="row" class="label-cell"><span class="model-name">${x.model}</span><span class="provider muted">${x.provider ?? '—'}</span></th>
    <td class="num cost-cell" title=${costHover(x.cost)}>${formatCostUsd(x.cost)}</td>
    <td class="num">${formatCount(x.calls)}</td>
    <td class="num">${formatCount(x.tokens.input)}</td>
    <td class="num">${formatCount(x.tokens.output)}</td>
    <td class="num">${formatCount(x.tokens.cacheRead)}</td>
    <td class="num">${formatCount(x.tokens.reasoning)}</td>
  </tr>`;
  return html`<table class="data-table models-table">
    <thead>
      <tr>
        <th scope="col">Model <span class="muted">/ provider</span></th>
        <th scope="col" class="num">Cost</th>
        <th scope="col" class="num">Calls</th>
        <th scope="col" class="num">Input</th>
        <th scope="col" class="num">Output</th>
        <th scope="col" class="num">Cached</th>
        <th scope="col" class="num">Reasoning</th>
      </tr>
    </thead>
    <tbody>
      ${m.models.map(row)}
    </tbody>
    <tfoot>
      <tr>
        <th scope="row">Total</th>
        <td class="num cost-cell" title=${costHover(m.cost)}>${formatCostUsd(m.cost)}</td>
        <td class="num">${formatCount(m.models.reduce((s, x) => s + x.calls, 0))}</td>
        <td class="num">${formatCount(m.tokens.input)}</td>
        <td class="num">${formatCount(m.tokens.output)}</td>
        <td class="num">${formatCount(m.tokens.cacheRead)}</td>
        <td class="num">${formatCount(m.tokens.reasoning)}</td>
      </tr>
    </tfoot>
  </table>`;
}

export function metricsTable(r: UsageReport): TemplateResult {
  return html`<table class="data-table metrics-table">
    <tbody>
      ${metricRows(r).map(
        (row) => html`<tr data-metric=${row.key}>
          <th scope="row">${row.label}</th>
          <td class="num" title=${row.title ?? nothing}>${row.display}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function latencyTable(bins: readonly LatencyBin[]): TemplateResult {
  return html`<table class="data-table latency-table">
    <thead>
      <tr>
        <th scope="col">Latency</th>
        <th scope="col" class="num">Calls</th>
      </tr>
    </thead>
    <tbody>
      ${bins.map(
        (b) => html`<tr>
          <th scope="row" class="nowrap">${formatDuration(b.fromMs).replace(/^0ms$/, '0')} – ${formatDuration(b.toMs)}</th>
          <td class="num">${formatCount(b.count)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

