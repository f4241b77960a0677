/** Forwarding requests of the back end: configuration, counters, "Send Trace to…" (src/core/forwarding). */
import type { BackendContext, HandlerGroup } from './context';

/**
 * Handlers of `configureForwarding`, `forwardingStatus` and `forwardTraces`. `listTraces` is the
 * store's own handler, used to find a session's traces.
 */
export function forwardingHandlers(
  ctx: BackendContext,
  listTraces: HandlerGroup<'listTraces'>['listTraces'],
): HandlerGroup<'configureForwarding' | 'forwardingStatus' | 'forwardTraces'> {
  const { store, forwarder } = ctx;
  return {
    configureForwarding: (config) => {
      forwarder.configure(config);
      return null;
    },
    forwardingStatus: () => forwarder.status(),
    forwardTraces: (params) =>
      forwarder.sendStored(params, {
        traceSkeleton: (traceId) => store.traceSkeleton(traceId),
        spanDetail: (traceId, spanId) => store.spanDetail(traceId, spanId),
        traceIdsOfSession: async (sessionId) =>
          (await listTraces({ limit: 10_000, offset: 0, sessionId })).filter((t) => t.sessionId === sessionId).map((t) => t.traceId),
      }),
  };
}
