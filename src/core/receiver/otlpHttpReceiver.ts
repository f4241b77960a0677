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
 *   with a message naming the right ones;
 * - 503 + `Retry-After` when the ingest queue is full (requests or bytes), when bodies being
 *   received would exceed `maxBufferedBytes`, or when the worker is unavailable
 *   (spec §Failures: 503 is retryable, the client waits `Retry-After` seconds);
 * - 403 for a `Host` that is not a loopback name while bound to loopback (DNS rebinding), and for
 *   browser requests whose `Origin` is not in `corsAllowedOrigins`;
 * - `OPTIONS` answers CORS preflights for the configured origins.
 * Every rejection writes one line to `log`, at most 10 per 10 s (then one summary line).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContentEncoding, IngestParams, IngestResult, OtlpFormat, OtlpSignal } from '../otlp/types';
import { encodeExportResponse, encodeStatus } from '../otlp/responses';
import { RateLimitedLog } from './rateLimitedLog';
import { WINDOW_CHANNEL_PREFIX, handleWindowChannel, type WindowChannelServerOptions } from './windowChannel';

/** gRPC-style status codes used in `google.rpc.Status` bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNAVAILABLE = 14;

/** Seconds a client is asked to wait when the ingest queue is full. */
const RETRY_AFTER_SECONDS = 2;
/** Idle socket timeout; exporters keep connections alive between batches. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SIGNAL_PATHS: Record<string, OtlpSignal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};
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
   * that would exceed it aborts its request with 503 + Retry-After. Default
   * `max(64 MiB, 2 × maxBodyBytes)`; never less than `2 × maxBodyBytes`, so one request of the
   * largest size always fits.
   */
  maxBufferedBytes?: number;
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

/** Default of `maxBufferedBytes` (when it is larger than `2 × maxBodyBytes`). */
const DEFAULT_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Result of `start()`. */
export type ReceiverStartResult =
  | { ok: true; host: string; port: number }
  | { ok: false; reason: 'portBusy' | 'accessDenied' | 'error'; message: string };

/** Counters since start; cheap to read. */
export interface ReceiverCounters {
  requests: number;
  rejectedRequests: number;
}

/** The OTLP/HTTP server. Create, `start()`, `stop()`; restartable. */
export class OtlpHttpReceiver {
  private server: http.Server | undefined;
  private readonly corsPatterns: RegExp[];
  private readonly rejectLog: RateLimitedLog;
  private readonly maxBufferedBytes: number;
  /** Bytes of bodies being received (read, not yet handed to `ingest`). */
  private bufferedBytes = 0;
  readonly counters: ReceiverCounters = { requests: 0, rejectedRequests: 0 };

