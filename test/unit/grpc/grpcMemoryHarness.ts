/**
 * Child process for grpcLimits.test.ts: the real `OtlpGrpcReceiver` on 127.0.0.1:0 with an ingest
 * that stores nothing (the receiver's own buffering is what is measured), bundled by the test
 * with esbuild and forked with `--expose-gc`. Sends `{ port }` once listening; answers each
 * `'measure'` message with `{ rss, arrayBuffers }` (bytes, after a full GC).
 */
import { OtlpGrpcReceiver } from '../../../src/core/receiver/otlpGrpcReceiver';

const receiver = new OtlpGrpcReceiver({
  host: '127.0.0.1',
  port: 0,
  maxMessageBytes: 20 * 1024 * 1024,
  ingest: () => Promise.resolve({ status: 'ok', accepted: 0, rejected: 0, errorMessage: '' }),
  isOverloaded: () => false,
  // Long enough that the measurement sees the stalled streams still held.
  limits: { messageReceiveTimeoutMs: 60_000 },
});

void receiver.start().then((started) => {
  if (!started.ok) throw new Error(started.message);
  process.send?.({ port: started.port });
});

process.on('message', (message) => {
  if (message !== 'measure') return;
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, arrayBuffers } = process.memoryUsage();
  process.send?.({ rss, arrayBuffers });
});
process.on('disconnect', () => process.exit(0));
