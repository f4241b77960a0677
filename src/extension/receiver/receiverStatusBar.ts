import * as vscode from 'vscode';
import type { StoreStats } from '../../model/trace';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import { isListening, type EndpointState, type ReceiverController, type ReceiverState } from './receiverController';
import type { TraceRepository } from '../traces/traceRepository';
import { escapeMarkdown } from '../markdownText';

/**
 * The receiver's status bar item: `listening :4318 · gRPC :4317 · 3 traces`, `port 4318 busy`,
 * `listening :4318 · gRPC port 4317 busy` (warning background), `stopped`.
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
    this.item.tooltip = tooltip(state, stats, this.receiver.endpoint(), this.receiver.grpcEndpoint());
    this.item.accessibilityInformation = { label: `Trace Lens: ${text.replace(/\$\([^)]*\)\s*/g, '')}`, role: 'button' };
  }
}

/** Status bar text for a state; exported for tests. Starts with the OTLP/HTTP part, then gRPC. */
export function statusText(state: ReceiverState, stats: StoreStats, paused: boolean): { text: string; warning: boolean } {
  const traces = `${stats.traceCount} ${stats.traceCount === 1 ? 'trace' : 'traces'}`;
  const pausedSuffix = paused ? ' · paused' : '';
  const { http, grpc } = state;
  if (http.kind === 'stopped' && (grpc.kind === 'stopped' || grpc.kind === 'disabled')) {
    return { text: `$(circle-slash) stopped · ${traces}${pausedSuffix}`, warning: false };
  }
  if (http.kind === 'starting') return { text: `$(loading~spin) starting :${http.port}`, warning: false };
  if (http.kind === 'otherWindow') {
    // Another window's Trace Lens receives; this window shows the same traces through it.
    return { text: `$(radio-tower) :${http.port} in another window · ${traces}${pausedSuffix}`, warning: false };
  }
  const httpPart =
    http.kind === 'listening' ? `listening :${http.port}`
    : http.kind === 'portBusy' ? `port ${http.port} busy`
    : http.kind === 'error' ? (grpc.kind === 'listening' ? 'HTTP error' : 'receiver error')
    : 'HTTP stopped';
  const grpcPart =
    grpc.kind === 'listening' ? ` · gRPC :${grpc.port}`
    : grpc.kind === 'portBusy' ? ` · gRPC port ${grpc.port} busy`
    : grpc.kind === 'error' ? ' · gRPC error'
    : grpc.kind === 'starting' ? ` · gRPC starting :${grpc.port}`
    : '';
  const failed = (k: string) => k === 'portBusy' || k === 'error';
  const warning = failed(http.kind) || failed(grpc.kind);
  const icon = http.kind === 'error' && !isListening(state) ? '$(error)' : warning ? '$(warning)' : '$(radio-tower)';
  return { text: `${icon} ${httpPart}${grpcPart} · ${traces}${pausedSuffix}`, warning };
}

function tooltip(state: ReceiverState, stats: StoreStats, endpoint: string, grpcEndpoint: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [COMMANDS.showStatusMenu, COMMANDS.copyEnvironment] };
  md.appendMarkdown('**Trace Lens** OTLP receiver\n\n');
  const { http, grpc } = state;
  if (http.kind === 'stopped' && (grpc.kind === 'stopped' || grpc.kind === 'disabled')) {
    md.appendMarkdown('Stopped. Traces already received stay until cleared.\n\n');
  } else {
    md.appendMarkdown(`- **OTLP/HTTP**: ${endpointLine(http, `http://${hostOf(http)}:${portOf(http)}`, '(`/v1/traces`, `/v1/logs`, `/v1/metrics`; also under `/api/public/otel` for Langfuse SDKs and `/otel` for LangSmith; `/v1/traces/ingest` for the OpenAI Agents SDK exporter)', SETTINGS.receiverPort)}\n`);
    if (grpc.kind === 'disabled') {
      md.appendMarkdown(`- **OTLP/gRPC**: off (\`${SETTINGS_SECTION}.${SETTINGS.receiverGrpcEnabled}\`)\n`);
    } else {
      md.appendMarkdown(`- **OTLP/gRPC**: ${endpointLine(grpc, `${hostOf(grpc)}:${portOf(grpc)}`, '(`TraceService`, `LogsService`, `MetricsService`)', SETTINGS.receiverGrpcPort)}\n`);
    }
    md.appendMarkdown('\n');
    if (http.kind === 'listening' || http.kind === 'otherWindow') md.appendMarkdown(`Apps export with \`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\``);
    if (grpc.kind === 'listening' && grpcEndpoint) {
      md.appendMarkdown(`${http.kind === 'listening' ? ', or over gRPC with' : 'Apps export over gRPC with'} \`OTEL_EXPORTER_OTLP_ENDPOINT=${grpcEndpoint}\` \`OTEL_EXPORTER_OTLP_PROTOCOL=grpc\``);
    }
    if (isListening(state)) md.appendMarkdown('\n\n');
  }
  md.appendMarkdown(`${stats.traceCount.toLocaleString()} traces · ${stats.spanCount.toLocaleString()} spans · ${stats.logCount.toLocaleString()} log records`);
  if (stats.evictedTraceCount > 0) md.appendMarkdown(` · ${stats.evictedTraceCount.toLocaleString()} oldest traces evicted`);
  if (stats.rejectedCount > 0) md.appendMarkdown(` · ${stats.rejectedCount.toLocaleString()} items rejected (see the log)`);
  md.appendMarkdown(`\n\n[$(list-selection) Receiver menu](command:${COMMANDS.showStatusMenu})`);
  return md;
}

/** One endpoint's line in the tooltip. */
function endpointLine(state: EndpointState | { kind: 'disabled' }, address: string, what: string, portSetting: string): string {
  switch (state.kind) {
    case 'listening':
      return `listening on \`${address}\` ${what}`;
    case 'portBusy':
      return `port ${state.port} is used by another program. Stop it, or set \`${SETTINGS_SECTION}.${portSetting}\` to another port and point your app at it.`;
    case 'error':
      return `could not start: ${escapeMarkdown(state.message)}`;
    case 'starting':
      return 'starting…';
    case 'otherWindow':
      return `served by Trace Lens in another VS Code window (pid ${state.owner.pid}${state.owner.workspace ? `, ${escapeMarkdown(state.owner.workspace)}` : ''}); this window shows its traces and takes over within seconds when that window closes`;
    case 'stopped':
      return 'stopped';
    case 'disabled':
      return 'off';
  }
}

function hostOf(state: EndpointState | { kind: 'disabled' }): string {
  return state.kind === 'listening' ? (state.host.includes(':') ? `[${state.host}]` : state.host) : '';
}

function portOf(state: EndpointState | { kind: 'disabled' }): number | string {
  return state.kind === 'listening' ? state.port : '';
}

