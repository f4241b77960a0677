/**
 * Findings of the back end's diagnostics (src/core/diagnostics) in VS Code: one `Diagnostic` per
 * finding in the Problems panel, at the source location of the span it is about (its `code.*`
 * attributes, else the innermost app frame of its stack trace, resolved against the workspace),
 * source "Trace Lens", code = the detector id, related information at the other spans'
 * locations; a quick fix "Open Trace at Span". Findings without a resolvable location are listed
 * only in the Diagnostics view. Findings of evicted or cleared traces disappear.
 */
import * as vscode from 'vscode';
import { SEVERITY_RANK, type FindingSeverity, type LocatedFinding } from '../../model/diagnostics';
import type { TraceId } from '../../model/trace';
import { DIAGNOSTICS_COMMANDS } from '../ids';
import type { ResolveHints } from '../../core/source/resolve';
import type { WorkspaceSource } from '../source/workspaceSource';
import type { TraceRepository } from '../traces/traceRepository';

/** The Problems panel's `source` of every Trace Lens diagnostic. */
export const DIAGNOSTIC_SOURCE = 'Trace Lens';

const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/** A finding with where it shows: the workspace file and line of its span, when resolvable. */
export interface PlacedFinding {
  finding: LocatedFinding;
  uri?: vscode.Uri;
  range?: vscode.Range;
}

/** Keeps the Problems panel in step with the back end's findings. */
export class ProblemsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('trace-lens');
  private readonly byTrace = new Map<TraceId, PlacedFinding[]>();
  /** Finding ids by document and line, for the quick fix. */
  private readonly emitter = new vscode.EventEmitter<void>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pendingTraces = new Set<TraceId>();
  private pendingAll = false;
  private refreshing: Promise<void> = Promise.resolve();
  /** Fires after the findings changed (the Diagnostics view refreshes). */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly repository: TraceRepository,
    private readonly workspace: WorkspaceSource,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Every finding, worst first (the Diagnostics view). */
  all(): PlacedFinding[] {
    return [...this.byTrace.values()].flat().sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity]);
  }

  /** The finding a Trace Lens diagnostic stands for (matched by document, range and message). */
  findingAt(uri: vscode.Uri, diagnostic: vscode.Diagnostic): LocatedFinding | undefined {
    for (const list of this.byTrace.values()) {
      for (const p of list) {
        if (p.uri?.toString() === uri.toString() && p.range?.isEqual(diagnostic.range) && p.finding.message === diagnostic.message) return p.finding;
      }
    }
    return undefined;
  }

  /** Refreshes the findings of these traces (or of every trace), debounced. */
  refresh(traceIds?: readonly TraceId[]): void {
    if (traceIds) for (const id of traceIds) this.pendingTraces.add(id);
    else this.pendingAll = true;
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshing = this.refreshing.then(() => this.load()).catch((error: Error) => this.log.warn(`diagnostics: ${error.message}`));
    }, 250);
  }

  /** Waits for a refresh in flight (tests, commands). */
  async settled(): Promise<void> {
    await this.refreshing;
  }

  private async load(): Promise<void> {
    const all = this.pendingAll;
    const ids = [...this.pendingTraces];
    this.pendingAll = false;
    this.pendingTraces.clear();
    const findings = await this.repository.query('listFindings', all ? {} : { traceIds: ids });
    if (all) this.byTrace.clear();
    else for (const id of ids) this.byTrace.delete(id);
    for (const f of findings) {
      const placed = await this.place(f);
      const list = this.byTrace.get(f.traceId) ?? [];
      list.push(placed);
      this.byTrace.set(f.traceId, list);
    }
    this.publish();
    this.emitter.fire();
  }

  /** Resolves the primary location of a finding to a workspace (or existing outside) file. */
  private async place(finding: LocatedFinding): Promise<PlacedFinding> {
    const primary = finding.locations.find((l) => l.spanId === finding.spanId) ?? finding.locations[0];
    if (!primary) return { finding };
    const resolved = await this.workspace.resolve(primary.path, primary.hints as ResolveHints);
    if (resolved.kind === 'missing') return { finding };
    const line = Math.max(0, (primary.line ?? 1) - 1);
    const col = Math.max(0, (primary.column ?? 1) - 1);
    return { finding, uri: this.workspace.uriOf(resolved.kind === 'outside' ? (resolved.realPath ?? resolved.path) : resolved.path), range: new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER) };
  }

  private publish(): void {
    const byUri = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const list of this.byTrace.values()) {
      for (const p of list) {
        if (!p.uri || !p.range) continue;
        const d = new vscode.Diagnostic(p.range, p.finding.message, SEVERITY[p.finding.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = p.finding.detector;
        const related = p.finding.locations.filter((l) => l.spanId !== p.finding.spanId);
        if (related.length) {
          d.relatedInformation = related.map((l) => {
            const line = Math.max(0, (l.line ?? 1) - 1);
            return new vscode.DiagnosticRelatedInformation(new vscode.Location(this.workspace.uriOf(l.path), new vscode.Position(line, 0)), `${l.spanName} (span ${l.spanId})`);
          });
        }
        const entry = byUri.get(p.uri.toString()) ?? { uri: p.uri, diagnostics: [] };
        entry.diagnostics.push(d);
        byUri.set(p.uri.toString(), entry);
      }
    }
    this.collection.clear();
    for (const { uri, diagnostics } of byUri.values()) this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.collection.dispose();
    this.emitter.dispose();
  }
}

/** The quick fix "Open Trace at Span" on every Trace Lens diagnostic. */
export class OpenSpanCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly problems: ProblemsController) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = this.problems.findingAt(document.uri, d);
      if (!finding) continue;
      const action = new vscode.CodeAction('Open Trace at Span', vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = true;
      action.command = { command: DIAGNOSTICS_COMMANDS.openFindingSpan, title: 'Open Trace at Span', arguments: [finding.traceId, finding.spanId] };
      actions.push(action);
    }
    return actions;
  }
}
