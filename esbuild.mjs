// Build: extension host bundle, ingest worker bundle, MCP server (dist/mcp.js, run by MCP clients
// as a separate Node process), webview bundles, and static assets.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkEntryPoints, chunkImports } from './scripts/webviewChunks.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the format of VS Code's `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * grpc-js goes into its own bundle, dist/grpc.js, that the extension requires on the first gRPC
 * receiver start (`import('./grpcRuntime')` in src/core/receiver/otlpGrpcReceiver.ts): ~400 kB the
 * extension host then neither parses nor evaluates while loading extension.js.
 */
const grpcRuntimeSplit = {
  name: 'grpc-runtime-split',
  setup(build) {
    build.onResolve({ filter: /^\.\/grpcRuntime$/ }, (args) =>
      args.importer.endsWith(join('receiver', 'otlpGrpcReceiver.ts')) ? { path: './grpc.js', external: true } : undefined,
    );
  },
};

/**
 * The provider SDKs (`openai`, `@anthropic-ai/sdk`, ~640 kB minified) go into dist/replay.js, required
 * on the first replay (`import('./replayRuntime')` in src/extension/replay/replayPanel.ts).
 */
const replayRuntimeSplit = {
  name: 'replay-runtime-split',
  setup(build) {
    build.onResolve({ filter: /^\.\/replayRuntime$/ }, (args) =>
      args.importer.endsWith(join('replay', 'replayPanel.ts')) ? { path: './replay.js', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  loader: { '.sql': 'text', '.proto': 'text' },
  plugins: [problemMatcher],
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts', worker: 'src/core/backend/backendWorker.ts', grpc: 'src/core/receiver/grpcRuntime.ts', replay: 'src/extension/replay/replayRuntime.ts', mcp: 'src/mcp/server.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [...common.plugins, grpcRuntimeSplit, replayRuntimeSplit],
    // import() → require(), so dist/grpc.js loads as CommonJS next to extension.js.
    supported: { 'dynamic-import': false },
  },
  // One build per view, its lazily loaded modules bundled on their own (scripts/webviewChunks.mjs).
  ...['trace', 'usage', 'compare', 'replay'].flatMap((view) => {
    const browser = { ...common, outdir: 'dist/webview', platform: 'browser', format: 'esm', target: 'es2022', loader: { ...common.loader, '.css': 'css' } };
    const chunks = chunkEntryPoints(view);
    return [
      { ...browser, entryPoints: { [view]: `webview/${view}/main.ts` }, plugins: [...common.plugins, chunkImports(view)] },
      ...(Object.keys(chunks).length ? [{ ...browser, entryPoints: chunks }] : []),
    ];
  }),
];

function copyAssets() {
  mkdirSync(join(root, 'dist/webview/codicons'), { recursive: true });
  cpSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(root, 'dist/sql-wasm.wasm'));
  for (const f of ['codicon.css', 'codicon.ttf']) {
    cpSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(root, 'dist/webview/codicons', f));
  }
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
