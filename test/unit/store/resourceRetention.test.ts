/**
 * Resources and instrumentation scopes under retention, on real sql.js: they are stored once per
 * distinct content (interning.ts) and must go when no span or log record refers to them any more
 * (eviction, deleteTrace, the log cap, a re-sent span moving elsewhere), with the in-memory
 * deduplication maps kept in step, also across a rolled-back transaction and a snapshot restore.
 * Otherwise every process start (a new `process.pid`) leaks a row that `maxMegabytes` counts but
 * retention can never free. Also: one resource or scope is capped in size, and bytes retention
 * cannot free never cost the newest trace.
 */
import initSqlJs from 'sql.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RESOURCE_JSON_CHARS, TraceStore } from '../../../src/core/store/traceStore';
import { capResource, capScope } from '../../../src/core/store/codec';
import { truncationOf } from '../../../src/model/limits';
import type { ResourceInfo, SpanRecord } from '../../../src/model/trace';
import { logRecord, resetBuilders, resourceInfo, scopeInfo, spanRecord, traceSpans } from '../../support/builders';
import { ROOMY_CONFIG, openStore, wasmBinary } from '../../support/storeHarness';

const stores: TraceStore[] = [];
beforeEach(() => resetBuilders());
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

async function store(config = ROOMY_CONFIG, snapshot?: Uint8Array): Promise<TraceStore> {
  const s = snapshot ? await TraceStore.open({ wasmBinary, config, snapshot }) : await openStore(config);
  stores.push(s);
  return s;
}

/** Rows of `store.resources` / `store.scopes`, read from a snapshot of the store (what a restart would load). */
async function storedRows(s: TraceStore): Promise<{ resources: number; scopes: number; pids: unknown[] }> {
  const SQL = await initSqlJs({ wasmBinary });
  const db = new SQL.Database(await s.exportSnapshot());
  try {
    const one = (sql: string) => db.exec(sql)[0]?.values ?? [];
    return {
      resources: one('SELECT count(*) FROM resources')[0]![0] as number,
      scopes: one('SELECT count(*) FROM scopes')[0]![0] as number,
      pids: one('SELECT json FROM resources ORDER BY id').map((r) => (JSON.parse(r[0] as string) as ResourceInfo).attributes['process.pid']),
    };
  } finally {
    db.close();
  }
}

/** The resource of one process run: same service, its own pid. */
const processResource = (pid: number): ResourceInfo => resourceInfo({ attributes: { 'service.name': 'svc', 'process.pid': pid } });

/** A trace of `n` spans starting at `startMs`, every span from `resource` and `scope`. */
function traceFrom(n: number, startMs: number, resource: ResourceInfo, scope = scopeInfo()): SpanRecord[] {
  return traceSpans(n, { startMs, each: () => ({ resource, scope }) });
}

