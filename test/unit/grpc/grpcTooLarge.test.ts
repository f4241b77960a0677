/**
 * OTLP/gRPC: a message over the size limit gets a clean `RESOURCE_EXHAUSTED` status (trailers the
 * exporter reads), never a reset stream or connection — every time — with the official
 * `@opentelemetry/exporter-trace-otlp-grpc` exporter against the real receiver and worker. The
 * sizes keep the ratio a user hit over HTTP (30 MiB against the default 20 MiB limit): 12 MiB
 * against 8 MiB, more than the HTTP/2 flow-control windows, so the exporter is still sending when
 * the receiver refuses. The companion of `test/unit/receiver/tooLargeBody.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { startGrpcPipeline, type GrpcPipeline } from '../../support/grpcPipeline';

const MiB = 1024 * 1024;
const LIMIT = 8 * MiB;
const RUNS = 10;

let p: GrpcPipeline;
beforeAll(async () => {
  p = await startGrpcPipeline({ maxMessageBytes: LIMIT });
});
afterAll(async () => {
  await p.close();
});

/** Collects ended SDK spans so the test can hand them to an exporter and see its result. */
class Collector implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function spansWith(name: string, blobBytes: number): ReadableSpan[] {
  const collector = new Collector();
  const provider = new TracerProvider({ spanProcessors: [collector] });
  provider.getTracer('too-large').startSpan(name, blobBytes ? { attributes: { 'app.blob': 'x'.repeat(blobBytes) } } : {}).end();
  return collector.spans;
}

async function exportOnce(spans: ReadableSpan[]): Promise<ExportResult> {
  const exporter = new OTLPTraceExporter({ url: p.url, timeoutMillis: 15_000 });
  try {
    return await new Promise((resolve) => exporter.export(spans, resolve));
  } finally {
    await exporter.shutdown();
  }
}

describe('OTLP/gRPC: a message over the size limit', () => {
  it(`gets RESOURCE_EXHAUSTED with the sizes, ${RUNS} times out of ${RUNS}; a valid export afterwards is stored`, async () => {
    const big = spansWith('big', 12 * MiB);
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      const result = await exportOnce(big);
      const error = result.error as (Error & { code?: number }) | undefined;
      const outcome = result.code === ExportResultCode.SUCCESS ? 'ok' : `${grpc.status[error?.code ?? -1] ?? error?.code}: ${error?.message.replace(/\(\d+ vs \d+\)/, '(sizes)')}`;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    // grpc-js's own check (`grpc.max_receive_message_length`), before the receiver reads the message.
    expect(outcomes).toEqual({ 'RESOURCE_EXHAUSTED: 8 RESOURCE_EXHAUSTED: Received message larger than max (sizes)': RUNS });

    const valid = spansWith('after-too-large', 0);
    expect((await exportOnce(valid)).code).toBe(ExportResultCode.SUCCESS);
    const traceId = valid[0].spanContext().traceId;
    expect((await p.client.request('traceSummary', { traceId }))?.rootName).toBe('after-too-large');
  });
});
