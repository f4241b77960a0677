// Webview modules that a view loads with `import()` after its first paint, each bundled on its own
// into dist/webview/chunks/ (esbuild.mjs, and the browser harness test/webview/page.mjs, which
// builds the views as esbuild.mjs does). Not esbuild's `splitting`: that also moves esbuild's
// runtime helpers into a shared chunk that every view would fetch before it could run.
import { basename, dirname, join } from 'node:path';

/**
 * Per view, the modules that its loaders import with `import()`: `loader` is the importing file,
 * `module` the specifier it imports (a sibling file). The chunk of `./markdown` imported by
 * webview/trace/markdownLoader.ts is built from webview/trace/markdown.ts into
 * `dist/webview/chunks/trace-markdown.js`.
 * @type {Readonly<Record<string, readonly { loader: string, module: string }[]>>}
 */
export const WEBVIEW_CHUNKS = {
  trace: [
    { loader: 'webview/trace/markdownLoader.ts', module: './markdown' },
    { loader: 'webview/trace/dagreLoader.ts', module: './dagre' },
  ],
};

/** @param {string} view */
const chunksOf = (view) =>
  (WEBVIEW_CHUNKS[view] ?? []).map(({ loader, module }) => ({
    loader: join(loader),
    module,
    entry: `${join(dirname(loader), module)}.ts`,
    file: `chunks/${view}-${basename(module)}`,
  }));

/**
 * esbuild entry points of a view's chunks (`chunks/<view>-<name>` → source).
 * @param {string} view
 * @returns {Record<string, string>}
 */
export function chunkEntryPoints(view) {
  return Object.fromEntries(chunksOf(view).map((c) => [c.file, c.entry]));
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
  const chunks = chunksOf(view);
  return {
    name: `webview-chunks-${view}`,
    setup(build) {
      for (const c of chunks) {
        const filter = new RegExp(`^${c.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
        build.onResolve({ filter }, (args) => (args.importer.endsWith(c.loader) && args.kind === 'dynamic-import' ? { path: `./${c.file}.js`, external: true } : undefined));
      }
    },
  };
}
