/**
 * Search feature, wired in one call from the composition root: **Search Traces…** (a quick pick
 * over every stored trace, `searchQuickPick.ts`), **Filter Traces…** (an input box that edits
 * the Traces view's filter, validated by the back end as you type, with the number of matching
 * traces) and **Clear Filter**. The query language is the back end's (README "Search and filter").
 */
import * as vscode from 'vscode';
import type { SpanId, TraceId } from '../../model/trace';
import { SEARCH_COMMANDS, VIEWS, type CommandHandlers } from '../ids';
import type { TraceFilter } from '../traces/traceFilter';
import type { TraceRepository } from '../traces/traceRepository';
import { traceCount } from '../traces/viewText';
import { showSearchQuickPick } from './searchQuickPick';
import { formatInteger } from '../../model/format';

/** What the search commands act on. */
export interface SearchFeatureDeps {
  repository: TraceRepository;
  filter: TraceFilter;
  /** Opens a trace panel, with `spanId` selected when given. */
  openTrace(traceId: TraceId, spanId?: SpanId): unknown;
}

/** Example filter shown in the empty input box. */
const FILTER_PLACEHOLDER = 'error model:gpt-4o-mini service:checkout cost>0.01 duration>2s last:1h "timeout"';

/** Registers `SEARCH_COMMANDS`; returns their disposables. */
export function registerSearch(deps: SearchFeatureDeps): vscode.Disposable[] {
  const { repository, filter } = deps;
  const applyFilter = async (query: string | undefined) => {
    await filter.set(query);
    if (filter.query !== undefined) await vscode.commands.executeCommand(`${VIEWS.traces}.focus`);
  };
  const handlers: CommandHandlers<typeof SEARCH_COMMANDS> = {
    [SEARCH_COMMANDS.searchTraces]: (query?: unknown) =>
      showSearchQuickPick(
        {
          search: (q, limit) => repository.query('searchTraces', { query: q, limit }),
          openTrace: deps.openTrace,
          applyFilter,
        },
        typeof query === 'string' ? query : '',
      ),
    [SEARCH_COMMANDS.filterTraces]: async (query?: unknown) => {
      // A query passed by a caller (a keybinding's args) is applied as is, like the input box's answer.
      const value = typeof query === 'string' ? query : await askFilter(repository, filter.query);
      if (value !== undefined) await applyFilter(value);
    },
    [SEARCH_COMMANDS.clearFilter]: () => filter.set(undefined),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}

/**
 * The Filter Traces input box, starting with `current`. As the user types, the back end parses
 * the query and counts the matches: an invalid query shows its message (Enter is refused), a
 * valid one "N of M traces match". Empty means "no filter". Resolves `undefined` when dismissed.
 */
async function askFilter(repository: TraceRepository, current: string | undefined): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Filter Traces',
    prompt: 'Show only the traces that match. Empty shows every trace.',
    value: current ?? '',
    placeHolder: FILTER_PLACEHOLDER,
    ignoreFocusOut: false,
    validateInput: async (value): Promise<vscode.InputBoxValidationMessage | undefined> => {
      const query = value.trim();
      if (!query) return { message: 'No filter: every trace is shown.', severity: vscode.InputBoxValidationSeverity.Info };
      let answer;
      try {
        answer = await repository.query('filterTraces', { query, limit: 1, offset: 0 });
      } catch {
        // The back end is busy or restarting: let the user apply it; the view says what it found.
        return undefined;
      }
      if (!answer.ok) return { message: `${answer.error} (at character ${answer.offset + 1})`, severity: vscode.InputBoxValidationSeverity.Error };
      const stored = Math.max(repository.stats.traceCount, answer.total);
      const pending = answer.index.pendingSpans > 0 ? ` (indexing: ${formatInteger(answer.index.pendingSpans)} spans pending, more may match)` : '';
      return { message: `${formatInteger(answer.total)} of ${traceCount(stored)} match${pending}`, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
}
