/**
 * OTLP/HTTP receiver (OTLP specification 1.x, "OTLP/HTTP"): a `node:http` server that validates
 * requests, buffers bodies up to a limit and hands them to an ingest function (the worker).
 * It never decodes or decompresses: that happens in the back end thread, off this thread.
 *
 * Responses, per the spec (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response):
 * - 200 + `Export{Trace,Logs,Metrics}ServiceResponse` in the request's encoding, with
 *   `partial_success` when items were rejected;
 * - 400 + `google.rpc.Status` for bodies that cannot be decoded or decompressed;
 * - 413 past `maxBodyBytes` (compressed size here, decompressed size in the worker);
 * - 415 for other content types or encodings; 405 for other methods; 404 for other paths,
 *   with a message naming the right ones (`routes.ts`: `/v1/{traces,logs,metrics}`, the same under
 *   the Langfuse and LangSmith prefixes, and the OpenAI Agents SDK's `/v1/traces/ingest`, whose
 *   answers are JSON in the OpenAI API's shape: `{}` on success, `{"error":{message,type}}`);
 * - 503 + `Retry-After` when the ingest queue is full (requests or bytes), when a body being
 *   received does not fit the receive budget (`ReceiveBudget`: all bodies together, and one
 *   connection at most half of what the others leave free), or when the worker is unavailable
 *   (spec §Failures: 503 is retryable, the client waits `Retry-After` seconds);
 * - 408 + `Connection: close` for a body that stalls (no byte for `bodyStallTimeoutMs`) or
 *   crawls (below `bodyMinBytesPerSecond` over a `bodyRateWindowMs` window, after the first);
 * - 403 for a `Host` that is not a loopback name while bound to loopback (DNS rebinding), and for
 *   browser requests whose `Origin` is not in `corsAllowedOrigins`;
 * - `OPTIONS` answers CORS preflights for the configured origins.
 * Every rejection writes one line to `log`, at most 10 per 10 s (then one summary line).
 *
 * Request headers other than those named above are never read: credentials that vendor SDKs send
 * (`Authorization`, `x-api-key`, `Langsmith-Project`, `OpenAI-Organization`, …) are accepted,
 * ignored, and never logged, answered or handed on (`ingest` gets only the body); log lines name
 * the path without its query string.
 *
 * An answer given while the body is still arriving (413, 503, and the early refusals) is sent
 * whole at once, and the rest of the body is read and discarded — at most
 * `DRAIN_BYTES_PER_BODY_LIMIT` × `maxBodyBytes` bytes for at most `drainTimeoutMs` of running
 * time — so the sender can finish writing and read the answer instead of failing with
 * EPIPE/ECONNRESET; a 413 or a mid-body 503 then closes the connection (`Connection: close`).
 * Past those bounds the connection is closed gracefully (FIN after the answer, then `lingerMs`
 * of reading and discarding: `bodyDrain.ts`), not reset while the client's bytes are unread.
 * A request with `Expect: 100-continue` (RFC 9110 §10.1.1) gets `100 Continue` only when its body
 * will be read: one refused from its headers (a `Content-Length` over the limit: 413; 404, 415,
 * 503, …) gets the final answer instead, with `Connection: close`, so the body is never sent.
 *
 * Connections (`HttpReceiverLimits`): at most `maxConnections` open (past it the longest-idle one
 * is closed to make room, or the new one refused when all are busy: `ConnectionTable`);
 * `headersTimeoutMs` closes connections that send no complete request head in time (including
 * those that never send a byte), `keepAliveTimeoutMs` idle keep-alive connections, and
 * `requestTimeoutMs` bounds one whole request (Node's `server.requestTimeout`).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ContentEncoding, IngestParams, IngestResult, OtlpFormat, OtlpSignal } from '../otlp/types';
import { encodeExportResponse, encodeStatus } from '../otlp/responses';
import { encodeOpenAiAgentsError, encodeOpenAiAgentsSuccess } from '../otlp/openaiAgentsResponse';
import { notFoundMessage, routeOf, type Route } from './routes';
import { RateLimitedLog } from './rateLimitedLog';
import { ReceiveBudget, receiveBudgetBytesFor } from './receiveBudget';
import { ConnectionTable } from './connectionTable';
import { BodyWatch, type WatchedBody } from './bodyWatch';
import { closeGracefully, drainBody, type LingerLimits } from './bodyDrain';
import {
  DRAIN_BYTES_PER_BODY_LIMIT,
  HTTP_RECEIVER_LIMITS,
  LINGER_MAX_BYTES,
  MAX_TIMEOUT_CHECK_INTERVAL_MS,
  type HttpReceiverLimits,
} from './httpReceiverLimits';
import { contentTypeOf, isLoopbackHost, originPattern, parseContentEncoding, parseContentType, pathOf, sendBytes, tooLargeMessage } from './httpRequestParts';
import { WINDOW_CHANNEL_PREFIX, handleWindowChannel, type WindowChannelServerOptions } from './windowChannel';

export { HTTP_RECEIVER_LIMITS, type HttpReceiverLimits } from './httpReceiverLimits';
export { findFreePort, isLoopbackHost, parseContentEncoding, parseContentType } from './httpRequestParts';

/** gRPC-style status codes used in `google.rpc.Status` bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_DEADLINE_EXCEEDED = 4;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNAVAILABLE = 14;

/** Seconds a client is asked to wait when the ingest queue is full. */
const RETRY_AFTER_SECONDS = 2;
/**
 * How an answer's body is encoded: an OTLP encoding (`google.rpc.Status` / export response),
 * plain text (before the body format is known), or `openai` (the OpenAI Agents ingest path:
 * JSON in the OpenAI API's error shape).
 */
