/**
 * Traces as files, in the back end (src/core/files): `exportOtlp` writes stored traces as OTLP/JSON
 * lines (the "Send Trace to…" re-encoding path), `importOtlp` reads one part of an OTLP file
 * (JSON Lines, one JSON document, or protobuf) into the store, `traceSources` tells which
 * stored traces were opened from which file.
 */
import { exportStoredTraces } from '../../files/otlpFileWriter';
import { importOtlpPart, type TraceSources } from '../../files/storeImport';
import type { DecodeOptions } from '../../otlp/shared';
import type { BackendContext, HandlerGroup } from './context';

/** Handlers of `exportOtlp`, `importOtlp` and `traceSources`. `decodeOptions`: the store's current decode limits. */
export function fileHandlers(
  ctx: BackendContext,
  sources: TraceSources,
  decodeOptions: () => DecodeOptions,
): HandlerGroup<'exportOtlp' | 'importOtlp' | 'traceSources'> {
  const { store, feed } = ctx;
  return {
    exportOtlp: (params) =>
      exportStoredTraces(params, {
        traceSkeleton: (traceId) => store.traceSkeleton(traceId),
        spanDetail: (traceId, spanId) => store.spanDetail(traceId, spanId),
      }),
    importOtlp: (params) =>
      importOtlpPart(
        params,
        {
          ingestSpans: (spans) => store.ingestSpans(spans),
          ingestLogs: (logs) => store.ingestLogs(logs),
          addIngestCounts: (counts) => {
            store.addIngestCounts(counts);
            if (counts.rejectedCount || counts.metricPointCount) feed.countersChanged();
          },
          afterWrite: async (stored) => {
            feed.changedTraces(stored.changedTraceIds);
            feed.removedTraces(stored.removedTraceIds);
            if (stored.retentionPending) feed.removedTraces((await store.applyRetention()).removedTraceIds);
            if (stored.rejected > 0) feed.countersChanged();
          },
        },
        decodeOptions(),
        sources,
      ),
    traceSources: ({ traceIds }) => sources.of(Array.isArray(traceIds) ? traceIds : []),
  };
}
