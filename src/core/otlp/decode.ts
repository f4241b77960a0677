/**
 * One entry point per OTLP signal for both OTLP/HTTP body formats (strategy per format):
 * `protobuf` → `protobufDecoder.ts`, `json` → `jsonDecoder.ts`. Both produce the same model
 * records (`src/model/trace.ts`) for the same data.
 *
 * Bodies are already decompressed (the receiver handles `Content-Encoding`). Nothing here throws
 * for bad input: an undecodable body is `{ ok: false, message }` (→ HTTP 400; `status: 'tooLarge'`
 * → 413); malformed items are counted in `rejected` with up to 5 distinct `rejectReasons` (→ OTLP
 * `partial_success`), plus one reason for items past the per-request limit.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#otlphttp
 *
 * Two ways to run the same decoders: `decodeTraces`/`decodeLogs` in one synchronous call, and
 * `decodeTracesSliced`/`decodeLogsSliced` (the back end's ingest), which return to the event loop
 * every `DECODE_SLICE_BUDGET_MS` so queries queued behind a huge request are answered meanwhile.
 */
import { performance } from 'node:perf_hooks';
import type { LogRecordInfo, SpanRecord } from '../../model/trace';
import type { OtlpFormat } from './types';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson, startLogsJson, startTracesJson } from './jsonDecoder';
import {
  decodeLogsProtobuf,
  decodeMetricsProtobuf,
  decodeTracesProtobuf,
  startLogsProtobuf,
  startTracesProtobuf,
} from './protobufDecoder';
import { DECODE_SLICE_BUDGET_MS, type DecodeOptions, type DecodeResult, type DecodeTask, type MetricsDecodeResult } from './shared';

/** The decoders of one body format. */
export interface OtlpDecoder {
  readonly format: OtlpFormat;
  decodeTraces(body: Uint8Array, options?: DecodeOptions): DecodeResult<SpanRecord>;
  decodeLogs(body: Uint8Array, options?: DecodeOptions): DecodeResult<LogRecordInfo>;
  decodeMetrics(body: Uint8Array): MetricsDecodeResult;
  /** `decodeTraces` as a task that can stop and continue (`DecodeTask`). */
  startTraces(body: Uint8Array, options?: DecodeOptions): DecodeTask<DecodeResult<SpanRecord>>;
  /** `decodeLogs` as a task that can stop and continue (`DecodeTask`). */
  startLogs(body: Uint8Array, options?: DecodeOptions): DecodeTask<DecodeResult<LogRecordInfo>>;
}

export const protobufDecoder: OtlpDecoder = {
  format: 'protobuf',
  decodeTraces: decodeTracesProtobuf,
  decodeLogs: decodeLogsProtobuf,
  decodeMetrics: decodeMetricsProtobuf,
  startTraces: startTracesProtobuf,
  startLogs: startLogsProtobuf,
};

export const jsonDecoder: OtlpDecoder = {
  format: 'json',
  decodeTraces: decodeTracesJson,
  decodeLogs: decodeLogsJson,
  decodeMetrics: decodeMetricsJson,
  startTraces: startTracesJson,
  startLogs: startLogsJson,
};

/** How a sliced decode runs: the budget of each synchronous slice and how it yields in between. */
export interface DecodeSlicing {
  /** Milliseconds per synchronous slice; default `DECODE_SLICE_BUDGET_MS`. */
  sliceBudgetMs?: number;
  /** Awaited between slices; default: one `setImmediate` turn of the event loop. */
  yieldToEventLoop?: () => Promise<void>;
}

const yieldImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `task` in slices of `slicing.sliceBudgetMs` with `slicing.yieldToEventLoop` in between. A
 * request that decodes within one budget (every SDK batch) runs in one synchronous call and
 * never yields.
 */
export async function runSliced<R>(task: DecodeTask<R>, slicing: DecodeSlicing = {}): Promise<R> {
  const budget = slicing.sliceBudgetMs ?? DECODE_SLICE_BUDGET_MS;
  const yieldNow = slicing.yieldToEventLoop ?? yieldImmediate;
  for (;;) {
    const result = task.run(performance.now() + budget);
    if (result !== null) return result;
    await yieldNow();
  }
}

/** {@link decodeTraces} in slices between which the event loop runs (see {@link runSliced}). */
export function decodeTracesSliced(body: Uint8Array, format: OtlpFormat, options?: DecodeOptions, slicing?: DecodeSlicing): Promise<DecodeResult<SpanRecord>> {
  return runSliced(decoderFor(format).startTraces(body, options), slicing);
}

/** {@link decodeLogs} in slices between which the event loop runs (see {@link runSliced}). */
export function decodeLogsSliced(body: Uint8Array, format: OtlpFormat, options?: DecodeOptions, slicing?: DecodeSlicing): Promise<DecodeResult<LogRecordInfo>> {
  return runSliced(decoderFor(format).startLogs(body, options), slicing);
}

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
 * `MAX_ANY_VALUE_DEPTH` (src/model/limits.ts): a cut value keeps its span. Counts are limited
 * per request (`MAX_SPANS_PER_REQUEST`: the excess is rejected) and per span (attributes, events,
 * links, values: kept up to the limit, the rest counted as dropped with a marker).
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