type AnswerFormat = BodyAnswerFormat | 'text';
/** The answer formats once the body's format is known. */
type BodyAnswerFormat = OtlpFormat | 'openai';
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** What the receiver needs from its owner. */
export interface ReceiverOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest body accepted, in bytes (checked on the wire here and after decompression in the worker). */
  maxBodyBytes: number;
  /**
   * Most bytes of request bodies being received at once (not yet handed to `ingest`); a chunk
   * that would exceed it, or take its connection past its share, aborts its request with 503 +
   * Retry-After. Default `max(64 MiB, 2 × maxBodyBytes)`; never less than `2 × maxBodyBytes`, so
   * one request of the largest size always fits. Ignored when `receiveBudget` is given.
   */
  maxBufferedBytes?: number;
  /**
   * The receive budget shared with the OTLP/gRPC receiver (`ReceiveBudget`); default one of this
   * receiver's own, of `maxBufferedBytes`.
   */
  receiveBudget?: ReceiveBudget;
  /** Connection and body-rate limits; each missing one takes its `HTTP_RECEIVER_LIMITS` default. */
  limits?: Partial<HttpReceiverLimits>;
  /** Origins allowed for CORS; `*` in a pattern matches any run of characters except `/`. */
  corsAllowedOrigins: readonly string[];
  /** Decodes and stores one request (in the back end thread). Rejections become 503. */
  ingest: (params: IngestParams) => Promise<IngestResult>;
  /** `true` while the ingest queue is full: new requests get 503 + Retry-After. */
  isOverloaded: () => boolean;
  /**
   * One line per notable request (errors, rejections); never contains payload content.
   * Rejections are rate-limited (`RateLimitedLog`).
   */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called after each handled export request. */
  onExport?: (signal: OtlpSignal, outcome: IngestResult) => void;
  /** Serves the query channel for other VS Code windows under `/trace-lens/v1/` (./windowChannel.ts). */
  windowChannel?: WindowChannelServerOptions;
}

/** Result of `start()`. */
export type ReceiverStartResult =
  | { ok: true; host: string; port: number }
  | { ok: false; reason: 'portBusy' | 'accessDenied' | 'error'; message: string };

