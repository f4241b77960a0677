/**
 * Loading an OTLP file part into the store (the back end's `importOtlp`): each JSON line, the
 * whole `.json` document or each protobuf message is one export request, decoded by the OTLP
 * decoders (src/core/otlp/decode.ts, in time slices) and written like a received request
 * (one store write per request). Lines that are not OTLP and items refused inside good lines are
 * reported with their line numbers; the rest is loaded. Never throws for bad input.
 *
 * Imported requests are not forwarded (they were exported once already). Where traces came from
 * is kept beside the store, not in the data (`TraceSources`), so an exported-then-opened trace is
 * the same trace, attribute for attribute.
 */
import type { LogRecordInfo, SpanRecord, TraceId } from '../../model/trace';
import { decodeLogsSliced, decodeMetrics, decodeTracesSliced } from '../otlp/decode';
import type { DecodeOptions, DecodeResult } from '../otlp/shared';
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import type { InsertResult } from '../store/slicing';
import { jsonRequestKind, protobufMessages, splitLines } from './otlpFileReader';
import { IMPORT_MAX_PROBLEMS, IMPORT_MAX_TRACE_IDS, emptyImportResult, type ImportOtlpParams, type ImportOtlpResult } from './types';

/** What the importer needs of the store and the change feed. */
export interface ImportSink {
  ingestSpans(spans: readonly SpanRecord[]): Promise<InsertResult>;
  ingestLogs(logs: readonly LogRecordInfo[]): Promise<InsertResult>;
  /** Counts refused items and metric points, as ingest does. */
  addIngestCounts(counts: { rejectedCount?: number; metricPointCount?: number }): void;
  /** After each write: changed and removed traces to the change feed, pending retention applied. */
  afterWrite(stored: InsertResult): Promise<void>;
}

/** Where imported traces came from (file name or path per trace id), in memory, newest kept. */
export class TraceSources {
  private readonly sources = new Map<TraceId, string>();
  constructor(private readonly max = 100_000) {}

  /** Notes that `traceIds` were loaded from `source`. */
  note(traceIds: Iterable<TraceId>, source: string): void {
    for (const id of traceIds) {
      this.sources.delete(id);
      this.sources.set(id, source);
      if (this.sources.size > this.max) this.sources.delete(this.sources.keys().next().value as TraceId);
    }
  }

  /** The sources of those of `traceIds` that were imported. */
  of(traceIds: readonly TraceId[]): Record<TraceId, string> {
    const out: Record<TraceId, string> = {};
    for (const id of traceIds) {
      const s = this.sources.get(id);
      if (s !== undefined) out[id] = s;
    }
    return out;
  }

  forget(traceIds: readonly TraceId[]): void {
    for (const id of traceIds) this.sources.delete(id);
  }

  clear(): void {
    this.sources.clear();
  }
}

/** One export request found in a file part: its signal (or `null`: guess, protobuf), format, bytes, line. */
interface FoundRequest {
  signal: OtlpSignal | null;
  format: OtlpFormat;
  body: Uint8Array;
  line: number;
}

/**
 * Reads one `importOtlp` part and stores what is OTLP. `decodeOptions` are the store's decode
 * limits; `sources` (optional) learns where the traces came from.
 */
export async function importOtlpPart(params: ImportOtlpParams, sink: ImportSink, decodeOptions: DecodeOptions, sources?: TraceSources): Promise<ImportOtlpResult> {
  const result = emptyImportResult();
  const traceIds = new Set<TraceId>();
  const problem = (line: number, reason: string) => {
    result.problemCount++;
    if (result.problems.length < IMPORT_MAX_PROBLEMS) result.problems.push({ line, reason });
  };
  const body = params.body instanceof Uint8Array ? params.body : new Uint8Array(0);
  const firstLine = Number.isInteger(params.firstLine) && params.firstLine > 0 ? params.firstLine : 1;
  for (const found of findRequests(params.kind, body, firstLine, problem)) {
    await loadRequest(found, sink, decodeOptions, result, traceIds, problem);
  }
  for (const id of traceIds) {
    if (result.traceIds.length >= IMPORT_MAX_TRACE_IDS) {
      result.traceIdsTruncated = true;
      break;
    }
    result.traceIds.push(id);
  }
  if (sources && typeof params.source === 'string' && params.source) sources.note(traceIds, params.source);
  return result;
}

