/**
 * The Traces view's title description and message (pure, no `vscode` import): how many traces
 * are stored, or with a filter "12 of 3,410 traces · filter: error model:gpt-4o", whether the
 * filter is invalid or the full-text index is catching up, paused live updates, evictions.
 */
import type { StoreStats } from '../../model/trace';
import { formatInteger } from '../../model/format';

/** What the last load of a filtered tree found (`TracesTreeProvider.filterStatus`). */
export type FilterStatus =
  | {
      query: string;
      ok: true;
      /** Traces matching the filter in the whole store. */
      total: number;
      /** Of those, the ones listed in the tree (the newest, capped). */
      listed: number;
      /** Spans not yet in the full-text index: text terms may miss them. */
      pendingSpans: number;
    }
  | {
      query: string;
      ok: false;
      /** The back end's message (a parse error names the problem and the offset). */
      error: string;
    };

/** Everything the view's texts depend on. */
export interface TracesViewState {
  stats: Pick<StoreStats, 'traceCount' | 'evictedTraceCount'>;
  paused: boolean;
  /** The active filter query (`undefined`: no filter). */
  filter: string | undefined;
  /** The last filtered load; ignored unless it is for `filter`. */
  status: FilterStatus | undefined;
}

/** `1 trace`, `3,410 traces` (en-US digit grouping). */
export function traceCount(n: number): string {
  return `${formatInteger(n)} ${n === 1 ? 'trace' : 'traces'}`;
}

/**
 * The view's title `description` and `message` (`undefined`: none). Without a filter: `N traces`,
 * and a message only for paused updates and evictions. With one: `M of N traces` and the message
 * `M of N traces · filter: QUERY` after the indexing note and the others (the query ends the
 * line); an invalid filter says so. When nothing matches and there is nothing else to say, the message is left out so the
 * view's welcome content ("No trace matches the filter", Edit/Clear links) shows instead — VS
 * Code hides welcome content while a message is set.
 */
export function tracesViewText(state: TracesViewState): { description: string | undefined; message: string | undefined } {
  const { stats, filter } = state;
  const others: string[] = [];
  if (state.paused) others.push('Live updates paused.');
  if (stats.evictedTraceCount > 0) {
    others.push(`${formatInteger(stats.evictedTraceCount)} oldest traces evicted to stay under the store limits (traceLens.store.*).`);
  }
  if (filter === undefined) {
    return {
      description: stats.traceCount > 0 ? traceCount(stats.traceCount) : undefined,
      message: others.length > 0 ? others.join(' ') : undefined,
    };
  }
  const status = state.status?.query === filter ? state.status : undefined;
  const first: string[] = [];
  let description: string;
  if (!status) {
    description = 'filtered';
    first.push(`Filter: ${filter}`);
  } else if (!status.ok) {
    description = 'filter not valid';
    first.push(`The filter "${filter}" is not valid: ${status.error}. Edit or clear it (view title).`);
  } else {
    // The store count can trail a live filter answer by one refresh: never show "13 of 12".
    const of = `${formatInteger(status.total)} of ${traceCount(Math.max(stats.traceCount, status.total))}`;
    description = of;
    if (status.pendingSpans > 0) {
      others.unshift(`Indexing: results may be incomplete (${formatInteger(status.pendingSpans)} ${status.pendingSpans === 1 ? 'span' : 'spans'} pending).`);
    }
    if (status.total > 0 || others.length > 0) first.push(`${of} · filter: ${filter}`);
  }
  // The filter line last: it ends with the query, which has no end mark of its own.
  const parts = [...others, ...first];
  return { description, message: parts.length > 0 ? parts.join(' ') : undefined };
}
