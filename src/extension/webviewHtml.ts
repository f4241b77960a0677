/**
 * The trace webview's document and its Content Security Policy. Pure (no `vscode` import), so the
 * unit tests check the exact policy the panel uses and the browser harness (test/webview) loads
 * the view under it.
 *
 * Policy: `default-src 'none'`, so anything not listed is refused — no `connect-src` (the webview
 * never fetches; it talks to the host through postMessage only), no frames, no objects; scripts
 * only with the per-document nonce; styles from the extension's `dist/webview` folder or with the
 * nonce (no inline `style=""` attributes: the view sets styles through the CSSOM); fonts from the
 * extension; images from the extension and `data:` (codicons). No remote content.
 * VS Code guidance: https://code.visualstudio.com/api/extension-guides/webview#content-security-policy
 */
import { randomBytes } from 'node:crypto';

/** A fresh CSP nonce: 16 random bytes, base64 (128 bits, per the CSP spec's advice). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The trace view's Content-Security-Policy.
 * @param cspSource `webview.cspSource` (the origin VS Code serves extension files from).
 * @param nonce from `newNonce()`, the same one every script and stylesheet tag carries.
 */
export function traceViewCsp(cspSource: string, nonce: string): string {
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

/**
 * The trace webview document: the CSP above, the codicon and view stylesheets, `<div id="app">`
 * and the view's module script, all assets from `asset(file)` (`webview.asWebviewUri` of
 * `dist/webview/<file>`).
 */
export function traceViewDocument(options: { cspSource: string; asset: (file: string) => string; traceId: string; nonce?: string }): string {
  const nonce = options.nonce ?? newNonce();
  const { asset } = options;
  const traceId = escapeHtml(options.traceId);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${traceViewCsp(options.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(asset('codicons/codicon.css'))}" nonce="${nonce}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeHtml(asset('trace.css'))}" nonce="${nonce}">
<title>Trace ${traceId}</title>
</head>
<body>
<div id="app" data-trace-id="${traceId}"></div>
<script type="module" nonce="${nonce}" src="${escapeHtml(asset('trace.js'))}"></script>
</body>
</html>`;
}
