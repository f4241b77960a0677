/**
 * The Traces view's filter: one query of the search language (README "Search and filter"), kept
 * per workspace in `workspaceState` so it survives reloads, mirrored in the `traceLens.filterActive`
 * context key (the view title's "Clear Filter" and the welcome text depend on it). The Traces tree
 * and the Usage view follow it through `onDidChange`.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS } from '../ids';

/** `workspaceState` key of the filter query (a string; absent when no filter is set). */
export const FILTER_STATE_KEY = 'traceLens.traces.filter';

/** Longest filter kept (characters); a longer one is refused by `set` (a query, not a document). */
export const MAX_FILTER_CHARS = 1_000;

/** A query trimmed, or `undefined` for an empty (or non-string) one. */
export function normalizeFilter(query: unknown): string | undefined {
  if (typeof query !== 'string') return undefined;
  const trimmed = query.trim();
  return trimmed && trimmed.length <= MAX_FILTER_CHARS ? trimmed : undefined;
}

/** The active filter of the Traces view (`undefined`: every trace is shown). */
export class TraceFilter implements vscode.Disposable {
  private value: string | undefined;
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  /** Fires with the new query (`undefined` when cleared) after `set` changed it. */
  readonly onDidChange = this.emitter.event;

  /** @param state the workspace's `workspaceState`, where the query is restored from and saved to. */
  constructor(private readonly state: vscode.Memento) {
    this.value = normalizeFilter(state.get<unknown>(FILTER_STATE_KEY));
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.filterActive, this.value !== undefined);
  }

  /** The query, trimmed; `undefined` when no filter is set. */
  get query(): string | undefined {
    return this.value;
  }

  /**
   * Sets the filter (`undefined` or blank clears it), saves it for the workspace and updates the
   * context key. Fires `onDidChange` only when the query changed.
   */
  async set(query: string | undefined): Promise<void> {
    const next = normalizeFilter(query);
    const changed = next !== this.value;
    this.value = next;
    if (changed) this.emitter.fire(next);
    await Promise.all([
      this.state.update(FILTER_STATE_KEY, next),
      vscode.commands.executeCommand('setContext', CONTEXT_KEYS.filterActive, next !== undefined),
    ]);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
