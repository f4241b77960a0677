/**
 * Vendor base URLs on the OTLP/HTTP port (src/core/receiver/routes.ts): the paths the Langfuse
 * SDKs (`<LANGFUSE_BASE_URL>/api/public/otel/v1/traces`) and LangSmith
 * (`OTEL_EXPORTER_OTLP_ENDPOINT=<LANGSMITH_ENDPOINT>/otel` → `/otel/v1/traces`) build, over real
 * HTTP with the real worker and store. The credentials those SDKs send (Basic, Bearer,
 * `x-api-key`, `Langsmith-Project`) are accepted and ignored, and appear nowhere in what the
 * receiver logs, answers or forwards — on good requests and on refused ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest } from '../../../src/core/forwarding/otlpCodec';
import { resolveTarget } from '../../../src/core/forwarding/presets';
import { logsToRequest, spansToRequest } from '../../../src/core/forwarding/storedTrace';
import { logRecord, spanId, spanRecord, traceId } from '../../support/builders';
import { startBackend, type FakeBackend } from '../../support/fakeBackend';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const SECRET = 'SECRET-7d41c9e0-credential';
/** What Langfuse (Basic public:secret), LangSmith (x-api-key, Langsmith-Project) and Bearer clients send. */
const CREDENTIALS: Record<string, string> = {
  Authorization: `Basic ${Buffer.from(`pk-lf-1:${SECRET}`).toString('base64')}`,
  'x-api-key': SECRET,
  'Langsmith-Project': `project-${SECRET}`,
  'x-langfuse-public-key': `pk-${SECRET}`,
};
const BEARER = { Authorization: `Bearer ${SECRET}` };

let p: Pipeline;
let backend: FakeBackend;
/** Everything the receiver answered (status lines, headers, bodies), for the secret check. */
const answers: string[] = [];

beforeAll(async () => {
  p = await startPipeline();
  backend = await startBackend();
  const target = resolveTarget({ preset: 'otlp', name: 'copy', endpoint: backend.url, signals: ['traces', 'logs'] }, () => undefined);
  if (!target.ok) throw new Error(target.reason);
  await p.client.request('configureForwarding', {
    configId: 1,
    enabled: true,
    limits: { batchMaxBytes: 256 * 1024, batchIntervalMs: 20, queueMaxBytes: 16 * 1024 * 1024, requestTimeoutMs: 5_000 },
    targets: [target.target],
  });
});
afterAll(async () => {
  await p?.close();
  await backend?.close();
});

async function send(path: string, body: Uint8Array | string, headers: Record<string, string>, method = 'POST'): Promise<Response> {
  const payload = method !== 'POST' ? undefined : typeof body === 'string' ? body : new Uint8Array(body);
  const res = await fetch(`${p.url}${path}`, { method, body: payload, headers });
  const text = await res.clone().text();
  const responseHeaders: string[] = [];
  res.headers.forEach((value, name) => responseHeaders.push(`${name}: ${value}`));
  answers.push(`${res.status} ${res.statusText} ${responseHeaders.join('; ')} ${text}`);
  return res;
}

describe('vendor OTLP paths', () => {
  it('stores traces posted to the Langfuse and LangSmith paths with their credentials', async () => {
    const cases = [
      ['/api/public/otel/v1/traces', 'json', CREDENTIALS],
      ['/otel/v1/traces', 'protobuf', CREDENTIALS],
      ['/otel/v1/traces/', 'json', BEARER],
    ] as const;
    for (const [i, [path, format, headers]] of cases.entries()) {
      const t = traceId(0xa100 + i);
      const body = encodeRequest('traces', format, spansToRequest([spanRecord({ traceId: t, spanId: spanId(0xa100 + i), name: `via ${path}` })]));
      const res = await send(path, body, { 'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf', ...headers });
      expect(res.status).toBe(200);
      const summary = await eventually(() => p.client.request('traceSummary', { traceId: t }));
      expect(summary.rootName).toBe(`via ${path}`);
    }
  });

  it('accepts logs and metrics under the same prefixes (the SDK base URL applies to every signal)', async () => {
    const logs = encodeRequest('logs', 'json', logsToRequest([logRecord({ body: 'hello' })]));
    expect((await send('/otel/v1/logs', logs, { 'Content-Type': 'application/json', ...CREDENTIALS })).status).toBe(200);
    expect((await send('/api/public/otel/v1/logs', logs, { 'Content-Type': 'application/json', ...CREDENTIALS })).status).toBe(200);
    expect((await send('/api/public/otel/v1/metrics', '{}', { 'Content-Type': 'application/json', ...BEARER })).status).toBe(200);
  });

  it('refuses bad requests on those paths without echoing the credentials', async () => {
    expect((await send('/api/public/otel/v1/traces', '{not json', { 'Content-Type': 'application/json', ...CREDENTIALS })).status).toBe(400);
    expect((await send('/otel/v1/traces', 'x', { 'Content-Type': 'text/plain', ...CREDENTIALS })).status).toBe(415);
    expect((await send('/otel/v1/traces', '', CREDENTIALS, 'GET')).status).toBe(405);
    const notFound = await send(`/api/public/otel?api_key=${SECRET}`, '{}', { 'Content-Type': 'application/json', ...CREDENTIALS });
    expect(notFound.status).toBe(404);
    const hint = await notFound.text();
    expect(hint).toContain('/api/public/otel');
    expect(hint).toContain('/otel');
    expect(hint).toContain('/v1/traces/ingest');
    expect(hint).toContain('needs /v1/traces');
    expect(p.logs.some((l) => l.includes('/api/public/otel?…'))).toBe(true);
  });

  it('answers CORS preflights for the credential headers on the vendor paths', async () => {
    const res = await fetch(`${p.url}/api/public/otel/v1/traces`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,x-api-key,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,x-api-key,content-type');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('never logs, answers or forwards a credential value', async () => {
    await eventually(() => backend.requests.length >= 2 || null, 5000);
    expect(answers.length).toBeGreaterThan(5);
    expect(p.logs.length).toBeGreaterThan(0);
    const forwarded = backend.requests.map((r) => `${r.path} ${JSON.stringify(r.headers)} ${Buffer.from(r.body).toString('latin1')}`);
    for (const text of [...p.logs, ...answers, ...forwarded]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(`pk-lf-1:${SECRET}`).toString('base64'));
    }
    // The forwarded copies carry none of the incoming credential headers.
    for (const r of backend.requests) {
      expect(r.headers['x-api-key']).toBeUndefined();
      expect(r.headers['langsmith-project']).toBeUndefined();
      expect(r.headers.authorization).toBeUndefined();
    }
  });
});
