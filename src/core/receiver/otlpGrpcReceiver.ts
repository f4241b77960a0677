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
 * Limits (`GrpcReceiverLimits`; grpc-js reads a whole message into its own buffers before the
 * receiver sees it — `StreamDecoder` in grpc-js's server-interceptors.ts — so bytes cannot be
 * counted as they arrive; what can be bounded is how many messages are read at once and for how
 * long):
 * - before grpc-js reads a call's message, an interceptor reserves `maxMessageBytes` (the worst
 *   case) from the receive budget shared with OTLP/HTTP (`ReceiveBudget`); a call that finds no
 *   room waits (its stream stays paused: HTTP/2 flow control keeps its bytes on the client, 64 KiB
 *   per stream at most) up to `admissionWaitMs`, then gets RESOURCE_EXHAUSTED + RetryInfo. The
 *   reservation is given back when the message is complete (it then counts in the back end
 *   client's queue) or the call ends. So messages being received hold at most the budget
 *   (default 64 MiB: three messages at the default 20 MiB limit); a gzip message also holds its
 *   inflated copy (≤ `maxMessageBytes`) while grpc-js inflates it;
 * - a message not complete `messageReceiveTimeoutMs` after it was admitted ends its call with
 *   DEADLINE_EXCEEDED and closes its connection — the only way to make grpc-js drop the bytes it
 *   holds for the call (a stream answered early stays open, buffers and all, until the client
 *   closes it). This is why the receiver accepts connections itself (`net.Server`) and hands them
 *   to grpc-js (`Server.createConnectionInjector`) instead of `bindAsync`;
 * - `maxConcurrentStreams` per connection (`grpc.max_concurrent_streams`: clients queue the rest),
 *   `maxConnections` connections (`ConnectionTable`: past it the longest idle is closed, or the new
 *   one refused), connections without calls closed after `maxConnectionIdleMs`, every connection
 *   recycled after `maxConnectionAgeMs` (+ `maxConnectionAgeGraceMs` for its calls; clients
 *   reconnect transparently), and peers that stop answering pings dropped (`keepaliveTimeMs`,
 *   `keepaliveTimeoutMs`) — grpc-js options, read in grpc-js's server.ts.
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
import * as net from 'node:net';
import { lookup } from 'node:dns/promises';
import type { IngestParams, IngestResult, OtlpSignal } from '../otlp/types';
import { encodeExportResponse, encodeStatus, type PartialSuccess } from '../otlp/responses';
import type { ReceiverCounters, ReceiverStartResult } from './otlpHttpReceiver';
import { RateLimitedLog } from './rateLimitedLog';
import { ReceiveBudget, receiveBudgetBytesFor, type Reservation } from './receiveBudget';
import { ConnectionTable, peerKey } from './connectionTable';
import { seconds } from './bodyWatch';

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
/**
 * A message must be complete this long after grpc-js starts reading it, or its connection is
 * closed: an exporter on this machine sends 20 MiB in well under a second; 30 s also lets a
 * remote one on a slow link (0.7 MB/s) through. Stalled streams held their bytes forever before.
 */
const MESSAGE_RECEIVE_TIMEOUT_MS = 30_000;
/**
 * A call waits this long for room in the receive budget before RESOURCE_EXHAUSTED + RetryInfo:
 * messages in progress normally complete within milliseconds and give their room back.
 */
const ADMISSION_WAIT_MS = 2_000;
/**
 * Streams one connection may have open (`grpc.max_concurrent_streams`; grpc-js sets none, Node
 * allows 2^32−1). Exporters send one or a few batches at a time; clients queue the rest.
 */
const MAX_CONCURRENT_STREAMS = 16;
/** Most connections open at once (exporters hold one each; the extension host shares its descriptors). */
const MAX_CONNECTIONS = 128;
/** A connection without calls for this long is closed (grpc clients reconnect when they next export). */
const MAX_CONNECTION_IDLE_MS = 120_000;
/** Every connection is asked to go away after this (±10 % jitter, grpc-js): bounds what any connection holds. */
const MAX_CONNECTION_AGE_MS = 600_000;
/** … and closed this long after that, whatever its calls are doing. */
const MAX_CONNECTION_AGE_GRACE_MS = 30_000;
/** The server pings each connection this often … */
const KEEPALIVE_TIME_MS = 60_000;
/** … and drops it when the ping is not answered within this (a peer that vanished: sleep, crash). */
const KEEPALIVE_TIMEOUT_MS = 20_000;
/** Delay between answering a timed-out call and closing its connection, so the answer is sent first. */
const CLOSE_AFTER_STATUS_MS = 50;
/** A receive timer firing later than this was held up by a blocked event loop: the call gets the time back. */
const LATE_TIMER_MS = 1_000;

/** Limits on calls and connections (milliseconds, counts); defaults in `GRPC_RECEIVER_LIMITS`. */
export interface GrpcReceiverLimits {
  /** A message not complete this long after it was admitted closes its connection (DEADLINE_EXCEEDED). */
  messageReceiveTimeoutMs: number;
  /** Longest wait for room in the receive budget before RESOURCE_EXHAUSTED + RetryInfo. */
  admissionWaitMs: number;
  /** `grpc.max_concurrent_streams`: streams per connection. */
  maxConcurrentStreams: number;
  /** Most connections open at once (see `ConnectionTable`). */
  maxConnections: number;
  /** `grpc.max_connection_idle_ms`: a connection without calls is closed after this. */
  maxConnectionIdleMs: number;
  /** `grpc.max_connection_age_ms`: every connection is sent GOAWAY after this. */
  maxConnectionAgeMs: number;
  /** `grpc.max_connection_age_grace_ms`: … and closed this long after. */
  maxConnectionAgeGraceMs: number;
  /** `grpc.keepalive_time_ms`: ping interval. */
  keepaliveTimeMs: number;
  /** `grpc.keepalive_timeout_ms`: unanswered ping → connection dropped. */
  keepaliveTimeoutMs: number;
}

/** Defaults of `GrpcReceiverLimits` (the reasons are beside the constants). */
export const GRPC_RECEIVER_LIMITS: Readonly<GrpcReceiverLimits> = {
  messageReceiveTimeoutMs: MESSAGE_RECEIVE_TIMEOUT_MS,
  admissionWaitMs: ADMISSION_WAIT_MS,
  maxConcurrentStreams: MAX_CONCURRENT_STREAMS,
  maxConnections: MAX_CONNECTIONS,
  maxConnectionIdleMs: MAX_CONNECTION_IDLE_MS,
  maxConnectionAgeMs: MAX_CONNECTION_AGE_MS,
  maxConnectionAgeGraceMs: MAX_CONNECTION_AGE_GRACE_MS,
  keepaliveTimeMs: KEEPALIVE_TIME_MS,
  keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS,
};

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
  /**
   * The receive budget shared with the OTLP/HTTP receiver (`ReceiveBudget`); default one of this
   * receiver's own, `max(64 MiB, 2 × maxMessageBytes)`.
   */
  receiveBudget?: ReceiveBudget;
  /** Call and connection limits; each missing one takes its `GRPC_RECEIVER_LIMITS` default. */
  limits?: Partial<GrpcReceiverLimits>;
}

