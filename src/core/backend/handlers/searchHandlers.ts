/**
 * Search requests of the back end: full-text search (Search Traces…), the Traces view's filter and
 * Find in a trace, in the query language of src/core/search (parse → plan → store and usage cache).
 * A query that does not parse is an answer (`ok: false` with the message and offset), never an
 * error reply.
 */
import type { SearchEngine } from '../../search/searchEngine';
import type { HandlerGroup } from './context';

/** Handlers of `searchTraces`, `filterTraces` and `findInTrace`, answered by `engine`. */
export function searchHandlers(engine: SearchEngine): HandlerGroup<'searchTraces' | 'filterTraces' | 'findInTrace'> {
  return {
    searchTraces: ({ query, limit }) => engine.search(query, limit),
    filterTraces: ({ query, limit, offset, sessionId }) => engine.filter(query, limit, offset, sessionId),
    findInTrace: ({ traceId, query }) => engine.find(traceId, query),
  };
}
