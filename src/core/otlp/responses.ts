/**
 * OTLP/HTTP response bodies, hand-encoded. PURE and dependency-free (no protobufjs): this module
 * runs on the extension-host thread, in the receiver.
 *
 * Spec: https://opentelemetry.io/docs/specs/otlp/#otlphttp-response
 * - success (HTTP 200): `Export<Signal>ServiceResponse`, with `partial_success` when items were
 *   rejected (or to carry a warning);
 * - failure (HTTP 4xx/5xx): a `google.rpc.Status`.
 * The body uses the request's format (binary protobuf or OTLP/JSON).
 *
 * Field map:
 *   collector.{trace,logs,metrics}.v1.Export{Trace,Logs,Metrics}ServiceResponse
 *     1 partial_success: Export{Trace,Logs,Metrics}PartialSuccess  (tag 0a)
 *   Export…PartialSuccess
 *     1 rejected_spans | rejected_log_records | rejected_data_points  int64  (tag 08)
 *     2 error_message string  (tag 12)
 *   google.rpc.Status (google/rpc/status.proto)
 *     1 code int32 (tag 08)   2 message string (tag 12)   3 details repeated Any (not sent)
 * Default values (0, '') are omitted on the wire, as proto3 encoders do; OTLP/JSON writes int64
 * as a decimal string and int32 as a number.
 */
import type { OtlpFormat, OtlpSignal } from './types';

/** Items refused in one request, reported as OTLP `partial_success`. */
export interface PartialSuccess {
  /** Number of spans / log records / data points rejected (≥ 0). */
  rejected: number;
  /** Developer-facing reason (English, one line); '' for none. */
  errorMessage: string;
}

const REJECTED_FIELD: Readonly<Record<OtlpSignal, string>> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** Appends a base-128 varint of a non-negative integer ≤ 2^53 - 1. */
function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Appends a tag-1 varint field and a tag-2 string field, omitting default values. */
function encodeVarintAndString(varint: number, text: string): number[] {
  const out: number[] = [];
  if (varint !== 0) {
    out.push(0x08);
    pushVarint(out, varint);
  }
  if (text !== '') {
    const bytes = utf8.encode(text);
    out.push(0x12);
    pushVarint(out, bytes.length);
    for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
  }
  return out;
}

function nonNegativeInteger(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER) : 0;
}

/**
 * Body of a successful export response for `signal` (`ExportTraceServiceResponse`,
 * `ExportLogsServiceResponse` or `ExportMetricsServiceResponse`).
 * Without `partial`, or with `rejected = 0` and `errorMessage = ''`, it is the empty message:
 * zero bytes in protobuf, `{}` in JSON. Otherwise `partial_success` carries the count and message,
 * e.g. JSON `{"partialSuccess":{"rejectedSpans":"3","errorMessage":"…"}}`.
 */
export function encodeExportResponse(signal: OtlpSignal, format: OtlpFormat, partial?: PartialSuccess): Uint8Array {
  const rejected = partial ? nonNegativeInteger(partial.rejected) : 0;
  const message = partial ? partial.errorMessage : '';
  if (format === 'json') {
    if (rejected === 0 && message === '') return utf8.encode('{}');
    const inner: Record<string, string> = {};
    if (rejected !== 0) inner[REJECTED_FIELD[signal]] = String(rejected);
    if (message !== '') inner.errorMessage = message;
    return utf8.encode(JSON.stringify({ partialSuccess: inner }));
  }
  if (rejected === 0 && message === '') return EMPTY;
  const inner = encodeVarintAndString(rejected, message);
  const out: number[] = [0x0a];
  pushVarint(out, inner.length);
  for (let i = 0; i < inner.length; i++) out.push(inner[i]);
  return Uint8Array.from(out);
}

/**
 * Body of an error response: `google.rpc.Status { code, message }` with a gRPC status code
 * (e.g. 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE). JSON: `{"code":3,"message":"…"}`.
 */
export function encodeStatus(format: OtlpFormat, code: number, message: string): Uint8Array {
  const c = Number.isInteger(code) && code > 0 && code <= 0x7fffffff ? code : 0;
  if (format === 'json') return utf8.encode(JSON.stringify({ code: c, message }));
  return Uint8Array.from(encodeVarintAndString(c, message));
}
