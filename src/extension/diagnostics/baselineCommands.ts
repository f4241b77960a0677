/**
 * "Trace Lens: Check Run Against Baseline" (one run: its value of each baseline metric beside the
 * baseline's mean and σ, and its findings) and "Trace Lens: Show Baselines" (per service and agent
 * or root span name: runs counted, mean ± σ per metric; opens one as JSON, copies all as JSON).
 */
import * as vscode from 'vscode';
import { formatMetric } from '../../core/diagnostics/baseline';
import { BASELINE_METRICS, type BaselineMetric, type BaselineStats, type RunCheck } from '../../model/diagnostics';
import type { TraceId, TraceSummary } from '../../model/trace';
import type { TraceRepository } from '../traces/traceRepository';

const METRIC_LABELS: Record<BaselineMetric, string> = {
  costUsd: 'Cost',
  durationMs: 'Duration',
  toolCalls: 'Tool calls',
  errorRate: 'Error rate',
  retryRate: 'Retry rate',
  totalTokens: 'Tokens',
};

/** `mean ± σ (n runs)` of one metric. */
function meanSd(b: BaselineStats, metric: BaselineMetric): string {
  const s = b.metrics[metric];
  return s ? `${formatMetric(metric, s.mean)} ± ${formatMetric(metric, s.stdDev)}` : '—';
}

/** Which trace to check: the argument (a Traces view node or an id), else a pick among the newest traces. */
async function pickTrace(repository: TraceRepository, arg: unknown): Promise<TraceId | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'summary' in arg) return (arg as { summary: TraceSummary }).summary.traceId;
  const traces = await repository.query('listTraces', { limit: 50, offset: 0 });
  if (traces.length === 0) {
    void vscode.window.showInformationMessage('Trace Lens: no traces yet.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    traces.map((t) => ({ label: t.firstUserMessage ?? t.rootName, description: `${t.agentName ?? t.rootName} · ${t.serviceName}`, detail: t.traceId, traceId: t.traceId })),
    { title: 'Check Run Against Baseline', placeHolder: 'Pick a run (trace)' },
  );
  return pick?.traceId;
}

/** Check Run Against Baseline. */
export async function checkRunAgainstBaseline(repository: TraceRepository, openSpan: (traceId: TraceId, spanId: string) => void, arg?: unknown): Promise<void> {
  const traceId = await pickTrace(repository, arg);
  if (!traceId) return;
  const check = await repository.query('checkRun', { traceId });
  if (!check) {
    void vscode.window.showWarningMessage('Trace Lens: that trace is no longer stored.');
    return;
  }
  const items = runCheckItems(check);
  const title = check.baseline
    ? `Run ${traceId.slice(0, 8)} against ${check.baseline.key.by} "${check.baseline.key.name}" (${check.baseline.runs} runs)${check.complete ? '' : ' — still receiving spans'}`
    : `Run ${traceId.slice(0, 8)}: no baseline yet${check.complete ? '' : ' — still receiving spans'}`;
  const pick = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
  if (pick?.spanId) openSpan(traceId, pick.spanId);
  else if (pick?.copy) {
    await vscode.env.clipboard.writeText(JSON.stringify(check, null, 2));
    vscode.window.setStatusBarMessage('$(check) Trace Lens: run check copied as JSON', 3000);
  }
}

type CheckItem = vscode.QuickPickItem & { spanId?: string; copy?: boolean };

/** Quick pick rows of a run check: metrics (flagged first), findings, and "Copy as JSON". */
export function runCheckItems(check: RunCheck): CheckItem[] {
  const items: CheckItem[] = [];
  const flagged = new Set(check.findings.flatMap((f) => (f.detector === 'baseline-anomaly' ? [f.detail.metric] : [])));
  const b = check.baseline;
  items.push({ label: 'Baseline metrics', kind: vscode.QuickPickItemKind.Separator });
  if (!b) items.push({ label: '$(info) No baseline yet', detail: 'A baseline needs the minimum number of completed runs of the same service and agent (traceLens.diagnostics.baseline.minRuns).' });
  for (const metric of BASELINE_METRICS) {
    const value = check.values[metric];
    if (value === undefined) continue;
    const s = b?.metrics[metric];
    const z = s && s.stdDev > 0 ? (value - s.mean) / s.stdDev : null;
    items.push({
      label: `${flagged.has(metric) ? '$(warning)' : '$(pass)'} ${METRIC_LABELS[metric]}: ${formatMetric(metric, value)}`,
      description: b ? `baseline ${meanSd(b, metric)}${z !== null ? ` · ${z >= 0 ? '+' : ''}${z.toFixed(1)}σ` : ''}` : '',
    });
  }
  const others = check.findings.filter((f) => f.detector !== 'baseline-anomaly');
  if (check.findings.length) items.push({ label: 'Findings', kind: vscode.QuickPickItemKind.Separator });
  for (const f of check.findings) {
    items.push({ label: `${f.severity === 'error' ? '$(error)' : f.severity === 'warning' ? '$(warning)' : '$(info)'} ${f.message}`, description: f.detector, detail: 'Open the trace at this span', spanId: f.spanId });
  }
  if (!others.length && !flagged.size && b) items.push({ label: '$(pass) Nothing unusual', description: 'no finding for this run' });
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(copy) Copy as JSON', copy: true });
  return items;
}

/** Show Baselines. */
export async function showBaselines(repository: TraceRepository): Promise<void> {
  const baselines = await repository.query('listBaselines', {});
  if (baselines.length === 0) {
    void vscode.window.showInformationMessage('Trace Lens: no baselines yet. A baseline forms once an agent has completed runs (traces that stopped receiving spans).');
    return;
  }
  type Item = vscode.QuickPickItem & { baseline?: BaselineStats; copyAll?: boolean };
  const items: Item[] = [
    { label: '$(copy) Copy All as JSON', copyAll: true },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    ...baselines.map((b) => ({
      label: `$(${b.key.by === 'agent' ? 'hubot' : 'symbol-event'}) ${b.key.name}`,
      description: `${b.key.serviceName || '(no service)'} · ${b.runs} run${b.runs === 1 ? '' : 's'}`,
      detail: BASELINE_METRICS.filter((m) => b.metrics[m]).map((m) => `${METRIC_LABELS[m]} ${meanSd(b, m)}`).join(' · '),
      baseline: b,
    })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Baselines (mean ± σ over completed runs)', matchOnDescription: true, matchOnDetail: true });
  if (pick?.copyAll) {
    await vscode.env.clipboard.writeText(JSON.stringify(baselines, null, 2));
    vscode.window.setStatusBarMessage(`$(check) Trace Lens: ${baselines.length} baselines copied as JSON`, 3000);
  } else if (pick?.baseline) {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(pick.baseline, null, 2) });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
