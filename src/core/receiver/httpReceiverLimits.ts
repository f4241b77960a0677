/**
 * The OTLP/HTTP receiver's limits on connections, request heads and bodies, and on what it reads
 * after answering early (`HttpReceiverLimits`, defaults in `HTTP_RECEIVER_LIMITS`; the reason for
 * each default is beside its constant). Used by `otlpHttpReceiver.ts`.
 */

/**
 * Idle keep-alive connections are closed after this: exporters keep a connection between batches
 * (5 s apart by default), and closing it before the client does risks a request racing the close.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/**
 * A body that sends no byte for this long is answered 408 and its connection closed: an exporter
 * on this machine sends a whole body in milliseconds; a stalled one held the receive budget for
 * Node's 300 s request timeout before.
 */
const BODY_STALL_TIMEOUT_MS = 10_000;
/**
 * Slowest body accepted: 64 KiB/s (a 512 kbit/s link), judged per `BODY_RATE_WINDOW_MS` window
 * after the first, so trickling one byte now and then cannot hold the receive budget either.
 */
const BODY_MIN_BYTES_PER_SECOND = 64 * 1024;
/** Window (and grace period) of the minimum-rate check. */
const BODY_RATE_WINDOW_MS = 10_000;
/**
 * Time to send a complete request head; Node applies it from the moment a connection opens, so it
 * is also the idle timeout of connections that never send a request. Exporters send their
 * headers at once.
 */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * Backstop on one whole request (head and body; Node's `requestTimeout`, default 300 s). The
 * stall and rate checks act first; a 20 MiB body must arrive at ≥ 170 KiB/s on average.
 */
const REQUEST_TIMEOUT_MS = 120_000;
/**
 * Most connections open at once: far above what exporters on one machine use (one or a few
 * each), far below the 1,024 descriptors a process often may hold (shared with all of VS Code).
 */
const MAX_CONNECTIONS = 256;
/** After answering a request whose body is still arriving, read and discard it for at most this long. */
const DRAIN_TIMEOUT_MS = 5_000;
/** … and at most this many times `maxBodyBytes` (an exporter's body is rarely far past the limit). */
export const DRAIN_BYTES_PER_BODY_LIMIT = 2;
/**
 * A connection closed while its body is still arriving is half-closed (FIN after the answer) and
 * read for at most this long, so the client can read the answer before the close (`bodyDrain.ts`).
 */
const LINGER_MS = 2_000;
/** … and at most this many bytes read and discarded meanwhile. */
export const LINGER_MAX_BYTES = 64 * 1024 * 1024;
/** How often Node checks `headersTimeout`/`requestTimeout` at most (its default is 30 s). */
export const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Limits on connections and on how fast bodies arrive (milliseconds, bytes per second, counts);
 * defaults in `HTTP_RECEIVER_LIMITS`. Short values are for tests.
 */
export interface HttpReceiverLimits {
  /** A body with no new byte for this long is answered 408 and its connection closed. */
  bodyStallTimeoutMs: number;
  /** A body slower than this over a whole `bodyRateWindowMs` window (after the first) is answered 408. */
  bodyMinBytesPerSecond: number;
  /** Window of the minimum-rate check; the first window is the grace period. */
  bodyRateWindowMs: number;
  /** Time to send a complete request head; also closes connections that never send one. */
  headersTimeoutMs: number;
  /** Time to send one whole request (raised to `headersTimeoutMs` if lower, as Node requires). */
  requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: number;
  /** Most connections open at once (see `ConnectionTable`). */
  maxConnections: number;
  /** Longest time spent reading and discarding a refused body before closing the connection. */
  drainTimeoutMs: number;
  /** Longest time a closing connection stays half-closed, reading, after its answer (FIN sent). */
  lingerMs: number;
}

/** Defaults of `HttpReceiverLimits` (the reasons are beside the constants). */
export const HTTP_RECEIVER_LIMITS: Readonly<HttpReceiverLimits> = {
  bodyStallTimeoutMs: BODY_STALL_TIMEOUT_MS,
  bodyMinBytesPerSecond: BODY_MIN_BYTES_PER_SECOND,
  bodyRateWindowMs: BODY_RATE_WINDOW_MS,
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
  maxConnections: MAX_CONNECTIONS,
  drainTimeoutMs: DRAIN_TIMEOUT_MS,
  lingerMs: LINGER_MS,
};
