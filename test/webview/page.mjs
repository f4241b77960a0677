// What the webview harnesses share (harness.mjs: the trace panel; usageHarness.mjs: the Usage view):
// esbuild builds of the views and of TS modules for Node, a server on 127.0.0.1:0 that serves each
// view in the very document the extension produces (src/extension/webviewHtml.ts, so under the
// real CSP) plus what VS Code adds to a webview (default styles, theme variables, the theme class)
// and a fake host script, Debian's Chromium through playwright-core, pages that collect CSP
// violations and errors, and the bookkeeping of the checks.
//
// Exports: root, resultsDir, importBundled(), webviewHtml, buildView(), startServer(),
// assertViewDocument(), launchBrowser(), openPage(), checkRunner(), assert(), eq().
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { defaultWebviewCss, themes } from './themes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const resultsDir = join(root, 'test-results/webview');
const buildDir = join(resultsDir, 'build');

/**
 * Bundles a module (TypeScript, or harness ESM that imports TypeScript) with esbuild and imports
 * it in Node. `platform`: esbuild's (`node`, `browser` or `neutral`).
 */
export async function importBundled(entry, platform = 'node') {
  const r = await esbuild.build({ absWorkingDir: root, entryPoints: [entry], bundle: true, format: 'esm', platform, write: false, logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString('base64')}`);
}

/** The extension's own webview documents and CSP (src/extension/webviewHtml.ts). */
export const webviewHtml = await importBundled('src/extension/webviewHtml.ts');

/**
 * Builds a view's entry (`webview/<name>/main.ts` → `<name>.js` and `<name>.css`) exactly as the
 * webview build in esbuild.mjs (browser, ESM, css loader), unminified with source maps. Returns
 * the build time and the output sizes.
 */
export async function buildView(name) {
  mkdirSync(buildDir, { recursive: true });
  const started = performance.now();
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { [name]: `webview/${name}/main.ts` },
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
  });
  const js = readFileSync(join(buildDir, `${name}.js`));
  const css = readFileSync(join(buildDir, `${name}.css`));
  return { ms: performance.now() - started, jsBytes: js.length, cssBytes: css.length };
}

/** The view's own document (webviewHtml.ts) as the extension would produce it for this origin. */
function viewDocument(view, origin, nonce) {
  return view.document({ cspSource: origin, asset: (file) => `${origin}/dist/webview/${file}`, nonce });
}

/** Replaces the first `anchor` of the document; a document without one is an error. */
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
 */
function pageHtml(view, origin, theme) {
  const nonce = webviewHtml.newNonce();
  const t = themes[theme] ?? themes.dark;
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

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/**
 * Serves the views' pages and their assets on 127.0.0.1 with a free port: `/<view.path>?theme=…`
 * (plus the fake host's own parameters, which it reads from the page URL), the built views and
 * the codicons under `/dist/webview/`, and the harness modules under `/harness/` (bundled with
 * esbuild, so they may import the extension's TypeScript).
 * @param views `{ path, document(host), background, fakeHost }` each: the URL path, the document
 *   from webviewHtml.ts, the CSS variable VS Code shows behind the view, the fake host module.
 */
export async function startServer(views) {
  const byPath = new Map(views.map((v) => [`/${v.path}`, v]));
  const bundles = new Map();
  const bundle = async (file) => {
    if (!bundles.has(file)) {
      const r = await esbuild.build({ absWorkingDir: root, entryPoints: [file], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
      bundles.set(file, r.outputFiles[0].text);
    }
    return bundles.get(file);
  };
  const served = (pathname, prefix, dir) => {
    if (!pathname.startsWith(prefix)) return null;
    const candidate = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
    return candidate.startsWith(dir + sep) && existsSync(candidate) ? candidate : null;
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${server.address().port}`;
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
      console.error(`harness: ${e.status ?? 500} ${url.pathname}${e.status ? '' : `: ${e.message}`}`);
      if (!res.headersSent) res.writeHead(e.status ?? 500);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Throws unless the open page is the view's own document: the one `view.document` (webviewHtml.ts)
 * makes with the page's nonce has the same CSP (which is `webviewCsp`), title, `#app` data
 * attributes and view assets, and each asset tag carries that nonce.
 */
export async function assertViewDocument(page, view, origin) {
  const seen = await page.evaluate(() => {
    const app = document.getElementById('app');
    const tags = [...document.querySelectorAll('link[rel="stylesheet"][href*="/dist/webview/"], script[src*="/dist/webview/"]')];
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
  eq(seen.csp, webviewHtml.webviewCsp(origin, nonce), 'CSP (webviewCsp)');
  // The values compared below are plain text (no entities), so the document's source is their text.
  eq(
    seen,
    {
      csp: /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1],
      title: /<title>([^<]*)<\/title>/.exec(html)?.[1],
      app: [.../<div id="app"([^>]*)>/.exec(html)[1].matchAll(/ (data-[a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      assets: [...html.matchAll(/ (?:href|src)="([^"]+)"/g)].map((m) => m[1]),
      nonces: [...html.matchAll(/ (?:href|src)="([^"]+)"/g)].map(() => nonce),
    },
    `the page is not ${view.path}'s own document`,
  );
}

/** Debian's Chromium (installed by apt); waits a while if another process is still installing it. */
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
 * Returns once the page has loaded; the caller waits for its view to render.
 */
export async function openPage(browser, url, { width, height }) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
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
 */
export function checkRunner({ log = console.log, currentPage = () => undefined, failurePrefix = 'failure', fullPage = false } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const results = [];
  return {
    results,
    async check(name, fn) {
      try {
        await fn();
        results.push({ name, ok: true });
        log(`  ok   ${name}`);
      } catch (e) {
        results.push({ name, ok: false, error: e });
        log(`  FAIL ${name}\n       ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n       ')}`);
        // Leave evidence: a screenshot of the page as it was when the check failed.
        const file = join(resultsDir, `${failurePrefix}-${results.length}.png`);
        await currentPage()
          ?.screenshot({ path: file, fullPage })
          .then(() => log(`       screenshot: ${file}`))
          .catch(() => {});
      }
    },
    summary() {
      const passed = results.filter((r) => r.ok).length;
      return { passed, failed: results.length - passed, results };
    },
  };
}

/** Throws `msg` unless `cond`. */
export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Throws unless `a` and `b` have the same JSON. */
export function eq(a, b, msg) {
  assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}
