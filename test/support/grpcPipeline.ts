/**
 * The real ingest pipeline behind the gRPC receiver: the bundled worker (`dist/worker.js`, built
 * by globalSetup) behind an `BackendClient`, and an `OtlpGrpcReceiver` on 127.0.0.1:0.
 * Also a raw grpc-js client (identity serializers) for sending arbitrary message bytes.
 */
import * as grpc from '@grpc/grpc-js';
import { type BackendClient } from '../../src/core/backend/backendClient';
import { OtlpGrpcReceiver, type GrpcReceiverOptions } from '../../src/core/receiver/otlpGrpcReceiver';
import type { OtlpSignal } from '../../src/core/otlp/types';
import type { StoreConfig } from '../../src/core/store/config';
import type { BackendEvent } from '../../src/core/backend/protocol';
import { startWorker, type ClientOverrides } from './pipeline';

export interface GrpcPipeline {
  client: BackendClient;
  receiver: OtlpGrpcReceiver;
  port: number;
  /** `http://127.0.0.1:<port>`, the form exporters take. */
  url: string;
  events: BackendEvent[];
  logs: string[];
  close(): Promise<void>;
}

export async function startGrpcPipeline(options: Partial<GrpcReceiverOptions> & { store?: Partial<StoreConfig>; client?: ClientOverrides } = {}): Promise<GrpcPipeline> {
  const { client, events, logs } = startWorker(options.store, options.client);
  const receiver = new OtlpGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 20 * 1024 * 1024,
    ingest: (p) => client.ingest(p),
    isOverloaded: () => client.isOverloaded(),
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...options,
  });
  const started = await receiver.start();
  if (!started.ok) {
    await client.dispose();
    throw new Error(started.message);
  }
  return {
    client,
    receiver,
    port: started.port,
    url: `http://127.0.0.1:${started.port}`,
    events,
    logs,
    async close() {
      await receiver.stop();
      await client.dispose();
    },
  };
}

const SERVICE_PATHS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

/** Outcome of one raw unary call. */
export type RawResult =
  | { ok: true; response: Buffer }
  | { ok: false; code: grpc.status; details: string; metadata: grpc.Metadata };

/** A unary client that sends message bytes as they are and returns the response bytes. */
export class RawOtlpClient {
  private readonly client: grpc.Client;

  constructor(port: number, options: { gzip?: boolean; host?: string } = {}) {
    this.client = new grpc.Client(`${options.host ?? '127.0.0.1'}:${port}`, grpc.credentials.createInsecure(), {
      'grpc.default_compression_algorithm': options.gzip ? grpc.compressionAlgorithms.gzip : grpc.compressionAlgorithms.identity,
      // Test clients send oversize messages on purpose.
      'grpc.max_send_message_length': -1,
      // Own connection per client: the global subchannel pool would share one that a stopped
      // receiver left in reconnect backoff.
      'grpc.use_local_subchannel_pool': 1,
    });
  }

  export(signal: OtlpSignal | string, message: Uint8Array, timeoutMs = 10_000): Promise<RawResult> {
    const path = signal in SERVICE_PATHS ? SERVICE_PATHS[signal as OtlpSignal] : signal;
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(
        path,
        (b) => b,
        (b) => b,
        Buffer.from(message),
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error, response) => {
          if (error) resolve({ ok: false, code: error.code, details: error.details, metadata: error.metadata });
          else resolve({ ok: true, response: response ?? Buffer.alloc(0) });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