describe('resources and scopes go with the last row that uses them', () => {
  it('eviction deletes the resources and scopes only the evicted traces used; shared ones stay; the maps follow', async () => {
    const s = await store({ maxSpans: 10, maxMegabytes: 1024 });
    const shared = resourceInfo({ serviceName: 'shared' });
    const sharedScope = scopeInfo({ name: 'shared-scope' });
    const traces = Array.from({ length: 6 }, (_, i) =>
      traceSpans(5, { startMs: i * 1000, each: (k) => (k < 4 ? { resource: processResource(1000 + i), scope: scopeInfo({ name: `scope-${i}` }) } : { resource: shared, scope: sharedScope }) }),
    );
    for (const t of traces) s.insertSpans(t);
    expect(s.stats()).toMatchObject({ traceCount: 2, evictedTraceCount: 4 });

    const rows = await storedRows(s);
    expect(rows.resources).toBe(3); // pids 1004, 1005 and the shared one
    expect(rows.scopes).toBe(3);
    expect(rows.pids).toEqual([undefined, 1004, 1005]);
    expect(s.internedCounts()).toEqual({ resourceRows: 3, scopeRows: 3, resourceKeys: 3, scopeKeys: 3 });
    // The survivors read back whole (their rows were not touched).
    const last = traces[5]!;
    expect(s.spanDetail(last[0]!.traceId, last[0]!.spanId)!.span.resource.attributes['process.pid']).toBe(1005);
    expect(s.spanDetail(last[4]!.traceId, last[4]!.spanId)!.span.resource.attributes['service.name']).toBe('shared');

    // The content of a deleted resource arriving again is stored again (not a dangling id).
    const again = traceFrom(5, 10_000, processResource(1000));
    s.insertSpans(again);
    expect(s.spanDetail(again[0]!.traceId, again[0]!.spanId)!.span.resource.attributes['process.pid']).toBe(1000);
    expect(s.traceSkeleton(again[0]!.traceId)!.spans[0]!.serviceName).toBe('svc');
    expect(s.internedCounts()).toMatchObject({ resourceRows: 3, resourceKeys: 3 });
  });

  it('deleteTrace deletes what only that trace used; a log record keeps its resource until the log goes', async () => {
    const s = await store();
    const r1 = processResource(1);
    const a = traceFrom(3, 0, r1);
    const b = traceFrom(3, 100, processResource(2));
    s.insertSpans([...a, ...b]);
    s.insertLogs([
      logRecord({ resource: r1 }), // uncorrelated, same resource as trace a
      logRecord({ traceId: b[0]!.traceId, spanId: b[0]!.spanId, resource: processResource(3), scope: scopeInfo({ name: 'log-scope' }) }),
    ]);
    expect(s.internedCounts()).toEqual({ resourceRows: 3, scopeRows: 2, resourceKeys: 3, scopeKeys: 2 });

    expect(s.deleteTrace(b[0]!.traceId)).toBe(true); // its spans (pid 2) and its log (pid 3, log-scope)
    expect(s.internedCounts()).toEqual({ resourceRows: 1, scopeRows: 1, resourceKeys: 1, scopeKeys: 1 });
    expect(s.deleteTrace(a[0]!.traceId)).toBe(true); // pid 1 is still used by the uncorrelated log
    expect(s.internedCounts()).toEqual({ resourceRows: 1, scopeRows: 1, resourceKeys: 1, scopeKeys: 1 });

    // The log goes (byte limit, no trace left): so do its resource and scope.
    s.configure({ maxSpans: 1000, maxMegabytes: 1 / 1024 });
    expect(s.stats().logCount).toBe(0);
    expect(s.internedCounts()).toEqual({ resourceRows: 0, scopeRows: 0, resourceKeys: 0, scopeKeys: 0 });
    expect((await storedRows(s)).resources).toBe(0);

    // Everything still works from there.
    s.configure(ROOMY_CONFIG);
    const c = traceFrom(2, 200, processResource(1));
    s.insertSpans(c);
    expect(s.spanDetail(c[1]!.traceId, c[1]!.spanId)!.span.resource.attributes['process.pid']).toBe(1);
  });

  it('a re-sent span that moves to another resource releases the old one', async () => {
    const s = await store();
    const span = spanRecord({ resource: processResource(1), scope: scopeInfo({ name: 'old' }) });
    s.insertSpans([span, spanRecord({ traceId: span.traceId, resource: processResource(9) })]);
    expect(s.internedCounts()).toMatchObject({ resourceRows: 2, scopeRows: 2 });
    s.insertSpans([{ ...span, resource: processResource(2), scope: scopeInfo({ name: 'new' }) }]);
    expect(s.spanDetail(span.traceId, span.spanId)!.span.resource.attributes['process.pid']).toBe(2);
    expect(s.spanDetail(span.traceId, span.spanId)!.span.scope.name).toBe('new');
    expect((await storedRows(s)).pids).toEqual([9, 2]);
    expect(s.internedCounts()).toEqual({ resourceRows: 2, scopeRows: 2, resourceKeys: 2, scopeKeys: 2 });
  });

  it('a rolled-back eviction keeps the resources it had deleted, in the tables and in the maps', async () => {
    const s = await store();
    const resources = [1, 2, 3].map(processResource);
    const traces = resources.map((r, i) => traceFrom(2, i * 100, r));
    for (const t of traces) s.insertSpans(t);
    // The second trace's deletion fails inside the eviction transaction, after the first trace
    // (and its resource) had been deleted in it.
    const q = (s as unknown as { q: Record<string, { run: (...args: unknown[]) => unknown }> }).q;
    const run = q.deleteTraceSummary!.run;
    let calls = 0;
    q.deleteTraceSummary!.run = function (this: unknown, ...args: unknown[]) {
      if (++calls === 2) throw new Error('injected failure');
      return run.apply(this, args);
    };
    expect(() => s.configure({ maxSpans: 2, maxMegabytes: 1024 })).toThrow('injected failure');
    q.deleteTraceSummary!.run = run;

    expect(s.stats().traceCount).toBe(3);
    expect(s.spanDetail(traces[0]![0]!.traceId, traces[0]![0]!.spanId)!.span.resource.attributes['process.pid']).toBe(1);
    expect(s.internedCounts()).toEqual({ resourceRows: 3, scopeRows: 1, resourceKeys: 3, scopeKeys: 1 });
    // The same content (a new object, so no identity shortcut) finds the restored row.
    s.configure(ROOMY_CONFIG);
    const d = traceFrom(1, 500, processResource(1));
    s.insertSpans(d);
    expect(s.internedCounts()).toMatchObject({ resourceRows: 3, resourceKeys: 3 });

    // Without the failure the eviction goes through, and pid 1 stays (trace d still uses it).
    s.configure({ maxSpans: 3, maxMegabytes: 1024 });
    expect(s.stats().traceCount).toBe(2);
    expect((await storedRows(s)).pids).toEqual([1, 3]);
    expect(s.internedCounts()).toEqual({ resourceRows: 2, scopeRows: 1, resourceKeys: 2, scopeKeys: 1 });
  });

  it('a span refused for an unencodable resource leaves no row behind for its (new) scope', async () => {
    const s = await store();
    const bad = spanRecord({ resource: resourceInfo({ attributes: { big: 10n as unknown as number } }), scope: scopeInfo({ name: 'only-here' }) });
    const badLog = logRecord({ resource: resourceInfo({ serviceName: 'fine' }), scope: scopeInfo({ attributes: { big: 10n as unknown as number } }) });
    expect(s.insertSpans([bad]).rejected).toBe(1);
    expect(s.insertLogs([badLog]).rejected).toBe(1);
    expect(s.internedCounts()).toEqual({ resourceRows: 0, scopeRows: 0, resourceKeys: 0, scopeKeys: 0 });
  });

  it('a rolled-back write forgets the resources it added', async () => {
    const s = await store();
    s.insertSpans(traceFrom(1, 0, processResource(1)));
    const q = (s as unknown as { q: Record<string, { first: (...args: unknown[]) => unknown }> }).q;
    const first = q.upsertTrace!.first;
    q.upsertTrace!.first = () => {
      throw new Error('injected failure');
    };
    expect(() => s.insertSpans(traceFrom(1, 100, processResource(2), scopeInfo({ name: 'new' })))).toThrow('injected failure');
    q.upsertTrace!.first = first;
    expect(s.internedCounts()).toEqual({ resourceRows: 1, scopeRows: 1, resourceKeys: 1, scopeKeys: 1 });
    const t = traceFrom(1, 200, processResource(2));
    s.insertSpans(t);
    expect(s.spanDetail(t[0]!.traceId, t[0]!.spanId)!.span.resource.attributes['process.pid']).toBe(2);
    expect(s.internedCounts()).toEqual({ resourceRows: 2, scopeRows: 1, resourceKeys: 2, scopeKeys: 1 });
  });
});

