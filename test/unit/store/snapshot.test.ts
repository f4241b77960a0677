/**
 * Store snapshots (persistence): `exportSnapshot` and `open({ snapshot })` on real sql.js. A
 * restored store answers every query as the original did (summaries, skeletons with GenAI
 * badges, details, logs, code index, counters) and keeps working (new ids never collide). A
 * damaged, foreign or other-version snapshot is refused with a `SnapshotError`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_SCHEMA_VERSION, SnapshotError, TraceStore } from '../../../src/core/store/traceStore';
import { genaiIngestAnnotator } from '../../../src/core/genai/badge';
import { exceptionEvent, logRecord, nanos, resourceInfo, spanRecord, traceId, spanId, traceSpans } from '../../support/builders';
import { ROOMY_CONFIG, openStore, wasmBinary } from '../../support/storeHarness';

const open: TraceStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function fresh(snapshot?: Uint8Array): Promise<TraceStore> {
  const store = snapshot ? await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, snapshot, annotator: genaiIngestAnnotator }) : await openStore();
  store.setAnnotator(genaiIngestAnnotator);
  open.push(store);
  return store;
}

/** Everything a view can ask about the store's traces, for comparing two stores. */
function everything(store: TraceStore) {
  const traces = store.listTraces(10_000);
  const { storeBytes: _bytes, ...counts } = store.stats();
  return {
    counts,
    traces,
    sessions: store.listSessions(100),
    skeletons: traces.map((t) => store.traceSkeleton(t.traceId)),
    details: traces.flatMap((t) => store.traceSkeleton(t.traceId)!.spans.map((s) => store.spanDetail(t.traceId, s.spanId))),
    code: store.codeStatsForFile(['/app/agent.py']),
  };
}

/** A store with several resources, GenAI spans (badge names), code locations, an exception and logs. */
async function populated(): Promise<{ store: TraceStore; tid: string }> {
  const store = await fresh();
  const tid = traceId();
  const root = spanId();
  const chat = spanId();
  store.insertSpans([
    spanRecord({ traceId: tid, spanId: root, name: 'invoke_agent planner', attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'session.id': 's-1' } }),
    spanRecord({
      traceId: tid,
      spanId: chat,
      parentSpanId: root,
      name: 'chat gpt-4o-mini',
      startTimeUnixNano: nanos(1),
      endTimeUnixNano: nanos(5),
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 7, 'code.file.path': '/app/agent.py', 'code.line.number': 12 },
      resource: resourceInfo({ serviceName: 'agent-app' }),
    }),
    spanRecord({
      traceId: tid,
      spanId: spanId(),
      parentSpanId: root,
      name: 'execute_tool lookup',
      status: { code: 'error', message: 'boom' },
      events: [exceptionEvent('boom', { attributes: { 'exception.type': 'KeyError', 'exception.message': 'boom', 'exception.stacktrace': 'Traceback (most recent call last):\n  File "/app/agent.py", line 30, in lookup\n    raise KeyError("boom")\nKeyError: boom' } })],
      resource: resourceInfo({ serviceName: 'tools' }),
    }),
    ...traceSpans(20),
  ]);
  store.insertLogs([logRecord({ traceId: tid, spanId: chat, eventName: 'gen_ai.user.message', body: { content: 'What is the weather?' } }), logRecord()]);
  return { store, tid };
}

