/**
 * Security defaults that have no better home: the webview documents' CSP (the exact policy the
 * trace panel and the Usage view use; test/webview runs both views in these documents in
 * Chromium), and the receiver's default bind address (loopback, in package.json and in the
 * settings reader's fallback) with the loopback test that decides the non-loopback warning.
 */
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceViewDocument, usageViewDocument, webviewCsp, webviewDocument } from '../../../src/extension/webviewHtml';
import { isLoopbackHost, OtlpHttpReceiver } from '../../../src/core/receiver/otlpHttpReceiver';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const asset = (file: string) => `${CSP_SOURCE}/ext/dist/webview/${file}`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** `directive → sources` of a policy. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));
}

/** The policy a document carries in its `<meta http-equiv>`. */
function documentCsp(html: string): string | undefined {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
}

/** Every view's document, by view, from the same host parts. */
const views = {
  trace: { bundle: 'trace', make: (nonce?: string) => traceViewDocument({ cspSource: CSP_SOURCE, asset, traceId: TRACE_ID, nonce }) },
  usage: { bundle: 'usage', make: (nonce?: string) => usageViewDocument({ cspSource: CSP_SOURCE, asset, nonce }) },
} as const;

describe('webview Content Security Policy', () => {
  it("default-src 'none'; scripts only by nonce; styles only from the extension or by nonce; nothing remote, no eval, no inline", () => {
    const d = directives(webviewCsp(CSP_SOURCE, 'abc123'));
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

  it('the trace and Usage documents carry exactly that policy', () => {
    for (const [view, { make }] of Object.entries(views)) expect(documentCsp(make('abc123')), view).toBe(webviewCsp(CSP_SOURCE, 'abc123'));
  });
});

describe.each(Object.entries(views))('the %s webview document', (view, { bundle, make }) => {
  it('carries the policy, and every script and stylesheet the same fresh nonce', () => {
    const html = make();
    const csp = documentCsp(html);
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
    expect(html).not.toMatch(/<style\b/); // no inline stylesheet
    expect(html).not.toMatch(/\sstyle="/); // no inline style attribute
    expect(/'nonce-([^']+)'/.exec(make())![1]).not.toBe(nonce);
  });

  it(`loads the ${bundle} bundle and the codicons from dist/webview, and nothing else`, () => {
    const urls = [...make().matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.sort()).toEqual([asset('codicons/codicon.css'), asset(`${bundle}.css`), asset(`${bundle}.js`)].sort());
    expect(make()).toMatch(new RegExp(`<script type="module" nonce="[^"]+" src="[^"]+/${bundle}\\.js">`));
    expect(make()).toContain(`<div id="app"`);
  });

  it('escapes the asset URLs it interpolates', () => {
    const hostile = (file: string) => `${CSP_SOURCE}/"><script>alert(1)</script>/${file}`;
    const html = view === 'trace' ? traceViewDocument({ cspSource: CSP_SOURCE, asset: hostile, traceId: TRACE_ID }) : usageViewDocument({ cspSource: CSP_SOURCE, asset: hostile });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
  });
});

describe('webview document parts', () => {
  it('the trace document is titled and tagged with its trace id, escaped', () => {
    const html = traceViewDocument({ cspSource: CSP_SOURCE, asset, traceId: TRACE_ID });
    expect(html).toContain(`<title>Trace ${TRACE_ID}</title>`);
    expect(html).toContain(`<div id="app" data-trace-id="${TRACE_ID}"></div>`);
    const hostile = traceViewDocument({ cspSource: CSP_SOURCE, asset, traceId: '"><script>alert(1)</script>' });
    expect(hostile).not.toContain('<script>alert(1)</script>');
    expect(hostile).toContain('&#34;&#62;&#60;script&#62;');
    expect(hostile).toContain('<div id="app" data-trace-id="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"></div>');
  });

  it('the Usage document is titled "Usage" with a bare #app', () => {
    const html = usageViewDocument({ cspSource: CSP_SOURCE, asset });
    expect(html).toContain('<title>Usage</title>');
    expect(html).toContain('<div id="app"></div>');
  });

  it('escapes the title and data values, and takes only dataset names for data attributes', () => {
    const html = webviewDocument({ cspSource: CSP_SOURCE, asset, bundle: 'usage', title: "<b>&'", data: { sessionId: '"x"', a: '<' } });
    expect(html).toContain('<title>&#60;b&#62;&#38;&#39;</title>');
    expect(html).toContain('<div id="app" data-session-id="&#34;x&#34;" data-a="&#60;"></div>');
    for (const name of ['bad name', 'on"x', 'Upper', 'x-y', '']) {
      expect(() => webviewDocument({ cspSource: CSP_SOURCE, asset, bundle: 'trace', title: 't', data: { [name]: 'v' } }), name).toThrow(/dataset name/);
    }
  });
});

/** The user's `traceLens.*` values (user settings) for the stand-in `vscode` module below; package.json gives the defaults. */
const vscodeSettings = vi.hoisted(() => ({ value: {} as Record<string, unknown> }));
vi.mock('vscode', async () => {
  const { readFileSync: read } = await import('node:fs');
  const pkg = JSON.parse(read(new URL('../../../package.json', import.meta.url), 'utf8'));
  const defaults = pkg.contributes.configuration.properties as Record<string, { default?: unknown }>;
  const configuration = () => ({
    get: (key: string) => (key in vscodeSettings.value ? vscodeSettings.value[key] : defaults[`traceLens.${key}`]?.default),
    inspect: (key: string) => ({ defaultValue: defaults[`traceLens.${key}`]?.default, globalValue: vscodeSettings.value[key] }),
  });
  return { workspace: { getConfiguration: configuration } };
});

describe('receiver bind address', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

  it('defaults to 127.0.0.1 in package.json and in the settings reader (unset, blank or mistyped host)', async () => {
    expect(manifest.contributes.configuration.properties['traceLens.receiver.host'].default).toBe('127.0.0.1');
    for (const host of [undefined, '   ', 42]) {
      vscodeSettings.value = host === undefined ? {} : { 'receiver.host': host };
      const { readSettings } = await import('../../../src/extension/settings');
      expect(readSettings().receiver.host, String(host)).toBe('127.0.0.1');
    }
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
