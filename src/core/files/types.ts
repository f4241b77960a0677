/**
 * Types of traces as files: the back end requests `exportOtlp` and `importOtlp`
 * (src/core/backend/handlers/fileHandlers.ts) and what the file readers report.
 *
 * File formats (OpenTelemetry specification, `specification/protocol/file-exporter.md`):
 * - `jsonl`: OTLP/JSON Lines: one `ExportTraceServiceRequest` / `ExportLogsServiceRequest`
 *   (= `TracesData` / `LogsData`) per line, UTF-8, `\n`-separated, OTLP/JSON encoding (hex ids,
 *   64-bit integers as decimal strings, enums as integers, camelCase names);
 * - `json`: one export request as one JSON document (pretty-printed or not);
 * - `protobuf`: one binary export request, or several written length-delimited (varint size
 *   before each message, the specification's protobuf file form).
 * Any of them may be gzip-compressed (`.gz`, recognized by its magic bytes).
 */
import type { TraceId } from '../../model/trace';

/** How a file's content is read. */
export type OtlpFileKind = 'jsonl' | 'json' | 'protobuf';

/** Which signals an export writes. `both`: spans and log records in one file (lines of each kind). */
export type ExportSignals = 'traces' | 'logs' | 'both';

/** One line (1-based; 0 for binary files) that was not loaded, and why (one line of text). */
export interface LineProblem {
  line: number;
  reason: string;
}

/** `exportOtlp` request: the given traces (spans and their correlated log records) as OTLP/JSON lines. */
export interface ExportOtlpParams {
  /** Traces to write, in order; ids not stored are skipped (counted in `missing`). */
  traceIds: TraceId[];
  signals: ExportSignals;
  /** Index in `traceIds` to start at (a previous reply's `nextIndex`); default 0. */
  startIndex?: number;
}

/**
 * `exportOtlp` answer. `lines` are OTLP/JSON export requests without line separators, each with at
 * most `EXPORT_ITEMS_PER_LINE` spans or log records. The back end stops adding traces once the
 * lines hold `EXPORT_MAX_REPLY_CHARS` characters (always at least one trace): `nextIndex` is the
 * index in `traceIds` to ask for next, `null` when done.
 */
export interface ExportOtlpResult {
  lines: string[];
  traces: number;
  spans: number;
  logs: number;
  missing: number;
  nextIndex: number | null;
}

/** `importOtlp` request: one part of a file, read and stored in the back end. */
export interface ImportOtlpParams {
  kind: OtlpFileKind;
  /**
   * `jsonl`: whole lines (the last one may lack its `\n`), `firstLine` being the number of the
   * first; `json`/`protobuf`: the whole (decompressed) file. Transferred, not copied.
   */
  body: Uint8Array;
  firstLine: number;
  /** The file's name or path, kept as where the imported traces came from. */
  source: string;
}

/** What one `importOtlp` request (or a whole file, summed) loaded. */
export interface ImportOtlpResult {
  /** Export requests read (lines that were OTLP, or messages of a binary file). */
  requests: number;
  spans: number;
  logs: number;
  /** Data points of metrics requests (counted, not stored: Trace Lens keeps traces and logs). */
  metricPoints: number;
  /** Spans and log records refused inside otherwise good requests (reasons in `problems`). */
  rejected: number;
  /** Distinct traces written to, at most `IMPORT_MAX_TRACE_IDS` (`traceIdsTruncated` past that). */
  traceIds: TraceId[];
  traceIdsTruncated: boolean;
  /** Lines not loaded (or loaded in part), at most `IMPORT_MAX_PROBLEMS`; `problemCount` counts all. */
  problems: LineProblem[];
  problemCount: number;
}

/** Spans or log records per written line (as "Send Trace to…" splits requests). */
export const EXPORT_ITEMS_PER_LINE = 1000;
/** Characters of lines after which one `exportOtlp` reply stops taking traces. */
export const EXPORT_MAX_REPLY_CHARS = 8 * 1024 * 1024;
/** Trace ids kept in one import result. */
export const IMPORT_MAX_TRACE_IDS = 10_000;
/** Problems kept in one import result. */
export const IMPORT_MAX_PROBLEMS = 100;

/** An empty import result, to add parts to. */
export function emptyImportResult(): ImportOtlpResult {
  return { requests: 0, spans: 0, logs: 0, metricPoints: 0, rejected: 0, traceIds: [], traceIdsTruncated: false, problems: [], problemCount: 0 };
}

/** Adds `part` into `total` (in place), keeping the caps on trace ids and problems. */
export function addImportResult(total: ImportOtlpResult, part: ImportOtlpResult): ImportOtlpResult {
  total.requests += part.requests;
  total.spans += part.spans;
  total.logs += part.logs;
  total.metricPoints += part.metricPoints;
  total.rejected += part.rejected;
  const seen = new Set(total.traceIds);
  for (const id of part.traceIds) {
    if (seen.has(id)) continue;
    if (total.traceIds.length >= IMPORT_MAX_TRACE_IDS) {
      total.traceIdsTruncated = true;
      break;
    }
    seen.add(id);
    total.traceIds.push(id);
  }
  total.traceIdsTruncated ||= part.traceIdsTruncated;
  for (const p of part.problems) if (total.problems.length < IMPORT_MAX_PROBLEMS) total.problems.push(p);
  total.problemCount += part.problemCount;
  return total;
}
