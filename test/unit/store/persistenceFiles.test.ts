/**
 * What persistence does with files it did not write itself, through the real bundled worker and
 * real files in a temporary folder:
 * - an oversized snapshot file (a sparse file: it costs no disk) is refused from its size or its
 *   16-byte SQLite header, without reading the rest: quickly, with bounded memory, moved aside,
 *   the host told, and the store starts empty and keeps working (a valid export is stored and
 *   snapshotted afterwards);
 * - `*.corrupt-<time>` copies (they hold prompt text) do not pile up: at most one while
 *   persistence is on, none once it is off (at start, or switched off while running).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import type { PersistenceConfig } from '../../../src/core/store/config';
import type { BackendEvent } from '../../../src/core/backend/protocol';
import { SNAPSHOT_FILE_NAME, SnapshotFile } from '../../../src/core/store/persistence';
import { eventually, startWorker } from '../../support/pipeline';
import { fixtureBody } from '../../support/otlp';

let dir: string;
const running: BackendClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trace-lens-persistence-files-'));
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

const workspace = (): PersistenceConfig => ({ mode: 'workspace', dir });
const snapshotPath = () => join(dir, SNAPSHOT_FILE_NAME);
const corruptCopies = () => readdirSync(dir).filter((f) => f.startsWith(`${SNAPSHOT_FILE_NAME}.corrupt-`));

/** A file of `size` bytes that starts with `head` and is a hole after it (no disk blocks). */
function sparseFile(path: string, head: Uint8Array, size: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** Stores one valid export and checks it is there: "nothing accepted is lost" after an attack. */
async function validExportStored(client: BackendClient): Promise<void> {
  const result = await client.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: fixtureBody('traces-basic-proto.binpb'), maxBodyBytes: 1 << 24 });
  expect(result.status).toBe('ok');
  expect((await client.request('stats', {})).spanCount).toBeGreaterThan(0);
}

/** Peak RSS of this process (the worker is a thread of it) while `run` runs, sampled every 5 ms. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakGrowth: number; ms: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const started = performance.now();
  try {
    const result = await run();
    const ms = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakGrowth: peak - before, ms };
  } finally {
    clearInterval(sampler);
  }
}

const MiB = 1024 * 1024;
/** The largest store sql.js can hold (its 2 GiB WebAssembly heap): `MAX_SNAPSHOT_BYTES`. */
const STORE_CEILING_BYTES = 2 * 1024 * MiB;
/** Peak RSS growth allowed while a worker starts and refuses a big file: the worker and sql.js take ~40–80 MiB; reading the file would take 2 GB or more. */
const MAX_RSS_GROWTH_BYTES = 256 * MiB;
/** A refusal must not wait for the file: starting a worker takes ~0.2 s on the 2-core VM; reading 2 GB took seconds. */
const MAX_REFUSAL_MS = 1_000;

