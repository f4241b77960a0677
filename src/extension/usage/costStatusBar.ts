/**
 * The cost status bar item: the cost of the latest session (the most recently active
 * `gen_ai.conversation.id`/`session.id`), or of the latest trace when traces carry no session:
 * `$(graph) $0.0123 session`, `≥ $0.0123` when a call in it has no known price. Hidden until a
 * model call arrives. Clicking opens the Usage view. Refreshed at most once a second.
 */
import * as vscode from 'vscode';
import { describeCost, formatCostUsd, type TraceUsage } from '../../model/cost';
import { describeUsage, traceTitle } from '../../model/genaiFormat';
import { VIEWS } from '../ids';
import type { TraceRepository } from '../traces/traceRepository';

const REFRESH_MS = 1_000;

export class CostStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;

  constructor(private readonly repository: TraceRepository) {
    this.item = vscode.window.createStatusBarItem('traceLens.cost', vscode.StatusBarAlignment.Left, 49);
    this.item.name = 'Trace Lens Cost';
    this.item.command = `${VIEWS.usage}.focus`;
    this.disposables.push(this.item, repository.onDidChange(() => this.schedule()));
    this.schedule();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      const latest = await latestUsage(this.repository);
      if (!latest) {
        this.item.hide();
        return;
      }
      const cost = formatCostUsd(latest.usage.cost);
      this.item.text = `$(graph) ${cost}`;
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**Trace Lens** · cost of the latest ${latest.what}\n\n`);
      md.appendText(`${latest.label}\n\n`);
      md.appendText(describeUsage(latest.usage));
      md.appendMarkdown('\n\nClick to open the Usage view.');
      this.item.tooltip = md;
      this.item.accessibilityInformation = { label: `Trace Lens: latest ${latest.what} cost ${cost}. ${describeCost(latest.usage.cost)}`, role: 'button' };
      this.item.show();
    } catch {
      // The worker restarted or is busy: keep what is shown; the next change refreshes.
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }
}

/** The latest session's usage, else the latest trace's; `undefined` when neither has model calls. */
async function latestUsage(repository: TraceRepository): Promise<{ what: 'session' | 'trace'; label: string; usage: TraceUsage } | undefined> {
  const [session] = await repository.query('listSessions', { limit: 1 });
  const [trace] = await repository.query('listTraces', { limit: 1, offset: 0 });
  // A newer trace without a session is the latest run; otherwise the session it belongs to.
  if (session?.usage && (!trace || trace.sessionId === session.sessionId || BigInt(session.endTimeUnixNano) >= BigInt(trace.startTimeUnixNano))) {
    return { what: 'session', label: `Session ${session.sessionId} · ${session.traceCount} ${session.traceCount === 1 ? 'trace' : 'traces'}`, usage: session.usage };
  }
  if (trace?.usage) return { what: 'trace', label: traceTitle(trace), usage: trace.usage };
  return undefined;
}
