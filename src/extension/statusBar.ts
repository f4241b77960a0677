import * as vscode from 'vscode';
import type { StoreStats } from '../model/trace';
import { COMMANDS } from './ids';
import type { ReceiverController, ReceiverState } from './receiverController';
import type { TraceRepository } from './traceRepository';

/**
 * The receiver's status bar item: `listening :4318 · 3 traces`, `port 4318 busy`, `stopped`.
 * Clicking opens the receiver menu (`traceLens.showStatusMenu`).
 */
export class ReceiverStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly receiver: ReceiverController, private readonly repository: TraceRepository) {
    this.item = vscode.window.createStatusBarItem('traceLens.receiver', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Trace Lens Receiver';
    this.item.command = COMMANDS.showStatusMenu;
    this.disposables.push(
      this.item,
      receiver.onDidChangeState(() => this.update()),
      repository.onDidChangeStats(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private update(): void {
    const state = this.receiver.state;
    const stats = this.repository.stats;
    const { text, warning } = statusText(state, stats, this.repository.paused);
    this.item.text = text;
    this.item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = tooltip(state, stats, this.receiver.endpoint());
    this.item.accessibilityInformation = { label: `Trace Lens: ${text.replace(/\$\([^)]*\)\s*/g, '')}`, role: 'button' };
  }
}

/** Status bar text for a state; exported for tests. */
export function statusText(state: ReceiverState, stats: StoreStats, paused: boolean): { text: string; warning: boolean } {
  const traces = `${stats.traceCount} ${stats.traceCount === 1 ? 'trace' : 'traces'}`;
  const pausedSuffix = paused ? ' · paused' : '';
  switch (state.kind) {
    case 'listening':
      return { text: `$(radio-tower) listening :${state.port} · ${traces}${pausedSuffix}`, warning: false };
    case 'starting':
      return { text: `$(loading~spin) starting :${state.port}`, warning: false };
    case 'portBusy':
      return { text: `$(warning) port ${state.port} busy · ${traces}`, warning: true };
    case 'error':
      return { text: `$(error) receiver error · ${traces}`, warning: true };
    case 'stopped':
      return { text: `$(circle-slash) stopped · ${traces}${pausedSuffix}`, warning: false };
  }
}

function tooltip(state: ReceiverState, stats: StoreStats, endpoint: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [COMMANDS.showStatusMenu, COMMANDS.copyEnvironment] };
  md.appendMarkdown('**Trace Lens** OTLP receiver\n\n');
  switch (state.kind) {
    case 'listening':
      md.appendMarkdown(`Listening on \`http://${state.host}:${state.port}\` (OTLP/HTTP: \`/v1/traces\`, \`/v1/logs\`, \`/v1/metrics\`)\n\n`);
      md.appendMarkdown(`Apps export with \`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\`\n\n`);
      break;
    case 'portBusy':
      md.appendMarkdown(`Port ${state.port} is used by another program. Stop it, or set \`traceLens.receiver.port\` to another port and point your app at it.\n\n`);
      break;
    case 'error':
      md.appendMarkdown(`Could not start: ${escapeMarkdown(state.message)}\n\n`);
      break;
    case 'starting':
      md.appendMarkdown('Starting…\n\n');
      break;
    case 'stopped':
      md.appendMarkdown('Stopped. Traces already received stay until cleared.\n\n');
      break;
  }
  md.appendMarkdown(`${stats.traceCount.toLocaleString()} traces · ${stats.spanCount.toLocaleString()} spans · ${stats.logCount.toLocaleString()} log records`);
  if (stats.evictedTraceCount > 0) md.appendMarkdown(` · ${stats.evictedTraceCount.toLocaleString()} oldest traces evicted`);
  if (stats.rejectedCount > 0) md.appendMarkdown(` · ${stats.rejectedCount.toLocaleString()} items rejected (see the log)`);
  md.appendMarkdown(`\n\n[$(list-selection) Receiver menu](command:${COMMANDS.showStatusMenu})`);
  return md;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
