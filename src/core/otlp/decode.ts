/**
 * One entry point per OTLP signal for both OTLP/HTTP body formats (strategy per format):
 * `protobuf` → `protobufDecoder.ts`, `json` → `jsonDecoder.ts`. Both produce the same model
 * records (`src/model/trace.ts`) for the same data.
 *
 * Bodies are already decompressed (the receiver handles `Content-Encoding`). Nothing here throws
 * for bad input: an undecodable body is `{ ok: false, message }` (→ HTTP 400); malformed items are
 * counted in `rejected` with up to 5 distinct `rejectReasons` (→ OTLP `partial_success`).
 * Spec: https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
import type { LogRecordInfo, SpanRecord } from '../../model/trace';
import type { OtlpFormat } from './types';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './jsonDecoder';
import { decodeLogsProtobuf, decodeMetricsProtobuf, decodeTracesProtobuf } from './protobufDecoder';
import type { DecodeOptions, DecodeResult, MetricsDecodeResult } from './shared';


/** The decoders of one body format. */
export interface OtlpDecoder {
  readonly format: OtlpFormat;
  decodeTraces(body: Uint8Array, options?: DecodeOptions): DecodeResult<SpanRecord>;
  decodeLogs(body: Uint8Array, options?: DecodeOptions): DecodeResult<LogRecordInfo>;
  decodeMetrics(body: Uint8Array): MetricsDecodeResult;
}

export const protobufDecoder: OtlpDecoder = {
  format: 'protobuf',
  decodeTraces: decodeTracesProtobuf,
  decodeLogs: decodeLogsProtobuf,
  decodeMetrics: decodeMetricsProtobuf,
};

export const jsonDecoder: OtlpDecoder = {
  format: 'json',
  decodeTraces: decodeTracesJson,
  decodeLogs: decodeLogsJson,
  decodeMetrics: decodeMetricsJson,
};

/** The decoder for a body format. */
export function decoderFor(format: OtlpFormat): OtlpDecoder {
  switch (format) {
    case 'protobuf':
      return protobufDecoder;
    case 'json':
      return jsonDecoder;
  }
}

/**
 * Decodes an `ExportTraceServiceRequest` body into spans, each with its (shared) resource and
 * scope. Ids are lowercase hex; times are decimal strings of Unix nanoseconds, clamped to
 * 2^63 - 1 (year 2262); `end < start` is kept as sent. Invalid ids reject the span (see
 * `decodeTracesProtobuf`). `options` limits string lengths; nesting is limited to
 * `MAX_ANY_VALUE_DEPTH` (src/model/limits.ts): a cut value keeps its span.
 */
export function decodeTraces(body: Uint8Array, format: OtlpFormat, options?: DecodeOptions): DecodeResult<SpanRecord> {
  return decoderFor(format).decodeTraces(body, options);
}

/**
 * Decodes an `ExportLogsServiceRequest` body into log records. `traceId`/`spanId` are `null` when
 * absent or invalid; `eventName` is `event_name` or else the `event.name` attribute.
 */
export function decodeLogs(body: Uint8Array, format: OtlpFormat, options?: DecodeOptions): DecodeResult<LogRecordInfo> {
  return decoderFor(format).decodeLogs(body, options);
}

/** Counts the data points (all metric kinds) of an `ExportMetricsServiceRequest` body. */
export function decodeMetrics(body: Uint8Array, format: OtlpFormat): MetricsDecodeResult {
  return decoderFor(format).decodeMetrics(body);
}
