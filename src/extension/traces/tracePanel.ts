import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { Channel, assertNever } from '../../protocol/channel';
import type { TraceViewCommand, TraceViewEvent, TraceViewHostRequests, TraceViewRequests } from '../../protocol/traceView';
import type { SpanId, TraceId } from '../../model/trace';
import { COMMANDS, WEBVIEW_PANELS } from '../ids';
import { traceViewDocument } from '../webviewHtml';
import type { SourceNavigator } from '../source/sourceNavigator';
import type { StoreChange, TraceRepository } from './traceRepository';
import { TraceViewRequestHandlers } from './traceViewRequests';

/** Live updates of an open trace are coalesced to at most one per this interval. */
const UPDATE_DEBOUNCE_MS = 250;

/** Opens trace webviews, one panel per trace, and keeps them live. */
export class TracePanels implements vscode.Disposable {
  private readonly panels = new Map<TraceId, TracePanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly activeEmitter = new vscode.EventEmitter<TraceId>();
  /** Fires with a trace id when its panel opens or becomes the active editor (the Usage view follows it). */
  readonly onDidActivateTrace = this.activeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly repository: TraceRepository,
    /** "Go to Source" for the webview's span details and stack frames (src/extension/source). */
    private readonly source: SourceNavigator,
  ) {
    this.disposables.push(repository.onDidChange((change) => this.onStoreChange(change)));
  }

  /** Opens (or reveals) the panel of a trace, optionally selecting a span. */
  async open(traceId: TraceId, spanId?: SpanId): Promise<void> {
    const existing = this.panels.get(traceId);
    if (existing) {
      existing.reveal(spanId);
      return;
    }
    const summary = await this.repository.query('traceSummary', { traceId });
    if (!summary) {
      void vscode.window.showWarningMessage(`Trace Lens: trace ${traceId} is not stored (it may have been evicted or cleared).`);
      return;
    }
    const panel = new TracePanel(this.extensionUri, this.repository, traceId, summary.rootName, spanId ?? null, () => this.panels.delete(traceId), this.source);
    this.panels.set(traceId, panel);
    panel.onDidBecomeActive(() => this.activeEmitter.fire(traceId));
    this.activeEmitter.fire(traceId);
  }

  /** `true` while a panel shows this trace. */
  has(traceId: TraceId): boolean {
    return this.panels.has(traceId);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.activeEmitter.dispose();
  }

  private onStoreChange(change: StoreChange): void {
    for (const [traceId, panel] of this.panels) {
      if (change.removedTraceIds.has(traceId)) panel.markRemoved();
      else if (change.all || change.changedTraceIds.has(traceId)) panel.scheduleUpdate();
    }
  }
}

