// @ts-check
// What the webview harnesses share (harness.mjs: the trace panel; usageHarness.mjs: the Usage view):
// esbuild builds of the views and of TS modules for Node, a server on 127.0.0.1:0 that serves each
// view in the very document the extension produces (src/extension/webviewHtml.ts, so under the
// real CSP) plus what VS Code adds to a webview (default styles, theme variables, the theme class)
// and a fake host script, Debian's Chromium through playwright-core, pages that collect CSP
// violations and errors, and the bookkeeping of the checks.
//
// Exports: root, resultsDir, importBundled(), webviewHtml, buildView(), startServer(),
// assertViewDocument(), launchBrowser(), openPage(), checkRunner(), assert(), eq(), textOf(),
// attributeOf(), present().
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { defaultWebviewCss, themes } from './themes.mjs';
import { chunkEntryPoints, chunkImports } from '../../scripts/webviewChunks.mjs';

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').BrowserContext} BrowserContext */
/** @typedef {import('../../src/extension/webviewHtml').WebviewHost} WebviewHost */
/**
 * A view the server serves: its URL path, its document (from webviewHtml.ts), the CSS variable
 * VS Code shows behind it, and its fake host module (in this folder).
 * @typedef {{ path: string, document: (host: WebviewHost) => string, background: string, fakeHost: string }} ViewPage
 */
/**
 * A page opened by openPage: the page and its context, what went wrong in it (`problems`: page
 * errors, console errors, dialogs), the CSP violations it saw, and `close()`.
 * @typedef {{ page: Page, context: BrowserContext, problems: string[], cspViolations: () => Promise<string[]>, close: () => Promise<void> }} OpenedPage
 */
/** @typedef {{ name: string, ok: boolean, error?: unknown }} CheckResult */

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const resultsDir = join(root, 'test-results/webview');
const buildDir = join(resultsDir, 'build');

/**
 * Bundles a module (TypeScript, or harness ESM that imports TypeScript) with esbuild and imports
 * it in Node. `platform`: esbuild's (`node`, `browser` or `neutral`). The module is untyped
 * (`any`): callers cast it to the type of the module they import.
 * @param {string} entry
 * @param {import('esbuild').Platform} [platform]
 * @returns {Promise<any>}
 */
