/**
 * A body over the size limit gets a 413 its sender reads — every time, not in most runs — over
 * real HTTP on 127.0.0.1 into the real receiver and ingest worker, with the clients a new user
 * has at hand: Node's `http.request` (with `Content-Length`, chunked without it, keep-alive,
 * `Expect: 100-continue`), Node's `fetch` (undici), `curl`, and a raw socket that writes the whole
 * body before reading (as Python's http.client does). The racing clients run in a process of their
 * own (`test/support/oversizedClient.mjs`), as a user's program does: in this process they would
 * share the receiver's event loop, which hides the race between their writes and its close.
 *
 * An exporter that sees a network error (EPIPE, ECONNRESET) retries the same body; one that sees
 * 413 does not (OTLP/HTTP §Failures). So each client sends the oversized body 20 times on fresh
 * connections and every answer must be a readable 413, never a reset.
 *
 * The sizes keep the ratio a user hit (a 30 MiB JSON body against the default 20 MiB limit):
 * 12 MiB against 8 MiB, more than loopback socket buffers hold, so the client is still writing
 * when the receiver answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPipeline, type Pipeline } from '../../support/pipeline';
import { encodeTraceRequest } from '../../support/otlp';

const MiB = 1024 * 1024;
const LIMIT = 8 * MiB;
const RUNS = 20;
/** An OTLP/JSON body of `bytes` bytes (one span whose name fills it): valid JSON, just too large. */
function jsonBody(bytes: number): Buffer {
  const head = '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"';
  const tail = '"}]}]}]}';
  return Buffer.from(head + 'x'.repeat(bytes - head.length - tail.length) + tail);
}
const BIG_BYTES = 12 * MiB;
const BIG = jsonBody(BIG_BYTES);
const CLIENT = join(__dirname, '..', '..', 'support', 'oversizedClient.mjs');

/**
 * Runs `oversizedClient.mjs` (in its own process) against `url`: `runs` POSTs of a `bytes`-byte
 * body in `mode`; resolves with its tally, outcome → count.
 */
function clientRuns(url: string, mode: 'length' | 'chunked' | 'expect' | 'fetch' | 'writeAll', runs: number, bytes: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLIENT, `${url}/v1/traces`, mode, String(runs), String(bytes)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${mode}: ${error.message} ${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, number>);
    });
  });
}

let p: Pipeline;
let traceCounter = 1;
beforeAll(async () => {
  p = await startPipeline({ maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await p.close();
});

interface Posted {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `Expect: 100-continue` only: whether the receiver said `100 Continue`. */
  continued: boolean;
}

/**
 * POSTs `body` to `path` with `http.request` from this process, with `Content-Length`, or also
 * with `Expect: 100-continue` (the body is written only on `100 Continue`). Rejects with the
 * network error.
 */
function post(body: Buffer, options: { expect?: boolean; agent?: http.Agent; contentType?: string; path?: string } = {}): Promise<Posted> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': body.length };
    if (options.expect) headers.Expect = '100-continue';
    let continued = false;
    const req = http.request(`${p.url}${options.path ?? '/v1/traces'}`, { method: 'POST', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), continued }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.expect) {
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
    } else {
      req.end(body);
    }
  });
}

/** One valid span in a new trace as OTLP/protobuf (optionally with `Expect: 100-continue`): answered 200 and stored. */
async function expectStored(options: { agent?: http.Agent; expect?: boolean } = {}): Promise<void> {
  const traceId = (0x7a00_0000 + traceCounter++).toString(16).padStart(32, '0');
  const body = Buffer.from(encodeTraceRequest({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '00000000000000a1', name: 'after-413', startTimeUnixNano: '1732200000000000000', endTimeUnixNano: '1732200000500000000' }] }] }],
  }));
  const res = await post(body, { ...options, contentType: 'application/x-protobuf' });
  expect(res.status).toBe(200);
  if (options.expect) expect(res.continued).toBe(true);
  expect((await p.client.request('traceSummary', { traceId }))?.rootName).toBe('after-413');
}

