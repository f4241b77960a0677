/**
 * Receiver commands: start, stop, copy the endpoint or the environment variables an app needs,
 * the status bar menu, the log, and the "port busy" offer of a free port.
 */
import * as vscode from 'vscode';
import { RECEIVER_COMMANDS, SETTINGS, TRACE_COMMANDS, VIEWS, type CommandHandlers } from '../ids';
import { busyEndpoints, isListening, portBusyWarning, type BusyEndpoint, type ReceiverController } from './receiverController';
import { findFreePort } from '../../core/receiver/otlpHttpReceiver';
import { readSettings, writeSetting } from '../settings';
import type { TraceRepository } from '../traces/traceRepository';

/** What the receiver commands act on. */
export interface ReceiverCommandContext {
  receiver: ReceiverController;
  repository: TraceRepository;
  log: vscode.LogOutputChannel;
}

/** Registers `RECEIVER_COMMANDS`; returns their disposables. */
export function registerReceiverCommands(ctx: ReceiverCommandContext): vscode.Disposable[] {
  const { receiver, log } = ctx;
  const handlers: CommandHandlers<typeof RECEIVER_COMMANDS> = {
    [RECEIVER_COMMANDS.startReceiver]: async () => {
      const state = await receiver.start();
      if (state.http.kind === 'error') void vscode.window.showErrorMessage(`Trace Lens: the receiver could not start: ${state.http.message}`);
      if (state.grpc.kind === 'error') void vscode.window.showErrorMessage(`Trace Lens: the OTLP/gRPC receiver could not start: ${state.grpc.message}`);
      await offerPortFix(busyEndpoints(state));
    },
    [RECEIVER_COMMANDS.stopReceiver]: () => receiver.stop(),
    [RECEIVER_COMMANDS.copyEndpoint]: async () => {
      await vscode.env.clipboard.writeText(receiver.endpoint());
      void vscode.window.showInformationMessage(`Copied OTLP endpoint ${receiver.endpoint()}`);
    },
    [RECEIVER_COMMANDS.copyEnvironment]: () => copyEnvironment(receiver.endpoint(), receiver.grpcEndpoint()),
    [RECEIVER_COMMANDS.showStatusMenu]: () => showStatusMenu(ctx),
    [RECEIVER_COMMANDS.showLog]: () => log.show(),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
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
    await writeSetting(setting, free, 'workspace');
    const variable = first.protocol === 'OTLP/gRPC'
      ? `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${free} OTEL_EXPORTER_OTLP_PROTOCOL=grpc`
      : `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${free}`;
    const copy = await vscode.window.showInformationMessage(`Trace Lens now receives ${first.protocol} on port ${free}. Point your app there: ${variable}`, 'Copy');
    if (copy) await vscode.env.clipboard.writeText(variable);
  } else if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', warning.settingsQuery);
  } else if (choice === 'Show Log') {
    await vscode.commands.executeCommand(RECEIVER_COMMANDS.showLog);
  }
}

async function showStatusMenu(ctx: ReceiverCommandContext): Promise<void> {
  const running = isListening(ctx.receiver.state);
  type Item = vscode.QuickPickItem & { command: string };
  const items: Item[] = [
    running
      ? { label: '$(debug-stop) Stop Receiver', command: RECEIVER_COMMANDS.stopReceiver }
      : { label: '$(play) Start Receiver', command: RECEIVER_COMMANDS.startReceiver },
    { label: '$(copy) Copy OTLP Endpoint', description: ctx.receiver.endpoint(), command: RECEIVER_COMMANDS.copyEndpoint },
    { label: '$(terminal) Copy Environment Variables for an App', command: RECEIVER_COMMANDS.copyEnvironment },
    { label: '$(clear-all) Clear All Traces', description: `${ctx.repository.stats.traceCount} traces`, command: TRACE_COMMANDS.clearTraces },
    { label: '$(list-tree) Open Traces View', command: `${VIEWS.traces}.focus` },
    ctx.repository.paused
      ? { label: '$(debug-continue) Resume Live Updates', command: TRACE_COMMANDS.resumeLiveUpdates }
      : { label: '$(debug-pause) Pause Live Updates', command: TRACE_COMMANDS.pauseLiveUpdates },
    { label: '$(output) Show Log', command: RECEIVER_COMMANDS.showLog },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Trace Lens Receiver' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}
