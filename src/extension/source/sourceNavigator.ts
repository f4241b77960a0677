/**
 * "Go to Source": from a span (its `code.*` location, or the innermost app frame of its stack
 * trace) or from one stack frame, to an editor at the line and column, with the line highlighted
 * for a moment. A file outside the workspace opens only after a modal confirmation (decided on
 * real paths: a symbolic link in the workspace that points out of it counts as outside, and the
 * confirmation names, and then opens, where it really is); a file that cannot be found gives a
 * message with the paths tried and a button to the path-mapping setting.
 *
 * Locations are always re-derived on this side from the stored span (the webview only names a
 * span and a frame index), so a webview message cannot make the host open an arbitrary path.
 */
import * as vscode from 'vscode';
import type { FrameRef, GoToSourceResult, SpanSourceInfo } from '../../model/source';
import type { SpanDetail, SpanId, TraceId } from '../../model/trace';
import type { ResolvedSource } from '../../core/source/resolve';
import { buildSpanSourceInfo, sourceTargetOf, type SourceTarget } from '../../core/source/spanSource';
import { SETTINGS, SETTINGS_SECTION } from '../ids';
import type { TraceRepository } from '../traces/traceRepository';
import type { WorkspaceSource } from './workspaceSource';

/** How long the opened line stays highlighted, then fades (ms). */
export const HIGHLIGHT_MS = 1_500;
const FADE_STEP_MS = 250;

export interface OpenOptions {
  /** Open in another editor group than the active one (from the trace webview, so the trace stays visible). */
  beside?: boolean;
}

