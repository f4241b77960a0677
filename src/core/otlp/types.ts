/**
 * OTLP vocabulary shared by the receivers (src/core/receiver), the decoders, forwarding and the
 * back end thread: which signal, which body format and encoding, and what one export request
 * came to. Spec: OTLP/HTTP and OTLP/gRPC (opentelemetry-proto `docs/specification.md`,
 * "OTLP/HTTP Request", "Full Success", "Partial Success", "Failures").
 */

/** OTLP signal, from the request path `/v1/{signal}`. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** OTLP/HTTP body format, from `Content-Type`. */
export type OtlpFormat = 'protobuf' | 'json';

/** `Content-Encoding` accepted by the receiver. */
export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

/**
 * The wire format family of an ingest request: `otlp` (OTLP export requests, the default) or
 * `openai-agents` (the OpenAI Agents SDK's own tracing exporter: JSON `{"data":[…traces and
 * spans…]}` POSTed to `/v1/traces/ingest`, converted to spans in the back end thread by
 * `openaiAgents.ts`).
 */
export type IngestDialect = 'otlp' | 'openai-agents';

/** One export request as the receiver hands it to the back end thread (HTTP or gRPC). */
export interface IngestParams {
  signal: OtlpSignal;
  format: OtlpFormat;
  /** Absent: `otlp`. `openai-agents` comes with `signal: 'traces'` and `format: 'json'`. */
  dialect?: IngestDialect;
  encoding: ContentEncoding;
  /** The request body as received (still compressed); transferred to the worker. */
  body: Uint8Array;
  /** Limit on the decompressed size (bytes); larger bodies fail with `tooLarge`. */
  maxBodyBytes: number;
}

/**
 * Outcome of one OTLP export request.
 * - `ok`: decoded; `accepted` items stored, `rejected` refused (reasons joined in `errorMessage`,
 *   '' when none), reported to the client as OTLP `partial_success`.
 * - `invalid`: the body could not be decoded or decompressed → HTTP 400.
 * - `tooLarge`: decompressed size above `maxBodyBytes` → HTTP 413.
 * - `busy`: not handed to the worker because its queue is full (requests or bytes, see
 *   `BackendClient`); nothing was stored → HTTP 503 + Retry-After, gRPC RESOURCE_EXHAUSTED
 *   with RetryInfo (both retryable per the OTLP spec).
 */
export type IngestResult =
  | { status: 'ok'; accepted: number; rejected: number; errorMessage: string }
  | { status: 'invalid'; message: string }
  | { status: 'tooLarge'; message: string }
  | { status: 'busy'; message: string };