describe('snapshots', () => {
  it('restore rebuilds the reference counts and drops resources a snapshot kept for no row (files written before the fix)', async () => {
    const s = await store();
    const a = traceFrom(2, 0, processResource(1));
    const b = traceFrom(2, 100, processResource(2));
    s.insertSpans([...a, ...b]);
    // A snapshot as an older Trace Lens wrote it: 200 resources and scopes of long-gone traces.
    const SQL = await initSqlJs({ wasmBinary });
    const db = new SQL.Database(await s.exportSnapshot());
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 200; i++) {
      db.run('INSERT INTO resources (id, service_name, json) VALUES (?, ?, ?)', [1000 + i, 'old', JSON.stringify(resourceInfo({ attributes: { 'service.name': 'old', 'process.pid': 5000 + i, blob: big } }))]);
      db.run('INSERT INTO scopes (id, json) VALUES (?, ?)', [1000 + i, JSON.stringify(scopeInfo({ name: `old-${i}`, version: big }))]);
    }
    const leaky = db.export();
    db.close();

    const restored = await store(ROOMY_CONFIG, leaky);
    expect(restored.internedCounts()).toEqual({ resourceRows: 2, scopeRows: 1, resourceKeys: 2, scopeKeys: 1 });
    expect(restored.spanDetail(a[0]!.traceId, a[0]!.spanId)!.span.resource.attributes['process.pid']).toBe(1);
    // The restored counts are right: deleting a trace deletes its resource, and only that.
    restored.deleteTrace(a[0]!.traceId);
    expect((await storedRows(restored)).pids).toEqual([2]);
    expect(restored.internedCounts()).toEqual({ resourceRows: 1, scopeRows: 1, resourceKeys: 1, scopeKeys: 1 });
    // New content gets a new id; known content is found.
    const c = traceFrom(1, 300, processResource(2));
    const d = traceFrom(1, 400, processResource(7));
    restored.insertSpans([...c, ...d]);
    expect(restored.internedCounts()).toMatchObject({ resourceRows: 2, resourceKeys: 2 });
    expect(restored.spanDetail(d[0]!.traceId, d[0]!.spanId)!.span.resource.attributes['process.pid']).toBe(7);
  });
});

