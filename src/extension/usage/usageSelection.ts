/**
 * The Usage view's `UsageSource`: reports from the back end thread, "the current trace/session"
 * = the last trace the user looked at (a trace panel becoming active, or a trace, span or session
 * selected in the Traces tree), and the Traces view's filter. Fires on store changes (the
 * repository's, already throttled by the worker), on selection changes and when the filter changes.
 */
import * as vscode from 'vscode';
import type { UsageScopeChoice } from '../../protocol/usageView';
import type { TraceId, TraceSummary } from '../../model/trace';
import { shortenText, traceTitle } from '../../model/genaiFormat';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceFilter } from '../traces/traceFilter';
import type { TraceTreeNode } from '../traces/traceTreeItems';
import type { UsageSource } from './usageView';

const LABEL_MAX_CHARS = 60;

export class UsageSelection implements UsageSource, vscode.Disposable {
  private trace: UsageScopeChoice | undefined;
  private session: UsageScopeChoice | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Incremented per selection, so a late summary lookup for an older one is dropped. */
  private generation = 0;
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly repository: TraceRepository,
    treeView: vscode.TreeView<TraceTreeNode>,
    onDidActivateTrace: vscode.Event<TraceId>,
    private readonly open: (traceId: TraceId, spanId?: string) => void,
    private readonly traceFilter?: TraceFilter,
  ) {
    this.disposables.push(
      this.emitter,
      ...(traceFilter ? [traceFilter.onDidChange(() => this.emitter.fire())] : []),
      repository.onDidChange((change) => {
        if (this.trace && change.removedTraceIds.has(this.trace.id)) this.trace = undefined;
        this.emitter.fire();
      }),
      treeView.onDidChangeSelection((e) => {
        const node = e.selection[0];
        if (!node) return;
        if (node.kind === 'trace') void this.selectTrace(node.summary.traceId);
        else if (node.kind === 'span') void this.selectTrace(node.traceId);
        else if (node.kind === 'session') {
          this.generation++;
          this.session = { id: node.session.sessionId, label: sessionLabel(node.session.sessionId, node.session.firstTraceLabel) };
          this.emitter.fire();
        }
      }),
      onDidActivateTrace((traceId) => void this.selectTrace(traceId)),
    );
  }

  report: UsageSource['report'] = (scope) => this.repository.query('usageReport', { scope });

  filter(): string | undefined {
    return this.traceFilter?.query;
  }

  selection(): { trace?: UsageScopeChoice; session?: UsageScopeChoice } {
    return { ...(this.trace ? { trace: this.trace } : {}), ...(this.session ? { session: this.session } : {}) };
  }

  openTrace(traceId: string, spanId?: string): void {
    this.open(traceId, spanId);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async selectTrace(traceId: TraceId): Promise<void> {
    if (this.trace?.id === traceId) return;
    const generation = ++this.generation;
    let summary: TraceSummary | null = null;
    try {
      summary = await this.repository.query('traceSummary', { traceId });
    } catch {
      return;
    }
    if (generation !== this.generation || !summary) return;
    this.trace = { id: traceId, label: shortenText(traceTitle(summary), LABEL_MAX_CHARS) };
    if (summary.sessionId) this.session = { id: summary.sessionId, label: sessionLabel(summary.sessionId, summary.firstUserMessage || summary.agentName || '') };
    this.emitter.fire();
  }
}

function sessionLabel(sessionId: string, firstLabel: string): string {
  return firstLabel ? `${shortenText(firstLabel, LABEL_MAX_CHARS)} (${shortenText(sessionId, 24)})` : `Session ${shortenText(sessionId, 40)}`;
}