export class SourceNavigator implements vscode.Disposable {
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px 0',
  });
  private readonly fading = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.hoverHighlightBackground'),
  });
  private highlightTimers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly repository: TraceRepository,
    private readonly workspace: WorkspaceSource,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * The details pane's source information for one span, or `null` when it is no longer stored.
   * `detail`: the span's detail when the caller has it (the trace panel caches its answers).
   */
  async sourceInfo(traceId: TraceId, spanId: SpanId, detail?: SpanDetail | null): Promise<SpanSourceInfo | null> {
    if (detail === undefined) detail = await this.repository.query('spanDetail', { traceId, spanId });
    if (!detail) return null;
    return buildSpanSourceInfo(detail, (path, hints) => this.workspace.resolve(path, hints));
  }

  /** Opens a span's location, or one frame of one of its stack traces. */
  async goToSpan(traceId: TraceId, spanId: SpanId, frame: FrameRef | null, options: OpenOptions = {}): Promise<GoToSourceResult> {
    const detail = await this.repository.query('spanDetail', { traceId, spanId });
    if (!detail) {
      const message = 'This span is no longer stored (its trace was evicted or cleared).';
      void vscode.window.showWarningMessage(`Trace Lens: ${message}`);
      return { opened: false, reason: 'notFound', message };
    }
    const target = sourceTargetOf(detail, frame);
    if (!target) {
      const message = frame
        ? 'This stack frame has no file to open.'
        : `Span "${detail.span.name}" has no code location (code.file.path / code.filepath) and no stack trace with an app frame.`;
      vscode.window.setStatusBarMessage(`$(info) Trace Lens: ${message}`, 4000);
      return { opened: false, reason: 'noLocation', message };
    }
    return this.openTarget(target, options);
  }

  /** Resolves a target against the workspace and opens it (asking first when outside the workspace). */
  async openTarget(target: SourceTarget, options: OpenOptions = {}): Promise<GoToSourceResult> {
    const resolved = await this.workspace.resolve(target.path, target.hints);
    switch (resolved.kind) {
      case 'workspace':
        await this.show(resolved.path, target, options);
        return { opened: true };
      case 'outside': {
        // What is confirmed is what opens: the real path (a link in the workspace may point out of it).
        const real = resolved.realPath ?? resolved.path;
        const through = real !== resolved.path ? `\n(${resolved.path}, through a symbolic link)` : '';
        const choice = await vscode.window.showWarningMessage(
          `Open a file outside the workspace?`,
          {
            modal: true,
            detail: `${real}${through}\n\nThe trace points at this file (${target.description}). It is not in any workspace folder.`,
          },
          'Open',
        );
        if (choice !== 'Open') return { opened: false, reason: 'declined', message: 'Not opened: the file is outside the workspace.' };
        await this.show(real, target, options);
        return { opened: true };
      }
      case 'missing':
        return this.reportMissing(target, resolved);
    }
  }

  dispose(): void {
    for (const t of this.highlightTimers) clearTimeout(t);
    this.highlight.dispose();
    this.fading.dispose();
  }

  private async show(path: string, target: SourceTarget, options: OpenOptions): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.workspace.uriOf(path));
    const lineIndex = target.line ? Math.min(Math.max(target.line - 1, 0), Math.max(document.lineCount - 1, 0)) : 0;
    const lineText = document.lineAt(lineIndex);
    // Column as sent; without one, the first non-blank character of the line.
    const character = target.column ? Math.min(target.column - 1, lineText.text.length) : lineText.firstNonWhitespaceCharacterIndex;
    const position = new vscode.Position(lineIndex, character);
    const editor = await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(position, position),
      preview: true,
      viewColumn: options.beside ? besideColumn() : vscode.ViewColumn.Active,
    });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.flash(editor, lineIndex);
  }

  /** Highlights a line, then a lighter highlight, then nothing (a short fade). */
  private flash(editor: vscode.TextEditor, lineIndex: number): void {
    for (const t of this.highlightTimers) clearTimeout(t);
    const range = [new vscode.Range(lineIndex, 0, lineIndex, 0)];
    for (const e of vscode.window.visibleTextEditors) {
      e.setDecorations(this.highlight, []);
      e.setDecorations(this.fading, []);
    }
    editor.setDecorations(this.highlight, range);
    this.highlightTimers = [
      setTimeout(() => {
        editor.setDecorations(this.highlight, []);
        editor.setDecorations(this.fading, range);
      }, HIGHLIGHT_MS - FADE_STEP_MS),
      setTimeout(() => editor.setDecorations(this.fading, []), HIGHLIGHT_MS),
    ];
  }

  private async reportMissing(target: SourceTarget, resolved: Extract<ResolvedSource, { kind: 'missing' }>): Promise<GoToSourceResult> {
    const where = `${target.path}${target.line ? `:${target.line}` : ''}`;
    const shown = resolved.tried.slice(0, 3).join(', ') + (resolved.tried.length > 3 ? `, … (${resolved.tried.length} paths, see the log)` : '');
    const hint = resolved.suggestedMapping
      ? ` If the app ran in a container or on another machine, map its paths in traceLens.source.pathMappings, e.g. {"${resolved.suggestedMapping.from}": "${resolved.suggestedMapping.to}"}.`
      : ' If the path is relative to another folder, or the app ran elsewhere, map its paths in traceLens.source.pathMappings.';
    const message = `Cannot find ${where} (${target.description}). Tried: ${shown || '(no candidate paths: no workspace folder is open)'}.${hint}`;
    this.log.warn(`Go to Source: cannot find ${where}; tried:\n  ${resolved.tried.join('\n  ')}`);
    void vscode.window.showWarningMessage(`Trace Lens: ${message}`, 'Configure Path Mappings', 'Show Log').then((choice) => {
      if (choice === 'Configure Path Mappings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.${SETTINGS.sourcePathMappings}`);
      } else if (choice === 'Show Log') {
        this.log.show(true);
      }
    });
    return { opened: false, reason: 'missing', message };
  }
}

/**
 * Where a file opened from the trace view goes: another existing editor group (usually where the
 * code is), else a new group beside the trace, so the trace stays visible.
 */
function besideColumn(): vscode.ViewColumn {
  const active = vscode.window.tabGroups.activeTabGroup.viewColumn;
  return vscode.window.tabGroups.all.find((g) => g.viewColumn !== active)?.viewColumn ?? vscode.ViewColumn.Beside;
}
