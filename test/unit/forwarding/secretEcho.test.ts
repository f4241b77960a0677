/**
 * A backend that echoes the key back in its error body — JSON-escaped, URL-encoded, upper-cased,
 * inside base64, or cut at the length limit of the message — must not put it in the Trace Lens log
 * or in a target's last error. Through the real pipeline: OTLP/HTTP receiver → bundled back end
 * thread (dist/worker.js) → forwarder → a stand-in backend on 127.0.0.1 that answers each target
 * (one per echo form, told apart by the endpoint path) with its own error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest } from '../../../src/core/forwarding/otlpCodec';
import { resolveTarget } from '../../../src/core/forwarding/presets';
import { createRedactor, sensitiveStrings } from '../../../src/core/forwarding/transport';
import { spansToRequest } from '../../../src/core/forwarding/storedTrace';
import type { ResolvedTarget } from '../../../src/core/forwarding/types';
import { spanRecord, spanId, traceId } from '../../support/builders';
import { startBackend, type FakeBackend, type Reply } from '../../support/fakeBackend';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

/** Keys with the characters encoders treat differently: `/`, `+`, `=`, and a non-ASCII letter. */
const PUBLIC = 'pk-lf-7c1e/Pub+Key=9a';
const SECRET = 'sk-lf-4d2b/Sec+rét=K3y';
const BASIC = Buffer.from(`${PUBLIC}:${SECRET}`, 'utf8').toString('base64');
/** The same credentials inside a longer base64 text (another alignment: no substring of `BASIC`). */
const BASIC_INSIDE = Buffer.from(`user=${PUBLIC}:${SECRET}`, 'utf8').toString('base64');

/** JSON as Python's `json.dumps` (ASCII only) and PHP's `json_encode` (`\/`) write it. */
function jsonAscii(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** What each target's backend answers (by endpoint path). */
const ECHOES: Record<string, Reply> = {
  // 401/403: the whole body is dropped, whatever it holds.
  unauthorized: { status: 401, body: `{"message":"Invalid credentials ${SECRET} ${BASIC}","auth":"Basic ${BASIC}"}` },
  forbidden: { status: 403, body: `forbidden for public key ${PUBLIC.toUpperCase()} / ${encodeURIComponent(SECRET)}` },
  // Other refusals keep their body, with every form of the key replaced.
  'json-escaped': { status: 400, body: jsonAscii({ error: 'bad request', secretKey: SECRET, publicKey: PUBLIC }) },
  'url-encoded': { status: 400, body: `rejected: ?sk=${encodeURIComponent(SECRET)}&pk=${encodeURIComponent(PUBLIC)}&twice=${encodeURIComponent(encodeURIComponent(SECRET))}` },
  'upper-cased': { status: 400, body: `KEY ${SECRET.toUpperCase()} IS NOT VALID FOR ${PUBLIC.toUpperCase()}` },
  'basic-auth': {
    status: 400,
    body: `{"header":"Authorization: Basic ${BASIC}","again":"${BASIC_INSIDE}"}`,
  },
  // The key starts 10 characters before the 200-character cut of the message.
  'cut-at-limit': { status: 400, body: `${'x'.repeat(174)} key=${SECRET}` },
  // …and straddling the 2 KiB read limit, after enough blank space that it lands in the message.
  'cut-at-read-limit': { status: 400, body: `error:${' '.repeat(2030)}${SECRET} trailing` },
  // Retried (5xx): the last error and the retry log line.
  'server-error': { status: 502, body: `<html><body>upstream said: ${jsonAscii(SECRET)} / ${SECRET.toUpperCase()}</body></html>` },
};

/** Every 8-character piece of every form of a key, lower-cased: none may appear anywhere. */
function leakPieces(): string[] {
  const forms = [SECRET, PUBLIC, BASIC, BASIC_INSIDE.slice(8, -4), encodeURIComponent(SECRET), encodeURIComponent(PUBLIC), jsonAscii(SECRET).slice(1, -1), jsonAscii(PUBLIC).slice(1, -1)];
  const pieces = new Set<string>();
  for (const f of forms) for (let i = 0; i + 8 <= f.length; i++) pieces.add(f.slice(i, i + 8).toLowerCase());
  // Pieces that are only the key's public prefix say nothing about the key.
  for (const p of [...pieces]) if ('pk-lf-' .includes(p) || 'sk-lf-'.includes(p)) pieces.delete(p);
  return [...pieces];
}

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return leakPieces().filter((p) => lower.includes(p));
}

