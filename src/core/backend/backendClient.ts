/**
 * Host side of the back end thread: starts `dist/worker.js` in a `worker_thread`, exposes the typed
 * requests of `BackendRequests`, relays `BackendEvent`s, and restarts the worker if it dies (the
 * store is in memory, so a restart starts empty; the host is told through `onRestart`).
 */
import { Worker } from 'node:worker_threads';
import { Channel } from '../../protocol/channel';
import type { HostRequests, HostToBackendMessage, BackendEvent, BackendRequests } from './protocol';
import type { IngestParams, IngestResult } from '../otlp/types';
import type { PersistenceConfig, StoreConfig } from '../store/config';
import type { BackendStartData } from './backendWorker';

/** Default of `BackendClientOptions.maxPendingRequests`: requests in flight (each holds one body). */
export const DEFAULT_MAX_PENDING_REQUESTS = 32;
/**
 * Default of `BackendClientOptions.maxPendingBytes`: bytes of request bodies handed to the worker
 * and not answered yet (compressed size, as received). With a 20 MiB body limit that is three
 * largest requests, or ~200 typical 512-span batches.
 */
export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Restarts allowed within `RESTART_WINDOW_MS` before giving up. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
/**
 * `dispose()` waits this long for the final snapshot before stopping the worker (VS Code gives
 * `deactivate` about 5 s); the previous snapshot stays if it takes longer (writes are atomic).
 */
export const SHUTDOWN_SNAPSHOT_TIMEOUT_MS = 4_000;

export interface BackendClientOptions {
  /** Absolute path of the bundled worker (`<extension>/dist/worker.js`). */
  workerPath: string;
  config: StoreConfig;
  onEvent: (event: BackendEvent) => void;
  /** The worker died and was restarted empty (or, with `gaveUp`, was not). */
  onRestart?: (reason: string, gaveUp: boolean) => void;
  /** Requests in flight at which `isOverloaded()` turns true and `ingest` answers `busy` (default 32). */
  maxPendingRequests?: number;
  /**
   * Bytes in flight at which `isOverloaded()` turns true; `ingest` answers `busy` when a body
   * would take the total past it (one body is always accepted when nothing is in flight).
   * Default `DEFAULT_MAX_PENDING_BYTES`.
   */
  maxPendingBytes?: number;
  /**
   * Setting `traceLens.store.persistence` and its folder, for the worker's start (and restarts):
   * restore the snapshot, save periodically. Change it with `setPersistence`.
   */
  persistence?: PersistenceConfig;
}

/** Typed access to the back end thread. */
export class BackendClient {
  private worker!: Worker;
  private channel!: Channel<HostToBackendMessage, BackendEvent, HostRequests, BackendRequests>;
  private pendingIngests = 0;
  private pendingBytes = 0;
  private readonly maxPendingRequests: number;
  private readonly maxPendingBytes: number;
  private disposed = false;
  private disposing: Promise<void> | undefined;
  private persistence: PersistenceConfig | undefined;
  /** The store configuration of the running worker (the start one, then the last `configure`). */
  private config: StoreConfig;
  private restarts: number[] = [];

  constructor(private readonly options: BackendClientOptions) {
    this.maxPendingRequests = options.maxPendingRequests ?? DEFAULT_MAX_PENDING_REQUESTS;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.persistence = options.persistence;
    this.config = options.config;
    this.spawn();
  }

  /** Applies a persistence setting now, and to later worker restarts. */
  setPersistence(config: PersistenceConfig): Promise<null> {
    this.persistence = { ...config };
    return this.request('configurePersistence', config);
  }

  /**
   * Sends one request to the worker; rejects if the worker dies before answering. A `configure`
   * also becomes the configuration a restarted worker starts with.
   */
  request<M extends keyof BackendRequests & string>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']> {
    if (method === 'configure') this.config = { ...(params as StoreConfig) };
    return this.channel.request(method, params);
  }

  /**
   * Hands one OTLP body to the worker (transferred, not copied). Answers `busy` at once, without
   * queueing, when `maxPendingRequests` requests are in flight or the body would take the bytes
   * in flight past `maxPendingBytes`: the worker's queue stays bounded whatever the receivers do.
   */
  async ingest(params: IngestParams): Promise<IngestResult> {
    const size = params.body.byteLength;
    if (this.pendingIngests >= this.maxPendingRequests || (this.pendingIngests > 0 && this.pendingBytes + size > this.maxPendingBytes)) {
      return {
        status: 'busy',
        message: `Trace Lens is busy storing earlier requests (${this.pendingIngests} requests, ${this.pendingBytes} bytes in flight); retry later`,
      };
    }
    this.pendingIngests++;
    this.pendingBytes += size;
    try {
      const body = params.body;
      const transfer = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : undefined;
      return await this.channel.request('ingest', params, transfer);
    } finally {
      this.pendingIngests--;
      this.pendingBytes -= size;
    }
  }

  /** `true` when the receivers should answer 503 / RESOURCE_EXHAUSTED instead of reading more. */
  isOverloaded(): boolean {
    return this.pendingIngests >= this.maxPendingRequests || this.pendingBytes >= this.maxPendingBytes;
  }

  /** Requests and body bytes handed to the worker and not answered yet. */
  get inFlight(): { requests: number; bytes: number } {
    return { requests: this.pendingIngests, bytes: this.pendingBytes };
  }

  /**
   * Stops the worker; pending requests reject. With persistence on, first asks the worker for a
   * final snapshot and waits for it up to `SHUTDOWN_SNAPSHOT_TIMEOUT_MS`. Idempotent: every call
   * returns the same promise (so `deactivate` can await what the disposables started).
   */
  dispose(): Promise<void> {
    this.disposing ??= this.shutdown();
    return this.disposing;
  }

  private async shutdown(): Promise<void> {
    if (this.persistence?.mode === 'workspace' && this.persistence.dir) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_SNAPSHOT_TIMEOUT_MS)));
      await Promise.race([this.request('snapshot', {}).then(() => undefined, () => undefined), timeout]);
      clearTimeout(timer);
    }
    this.disposed = true;
    this.channel.close();
    await this.worker.terminate();
  }

  private spawn(): void {
    const data: BackendStartData = { config: this.config, ...(this.persistence ? { persistence: this.persistence } : {}) };
    const worker = new Worker(this.options.workerPath, { workerData: data });
    const channel = new Channel<HostToBackendMessage, BackendEvent, HostRequests, BackendRequests>(
      (envelope, transfer) => worker.postMessage(envelope, transfer ?? []),
      {},
      (event) => this.options.onEvent(event),
    );
    worker.on('message', (message) => channel.receive(message));
    worker.on('error', (error) => this.onDeath(worker, `back end thread failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => this.onDeath(worker, `back end thread exited with code ${code}`));
    this.worker = worker;
    this.channel = channel;
  }

  private onDeath(worker: Worker, reason: string): void {
    if (worker !== this.worker || this.disposed) return;
    this.channel.close();
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const gaveUp = this.restarts.length >= MAX_RESTARTS;
    this.options.onRestart?.(reason, gaveUp);
    if (gaveUp) return;
    this.restarts.push(now);
    this.spawn();
  }
}
