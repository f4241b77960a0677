/** What the files feature needs from the rest of the extension. */
import type * as vscode from 'vscode';
import type { BackendRequests } from '../../core/backend/protocol';

/** Sends one back end request (the `BackendClient`). */
export interface FilesWorker {
  request<M extends keyof BackendRequests & string>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']>;
}

export interface FilesDeps {
  worker: FilesWorker;
  log: vscode.LogOutputChannel;
  globalState: vscode.Memento;
  /** Opens a stored trace in its panel. */
  openTrace(traceId: string): void;
  /** The Traces view's filter query, when one is set: "Export All Traces…" then exports the traces it lists. */
  filterQuery?(): string | undefined;
}
