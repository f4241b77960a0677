/**
 * markdown.ts (markdown-it and DOMPurify: ≈ 130 kB minified, a third of the trace bundle) as a
 * chunk of its own (esbuild `splitting`, `dist/webview/chunks/`), so a new trace panel parses and
 * runs less script before its first rows: measured in a fresh Chromium page, the document was
 * ready 40–100 ms sooner without it. The view asks for the chunk once a trace's first rows are
 * painted; text that needs markdown before it arrives shows as plain text and is re-rendered when
 * it does (`renderText` in messages.ts). Loading is the webview's own module fetch: the chunk
 * inherits the document's CSP nonce (HTML spec, descendant script fetch options).
 */
import type { renderMarkdown } from './markdown';

/** markdown.ts's renderer: markdown text → sanitized HTML. */
export type MarkdownRenderer = typeof renderMarkdown;

let loaded: MarkdownRenderer | undefined;
let loading: Promise<MarkdownRenderer | null> | undefined;

/**
 * Loads the markdown chunk (once; later calls return the same promise). Resolves to the renderer,
 * or `null` when the chunk cannot be loaded (the text then stays plain; nothing else breaks).
 */
export function loadMarkdown(): Promise<MarkdownRenderer | null> {
  loading ??= import('./markdown').then(
    (m) => (loaded = m.renderMarkdown),
    () => null,
  );
  return loading;
}

/** The renderer if the chunk has arrived, else `undefined` (call `loadMarkdown`). */
export function markdownRenderer(): MarkdownRenderer | undefined {
  return loaded;
}