describe('oversized snapshot files (persistence on)', () => {
  it('a 2 GB file that is not SQLite is refused from its first 16 bytes: under 1 s, bounded memory, moved aside, empty store that works', async () => {
    sparseFile(snapshotPath(), Buffer.from('not a database, but 2 GB of it\n'), 2_000_000_000);
    let w!: ReturnType<typeof worker>;
    const { result: event, peakGrowth, ms } = await peakRss(async () => {
      w = worker(workspace());
      return eventually(() => w.events.find((e) => e.type === 'persistence'));
    });
    console.log(`2 GB non-SQLite snapshot: refused ${ms.toFixed(0)} ms after the worker started; peak RSS growth ${(peakGrowth / MiB).toFixed(0)} MiB`);
    expect(ms).toBeLessThan(MAX_REFUSAL_MS);
    expect(peakGrowth).toBeLessThan(MAX_RSS_GROWTH_BYTES);
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(event).toMatchObject({ kind: 'restoreFailed', path: snapshotPath() });
    expect(event.message).toMatch(/^snapshot unreadable: not a SQLite database/);
    expect(event.movedTo).toMatch(new RegExp(`${SNAPSHOT_FILE_NAME}\\.corrupt-\\d{4}-\\d\\d-\\d\\dT`));
    expect(statSync(event.movedTo!).size).toBe(2_000_000_000); // kept aside as it was
    expect(existsSync(snapshotPath())).toBe(false);
    expect((await w.client.request('stats', {})).traceCount).toBe(0);
    await validExportStored(w.client);
    expect((await w.client.request('snapshot', {})).written).toBe(true);
  });

  it('a file with a SQLite header but larger than any store can be (2 GiB + 1 page) is refused by its size, unread', async () => {
    sparseFile(snapshotPath(), Buffer.from('SQLite format 3\0', 'latin1'), STORE_CEILING_BYTES + 4096);
    let w!: ReturnType<typeof worker>;
    const { result: event, peakGrowth, ms } = await peakRss(async () => {
      w = worker(workspace());
      return eventually(() => w.events.find((e) => e.type === 'persistence'));
    });
    console.log(`2 GiB + 4 KiB SQLite-headed snapshot: refused ${ms.toFixed(0)} ms after the worker started; peak RSS growth ${(peakGrowth / MiB).toFixed(0)} MiB`);
    expect(ms).toBeLessThan(MAX_REFUSAL_MS);
    expect(peakGrowth).toBeLessThan(MAX_RSS_GROWTH_BYTES);
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(event.message).toMatch(/^snapshot unreadable: too large \(2147487744 bytes; a store holds at most 2147483648\)/);
    expect(existsSync(event.movedTo!)).toBe(true);
    expect(existsSync(snapshotPath())).toBe(false);
    await validExportStored(w.client);
  });

  it('a snapshot shorter than the SQLite header is refused the same way', async () => {
    writeFileSync(snapshotPath(), Buffer.from('SQLite'));
    const w = worker(workspace());
    const event = await eventually(() => w.events.find((e) => e.type === 'persistence'));
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(event.message).toMatch(/^snapshot unreadable: not a SQLite database/);
    await validExportStored(w.client);
  });

  it.skipIf(process.platform === 'win32')('a named pipe in place of the snapshot is refused at once (opening it does not wait for a writer)', async () => {
    execFileSync('mkfifo', [snapshotPath()]);
    const w = worker(workspace());
    const event = await eventually(() => w.events.find((e) => e.type === 'persistence'));
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(event.message).toBe('snapshot unreadable: not a regular file');
    expect(existsSync(snapshotPath())).toBe(false);
    await validExportStored(w.client);
  });

  it('a real snapshot still restores after the checks (same traces)', async () => {
    const first = worker(workspace());
    await validExportStored(first.client);
    const before = await first.client.request('listTraces', { limit: 100, offset: 0 });
    await first.client.dispose();
    running.splice(running.indexOf(first.client), 1);
    const second = worker(workspace());
    await eventually(() => second.events.find((e) => e.type === 'log' && /^restored \d+ traces/.test(e.message)));
    expect(await second.client.request('listTraces', { limit: 100, offset: 0 })).toEqual(before);
    expect(second.events.some((e) => e.type === 'persistence')).toBe(false);
  });
});

describe('the bytes of a good snapshot', () => {
  it('are read once, into one buffer that sql.js keeps as it is (Emscripten MEMFS slices it: a view, not a copy)', async () => {
    const first = worker(workspace());
    await validExportStored(first.client);
    await first.client.dispose();
    running.splice(running.indexOf(first.client), 1);
    const found = new SnapshotFile(dir).read();
    if (found.kind !== 'found') throw new Error(`expected the snapshot, got ${found.kind}`);
    expect(found.bytes.byteLength).toBe(statSync(snapshotPath()).size);
    // `new SQL.Database(bytes)` → MEMFS `write` → `bytes.slice(0, n)` on a first write: a view of
    // a Buffer, a copy of a plain Uint8Array (measured on a 144 MiB snapshot: restore peak RSS
    // growth 331–337 MiB with the view, 480–491 MiB with the copy).
    const kept = found.bytes.slice(0, found.bytes.byteLength);
    expect(kept.buffer).toBe(found.bytes.buffer);
    expect(kept.byteOffset).toBe(found.bytes.byteOffset);
  });
});

