/**
 * Path resolution: absolute inside the workspace, relative (working directory, workspace
 * folders), mapped container paths, outside the workspace, missing (with what was tried), Java
 * package paths, suffix matching; plus the index keys of a document.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentKeyCandidates, expandTarget, javaPackagePath, resolveSourcePath, type ResolveContext } from '../../../src/core/source/resolve';
import { normalizePath } from '../../../src/core/source/paths';
import { parseStackTrace } from '../../../src/core/source/stackTrace';
import { readFileSync } from 'node:fs';

/** A fake file system: a set of normalized file paths. */
function ctx(files: string[], extra: Partial<ResolveContext> = {}): ResolveContext & { asked: string[] } {
  const set = new Set(files.map(normalizePath));
  const asked: string[] = [];
  return {
    workspaceFolders: [{ name: 'demo', path: '/work/demo' }],
    fileExists: async (p) => {
      asked.push(p);
      return set.has(p);
    },
    asked,
    ...extra,
  };
}

describe('resolveSourcePath', () => {
  it('absolute path inside a workspace folder', async () => {
    const r = await resolveSourcePath('/work/demo/agent/agent.mjs', ctx(['/work/demo/agent/agent.mjs']));
    expect(r).toMatchObject({ kind: 'workspace', path: '/work/demo/agent/agent.mjs', relativePath: 'agent/agent.mjs', via: 'absolute' });
  });

  it('file:// URL (Node ES modules)', async () => {
    const r = await resolveSourcePath('file:///work/demo/agent/agent.mjs', ctx(['/work/demo/agent/agent.mjs']));
    expect(r).toMatchObject({ kind: 'workspace', relativePath: 'agent/agent.mjs' });
  });

  it('relative path (Logfire): the working directory first, then each workspace folder', async () => {
    const c = ctx(['/work/demo/backend/app/main.py', '/work/other/app/main.py'], {
      workspaceFolders: [
        { name: 'other', path: '/work/other' },
        { name: 'demo', path: '/work/demo' },
      ],
    });
    const viaCwd = await resolveSourcePath('app/main.py', c, { workingDirectory: '/work/demo/backend' });
    expect(viaCwd).toMatchObject({ kind: 'workspace', path: '/work/demo/backend/app/main.py', via: 'workingDirectory', folder: { name: 'demo' } });
    const viaFolder = await resolveSourcePath('app/main.py', c);
    expect(viaFolder).toMatchObject({ kind: 'workspace', path: '/work/other/app/main.py', via: 'workspaceRelative' });
  });

  it('container path through traceLens.source.pathMappings ({"/app": "${workspaceFolder}"})', async () => {
    const c = ctx(['/work/demo/src/agent.py'], { pathMappings: { '/app': '${workspaceFolder}', '/app/vendor': '/opt/vendor' } });
    const r = await resolveSourcePath('/app/src/agent.py', c);
    expect(r).toMatchObject({ kind: 'workspace', path: '/work/demo/src/agent.py', via: 'mapping' });
    expect(r.tried[0]).toBe('/work/demo/src/agent.py');
    // The longest prefix wins.
    const vendor = await resolveSourcePath('/app/vendor/x.py', ctx(['/opt/vendor/x.py'], { pathMappings: c.pathMappings }));
    expect(vendor).toMatchObject({ kind: 'outside', path: '/opt/vendor/x.py', via: 'mapping' });
  });

  it('mapping targets: named folders, relative targets, unknown names', () => {
    const folders = [
      { name: 'api', path: '/w/api' },
      { name: 'web', path: '/w/web' },
    ];
    expect(expandTarget('${workspaceFolder:web}/src', folders)).toEqual(['/w/web/src']);
    expect(expandTarget('${workspaceFolder}', folders)).toEqual(['/w/api', '/w/web']);
    expect(expandTarget('backend', folders)).toEqual(['/w/api/backend', '/w/web/backend']);
    expect(expandTarget('${workspaceFolder:nope}', folders)).toEqual([]);
    expect(expandTarget('C:\\src', folders)).toEqual(['c:/src']);
  });

  it('an existing file outside the workspace is "outside" (opened only after confirmation)', async () => {
    const r = await resolveSourcePath('/usr/lib/python3.12/json/decoder.py', ctx(['/usr/lib/python3.12/json/decoder.py']));
    expect(r).toMatchObject({ kind: 'outside', path: '/usr/lib/python3.12/json/decoder.py', via: 'absolute' });
  });

  it('missing: every path tried, and a mapping suggestion for an absolute path', async () => {
    const c = ctx([]);
    const r = await resolveSourcePath('/app/src/agent.py', c);
    expect(r.kind).toBe('missing');
    if (r.kind !== 'missing') return;
    expect(r.tried).toEqual(['/app/src/agent.py', '/work/demo/app/src/agent.py', '/work/demo/src/agent.py']);
    expect(c.asked).toEqual(r.tried);
    expect(r.suggestedMapping).toEqual({ from: '/app', to: '${workspaceFolder}' });
    const rel = await resolveSourcePath('lib/x.py', ctx([]));
    expect(rel).toMatchObject({ kind: 'missing', tried: ['/work/demo/lib/x.py'], suggestedMapping: null });
  });

  it('suffix matching finds a container path before a mapping is set up', async () => {
    const r = await resolveSourcePath('/srv/build/src/agent.py', ctx(['/work/demo/src/agent.py']));
    expect(r).toMatchObject({ kind: 'workspace', path: '/work/demo/src/agent.py', via: 'suffix' });
    // One segment alone is never matched (too ambiguous).
    expect((await resolveSourcePath('/srv/agent.py', ctx(['/work/demo/agent.py']))).kind).toBe('missing');
  });

  it('Java: file name + package from the frame function, under the usual source roots', async () => {
    expect(javaPackagePath('com.example.orders.OrderService$OrderException.<init>')).toBe('com/example/orders');
    expect(javaPackagePath('Main.main')).toBeNull();
    const r = await resolveSourcePath('OrderService.java', ctx(['/work/demo/src/main/java/com/example/orders/OrderService.java']), {
      format: 'java',
      functionName: 'com.example.orders.OrderService.total',
    });
    expect(r).toMatchObject({ kind: 'workspace', relativePath: 'src/main/java/com/example/orders/OrderService.java', via: 'javaPackage' });
  });

  it('Windows paths from a trace, case-insensitive workspace', async () => {
    const c = ctx(['c:/projects/exceptions/program.cs'], {
      workspaceFolders: [{ name: 'ex', path: 'C:\\Projects\\Exceptions' }],
      caseInsensitive: true,
      fileExists: async (p) => p.toLowerCase() === 'c:/projects/exceptions/program.cs',
    });
    const r = await resolveSourcePath('C:\\Projects\\Exceptions\\Program.cs', c);
    expect(r).toMatchObject({ kind: 'workspace', relativePath: 'Program.cs' });
  });

  it('real stack frames from the generated fixtures, mapped to this checkout (real file system)', async () => {
    const fixtures = join(__dirname, '..', '..', 'fixtures', 'stacktraces');
    const programs = join(fixtures, 'programs');
    const real: ResolveContext = {
      workspaceFolders: [{ name: 'programs', path: programs }],
      // As a user would map a path captured on another machine (or in a container).
      pathMappings: { '/work/main/test/fixtures/stacktraces/programs': '${workspaceFolder}' },
      fileExists: async (p) => existsSync(p) && statSync(p).isFile(),
    };
    const python = parseStackTrace(readFileSync(join(fixtures, 'python-chained.txt'), 'utf8'));
    const app = await resolveSourcePath(python.frames[0]!.file, real);
    expect(app).toMatchObject({ kind: 'workspace', relativePath: 'python/shop/pricing.py' });
    const node = parseStackTrace(readFileSync(join(fixtures, 'node-esm.txt'), 'utf8'));
    expect(await resolveSourcePath(node.frames[0]!.file, real)).toMatchObject({ kind: 'workspace', relativePath: 'node/esm/tools.mjs' });
    const java = parseStackTrace(readFileSync(join(fixtures, 'java-caused-by.txt'), 'utf8'));
    const javaFrame = java.frames[0]!;
    expect(await resolveSourcePath(javaFrame.file, { ...real, workspaceFolders: [{ name: 'java', path: join(programs, 'java') }] }, { format: 'java', functionName: javaFrame.function })).toMatchObject({
      kind: 'workspace',
      relativePath: 'com/example/orders/OrderService.java',
      via: 'javaPackage',
    });
    // The node_modules folder is deleted after capture: a clear "missing".
    const cjs = parseStackTrace(readFileSync(join(fixtures, 'node-cjs.txt'), 'utf8'));
    const lib = cjs.frames.find((f) => f.file.includes('node_modules'))!;
    expect((await resolveSourcePath(lib.file, real)).kind).toBe('missing');
  });
});

describe('documentKeyCandidates', () => {
  it('the path itself, every tail of its workspace-relative path, and mappings applied backwards', () => {
    const keys = documentKeyCandidates('/work/demo/backend/app/main.py', {
      workspaceFolders: [{ name: 'demo', path: '/work/demo' }],
      pathMappings: { '/app': '${workspaceFolder}/backend' },
    });
    expect(keys).toEqual(['/work/demo/backend/app/main.py', 'backend/app/main.py', 'app/main.py', 'main.py', '/app/app/main.py']);
  });

  it('a document outside the workspace: its path and its name', () => {
    expect(documentKeyCandidates('/tmp/x/y.py', { workspaceFolders: [] })).toEqual(['/tmp/x/y.py', 'y.py']);
  });
});
