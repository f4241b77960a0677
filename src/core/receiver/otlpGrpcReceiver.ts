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
 * Limits: `GrpcReceiverLimits` (src/core/receiver/grpcReceiverLimits.ts) says what is bounded and why.
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
import type { PartialSuccess } from '../otlp/responses';
import { CODE_NAMES, Code, GRPC_EXPORT_PATHS, GRPC_SERVICES, loadGrpc, overloadedError, ownedBytes, serviceDefinition, type CallError, type GrpcModule } from './grpcWire';
import type { ReceiverCounters, ReceiverStartResult } from './otlpHttpReceiver';
import { RateLimitedLog } from './rateLimitedLog';
import { ReceiveBudget, receiveBudgetBytesFor, type Reservation } from './receiveBudget';
import { ConnectionTable, peerKey } from './connectionTable';
import { GRPC_RECEIVER_LIMITS, type GrpcReceiverLimits } from './grpcReceiverLimits';
import { seconds } from './bodyWatch';

/** `stop()` waits this long for in-flight calls before answering them UNAVAILABLE. */
const STOP_GRACE_MS = 1_500;
/** … and then this long for those answers to be flushed before closing connections hard. */
const FORCE_SHUTDOWN_DELAY_MS = 250;
/** Delay between answering a timed-out call and closing its connection, so the answer is sent first. */
const CLOSE_AFTER_STATUS_MS = 50;
/** A receive timer firing later than this was held up by a blocked event loop: the call gets the time back. */
const LATE_TIMER_MS = 1_000;

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
