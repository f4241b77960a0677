/**
 * Security defaults that have no better home: the webview document's CSP (the exact policy the
 * panel uses; test/webview runs the view under it in Chromium), and the receiver's default bind
 * address (loopback, in package.json and in the settings reader's fallback) with the loopback test
 * that decides the non-loopback warning.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceViewCsp, traceViewDocument } from '../../../src/extension/webviewHtml';
import { isLoopbackHost, OtlpHttpReceiver } from '../../../src/core/receiver/otlpHttpReceiver';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const asset = (file: string) => `${CSP_SOURCE}/ext/dist/webview/${file}`;

/** `directive → sources` of a policy. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));
}

describe('trace webview Content Security Policy', () => {
  it("default-src 'none'; scripts only by nonce; styles only from the extension or by nonce; nothing remote, no eval, no inline", () => {
    const d = directives(traceViewCsp(CSP_SOURCE, 'abc123'));
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'nonce-abc123'"]);
    expect(d.get('style-src')).toEqual([CSP_SOURCE, "'nonce-abc123'"]);
    expect(d.get('font-src')).toEqual([CSP_SOURCE]);
    expect(d.get('img-src')).toEqual([CSP_SOURCE, 'data:']);
    // Not listed, so 'none': the webview never fetches (no connect-src), frames nothing, embeds nothing.
    for (const absent of ['connect-src', 'frame-src', 'child-src', 'object-src', 'worker-src']) expect(d.has(absent), absent).toBe(false);
    const all = [...d.values()].flat();
    expect(all.filter((s) => /unsafe|\*|^https?:/.test(s) && s !== CSP_SOURCE)).toEqual([]);
  });

  it('the document carries the policy, and every script and stylesheet the same fresh nonce', () => {
    const html = traceViewDocument({ cspSource: CSP_SOURCE, asset, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const nonce = /'nonce-([^']+)'/.exec(csp!)![1]!;
    expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
    const tags = html.match(/<(script|link)\b[^>]*>/g)!;
    expect(tags).toHaveLength(3);
    for (const tag of tags) {
      expect(tag).toContain(`nonce="${nonce}"`);
      expect(tag).toMatch(new RegExp(`(src|href)="${CSP_SOURCE.replace(/[.+]/g, '\\$&')}/`));
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(html).not.toMatch(/\sstyle="/); // no inline style attribute
    const again = traceViewDocument({ cspSource: CSP_SOURCE, asset, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(/'nonce-([^']+)'/.exec(again)![1]).not.toBe(nonce);
  });

  it('escapes what it interpolates', () => {
    const html = traceViewDocument({ cspSource: CSP_SOURCE, asset, traceId: '"><script>alert(1)</script>' });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });
});

describe('receiver bind address', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

  it('defaults to 127.0.0.1 in package.json and in the settings reader', () => {
    expect(manifest.contributes.configuration.properties['traceLens.receiver.host'].default).toBe('127.0.0.1');
    const settingsSource = readFileSync(join(__dirname, '..', '..', '..', 'src', 'extension', 'settings.ts'), 'utf8');
    expect(settingsSource).toMatch(/SETTINGS\.receiverHost, '127\.0\.0\.1'\)\.trim\(\) \|\| '127\.0\.0\.1'/);
  });

  it('only loopback names count as loopback: anything else gets the exposure warning and no Host check', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'my-laptop.local', '127.example.com']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('a receiver started with the default host listens on 127.0.0.1 only', async () => {
    const receiver = new OtlpHttpReceiver({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024, corsAllowedOrigins: [], ingest: () => Promise.reject(new Error('unused')), isOverloaded: () => false });
    const started = await receiver.start();
    try {
      expect(started).toMatchObject({ ok: true, host: '127.0.0.1' });
    } finally {
      await receiver.stop();
    }
  });
});