/** Result of `start()`: the same shape as the HTTP receiver's. */
export type GrpcReceiverStartResult = ReceiverStartResult;

/** The gRPC status codes used here (google.rpc.Code), without loading grpc-js. */
const Code = { OK: 0, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;
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

/** What the calls of one server share (created before the server, which takes the interceptor). */
interface CallState {
  stopping: boolean;
  /** Answer functions of calls still waiting for the worker. */
  pending: Set<(error: CallError) => void>;
  /** The accepted connections, by peer. */
  connections: ConnectionTable;
}

/** One running server: grpc-js, and the listening sockets that hand it connections. */
interface Running extends CallState {
  server: grpc.Server;
  listeners: net.Server[];
  host: string;
  port: number;
}

/** The OTLP/gRPC server. Create, `start()`, `stop()`; restartable. */
export class OtlpGrpcReceiver {
  private running: Running | undefined;
  private starting: Promise<GrpcReceiverStartResult> | undefined;
  readonly counters: ReceiverCounters = { requests: 0, rejectedRequests: 0 };
  /** Rejections and partial successes: one line each, at most 10 per 10 s. */
  private readonly rejectLog: RateLimitedLog;
  /** Connection cap events: their own rate limit, so a flood cannot hide rejections. */
  private readonly connectionLog: RateLimitedLog;
  private readonly budget: ReceiveBudget;
  private readonly limits: GrpcReceiverLimits;
  /** Bytes this receiver holds reserved for messages being received. */
  private reservedBytes = 0;

  constructor(private readonly options: GrpcReceiverOptions) {
    this.rejectLog = new RateLimitedLog(options.log, { noun: 'rejected gRPC calls' });
    this.connectionLog = new RateLimitedLog(options.log, { noun: 'gRPC connection events' });
    this.budget = options.receiveBudget ?? new ReceiveBudget(receiveBudgetBytesFor(options.maxMessageBytes));
    this.limits = { ...GRPC_RECEIVER_LIMITS, ...options.limits };
  }

  /**
   * Bytes reserved in the receive budget for messages this receiver is receiving now (the size
   * limit per message: grpc-js does not say how much of it has arrived).
   */
  get receivingBytes(): number {
    return this.reservedBytes;
  }

  /** Connections open right now. */
  get connectionCount(): number {
    return this.running?.connections.size ?? 0;
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
    const listenersClosed = Promise.all(running.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
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
          running.connections.destroyAll();
          done();
        }, FORCE_SHUTDOWN_DELAY_MS);
      }, STOP_GRACE_MS);
      try {
        running.server.tryShutdown(() => done());
      } catch (error) {
        this.options.log?.('warn', `gRPC receiver: shutdown: ${errorMessage(error)}`);
        running.server.forceShutdown();
        running.connections.destroyAll();
        done();
      }
    });
    // The ports are free already; this waits for the last connections to be gone.
    running.connections.destroyAll();
    await listenersClosed;
    this.rejectLog.flush();
    this.connectionLog.flush();
  }

  private async bind(): Promise<GrpcReceiverStartResult> {
    const { host, port, maxMessageBytes } = this.options;
    const limits = this.limits;
    const where = `${host}:${port}`;
    const state: CallState = { stopping: false, pending: new Set(), connections: new ConnectionTable(Math.max(1, limits.maxConnections)) };
    let lib: GrpcModule;
    let server: grpc.Server;
    let injector: grpc.ConnectionInjector;
    try {
      lib = await loadGrpc();
      server = new lib.Server({
        'grpc.max_receive_message_length': maxMessageBytes,
        'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
        'grpc.max_connection_idle_ms': limits.maxConnectionIdleMs,
        'grpc.max_connection_age_ms': limits.maxConnectionAgeMs,
        'grpc.max_connection_age_grace_ms': limits.maxConnectionAgeGraceMs,
        'grpc.keepalive_time_ms': limits.keepaliveTimeMs,
        'grpc.keepalive_timeout_ms': limits.keepaliveTimeoutMs,
        'grpc.enable_channelz': 0,
        interceptors: [this.admissionInterceptor(lib, state)],
      });
      for (const signal of Object.keys(GRPC_SERVICES) as OtlpSignal[]) {
        server.addService(serviceDefinition(signal), { Export: this.exportHandler(lib, signal, state) });
      }
      injector = server.createConnectionInjector(lib.ServerCredentials.createInsecure());
    } catch (error) {
      return { ok: false, reason: 'error', message: `${where}: ${errorMessage(error)}` };
    }
    const onConnection = (socket: net.Socket) => {
      socket.on('error', () => {}); // the HTTP/2 session reports; a reset peer is not our error
      const admission = state.connections.admit(socket);
      if (admission.kind === 'refused') {
        this.connectionLog.warn(`gRPC connection refused: ${admission.open} connections open (limit ${limits.maxConnections}), all with calls in progress`);
        return;
      }
      if (admission.kind === 'evictedIdle') {
        this.connectionLog.warn(`gRPC connection ${admission.evicted} (no calls) closed to make room: ${limits.maxConnections} connections open (the limit)`);
      }
      injector.injectConnection(socket);
    };
    try {
      const { listeners, port: boundPort } = await listenAll(host, port, onConnection);
      for (const listener of listeners) listener.on('error', (error) => this.options.log?.('error', `gRPC receiver: ${error.message}`));
      // One object for the running state and the calls' state: the calls see `stopping`.
      this.running = Object.assign(state, { server, listeners, host, port: boundPort });
      return { ok: true, host, port: boundPort };
    } catch (error) {
      try {
        server.forceShutdown();
      } catch {
        // nothing was served
      }
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const reason = code === 'EADDRINUSE' ? 'portBusy' : code === 'EACCES' || code === 'EPERM' ? 'accessDenied' : 'error';
      return { ok: false, reason, message: `${where}: ${errorMessage(error)}` };
    }
  }

  /**
   * Admission of one call, before grpc-js reads its message (see the module comment): reserve
   * `maxMessageBytes` in the receive budget (waiting up to `admissionWaitMs`), start the
   * `messageReceiveTimeoutMs` clock, give the reservation back when the message is complete or
   * the call ends. Keeps the connection table's busy count.
   */
  private admissionInterceptor(lib: GrpcModule, state: CallState): grpc.ServerInterceptor {
    return (method, call) => {
      const info = call.getConnectionInfo();
      const key = peerKey(info.remoteAddress, info.remotePort);
      const bytes = Math.min(this.options.maxMessageBytes, this.budget.limitBytes);
      let reservation: Reservation | undefined;
      let held = false;
      let timer: NodeJS.Timeout | undefined;
      let ended = false;
      let timedOut = false;
      state.connections.busy(key);
      const free = () => {
        clearTimeout(timer);
        reservation?.release();
        reservation = undefined;
        if (held) {
          held = false;
          this.reservedBytes -= bytes;
        }
      };
      const intercepted: grpc.ServerInterceptingCall = new lib.ServerInterceptingCall(call, {
        start: (next) => {
          next(
            new lib.ServerListenerBuilder()
              .withOnReceiveMetadata((metadata, nextMetadata) => {
                if (state.stopping) return nextMetadata(metadata); // the handler answers UNAVAILABLE
                const r = this.budget.reserve(bytes, this.limits.admissionWaitMs);
                reservation = r;
                void r.granted.then((granted) => {
                  if (ended || reservation !== r) return r.release();
                  if (!granted) {
                    reservation = undefined;
                    const { usedBytes, limitBytes } = this.budget;
                    this.refuse(intercepted, method.path, overloadedError(lib,
                      `Trace Lens is receiving ${usedBytes} bytes of requests at once (receive budget ${limitBytes} bytes); retry later`));
                    return;
                  }
                  held = true;
                  this.reservedBytes += bytes;
                  const arm = (delayMs: number) => {
                    const due = Date.now() + delayMs;
                    timer = setTimeout(() => {
                      // Fired late (this thread was blocked, the bytes may be unread in the socket):
                      // the client gets the time it lost, after the I/O has run.
                      const late = Date.now() - due;
                      if (late > LATE_TIMER_MS) return arm(late);
                      timedOut = true;
                      this.tooSlow(intercepted, method.path, state, key, free);
                    }, delayMs);
                    timer.unref?.();
                  };
                  arm(this.limits.messageReceiveTimeoutMs);
                  nextMetadata(metadata);
                });
              })
              .withOnReceiveMessage((message, nextMessage) => {
                free();
                nextMessage(message);
              })
              .withOnCancel(() => {
                if (ended) return;
                ended = true;
                // A timed-out call keeps its reservation until its connection is gone (tooSlow).
                if (!timedOut) free();
                state.connections.idle(key);
              })
              .build(),
          );
        },
      });
      return intercepted;
    };
  }

  /** A call refused at admission: one log line, the error as its status. */
  private refuse(call: grpc.ServerInterceptingCall, path: string, error: CallError): void {
    this.counters.requests++;
    this.counters.rejectedRequests++;
    this.rejectLog.warn(`gRPC ${path} → ${CODE_NAMES[error.code] ?? error.code}: ${error.details}`);
    call.sendStatus({ code: error.code, details: error.details, metadata: error.metadata ?? null });
  }

  /**
   * A message not complete in time: answer DEADLINE_EXCEEDED, then close its connection (after
   * `CLOSE_AFTER_STATUS_MS`, so the answer goes out), which is what frees the bytes grpc-js holds;
   * the reservation is given back only then.
   */
  private tooSlow(call: grpc.ServerInterceptingCall, path: string, state: CallState, key: string, free: () => void): void {
    const socket = state.connections.socketOf(key);
    this.refuse(call, path, { code: Code.DEADLINE_EXCEEDED, details: `message not received within ${seconds(this.limits.messageReceiveTimeoutMs)}; connection closed` });
    if (!socket || socket.destroyed) return free();
    socket.once('close', free);
    setTimeout(() => socket.destroy(), CLOSE_AFTER_STATUS_MS).unref?.();
  }

  private exportHandler(lib: GrpcModule, signal: OtlpSignal, running: CallState): grpc.handleUnaryCall<Buffer, PartialSuccess | undefined> {
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

/**
 * Listens on every address `host` names (an IP literal is one; `localhost` is usually 127.0.0.1
 * and ::1, as grpc-js's `bindAsync` bound them), all on one port: `port`, or the one the first
 * listen got for port 0. Succeeds if at least one address is bound; else rejects with the first
 * error (an `ErrnoException`: `EADDRINUSE`, `EACCES`, …).
 */
async function listenAll(host: string, port: number, onConnection: (socket: net.Socket) => void): Promise<{ listeners: net.Server[]; port: number }> {
  const addresses = net.isIP(host.replace(/^\[|\]$/g, '')) ? [host.replace(/^\[|\]$/g, '')] : (await lookup(host, { all: true })).map((a) => a.address);
  const listeners: net.Server[] = [];
  let boundPort = port;
  let firstError: unknown;
  for (const address of addresses) {
    const server = net.createServer(onConnection);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(boundPort, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      boundPort = (server.address() as net.AddressInfo).port;
      listeners.push(server);
    } catch (error) {
      firstError ??= error;
    }
  }
  if (listeners.length === 0) throw firstError ?? new Error(`no address for ${host}`);
  return { listeners, port: boundPort };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