/** One trace webview: serves the HTML, answers its requests, pushes the skeleton. */
class TracePanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: Channel<TraceViewEvent, TraceViewCommand, TraceViewRequests, TraceViewHostRequests>;
  private ready = false;
  private readonly requests: TraceViewRequestHandlers;
  /**
   * The first `traceLoaded`, read from the worker while the webview loads (its page, script and
   * view) rather than after it says `ready`; dropped if the trace changes before that.
   */
  private early: ReturnType<TraceViewRequestHandlers['traceLoaded']> | undefined;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly repository: TraceRepository,
    private readonly traceId: TraceId,
    title: string,
    private pendingSelect: SpanId | null,
    private readonly onDisposed: () => void,
    private readonly source: SourceNavigator,
  ) {
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(WEBVIEW_PANELS.trace, title || traceId.slice(0, 8), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot],
      enableFindWidget: false, // the webview has its own Find (webview/trace/find.ts): it searches every span, not only the rendered rows
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'trace-lens.svg');
    this.requests = new TraceViewRequestHandlers(traceId, (method, params) => this.repository.query(method, params), this.source);
    this.channel = new Channel<TraceViewEvent, TraceViewCommand, TraceViewRequests, TraceViewHostRequests>(
      (envelope) => void this.panel.webview.postMessage(envelope),
      this.requests.handlers,
      (command) => this.onCommand(command),
    );
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
    this.panel.webview.html = traceViewHtml(this.panel.webview, webviewRoot, traceId);
    this.early = this.requests.traceLoaded(null);
    this.early.catch(() => undefined);
  }

  /** Calls `listener` whenever this panel becomes the active editor. */
  onDidBecomeActive(listener: () => void): void {
    this.disposables.push(this.panel.onDidChangeViewState((e) => e.webviewPanel.active && listener()));
  }

  reveal(spanId?: SpanId): void {
    this.panel.reveal();
    if (spanId) {
      if (this.ready) this.channel.send({ type: 'revealSpan', spanId });
      else this.pendingSelect = spanId;
    }
  }

  scheduleUpdate(): void {
    if (!this.ready) {
      // Read again when the webview is ready: the early read may predate this change.
      this.early = undefined;
      return;
    }
    if (this.updateTimer) return;
    this.updateTimer = setTimeout(() => {
      this.updateTimer = undefined;
      void this.sendTrace();
    }, UPDATE_DEBOUNCE_MS);
  }

  markRemoved(): void {
    this.early = undefined;
    if (this.ready) this.channel.send({ type: 'traceRemoved', traceId: this.traceId });
    this.panel.title = `${this.panel.title} (removed)`;
  }

  dispose(): void {
    clearTimeout(this.updateTimer);
    this.channel.close();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    this.onDisposed();
  }

  /** Messages from the webview are untrusted: anything but an envelope is ignored by the channel. */
  private onMessage(message: unknown): void {
    this.channel.receive(message);
  }

  private onCommand(command: TraceViewCommand): void {
    switch (command.type) {
      case 'ready': {
        // Again after the webview was reloaded (hidden and shown): then the trace is read again.
        this.ready = true;
        const early = this.early;
        this.early = undefined;
        void this.sendTrace(early);
        return;
      }
      case 'copyText':
        void vscode.env.clipboard.writeText(command.text).then(() => vscode.window.setStatusBarMessage(`$(copy) Copied ${command.what}`, 2000));
        return;
      case 'openLocalFile':
        void openLocalFile(command.path);
        return;
      case 'replayModelCall':
        void vscode.commands.executeCommand(COMMANDS.replayModelCall, { traceId: this.traceId, spanId: command.spanId });
        return;
      default:
        assertNever(command);
    }
  }

  /** Sends the trace (`early`: the message read while the webview loaded, if still current). */
  private async sendTrace(early?: TracePanel['early']): Promise<void> {
    const message = (early && (await early.catch(() => null))) || (await this.requests.traceLoaded(this.pendingSelect));
    if (!message) {
      this.channel.send({ type: 'traceRemoved', traceId: this.traceId });
      return;
    }
    if (message.summary?.rootName) this.panel.title = message.summary.rootName;
    this.channel.send({ ...message, selectSpanId: this.pendingSelect });
    this.pendingSelect = null;
  }
}

/**
 * Opens a local file the trace names (a `file://` content reference or media part, webview
 * command `openLocalFile`) in an editor beside the trace: absolute paths of regular files only;
 * anything else is refused with a message.
 */
async function openLocalFile(path: unknown): Promise<void> {
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096 || !isAbsolute(path)) return;
  const uri = vscode.Uri.file(path);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0) throw new Error('not a regular file');
    await vscode.commands.executeCommand('vscode.open', uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  } catch (error) {
    void vscode.window.showWarningMessage(`Trace Lens: cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The webview document: nonce CSP with `default-src 'none'`, assets only from `dist/webview` (see webviewHtml.ts). */
function traceViewHtml(webview: vscode.Webview, root: vscode.Uri, traceId: TraceId): string {
  return traceViewDocument({
    cspSource: webview.cspSource,
    asset: (file) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString(),
    traceId,
  });
}