describe('the byte limit counts resources, and spares the newest trace what it cannot free', () => {
  it('a new 20 KB resource per trace: used bytes stay under maxMegabytes, held pages are reused, the newest trace stays', async () => {
    const s = await store({ maxSpans: 1_000_000, maxMegabytes: 1 });
    let last: SpanRecord[] = [];
    let halfway = 0;
    for (let i = 0; i < 300; i++) {
      last = traceFrom(3, i * 1000, resourceInfo({ attributes: { 'service.name': 'svc', 'process.pid': i, 'process.command_line': `run --id ${i} `.padEnd(20_000, 'z') } }));
      s.insertSpans(last);
      if (i === 149) halfway = s.stats().storeBytes;
    }
    const stats = s.stats();
    expect(s.usedBytes()).toBeLessThanOrEqual(1024 * 1024);
    expect(stats.storeBytes).toBeLessThan(1.3 * 1024 * 1024);
    expect(stats.storeBytes).toBeLessThanOrEqual(halfway + 64 * 1024);
    expect(stats.traceCount).toBeGreaterThan(5);
    expect(s.traceSummary(last[0]!.traceId)).not.toBeNull();
    expect(s.internedCounts()).toMatchObject({ resourceRows: stats.traceCount, resourceKeys: stats.traceCount });
  });

  it('bytes retention cannot free (a limit below the empty schema): the newest trace is kept, the state reported and logged once', async () => {
    const s = await store();
    const lines: string[] = [];
    s.setLog((level, message) => lines.push(`${level}: ${message}`));
    s.configure({ maxSpans: 1_000_000, maxMegabytes: 1 / 64 });
    const a = traceFrom(3, 0, processResource(1));
    const first = s.insertSpans(a);
    expect(first.removedTraceIds).toEqual([]);
    expect(s.traceSummary(a[0]!.traceId)?.spanCount).toBe(3);
    const check = s.enforceRetention();
    expect(check.pending).toBe(false);
    expect(check.removedTraceIds).toEqual([]);
    expect(check.overLimitBytes).toBeGreaterThan(0);
    // The next write's trace is the newest now; the older one is evictable and goes.
    const b = traceFrom(3, 100, processResource(2));
    const second = s.insertSpans(b);
    expect(second.removedTraceIds).toEqual([a[0]!.traceId]);
    expect(s.traceSummary(b[0]!.traceId)?.spanCount).toBe(3);
    expect(s.internedCounts()).toMatchObject({ resourceRows: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn: .*maxMegabytes/);
    // Within the limit again: nothing over.
    expect(s.configure(ROOMY_CONFIG).overLimitBytes).toBe(0);
  });

  it('the span limit still evicts a trace that alone is over it (spans are what it counts)', async () => {
    const s = await store({ maxSpans: 5, maxMegabytes: 1024 });
    const spans = traceSpans(8);
    expect(s.insertSpans(spans).removedTraceIds).toEqual([spans[0]!.traceId]);
    expect(s.internedCounts()).toEqual({ resourceRows: 0, scopeRows: 0, resourceKeys: 0, scopeKeys: 0 });
  });
});

describe('capResource / capScope: one resource or scope at most MAX_RESOURCE_JSON_CHARS of JSON', () => {
  it('returns a resource within the cap unchanged (the same object)', () => {
    const r = processResource(1);
    expect(capResource(r, MAX_RESOURCE_JSON_CHARS)).toBe(r);
    const sc = scopeInfo();
    expect(capScope(sc, MAX_RESOURCE_JSON_CHARS)).toBe(sc);
  });

  it('keeps service.name first, cuts the attribute that crosses the cap with the marker, drops and counts the rest', () => {
    const attributes: Record<string, unknown> = {};
    for (let i = 0; i < 6; i++) attributes[`big.${i}`] = `${i}`.repeat(1000);
    attributes['nested'] = { deep: ['x'.repeat(2000)] };
    attributes['x'.repeat(3000)] = 'long key';
    attributes['service.name'] = 'listed-last';
    const r: ResourceInfo = { attributes: attributes as ResourceInfo['attributes'], droppedAttributesCount: 2, schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' };
    const capped = capResource(r, 1500);
    expect(JSON.stringify(capped).length).toBeLessThanOrEqual(1500);
    expect(Object.keys(capped.attributes)[0]).toBe('service.name');
    expect(capped.attributes['service.name']).toBe('listed-last');
    const cut = Object.values(capped.attributes).map(truncationOf).filter((t) => t !== null);
    expect(cut).toHaveLength(1);
    expect(cut[0]!.originalLength).toBe(1000);
    const kept = Object.keys(capped.attributes).length;
    expect(capped.droppedAttributesCount).toBe(2 + (9 - kept));
    expect(capped.schemaUrl).toBe(r.schemaUrl);
    expect(r.attributes['big.5']).toHaveLength(1000); // the input is not changed
  });

  it('cuts huge scope names, versions and schema URLs and escapes-heavy values still fit', () => {
    const sc = scopeInfo({ name: 'n'.repeat(10_000), version: 'v'.repeat(10_000), schemaUrl: 'u'.repeat(10_000), attributes: { q: '"\u0001'.repeat(5_000) } });
    const capped = capScope(sc, 4096);
    expect(JSON.stringify(capped).length).toBeLessThanOrEqual(4096);
    expect(capped.name.startsWith('nnnn')).toBe(true);
    expect(truncationOf(capped.name)?.originalLength).toBe(10_000);
  });
});
