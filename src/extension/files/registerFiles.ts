/**
 * Traces as files (src/core/files): Export Trace / Session / All Traces as OTLP JSON Lines…, Copy
 * Trace as OTLP JSON, Open OTLP File…, Open in Trace Lens (Explorer), drop onto the Traces view,
 * Watch OTLP File… / Stop Watching. Reading and writing stream on this thread; decoding, storing
 * and encoding run in the back end (`importOtlp`, `exportOtlp`).
 */
import * as vscode from 'vscode';
import { sessionIdOf, traceIdOf } from '../forwarding/forwardingModel';
import { FILE_COMMANDS, type CommandHandlers } from '../ids';
import { copyTraceAsOtlpJson, exportTraces, traceIdsOf } from './fileExport';
import { FileWatches, TracesDropController, openOtlpFile } from './fileOpen';
import type { FilesDeps } from './filesDeps';

export type { FilesDeps } from './filesDeps';

/** The drop controller for the Traces view (passed to its `createTreeView`). */
export function tracesDropController(deps: FilesDeps): vscode.TreeDragAndDropController<unknown> {
  return new TracesDropController(deps);
}

/** Registers `FILE_COMMANDS`. */
export function registerFiles(deps: FilesDeps): vscode.Disposable[] {
  const watches = new FileWatches(deps);
  const pickTrace = async (): Promise<string | undefined> => {
    const traces = await deps.worker.request('listTraces', { limit: 100, offset: 0 });
    if (traces.length === 0) return undefined;
    const pick = await vscode.window.showQuickPick(
      traces.map((t) => ({ label: t.rootName, description: `${t.serviceName} · ${t.spanCount} spans`, detail: t.traceId, traceId: t.traceId })),
      { title: 'Trace', matchOnDetail: true },
    );
    return pick?.traceId;
  };
  const handlers: CommandHandlers<typeof FILE_COMMANDS> = {
    [FILE_COMMANDS.exportTraceAsOtlp]: async (arg?: unknown, selected?: unknown) => {
      // Several trace rows selected (the Traces view allows multi-select): all of them.
      const many = Array.isArray(selected) ? selected.map(traceIdOf).filter((id): id is string => id !== undefined) : [];
      if (many.length > 1) return exportTraces(deps, [...new Set(many)], `traces-${many.length}`);
      const traceId = traceIdOf(arg);
      const sessionId = traceId ? undefined : sessionIdOf(arg);
      if (sessionId) return exportTraces(deps, await traceIdsOf(deps, sessionId), `session-${sessionId.slice(0, 24).replace(/[^\w.-]/g, '_')}`);
      const id = traceId ?? (await pickTrace());
      if (id) return exportTraces(deps, [id], `trace-${id}`);
      return undefined;
    },
    [FILE_COMMANDS.exportAllTraces]: async () => {
      // With a filter set, "all" means the traces the view lists.
      const query = deps.filterQuery?.();
      if (query) return exportTraces(deps, await filteredTraceIds(deps, query), 'filtered-traces');
      return exportTraces(deps, await traceIdsOf(deps), 'traces');
    },
    [FILE_COMMANDS.copyTraceAsOtlpJson]: async (arg?: unknown) => {
      const id = traceIdOf(arg) ?? (await pickTrace());
      if (id) await copyTraceAsOtlpJson(deps, id);
    },
    [FILE_COMMANDS.openOtlpFile]: (arg?: unknown) => openOtlpFile(deps, arg instanceof vscode.Uri ? arg : undefined),
    [FILE_COMMANDS.openInTraceLens]: (arg?: unknown) => openOtlpFile(deps, arg instanceof vscode.Uri ? arg : undefined),
    [FILE_COMMANDS.watchOtlpFile]: (arg?: unknown) => watches.watch(arg instanceof vscode.Uri ? arg : undefined),
    [FILE_COMMANDS.stopWatchingOtlpFile]: () => watches.stop(),
  };
  return [
    watches,
    ...Object.entries(handlers).map(([id, handler]) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          deps.log.error(`${id}: ${(error as Error).message}`);
          void vscode.window.showErrorMessage(`Trace Lens: ${(error as Error).message}`);
          return undefined;
        }
      }),
    ),
  ];
}

/** Every trace the Traces view's filter lists (paged through `filterTraces`). */
async function filteredTraceIds(deps: FilesDeps, query: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await deps.worker.request('filterTraces', { query, limit: 1000, offset });
    if (!page.ok) throw new Error(`the filter "${query}" does not parse: ${page.error}`);
    ids.push(...page.traces.map((t) => t.traceId));
    if (page.traces.length < 1000 || ids.length >= page.total) return ids;
  }
}
