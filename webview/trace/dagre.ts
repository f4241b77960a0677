/**
 * `@dagrejs/dagre` (≈ 47 kB minified) for the Graph tab, bundled as a chunk of its own
 * (dist/webview/chunks/trace-dagre.js, scripts/webviewChunks.mjs) and loaded by `loadDagre` when
 * the tab first lays out a graph, so the trace view's first paint does not parse it.
 */
export { graphlib, layout } from '@dagrejs/dagre';
