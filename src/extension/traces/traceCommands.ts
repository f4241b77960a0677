import * as vscode from 'vscode';
import type { SpanId, TraceId } from '../../model/trace';
import { COMMANDS, SETTINGS, SETTINGS_SECTION, VIEWS, type FORWARDING_COMMANDS } from '../ids';
import { busyEndpoints, isListening, portBusyWarning, type BusyEndpoint, type ReceiverController } from '../receiver/receiverController';
import { findFreePort } from '../../core/receiver/otlpHttpReceiver';
import { readSettings } from '../settings';
import type { TracePanels } from './tracePanel';
import type { TraceRepository } from './traceRepository';
import type { TraceTreeNode, TracesTreeProvider } from './tracesTree';
import type { SourceFeature } from '../source/sourceFeature';

/** What the commands act on. */
export interface CommandContext {
  receiver: ReceiverController;
  repository: TraceRepository;
  tree: TracesTreeProvider;
  panels: TracePanels;
  log: vscode.LogOutputChannel;
  /** "Go to Source" (src/extension/source); absent in tests that do not need it. */
  source?: Pick<SourceFeature, 'goToSourceCommand'>;
}

/** Registers every command of `package.json`; returns their disposables. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { receiver, repository, panels, log } = ctx;
  // Forwarding commands are registered by src/extension/forwarding.
  type Handled = Exclude<(typeof COMMANDS)[keyof typeof COMMANDS], (typeof FORWARDING_COMMANDS)[keyof typeof FORWARDING_COMMANDS]>;
  const handlers: Record<Handled, (...args: unknown[]) => unknown> = {
    [COMMANDS.startReceiver]: async () => {
      const state = await receiver.start();
      if (state.http.kind === 'error') void vscode.window.showErrorMessage(`Trace Lens: the receiver could not start: ${state.http.message}`);
      if (state.grpc.kind === 'error') void vscode.window.showErrorMessage(`Trace Lens: the OTLP/gRPC receiver could not start: ${state.grpc.message}`);
      await offerPortFix(busyEndpoints(state));
    },
    [COMMANDS.stopReceiver]: () => receiver.stop(),
    [COMMANDS.copyEndpoint]: async () => {
      await vscode.env.clipboard.writeText(receiver.endpoint());
      void vscode.window.showInformationMessage(`Copied OTLP endpoint ${receiver.endpoint()}`);
    },
    [COMMANDS.copyEnvironment]: () => copyEnvironment(receiver.endpoint(), receiver.grpcEndpoint()),
    [COMMANDS.clearTraces]: async () => {
      const count = repository.stats.traceCount;
      await repository.query('clear', {});
      repository.refresh();
      vscode.window.setStatusBarMessage(`$(clear-all) Trace Lens: cleared ${count} ${count === 1 ? 'trace' : 'traces'}`, 3000);
    },
    [COMMANDS.openTraceById]: () => openTraceById(repository, panels),
    [COMMANDS.openTrace]: (arg?: unknown, spanId?: unknown) => {
      const target = toTraceTarget(arg, spanId);
      return target ? panels.open(target.traceId, target.spanId) : openTraceById(repository, panels);
    },
    [COMMANDS.deleteTrace]: async (arg?: unknown) => {
      const target = toTraceTarget(arg);
      if (!target) return;
      await repository.query('deleteTrace', { traceId: target.traceId });
    },
    [COMMANDS.copyTraceId]: async (arg?: unknown) => {
      const target = toTraceTarget(arg);
      if (!target) return;
      await vscode.env.clipboard.writeText(target.traceId);
      vscode.window.setStatusBarMessage(`$(copy) Copied trace ID ${target.traceId}`, 2000);
    },
    [COMMANDS.pauseLiveUpdates]: () => repository.setPaused(true),
    [COMMANDS.resumeLiveUpdates]: () => repository.setPaused(false),
    [COMMANDS.refresh]: () => repository.refresh(),
    [COMMANDS.showStatusMenu]: () => showStatusMenu(ctx),
    [COMMANDS.showLog]: () => log.show(),
    [COMMANDS.groupBySession]: () => ctx.tree.setGroupBySession(true),
    [COMMANDS.ungroupTraces]: () => ctx.tree.setGroupBySession(false),
    [COMMANDS.goToSource]: (arg?: unknown, spanId?: unknown) => ctx.source?.goToSourceCommand(arg, spanId),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}

/** Accepts a tree node, a trace id string, or nothing. */
function toTraceTarget(arg: unknown, spanId?: unknown): { traceId: TraceId; spanId?: SpanId } | undefined {
  if (typeof arg === 'string') return { traceId: arg, spanId: typeof spanId === 'string' ? spanId : undefined };
  const node = arg as TraceTreeNode | undefined;
  if (node?.kind === 'trace') return { traceId: node.summary.traceId };
  if (node?.kind === 'span') return { traceId: node.traceId, spanId: node.span.spanId };
  return undefined;
}

