/**
 * Store limits against resource churn, end to end: real OTLP/HTTP requests on 127.0.0.1 into the
 * real receiver and the bundled worker (`dist/worker.js`, sql.js store).
 *
 * The attack (issue "Security and robustness, round two", item 1): every request carries a new,
 * large resource (a fresh `process.pid` and a long command line: what a real app does mildly on
 * every start). Resources are stored once per distinct content; before the fix they were never
 * deleted, so the store grew past `traceLens.store.maxMegabytes` without bound and retention then
 * evicted every trace, including the one just answered 200.
 *
 * What a user relies on: the store's memory stays near the limit however many distinct resources
 * arrive, the newest accepted trace is still there, and an oversized resource is stored cut (with
 * the marker of src/model/limits.ts) while its span is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { truncationOf } from '../../../src/model/limits';
import { MAX_RESOURCE_JSON_CHARS } from '../../../src/core/store/traceStore';
import type { BackendEvent } from '../../../src/core/backend/protocol';
import { startPipeline, type Pipeline } from '../../support/pipeline';
import { encodeTraceRequest } from '../../support/otlp';

const MIB = 1024 * 1024;
const START = 1_732_200_000_000_000_000n;
const PROTO = { 'Content-Type': 'application/x-protobuf' };

let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

const traceIdOf = (n: number) => (0xc4a00000 + n).toString(16).padStart(32, '0');
const ns = (ms: number) => (START + BigInt(Math.round(ms * 1e6))).toString();
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/**
 * One export request: trace `n` (3 spans) from a process whose resource is unique to `n` and
 * about `resourceChars` characters (a command line, command args and an environment dump).
 */
function churnRequest(n: number, resourceChars: number): Uint8Array {
  const filler = (tag: string, chars: number) => `${tag}-${n}-`.padEnd(chars, String.fromCharCode(97 + (n % 26)));
  const part = Math.floor(resourceChars / 4);
  const resource = {
    attributes: [
      str('service.name', 'churn-app'),
      { key: 'process.pid', value: { intValue: String(10_000 + n) } },
      str('process.command_line', filler('cmd', part)),
      str('process.command_args', filler('args', part)),
      str('process.environment', filler('env', part)),
      str('host.description', filler('host', part)),
    ],
  };
  const traceId = traceIdOf(n);
  const span = (i: number, parent?: number) => ({
    traceId,
    spanId: (n * 16 + i + 1).toString(16).padStart(16, '0'),
    ...(parent !== undefined ? { parentSpanId: (n * 16 + parent + 1).toString(16).padStart(16, '0') } : {}),
    name: i === 0 ? `request ${n}` : `step ${i}`,
    kind: 1,
    // Each request's trace starts later than the previous one: the newest is also the youngest.
    startTimeUnixNano: ns(n * 1000 + i),
    endTimeUnixNano: ns(n * 1000 + i + 1),
  });
  return encodeTraceRequest({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: `scope-${n}`, version: '1.0.0' }, spans: [span(0), span(1, 0), span(2, 0)] }] }] });
}

async function post(url: string, body: Uint8Array): Promise<number> {
  const res = await fetch(`${url}/v1/traces`, { method: 'POST', body: body as BodyInit, headers: PROTO });
  await res.arrayBuffer();
  return res.status;
}