describe('a backend echoing the key in its error', () => {
  let p: Pipeline;
  let backend: FakeBackend;

  beforeAll(async () => {
    p = await startPipeline();
    backend = await startBackend((req) => {
      const name = req.path.split('/')[1] ?? '';
      return ECHOES[name] ?? { status: 200 };
    });
  });

  afterAll(async () => {
    await p?.close();
    await backend?.close();
  });

  it('never puts it in a log line, a last error or a send result; 401/403 bodies are dropped', async () => {
    const targets: ResolvedTarget[] = Object.keys(ECHOES).map((name) => {
      const r = resolveTarget({ name, preset: 'langfuse', endpoint: `${backend.url}/${name}` }, (slot) => ({ publicKey: PUBLIC, secretKey: SECRET })[slot as 'publicKey']);
      if (!r.ok) throw new Error(r.reason);
      return r.target;
    });
    await p.client.request('configureForwarding', {
      configId: 1,
      enabled: true,
      limits: { batchMaxBytes: 256 * 1024, batchIntervalMs: 10, queueMaxBytes: 4 * 1024 * 1024, requestTimeoutMs: 10_000 },
      targets,
    });

    const t = traceId(0x9e01);
    const body = encodeRequest('traces', 'protobuf', spansToRequest([spanRecord({ traceId: t, spanId: spanId(0x9e01), name: 'chat' })]));
    const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-protobuf' } });
    expect(res.status).toBe(200);

    // Every target answered with its error at least once (the 5xx one twice: first failure and a retry).
    const status = await eventually(async () => {
      const s = await p.client.request('forwardingStatus', {});
      const done = s.targets.every((x) => (x.name === 'server-error' ? x.consecutiveFailures >= 2 : x.rejectedItems === 1));
      return done ? s : undefined;
    }, 10_000);
    const byName = Object.fromEntries(status.targets.map((x) => [x.name, x]));
    expect(byName.unauthorized!.lastError).toBe('unauthorized (401); check the key (1 traces items refused, not retried)');
    expect(byName.forbidden!.lastError).toBe('forbidden (403); check the key (1 traces items refused, not retried)');
    // The rest of a refusal's body is still there to read.
    expect(byName['json-escaped']!.lastError).toContain('bad request');
    expect(byName['upper-cased']!.lastError).toContain('IS NOT VALID FOR');
    expect(byName['cut-at-limit']!.lastError).toContain('xxxx');
    expect(byName['server-error']!.lastError).toContain('upstream said');

    // A manual send ("Send Trace to…") reports the same kind of message.
    const sent = await p.client.request('forwardTraces', { traceIds: [t], targets: ['unauthorized', 'url-encoded'] });
    expect(sent.results.map((r) => r.ok)).toEqual([false, false]);
    expect(sent.results[0]!.message).toBe('unauthorized (401); check the key');

    const logs = p.events.filter((e) => e.type === 'log').map((e) => JSON.stringify(e));
    expect(logs.some((l) => l.includes('unauthorized (401); check the key'))).toBe(true);
    expect(logs.some((l) => l.includes('server-error failed'))).toBe(true);
    const everything = JSON.stringify({ logs, status, sent });
    expect(leaks(everything)).toEqual([]);

    // Nothing accepted is lost: the trace and a later valid export are stored.
    const later = traceId(0x9e02);
    const res2 = await fetch(`${p.url}/v1/traces`, {
      method: 'POST',
      body: new Uint8Array(encodeRequest('traces', 'protobuf', spansToRequest([spanRecord({ traceId: later, spanId: spanId(0x9e02), name: 'after' })]))),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(res2.status).toBe(200);
    expect(await p.client.request('traceSkeleton', { traceId: t })).not.toBeNull();
    expect(await eventually(() => p.client.request('traceSkeleton', { traceId: later }))).not.toBeNull();
  });
});

describe('the redactor of log lines and error bodies', () => {
  const redact = createRedactor(sensitiveStrings({ authorization: `Basic ${BASIC}` }));

  it('finds the key in every form, also combined, and leaves the rest of the text alone', () => {
    const forms = [
      SECRET,
      SECRET.toUpperCase(),
      encodeURIComponent(SECRET),
      encodeURIComponent(encodeURIComponent(SECRET)),
      jsonAscii(SECRET),
      JSON.stringify(JSON.stringify({ key: SECRET })),
      jsonAscii(encodeURIComponent(SECRET)),
      SECRET.replace(/\//g, '&#x2F;').replace(/é/g, '&#233;'),
      BASIC,
      BASIC.toLowerCase(),
      Buffer.from(`${PUBLIC}:${SECRET}`).toString('base64url'),
      encodeURIComponent(BASIC_INSIDE),
      Buffer.from(`{"k":"${SECRET}"}`).toString('base64'),
    ];
    for (const form of forms) {
      const out = redact(`HTTP 400 Bad Request: invalid key <${form}> for span 4bf92f35`);
      expect(leaks(out), form).toEqual([]);
      expect(out, form).toMatch(/^HTTP 400 Bad Request: invalid key <.*\*\*\*.*> for span 4bf92f35$/);
    }
    const plain = 'HTTP 400 Bad Request: {"code":3,"message":"span 4bf92f35: name is empty; sk-lf- keys go in SecretStorage"}';
    expect(redact(plain)).toBe(plain);
  });

  it('a text cut at a limit loses an ending that begins the key (4 characters or more), in any form', () => {
    expect(redact(`error: key=${SECRET.slice(0, 10)}`, true)).toBe('error: key=***');
    expect(redact(`error: key=${encodeURIComponent(SECRET).slice(0, 14)}`, true)).toBe('error: key=***');
    expect(redact(`error: key=${SECRET.slice(0, 10)}`)).toBe(`error: key=${SECRET.slice(0, 10)}`);
    expect(redact(`error: key=${SECRET.slice(0, 3)}`, true)).toBe(`error: key=${SECRET.slice(0, 3)}`);
  });

  it('ignores values too short to be credentials', () => {
    expect(createRedactor(['4', 'otlp', 'abcde'])('version 4 via otlp: abcde')).toBe('version 4 via otlp: abcde');
  });
});
