/**
 * Limits of the OTLP/gRPC receiver (src/core/receiver/otlpGrpcReceiver.ts) on calls and connections.
 *
 * What is bounded (grpc-js reads a whole message into its own buffers before the
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
 */

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