/** The export requests of a part; what is not one is reported through `problem`. */
function findRequests(kind: ImportOtlpParams['kind'], body: Uint8Array, firstLine: number, problem: (line: number, reason: string) => void): FoundRequest[] {
  if (kind === 'protobuf') {
    const messages = protobufMessages(body);
    return messages.map((m, i) => ({ signal: null, format: 'protobuf', body: m, line: messages.length > 1 ? i + 1 : 0 }));
  }
  if (kind === 'json' && !looksLikeJsonLines(body)) {
    // One document (pretty-printed or not).
    const whole = jsonRequestKind(body);
    if (whole === null) return [];
    if (whole.ok) return [{ signal: whole.signal, format: 'json', body, line: firstLine }];
    problem(firstLine, whole.reason);
    return [];
  }
  const found: FoundRequest[] = [];
  for (const { line, bytes } of splitLines(body, firstLine)) {
    const k = jsonRequestKind(bytes);
    if (k === null) continue;
    if (!k.ok) problem(line, k.reason);
    else found.push({ signal: k.signal, format: 'json', body: bytes, line });
  }
  return found;
}

/**
 * `true` when at least two lines start with `{` in their first column: JSON Lines saved as `.json`
 * (a pretty-printed document has one such line, its first).
 */
function looksLikeJsonLines(body: Uint8Array): boolean {
  let n = body[0] === 0x7b ? 1 : 0;
  for (let i = body.indexOf(0x0a); i >= 0 && n < 2; i = body.indexOf(0x0a, i + 1)) if (body[i + 1] === 0x7b) n++;
  return n >= 2;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Decodes one request and stores it (protobuf with unknown signal: traces, else logs, whichever reads). */
async function loadRequest(
  found: FoundRequest,
  sink: ImportSink,
  options: DecodeOptions,
  result: ImportOtlpResult,
  traceIds: Set<TraceId>,
  problem: (line: number, reason: string) => void,
): Promise<void> {
  const { body, format, line } = found;
  if (found.signal === 'metrics') {
    const decoded = decodeMetrics(body, format);
    if (!decoded.ok) return problem(line, decoded.message);
    result.requests++;
    result.metricPoints += decoded.dataPointCount;
    sink.addIngestCounts({ metricPointCount: decoded.dataPointCount, rejectedCount: decoded.rejected });
    return;
  }
  let spans: DecodeResult<SpanRecord> | null = null;
  let logs: DecodeResult<LogRecordInfo> | null = null;
  if (found.signal === 'traces') spans = await decodeTracesSliced(body, format, options);
  else if (found.signal === 'logs') logs = await decodeLogsSliced(body, format, options);
  else {
    // Protobuf says nothing of its signal: traces if that reads cleanly, else the reading that keeps more.
    const t = await decodeTracesSliced(body, format, options);
    if (t.ok && t.items.length > 0 && t.rejected === 0) spans = t;
    else {
      const l = await decodeLogsSliced(body, format, options);
      if (l.ok && (!t.ok || l.items.length > t.items.length)) logs = l;
      else spans = t;
    }
  }
  const decoded = spans ?? logs;
  if (!decoded) return;
  if (!decoded.ok) return problem(line, `not an OTLP export request (${decoded.message})`);
  result.requests++;
  let stored: InsertResult;
  if (spans?.ok) {
    stored = await sink.ingestSpans(spans.items);
    result.spans += stored.inserted + stored.updated;
  } else {
    const items = (logs as { items: LogRecordInfo[] }).items;
    stored = await sink.ingestLogs(items);
    result.logs += stored.inserted;
  }
  for (const id of stored.changedTraceIds) traceIds.add(id);
  const rejected = decoded.rejected + stored.rejected;
  sink.addIngestCounts({ rejectedCount: decoded.rejected });
  await sink.afterWrite(stored);
  if (rejected > 0) {
    result.rejected += rejected;
    const what = spans?.ok ? plural(rejected, 'span', 'spans') : plural(rejected, 'log record', 'log records');
    problem(line, `${what} refused: ${[...new Set([...decoded.rejectReasons, ...stored.rejectReasons])].join('; ')}`);
  }
}
