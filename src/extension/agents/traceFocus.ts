/**
 * Which trace the user means when they do not name one: the trace panel they looked at last
 * (while it is open), else the trace (or span) selected in the Traces view. And, for
 * `@tracelens /compare`, the previous run of the same agent.
 */
import type * as vscode from 'vscode';
import type { SpanId, TraceId, TraceSummary } from '../../model/trace';
import type { TracePanels } from '../traces/tracePanel';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceTreeNode } from '../traces/traceTreeItems';

/** Traces looked through for the previous run of an agent (newest first). */
const PREVIOUS_RUN_SCAN = 500;

export class TraceFocus implements vscode.Disposable {
  private lastPanelTrace: TraceId | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly repository: TraceRepository,
    private readonly panels: TracePanels,
    private readonly treeView: vscode.TreeView<TraceTreeNode>,
  ) {
    this.disposables.push(panels.onDidActivateTrace((traceId) => (this.lastPanelTrace = traceId)));
  }

  /** The open trace panel's trace, else the Traces view's selected trace or span; `undefined` when neither. */
  current(): { traceId: TraceId; spanId?: SpanId; from: 'panel' | 'selection' } | undefined {
    if (this.lastPanelTrace && this.panels.has(this.lastPanelTrace)) return { traceId: this.lastPanelTrace, from: 'panel' };
    const node = this.treeView.selection[0];
    if (node?.kind === 'trace') return { traceId: node.summary.traceId, from: 'selection' };
    if (node?.kind === 'span') return { traceId: node.traceId, spanId: node.span.spanId, from: 'selection' };
    return undefined;
  }

  /** The trace an id or id prefix names (`findTraces`), `undefined` when none or several. */
  async lookup(idOrPrefix: string): Promise<TraceSummary | undefined> {
    const id = idOrPrefix.toLowerCase();
    if (id.length === 32) return (await this.repository.query('traceSummary', { traceId: id })) ?? undefined;
    const found = await this.repository.query('findTraces', { prefix: id, limit: 2 });
    return found.length === 1 ? found[0] : undefined;
  }

  /** The newest stored trace. */
  async newest(): Promise<TraceSummary | undefined> {
    const [t] = await this.repository.query('listTraces', { limit: 1, offset: 0 });
    return t;
  }

  /**
   * The run before `run` of the same agent: same service and agent name (or root span name when
   * the run has no agent span), started earlier; `undefined` when none is stored.
   */
  async previousRun(run: TraceSummary): Promise<TraceSummary | undefined> {
    const key = (t: TraceSummary) => `${t.serviceName}\u0000${t.agentName ?? `root:${t.rootName}`}`;
    const traces = await this.repository.query('listTraces', { limit: PREVIOUS_RUN_SCAN, offset: 0 });
    const start = BigInt(run.startTimeUnixNano);
    return traces.find((t) => t.traceId !== run.traceId && key(t) === key(run) && BigInt(t.startTimeUnixNano) < start);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
