/**
 * What the OTLP/HTTP receiver does with a request body it has already answered (413, 503, 408,
 * 404, …) while the body is still arriving, so the sender reads the answer instead of failing
 * with EPIPE or ECONNRESET:
 *
 * - `drainBody` reads and discards the rest of the body, bounded in bytes and in time. Time the
 *   thread did not run (a blocked event loop: the bytes that arrived meanwhile are still unread in
 *   the socket) is not charged, so a busy extension host does not cut a sender that keeps writing.
 * - `closeGracefully` closes a connection without discarding the answer at the client: it sends
 *   FIN after the answer (half-close), keeps reading and discarding what the client still sends
 *   for a short linger time, then closes. Closing a socket that has unread bytes makes the kernel
 *   send RST, and a client that receives RST may lose the answer it has not read yet and sees
 *   EPIPE/ECONNRESET on its next write; a FIN lets it finish writing and read the answer (the
 *   "lingering close" of HTTP servers, RFC 9112 §9.6).
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Bounds of `drainBody` (bytes, milliseconds). */
export interface DrainLimits {
  /** Most bytes read and discarded. */
  maxBytes: number;
  /** Longest time spent draining, counting only time this thread ran. */
  timeoutMs: number;
}

/** Bounds of `closeGracefully`'s linger (bytes, milliseconds). */
export interface LingerLimits {
  /** Longest time the connection stays half-closed, reading, after the FIN. */
  lingerMs: number;
  /** Most bytes read and discarded while lingering. */
  lingerMaxBytes: number;
}

/** How a drain ended: the body ended (or the client went away), or a bound was reached first. */
export type DrainOutcome = 'ended' | 'bound';

/** Longest tick of the drain clock; a tick that comes more than a tick late means the thread was blocked. */
const MAX_TICK_MS = 250;
const MIN_TICK_MS = 10;

/**
 * Reads and discards the rest of `req`'s body; `onDone('ended')` once it ended or the client went
 * away, `onDone('bound')` once more than `maxBytes` were read or `timeoutMs` of running time
 * passed. `onDone` is called once, never synchronously.
 */
export function drainBody(req: IncomingMessage, limits: DrainLimits, onDone: (outcome: DrainOutcome) => void): void {
  const tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, limits.timeoutMs / 4));
  let drained = 0;
  let charged = 0;
  let lastTick = Date.now();
  let done = false;
  const finish = (outcome: DrainOutcome) => {
    if (done) return;
    done = true;
    clearInterval(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onEnd);
    onDone(outcome);
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limits.maxBytes) finish('bound');
  };
  const onEnd = () => finish('ended');
  const timer = setInterval(() => {
    const now = Date.now();
    const elapsed = now - lastTick;
    lastTick = now;
    // Blocked for more than a tick: not charged, and judged after the pending reads have run.
    if (elapsed > 2 * tickMs) return;
    charged += elapsed;
    if (charged >= limits.timeoutMs) finish('bound');
  }, tickMs);
  timer.unref?.();
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('close', onEnd);
  req.resume();
  if (req.complete || req.destroyed) setImmediate(onEnd);
}

/**
 * Half-closes `socket` (FIN after everything written to it, such as an answer), then reads and
 * discards what the client still sends until it closes its side, for at most `lingerMs` or
 * `lingerMaxBytes`; then closes. `req` is the request whose body may still be arriving (kept
 * flowing so nothing stays unread).
 */
export function closeGracefully(req: IncomingMessage, socket: Socket | null | undefined, limits: LingerLimits): void {
  if (!socket || socket.destroyed) return;
  let lingered = 0;
  const onData = (chunk: Buffer) => {
    lingered += chunk.length;
    if (lingered > limits.lingerMaxBytes) socket.destroy();
  };
  const timer = setTimeout(() => socket.destroy(), limits.lingerMs);
  timer.unref?.();
  socket.on('data', onData);
  socket.once('close', () => {
    clearTimeout(timer);
    socket.off('data', onData);
  });
  // The client's FIN ends the linger (Node keeps HTTP server sockets half-open on it).
  socket.once('end', () => socket.destroy());
  req.resume();
  socket.end();
}
