/** Presets: paths, auth headers, formats, signals, loop guard, missing secrets. */
import { describe, expect, it } from 'vitest';
import { PRESETS, PRESET_IDS, resolveTarget, secretKey, type SecretGetter, type SecretSlotId } from '../../../src/core/forwarding/presets';
import type { ForwardingTargetSetting } from '../../../src/core/forwarding/types';

function secrets(values: Partial<Record<SecretSlotId, string>>): SecretGetter {
  return (slot) => values[slot];
}

function resolve(setting: ForwardingTargetSetting, s: Partial<Record<SecretSlotId, string>> = {}, ownPorts: number[] = []) {
  const r = resolveTarget(setting, secrets(s), { ownPorts });
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('resolveTarget', () => {
  it('Langfuse: OTel path under /api/public/otel, Basic auth from public:secret, ingestion version 4, traces only', () => {
    const { target } = resolve({ name: 'LF', preset: 'langfuse', endpoint: 'https://lf.example/' }, { publicKey: 'pk-lf-1', secretKey: 'sk-lf-2' });
    expect(target.urls).toEqual({ traces: 'https://lf.example/api/public/otel/v1/traces' });
    expect(target.headers.authorization).toBe(`Basic ${Buffer.from('pk-lf-1:sk-lf-2').toString('base64')}`);
    expect(target.headers['x-langfuse-ingestion-version']).toBe('4');
    expect(target.rewrites.propagateLangfuseIds).toBe(true);
    // Already under /api/public/otel (LANGFUSE_OTEL_HOST style): not doubled.
    expect(resolve({ name: 'LF', preset: 'langfuse', endpoint: 'https://lf.example/api/public/otel' }, { publicKey: 'a', secretKey: 'b' }).target.urls.traces).toBe(
      'https://lf.example/api/public/otel/v1/traces',
    );
    expect(resolve({ name: 'LF', preset: 'langfuse' }, { publicKey: 'a', secretKey: 'b' }).target.urls.traces).toBe('https://cloud.langfuse.com/api/public/otel/v1/traces');
  });

  it('Langfuse without both keys is not configured, and says which secret is missing', () => {
    const r = resolveTarget({ name: 'LF', preset: 'langfuse' }, secrets({ publicKey: 'pk' }), {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('secret key');
      expect(r.reason).not.toContain('pk');
    }
  });

  it('Phoenix: /v1/traces, protobuf even when JSON was asked for, project as a resource attribute, no logs', () => {
    const r = resolve({ name: 'PX', preset: 'phoenix', endpoint: 'http://localhost:6006/v1/traces', protocol: 'http/json', project: 'demo', signals: ['traces', 'logs'] });
    expect(r.target.urls).toEqual({ traces: 'http://localhost:6006/v1/traces' });
    expect(r.target.protocol).toBe('http/protobuf');
    expect(r.target.rewrites.resourceAttributes).toEqual({ 'openinference.project.name': 'demo' });
    expect(r.warnings.join('\n')).toMatch(/protobuf/);
    expect(r.warnings.join('\n')).toMatch(/logs/);
    expect(r.target.headers.authorization).toBeUndefined();
    expect(resolve({ name: 'PX', preset: 'phoenix' }, { apiKey: 'px-key' }).target.headers.authorization).toBe('Bearer px-key');
  });

  it('auth headers of the other presets', () => {
    expect(resolve({ name: 'H', preset: 'honeycomb' }, { apiKey: 'hc' }).target.headers['x-honeycomb-team']).toBe('hc');
    expect(resolve({ name: 'D', preset: 'datadog' }, { apiKey: 'dd' }).target.headers).toMatchObject({ 'dd-api-key': 'dd', 'dd-protocol': 'otlp' });
    expect(resolve({ name: 'N', preset: 'newrelic' }, { licenseKey: 'nr' }).target.headers['api-key']).toBe('nr');
    const ls = resolve({ name: 'L', preset: 'langsmith', project: 'proj' }, { apiKey: 'ls' }).target;
    expect(ls.headers).toMatchObject({ 'x-api-key': 'ls', 'Langsmith-Project': 'proj' });
    expect(ls.urls.traces).toBe('https://api.smith.langchain.com/otel/v1/traces');
    expect(resolve({ name: 'J', preset: 'jaeger', endpoint: 'http://jaeger:4318' }).target.urls).toEqual({ traces: 'http://jaeger:4318/v1/traces' });
    expect(resolve({ name: 'T', preset: 'tempo', endpoint: 'http://tempo:4318' }).target.urls).toEqual({ traces: 'http://tempo:4318/v1/traces' });
  });

  it('generic OTLP: all signals by default, settings headers, secret headers win, header names compare case-insensitively', () => {
    const r = resolve(
      { name: 'G', preset: 'otlp', endpoint: 'https://c.example:4318/', headers: { 'X-Scope': 'a', Authorization: 'from-settings' } },
      { headers: 'authorization=Bearer%20secret-token' },
    );
    expect(r.target.urls).toEqual({
      traces: 'https://c.example:4318/v1/traces',
      logs: 'https://c.example:4318/v1/logs',
      metrics: 'https://c.example:4318/v1/metrics',
    });
    expect(r.target.headers).toEqual({ 'X-Scope': 'a', authorization: 'Bearer secret-token' });
    expect(r.warnings.join('\n')).toContain('looks like a credential');
    expect(resolveTarget({ name: 'G', preset: 'otlp' }, secrets({}), {}).ok).toBe(false); // no endpoint
  });

  it("refuses Trace Lens's own receiver (a forwarding loop) and non-http URLs", () => {
    for (const endpoint of ['http://localhost:4318', 'http://127.0.0.1:4318/v1/traces', 'http://[::1]:4318']) {
      const r = resolveTarget({ name: 'J', preset: 'jaeger', endpoint }, secrets({}), { ownPorts: [4318] });
      expect(r.ok, endpoint).toBe(false);
    }
    expect(resolveTarget({ name: 'J', preset: 'jaeger', endpoint: 'http://localhost:14318' }, secrets({}), { ownPorts: [4318] }).ok).toBe(true);
    expect(resolveTarget({ name: 'J', preset: 'otlp', endpoint: 'ftp://x' }, secrets({}), {}).ok).toBe(false);
  });

  it('drops header values fetch() would refuse, naming the header but not the value', () => {
    const r = resolve({ name: 'G', preset: 'otlp', endpoint: 'http://c', headers: { 'x-ok': 'fine' } }, { headers: 'x-bad=line%0Abreak-secret,x-uni=%E2%82%AC' });
    expect(r.target.headers).toEqual({ 'x-ok': 'fine' });
    expect(r.warnings.join('\n')).toContain('x-bad');
    expect(r.warnings.join('\n')).not.toContain('break-secret');
  });

  it('moves credentials from the URL into a Basic auth header and keeps a query string', () => {
    const { target } = resolve({ name: 'G', preset: 'otlp', endpoint: 'https://us%40er:p%3Ass@c.example/base?token=abc', signals: ['traces'] });
    expect(target.urls.traces).toBe('https://c.example/base/v1/traces?token=abc');
    expect(target.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  });

  it('keeps the disabled flag, compression, and valid redaction patterns only', () => {
    const r = resolve({ name: 'G', preset: 'otlp', endpoint: 'http://c', enabled: false, compression: 'gzip', redaction: { dropContent: true, patterns: ['sk-[a-z]+', '(['] } });
    expect(r.target.enabled).toBe(false);
    expect(r.target.compression).toBe('gzip');
    expect(r.target.rewrites.redaction).toEqual({ dropContent: true, patterns: ['sk-[a-z]+'] });
    expect(r.warnings.join('\n')).toContain('invalid regular expression');
  });

  it('every preset has a label and the optional secret-headers slot; secret keys are per target and slot', () => {
    for (const id of PRESET_IDS) {
      expect(PRESETS[id].label).toBeTruthy();
      expect(PRESETS[id].secrets.some((s) => s.id === 'headers')).toBe(true);
    }
    expect(secretKey('My Target/1', 'apiKey')).toBe('traceLens.forwarding/My%20Target%2F1/apiKey');
  });
});