describe('exportSnapshot → open({ snapshot })', () => {
  it('round-trips every query result, counters and the code index', async () => {
    const { store, tid } = await populated();
    const before = everything(store);
    expect(before.skeletons[0]!.spans.some((s) => s.genai?.model === 'gpt-4o-mini')).toBe(true);
    expect(before.code.lines.length).toBeGreaterThan(0);
    const bytes = await store.exportSnapshot();
    expect(Buffer.from(bytes.subarray(0, 16)).toString('latin1')).toBe('SQLite format 3\0');
    const restored = await fresh(bytes);
    expect(everything(restored)).toEqual(before);
    expect(restored.traceSummary(tid)?.sessionId).toBe('s-1');
  });

  it('a restored store keeps working: new rows get fresh ids, known resources are reused, seq keeps rising', async () => {
    const { store } = await populated();
    const restored = await fresh(await store.exportSnapshot());
    const seq = restored.currentSeq();
    const tid = traceId();
    const result = restored.insertSpans([
      spanRecord({ traceId: tid, name: 'after restore', resource: resourceInfo({ serviceName: 'agent-app' }) }),
      spanRecord({ traceId: tid, spanId: spanId(), parentSpanId: null, name: 'new service', resource: resourceInfo({ serviceName: 'brand-new' }) }),
    ]);
    expect(result).toMatchObject({ inserted: 2, rejected: 0 });
    expect(result.seq).toBeGreaterThan(seq);
    const skeleton = restored.traceSkeleton(tid)!;
    expect(skeleton.spans.map((s) => s.serviceName).sort()).toEqual(['agent-app', 'brand-new']);
    for (const s of skeleton.spans) expect(restored.spanDetail(tid, s.spanId)?.span.name).toBe(s.name);
    // Every earlier span still reads its own detail (no detail id was reused).
    const old = store.listTraces(100).map((t) => t.traceId);
    for (const id of old) {
      for (const s of restored.traceSkeleton(id)!.spans) expect(restored.spanDetail(id, s.spanId)?.span.name).toBe(s.name);
    }
    expect(restored.stats().spanCount).toBe(store.stats().spanCount + 2);
  });

  it('includes writes made while the copy runs (ingest between steps), and an empty store round-trips too', async () => {
    const store = await fresh();
    store.insertSpans(traceSpans(20_000));
    let writes = 0;
    const bytes = await store.exportSnapshot({
      yieldToEventLoop: async () => {
        if (writes++ < 5) store.insertSpans(traceSpans(200));
        await new Promise((r) => setImmediate(r));
      },
    });
    expect(writes).toBeGreaterThan(1);
    const restored = await fresh(bytes);
    expect(restored.stats().spanCount).toBe(store.stats().spanCount);
    expect(restored.listTraces(10_000)).toEqual(store.listTraces(10_000));

    const empty = await fresh();
    const again = await fresh(await empty.exportSnapshot());
    expect(again.stats()).toMatchObject({ traceCount: 0, spanCount: 0, logCount: 0 });
  });

  it('after clear, a snapshot holds nothing of before (GenAI names included)', async () => {
    const { store } = await populated();
    await store.exportSnapshot();
    store.clear();
    store.insertSpans([spanRecord({ name: 'only one' })]);
    const restored = await fresh(await store.exportSnapshot());
    expect(restored.listTraces(10).map((t) => t.rootName)).toEqual(['only one']);
    expect(restored.listSessions(10)).toEqual([]);
  });
});

describe('damaged snapshots are refused, never half-restored', () => {
  it('random bytes, a truncated file, another schema version → SnapshotError with a one-line reason', async () => {
    const { store } = await populated();
    const good = await store.exportSnapshot();
    const random = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 2654435761) >>> 24);
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    const otherVersion = Uint8Array.from(good);
    new DataView(otherVersion.buffer).setUint32(60, 99); // header offset 60: user_version
    const zeroed = Uint8Array.from(good);
    zeroed.fill(0, 4096 * 2, 4096 * 3); // one page of b-tree content wiped
    const reasons: string[] = [];
    for (const snapshot of [random, truncated, otherVersion, zeroed, new Uint8Array(0)]) {
      const error = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG, snapshot }).then(
        (s) => {
          s.close();
          return null;
        },
        (e: unknown) => e,
      );
      expect(error, `snapshot of ${snapshot.length} bytes`).toBeInstanceOf(SnapshotError);
      reasons.push((error as Error).message);
    }
    for (const r of reasons) expect(r).not.toContain('\n');
    expect(reasons[2]).toBe(`snapshot has schema version 99, this Trace Lens reads version ${STORE_SCHEMA_VERSION}`);
    // The store that made them is unaffected, and a fresh one opens fine.
    expect((await fresh()).stats().spanCount).toBe(0);
    expect(store.stats().spanCount).toBeGreaterThan(0);
  });
});