/** Counters since start; cheap to read. */
export interface ReceiverCounters {
  requests: number;
  rejectedRequests: number;
}

/**
 * How an answer given before the whole body was read ends: the connection stays (keep-alive) once
 * the body is drained; or the answer ends and the connection closes once it is drained; or at once
 * (the client is too slow to wait for).
 */
type AnswerEnd = 'keepAlive' | 'closeAfterDrain' | 'closeNow';

/** The OTLP/HTTP server. Create, `start()`, `stop()`; restartable. */
export class OtlpHttpReceiver {
  private server: http.Server | undefined;
  private readonly corsPatterns: RegExp[];
  private readonly rejectLog: RateLimitedLog;
  /** Connection cap events (evictions, refusals): their own rate limit, so a flood cannot hide rejections. */
  private readonly connectionLog: RateLimitedLog;
  private readonly budget: ReceiveBudget;
  private readonly limits: HttpReceiverLimits;
  private readonly connections: ConnectionTable;
  private readonly bodyWatch: BodyWatch;
  /** Bytes of bodies being received by this receiver (read, not yet handed to `ingest`). */
  private bufferedBytes = 0;
  /** Requests with `Expect: 100-continue` not yet told to send their body (`100 Continue`). */
  private readonly awaitingContinue = new WeakSet<http.IncomingMessage>();
  readonly counters: ReceiverCounters = { requests: 0, rejectedRequests: 0 };

  constructor(private readonly options: ReceiverOptions) {
    this.corsPatterns = options.corsAllowedOrigins.map(originPattern);
    this.rejectLog = new RateLimitedLog(options.log);
    this.connectionLog = new RateLimitedLog(options.log, { noun: 'connection events' });
    this.budget = options.receiveBudget ?? new ReceiveBudget(receiveBudgetBytesFor(options.maxBodyBytes, options.maxBufferedBytes));
    const limits = { ...HTTP_RECEIVER_LIMITS, ...options.limits };
    limits.requestTimeoutMs = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
    this.limits = limits;
    this.connections = new ConnectionTable(Math.max(1, limits.maxConnections));
    this.bodyWatch = new BodyWatch({
      stallTimeoutMs: limits.bodyStallTimeoutMs,
      minBytesPerSecond: limits.bodyMinBytesPerSecond,
      rateWindowMs: limits.bodyRateWindowMs,
    });
  }

  /** Connections open right now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes of request bodies being received right now (read, not yet handed to `ingest`). */
  get bufferedBodyBytes(): number {
    return this.bufferedBytes;
  }

  /** Address once listening, else `undefined`. */
  get address(): { host: string; port: number } | undefined {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    return addr ? { host: addr.address, port: addr.port } : undefined;
  }