export async function importBundled(entry, platform = 'node') {
  const r = await esbuild.build({ absWorkingDir: root, entryPoints: [entry], bundle: true, format: 'esm', platform, write: false, logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(outputText(r)).toString('base64')}`);
}

/**
 * The one output file of an esbuild build with `write: false`.
 * @param {import('esbuild').BuildResult} result
 */
function outputText(result) {
  const file = result.outputFiles?.[0];
  if (!file) throw new Error('esbuild wrote no output file');
  return file.text;
}

/** The extension's own webview documents and CSP (src/extension/webviewHtml.ts). */
export const webviewHtml = /** @type {typeof import('../../src/extension/webviewHtml')} */ (await importBundled('src/extension/webviewHtml.ts'));

/**
 * Builds a view's entry (`webview/<name>/main.ts` → `<name>.js` and `<name>.css`) exactly as the
 * webview build in esbuild.mjs (browser, ESM, css loader), unminified with source maps. Returns
 * the build time and the output sizes.
 * @param {string} name
 */
export async function buildView(name) {
  mkdirSync(buildDir, { recursive: true });
  const started = performance.now();
  /** @type {import('esbuild').BuildOptions} */
  const options = {
    absWorkingDir: root,
    outdir: buildDir,
    bundle: true,
    minify: false,
    sourcemap: 'linked',
    sourcesContent: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.sql': 'text', '.proto': 'text', '.css': 'css' },
    logLevel: 'warning',
  };
  // As esbuild.mjs builds it: the view, and its lazily loaded modules on their own.
  await esbuild.build({ ...options, entryPoints: { [name]: `webview/${name}/main.ts` }, plugins: [chunkImports(name)] });
  const chunks = chunkEntryPoints(name);
  if (Object.keys(chunks).length) await esbuild.build({ ...options, entryPoints: chunks });
  const js = readFileSync(join(buildDir, `${name}.js`));
  const css = readFileSync(join(buildDir, `${name}.css`));
  return { ms: performance.now() - started, jsBytes: js.length, cssBytes: css.length };
}

/**
 * The view's own document (webviewHtml.ts) as the extension would produce it for this origin.
 * @param {ViewPage} view
 * @param {string} origin
 * @param {string} nonce
 */
function viewDocument(view, origin, nonce) {
  return view.document({ cspSource: origin, asset: (file) => `${origin}/dist/webview/${file}`, nonce });
}

/**
 * Replaces the first `anchor` of the document; a document without one is an error.
 * @param {string} html
 * @param {string} anchor
 * @param {string} replacement
 */
function replaceFirst(html, anchor, replacement) {
  const i = html.indexOf(anchor);
  if (i < 0) throw new Error(`harness: the view's document has no ${anchor}`);
  return html.slice(0, i) + replacement + html.slice(i + anchor.length);
}

/**
 * A view's page: the extension's document for it (`view.document(host)`, with this server as the
 * webview origin, so the real CSP), plus what VS Code adds to a webview (its default stylesheet,
 * the theme variables on <html> with `view.background` behind the view, the theme class on
 * <body>), and the fake host script before the view's own.
 * @param {ViewPage} view
 * @param {string} origin
 * @param {string} theme
 */
function pageHtml(view, origin, theme) {
  const nonce = webviewHtml.newNonce();
  const t = /** @type {Record<string, import('./themes.mjs').Theme | undefined>} */ (themes)[theme] ?? themes.dark;
  const vars = Object.entries(t.vars)
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  let html = viewDocument(view, origin, nonce);
  const styles = [
    `<style nonce="${nonce}" id="_defaultStyles">${defaultWebviewCss}</style>`,
    `<style nonce="${nonce}" id="_themeVars">html { ${vars} background-color: var(${view.background}); }</style>`,
  ];
  html = replaceFirst(html, '<link rel="stylesheet"', `${styles.join('\n')}\n<link rel="stylesheet"`);
  html = replaceFirst(html, '<body>', `<body class="${t.bodyClass}" data-vscode-theme-kind="${t.kind}" data-vscode-theme-name="${t.name}">`);
  return replaceFirst(html, '<script ', `<script type="module" nonce="${nonce}" src="${origin}/harness/${view.fakeHost}"></script>\n<script `);
}

/** @type {Record<string, string>} */
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/**
 * Serves the views' pages and their assets on 127.0.0.1 with a free port: `/<view.path>?theme=…`
 * (plus the fake host's own parameters, which it reads from the page URL), the built views and
 * the codicons under `/dist/webview/`, and the harness modules under `/harness/` (bundled with
 * esbuild, so they may import the extension's TypeScript).
 * @param views `{ path, document(host), background, fakeHost }` each: the URL path, the document
 *   from webviewHtml.ts, the CSS variable VS Code shows behind the view, the fake host module.
 * @param {ViewPage[]} views
 * @returns {Promise<{ origin: string, close: () => Promise<void> }>}
 */
export async function startServer(views) {
  const byPath = new Map(views.map((v) => [`/${v.path}`, v]));
  /** @type {Map<string, string>} */
  const bundles = new Map();
  /** @param {string} file */
  const bundle = async (file) => {
    let text = bundles.get(file);
    if (text === undefined) {
      const r = await esbuild.build({ absWorkingDir: root, entryPoints: [file], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
      text = outputText(r);
      bundles.set(file, text);
    }
    return text;
  };
  /**
   * The file under `dir` that `pathname` names below `prefix`, or null (outside `dir`, or missing).
   * @param {string} pathname
   * @param {string} prefix
   * @param {string} dir
   */
  const served = (pathname, prefix, dir) => {
    if (!pathname.startsWith(prefix)) return null;
    const candidate = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
    return candidate.startsWith(dir + sep) && existsSync(candidate) ? candidate : null;
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${port()}`;
    const view = byPath.get(url.pathname);
    try {
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
      } else if (view) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(pageHtml(view, origin, url.searchParams.get('theme') ?? 'dark'));
      } else if (url.pathname.startsWith('/harness/')) {
        const file = served(url.pathname, '/harness/', here);
        if (!file || extname(file) !== '.mjs') throw Object.assign(new Error('not found'), { status: 404 });
        res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
        res.end(await bundle(file));
      } else {
        const file = served(url.pathname, '/dist/webview/codicons/', join(root, 'node_modules/@vscode/codicons/dist')) ?? served(url.pathname, '/dist/webview/', buildDir);
        if (!file) throw Object.assign(new Error('not found'), { status: 404 });
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(readFileSync(file));
      }
    } catch (e) {
      const status = /** @type {{ status?: number }} */ (e).status;
      console.error(`harness: ${status ?? 500} ${url.pathname}${status ? '' : `: ${e instanceof Error ? e.message : String(e)}`}`);
      if (!res.headersSent) res.writeHead(status ?? 500);
      res.end();
    }
  });
  /** The port the server listens on. */
  const port = () => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('harness: the server is not listening on a TCP port');
    return address.port;
  };
  await /** @type {Promise<void>} */ (new Promise((ok) => server.listen(0, '127.0.0.1', ok)));
  return { origin: `http://127.0.0.1:${port()}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/**
 * Throws unless the open page is the view's own document: the one `view.document` (webviewHtml.ts)
 * makes with the page's nonce has the same CSP (which is `webviewCsp`), title, `#app` data
 * attributes and view assets, and each asset tag carries that nonce.
 * @param {Page} page
 * @param {ViewPage} view
 * @param {string} origin
 */
export async function assertViewDocument(page, view, origin) {
  const seen = await page.evaluate(() => {
    const app = /** @type {HTMLElement} */ (document.getElementById('app'));
    const tags = /** @type {(HTMLLinkElement | HTMLScriptElement)[]} */ ([...document.querySelectorAll('link[rel="stylesheet"][href*="/dist/webview/"], script[src*="/dist/webview/"]')]);
    return {
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
      title: document.title,
      app: app.getAttributeNames().filter((n) => n.startsWith('data-')).map((n) => [n, app.getAttribute(n)]),
      assets: tags.map((t) => t.getAttribute('href') ?? t.getAttribute('src')),
      nonces: tags.map((t) => t.nonce),
    };
  });
  const nonce = /'nonce-([^']+)'/.exec(seen.csp)?.[1];
  assert(nonce, `no nonce in the page's CSP: ${seen.csp}`);
  const html = viewDocument(view, origin, nonce);
  const appTag = /<div id="app"([^>]*)>/.exec(html);
  assert(appTag, `${view.path}'s document has no <div id="app">`);
  eq(seen.csp, webviewHtml.webviewCsp(origin, nonce), 'CSP (webviewCsp)');
  // The values compared below are plain text (no entities), so the document's source is their text.
  eq(
    seen,
    {
      csp: /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1],
      title: /<title>([^<]*)<\/title>/.exec(html)?.[1],
      app: [...appTag[1].matchAll(/ (data-[a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      assets: [...html.matchAll(/ (?:href|src)="([^"]+)"/g)].map((m) => m[1]),
      nonces: [...html.matchAll(/ (?:href|src)="([^"]+)"/g)].map(() => nonce),
    },
    `the page is not ${view.path}'s own document`,
  );
}

/**
 * Debian's Chromium (installed by apt); waits a while if another process is still installing it.
 * @returns {Promise<Browser>}
 */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  for (let i = 0; i < 60 && !existsSync(executablePath); i++) await new Promise((r) => setTimeout(r, 5000));
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Opens `url` in a new browser context of the given viewport. Collects CSP violations
 * (`cspViolations()`), page errors, console errors and dialogs (`problems`; none may happen).
 * Returns once the page has loaded; the caller waits for its view to render. `beforeGoto` runs
 * on the new context before the page loads (e.g. `context.exposeBinding`, bench/webviewBench.mjs).
 * @param {Browser} browser
 * @param {string} url
 * @param {{ width: number, height: number, beforeGoto?: (context: BrowserContext) => Promise<void> }} viewport
 * @returns {Promise<OpenedPage>}
 */
export async function openPage(browser, url, { width, height, beforeGoto }) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  if (beforeGoto) await beforeGoto(context);
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await page.goto(url);
  return {
    page,
    context,
    problems,
    cspViolations: () => page.evaluate(() => window.__csp),
    close: () => context.close(),
  };
}

/**
 * The bookkeeping of a run of checks: `check(name, fn)` runs one, logs `ok`/`FAIL` and, on a
 * failure, leaves a screenshot of `currentPage()` as `<failurePrefix>-<n>.png` in resultsDir;
 * `summary()` gives `{ passed, failed, results }`.
 * @param {{ log?: (line: string) => void, currentPage?: () => Page | null | undefined, failurePrefix?: string, fullPage?: boolean }} [options]
 */
export function checkRunner({ log = console.log, currentPage = () => undefined, failurePrefix = 'failure', fullPage = false } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  /** @type {CheckResult[]} */
  const results = [];
  return {
    results,
    /**
     * Runs one check.
     * @param {string} name
     * @param {() => unknown} fn
     */
    async check(name, fn) {
      try {
        await fn();
        results.push({ name, ok: true });
        log(`  ok   ${name}`);
      } catch (e) {
        results.push({ name, ok: false, error: e });
        log(`  FAIL ${name}\n       ${String(e instanceof Error ? (e.stack ?? e) : e).split('\n').slice(0, 4).join('\n       ')}`);
        // Leave evidence: a screenshot of the page as it was when the check failed.
        const file = join(resultsDir, `${failurePrefix}-${results.length}.png`);
        await currentPage()
          ?.screenshot({ path: file, fullPage })
          .then(() => log(`       screenshot: ${file}`))
          .catch(() => {});
      }
    },
    /** @returns {{ passed: number, failed: number, results: CheckResult[] }} */
    summary() {
      const passed = results.filter((r) => r.ok).length;
      return { passed, failed: results.length - passed, results };
    },
  };
}

/**
 * Throws `msg` unless `cond`.
 * @param {unknown} cond
 * @param {string} msg
 * @returns {asserts cond}
 */
export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/**
 * Throws unless `a` and `b` have the same JSON.
 * @param {unknown} a
 * @param {unknown} b
 * @param {string} msg
 */
export function eq(a, b, msg) {
  assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

/**
 * The text of the first element matching `selector` on `page`, or of `locator`'s element.
 * Playwright types it `string | null`; an element's text is never null, so null throws.
 * @param {Page | import('playwright-core').Locator} where
 * @param {string} [selector] with a page
 * @returns {Promise<string>}
 */
export async function textOf(where, selector) {
  const text = 'goto' in where ? await where.textContent(selector ?? ':root') : await where.textContent();
  if (text === null) throw new Error(`no text: ${selector ?? 'locator'}`);
  return text;
}

/**
 * An attribute of the first element matching `selector`; throws when the element lacks it.
 * @param {Page} page
 * @param {string} selector
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function attributeOf(page, selector, name) {
  const value = await page.getAttribute(selector, name);
  if (value === null) throw new Error(`${selector} has no ${name} attribute`);
  return value;
}

/**
 * `value`, which must be there (a fixture's span looked up by name, …): throws on null or undefined.
 * @template T
 * @param {T | null | undefined} value
 * @param {string} what names the value in the error
 * @returns {T}
 */
export function present(value, what) {
  if (value === undefined || value === null) throw new Error(`${what}: not found`);
  return value;
}
