/**
 * The real ingest pipeline for tests: the bundled worker (`dist/worker.js`, built by
 * globalSetup) behind an `BackendClient`, and an `OtlpHttpReceiver` on 127.0.0.1:0.
 */
import { join } from 'node:path';
import { BackendClient, type BackendClientOptions } from '../../src/core/backend/backendClient';
import { OtlpHttpReceiver, type ReceiverOptions } from '../../src/core/receiver/otlpHttpReceiver';
import type { StoreConfig } from '../../src/core/store/config';
import type { BackendEvent } from '../../src/core/backend/protocol';

export const WORKER_PATH = join(__dirname, '..', '..', 'dist', 'worker.js');

export interface Pipeline {
  client: BackendClient;
  receiver: OtlpHttpReceiver;
  url: string;
  events: BackendEvent[];
  logs: string[];
  close(): Promise<void>;
}

/** Client options a test may set (limits, persistence). */
export type ClientOverrides = Partial<Omit<BackendClientOptions, 'workerPath' | 'config' | 'onEvent'>>;

/** The bundled ingest worker behind a client, with the events it pushed and a log sink for a receiver. */
export function startWorker(store: Partial<StoreConfig> = {}, client: ClientOverrides = {}): { client: BackendClient; events: BackendEvent[]; logs: string[] } {
  const events: BackendEvent[] = [];
  const c = new BackendClient({
    workerPath: WORKER_PATH,
    config: { maxSpans: 200_000, maxMegabytes: 512, ...store },
    onEvent: (e) => events.push(e),
    ...client,
  });
  return { client: c, events, logs: [] };
}

export async function startPipeline(
  options: Partial<ReceiverOptions> & { store?: Partial<StoreConfig>; client?: ClientOverrides } = {},
): Promise<Pipeline> {
  const { client, events, logs } = startWorker(options.store, options.client);
  const receiver = new OtlpHttpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 20 * 1024 * 1024,
    corsAllowedOrigins: ['http://localhost:*'],
    ingest: (p) => client.ingest(p),
    isOverloaded: () => client.isOverloaded(),
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...withoutPipelineKeys(options),
  });
  const started = await receiver.start();
  if (!started.ok) throw new Error(started.message);
  return {
    client,
    receiver,
    url: `http://127.0.0.1:${started.port}`,
    events,
    logs,
    async close() {
      await receiver.stop();
      await client.dispose();
    },
  };
}

function withoutPipelineKeys(options: Partial<ReceiverOptions> & { store?: unknown; client?: unknown }): Partial<ReceiverOptions> {
  const { store: _store, client: _client, ...receiver } = options;
  return receiver;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
