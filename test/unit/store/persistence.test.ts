/**
 * Persistence (setting `traceLens.store.persistence`) through the real bundled worker and real
 * files in a temporary folder: round trip across worker restarts (explicit snapshot, the final
 * snapshot of `dispose`, the periodic one), a corrupt snapshot moved aside with the host told and
 * an empty, working store, and "off" writing nothing and deleting a leftover snapshot.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import type { PersistenceConfig } from '../../../src/core/store/config';
import type { BackendEvent } from '../../../src/core/backend/protocol';
import { SNAPSHOT_FILE_NAME } from '../../../src/core/store/persistence';
import { eventually, startWorker } from '../../support/pipeline';
import { fixtureBody } from '../../support/otlp';

let dir: string;
const running: BackendClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trace-lens-persistence-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

function worker(persistence: PersistenceConfig): { client: BackendClient; events: BackendEvent[] } {
  const w = startWorker({}, { persistence });
  running.push(w.client);
  return w;
}

async function stop(client: BackendClient): Promise<void> {
  running.splice(running.indexOf(client), 1);
  await client.dispose();
}

const workspace = (): PersistenceConfig => ({ mode: 'workspace', dir });
const snapshotPath = () => join(dir, SNAPSHOT_FILE_NAME);

async function ingestFixtures(client: BackendClient): Promise<void> {
  for (const [file, signal] of [['traces-basic-proto.binpb', 'traces'], ['genai-openai-traces-proto.binpb', 'traces'], ['genai-openai-logs-proto.binpb', 'logs']] as const) {
    const result = await client.ingest({ signal, format: 'protobuf', encoding: 'identity', body: fixtureBody(file), maxBodyBytes: 1 << 24 });
    expect(result.status).toBe('ok');
  }
}

/** Everything the views read, for comparing a store before and after a restart. */
async function contents(client: BackendClient) {
  const traces = await client.request('listTraces', { limit: 1000, offset: 0 });
  const skeletons = await Promise.all(traces.map((t) => client.request('traceSkeleton', { traceId: t.traceId })));
  const details = await Promise.all(skeletons.flatMap((sk) => sk!.spans.map((s) => client.request('spanDetail', { traceId: sk!.traceId, spanId: s.spanId }))));
  const { storeBytes: _b, ...stats } = await client.request('stats', {});
  return { traces, skeletons, details, stats };
}

describe('persistence on (workspace)', () => {
  it('round trip through a real worker: snapshot, restart, the same traces, spans, details and logs', async () => {
    const first = worker(workspace());
    await ingestFixtures(first.client);
    const before = await contents(first.client);
    expect(before.traces.length).toBeGreaterThan(1);
    expect(before.details.some((d) => d!.logs.length > 0)).toBe(true);
    const result = await first.client.request('snapshot', {});
    expect(result).toMatchObject({ written: true, path: snapshotPath() });
    expect(result.bytes).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([SNAPSHOT_FILE_NAME]); // no temporary file left behind
    expect(await first.client.request('snapshot', {})).toMatchObject({ written: false }); // unchanged: not rewritten
    await stop(first.client);

    const second = worker(workspace());
    expect(await contents(second.client)).toEqual(before);
    const log = await eventually(() => second.events.find((e) => e.type === 'log' && /^restored \d+ traces/.test(e.message)));
    expect(log).toBeTruthy();
  });

  it('dispose() writes a final snapshot (what deactivate awaits): traces received after the last snapshot survive', async () => {
    const first = worker(workspace());
    await ingestFixtures(first.client);
    await first.client.request('snapshot', {});
    const late = await first.client.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body: fixtureBody('traces-basic-json.json'), maxBodyBytes: 1 << 24 });
    expect(late.status).toBe('ok');
    const before = await contents(first.client);
    await stop(first.client);
    const second = worker(workspace());
    expect(await contents(second.client)).toEqual(before);
  });

  it('writes periodically while the store changes', async () => {
    const first = worker({ ...workspace(), intervalMs: 50 });
    await ingestFixtures(first.client);
    await eventually(() => existsSync(snapshotPath()));
    const before = await contents(first.client);
    // Wait for a tick after the last change, then read it back in a second worker.
    await eventually(async () => (await first.client.request('snapshot', {})).written === false);
    const second = worker(workspace());
    expect(await contents(second.client)).toEqual(before);
  });

  it('a corrupt snapshot is moved aside (*.corrupt-<time>), the host is told, and the store starts empty and works', async () => {
    writeFileSync(snapshotPath(), Buffer.from('this is not a SQLite database, just text that ends up on disk somehow '.repeat(100)));
    const w = worker(workspace());
    const event = await eventually(() => w.events.find((e) => e.type === 'persistence'));
    expect(event).toMatchObject({ type: 'persistence', kind: 'restoreFailed', path: snapshotPath() });
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(event.message).toMatch(/^snapshot unreadable: /);
    expect(event.movedTo).toMatch(new RegExp(`${SNAPSHOT_FILE_NAME}\\.corrupt-\\d{4}-\\d\\d-\\d\\dT`));
    expect(existsSync(event.movedTo!)).toBe(true);
    expect(existsSync(snapshotPath())).toBe(false);
    expect((await w.client.request('stats', {})).traceCount).toBe(0);
    await ingestFixtures(w.client);
    expect((await w.client.request('snapshot', {})).written).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([SNAPSHOT_FILE_NAME, event.movedTo!.split('/').pop()].sort());
  });

  it('a truncated snapshot (cut off mid-write by a crash of an older version) is refused the same way', async () => {
    const first = worker(workspace());
    await ingestFixtures(first.client);
    await first.client.request('snapshot', {});
    await stop(first.client);
    const { readFileSync } = await import('node:fs');
    const full = readFileSync(snapshotPath());
    writeFileSync(snapshotPath(), full.subarray(0, Math.floor(full.length / 2)));
    const second = worker(workspace());
    const event = await eventually(() => second.events.find((e) => e.type === 'persistence'));
    expect(event).toMatchObject({ kind: 'restoreFailed' });
    expect((await second.client.request('stats', {})).spanCount).toBe(0);
  });
});

describe('persistence off', () => {
  it('writes no file: not on request, not on dispose', async () => {
    const w = worker({ mode: 'off', dir });
    await ingestFixtures(w.client);
    expect(await w.client.request('snapshot', {})).toEqual({ written: false, bytes: 0, path: null, durationMs: 0 });
    await stop(w.client);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('deletes a snapshot left by an earlier session at start, and when switched off while running', async () => {
    const first = worker(workspace());
    await ingestFixtures(first.client);
    await stop(first.client);
    expect(existsSync(snapshotPath())).toBe(true);

    const off = worker({ mode: 'off', dir });
    expect((await off.client.request('stats', {})).traceCount).toBe(0);
    expect(existsSync(snapshotPath())).toBe(false);

    await off.client.setPersistence(workspace());
    await ingestFixtures(off.client);
    expect((await off.client.request('snapshot', {})).written).toBe(true);
    await off.client.setPersistence({ mode: 'off', dir });
    expect(readdirSync(dir)).toEqual([]);
  });
});
