/**
 * The Diagnostics view in the Trace Lens side bar: every finding, grouped by trace, worst first;
 * findings whose span has no source location in the workspace say so (they are not in the Problems
 * panel). Clicking a finding opens its trace at the span.
 */
import * as vscode from 'vscode';
import { worstSeverity, type FindingSeverity } from '../../model/diagnostics';
import type { TraceId } from '../../model/trace';
import { DIAGNOSTICS_COMMANDS } from '../ids';
import type { PlacedFinding, ProblemsController } from './problems';

export type DiagnosticsNode = { kind: 'trace'; traceId: TraceId; findings: PlacedFinding[] } | { kind: 'finding'; placed: PlacedFinding };

const ICONS: Record<FindingSeverity, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  information: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

export class DiagnosticsTreeProvider implements vscode.TreeDataProvider<DiagnosticsNode> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly problems: ProblemsController) {
    problems.onDidChange(() => this.emitter.fire());
  }

  getChildren(node?: DiagnosticsNode): DiagnosticsNode[] {
    if (node?.kind === 'trace') return node.findings.map((placed) => ({ kind: 'finding', placed }));
    if (node) return [];
    const byTrace = new Map<TraceId, PlacedFinding[]>();
    for (const p of this.problems.all()) {
      const list = byTrace.get(p.finding.traceId) ?? [];
      list.push(p);
      byTrace.set(p.finding.traceId, list);
    }
    return [...byTrace].map(([traceId, findings]) => ({ kind: 'trace' as const, traceId, findings }));
  }

  getTreeItem(node: DiagnosticsNode): vscode.TreeItem {
    if (node.kind === 'trace') {
      const worst = worstSeverity(node.findings.map((p) => p.finding));
      const item = new vscode.TreeItem(node.findings[0]?.finding.traceTitle ?? `Trace ${node.traceId.slice(0, 8)}`, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.findings.length} finding${node.findings.length === 1 ? '' : 's'} · ${node.traceId.slice(0, 8)}`;
      item.tooltip = `Trace ${node.traceId}${node.findings[0]?.finding.sessionId ? `\nSession ${node.findings[0].finding.sessionId}` : ''}`;
      item.iconPath = ICONS[worst];
      item.contextValue = 'findingTrace';
      item.id = `trace:${node.traceId}`;
      return item;
    }
    const { finding, uri, range } = node.placed;
    const item = new vscode.TreeItem(finding.message, vscode.TreeItemCollapsibleState.None);
    item.iconPath = ICONS[finding.severity];
    item.description = uri ? `${vscode.workspace.asRelativePath(uri)}:${(range?.start.line ?? 0) + 1}` : 'no source location';
    const md = new vscode.MarkdownString(undefined, true);
    md.appendText(finding.message);
    md.appendMarkdown(`\n\n\`${finding.detector}\` · span \`${finding.spanId}\``);
    if (!uri) md.appendMarkdown('\n\nThe span has no `code.*` attributes or app stack frame in this workspace, so the finding is not in the Problems panel.');
    item.tooltip = md;
    item.contextValue = 'finding';
    item.id = finding.id;
    item.command = { command: DIAGNOSTICS_COMMANDS.openFindingSpan, title: 'Open Trace at Span', arguments: [finding.traceId, finding.spanId] };
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
