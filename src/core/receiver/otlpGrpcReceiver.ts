/**
 * OTLP/gRPC receiver (OTLP specification 1.x, "OTLP/gRPC"): a `@grpc/grpc-js` server (pure JS on
 * `node:http2`, cleartext h2c) serving the unary `Export` method of the three collector services
 * of the vendored protos (`src/core/otlp/proto/opentelemetry/proto/collector/…/*_service.proto`):
 *   /opentelemetry.proto.collector.trace.v1.TraceService/Export
 *   /opentelemetry.proto.collector.logs.v1.LogsService/Export
 *   /opentelemetry.proto.collector.metrics.v1.MetricsService/Export
 *
 * Like the HTTP receiver it never decodes: the service definition's request deserializer is the
 * identity, so the serialized `Export*ServiceRequest` bytes go to the back end thread as an
 * OTLP/protobuf body (format `protobuf`, encoding `identity`) and are transferred, not copied
 * again. grpc-js itself does the framing, the `grpc-encoding: gzip|deflate` decompression (zlib
 * streams, on libuv's thread pool, bounded by the size limit) and the size checks.
 *
 * Status codes, per the spec (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc-response):
 * - OK + `Export*ServiceResponse`, with `partial_success` when items were rejected;
 * - INVALID_ARGUMENT when the message cannot be decoded (worker `invalid`);
 * - RESOURCE_EXHAUSTED, no retry info (not retryable), past `maxMessageBytes`: on the wire and
 *   after decompression (grpc-js), or after decoding in the worker (`tooLarge`);
 * - RESOURCE_EXHAUSTED *with* `google.rpc.RetryInfo` (retryable, "the server can recover") while
 *   the ingest queue is full (`isOverloaded()`; checked when the call reaches the handler, i.e.
 *   after grpc-js has read the message, where HTTP refuses before reading), sent both in the standard
 *   `grpc-status-details-bin` trailer (a `google.rpc.Status` whose `details` hold the RetryInfo;
 *   what Go/Java clients read) and as a bare RetryInfo in `google.rpc.retryinfo-bin` (what the
 *   Python exporter reads);
 * - UNAVAILABLE when the worker fails or the receiver is stopping (retryable).
 * Other paths get grpc-js's UNIMPLEMENTED.
 *
 * Security: bind loopback by default, as HTTP. There is no Host/`:authority` check: browsers
 * cannot open cleartext HTTP/2 connections nor send gRPC trailers, so DNS rebinding from a web
 * page cannot reach this port; non-gRPC requests are refused by grpc-js (415/UNIMPLEMENTED).
 *
 * grpc-js is loaded on the first `start()`, not at import, from its own bundle (`dist/grpc.js`,
 * built from `./grpcRuntime`): parsing and evaluating it costs tens of ms on a small machine,
 * which would otherwise be spent while the extension host loads the extension.
 */
import type * as grpc from '@grpc/grpc-js';
import type { IngestParams, IngestResult, OtlpSignal } from '../otlp/types';
import { encodeExportResponse, encodeStatus, type PartialSuccess } from '../otlp/responses';
import type { ReceiverCounters, ReceiverStartResult } from './otlpHttpReceiver';
import { RateLimitedLog } from './rateLimitedLog';

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
/** `stop()` waits this long for in-flight calls before answering them UNAVAILABLE. */
const STOP_GRACE_MS = 1_500;
/** … and then this long for those answers to be flushed before closing connections hard. */
const FORCE_SHUTDOWN_DELAY_MS = 250;

/** What the receiver needs from its owner (the HTTP receiver's options, minus CORS). */
export interface GrpcReceiverOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * Largest request message accepted, in bytes: checked by grpc-js on the wire and while
   * decompressing (`grpc.max_receive_message_length`), and again after decoding in the worker.
   */
  maxMessageBytes: number;
  /** Decodes and stores one request (in the back end thread). Rejections become UNAVAILABLE. */
  ingest: (params: IngestParams) => Promise<IngestResult>;
  /** `true` while the ingest queue is full: new calls get RESOURCE_EXHAUSTED + RetryInfo. */
  isOverloaded: () => boolean;
  /** One line per notable call (errors, rejections); never contains payload content. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called after each handled export call. */
  onExport?: (signal: OtlpSignal, outcome: IngestResult) => void;
}

