/**
 * Search requests of the back end: full-text search, the Traces view's filter, Find in a trace
 * (src/core/search). Placeholder until the search index lands: every query answers "not yet".
 */
import type { BackendContext, HandlerGroup } from './context';

const NOT_YET = { ok: false as const, error: 'search is not available yet', offset: 0 };

/** Handlers of `searchTraces`, `filterTraces` and `findInTrace`. */
export function searchHandlers(_ctx: BackendContext): HandlerGroup<'searchTraces' | 'filterTraces' | 'findInTrace'> {
  return {
    searchTraces: () => NOT_YET,
    filterTraces: () => NOT_YET,
    findInTrace: () => NOT_YET,
  };
}
