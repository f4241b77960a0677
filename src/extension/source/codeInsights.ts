/**
 * Trace facts in the editor: a CodeLens above each line that produced spans in the retained
 * traces (`chat gpt-4o-mini · 12 calls · p50 1.23s · 1 error`, click → the latest trace at that
 * span) and a gutter decoration with a hover on lines that produced errors.
 *
 * Data: one `codeStatsForFile` query to the back end thread per visible document, answered from
 * the worker's per-file index (an index seek per key; empty for files no span points at). Kept
 * per document and refreshed, debounced, when stored traces change; a document whose facts did
 * not change causes no CodeLens or decoration update. Nothing runs while no trace arrives.
 */
import * as vscode from 'vscode';
import type { CodeLineError, FileCodeStats } from '../../model/source';
import { codeLensTitle, codeLensTooltip, errorHoverHeading, linesToLenses } from '../../core/source/codeLensText';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import { readSettings } from '../settings';
import type { TraceRepository } from '../traces/traceRepository';
import type { WorkspaceSource } from './workspaceSource';

/** Coalesces store changes (the worker reports at most every 200 ms while data arrives). */
export const REFRESH_DEBOUNCE_MS = 600;
/** Schemes whose documents can have been the source of spans. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'vscode-remote' }];
const EMPTY: FileCodeStats = { lines: [], errors: [] };

interface Entry {
  stats: FileCodeStats;
  /** JSON of `stats`, to skip updates when nothing changed. */
  key: string;
}

export class CodeInsights implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly errorDecoration: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly repository: TraceRepository,
    private readonly workspace: WorkspaceSource,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.errorDecoration = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'gutter-error.svg'),
      gutterIconSize: '80%',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.errorForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.disposables.push(
      this.errorDecoration,
      this.changeEmitter,
      vscode.languages.registerCodeLensProvider(SELECTOR, this),
      repository.onDidChange(() => this.scheduleRefresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleRefresh(50)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.cache.delete(doc.uri.toString())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.codeLensEnabled}`)) this.changeEmitter.fire();
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.sourcePathMappings}`)) this.invalidate();
      }),
    );
    this.scheduleRefresh(0);
  }

  // CodeLensProvider -------------------------------------------------------------------------

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.enabled()) return [];
    const entry = await this.entryFor(document);
    if (token.isCancellationRequested || entry.stats.lines.length === 0) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const { line, stat, more } of linesToLenses(entry.stats.lines)) {
      if (line > document.lineCount) continue;
      const range = document.lineAt(line - 1).range;
      lenses.push(
        new vscode.CodeLens(range, {
          title: `$(pulse) ${codeLensTitle(stat)}${more ? ` · +${more} more` : ''}`,
          tooltip: codeLensTooltip(stat),
          command: COMMANDS.openTrace,
          arguments: [stat.latestTraceId, stat.latestSpanId],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
    this.cache.clear();
  }

  // Data -------------------------------------------------------------------------------------

  private enabled(): boolean {
    return readSettings().codeLensEnabled;
  }

  /** Cached facts of a document, or one query for them. */
  private entryFor(document: vscode.TextDocument): Promise<Entry> {
    const uri = document.uri.toString();
    const cached = this.cache.get(uri);
    if (cached) return Promise.resolve(cached);
    return this.query(document);
  }

  private query(document: vscode.TextDocument): Promise<Entry> {
    const uri = document.uri.toString();
    const pending = this.inFlight.get(uri);
    if (pending) return pending;
    const generation = this.generation;
    const promise = this.repository
      .query('codeStatsForFile', { keys: this.workspace.documentKeys(document) })
      .catch((error: Error) => {
        this.log.warn(`code facts for ${document.uri.fsPath}: ${error.message}`);
        return EMPTY;
      })
      .then((stats) => {
        const entry: Entry = { stats, key: JSON.stringify(stats) };
        if (generation === this.generation) this.cache.set(uri, entry);
        return entry;
      })
      .finally(() => this.inFlight.delete(uri));
    this.inFlight.set(uri, promise);
    return promise;
  }

  private invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.scheduleRefresh(0);
    this.changeEmitter.fire();
  }

  private scheduleRefresh(delayMs = REFRESH_DEBOUNCE_MS): void {
    if (this.refreshTimer) {
      if (delayMs >= REFRESH_DEBOUNCE_MS) return;
      clearTimeout(this.refreshTimer);
    }
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refreshVisible();
    }, delayMs);
  }

  /** Re-queries the visible documents; updates lenses and decorations of those that changed. */
  private async refreshVisible(): Promise<void> {
    const editors = vscode.window.visibleTextEditors.filter((e) => vscode.languages.match(SELECTOR, e.document) > 0);
    const documents = [...new Map(editors.map((e) => [e.document.uri.toString(), e.document])).values()];
    // Facts of documents no longer visible may be stale: requery when they show again.
    const visible = new Set(documents.map((d) => d.uri.toString()));
    for (const uri of [...this.cache.keys()]) if (!visible.has(uri)) this.cache.delete(uri);
    let lensesChanged = false;
    await Promise.all(
      documents.map(async (document) => {
        const uri = document.uri.toString();
        const before = this.cache.get(uri)?.key;
        this.cache.delete(uri);
        const entry = await this.query(document);
        if (entry.key !== before && (before !== undefined || entry.stats.lines.length > 0)) lensesChanged = true;
        // Also when unchanged: an editor that just became visible needs its decorations.
        for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri) this.decorate(editor, entry.stats.errors);
      }),
    );
    if (lensesChanged) this.changeEmitter.fire();
  }

  private decorate(editor: vscode.TextEditor, errors: readonly CodeLineError[]): void {
    const document = editor.document;
    const options: vscode.DecorationOptions[] = [];
    for (const error of errors) {
      if (error.line > document.lineCount) continue;
      const line = document.lineAt(error.line - 1);
      options.push({ range: line.range, hoverMessage: errorHover(error) });
    }
    editor.setDecorations(this.errorDecoration, options);
  }
}

/** Hover of an error line: what failed, the latest message, a link to the trace. */
function errorHover(error: CodeLineError): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [COMMANDS.openTrace] };
  md.appendMarkdown(`$(error) **Trace Lens:** `);
  md.appendText(errorHoverHeading(error));
  md.appendMarkdown('\n\n');
  md.appendCodeblock(error.message || '(no message)', 'text');
  const args = encodeURIComponent(JSON.stringify([error.traceId, error.spanId]));
  md.appendMarkdown(`[$(open-preview) Open trace](command:${COMMANDS.openTrace}?${args} "Open the trace at this span")`);
  return md;
}