describe('corrupt copies (*.corrupt-<time>) hold prompt text: they do not pile up', () => {
  const oldCopy = (time: string) => join(dir, `${SNAPSHOT_FILE_NAME}.corrupt-${time}`);

  it('persistence on: a new corrupt copy replaces the older ones (at most one is kept)', async () => {
    writeFileSync(oldCopy('2024-01-01T00-00-00-000Z'), 'prompt text from an old session');
    writeFileSync(oldCopy('2024-06-01T00-00-00-000Z'), 'prompt text from another old session');
    writeFileSync(snapshotPath(), 'not a database either');
    const w = worker(workspace());
    const event = await eventually(() => w.events.find((e) => e.type === 'persistence'));
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(corruptCopies()).toEqual([event.movedTo!.split('/').pop()]);
    await validExportStored(w.client);
    expect((await w.client.request('snapshot', {})).written).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([SNAPSHOT_FILE_NAME, event.movedTo!.split('/').pop()].sort());
  });

  it('persistence on at start: copies left by earlier sessions are cut down to the newest one', async () => {
    writeFileSync(oldCopy('2024-01-01T00-00-00-000Z'), 'old');
    writeFileSync(oldCopy('2024-06-01T00-00-00-000Z'), 'newer');
    const w = worker(workspace());
    await validExportStored(w.client);
    expect(corruptCopies()).toEqual([`${SNAPSHOT_FILE_NAME}.corrupt-2024-06-01T00-00-00-000Z`]);
  });

  it('persistence off at start: the snapshot, every corrupt copy and leftover temporary files are deleted', async () => {
    writeFileSync(oldCopy('2024-01-01T00-00-00-000Z'), 'prompt text');
    writeFileSync(oldCopy('2024-06-01T00-00-00-000Z'), 'prompt text');
    writeFileSync(`${snapshotPath()}.tmp-12345-1`, 'prompt text of a write cut off by a crash');
    writeFileSync(snapshotPath(), 'prompt text');
    writeFileSync(join(dir, 'unrelated.txt'), 'not ours');
    const w = worker({ mode: 'off', dir });
    await validExportStored(w.client);
    expect(readdirSync(dir)).toEqual(['unrelated.txt']);
    const log = w.events.find((e) => e.type === 'log' && /^persistence is off: deleted/.test(e.message));
    expect(log).toMatchObject({ message: expect.stringContaining('4 files') });
  });

  it('switched off while a snapshot is being written: the file that write makes is deleted too', async () => {
    const w = worker(workspace());
    // 16 MiB of prompts: the snapshot copy takes 16 steps, between which the "off" arrives.
    const spans = Array.from({ length: 256 }, (_, i) => ({
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      name: `llm call ${i}`,
      startTimeUnixNano: '1732200000123456789',
      endTimeUnixNano: '1732200001123456789',
      attributes: [{ key: 'gen_ai.prompt', value: { stringValue: randomBytes(32 * 1024).toString('hex') } }],
    }));
    const body = new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] }));
    expect((await w.client.ingest({ signal: 'traces', format: 'json', encoding: 'identity', body, maxBodyBytes: 1 << 26 })).status).toBe('ok');
    const writing = w.client.request('snapshot', {});
    await w.client.setPersistence({ mode: 'off', dir });
    await writing;
    await eventually(() => readdirSync(dir).length === 0, 2_000).catch(() => undefined);
    expect(readdirSync(dir)).toEqual([]);
    await validExportStored(w.client);
  });

  it('switched off while running: the corrupt copy made at start is deleted with the snapshot', async () => {
    writeFileSync(snapshotPath(), 'not a database');
    const w = worker(workspace());
    const event = await eventually(() => w.events.find((e) => e.type === 'persistence'));
    if (event.type !== 'persistence') throw new Error('unreachable');
    expect(existsSync(event.movedTo!)).toBe(true);
    await validExportStored(w.client);
    expect((await w.client.request('snapshot', {})).written).toBe(true);
    await w.client.setPersistence({ mode: 'off', dir });
    expect(readdirSync(dir)).toEqual([]);
    await validExportStored(w.client);
  });
});
