/** The forwarding UI model (no vscode): status bar text, tree rows, settings sanitizing, arguments. */
import { describe, expect, it } from 'vitest';
import {
  detailRows,
  forwardingStatusText,
  isFailing,
  mergeTargets,
  sanitizeTargets,
  sessionIdOf,
  targetSummary,
  traceIdOf,
  type TargetView,
} from '../../../src/extension/forwarding/forwardingModel';
import type { ForwardingTargetStatus } from '../../../src/core/forwarding/types';

function status(overrides: Partial<ForwardingTargetStatus> = {}): ForwardingTargetStatus {
  return {
    name: 'LF',
    preset: 'langfuse',
    active: true,
    state: 'idle',
    endpoint: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
    signals: ['traces'],
    sentItems: 0,
    sentRequests: 0,
    queuedItems: 0,
    queuedBytes: 0,
    droppedItems: 0,
    rejectedItems: 0,
    consecutiveFailures: 0,
    ...overrides,
  };
}

function view(overrides: Partial<TargetView> = {}): TargetView {
  return { setting: { name: 'LF', preset: 'langfuse' }, warnings: [], secretsSet: { publicKey: true, secretKey: true }, status: status(), ...overrides };
}

describe('status bar text', () => {
  it('hidden without targets; off; one or many targets; queued count', () => {
    expect(forwardingStatusText([], true)).toBeUndefined();
    expect(forwardingStatusText([view()], false)).toEqual({ text: '$(cloud-upload) forwarding off', warning: false });
    expect(forwardingStatusText([view()], true)).toEqual({ text: '$(cloud-upload) LF', warning: false });
    expect(forwardingStatusText([view({ status: status({ queuedItems: 1200 }) }), view({ setting: { name: 'PX', preset: 'phoenix' } })], true)?.text).toBe(
      `$(cloud-upload) 2 targets · ${(1200).toLocaleString()} queued`,
    );
    expect(forwardingStatusText([view({ setting: { name: 'LF', preset: 'langfuse', enabled: false } })], true)?.text).toBe('$(cloud-upload) no targets on');
  });

  it('warns when a target on is failing or cannot be configured; a disabled one does not count', () => {
    const failing = view({ status: status({ consecutiveFailures: 2, lastError: 'HTTP 503', lastErrorAtMs: 10 }) });
    expect(forwardingStatusText([failing, view({ setting: { name: 'B', preset: 'jaeger' } })], true)).toEqual({ text: '$(warning) LF failing', warning: true });
    const broken = view({ setting: { name: 'X', preset: 'honeycomb' }, problem: 'missing secret', status: undefined });
    expect(forwardingStatusText([failing, broken], true)).toEqual({ text: '$(warning) 2 targets failing', warning: true });
    expect(isFailing({ ...failing, setting: { ...failing.setting, enabled: false } }, true)).toBe(false);
    // A rejected batch followed by a success is no longer failing.
    expect(isFailing(view({ status: status({ lastErrorAtMs: 10, lastSuccessAtMs: 20 }) }), true)).toBe(false);
  });
});

describe('tree rows', () => {
  it('summarize counters and list sent, queued, dropped, rejected, last success and last error', () => {
    const v = view({ status: status({ sentItems: 10, sentRequests: 2, queuedItems: 3, queuedBytes: 2048, droppedItems: 4, rejectedItems: 1, state: 'retrying', nextRetryAtMs: 5000, consecutiveFailures: 1, lastError: 'connection refused (ECONNREFUSED)', lastErrorAtMs: 1000, lastSuccessAtMs: 500 }) });
    expect(targetSummary(v, true, 1000)).toBe('Langfuse · 10 sent · 3 queued · 4 dropped · 1 rejected · retry in 4 s');
    const rows = Object.fromEntries(detailRows(v, 1000).map((r) => [r.label, r.description]));
    expect(rows.Sent).toBe('10 spans in 2 requests');
    expect(rows.Queued).toBe('3 spans (2.0 KiB)');
    expect(rows.Dropped).toContain('4');
    expect(rows.Rejected).toContain('1');
    expect(rows['Last error']).toContain('connection refused');
    expect(rows['Next retry']).toBe('in 4 s (attempt 2)');
    expect(rows.Secrets).toBe('set: publicKey, secretKey');
    const missing = Object.fromEntries(detailRows(view({ secretsSet: { publicKey: true }, problem: 'missing secret', status: undefined })).map((r) => [r.label, r.description]));
    expect(missing.Problem).toBe('missing secret');
    expect(missing.Secrets).toBe('set: publicKey · missing: secretKey');
    expect(targetSummary(view({ problem: 'missing secret' }), true)).toBe('Langfuse · not configured: missing secret');
  });
});

describe('settings', () => {
  it('sanitizeTargets keeps well-formed entries only', () => {
    expect(
      sanitizeTargets([
        { name: ' A ', preset: 'otlp', endpoint: 'http://x', protocol: 'http/json', headers: { a: 'b', n: 1 }, signals: ['traces', 'bogus'], enabled: false, compression: 'gzip', redaction: { dropContent: true, patterns: ['x', 2] } },
        { name: 'B', preset: 'nope' },
        { preset: 'otlp' },
        'junk',
        null,
      ]),
    ).toEqual([
      { name: 'A', preset: 'otlp', endpoint: 'http://x', protocol: 'http/json', headers: { a: 'b' }, signals: ['traces'], enabled: false, compression: 'gzip', redaction: { dropContent: true, patterns: ['x'] } },
    ]);
    expect(sanitizeTargets('x')).toEqual([]);
  });

  it('mergeTargets replaces same-name targets in place and appends new ones', () => {
    expect(
      mergeTargets(
        [{ name: 'A', preset: 'otlp' }, { name: 'B', preset: 'jaeger' }],
        [{ name: 'B', preset: 'tempo' }, { name: 'C', preset: 'phoenix' }],
      ).map((t) => `${t.name}:${t.preset}`),
    ).toEqual(['A:otlp', 'B:tempo', 'C:phoenix']);
  });
});

describe('command arguments', () => {
  it('trace ids from strings, trace rows, span rows and webview payloads', () => {
    expect(traceIdOf('abc')).toBe('abc');
    expect(traceIdOf({ kind: 'trace', summary: { traceId: 't1' } })).toBe('t1');
    expect(traceIdOf({ kind: 'span', traceId: 't2', span: {} })).toBe('t2');
    expect(traceIdOf(undefined)).toBeUndefined();
  });

  it('session ids from strings and session rows', () => {
    expect(sessionIdOf('s')).toBe('s');
    expect(sessionIdOf({ kind: 'session', session: { sessionId: 's1' } })).toBe('s1');
    expect(sessionIdOf({ kind: 'session', sessionId: 's2' })).toBe('s2');
    expect(sessionIdOf({ kind: 'trace', summary: { traceId: 't', sessionId: 's3' } })).toBe('s3');
    expect(sessionIdOf({})).toBeUndefined();
  });
});
