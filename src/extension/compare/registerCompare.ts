/**
 * Run comparison, wired from the composition root: **Compare Traces** (the two traces selected in
 * the Traces view, else a quick pick for the missing one) and **Compare with Previous Run** (a
 * trace row, the active trace panel, or the selected trace, against the latest earlier run of the
 * same service and agent or root span: back end request `previousRun`). Older run = A (base).
 */
import * as vscode from 'vscode';
import { traceTitle } from '../../model/genaiFormat';
import { formatLocalTime } from '../../model/format';
import type { TraceId, TraceSummary, SpanId } from '../../model/trace';
import { COMPARE_COMMANDS, type CommandHandlers } from '../ids';
import type { TracePanels } from '../traces/tracePanel';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceTreeNode } from '../traces/traceTreeItems';
import { ComparePanels } from './comparePanel';

/** Traces offered by the quick pick for the second run (newest first). */
const PICK_LIMIT = 200;

export interface CompareDeps {
  extensionUri: vscode.Uri;
  repository: TraceRepository;
  treeView: vscode.TreeView<TraceTreeNode>;
  panels: TracePanels;
}

/** The trace ids a command argument names: a trace row, a trace id, or a list of either. */
export function traceIdsOf(arg: unknown): TraceId[] {
  const list = Array.isArray(arg) ? (arg as unknown[]) : [arg];
  const ids: TraceId[] = [];
  for (const a of list) {
    const id = typeof a === 'string' ? a : (a as TraceTreeNode | undefined)?.kind === 'trace' ? (a as Extract<TraceTreeNode, { kind: 'trace' }>).summary.traceId : undefined;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Registers `COMPARE_COMMANDS`; returns their disposables. */
export function registerCompare(deps: CompareDeps): vscode.Disposable[] {
  const { repository, treeView, panels } = deps;
  const comparePanels = new ComparePanels(deps.extensionUri, repository, (traceId: TraceId, spanId?: SpanId) => void panels.open(traceId, spanId));
  let lastPanelTrace: TraceId | undefined;
  const activation = panels.onDidActivateTrace((traceId) => (lastPanelTrace = traceId));

  const openPair = async (a: TraceId, b: TraceId): Promise<void> => {
    const [sa, sb] = await Promise.all([repository.query('traceSummary', { traceId: a }), repository.query('traceSummary', { traceId: b })]);
    if (!sa || !sb) {
      void vscode.window.showWarningMessage('Trace Lens: one of the traces is no longer stored.');
      return;
    }
    // The older run is A (the base), the newer B.
    const [left, right] = BigInt(sa.startTimeUnixNano) <= BigInt(sb.startTimeUnixNano) ? [sa, sb] : [sb, sa];
    comparePanels.open(left.traceId, right.traceId, `${short(left)} ↔ ${short(right)}`);
  };

  const pickTrace = async (title: string, except: TraceId[]): Promise<TraceId | undefined> => {
    const traces = (await repository.query('listTraces', { limit: PICK_LIMIT, offset: 0 })).filter((t) => !except.includes(t.traceId));
    if (!traces.length) {
      void vscode.window.showInformationMessage('Trace Lens: no other stored trace to compare with.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      traces.map((t) => ({ label: traceTitle(t), description: `${t.serviceName} · ${formatLocalTime(t.startTimeUnixNano)}`, detail: t.traceId, traceId: t.traceId })),
      { title, matchOnDescription: true, matchOnDetail: true },
    );
    return pick?.traceId;
  };

  const handlers: CommandHandlers<typeof COMPARE_COMMANDS> = {
    [COMPARE_COMMANDS.compareTraces]: async (clicked?: unknown, selected?: unknown) => {
      // From the tree's context menu: (clicked row, selected rows); from the palette: the view's selection.
      let ids = traceIdsOf(selected ?? clicked);
      if (ids.length < 2 && clicked === undefined) ids = traceIdsOf(treeView.selection);
      if (ids.length > 2) {
        void vscode.window.showWarningMessage(`Trace Lens: select two traces to compare (${ids.length} are selected).`);
        return;
      }
      const first = ids[0] ?? (await pickTrace('Compare Traces: the first run', []));
      if (!first) return;
      const second = ids[1] ?? (await pickTrace('Compare Traces: the run to compare with', [first]));
      if (second) await openPair(first, second);
    },
    [COMPARE_COMMANDS.compareWithPreviousRun]: async (arg?: unknown) => {
      const fromPanel = lastPanelTrace && panels.has(lastPanelTrace) ? lastPanelTrace : undefined;
      const traceId = traceIdsOf(arg)[0] ?? fromPanel ?? traceIdsOf(treeView.selection)[0] ?? (await pickTrace('Compare with Previous Run: which run', []));
      if (!traceId) return;
      const [run, previous] = await Promise.all([repository.query('traceSummary', { traceId }), repository.query('previousRun', { traceId })]);
      if (!run) return;
      if (!previous) {
        void vscode.window.showInformationMessage(`Trace Lens: no earlier run of ${run.agentName ? `agent ${run.agentName}` : run.rootName} (service ${run.serviceName}) is stored.`);
        return;
      }
      await openPair(previous.traceId, run.traceId);
    },
  };
  return [comparePanels, activation, ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler))];
}

function short(t: TraceSummary): string {
  const title = traceTitle(t);
  return title.length > 24 ? `${title.slice(0, 23)}…` : title;
}
