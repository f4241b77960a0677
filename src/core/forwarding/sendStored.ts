/**
 * "Send Trace to…" / "Send Session to…": stored traces (spans and their correlated log records)
 * read back from the store, turned into plain requests (`storedTrace.ts`), rewritten for each
 * target as a whole, split into requests of at most `STORED_ITEMS_PER_REQUEST` items and sent
 * at once through each target's `sendNow` (outside its queue, with a few retries).
 */
import type { OtlpSignal } from '../otlp/types';
import type { SpanRecord, LogRecordInfo, TraceSkeleton, SpanDetail } from '../../model/trace';
import { TOP_LEVEL_KEY, type PlainRequest } from './plainRequest';
import { applyRewrites } from './otlpTransform';
import { TraceIdMemory } from './backendRewrites';
import { logsToRequest, spansToRequest } from './storedTrace';
import type { TargetSender } from './targetSender';
import type { ForwardTracesParams, ForwardTracesResult } from './types';

/** Spans (or log records) per request when sending stored traces. */
const STORED_ITEMS_PER_REQUEST = 1000;

/** What the forwarder needs from the store for "Send Trace to…". */
export interface StoredTraceReader {
  traceSkeleton(traceId: string): TraceSkeleton | null;
  spanDetail(traceId: string, spanId: string): SpanDetail | null;
  /** Trace ids of a session, any order. */
  traceIdsOfSession(sessionId: string): string[] | Promise<string[]>;
}

/**
 * Sends stored traces (spans and their correlated log records) to the named targets, now.
 * `senderOf` finds a target's sender by name when the traces have been read (the configuration
 * may have changed meanwhile); `Forwarder.sendStored` passes its current senders.
 */
export async function sendStoredTraces(
  params: ForwardTracesParams,
  reader: StoredTraceReader,
  senderOf: (name: string) => TargetSender | undefined,
): Promise<ForwardTracesResult> {
  const traceIds = params.traceIds && params.traceIds.length > 0 ? params.traceIds : params.sessionId ? await reader.traceIdsOfSession(params.sessionId) : [];
  const { spans, logs, traceCount } = await readStoredTraces(traceIds, reader);
  const spanRequest = spansToRequest(spans);
  const logRequest = logsToRequest(logs);
  const results = await Promise.all(
    params.targets.map(async (name) => {
      const sender = senderOf(name);
      if (!sender) return { target: name, ok: false, spans: 0, logs: 0, message: 'no such target (or it is not configured correctly)' };
      if (traceCount === 0) return { target: name, ok: false, spans: 0, logs: 0, message: 'no stored traces to send' };
      let sentSpans = 0;
      let sentLogs = 0;
      const problems: string[] = [];
      const parts: [OtlpSignal, PlainRequest, number][] = [];
      if (sender.definition.urls.traces && spans.length > 0) parts.push(['traces', spanRequest, spans.length]);
      if (sender.definition.urls.logs && logs.length > 0) parts.push(['logs', logRequest, logs.length]);
      if (parts.length === 0) return { target: name, ok: false, spans: 0, logs: 0, message: `${name} accepts neither traces nor logs` };
      for (const [signal, request] of parts) {
        // Rewrites (e.g. Langfuse ids) need the whole trace: apply to the whole request, then split.
        const prepared = structuredClone(request);
        applyRewrites(signal, prepared, sender.definition.rewrites, new TraceIdMemory());
        for (const chunk of chunkRequest(signal, prepared, STORED_ITEMS_PER_REQUEST)) {
          const result = await sender.sendNow(signal, chunk.request, chunk.count, { skipRewrites: true });
          if (result.ok) {
            if (signal === 'traces') sentSpans += chunk.count;
            else sentLogs += chunk.count;
          } else {
            problems.push(result.message);
            break;
          }
        }
      }
      const ok = problems.length === 0;
      return { target: name, ok, spans: sentSpans, logs: sentLogs, message: ok ? 'sent' : problems.join('; ') };
    }),
  );
  return { traceCount, results };
}

/**
 * The stored spans of `traceIds` (in skeleton order) and their correlated log records, read span
 * by span; yields to the event loop every 200 spans. Traces not stored are skipped (not counted).
 * Also used to write traces as OTLP files (src/core/files/otlpFileWriter.ts).
 */
export async function readStoredTraces(
  traceIds: readonly string[],
  reader: Pick<StoredTraceReader, 'traceSkeleton' | 'spanDetail'>,
): Promise<{ spans: SpanRecord[]; logs: LogRecordInfo[]; traceCount: number }> {
  const spans: SpanRecord[] = [];
  const logs: LogRecordInfo[] = [];
  let traceCount = 0;
  for (const traceId of traceIds) {
    const skeleton = reader.traceSkeleton(traceId);
    if (!skeleton) continue;
    traceCount++;
    for (let i = 0; i < skeleton.spans.length; i++) {
      const detail = reader.spanDetail(traceId, skeleton.spans[i].spanId);
      if (detail) {
        spans.push(detail.span);
        for (const log of detail.logs) logs.push(log);
      }
      // Stay responsive to ingestion and UI queries while reading a large trace.
      if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { spans, logs, traceCount };
}

/** Splits a plain request into requests of at most `maxItems` spans / log records / metrics. */
export function chunkRequest(signal: OtlpSignal, request: PlainRequest, maxItems: number): { request: PlainRequest; count: number }[] {
  const topKey = TOP_LEVEL_KEY[signal];
  const scopeKey = signal === 'traces' ? 'scopeSpans' : signal === 'logs' ? 'scopeLogs' : 'scopeMetrics';
  const itemKey = signal === 'traces' ? 'spans' : signal === 'logs' ? 'logRecords' : 'metrics';
  type Obj = Record<string, unknown>;
  const chunks: { request: PlainRequest; count: number }[] = [];
  let current: Obj[] = [];
  let count = 0;
  const flush = () => {
    if (count > 0) chunks.push({ request: { [topKey]: current }, count });
    current = [];
    count = 0;
  };
  let lastSource: Obj | undefined;
  for (const resource of (request[topKey] as Obj[] | undefined) ?? []) {
    for (const scope of (resource[scopeKey] as Obj[] | undefined) ?? []) {
      const items = (scope[itemKey] as unknown[] | undefined) ?? [];
      for (let i = 0; i < items.length; ) {
        const slice = items.slice(i, i + (maxItems - count));
        i += slice.length;
        if (current.length === 0 || lastSource !== resource) {
          current.push({ ...resource, [scopeKey]: [] });
          lastSource = resource;
        }
        ((current[current.length - 1] as Obj)[scopeKey] as Obj[]).push({ ...scope, [itemKey]: slice });
        count += slice.length;
        if (count >= maxItems) flush();
      }
    }
  }
  flush();
  return chunks;
}
