/**
 * Compare panels: one webview per pair of runs (A = the older, base run; B = the newer), showing
 * the back end's `compareTraces` (src/core/compare) and kept live while either trace changes.
 */
import * as vscode from 'vscode';
import { Channel, assertNever } from '../../protocol/channel';
import type { CompareViewCommand, CompareViewEvent } from '../../protocol/compareView';
import type { SpanId, TraceId } from '../../model/trace';
import { WEBVIEW_PANELS } from '../ids';
import { compareViewDocument } from '../webviewHtml';
import type { StoreChange, TraceRepository } from '../traces/traceRepository';

/** Live updates of an open comparison are coalesced to at most one per this interval. */
const UPDATE_DEBOUNCE_MS = 500;

/** Opens compare webviews, one per (A, B) pair, and keeps them live. */
export class ComparePanels implements vscode.Disposable {
  private readonly panels = new Map<string, ComparePanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly repository: TraceRepository,
    private readonly openTrace: (traceId: TraceId, spanId?: SpanId) => void,
  ) {
    this.disposables.push(repository.onDidChange((change) => this.onStoreChange(change)));
  }

  /** Opens (or reveals) the comparison of `left` (A, base) with `right` (B). */
  open(left: TraceId, right: TraceId, title: string): void {
    const key = `${left}:${right}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = new ComparePanel(this.extensionUri, this.repository, left, right, title, {
      disposed: () => this.panels.delete(key),
      openTrace: this.openTrace,
      swap: () => this.open(right, left, title.split(' ↔ ').reverse().join(' ↔ ')),
    });
    this.panels.set(key, panel);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private onStoreChange(change: StoreChange): void {
    for (const panel of this.panels.values()) {
      if (change.all || panel.shows(change.changedTraceIds) || panel.shows(change.removedTraceIds)) panel.scheduleUpdate();
    }
  }
}

interface ComparePanelHooks {
  disposed: () => void;
  openTrace: (traceId: TraceId, spanId?: SpanId) => void;
  swap: () => void;
}

/** One compare webview: serves the HTML, pushes the comparison, opens traces it names. */
class ComparePanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: Channel<CompareViewEvent, CompareViewCommand, Record<string, never>, Record<string, never>>;
  private ready = false;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly repository: TraceRepository,
    private readonly left: TraceId,
    private readonly right: TraceId,
    title: string,
    private readonly hooks: ComparePanelHooks,
  ) {
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(WEBVIEW_PANELS.compare, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [webviewRoot] });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'trace-lens.svg');
    this.channel = new Channel<CompareViewEvent, CompareViewCommand, Record<string, never>, Record<string, never>>(
      (envelope) => void this.panel.webview.postMessage(envelope),
      {},
      (command) => this.onCommand(command),
    );
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.channel.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
    this.panel.webview.html = compareViewDocument({
      cspSource: this.panel.webview.cspSource,
      asset: (file) => this.panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, file)).toString(),
      title,
    });
  }

  /** `true` when `ids` holds either trace. */
  shows(ids: ReadonlySet<TraceId>): boolean {
    return ids.has(this.left) || ids.has(this.right);
  }

  reveal(): void {
    this.panel.reveal();
  }

  scheduleUpdate(): void {
    if (this.updateTimer || !this.ready) return;
    this.updateTimer = setTimeout(() => {
      this.updateTimer = undefined;
      void this.send();
    }, UPDATE_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.updateTimer);
    this.channel.close();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    this.hooks.disposed();
  }

  /** Commands come from the webview: the trace id must be one of this panel's two. */
  private onCommand(command: CompareViewCommand): void {
    switch (command.type) {
      case 'ready':
        this.ready = true;
        void this.send();
        return;
      case 'openTrace':
        if (command.traceId !== this.left && command.traceId !== this.right) return;
        this.hooks.openTrace(command.traceId, typeof command.spanId === 'string' ? command.spanId : undefined);
        return;
      case 'swap':
        this.hooks.swap();
        return;
      default:
        assertNever(command);
    }
  }

  private async send(): Promise<void> {
    try {
      const comparison = await this.repository.query('compareTraces', { leftTraceId: this.left, rightTraceId: this.right });
      this.channel.send({ type: 'comparison', comparison });
    } catch (error) {
      this.channel.send({ type: 'comparison', comparison: null, error: `Could not compare the runs: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
}
