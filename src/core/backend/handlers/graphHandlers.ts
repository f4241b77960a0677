/**
 * Agent graph requests of the back end (the trace webview's Graph tab): a trace's or a session's
 * agents, tools and models with their calls (src/core/graph).
 */
import { sessionGraph, traceGraph } from '../../graph/graphQueries';
import type { BackendContext, HandlerGroup } from './context';

/** Handlers of `traceGraph` and `sessionGraph`. */
export function graphHandlers(ctx: BackendContext): HandlerGroup<'traceGraph' | 'sessionGraph'> {
  return {
    traceGraph: ({ traceId }) => (typeof traceId === 'string' ? traceGraph(ctx.store, ctx.usage, traceId) : null),
    sessionGraph: ({ sessionId, focusTraceId }) => sessionGraph(ctx.store, ctx.usage, sessionId, focusTraceId),
  };
}