describe('resource churn against traceLens.store.maxMegabytes', () => {
  it('many requests, each with its own 256 KiB resource: the store stays near the limit and the newest trace stays', async () => {
    const maxMegabytes = 8;
    pipeline = await startPipeline({ store: { maxMegabytes } });
    const { url, client } = pipeline;
    const requests = 160; // 160 × 256 KiB = 40 MiB of distinct resources, 5× the limit
    let halfway = { storeBytes: 0, rss: 0 };
    for (let n = 1; n <= requests; n++) {
      expect(await post(url, churnRequest(n, 256 * 1024)), `request ${n}`).toBe(200);
      if (n === requests / 2) halfway = { storeBytes: (await client.request('stats', {})).storeBytes, rss: process.memoryUsage().rss };
    }
    const stats = await client.request('stats', {});
    const rss = process.memoryUsage().rss;
    console.log(
      `resource churn: ${requests} requests; store ${(halfway.storeBytes / MIB).toFixed(1)} MiB halfway, ${(stats.storeBytes / MIB).toFixed(1)} MiB at the end ` +
        `(limit ${maxMegabytes}); ${stats.traceCount} traces kept, ${stats.evictedTraceCount} evicted; RSS ${(halfway.rss / MIB).toFixed(0)} → ${(rss / MIB).toFixed(0)} MiB`,
    );

    // Held memory (every page, freed ones included) stays within the limit plus about one
    // request's worth: resources of evicted traces are deleted and their pages reused.
    expect(stats.storeBytes).toBeLessThanOrEqual((maxMegabytes + 1) * MIB);
    // Not growing with the number of distinct resources: the second half added (almost) nothing.
    expect(stats.storeBytes - halfway.storeBytes).toBeLessThan(1 * MIB);
    // Retention made room by evicting old traces, not by emptying the store.
    expect(stats.evictedTraceCount).toBeGreaterThan(0);
    expect(stats.traceCount).toBeGreaterThan(10);
    expect(stats.spanCount + stats.evictedSpanCount).toBe(3 * requests);

    // The trace just answered 200 is stored, with its own resource (cut to the cap, marked).
    const last = await client.request('traceSummary', { traceId: traceIdOf(requests) });
    expect(last?.spanCount).toBe(3);
    const skeleton = await client.request('traceSkeleton', { traceId: traceIdOf(requests) });
    const detail = await client.request('spanDetail', { traceId: traceIdOf(requests), spanId: skeleton!.spans[0]!.spanId });
    expect(detail?.span.resource.attributes['process.pid']).toBe(10_000 + requests);
    expect(detail?.span.resource.attributes['service.name']).toBe('churn-app');
    expect(JSON.stringify(detail?.span.resource).length).toBeLessThanOrEqual(MAX_RESOURCE_JSON_CHARS + 200);
    // The oldest traces went.
    expect(await client.request('traceSummary', { traceId: traceIdOf(1) })).toBeNull();
  }, 120_000);

  it('one resource past the cap is stored cut with the truncation marker; its span is kept whole', async () => {
    pipeline = await startPipeline();
    const { url, client } = pipeline;
    const bigValue = 'v'.repeat(200_000);
    const resource = {
      attributes: [str('service.name', 'huge-resource'), ...Array.from({ length: 8 }, (_, i) => str(`blob.${i}`, bigValue)), str('after.blobs', 'small')],
    };
    const traceId = traceIdOf(9_001);
    const spanId = '00000000000000a1';
    const body = encodeTraceRequest({
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: 'huge-scope', version: 'x'.repeat(300_000), attributes: Array.from({ length: 4 }, (_, i) => str(`scope.${i}`, bigValue)) },
              spans: [{ traceId, spanId, name: 'kept', kind: 1, startTimeUnixNano: ns(0), endTimeUnixNano: ns(1), attributes: [str('span.attr', 'whole')] }],
            },
          ],
        },
      ],
    });
    expect(await post(url, body)).toBe(200);

    const detail = await client.request('spanDetail', { traceId, spanId });
    expect(detail?.span.name).toBe('kept');
    expect(detail?.span.attributes['span.attr']).toBe('whole');
    const stored = detail!.span.resource;
    expect(stored.attributes['service.name']).toBe('huge-resource');
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(MAX_RESOURCE_JSON_CHARS + 200);
    // The attribute that crossed the cap is cut with the usual marker (original length kept)...
    const cut = Object.values(stored.attributes).map(truncationOf).filter((t) => t !== null);
    expect(cut).toHaveLength(1);
    expect(cut[0]!.originalLength).toBe(200_000);
    // ...and those past it are dropped and counted as OTLP does (dropped_attributes_count).
    const kept = Object.keys(stored.attributes).length;
    expect(stored.droppedAttributesCount).toBe(10 - kept);
    expect(stored.droppedAttributesCount).toBeGreaterThan(0);
    // The scope is capped the same way.
    expect(JSON.stringify(detail!.span.scope).length).toBeLessThanOrEqual(MAX_RESOURCE_JSON_CHARS + 200);
    expect(detail!.span.scope.name).toBe('huge-scope');
    // Nothing else lost: a normal export afterwards is stored.
    expect(await post(url, churnRequest(9_002, 1_000))).toBe(200);
    expect((await client.request('traceSummary', { traceId: traceIdOf(9_002) }))?.spanCount).toBe(3);
  }, 60_000);

  it('a limit below what the empty store itself needs: the trace just accepted is kept, and the log says why', async () => {
    pipeline = await startPipeline();
    const { url, client, events } = pipeline;
    // 16 KiB: less than the schema's own pages. Nothing retention may evict can bring the store
    // under it, so evicting the trace just accepted would only lose data.
    await client.request('configure', { maxSpans: 200_000, maxMegabytes: 1 / 64 });
    expect(await post(url, churnRequest(9_101, 1_000))).toBe(200);
    expect((await client.request('traceSummary', { traceId: traceIdOf(9_101) }))?.spanCount).toBe(3);
    // The next request's trace replaces it (the older one is evictable), and is kept in turn.
    expect(await post(url, churnRequest(9_102, 1_000))).toBe(200);
    expect((await client.request('traceSummary', { traceId: traceIdOf(9_102) }))?.spanCount).toBe(3);
    expect(await client.request('traceSummary', { traceId: traceIdOf(9_101) })).toBeNull();
    const warnings = events.filter((e): e is Extract<BackendEvent, { type: 'log' }> => e.type === 'log' && e.level === 'warn');
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/maxMegabytes/);
  }, 60_000);
});
