// Refreshes the model price data bundled into the extension.
//
// The data is the `@pydantic/genai-prices` npm package (src/core/pricing/README.md): its
// prices ship inside the package and are bundled by esbuild into dist/worker.js; the extension
// never fetches prices at runtime. Refreshing therefore means updating the package:
//
//   node scripts/refresh-prices.mjs             npm update @pydantic/genai-prices (within package.json's range)
//   node scripts/refresh-prices.mjs --latest    npm install @pydantic/genai-prices@latest (may cross a 0.x minor)
//   node scripts/refresh-prices.mjs --no-update only re-read the installed data and rewrite dataInfo.json
//
// It prints the package version, its publish date (`npm view`, the one network use) and the
// provider/model counts before and after, and writes src/core/pricing/dataInfo.json (shown by the
// UI as "prices as of …"). Then:
//   1. npx vitest run --config vitest.config.mts test/unit/pricing
//      The tests assert the per-token rates of a few fixture models: a failure there is a price
//      change to review (update the expected numbers when the new price is right).
//   2. Commit package.json, package-lock.json and src/core/pricing/dataInfo.json together.
//
// Never run by the tests or the build.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = '@pydantic/genai-prices';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = join(root, 'node_modules', ...PKG.split('/'));
const infoFile = join(root, 'src', 'core', 'pricing', 'dataInfo.json');
const args = new Set(process.argv.slice(2));

if (process.env.VITEST) throw new Error('refresh-prices.mjs must not run inside the tests');
for (const a of args) {
  if (!['--latest', '--no-update'].includes(a)) {
    console.error(`unknown option ${a}\nusage: node scripts/refresh-prices.mjs [--latest | --no-update]`);
    process.exit(1);
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, cmdArgs) {
  return execFileSync(cmd, cmdArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: process.platform === 'win32' });
}

/** Installed version and counts, read through the package's own CLI (`genai-prices list`, offline). */
function inspect() {
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  // Through a file: the CLI exits right after printing, which can cut a piped stdout short.
  const dir = mkdtempSync(join(tmpdir(), 'genai-prices-'));
  const file = join(dir, 'list.txt');
  const fd = openSync(file, 'w');
  try {
    execFileSync(process.execPath, [join(pkgDir, 'dist', 'cli.js'), 'list'], { cwd: root, stdio: ['ignore', fd, 'inherit'] });
  } finally {
    closeSync(fd);
  }
  const listing = readFileSync(file, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  let providerCount = 0;
  let modelCount = 0;
  for (const line of listing.split('\n')) {
    const m = /^\S.*: \((\d+) models?\)\s*$/.exec(line);
    if (m) {
      providerCount++;
      modelCount += Number(m[1]);
    }
  }
  return { version, providerCount, modelCount };
}

function publishedAt(version) {
  try {
    const times = JSON.parse(run(npm, ['view', PKG, 'time', '--json']));
    return typeof times[version] === 'string' ? times[version].slice(0, 10) : null;
  } catch (err) {
    console.warn(`could not read the publish date from the registry: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

const before = inspect();
console.log(`installed: ${PKG}@${before.version}: ${before.modelCount} models from ${before.providerCount} providers`);

if (!args.has('--no-update')) {
  const cmdArgs = args.has('--latest') ? ['install', `${PKG}@latest`] : ['update', PKG];
  console.log(`> npm ${cmdArgs.join(' ')}`);
  run(npm, cmdArgs);
}

const after = inspect();
const date = publishedAt(after.version);
const info = { package: PKG, version: after.version, publishedAt: date, providerCount: after.providerCount, modelCount: after.modelCount };
writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);

if (after.version === before.version) {
  console.log(`unchanged: ${PKG}@${after.version} (published ${date ?? 'unknown'})`);
} else {
  const delta = after.modelCount - before.modelCount;
  console.log(
    `updated: ${before.version} → ${after.version} (published ${date ?? 'unknown'}): ${after.modelCount} models (${delta >= 0 ? '+' : ''}${delta}) from ${after.providerCount} providers`,
  );
}
console.log(`wrote ${infoFile}`);
console.log('next: npx vitest run --config vitest.config.mts test/unit/pricing, then commit package.json, package-lock.json and dataInfo.json');