describe('a body over the size limit: 413 every time, never EPIPE or ECONNRESET', () => {
  it('the answer: 413, Connection: close, the reason', async () => {
    const res = await post(BIG);
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    // OTLP/HTTP §Failures: a google.rpc.Status in the request's encoding (JSON here); 8 = RESOURCE_EXHAUSTED.
    expect(JSON.parse(res.body)).toEqual({ code: 8, message: `request body of ${BIG_BYTES} bytes exceeds the limit of ${LIMIT} bytes (setting traceLens.receiver.maxBodyMegabytes)` });
  });

  it(`http.request with Content-Length, ${RUNS} times`, async () => {
    expect(await clientRuns(p.url, 'length', RUNS, BIG_BYTES)).toEqual({ 413: RUNS });
    await expectStored();
  });

  it(`chunked, without Content-Length (the limit is found while the body streams), ${RUNS} times`, async () => {
    expect(await clientRuns(p.url, 'chunked', RUNS, BIG_BYTES)).toEqual({ 413: RUNS });
    expect(p.logs.some((l) => /→ 413: request body of \d+ bytes exceeds the limit of 8388608 bytes/.test(l))).toBe(true);
    await expectStored();
  });

  it(`fetch (undici), ${RUNS} times`, async () => {
    expect(await clientRuns(p.url, 'fetch', RUNS, BIG_BYTES)).toEqual({ 413: RUNS });
    await expectStored();
  });

  it(`a client that writes the whole body before it reads, ${RUNS} times`, async () => {
    expect(await clientRuns(p.url, 'writeAll', RUNS, BIG_BYTES)).toEqual({ 413: RUNS });
    await expectStored();
  });

  it('HTTP/1.1 keep-alive: a valid export, the oversized one, a valid one again, on one pooled agent', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        await expectStored({ agent });
        const big = await post(BIG, { agent });
        expect(big.status).toBe(413);
        expect(big.headers.connection).toBe('close');
        await expectStored({ agent });
      }
    } finally {
      agent.destroy();
    }
  });
});

describe('Expect: 100-continue', () => {
  it(`over the limit: 413 instead of 100 Continue, so the body is never sent (${RUNS} times)`, async () => {
    expect(await clientRuns(p.url, 'expect', RUNS, BIG_BYTES)).toEqual({ 413: RUNS });
    const res = await post(BIG, { expect: true });
    expect(res).toMatchObject({ status: 413, continued: false });
    expect(res.headers.connection).toBe('close');
    await expectStored();
  });

  it('under the limit: 100 Continue, then the body is read and stored', async () => {
    await expectStored({ expect: true });
  });

  it('refused from its headers for another reason (unknown path): the answer instead of 100 Continue, connection closed', async () => {
    const res = await post(Buffer.alloc(1024, 0x20), { expect: true, path: '/v1/nothing-here' });
    expect(res).toMatchObject({ status: 404, continued: false });
    expect(res.headers.connection).toBe('close');
    await expectStored();
  });
});

const curl = spawnSync('curl', ['--version']).status === 0;

describe.skipIf(!curl)('curl', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trace-lens-413-'));
    file = join(dir, 'body.json');
    writeFileSync(file, BIG);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `curl --data-binary @file` with extra headers: `<status> up=0|body` (bytes uploaded), or `exit N: <error>`. */
  function curlPost(headers: string[]): Promise<string> {
    const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code} up=%{size_upload}', '-H', 'Content-Type: application/json', ...headers.flatMap((h) => ['-H', h]), '--data-binary', `@${file}`, `${p.url}/v1/traces`];
    return new Promise((resolve) => {
      execFile('curl', args, (error, stdout, stderr) => {
        resolve(error ? `exit ${String(error.code)}: ${stderr.trim()}` : stdout.replace(/up=(\d+)/, (_, n: string) => (Number(n) === 0 ? 'up=0' : 'up=body')));
      });
    });
  }

  async function curlRuns(headers: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      const outcome = await curlPost(headers);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    return counts;
  }

  it(`-H 'Expect: 100-continue', ${RUNS} times: 413, nothing uploaded`, async () => {
    expect(await curlRuns(['Expect: 100-continue'])).toEqual({ '413 up=0': RUNS });
  });

  it(`without Expect (-H 'Expect:'), ${RUNS} times: 413, curl exits 0`, async () => {
    const counts = await curlRuns(['Expect:']);
    // curl stops uploading once it has the answer, or has sent it all by then: both are fine.
    expect((counts['413 up=0'] ?? 0) + (counts['413 up=body'] ?? 0)).toBe(RUNS);
    await expectStored();
  });
});

describe('the receiver busy, and bodies far past the drain bound', () => {
  it('its event loop blocked for longer than the drain bound while a sender is still writing: the sender finishes and reads the 413', async () => {
    const q = await startPipeline({ maxBodyBytes: LIMIT, limits: { drainTimeoutMs: 1_000 } });
    try {
      const run = clientRuns(q.url, 'writeAll', 1, BIG_BYTES);
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (q.logs.some((l) => l.includes('→ 413'))) {
            clearInterval(check);
            resolve();
          }
        }, 1);
      });
      // The extension host busy with something else for longer than the drain bound, while the
      // rest of the body waits in the socket buffers: that time is not charged to the drain.
      const until = Date.now() + 2_500;
      while (Date.now() < until) { /* blocked */ }
      expect(await run).toEqual({ 413: 1 });
    } finally {
      await q.close();
    }
  });

  it('16 MiB written in one go against a 64 KiB limit (drain bound 128 KiB): the write completes and the 413 is read, then a FIN, not a reset', async () => {
    const q = await startPipeline({ maxBodyBytes: 64 * 1024 });
    try {
      expect(await clientRuns(q.url, 'writeAll', 5, 16 * MiB)).toEqual({ 413: 5 });
      expect(await clientRuns(q.url, 'length', 5, 16 * MiB)).toEqual({ 413: 5 });
    } finally {
      await q.close();
    }
  });
});
