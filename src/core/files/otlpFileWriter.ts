/**
 * Writing stored traces as OTLP/JSON Lines (OpenTelemetry specification
 * `specification/protocol/file-exporter.md`): one `ExportTraceServiceRequest` or
 * `ExportLogsServiceRequest` per line, in the OTLP/JSON encoding (hex ids, 64-bit integers as
 * decimal strings, enums as integers, camelCase names). Runs in the back end thread.
 *
 * The same path as "Send Trace to…" (src/core/forwarding): spans and log records read back span by
 * span (`readStoredTraces`), grouped under resource and scope (`spansToRequest`, `logsToRequest`),
 * split into requests of `EXPORT_ITEMS_PER_LINE` items (`chunkRequest`) and encoded by
 * `requestToOtlpJson`. What the stored model cannot tell apart is written by the fixed rules of
 * `storedTrace.ts` (e.g. a double `3.0` as int 3); reading the file back gives the same model.
 */
import type { LogRecordInfo, SpanRecord } from '../../model/trace';
import { chunkRequest, readStoredTraces, type StoredTraceReader } from '../forwarding/sendStored';
import { logsToRequest, spansToRequest } from '../forwarding/storedTrace';
import { requestToOtlpJson } from '../forwarding/otlpCodec';
import { EXPORT_ITEMS_PER_LINE, EXPORT_MAX_REPLY_CHARS, type ExportOtlpParams, type ExportOtlpResult, type ExportSignals } from './types';

/**
 * Spans and log records as OTLP/JSON lines (no separators): span lines first (when `signals` is
 * `traces` or `both`), then log record lines (`logs` or `both`), each line at most `itemsPerLine`
 * items.
 */
export function recordsToJsonLines(spans: readonly SpanRecord[], logs: readonly LogRecordInfo[], signals: ExportSignals, itemsPerLine = EXPORT_ITEMS_PER_LINE): string[] {
  const lines: string[] = [];
  if (signals !== 'logs' && spans.length > 0) {
    for (const chunk of chunkRequest('traces', spansToRequest(spans), itemsPerLine)) lines.push(requestToOtlpJson(chunk.request));
  }
  if (signals !== 'traces' && logs.length > 0) {
    for (const chunk of chunkRequest('logs', logsToRequest(logs), itemsPerLine)) lines.push(requestToOtlpJson(chunk.request));
  }
  return lines;
}

/**
 * The `exportOtlp` request: stored traces, one at a time from `traceIds[startIndex]`, as OTLP/JSON
 * lines, until the reply holds `maxChars` characters (at least one trace is always taken).
 */
export async function exportStoredTraces(
  params: ExportOtlpParams,
  reader: Pick<StoredTraceReader, 'traceSkeleton' | 'spanDetail'>,
  maxChars = EXPORT_MAX_REPLY_CHARS,
): Promise<ExportOtlpResult> {
  const result: ExportOtlpResult = { lines: [], traces: 0, spans: 0, logs: 0, missing: 0, nextIndex: null };
  const ids = Array.isArray(params.traceIds) ? params.traceIds : [];
  const signals: ExportSignals = params.signals === 'logs' || params.signals === 'both' ? params.signals : 'traces';
  let chars = 0;
  for (let i = Math.max(0, params.startIndex ?? 0); i < ids.length; i++) {
    if (result.traces + result.missing > 0 && chars >= maxChars) {
      result.nextIndex = i;
      break;
    }
    const { spans, logs, traceCount } = await readStoredTraces([ids[i]], reader);
    if (traceCount === 0) {
      result.missing++;
      continue;
    }
    result.traces++;
    if (signals !== 'logs') result.spans += spans.length;
    if (signals !== 'traces') result.logs += logs.length;
    for (const line of recordsToJsonLines(spans, logs, signals)) {
      result.lines.push(line);
      chars += line.length;
    }
  }
  return result;
}
