/**
 * Activation time of the built extension (dist/extension.js, production build) in plain Node with
 * a stub `vscode` module: how long `require()` of the bundle takes (VS Code counts this as part of
 * activation) and how long `activate()` runs until it returns. Every VS Code API call returns a
 * recursive stub (see `stub`), settings read their package.json defaults, and the receivers bind
 * to port 0 so the run never touches 4318/4317. WebAssembly compile/instantiate calls on this
 * (the extension host's) thread are counted while `activate()` runs: the goal is none.
 *
 * This measures the extension's own code, not VS Code's extension-host bookkeeping (a real
 * workbench adds its API object creation and logging; the e2e suite logs the real figure as
 * `Trace Lens activated in … ms`).
 *
 * Usage: node out/bench/activationBench.js → `BENCH_RESULT {"requireMs","activateMs","reportedMs","wasmCalls"}`.
 * Run it in a fresh process per sample (bench/run.mjs does).
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Module from 'node:module';
import { readFileSync } from 'node:fs';

const ROOT = path.join(__dirname, '..', '..');

/** Settings that differ from the package.json defaults during the run. */
const OVERRIDES: Record<string, unknown> = { 'receiver.port': 0, 'receiver.grpcPort': 0 };

/**
 * A stand-in for any VS Code API value: callable (returns a fresh stub), constructible, extendable
 * (`class X extends vscode.TreeItem`), with any property (a memoized stub), assignable, not
 * thenable, and coercible to '' and 0.
 */
function stub(overrides: Record<PropertyKey, unknown> = {}): unknown {
  const props = new Map<PropertyKey, unknown>(Object.entries(overrides));
  const target = function () {} as unknown as object;
  return new Proxy(target, {
    get(_t, key) {
      if (props.has(key)) return props.get(key);
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return (hint: string) => (hint === 'number' ? 0 : '');
      if (key === Symbol.iterator) return function* () {};
      if (key === 'prototype') return Object.prototype;
      const value = stub();
      props.set(key, value);
      return value;
    },
    set(_t, key, value) {
      props.set(key, value);
      return true;
    },
    has: (_t, key) => props.has(key),
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

function uri(fsPath: string): object {
  return { scheme: 'file', fsPath, path: fsPath, toString: () => `file://${fsPath}`, with: () => uri(fsPath) };
}

function makeVscode(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(path.join(ROOT, 'package.json')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
  const defaults = pkg.contributes.configuration.properties;
  const configuration = (section = '') => ({
    get: (key: string, fallback?: unknown) => {
      const full = section ? `${section}.${key}` : key;
      const short = full.replace(/^traceLens\./, '');
      if (short in OVERRIDES) return OVERRIDES[short];
      return defaults[full]?.default ?? fallback;
    },
    has: () => true,
    // User-only settings (receiver host, CORS origins, forwarding, prices) are read through
    // `inspect`: the overrides as the user's values, the package.json defaults as defaults.
    inspect: (key: string) => {
      const full = section ? `${section}.${key}` : key;
      const short = full.replace(/^traceLens\./, '');
      return { key: full, defaultValue: defaults[full]?.default, globalValue: short in OVERRIDES ? OVERRIDES[short] : undefined };
    },
    update: () => Promise.resolve(),
  });
  const resolved = () => Promise.resolve(undefined);
  // esbuild's `import * as vscode` copies the module's own properties, so the namespace is a plain
  // object holding every name @types/vscode exports (each a stub unless given below).
  const dts = readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const api: Record<string, unknown> = {};
  for (const m of dts.matchAll(/^\s*export (?:class|namespace|enum|const|let|function) (\w+)/gm)) api[m[1]!] ??= stub();
  return Object.assign(api, {
    Uri: stub({ file: (p: string) => uri(p), joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(path.join(base.fsPath, ...parts)), parse: (s: string) => uri(s) }),
    workspace: stub({ getConfiguration: configuration, workspaceFolders: undefined, textDocuments: [] }),
    window: stub({
      visibleTextEditors: [],
      tabGroups: stub({ all: [] }),
      showInformationMessage: resolved,
      showWarningMessage: resolved,
      showErrorMessage: resolved,
    }),
    commands: stub({ executeCommand: resolved, registerCommand: () => stub() }),
    env: stub({ clipboard: stub({ writeText: resolved, readText: () => Promise.resolve('') }) }),
  });
}

async function main(): Promise<void> {
  const vscode = makeVscode();
  const original = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: typeof original })._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : original.call(this, request, ...rest);
  };
  let wasmCalls = 0;
  let counting = false;
  for (const name of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming'] as const) {
    const fn = (WebAssembly as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    if (!fn) continue;
    (WebAssembly as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      if (counting) wasmCalls++;
      return fn.apply(WebAssembly, a);
    };
  }
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: uri(ROOT),
    extensionPath: ROOT,
    workspaceState: { get: (_k: string, d?: unknown) => d, update: () => Promise.resolve(), keys: () => [] },
    globalState: { get: (_k: string, d?: unknown) => d, update: () => Promise.resolve(), keys: () => [], setKeysForSync: () => undefined },
    secrets: stub({ get: resolved0, store: resolved0, delete: resolved0 }),
    logUri: uri(path.join(ROOT, 'out', 'bench', 'logs')),
    extensionMode: 1,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    extension: { id: 'trace-lens.trace-lens', extensionUri: uri(ROOT), extensionPath: ROOT, packageJSON: require(path.join(ROOT, 'package.json')) as unknown },
  };
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(path.join(ROOT, 'dist', 'extension.js')) as { activate(c: unknown): { activationMs: number } };
  const t1 = performance.now();
  counting = true;
  const api = extension.activate(context);
  const t2 = performance.now();
  counting = false;
  const result = { requireMs: t1 - t0, activateMs: t2 - t1, reportedMs: api.activationMs, wasmCalls };
  // Let the background start (worker, receivers) run briefly, then leave without waiting for it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

function resolved0(): Promise<undefined> {
  return Promise.resolve(undefined);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
