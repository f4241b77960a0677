// Webview modules that a view loads with `import()` after its first paint, each bundled on its own
// into dist/webview/chunks/ (esbuild.mjs, and the browser harness test/webview/page.mjs, which
// builds the views as esbuild.mjs does). Not esbuild's `splitting`: that also moves esbuild's
// runtime helpers into a shared chunk that every view would fetch before it could run.
import { join } from 'node:path';

/**
 * @typedef {{ name: string, specifier: string, importer: string, entry: string }} WebviewChunk
 * `specifier` as the loader (`importer`) imports it; `entry` the chunk's source.
 */

/**
 * Per view: the module specifier as its loader imports it, the importing file, and the chunk's
 * entry point. The chunk lands at `dist/webview/chunks/<view>-<name>.js`.
 * @type {Readonly<Record<string, readonly WebviewChunk[]>>}
 */
export const WEBVIEW_CHUNKS = {
  trace: [
    { name: 'markdown', specifier: './markdown', importer: join('webview', 'trace', 'markdownLoader.ts'), entry: 'webview/trace/markdown.ts' },
    { name: 'dagre', specifier: './dagre', importer: join('webview', 'trace', 'dagreLoader.ts'), entry: 'webview/trace/dagre.ts' },
  ],
};

/**
 * esbuild entry points of a view's chunks (`chunks/<view>-<name>` → source).
 * @param {string} view
 * @returns {Record<string, string>}
 */
export function chunkEntryPoints(view) {
  return Object.fromEntries((WEBVIEW_CHUNKS[view] ?? []).map((c) => [`chunks/${view}-${c.name}`, c.entry]));
}

/**
 * esbuild plugin: a view's `import('./markdown')` from its loader becomes
 * `import('./chunks/<view>-markdown.js')`, left to the browser. Only dynamic imports from the
 * loader are rewritten: any other import of the module bundles it into the view (the webview
 * harness checks that trace.js holds none of markdown-it, DOMPurify and dagre).
 * @param {string} view
 * @returns {import('esbuild').Plugin}
 */
export function chunkImports(view) {
  const chunks = WEBVIEW_CHUNKS[view] ?? [];
  return {
    name: `webview-chunks-${view}`,
    setup(build) {
      for (const c of chunks) {
        const filter = new RegExp(`^${c.specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
        build.onResolve({ filter }, (args) => (args.importer.endsWith(c.importer) && args.kind === 'dynamic-import' ? { path: `./chunks/${view}-${c.name}.js`, external: true } : undefined));
      }
    },
  };
}
