/**
 * The Usage webview view (`traceLens.usage`, in the Trace Lens container): totals, cost by model,
 * tokens over time, latency distribution and run metrics for all traces (the traces matching the
 * Traces view's filter while one is set), the selected trace's session, or the selected trace. The numbers come from a `UsageSource` (the composition root
 * implements it on top of the store); this file owns the view: its HTML, the scope the user picked
 * and when to recompute.
 *
 * Recomputing: only while the view is visible, at most once per `REFRESH_DEBOUNCE_MS` after the
 * source fires; a change while hidden marks the content stale and it is recomputed when the view
 * shows again. A late answer for an older request is dropped.
 */
import * as vscode from 'vscode';
import { Channel, assertNever, errorMessage } from '../../protocol/channel';
import type { UsageScopeChoice, UsageScopeKind, UsageViewCommand, UsageViewEvent } from '../../protocol/usageView';
import type { UsageReport, UsageScope } from '../../model/cost';
import { VIEWS } from '../ids';
import { usageViewDocument } from '../webviewHtml';

/** `workspaceState` key of the scope kind the user picked. */
const SCOPE_STATE_KEY = 'traceLens.usage.scopeKind';
/** Source changes are coalesced to one recomputation per this interval. */
const REFRESH_DEBOUNCE_MS = 300;

/** What the Usage view needs from the rest of the extension (implemented by the composition root). */
export interface UsageSource {
  /** The report for a scope; null when the store is empty. */
  report(scope: UsageScope): Promise<UsageReport | null>;
  /** The selected trace (active trace panel or Traces-tree selection) and its session, if any. */
  selection(): { trace?: UsageScopeChoice; session?: UsageScopeChoice };
  /** The Traces view's filter query; while set, the "all" scope is `{ kind: 'filtered', query }`. */
  filter(): string | undefined;
  /** Fires when stored traces changed (throttled by the source), the selection or the filter changed. */
  onDidChange: vscode.Event<void>;
  /** Opens a trace panel, optionally at a span. */
  openTrace(traceId: string, spanId?: string): void;
}

/**
 * Registers the Usage view's provider. The caller owns the returned disposable (push it to
 * `context.subscriptions`); `context` supplies the extension URI and the workspace state where
 * the picked scope is remembered.
 */
export function registerUsageView(context: vscode.ExtensionContext, source: UsageSource): vscode.Disposable {
  const provider = new UsageViewProvider(context.extensionUri, context.workspaceState, source);
  const registration = vscode.window.registerWebviewViewProvider(VIEWS.usage, provider);
  return vscode.Disposable.from(registration, provider);
}

/**
 * The scope to compute for a picked kind, the current selection and the Traces view's filter:
 * `session`/`trace` fall back to `all` when nothing is selected for them; `all` covers the traces
 * matching `filter` while one is set (`{ kind: 'filtered', query }`; the picker still says `all`).
 */
export function resolveUsageScope(
  picked: UsageScopeKind,
  selection: { trace?: UsageScopeChoice; session?: UsageScopeChoice },
  filter?: string,
): { kind: UsageScopeKind; scope: UsageScope } {
  if (picked === 'trace' && selection.trace) return { kind: 'trace', scope: { kind: 'trace', traceId: selection.trace.id } };
  if (picked === 'session' && selection.session) return { kind: 'session', scope: { kind: 'session', sessionId: selection.session.id } };
  return { kind: 'all', scope: filter ? { kind: 'filtered', query: filter } : { kind: 'all' } };
}

function isScopeKind(value: unknown): value is UsageScopeKind {
  return value === 'all' || value === 'session' || value === 'trace';
}

type UsageChannel = Channel<UsageViewEvent, UsageViewCommand, Record<string, never>, Record<string, never>>;

class UsageViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private channel: UsageChannel | undefined;
  private readonly viewDisposables: vscode.Disposable[] = [];
  private readonly sourceSubscription: vscode.Disposable;
  private picked: UsageScopeKind;
  /** The webview said `ready` (its script listens). A hidden view may lose its document; it says `ready` again. */
  private ready = false;
  /** The content shown no longer matches the source. */
  private stale = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Incremented per recomputation; an answer for an older one is dropped. */
  private generation = 0;
  private last: UsageViewEvent | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: vscode.Memento,
    private readonly source: UsageSource,
  ) {
    const stored = state.get<unknown>(SCOPE_STATE_KEY);
    this.picked = isScopeKind(stored) ? stored : 'all';
    this.sourceSubscription = source.onDidChange(() => this.onSourceChanged());
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    this.view = view;
    this.ready = false;
    this.stale = true;
    view.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot] };
    const channel: UsageChannel = new Channel<UsageViewEvent, UsageViewCommand, Record<string, never>, Record<string, never>>(
      (envelope) => void view.webview.postMessage(envelope),
      {},
      (command) => this.onCommand(command),
    );
    this.channel = channel;
    this.viewDisposables.push(
      // Messages from the webview are untrusted: anything but an envelope is ignored by the channel.
      view.webview.onDidReceiveMessage((message: unknown) => channel.receive(message)),
      view.onDidChangeVisibility(() => {
        // Changes while hidden were skipped. If the document was torn down meanwhile, what this
        // sends is lost, and its `ready` brings the (by then fresh) content again.
        if (view.visible && this.stale) this.schedule(0);
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.disposeView();
      }),
    );
    view.webview.html = usageViewHtml(view.webview, webviewRoot);
  }

  dispose(): void {
    this.disposeView();
    this.sourceSubscription.dispose();
  }

  private disposeView(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    this.channel?.close();
    this.channel = undefined;
    for (const d of this.viewDisposables) d.dispose();
    this.viewDisposables.length = 0;
    this.view = undefined;
    this.ready = false;
  }

  private onCommand(command: UsageViewCommand): void {
    switch (command.type) {
      case 'ready':
        this.ready = true;
        if (this.last && !this.stale) this.channel?.send(this.last);
        else void this.refresh();
        return;
      case 'setScope':
        if (!isScopeKind(command.kind)) return;
        this.picked = command.kind;
        this.stale = true;
        void this.state.update(SCOPE_STATE_KEY, command.kind);
        void this.refresh();
        return;
      case 'copyText':
        if (typeof command.text !== 'string' || typeof command.what !== 'string') return;
        void vscode.env.clipboard.writeText(command.text).then(() => vscode.window.setStatusBarMessage(`$(copy) Copied ${command.what}`, 2000));
        return;
      case 'openTrace':
        if (typeof command.traceId !== 'string' || !command.traceId) return;
        this.source.openTrace(command.traceId, typeof command.spanId === 'string' && command.spanId ? command.spanId : undefined);
        return;
      default:
        assertNever(command);
    }
  }

  private onSourceChanged(): void {
    this.stale = true;
    this.schedule(REFRESH_DEBOUNCE_MS);
  }

  /** Recomputes after `delayMs` unless a recomputation is already scheduled; nothing while hidden. */
  private schedule(delayMs: number): void {
    if (!this.view?.visible || !this.ready || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  /**
   * Computes the report for the picked scope and sends it. Only for a visible webview that said
   * `ready`; otherwise the content stays stale and is computed when the view shows again.
   */
  private async refresh(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const channel = this.channel;
    if (!channel || !this.view?.visible || !this.ready) return;
    const generation = ++this.generation;
    this.stale = false;
    const selection = this.source.selection();
    const filter = this.source.filter();
    const { kind, scope } = resolveUsageScope(this.picked, selection, filter);
    const base = {
      type: 'usage' as const,
      kind,
      session: selection.session,
      trace: selection.trace,
      ...(scope.kind === 'filtered' ? { filter: scope.query } : {}),
      ...(kind !== this.picked ? { requestedKind: this.picked } : {}),
    };
    let event: UsageViewEvent;
    try {
      event = { ...base, report: await this.source.report(scope) };
    } catch (error) {
      const previous = this.last?.kind === kind && this.last.filter === base.filter ? this.last.report : null;
      event = { ...base, report: previous, error: errorMessage(error) };
    }
    if (generation !== this.generation) return;
    this.last = event;
    channel.send(event);
  }
}

/** The webview document: nonce CSP with `default-src 'none'`, assets only from `dist/webview` (see webviewHtml.ts). */
function usageViewHtml(webview: vscode.Webview, root: vscode.Uri): string {
  return usageViewDocument({
    cspSource: webview.cspSource,
    asset: (file) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString(),
  });
}
