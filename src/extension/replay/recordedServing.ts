/**
 * Serve Recorded Responses…: one local OpenAI-/Anthropic-compatible endpoint at a time
 * (src/core/replay/recorded) answering a re-run of a trace with its recorded responses, a status
 * bar item counting what was served, a warning when the re-run diverges, and a live report
 * (a read-only markdown document, `trace-lens-replay:` scheme).
 */
import * as vscode from 'vscode';
import type { RecordedCall, ReplayProviderConfig, ServedRequest } from '../../model/replay';
import type { TraceId } from '../../model/ids';
import { divergenceReport, startRecordedServer, type RecordedServer } from '../../core/replay/recorded';
import { providerBaseUrl } from '../../core/replay/providers';
import { CONTEXT_KEYS, REPLAY_COMMANDS } from '../ids';

/** Scheme of the report document. */
export const REPORT_SCHEME = 'trace-lens-replay';
const REPORT_URI = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Recorded Responses Report.md' });
/** Context key for the `when` clauses of the stop/report/copy commands. */
const CONTEXT_KEY = CONTEXT_KEYS.servingRecordedResponses;

/** What to serve: a trace's calls, recorded up to `liveAfterIndex` (all when absent), the rest live. */
export interface ServeOptions {
  traceId: TraceId;
  traceLabel: string;
  calls: RecordedCall[];
  liveAfterIndex?: number;
  live?: { provider: ReplayProviderConfig; apiKey: string };
}

interface Serving {
  options: ServeOptions;
  server: RecordedServer;
  warnedDivergence: boolean;
  listener: { dispose(): void };
}

/** The one running recorded-response server, its status bar item and report. */
export class RecordedServing implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private current: Serving | undefined;
  private readonly status = vscode.window.createStatusBarItem('traceLens.recordedResponses', vscode.StatusBarAlignment.Left, 40);
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.status, this.changed];
  private reportTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.status.name = 'Trace Lens Recorded Responses';
    this.status.command = REPLAY_COMMANDS.showRecordedResponsesReport;
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this));
  }

  /** True while a server runs. */
  get running(): boolean {
    return this.current !== undefined;
  }

  /** Base URLs an app sets: the OpenAI SDK's (with `/v1`) and the Anthropic SDK's (without). */
  baseUrls(): { openai: string; anthropic: string } | undefined {
    if (!this.current) return undefined;
    return { openai: `${this.current.server.url}/v1`, anthropic: this.current.server.url };
  }

  /** Starts serving (stopping a running server first); resolves with the base URLs. */
  async start(options: ServeOptions): Promise<{ openai: string; anthropic: string }> {
    await this.stop();
    const server = await startRecordedServer({
      calls: options.calls,
      port: 0,
      ...(options.liveAfterIndex !== undefined ? { liveAfterIndex: options.liveAfterIndex } : {}),
      ...(options.live
        ? { live: { kind: options.live.provider.kind, baseUrl: providerBaseUrl(options.live.provider), apiKey: options.live.apiKey } }
        : {}),
      log: (level, message) => this.log[level](`replay: ${message}`),
    });
    this.current = { options, server, warnedDivergence: false, listener: server.onServed((served) => this.onServed(served)) };
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    this.log.info(`replay: serving ${options.calls.length} recorded responses of trace ${options.traceId} at ${server.url}`);
    this.updateStatus();
    this.changed.fire(REPORT_URI);
    return { openai: `${server.url}/v1`, anthropic: server.url };
  }

  /** Stops the running server (if any). */
  async stop(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    current.listener.dispose();
    this.status.hide();
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
    await current.server.close();
    this.log.info(`replay: stopped serving recorded responses of trace ${current.options.traceId} (${current.server.served().length} requests served)`);
    this.changed.fire(REPORT_URI);
  }

  /** Opens the live report beside the editor. */
  async showReport(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(REPORT_URI);
    await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside }));
  }

  /** The report document's text (TextDocumentContentProvider). */
  provideTextDocumentContent(): string {
    const current = this.current;
    if (!current) return '# Recorded responses\n\nNothing is being served. Run **Trace Lens: Serve Recorded Responses…** on a trace.\n';
    const { options, server } = current;
    const urls = this.baseUrls()!;
    const header = [
      `# Recorded responses of “${options.traceLabel}”`,
      '',
      `Trace \`${options.traceId}\` · ${options.calls.length} recorded model calls` +
        (options.liveAfterIndex !== undefined && options.live ? ` · recorded up to call ${options.liveAfterIndex + 1}, then live to ${options.live.provider.name}` : ''),
      '',
      `- OpenAI SDK: \`OPENAI_BASE_URL=${urls.openai}\``,
      `- Anthropic SDK: \`ANTHROPIC_BASE_URL=${urls.anthropic}\``,
      '',
    ].join('\n');
    return `${header}\n${divergenceReport(server.served(), options.calls)}\n`;
  }

  private onServed(served: ServedRequest): void {
    const current = this.current;
    if (!current) return;
    this.updateStatus();
    if (!this.reportTimer) {
      this.reportTimer = setTimeout(() => {
        this.reportTimer = undefined;
        this.changed.fire(REPORT_URI);
      }, 200);
    }
    // `position` = the expected call, whose content agrees (its remaining differences, such as the
    // tools offered, are reported but do not change what is served).
    const diverged = served.match !== 'position';
    if (diverged && !current.warnedDivergence) {
      current.warnedDivergence = true;
      const compared = served.comparedCallIndex ?? served.matchedCallIndex;
      const what =
        served.match === 'none'
          ? `matches no recorded call${served.differences[0] ? ` (${served.differences[0]})` : ''}`
          : `differs from recorded call ${(compared ?? 0) + 1}: ${served.differences[0] ?? ''}`;
      void vscode.window
        .showWarningMessage(`Trace Lens: the re-run diverged — request ${served.requestIndex + 1} ${what}.`, 'Show Report')
        .then((choice) => {
          if (choice) void this.showReport();
        });
    }
  }

  private updateStatus(): void {
    const current = this.current;
    if (!current) return;
    const served = current.server.served();
    const diverged = served.filter((s) => s.match !== 'position').length;
    const live = served.filter((s) => s.servedFrom === 'live').length;
    this.status.text = `$(debug-alt) ${served.length}/${current.options.calls.length} recorded${live ? ` · ${live} live` : ''}${diverged ? ` · $(warning) ${diverged} diverged` : ''}`;
    this.status.tooltip = `Trace Lens is serving the recorded responses of “${current.options.traceLabel}” at ${current.server.url}\nClick for the report; Trace Lens: Stop Serving Recorded Responses to stop.`;
    this.status.backgroundColor = diverged ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.status.show();
  }

  dispose(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }
}
