/**
 * The `ingest` handler answers once a request is decoded and checked, and stores it from the next
 * turn on (src/core/backend/writeBacklog.ts): the answer leaves before the write, every other
 * request waits for the writes answered before it (read your writes), the backlog is bounded, the
 * early answer counts what the store refuses, writes keep their order, and a write that fails
 * after its answer is logged. Real BackendService on a real sql.js store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BackendService } from '../../../src/core/backend/backendService';
import { CHANGE_NOTIFY_INTERVAL_MS, type BackendEvent } from '../../../src/core/backend/protocol';
import type { IngestParams, IngestResult } from '../../../src/core/otlp/types';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { openStore } from '../../support/storeHarness';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** An OTLP/JSON span (ExportTraceServiceRequest member), as an SDK sends it. */
function jsonSpan(spanId: string, name: string, parentSpanId?: string): Record<string, unknown> {
  return {
    traceId: TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000100000000',
    status: {},
  };
}

function request(spans: Record<string, unknown>[]): IngestParams {
  const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
  return { signal: 'traces', format: 'json', encoding: 'identity', body: new TextEncoder().encode(JSON.stringify(body)), maxBodyBytes: 1 << 20 };
}

const spans = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => jsonSpan(`${prefix}${String(i).padStart(15, '0')}`.slice(0, 16), `span ${i}`));

let store: TraceStore;
let events: BackendEvent[];

async function open(options?: { maxUnstoredItems?: number }): Promise<BackendService> {
  store = await openStore();
  events = [];
  return new BackendService(store, (e) => events.push(e), options);
}

afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, CHANGE_NOTIFY_INTERVAL_MS + 20));
  if (!store.isClosed) store.close();
});

describe('the ingest handler', () => {
  it('answers before the spans are stored, and the next query sees them', async () => {
    const service = await open();
    const answer = (await service.handlers.ingest(request(spans(20)))) as IngestResult;
    expect(answer).toEqual({ status: 'ok', accepted: 20, rejected: 0, errorMessage: '' });
    // The write runs from the next turn on: nothing is stored when the answer is known.
    expect(store.stats().spanCount).toBe(0);
    // A query sent after the answer waits for that write.
    const skeleton = await service.handlers.traceSkeleton({ traceId: TRACE });
    expect(skeleton?.spans).toHaveLength(20);
    expect(store.stats().spanCount).toBe(20);
  });

  it('reports refused spans in the early answer (partial_success) exactly as the answer after the write does', async () => {
    // A malformed span id and a start time that is not a number: refused while decoding; whatever
    // reaches the store is checked before the answer by the store's own rules (codec.ts).
    const body = [...spans(3), { ...jsonSpan('b000000000000001', 'bad id'), spanId: 'xyz' }, { ...jsonSpan('b000000000000002', 'bad time'), startTimeUnixNano: 'soon' }];
    const early = await open();
    const earlyAnswer = (await early.handlers.ingest(request(body))) as IngestResult;
    await early.handlers.listTraces({ limit: 10, offset: 0 });
    const storedCount = store.stats().spanCount;
    store.close();
    // The same request answered after its write, from the store's own counts.
    const late = await open({ maxUnstoredItems: 0 });
    const lateAnswer = (await late.handlers.ingest(request(body))) as IngestResult;
    expect(lateAnswer.status).toBe('ok');
    expect(earlyAnswer).toEqual(lateAnswer);
    if (earlyAnswer.status !== 'ok') throw new Error('not ok');
    expect(earlyAnswer.accepted).toBe(3);
    expect(earlyAnswer.rejected).toBe(2);
    expect(earlyAnswer.errorMessage).not.toBe('');
    expect(storedCount).toBe(earlyAnswer.accepted);
  });

  it('answers after the write when the backlog is full (bounded: exporters slow to the storing rate)', async () => {
    const service = await open({ maxUnstoredItems: 30 });
    const first = service.handlers.ingest(request(spans(20, 'a')));
    await first;
    expect(store.stats().spanCount).toBe(0); // answered early: 20 of 30 items
    // 20 more do not fit: answered once stored (the first write too, which started before).
    await service.handlers.ingest(request(spans(20, 'b')));
    expect(store.stats().spanCount).toBe(40);
  });

  it.each([
    ['both answered early', undefined],
    ['the second answered once stored, while the first waits to start', 1],
  ])('stores writes in the order their requests were answered (%s): a re-sent span keeps its last version', async (_, maxUnstoredItems) => {
    const service = await open({ maxUnstoredItems });
    const id = 'c000000000000001';
    await service.handlers.ingest(request([jsonSpan(id, 'first version')]));
    expect(store.stats().spanCount).toBe(0);
    await service.handlers.ingest(request([jsonSpan(id, 'second version')]));
    const skeleton = await service.handlers.traceSkeleton({ traceId: TRACE });
    expect(skeleton?.spans.map((s) => s.name)).toEqual(['second version']);
  });

  it('in-process ingest (tests, file imports) settles once stored', async () => {
    const service = await open();
    await service.ingest(request(spans(5)));
    expect(store.stats().spanCount).toBe(5);
  });

  it('logs a write that fails after its answer, and keeps answering', async () => {
    const service = await open();
    const answer = (await service.handlers.ingest(request(spans(3)))) as IngestResult;
    expect(answer.status).toBe('ok');
    store.close(); // the write, due in the next turn, now fails
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', level: 'error', message: expect.stringContaining('already answered failed') }));
  });
});
