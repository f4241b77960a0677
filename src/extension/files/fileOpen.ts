/**
 * Open OTLP File…, Open in Trace Lens (Explorer), drag and drop onto the Traces view, and Watch OTLP
 * File…: the host streams the file to the back end (`importOtlpFile`, `OtlpFileTail` in
 * src/core/files); lines that are not OTLP are logged with their numbers and summed up in one
 * notification.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { describeImport, importOtlpFile, type ImportFileSummary } from '../../core/files/fileImport';
import { OtlpFileTail } from '../../core/files/fileTail';
import { jsonRequestKind } from '../../core/files/otlpFileReader';
import { FILE_COMMANDS } from '../ids';
import type { FilesDeps } from './filesDeps';

/** Open dialog filters: every file kind the reader takes. */
const OPEN_FILTERS = { 'OTLP files': ['jsonl', 'json', 'gz', 'binpb', 'pb', 'ndjson'], 'All files': ['*'] };

/** The active editor's file when it is a .json/.jsonl file whose first value looks like an OTLP export request. */
export function activeOtlpDocument(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file' || !/\.(jsonl|ndjson|json)$/i.test(doc.uri.fsPath)) return undefined;
  const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 50), 0));
  const kind = jsonRequestKind(new TextEncoder().encode(head.slice(0, 4096)));
  return kind?.ok && (head.includes('"resourceSpans"') || head.includes('"resourceLogs"') || head.includes('"resource_spans"')) ? doc.uri : undefined;
}

/** Opens `uri` (or the active OTLP editor, or asks). */
export async function openOtlpFile(deps: FilesDeps, uri?: vscode.Uri): Promise<void> {
  let target = uri instanceof vscode.Uri ? uri : activeOtlpDocument();
  if (!target) {
    const picked = await vscode.window.showOpenDialog({ title: 'Open OTLP File', canSelectMany: false, filters: OPEN_FILTERS, openLabel: 'Open in Trace Lens' });
    target = picked?.[0];
  }
  if (!target) return;
  await openFiles(deps, [target]);
}

/** Opens each file in turn, with progress; one summary notification per file. */
export async function openFiles(deps: FilesDeps, uris: readonly vscode.Uri[]): Promise<void> {
  for (const uri of uris) {
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(`Trace Lens: only files on disk can be opened (${uri.toString()}).`);
      continue;
    }
    const name = basename(uri.fsPath);
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Trace Lens: opening ${name}` },
      () => importOtlpFile(uri.fsPath, (params) => deps.worker.request('importOtlp', params), { source: uri.fsPath }),
    );
    report(deps, name, summary);
  }
}

/** Logs every problem line and shows the one-line summary (with Open Trace when it is one trace). */
function report(deps: FilesDeps, name: string, summary: ImportFileSummary): void {
  const text = describeImport(name, summary);
  for (const p of summary.problems) deps.log.warn(`${name}${p.line > 0 ? `:${p.line}` : ''}: ${p.reason}`);
  if (summary.problemCount > summary.problems.length) deps.log.warn(`${name}: ${summary.problemCount - summary.problems.length} more problems not listed`);
  if (summary.error) {
    deps.log.error(text);
    void vscode.window.showErrorMessage(`Trace Lens: ${text}`);
    return;
  }
  deps.log.info(text);
  const actions = summary.traceIds.length === 1 ? ['Open Trace'] : summary.problemCount > 0 ? ['Show Log'] : [];
  const show = summary.problemCount > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(`Trace Lens: ${text}`, ...actions).then((action) => {
    if (action === 'Open Trace') deps.openTrace(summary.traceIds[0]);
    else if (action === 'Show Log') deps.log.show(true);
  });
}

/** Drop files onto the Traces view: each one is opened. */
export class TracesDropController implements vscode.TreeDragAndDropController<unknown> {
  readonly dropMimeTypes = ['text/uri-list', 'files'];
  readonly dragMimeTypes: string[] = [];

  constructor(private readonly deps: FilesDeps) {}

  async handleDrop(_target: unknown, data: vscode.DataTransfer): Promise<void> {
    const uris: vscode.Uri[] = [];
    const list = data.get('text/uri-list');
    if (list) {
      for (const line of (await list.asString()).split(/\r?\n/)) {
        const s = line.trim();
        if (s && !s.startsWith('#')) uris.push(vscode.Uri.parse(s));
      }
    }
    if (uris.length === 0) {
      data.forEach((item) => {
        const file = item.asFile();
        if (file?.uri) uris.push(file.uri);
      });
    }
    if (uris.length > 0) await openFiles(this.deps, uris);
  }
}

/** Watched files, with a status bar item "watching <file>" (click: Stop Watching). */
export class FileWatches implements vscode.Disposable {
  private readonly tails = new Map<string, OtlpFileTail>();
  private readonly status = vscode.window.createStatusBarItem('traceLens.files.watching', vscode.StatusBarAlignment.Left, 99);

  constructor(private readonly deps: FilesDeps) {
    this.status.name = 'Trace Lens: watched OTLP files';
    this.status.command = FILE_COMMANDS.stopWatchingOtlpFile;
  }

  /** Watch OTLP File…: asks for a file (or takes `uri`), reads it, then follows it. */
  async watch(uri?: vscode.Uri): Promise<void> {
    let target = uri instanceof vscode.Uri ? uri : activeOtlpDocument();
    if (!target) {
      const picked = await vscode.window.showOpenDialog({ title: 'Watch OTLP File', canSelectMany: false, filters: { 'OTLP JSON Lines': ['jsonl', 'ndjson', 'json'] }, openLabel: 'Watch' });
      target = picked?.[0];
    }
    if (!target || target.scheme !== 'file') return;
    const path = target.fsPath;
    if (this.tails.has(path)) return;
    const name = basename(path);
    const tail = new OtlpFileTail(path, (params) => this.deps.worker.request('importOtlp', params), (event) => {
      switch (event.type) {
        case 'loaded':
          for (const p of event.result.problems) this.deps.log.warn(`${name}:${p.line}: ${p.reason}`);
          break;
        case 'problems':
          for (const p of event.problems) this.deps.log.warn(`${name}:${p.line}: ${p.reason}`);
          break;
        case 'restarted':
          this.deps.log.info(`${name} was ${event.reason}: reading it again from its first line`);
          break;
        case 'error':
          this.deps.log.warn(`watching ${name}: ${event.message}`);
          break;
      }
    }, { source: path });
    this.tails.set(path, tail);
    this.update();
    await tail.start();
    this.deps.log.info(`Watching ${path} for appended OTLP JSON lines`);
  }

  /** Stop Watching: the only watched file, or the one picked. */
  async stop(): Promise<void> {
    const paths = [...this.tails.keys()];
    if (paths.length === 0) {
      void vscode.window.showInformationMessage('Trace Lens: no OTLP file is being watched.');
      return;
    }
    const path = paths.length === 1 ? paths[0] : await vscode.window.showQuickPick(paths, { title: 'Stop Watching' });
    if (!path) return;
    this.tails.get(path)?.stop();
    this.tails.delete(path);
    this.deps.log.info(`Stopped watching ${path}`);
    this.update();
  }

  private update(): void {
    const names = [...this.tails.keys()].map((p) => basename(p));
    if (names.length === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(eye) watching ${names.length === 1 ? names[0] : `${names.length} files`}`;
    this.status.tooltip = `Trace Lens follows ${[...this.tails.keys()].join(', ')}. Click to stop watching.`;
    this.status.show();
  }

  dispose(): void {
    for (const tail of this.tails.values()) tail.stop();
    this.tails.clear();
    this.status.dispose();
  }
}
