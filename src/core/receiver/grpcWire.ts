/**
 * The gRPC side of OTLP/gRPC that is not the server: the collector services' method paths, the
 * service definitions (identity request deserializer, response from the shared pure encoder),
 * grpc-js loaded on first use and its log routed to ours, the status codes used, and the
 * `google.rpc.Status`/`google.rpc.RetryInfo` trailers of a throttled call (OTLP specification 1.x,
 * "OTLP/gRPC Throttling"). The server itself is src/core/receiver/otlpGrpcReceiver.ts.
 */
import type * as grpc from '@grpc/grpc-js';
import type { OtlpSignal } from '../otlp/types';
import { encodeExportResponse, encodeStatus, type PartialSuccess } from '../otlp/responses';

/** gRPC service of each signal (package + service name of the vendored `*_service.proto`). */
export const GRPC_SERVICES: Readonly<Record<OtlpSignal, string>> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

/** Full method path of each signal's `Export` RPC, as sent in the HTTP/2 `:path`. */
export const GRPC_EXPORT_PATHS: Readonly<Record<OtlpSignal, string>> = {
  traces: `/${GRPC_SERVICES.traces}/Export`,
  logs: `/${GRPC_SERVICES.logs}/Export`,
  metrics: `/${GRPC_SERVICES.metrics}/Export`,
};

/** Seconds a client is asked to wait when the ingest queue is full (as HTTP's Retry-After). */
export const RETRY_DELAY_SECONDS = 2;
/** The gRPC status codes used here (google.rpc.Code), without loading grpc-js. */
export const Code = { OK: 0, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;
export const CODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(Code).map(([name, code]) => [code, name]));

export type GrpcModule = typeof grpc;
let grpcModule: Promise<GrpcModule> | undefined;
let grpcLogSink: ((level: 'info' | 'warn' | 'error', message: string) => void) | undefined;

/** grpc-js, loaded once. */
export function loadGrpc(): Promise<GrpcModule> {
  grpcModule ??= import('./grpcRuntime').then(
    (m) => {
      if (grpcLogSink) applyLogSink(m, grpcLogSink);
      return m;
    },
    (error: unknown) => {
      grpcModule = undefined; // let a later start() try again
      throw error;
    },
  );
  return grpcModule;
}

/** A status a handler answers with instead of a response. */
export interface CallError {
  code: number;
  details: string;
  metadata?: grpc.Metadata;
}

/**
 * The service definition of one signal: identity request deserializer (raw message bytes), and
 * the response serialized by the shared pure encoder. The client-side halves are identities too,
 * so the same definition works with `makeGenericClientConstructor` in tests.
 */
export function serviceDefinition(signal: OtlpSignal): grpc.ServiceDefinition {
  const method: grpc.MethodDefinition<Buffer, PartialSuccess | undefined> = {
    path: GRPC_EXPORT_PATHS[signal],
    requestStream: false,
    responseStream: false,
    requestSerialize: (request: Buffer) => request,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (partial: PartialSuccess | undefined) => toBuffer(encodeExportResponse(signal, 'protobuf', partial)),
    // Only for clients built from this definition; they get the response bytes.
    responseDeserialize: (bytes: Buffer) => bytes as unknown as PartialSuccess | undefined,
    originalName: 'export',
  };
  return { Export: method };
}

/**
 * Sends grpc-js's own log lines (errors only, e.g. "No address added…" on a busy port) to `log`
 * instead of `console.error`. grpc-js keeps one logger per module instance: in the extension
 * bundle that instance is ours alone, so this affects no other extension.
 */
export function routeGrpcLogs(log: (level: 'info' | 'warn' | 'error', message: string) => void): void {
  grpcLogSink = log;
  void grpcModule?.then((m) => applyLogSink(m, log));
}

function applyLogSink(m: GrpcModule, log: (level: 'info' | 'warn' | 'error', message: string) => void): void {
  const line = (message: unknown, ...rest: unknown[]) => [message, ...rest].map(String).join(' ');
  m.setLogger({
    error: (message?: unknown, ...rest: unknown[]) => log('warn', `grpc-js: ${line(message, ...rest)}`),
    info: (message?: unknown, ...rest: unknown[]) => log('info', `grpc-js: ${line(message, ...rest)}`),
    debug: () => {},
  });
}

/** RESOURCE_EXHAUSTED with RetryInfo: the spec's signal that the server is throttling. */
export function overloadedError(lib: GrpcModule, details = 'Trace Lens is busy storing earlier requests; retry later'): CallError {
  const retryInfo = encodeRetryInfo(RETRY_DELAY_SECONDS);
  const metadata = new lib.Metadata();
  metadata.set('grpc-status-details-bin', toBuffer(encodeStatusWithDetails(Code.RESOURCE_EXHAUSTED, details, RETRY_INFO_TYPE_URL, retryInfo)));
  metadata.set('google.rpc.retryinfo-bin', toBuffer(retryInfo));
  return { code: Code.RESOURCE_EXHAUSTED, details, metadata };
}

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * `google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }` with
 * `Duration { int64 seconds = 1; int32 nanos = 2; }` (whole seconds, so nanos is omitted).
 */
export function encodeRetryInfo(seconds: number): Uint8Array {
  const duration = seconds > 0 ? [0x08, ...varint(Math.floor(seconds))] : [];
  return Uint8Array.from([0x0a, ...varint(duration.length), ...duration]);
}

/**
 * `google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }`
 * with one detail `Any { string type_url = 1; bytes value = 2; }`: the shared encoder's code and
 * message, followed by field 3 (protobuf fields concatenate).
 */
export function encodeStatusWithDetails(code: number, message: string, typeUrl: string, value: Uint8Array): Uint8Array {
  const head = encodeStatus('protobuf', code, message);
  const url = new TextEncoder().encode(typeUrl);
  const any = [0x0a, ...varint(url.length), ...url, 0x12, ...varint(value.length), ...value];
  const detail = [0x1a, ...varint(any.length), ...any];
  const out = new Uint8Array(head.length + detail.length);
  out.set(head, 0);
  out.set(detail, head.length);
  return out;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/**
 * The message bytes in an `ArrayBuffer` of their own, so the worker client can transfer them.
 * An uncompressed message is a view 5 bytes into grpc-js's framing buffer (a slab of Node's shared
 * pool below 4 KiB), so it is copied here, once, as the HTTP receiver copies its chunks (~30 µs
 * per 100 kB); a decompressed message above 4 KiB is its own allocation already and passes as is.
 */
export function ownedBytes(message: Buffer): Uint8Array {
  if (message.byteOffset === 0 && message.byteLength === message.buffer.byteLength && message.byteLength > 0) {
    return new Uint8Array(message.buffer, 0, message.byteLength);
  }
  // Not zero-filled (every byte is overwritten) and never from Node's shared pool: transferable.
  const copy = Buffer.allocUnsafeSlow(message.byteLength);
  message.copy(copy);
  return copy;
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
