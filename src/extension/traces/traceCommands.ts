/**
 * Traces commands: open (by id, from the tree), delete, copy the id, clear, refresh, pause and
 * resume live updates, group by session.
 */
import * as vscode from 'vscode';
import type { SpanId, TraceId } from '../../model/trace';
import { TRACE_COMMANDS, type CommandHandlers } from '../ids';
import type { TracePanels } from './tracePanel';
import type { TraceRepository } from './traceRepository';
import type { TracesTreeProvider } from './tracesTree';
import type { TraceTreeNode } from './traceTreeItems';

/** What the trace commands act on. */
export interface TraceCommandContext {
  repository: TraceRepository;
  tree: TracesTreeProvider;
  panels: TracePanels;
}

/** Registers `TRACE_COMMANDS`; returns their disposables. */
export function registerTraceCommands(ctx: TraceCommandContext): vscode.Disposable[] {
  const { repository, panels } = ctx;
  const handlers: CommandHandlers<typeof TRACE_COMMANDS> = {
    [TRACE_COMMANDS.clearTraces]: async () => {
      const count = repository.stats.traceCount;
      await repository.query('clear', {});
      repository.refresh();
      vscode.window.setStatusBarMessage(`$(clear-all) Trace Lens: cleared ${count} ${count === 1 ? 'trace' : 'traces'}`, 3000);
    },
    [TRACE_COMMANDS.openTraceById]: () => openTraceById(repository, panels),
    // The Traces view's rows pass `{ preview: true }` (a single click reuses the preview panel).
    [TRACE_COMMANDS.openTrace]: (arg?: unknown, spanId?: unknown, options?: unknown) => {
      const target = toTraceTarget(arg, spanId);
      return target ? panels.open(target.traceId, target.spanId, { preview: isPreviewOpen(options) }) : openTraceById(repository, panels);
    },
    [TRACE_COMMANDS.keepTraceOpen]: () => panels.keepActiveOpen(),
    [TRACE_COMMANDS.deleteTrace]: async (arg?: unknown) => {
      const target = toTraceTarget(arg);
      if (!target) return;
      await repository.query('deleteTrace', { traceId: target.traceId });
    },
    [TRACE_COMMANDS.copyTraceId]: async (arg?: unknown) => {
      const target = toTraceTarget(arg);
      if (!target) return;
      await vscode.env.clipboard.writeText(target.traceId);
      vscode.window.setStatusBarMessage(`$(copy) Copied trace ID ${target.traceId}`, 2000);
    },
    [TRACE_COMMANDS.pauseLiveUpdates]: () => repository.setPaused(true),
    [TRACE_COMMANDS.resumeLiveUpdates]: () => repository.setPaused(false),
    [TRACE_COMMANDS.refresh]: () => repository.refresh(),
    [TRACE_COMMANDS.groupBySession]: () => ctx.tree.setGroupBySession(true),
    [TRACE_COMMANDS.ungroupTraces]: () => ctx.tree.setGroupBySession(false),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}

/** `{ preview: true }` from a Traces view row's command. */
function isPreviewOpen(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { preview?: unknown }).preview === true;
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
