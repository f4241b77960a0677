/**
 * The back end thread (a `worker_thread`, bundled as `dist/worker.js`): decompresses, decodes and
 * stores OTLP requests, and answers queries from the extension host. Everything that touches
 * protobufjs or sql.js runs here so the extension-host thread only routes small messages.
 *
 * Started by `BackendClient` with `workerData: BackendStartData`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as path from 'node:path';
import { Channel } from '../../protocol/channel';
import type { HostRequests, HostToBackendMessage, BackendEvent, BackendRequests } from './protocol';
import type { PersistenceConfig, StoreConfig } from '../store/config';
import { BackendService } from './backendService';
import { TurnQueue } from './turnQueue';
import { TraceStore } from '../store/traceStore';
import { StorePersistence, openPersistentStore } from '../store/persistence';

/** What the host passes at start. */
export interface BackendStartData {
  config: StoreConfig;
  /** Folder holding `sql-wasm.wasm`; defaults to this bundle's folder. */
  wasmDir?: string;
  /** Setting `traceLens.store.persistence` and its folder; absent: off, no folder. */
  persistence?: PersistenceConfig;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('backendWorker must run in a worker_thread');
  const data = workerData as BackendStartData;
  const wasmDir = data.wasmDir ?? __dirname;
  // Events raised while opening (a snapshot restored or refused) wait for the channel.
  const early: BackendEvent[] = [];
  const store = await openPersistentStore(
    (snapshot) => TraceStore.open({ locateFile: (file) => path.join(wasmDir, file), config: data.config, snapshot }),
    data.persistence,
    (event) => early.push(event),
  );
  // eslint-disable-next-line prefer-const
  let channel: Channel<BackendEvent, HostToBackendMessage, BackendRequests, HostRequests>;
  const emit = (event: BackendEvent) => channel.send(event);
  const service = new BackendService(store, emit);
  service.configureDecoding(data.config);
  const persistence = new StorePersistence(store, emit);
  if (data.persistence) persistence.configure(data.persistence);
  service.attachPersistence(persistence);
  channel = new Channel<BackendEvent, HostToBackendMessage, BackendRequests, HostRequests>(
    (envelope, transfer) => port.postMessage(envelope, transfer ?? []),
    service.handlers,
    () => undefined,
  );
  for (const event of early) channel.send(event);
  // One message per event-loop turn, queries first (turnQueue.ts): timers and the later write
  // slices of earlier requests are not starved while exporters keep the port busy.
  const inbox = new TurnQueue((message) => channel.receive(message));
  port.on('message', (message) => inbox.push(message));
  port.postMessage({ kind: 'message', body: { type: 'log', level: 'info', message: 'back end thread ready' } });
}

main().catch((error: unknown) => {
  // Surfaces as the Worker's 'error' event on the host.
  throw error instanceof Error ? error : new Error(String(error));
});
