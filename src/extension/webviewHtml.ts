/**
 * The webviews' documents and their Content Security Policy: one policy and one document shape for
 * every view (the trace panel, the Usage view, the compare and replay panels), differing only in the bundle they load
 * (`dist/webview/<bundle>.js` and `.css`), the title and the `#app` data attributes. Pure (no
 * `vscode` import), so the unit tests check the exact policy the views use and the browser harness
 * (test/webview) loads each view in the very document the extension produces.
 *
 * Policy: `default-src 'none'`, so anything not listed is refused — no `connect-src` (the webview
 * never fetches; it talks to the host through postMessage only), no frames, no objects; scripts
 * only with the per-document nonce; styles from the extension's `dist/webview` folder or with the
 * nonce (no inline `style=""` attributes: the views set styles through the CSSOM); fonts from the
 * extension; images from the extension and `data:` (codicons). No remote content.
 * VS Code guidance: https://code.visualstudio.com/api/extension-guides/webview#content-security-policy
 */
import { randomBytes } from 'node:crypto';

/** The webview bundles esbuild.mjs writes to `dist/webview` (`<bundle>.js` and `<bundle>.css`). */
export type WebviewBundle = 'trace' | 'usage' | 'compare' | 'replay';

/** What every view's document needs from the host. */
export interface WebviewHost {
  /** `webview.cspSource` (the origin VS Code serves extension files from). */
  cspSource: string;
  /** The URI of `dist/webview/<file>` as the webview may load it (`webview.asWebviewUri`). */
  asset: (file: string) => string;
  /** The document's nonce; a fresh one (`newNonce()`) when left out. */
  nonce?: string;
}

/** A view's document: the host's parts plus what tells the views apart. */
export interface WebviewDocumentOptions extends WebviewHost {
  bundle: WebviewBundle;
  /** The document title (plain text; escaped here). */
  title: string;
  /**
   * `data-*` attributes of `<div id="app">`, by their `dataset` names (`traceId` becomes
   * `data-trace-id`); values are escaped here.
   */
  data?: Readonly<Record<string, string>>;
}

/** A fresh CSP nonce: 16 random bytes, base64 (128 bits, per the CSP spec's advice). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy of every webview document (see the policy above).
 * @param cspSource `webview.cspSource` (the origin VS Code serves extension files from).
 * @param nonce from `newNonce()`, the same one every script and stylesheet tag carries.
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** Escapes text for an HTML attribute or element. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `traceId` → `data-trace-id`; anything but a plain camelCase name is a programming error. */
function dataAttribute(name: string): string {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) throw new Error(`not a dataset name: ${JSON.stringify(name)}`);
  return `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * A webview document: the CSP above, the codicon and view stylesheets, `<div id="app">` with the
 * given data attributes and the view's module script, all assets from `asset(file)` and every
 * stylesheet and script tag with the document's nonce.
 */
export function webviewDocument(options: WebviewDocumentOptions): string {
  const nonce = options.nonce ?? newNonce();
  const asset = (file: string) => escapeHtml(options.asset(file));
  const data = Object.entries(options.data ?? {})
    .map(([name, value]) => ` ${dataAttribute(name)}="${escapeHtml(value)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(options.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons/codicon.css')}" nonce="${nonce}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset(`${options.bundle}.css`)}" nonce="${nonce}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="app"${data}></div>
<script type="module" nonce="${nonce}" src="${asset(`${options.bundle}.js`)}"></script>
</body>
</html>`;
}

/** The trace panel's document: the `trace` bundle, titled and tagged (`data-trace-id`) with its trace. */
export function traceViewDocument(options: WebviewHost & { traceId: string }): string {
  const { traceId, ...host } = options;
  return webviewDocument({ ...host, bundle: 'trace', title: `Trace ${traceId}`, data: { traceId } });
}

/** The Usage view's document: the `usage` bundle, titled "Usage". */
export function usageViewDocument(options: WebviewHost): string {
  return webviewDocument({ ...options, bundle: 'usage', title: 'Usage' });
}

/** The compare panel's document: the `compare` bundle, titled with the two runs' labels. */
export function compareViewDocument(options: WebviewHost & { title: string }): string {
  const { title, ...host } = options;
  return webviewDocument({ ...host, bundle: 'compare', title });
}

/**
 * The replay playground's document: the `replay` bundle, titled with the replayed span's name
 * (`Replay: chat gpt-4o`); the view learns everything else from the host's `init` event.
 */
export function replayViewDocument(options: WebviewHost & { spanName: string }): string {
  const { spanName, ...host } = options;
  return webviewDocument({ ...host, bundle: 'replay', title: `Replay: ${spanName}` });
}