async function openTraceById(repository: TraceRepository, panels: TracePanels): Promise<void> {
  const input = await vscode.window.showInputBox({
    title: 'Open Trace by ID',
    prompt: 'A trace ID (32 hex characters) or its beginning',
    placeHolder: '4bf92f3577b34da6a3ce929d0e0e4736',
    validateInput: (value) => (/^[0-9a-fA-F-]{0,36}$/.test(value.trim()) ? undefined : 'A trace ID has only hex characters'),
  });
  const prefix = input?.trim().toLowerCase().replace(/-/g, '');
  if (!prefix) return;
  const matches = await repository.query('findTraces', { prefix, limit: 50 });
  if (matches.length === 0) {
    void vscode.window.showWarningMessage(`Trace Lens: no stored trace ID starts with ${prefix}.`);
    return;
  }
  if (matches.length === 1) return panels.open(matches[0].traceId);
  const pick = await vscode.window.showQuickPick(
    matches.map((t) => ({ label: t.rootName, description: t.serviceName, detail: t.traceId, traceId: t.traceId })),
    { title: 'Traces matching ' + prefix },
  );
  if (pick) await panels.open(pick.traceId);
}

/**
 * Environment variables that point an OpenTelemetry SDK at the receiver, in three syntaxes:
 * OTLP/HTTP (`http/protobuf`, the HTTP endpoint) or OTLP/gRPC (`grpc`, the gRPC endpoint).
 */
export function environmentSnippets(endpoint: string, protocol: 'http/protobuf' | 'grpc' = 'http/protobuf'): { label: string; text: string }[] {
  const vars: [string, string][] = [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', endpoint],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', protocol],
    ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'true'],
  ];
  return [
    { label: 'POSIX shell (bash, zsh)', text: vars.map(([k, v]) => `export ${k}=${v}`).join('\n') },
    { label: 'PowerShell', text: vars.map(([k, v]) => `$env:${k}="${v}"`).join('\n') },
    { label: '.env file', text: vars.map(([k, v]) => `${k}=${v}`).join('\n') },
  ];
}

async function copyEnvironment(endpoint: string, grpcEndpoint: string | undefined): Promise<void> {
  type Item = vscode.QuickPickItem & { text?: string };
  const items = (snippets: { label: string; text: string }[]): Item[] =>
    snippets.map((s) => ({ label: s.label, detail: s.text.replace(/\n/g, '  '), text: s.text }));
  const separator = (label: string): Item => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const pick = await vscode.window.showQuickPick(
    grpcEndpoint
      ? [
          separator('OTLP/HTTP (default)'),
          ...items(environmentSnippets(endpoint)),
          separator('OTLP/gRPC'),
          ...items(environmentSnippets(grpcEndpoint, 'grpc')).map((i) => ({ ...i, label: `${i.label} · gRPC` })),
        ]
      : items(environmentSnippets(endpoint)),
    { title: 'Copy environment variables for an instrumented app' },
  );
  if (!pick?.text) return;
  await vscode.env.clipboard.writeText(pick.text);
  void vscode.window.showInformationMessage(`Copied: ${pick.text.split('\n')[0]} …`);
}

/**
 * Says which port a foreign program holds and offers a free one: "Use Port N" writes the port
 * setting (the receiver restarts on it) and then shows the environment variable that points an
 * app there, with a copy button. Exported for activation, which says the same.
 */
export async function offerPortFix(busy: readonly BusyEndpoint[]): Promise<void> {
  const warning = portBusyWarning(busy);
  const first = busy[0];
  if (!warning || !first) return;
  const { receiver: cfg } = readSettings();
  const free = await findFreePort(cfg.host, first.port);
  const useFree = free > 0 ? `Use Port ${free}` : undefined;
  const choice = await vscode.window.showWarningMessage(warning.message, ...[useFree, 'Open Settings', 'Show Log'].filter((c): c is string => !!c));
  if (choice && choice === useFree) {
    const setting = first.protocol === 'OTLP/gRPC' ? SETTINGS.receiverGrpcPort : SETTINGS.receiverPort;
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(setting, free, target);
    const variable = first.protocol === 'OTLP/gRPC'
      ? `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${free} OTEL_EXPORTER_OTLP_PROTOCOL=grpc`
      : `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${free}`;
    const copy = await vscode.window.showInformationMessage(`Trace Lens now receives ${first.protocol} on port ${free}. Point your app there: ${variable}`, 'Copy');
    if (copy) await vscode.env.clipboard.writeText(variable);
  } else if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', warning.settingsQuery);
  } else if (choice === 'Show Log') {
    await vscode.commands.executeCommand(COMMANDS.showLog);
  }
}

async function showStatusMenu(ctx: CommandContext): Promise<void> {
  const running = isListening(ctx.receiver.state);
  type Item = vscode.QuickPickItem & { command: string };
  const items: Item[] = [
    running
      ? { label: '$(debug-stop) Stop Receiver', command: COMMANDS.stopReceiver }
      : { label: '$(play) Start Receiver', command: COMMANDS.startReceiver },
    { label: '$(copy) Copy OTLP Endpoint', description: ctx.receiver.endpoint(), command: COMMANDS.copyEndpoint },
    { label: '$(terminal) Copy Environment Variables for an App', command: COMMANDS.copyEnvironment },
    { label: '$(clear-all) Clear All Traces', description: `${ctx.repository.stats.traceCount} traces`, command: COMMANDS.clearTraces },
    { label: '$(list-tree) Open Traces View', command: `${VIEWS.traces}.focus` },
    ctx.repository.paused
      ? { label: '$(debug-continue) Resume Live Updates', command: COMMANDS.resumeLiveUpdates }
      : { label: '$(debug-pause) Pause Live Updates', command: COMMANDS.pauseLiveUpdates },
    { label: '$(output) Show Log', command: COMMANDS.showLog },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Trace Lens Receiver' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}
