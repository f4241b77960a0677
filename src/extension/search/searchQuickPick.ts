/**
 * **Search Traces…**: a quick pick that searches every stored trace as you type (the back end's
 * `searchTraces`, debounced, one request at a time, stale answers dropped, `busy` while waiting)
 * and lists the matching traces (`searchItems.ts`). Enter opens the trace with its first matching
 * span selected; the title button (or the closing item of a cut list) shows the query as the
 * Traces view's filter. While the full-text index catches up the list says so and searches again
 * every `INDEX_RECHECK_MS`.
 */
import * as vscode from 'vscode';
import type { TraceSearchResult } from '../../model/search';
import type { SpanId, TraceId } from '../../model/trace';
import { errorMessage } from '../../protocol/channel';
import { LatestQueryRunner, type LatestQueryOutcome } from './latestQuery';
import { exampleItems, queryErrorItem, resultItems, searchFailedItem, type SearchPickAction, type SearchPickItem } from './searchItems';

/** Quiet time after a keystroke before the query is sent (ms). */
export const SEARCH_DEBOUNCE_MS = 150;
/** Most hits listed (newest first); more are reachable through the Traces view's filter. */
export const SEARCH_LIMIT = 50;
/** While the full-text index lags, the same query runs again after this long (ms). */
export const INDEX_RECHECK_MS = 1_000;

/** What the quick pick needs from the rest of the extension. */
export interface SearchDeps {
  /** The back end's `searchTraces` (this window's store or the owner window's). */
  search(query: string, limit: number): Promise<TraceSearchResult>;
  /** Opens a trace panel, with `spanId` selected when given. */
  openTrace(traceId: TraceId, spanId?: SpanId): unknown;
  /** Makes `query` the Traces view's filter and shows the view. */
  applyFilter(query: string): unknown;
}

type PickItem = vscode.QuickPickItem & { action: SearchPickAction };

/** Shows the quick pick, starting with `initialQuery` (the syntax examples when empty). Disposes itself when hidden. */
export function showSearchQuickPick(deps: SearchDeps, initialQuery = ''): void {
  const pick = vscode.window.createQuickPick<PickItem>();
  pick.title = 'Search Traces';
  pick.placeholder = 'Words, "a phrase", -word, error, model:gpt-4o, tool:NAME, cost>0.01, last:1h…';
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  const filterButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('filter'), tooltip: 'Filter the Traces View with This Query' };
  pick.buttons = [filterButton];

  let recheck: ReturnType<typeof setTimeout> | undefined;
  /** The query whose answer is listed, when the back end accepted it. */
  let listedOk: string | undefined;
  const current = () => pick.value.trim();

  const setItems = (items: SearchPickItem[]) => {
    const previous = pick.activeItems[0]?.action;
    const next: PickItem[] = items.map((i) => ({ ...i }));
    pick.items = next;
    // Keep the trace the user had moved to when the same list refreshes; else the first trace.
    const same = previous?.kind === 'open' ? next.find((i) => i.action.kind === 'open' && i.action.traceId === previous.traceId) : undefined;
    const target = same ?? next.find((i) => i.action.kind === 'open');
    if (target) pick.activeItems = [target];
  };

  const show = (outcome: LatestQueryOutcome<TraceSearchResult>) => {
    clearTimeout(recheck);
    if (outcome.query !== current()) return;
    listedOk = undefined;
    if ('error' in outcome) return setItems([searchFailedItem(errorMessage(outcome.error))]);
    const result = outcome.result;
    if (!result.ok) return setItems([queryErrorItem(outcome.query, result.error, result.offset)]);
    listedOk = outcome.query;
    setItems(resultItems(outcome.query, result, Date.now()));
    if (result.index.pendingSpans > 0) recheck = setTimeout(() => runner.request(outcome.query, 0), INDEX_RECHECK_MS);
  };

  const runner = new LatestQueryRunner<TraceSearchResult>({
    run: (query) => deps.search(query, SEARCH_LIMIT),
    deliver: show,
    onBusy: (busy) => (pick.busy = busy),
    debounceMs: SEARCH_DEBOUNCE_MS,
  });

  const onValue = () => {
    clearTimeout(recheck);
    const query = current();
    if (!query) {
      runner.cancel();
      listedOk = undefined;
      setItems(exampleItems());
      return;
    }
    runner.request(query);
  };

  const applyFilter = () => {
    const query = current();
    // Only a query the back end accepted: an invalid one would leave the view empty and wrong.
    if (!query || listedOk !== query) return;
    pick.hide();
    void deps.applyFilter(query);
  };

  const disposables: vscode.Disposable[] = [
    pick.onDidChangeValue(onValue),
    pick.onDidAccept(() => {
      const action = pick.activeItems[0]?.action;
      switch (action?.kind) {
        case 'open':
          pick.hide();
          void deps.openTrace(action.traceId, action.spanId);
          return;
        case 'insert':
          pick.value = `${action.query} `;
          onValue();
          return;
        case 'filter':
          applyFilter();
          return;
        case 'rerun':
          if (current()) runner.request(current(), 0);
          return;
        case 'none':
        case undefined:
          return;
      }
    }),
    pick.onDidTriggerButton((button) => {
      if (button === filterButton) applyFilter();
    }),
    pick.onDidHide(() => {
      clearTimeout(recheck);
      runner.dispose();
      for (const d of disposables) d.dispose();
      pick.dispose();
    }),
  ];

  pick.value = initialQuery;
  onValue();
  pick.show();
}
