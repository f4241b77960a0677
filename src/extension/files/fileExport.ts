/**
 * Export Trace as OTLP JSON Lines…, Export All Traces…, Copy Trace as OTLP JSON: the back end writes
 * the lines (`exportOtlp`, bounded replies), the host streams them to the chosen file (gzip when
 * the name ends in `.gz`), awaiting the stream between replies so memory stays at one reply.
 */
import * as vscode from 'vscode';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';
import type { ExportOtlpResult, ExportSignals } from '../../core/files/types';
import type { FilesDeps } from './filesDeps';

const SIGNALS_KEY = 'traceLens.files.exportSignals';

type SignalChoice = ExportSignals | 'separate';

/** Asks which signals to write (remembered); `undefined` when cancelled. */
async function chooseSignals(deps: FilesDeps): Promise<SignalChoice | undefined> {
  const last = deps.globalState.get<SignalChoice>(SIGNALS_KEY, 'both');
  const items: (vscode.QuickPickItem & { value: SignalChoice })[] = [
    { value: 'both', label: 'Spans and log records in one file', description: 'for tools that read both from one file' },
    { value: 'separate', label: 'Spans and log records in two files', description: 'name.jsonl and name.logs.jsonl (one signal per file, as the OTLP file exporter specification asks)' },
    { value: 'traces', label: 'Spans only' },
  ];
  items.sort((a, b) => (a.value === last ? -1 : b.value === last ? 1 : 0));
  const pick = await vscode.window.showQuickPick(items, { title: 'Export as OTLP JSON Lines: what to write' });
  if (pick) await deps.globalState.update(SIGNALS_KEY, pick.value);
  return pick?.value;
}

/** Streams `exportOtlp` replies for `traceIds` into `path` (gzip for `.gz`). Returns the counts. */
export async function writeOtlpFile(deps: Pick<FilesDeps, 'worker'>, path: string, traceIds: string[], signals: ExportSignals, token?: vscode.CancellationToken): Promise<{ traces: number; spans: number; logs: number; lines: number }> {
  const file: WriteStream = createWriteStream(path);
  const gzip: Gzip | undefined = path.toLowerCase().endsWith('.gz') ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const out = gzip ?? file;
  const totals = { traces: 0, spans: 0, logs: 0, lines: 0 };
  try {
    let startIndex: number | null = 0;
    while (startIndex !== null && !token?.isCancellationRequested) {
      const reply: ExportOtlpResult = await deps.worker.request('exportOtlp', { traceIds, signals, startIndex });
      totals.traces += reply.traces;
      totals.spans += reply.spans;
      totals.logs += reply.logs;
      totals.lines += reply.lines.length;
      for (const line of reply.lines) if (!out.write(line + '\n')) await once(out, 'drain');
      startIndex = reply.nextIndex;
    }
  } finally {
    out.end();
    await once(file, 'close');
  }
  return totals;
}

/** The trace ids of a session (newest first) or of every stored trace. */
export async function traceIdsOf(deps: Pick<FilesDeps, 'worker'>, sessionId?: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await deps.worker.request('listTraces', { limit: 1000, offset, ...(sessionId ? { sessionId } : {}) });
    for (const t of page) if (!sessionId || t.sessionId === sessionId) ids.push(t.traceId);
    if (page.length < 1000) return ids;
  }
}

/** Export … as OTLP JSON Lines: a save dialog, the signal choice, then the file(s) with progress. */
export async function exportTraces(deps: FilesDeps, traceIds: string[], suggestedName: string): Promise<void> {
  if (traceIds.length === 0) {
    void vscode.window.showInformationMessage('Trace Lens: no stored traces to export.');
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Export as OTLP JSON Lines',
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${suggestedName}.jsonl`) : undefined,
    filters: { 'OTLP JSON Lines': ['jsonl'], 'OTLP JSON Lines, gzip': ['gz'] },
  });
  if (!target) return;
  const choice = await chooseSignals(deps);
  if (!choice) return;
  const path = target.fsPath;
  const jobs: [string, ExportSignals][] =
    choice === 'separate' ? [[path, 'traces'], [path.replace(/(\.jsonl)?(\.gz)?$/i, (_m, _j, gz: string | undefined) => `.logs.jsonl${gz ?? ''}`), 'logs']] : [[path, choice]];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Trace Lens: exporting', cancellable: true }, async (_p, token) => {
    const parts: string[] = [];
    for (const [file, signals] of jobs) {
      const t = await writeOtlpFile(deps, file, traceIds, signals, token);
      parts.push(`${vscode.workspace.asRelativePath(file)} (${t.traces} traces, ${t.spans} spans, ${t.logs} log records)`);
    }
    deps.log.info(`Exported as OTLP JSON Lines: ${parts.join('; ')}`);
    void vscode.window.showInformationMessage(`Trace Lens: exported ${parts.join('; ')}.`);
  });
}

/** Copy Trace as OTLP JSON: the trace's spans as OTLP/JSON export request(s) (one per line past 1,000 spans). */
export async function copyTraceAsOtlpJson(deps: Pick<FilesDeps, 'worker'>, traceId: string): Promise<void> {
  const lines: string[] = [];
  let startIndex: number | null = 0;
  while (startIndex !== null) {
    const reply: ExportOtlpResult = await deps.worker.request('exportOtlp', { traceIds: [traceId], signals: 'traces', startIndex });
    lines.push(...reply.lines);
    startIndex = reply.nextIndex;
  }
  if (lines.length === 0) {
    void vscode.window.showInformationMessage('Trace Lens: that trace is no longer stored.');
    return;
  }
  await vscode.env.clipboard.writeText(lines.join('\n'));
  vscode.window.setStatusBarMessage(`Trace Lens: copied the trace as OTLP JSON${lines.length > 1 ? ` (${lines.length} lines)` : ''}`, 3000);
}