  /** Starts listening; resolves with the bound port or why it could not bind. Never rejects. */
  start(): Promise<ReceiverStartResult> {
    if (this.server) {
      const addr = this.address;
      if (addr) return Promise.resolve({ ok: true, host: addr.host, port: addr.port });
    }
    const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = this.limits;
    const server = http.createServer(
      {
        headersTimeout: headersTimeoutMs,
        requestTimeout: requestTimeoutMs,
        connectionsCheckingInterval: Math.max(25, Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, headersTimeoutMs / 4)),
      },
      (req, res) => this.handle(req, res),
    );
    server.keepAliveTimeout = keepAliveTimeoutMs;
    // `Expect: 100-continue`: `100 Continue` only once the body will be read (`continueBody`).
    server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.awaitingContinue.add(req);
      this.handle(req, res);
    });
    server.on('connection', (socket: Socket) => this.admit(socket));
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.close();
        const reason = error.code === 'EADDRINUSE' ? 'portBusy' : error.code === 'EACCES' ? 'accessDenied' : 'error';
        resolve({ ok: false, reason, message: `${this.options.host}:${this.options.port}: ${error.message}` });
      };
      server.once('error', onError);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', onError);
        server.on('error', (error) => this.options.log?.('error', `receiver: ${error.message}`));
        this.server = server;
        const addr = server.address() as AddressInfo;
        resolve({ ok: true, host: addr.address, port: addr.port });
      });
    });
  }

  /** Stops listening and closes idle keep-alive connections; in-flight requests finish. */
  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.rejectLog.flush();
    this.connectionLog.flush();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  /** A new connection: into the table (which may close the longest-idle one, or this one). */
  private admit(socket: Socket): void {
    const admission = this.connections.admit(socket);
    if (admission.kind === 'refused') {
      this.connectionLog.warn(`connection refused: ${admission.open} connections open (limit ${this.limits.maxConnections}), all with a request in progress`);
    } else if (admission.kind === 'evictedIdle') {
      this.connectionLog.warn(`idle connection ${admission.evicted} closed to make room: ${this.limits.maxConnections} connections open (the limit)`);
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counters.requests++;
    const socket = req.socket;
    this.connections.busy(socket);
    res.once('close', () => this.connections.idle(socket));
    const origin = req.headers.origin;
    const corsOrigin = origin && this.corsPatterns.some((p) => p.test(origin)) ? origin : undefined;
    if (corsOrigin) {
      res.setHeader('Access-Control-Allow-Origin', corsOrigin);
      res.setHeader('Vary', 'Origin');
    }
    if (!this.isAllowedHost(req.headers.host)) {
      // A page on another site that resolved its name to 127.0.0.1 (DNS rebinding).
      return this.reject(req, res, 403, 'text', `Host header ${JSON.stringify(req.headers.host)} is not a loopback name`);
    }
    if (origin !== undefined && !corsOrigin && req.method !== 'OPTIONS') {
      // Only browsers send Origin; a page not in corsAllowedOrigins may not export (nor probe).
      return this.reject(req, res, 403, 'text', `Origin ${JSON.stringify(origin)} is not in traceLens.receiver.corsAllowedOrigins`);
    }
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (this.options.windowChannel && path.startsWith(WINDOW_CHANNEL_PREFIX)) {
      this.continueBody(req, res);
      return handleWindowChannel(this.options.windowChannel, req, res, path);
    }
    const route = routeOf(path);
    if (req.method === 'OPTIONS') {
      if (corsOrigin) {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding');
        res.setHeader('Access-Control-Max-Age', '86400');
      }
      res.writeHead(204).end();
      return;
    }
    if (!route) {
      return this.reject(req, res, 404, 'text', notFoundMessage(path));
    }
    const agents = route.dialect === 'openai-agents';
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      const who = agents ? 'the OpenAI Agents SDK tracing exporter POSTs' : 'OTLP/HTTP exporters POST';
      return this.reject(req, res, 405, agents ? 'openai' : 'text', `${req.method} is not allowed on ${path}; ${who} to it`);
    }
    const format = parseContentType(req.headers['content-type']);
    if (!format || (agents && format !== 'json')) {
      return this.reject(req, res, 415, agents ? 'openai' : 'text',
        `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; use ${agents ? 'application/json' : 'application/x-protobuf or application/json'}`);
    }
    const answer: BodyAnswerFormat = agents ? 'openai' : format;
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (!encoding) {
      return this.reject(req, res, 415, answer,
        `unsupported Content-Encoding ${JSON.stringify(req.headers['content-encoding'])}; use gzip, deflate or none`);
    }
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > this.options.maxBodyBytes) {
      return this.reject(req, res, 413, answer, tooLargeMessage(declaredLength, this.options.maxBodyBytes), RPC_RESOURCE_EXHAUSTED);
    }
    if (this.options.isOverloaded() || this.budget.usedBytes >= this.budget.limitBytes) {
      return this.busy(req, res, answer, 'Trace Lens is busy storing earlier requests; retry later');
    }
    this.continueBody(req, res);
    this.readBody(req, res, route, format, encoding);
  }

  /** Tells a client that sent `Expect: 100-continue` to send its body (`100 Continue`), once. */
  private continueBody(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.awaitingContinue.delete(req)) res.writeContinue();
  }

  /** 503 + Retry-After (OTLP/HTTP §Failures: retryable; the OpenAI Agents exporter retries 5xx too). */
  private busy(req: http.IncomingMessage, res: http.ServerResponse, format: AnswerFormat, message: string, end: AnswerEnd = 'keepAlive'): void {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    this.reject(req, res, 503, format, message, RPC_UNAVAILABLE, end);
  }

  private readBody(req: http.IncomingMessage, res: http.ServerResponse, route: Route, bodyFormat: OtlpFormat, encoding: ContentEncoding): void {
    const { signal, dialect } = route;
    const format: BodyAnswerFormat = dialect === 'openai-agents' ? 'openai' : bodyFormat;
    const chunks: Buffer[] = [];
    let received = 0;
    let aborted = false;
    /** Gives this request's bytes back to the buffer budget (once); stops watching its pace. */
    const release = () => {
      watched.stop();
      this.bufferedBytes -= received;
      this.budget.release(received);
      received = 0;
      chunks.length = 0;
    };
    const watched: WatchedBody = this.bodyWatch.watch((reason) => {
      if (aborted || req.complete) return;
      aborted = true;
      release();
      // The client is too slow to wait for: answer and close, without draining.
      this.reject(req, res, 408, format, `${reason}; connection closed`, RPC_DEADLINE_EXCEEDED, 'closeNow');
    });
    req.on('data', (chunk: Buffer) => {
      if (aborted) return;
      watched.progress(chunk.length);
      if (received + chunk.length > this.options.maxBodyBytes) {
        aborted = true;
        const size = received + chunk.length;
        release();
        this.reject(req, res, 413, format, tooLargeMessage(size, this.options.maxBodyBytes), RPC_RESOURCE_EXHAUSTED, 'closeAfterDrain');
        return;
      }
      if (!this.budget.tryGrow(received, chunk.length)) {
        aborted = true;
        const { usedBytes, limitBytes } = this.budget;
        const message = usedBytes + chunk.length > limitBytes
          ? `Trace Lens is receiving more than ${limitBytes} bytes of requests at once; retry later`
          : `this request would hold ${received + chunk.length} bytes, more than its share of the ${limitBytes}-byte receive budget (half of what other requests leave free); retry later`;
        release();
        this.busy(req, res, format, message, 'closeAfterDrain');
        return;
      }
      received += chunk.length;
      this.bufferedBytes += chunk.length;
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (aborted) return;
      aborted = true;
      release();
    });
    req.on('close', () => {
      // Client went away before the end: free its bytes.
      if (!aborted && !req.complete) {
        aborted = true;
        release();
      }
    });
    req.on('end', () => {
      if (aborted) return;
      // A fresh buffer we own: Buffer.concat may return a slice of Node's shared pool,
      // which must not be transferred to the worker.
      const body = new Uint8Array(received);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.length;
      }
      release();
      this.options
        .ingest({ signal, format: bodyFormat, encoding, body, maxBodyBytes: this.options.maxBodyBytes, ...(dialect === 'otlp' ? {} : { dialect }) })
        .then((outcome) => {
          this.options.onExport?.(signal, outcome);
          this.respond(req, res, signal, format, outcome);
        })
        .catch((error: unknown) => {
          this.busy(req, res, format, `ingest unavailable: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
  }

  private respond(req: http.IncomingMessage, res: http.ServerResponse, signal: OtlpSignal, format: BodyAnswerFormat, outcome: IngestResult): void {
    switch (outcome.status) {
      case 'ok': {
        const partial = outcome.rejected > 0 ? { rejected: outcome.rejected, errorMessage: outcome.errorMessage } : undefined;
        if (partial) this.rejectLog.warn(`POST ${pathOf(req)} → 200, partial success: rejected ${outcome.rejected} of ${outcome.accepted + outcome.rejected}: ${outcome.errorMessage}`);
        if (format === 'openai') sendBytes(res, 200, 'application/json', encodeOpenAiAgentsSuccess(outcome));
        else sendBytes(res, 200, contentTypeOf(format), encodeExportResponse(signal, format, partial));
        return;
      }
      case 'invalid':
        this.reject(req, res, 400, format, outcome.message, RPC_INVALID_ARGUMENT);
        return;
      case 'tooLarge':
        this.reject(req, res, 413, format, outcome.message, RPC_RESOURCE_EXHAUSTED);
        return;
      case 'busy':
        this.busy(req, res, format, outcome.message);
        return;
    }
  }

  /**
   * Answers with an error status and logs one (rate-limited) line. When the body is still
   * arriving, `end` says what happens next (`AnswerEnd`); by default a 413 closes the connection
   * after draining and other answers keep it. A request still waiting for `100 Continue` gets the
   * answer instead and its connection closes (after draining, should the client send its body
   * anyway), since the client may never send it.
   */
  private reject(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    format: AnswerFormat,
    message: string,
    rpcCode = RPC_INVALID_ARGUMENT,
    end: AnswerEnd = status === 413 ? 'closeAfterDrain' : 'keepAlive',
  ): void {
    this.counters.rejectedRequests++;
    this.rejectLog.warn(`${req.method} ${pathOf(req)} → ${status}: ${message}`);
    if (res.headersSent) return; // answered already (the client went away, or a second verdict)
    if (this.awaitingContinue.delete(req) && end === 'keepAlive') end = 'closeAfterDrain';
    const body = format === 'text' ? Buffer.from(message + '\n')
      : format === 'openai' ? encodeOpenAiAgentsError(status, message)
      : encodeStatus(format, rpcCode, message);
    const contentType = format === 'text' ? 'text/plain; charset=utf-8' : format === 'openai' ? 'application/json' : contentTypeOf(format);
    const pending = !req.complete && !req.destroyed;
    if (end !== 'keepAlive') res.setHeader('Connection', 'close');
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.byteLength });
    if (!pending || end === 'closeNow' || !res.socket) {
      // Nothing more to read; or a client too slow to wait for (it is not writing much: closed
      // at once, its slot freed); or a pipelined answer not on the socket yet (Node sends it in turn).
      res.end(body);
      if (pending) req.resume();
      return;
    }
    const drainLimits = { maxBytes: DRAIN_BYTES_PER_BODY_LIMIT * this.options.maxBodyBytes, timeoutMs: this.limits.drainTimeoutMs };
    const linger: LingerLimits = { lingerMs: this.limits.lingerMs, lingerMaxBytes: LINGER_MAX_BYTES };
    if (end === 'keepAlive') {
      res.end(body);
      // Keep-alive: the next request starts once this body is read; a body that never ends
      // loses the connection, gracefully, after the drain bound.
      const socket = req.socket;
      drainBody(req, drainLimits, (outcome) => {
        if (outcome === 'bound') closeGracefully(req, socket, linger);
      });
      return;
    }
    // The whole answer now; the response — and with it the connection — ends only once the
    // client has sent its body, so it can read the answer; past the drain bound, gracefully.
    res.write(body);
    const socket = res.socket;
    drainBody(req, drainLimits, (outcome) => {
      if (outcome === 'ended') res.end();
      else closeGracefully(req, socket, linger);
    });
  }

  private isAllowedHost(hostHeader: string | undefined): boolean {
    if (!isLoopbackHost(this.options.host)) return true;
    if (!hostHeader) return true; // HTTP/1.0 clients; browsers always send Host
    const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
    return LOOPBACK_HOSTNAMES.has(name.toLowerCase()) || name === this.options.host;
  }
}

