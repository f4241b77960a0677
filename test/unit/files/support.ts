/** Helpers of the OTLP file tests: stored model of traces, fixture requests as lines, temp files. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import type { LogRecordInfo, SpanRecord } from '../../../src/model/trace';
import { FIXTURES } from '../../support/otlp';

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'trace-lens-files-'));
}

/** A captured OTLP/JSON request body of test/fixtures/otlp as one compact JSON line. */
export function fixtureLine(file: string): string {
  return JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')));
}

/** Every stored span of `traceIds` and the log records correlated with them, as the store gives them. */
export async function storedModel(client: BackendClient, traceIds: readonly string[]): Promise<{ spans: SpanRecord[]; logs: LogRecordInfo[] }> {
  const spans: SpanRecord[] = [];
  const logs: LogRecordInfo[] = [];
  for (const traceId of [...traceIds].sort()) {
    const skeleton = await client.request('traceSkeleton', { traceId });
    if (!skeleton) continue;
    for (const s of [...skeleton.spans].sort((a, b) => a.spanId.localeCompare(b.spanId))) {
      const detail = await client.request('spanDetail', { traceId, spanId: s.spanId });
      if (!detail) continue;
      spans.push(detail.span);
      logs.push(...detail.logs);
    }
  }
  return JSON.parse(JSON.stringify({ spans, logs })) as { spans: SpanRecord[]; logs: LogRecordInfo[] };
}

/** All stored trace ids. */
export async function allTraceIds(client: BackendClient): Promise<string[]> {
  return (await client.request('listTraces', { limit: 10_000, offset: 0 })).map((t) => t.traceId);
}