  constructor(private readonly options: ReceiverOptions) {
    this.corsPatterns = options.corsAllowedOrigins.map(originPattern);
    this.rejectLog = new RateLimitedLog(options.log);
    this.maxBufferedBytes = Math.max(options.maxBufferedBytes ?? DEFAULT_BUFFERED_BYTES, 2 * options.maxBodyBytes);
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
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
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
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counters.requests++;
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
      return handleWindowChannel(this.options.windowChannel, req, res, path);
    }
    const signal = SIGNAL_PATHS[path];
    if (req.method === 'OPTIONS') {
      if (corsOrigin) {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding');
        res.setHeader('Access-Control-Max-Age', '86400');
      }
      res.writeHead(204).end();
      return;
    }
    if (!signal) {
      return this.reject(req, res, 404, 'text', notFoundMessage(path));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      return this.reject(req, res, 405, 'text', `${req.method} is not allowed on ${path}; OTLP/HTTP exporters POST to it`);
    }
    const format = parseContentType(req.headers['content-type']);
    if (!format) {
      return this.reject(req, res, 415, 'text',
        `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`);
    }
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (!encoding) {
      return this.reject(req, res, 415, format,
        `unsupported Content-Encoding ${JSON.stringify(req.headers['content-encoding'])}; use gzip, deflate or none`);
    }
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > this.options.maxBodyBytes) {
      return this.reject(req, res, 413, format, tooLargeMessage(declaredLength, this.options.maxBodyBytes), RPC_RESOURCE_EXHAUSTED);
    }
    if (this.options.isOverloaded() || this.bufferedBytes >= this.maxBufferedBytes) {
      return this.busy(req, res, format, 'Trace Lens is busy storing earlier requests; retry later');
    }
    this.readBody(req, res, signal, format, encoding);
  }

  /** 503 + Retry-After (OTLP/HTTP §Failures: retryable). */
  private busy(req: http.IncomingMessage, res: http.ServerResponse, format: OtlpFormat, message: string): void {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    this.reject(req, res, 503, format, message, RPC_UNAVAILABLE);
  }

  private readBody(req: http.IncomingMessage, res: http.ServerResponse, signal: OtlpSignal, format: OtlpFormat, encoding: ContentEncoding): void {
    const chunks: Buffer[] = [];
    let received = 0;
    let aborted = false;
    /** Gives this request's bytes back to the buffer budget (once). */
    const release = () => {
      this.bufferedBytes -= received;
      received = 0;
      chunks.length = 0;
    };
    req.on('data', (chunk: Buffer) => {
      if (aborted) return;
      if (received + chunk.length > this.options.maxBodyBytes) {
        aborted = true;
        const size = received + chunk.length;
        release();
        this.reject(req, res, 413, format, tooLargeMessage(size, this.options.maxBodyBytes), RPC_RESOURCE_EXHAUSTED);
        return;
      }
      if (this.bufferedBytes + chunk.length > this.maxBufferedBytes) {
        aborted = true;
        release();
        res.setHeader('Connection', 'close');
        this.busy(req, res, format, `Trace Lens is receiving more than ${this.maxBufferedBytes} bytes of requests at once; retry later`);
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
        .ingest({ signal, format, encoding, body, maxBodyBytes: this.options.maxBodyBytes })
        .then((outcome) => {
          this.options.onExport?.(signal, outcome);
          this.respond(req, res, signal, format, outcome);
        })
        .catch((error: unknown) => {
          this.busy(req, res, format, `ingest unavailable: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
  }

  private respond(req: http.IncomingMessage, res: http.ServerResponse, signal: OtlpSignal, format: OtlpFormat, outcome: IngestResult): void {
    switch (outcome.status) {
      case 'ok': {
        const partial = outcome.rejected > 0 ? { rejected: outcome.rejected, errorMessage: outcome.errorMessage } : undefined;
        if (partial) this.rejectLog.warn(`POST ${req.url} → 200, partial success: rejected ${outcome.rejected} of ${outcome.accepted + outcome.rejected}: ${outcome.errorMessage}`);
        send(res, 200, format, encodeExportResponse(signal, format, partial));
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

  private reject(req: http.IncomingMessage, res: http.ServerResponse, status: number, format: OtlpFormat | 'text', message: string, rpcCode = RPC_INVALID_ARGUMENT): void {
    this.counters.rejectedRequests++;
    this.rejectLog.warn(`${req.method} ${req.url} → ${status}: ${message}`);
    if (status === 413) res.setHeader('Connection', 'close');
    if (format === 'text') {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message + '\n');
    } else {
      send(res, status, format, encodeStatus(format, rpcCode, message));
    }
    // Drain what the client still sends, so it reads our answer instead of a reset.
    if (!req.complete) req.resume();
  }

  private isAllowedHost(hostHeader: string | undefined): boolean {
    if (!isLoopbackHost(this.options.host)) return true;
    if (!hostHeader) return true; // HTTP/1.0 clients; browsers always send Host
    const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
    return LOOPBACK_HOSTNAMES.has(name.toLowerCase()) || name === this.options.host;
  }
}

/**
 * `true` for addresses that only this machine can reach: `localhost`, `::1` and the IPv4
 * literals 127.x.y.z (a DNS name such as `127.example.com` is not loopback).
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function send(res: http.ServerResponse, status: number, format: OtlpFormat, body: Uint8Array): void {
  res.writeHead(status, {
    'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf',
    'Content-Length': body.byteLength,
  });
  res.end(body);
}

/** Maps `Content-Type` to an OTLP format; parameters such as `charset` are ignored. */
export function parseContentType(header: string | undefined): OtlpFormat | undefined {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** Maps `Content-Encoding` to a supported encoding; `undefined` when unsupported. */
export function parseContentEncoding(header: string | undefined): ContentEncoding | undefined {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return undefined;
}

function notFoundMessage(path: string): string {
  const hint = path === '/' || path === '/v1'
    ? ' An SDK given OTEL_EXPORTER_OTLP_ENDPOINT appends /v1/traces itself; one given OTEL_EXPORTER_OTLP_TRACES_ENDPOINT needs the full path.'
    : /^\/v1\/(trace|log|metric|span)s?$/.test(path) ? ' Check the spelling: the paths are plural.' : '';
  return `no OTLP endpoint at ${path}; POST to /v1/traces, /v1/logs or /v1/metrics.${hint}`;
}

function tooLargeMessage(size: number, limit: number): string {
  return `request body of ${size} bytes exceeds the limit of ${limit} bytes (setting traceLens.receiver.maxBodyMegabytes)`;
}

function originPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * A port near `preferred` that `host` can listen on now (tries `preferred + 1 … + tries`, then
 * any free port the OS picks). For "Use Port N" when a foreign program holds the OTLP port.
 * Resolves with 0 only if nothing can be bound at all.
 */
export async function findFreePort(host: string, preferred: number, tries = 20): Promise<number> {
  const tryPort = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const server = http.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, host, () => {
        const bound = (server.address() as AddressInfo).port;
        server.close(() => resolve(bound));
      });
    });
  for (let port = preferred + 1; port <= Math.min(65_535, preferred + tries); port++) {
    const ok = await tryPort(port);
    if (ok) return ok;
  }
  return (await tryPort(0)) ?? 0;
}