/** Result of `start()`: the same shape as the HTTP receiver's. */
export type GrpcReceiverStartResult = ReceiverStartResult;

/** The gRPC status codes used here (google.rpc.Code), without loading grpc-js. */
const Code = { OK: 0, INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;
const CODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(Code).map(([name, code]) => [code, name]));

type GrpcModule = typeof grpc;
let grpcModule: Promise<GrpcModule> | undefined;
let grpcLogSink: ((level: 'info' | 'warn' | 'error', message: string) => void) | undefined;

/** grpc-js, loaded once. */
function loadGrpc(): Promise<GrpcModule> {
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
interface CallError {
  code: number;
  details: string;
  metadata?: grpc.Metadata;
}

/** One running server and the calls it has not answered yet. */
interface Running {
  server: grpc.Server;
  host: string;
  port: number;
  stopping: boolean;
  /** Answer functions of calls still waiting for the worker. */
  pending: Set<(error: CallError) => void>;
}

/** The OTLP/gRPC server. Create, `start()`, `stop()`; restartable. */
export class OtlpGrpcReceiver {
  private running: Running | undefined;
  private starting: Promise<GrpcReceiverStartResult> | undefined;
  readonly counters: ReceiverCounters = { requests: 0, rejectedRequests: 0 };
  /** Rejections and partial successes: one line each, at most 10 per 10 s. */
  private readonly rejectLog: RateLimitedLog;

  constructor(private readonly options: GrpcReceiverOptions) {
    this.rejectLog = new RateLimitedLog(options.log, { noun: 'rejected gRPC calls' });
  }

  /** Address once listening, else `undefined`. */
  get address(): { host: string; port: number } | undefined {
    const r = this.running;
    return r && !r.stopping ? { host: r.host, port: r.port } : undefined;
  }

  /** Starts listening; resolves with the bound port or why it could not bind. Never rejects. */
  start(): Promise<GrpcReceiverStartResult> {
    const addr = this.address;
    if (addr) return Promise.resolve({ ok: true, host: addr.host, port: addr.port });
    this.starting ??= this.bind().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * Stops listening. In-flight calls get up to `STOP_GRACE_MS` to finish, then are answered
   * UNAVAILABLE and the connections are closed. Calls after this get UNAVAILABLE (connection
   * refused). Never rejects.
   */
  async stop(): Promise<void> {
    await this.starting;
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    running.stopping = true;
    await new Promise<void>((resolve) => {
      let forceTimer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(graceTimer);
        clearTimeout(forceTimer);
        resolve();
      };
      const graceTimer = setTimeout(() => {
        for (const fail of [...running.pending]) fail({ code: Code.UNAVAILABLE, details: 'Trace Lens receiver is stopping; retry later' });
        forceTimer = setTimeout(() => {
          try {
            running.server.forceShutdown();
          } catch (error) {
            this.options.log?.('warn', `gRPC receiver: force shutdown: ${errorMessage(error)}`);
          }
          done();
        }, FORCE_SHUTDOWN_DELAY_MS);
      }, STOP_GRACE_MS);
      try {
        running.server.tryShutdown(() => done());
      } catch (error) {
        this.options.log?.('warn', `gRPC receiver: shutdown: ${errorMessage(error)}`);
        running.server.forceShutdown();
        done();
      }
    });
  }

  private async bind(): Promise<GrpcReceiverStartResult> {
    const { host, port, maxMessageBytes } = this.options;
    const where = `${host}:${port}`;
    let lib: GrpcModule;
    let server: grpc.Server;
    try {
      lib = await loadGrpc();
      server = new lib.Server({
        'grpc.max_receive_message_length': maxMessageBytes,
        'grpc.enable_channelz': 0,
      });
    } catch (error) {
      return { ok: false, reason: 'error', message: `${where}: ${errorMessage(error)}` };
    }
    const running: Running = { server, host, port, stopping: false, pending: new Set() };
    for (const signal of Object.keys(GRPC_SERVICES) as OtlpSignal[]) {
      server.addService(serviceDefinition(signal), { Export: this.exportHandler(lib, signal, running) });
    }
    return new Promise((resolve) => {
      const fail = (error: unknown) => {
        const message = errorMessage(error);
        try {
          server.forceShutdown();
        } catch {
          // nothing was bound
        }
        const reason = /EADDRINUSE/.test(message) ? 'portBusy' : /EACCES|EPERM/.test(message) ? 'accessDenied' : 'error';
        resolve({ ok: false, reason, message: `${where}: ${message}` });
      };
      try {
        server.bindAsync(bindTarget(host, port), lib.ServerCredentials.createInsecure(), (error, boundPort) => {
          if (error) return fail(error);
          running.port = boundPort;
          this.running = running;
          resolve({ ok: true, host, port: boundPort });
        });
      } catch (error) {
        fail(error);
      }
    });
  }

  private exportHandler(lib: GrpcModule, signal: OtlpSignal, running: Running): grpc.handleUnaryCall<Buffer, PartialSuccess | undefined> {
    const path = GRPC_EXPORT_PATHS[signal];
    return (call, callback) => {
      this.counters.requests++;
      let settled = false;
      const reject = (error: CallError) => {
        if (settled) return;
        settled = true;
        running.pending.delete(reject);
        this.counters.rejectedRequests++;
        this.rejectLog.warn(`gRPC ${path} → ${CODE_NAMES[error.code] ?? error.code}: ${error.details}`);
        callback(error);
      };
      if (running.stopping) {
        return reject({ code: Code.UNAVAILABLE, details: 'Trace Lens receiver is stopping; retry later' });
      }
      if (this.options.isOverloaded()) {
        return reject(overloadedError(lib));
      }
      running.pending.add(reject);
      this.options
        .ingest({ signal, format: 'protobuf', encoding: 'identity', body: ownedBytes(call.request), maxBodyBytes: this.options.maxMessageBytes })
        .then((outcome) => {
          if (settled) return;
          this.options.onExport?.(signal, outcome);
          switch (outcome.status) {
            case 'ok': {
              settled = true;
              running.pending.delete(reject);
              if (outcome.rejected > 0) {
                this.rejectLog.warn(`gRPC ${path} → OK, partial success: rejected ${outcome.rejected} of ${outcome.accepted + outcome.rejected}: ${outcome.errorMessage}`);
              }
              callback(null, outcome.rejected > 0 ? { rejected: outcome.rejected, errorMessage: outcome.errorMessage } : undefined);
              return;
            }
            case 'invalid':
              return reject({ code: Code.INVALID_ARGUMENT, details: outcome.message });
            case 'tooLarge':
              return reject({ code: Code.RESOURCE_EXHAUSTED, details: `${outcome.message} (setting traceLens.receiver.maxBodyMegabytes)` });
            case 'busy':
              return reject(overloadedError(lib, outcome.message));
          }
        })
        .catch((error: unknown) => {
          reject({ code: Code.UNAVAILABLE, details: `ingest unavailable: ${errorMessage(error)}` });
        });
    };
  }
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
function overloadedError(lib: GrpcModule, details = 'Trace Lens is busy storing earlier requests; retry later'): CallError {
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
function ownedBytes(message: Buffer): Uint8Array {
  if (message.byteOffset === 0 && message.byteLength === message.buffer.byteLength && message.byteLength > 0) {
    return new Uint8Array(message.buffer, 0, message.byteLength);
  }
  // Not zero-filled (every byte is overwritten) and never from Node's shared pool: transferable.
  const copy = Buffer.allocUnsafeSlow(message.byteLength);
  message.copy(copy);
  return copy;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `host:port` for grpc-js; IPv6 literals in brackets. */
function bindTarget(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
