/**
 * Go to Source decides "inside the workspace" on real paths: a symbolic link inside a workspace
 * folder that points out of it (`docs -> /etc`, which a cloned repository can carry) must not
 * open `/etc/passwd` without the "outside the workspace" confirmation. First the pure decision
 * with a fake `realpath`, then a real temporary folder with a real symbolic link, resolved with
 * the file system functions the extension uses.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePath } from '../../../src/core/source/paths';
import { placeInWorkspace, resolveSourcePath, type ResolveContext } from '../../../src/core/source/resolve';
import { targetView } from '../../../src/core/source/spanSource';
import { realPathOnDisk } from '../../../src/extension/source/realPath';

/**
 * A fake file system: files (normalized paths) and symbolic links (link path → target), resolved
 * the way realpath(3) does: each existing prefix that is a link is replaced by its target.
 */
function fakeFs(files: string[], links: Record<string, string>) {
  const fileSet = new Set(files.map(normalizePath));
  const linkMap = new Map(Object.entries(links).map(([from, to]) => [normalizePath(from), normalizePath(to)]));
  const realpath = async (path: string): Promise<string | null> => {
    let p = normalizePath(path);
    for (let hops = 0; hops < 40; hops++) {
      const link = [...linkMap.keys()].find((l) => p === l || p.startsWith(`${l}/`));
      if (!link) return fileSet.has(p) || [...fileSet].some((f) => f.startsWith(`${p}/`)) ? p : null;
      p = normalizePath(linkMap.get(link)! + p.slice(link.length));
    }
    return null; // a loop (ELOOP)
  };
  return { realpath, fileExists: async (path: string) => fileSet.has((await realpath(path)) ?? '') };
}

function ctx(files: string[], links: Record<string, string>, extra: Partial<ResolveContext> = {}): ResolveContext {
  return { workspaceFolders: [{ name: 'demo', path: '/work/demo' }], ...fakeFs(files, links), ...extra };
}

describe('inside or outside the workspace, on real paths (fake realpath)', () => {
  it('a link inside the workspace to /etc: outside, with the real path (the confirmation names /etc/passwd)', async () => {
    const c = ctx(['/etc/passwd', '/work/demo/src/app.py'], { '/work/demo/docs': '/etc' });
    const r = await resolveSourcePath('/work/demo/docs/passwd', c);
    expect(r).toMatchObject({ kind: 'outside', path: '/work/demo/docs/passwd', realPath: '/etc/passwd', via: 'absolute' });
    // A relative path from the trace lands on the same link.
    expect(await resolveSourcePath('docs/passwd', c)).toMatchObject({ kind: 'outside', realPath: '/etc/passwd', via: 'workspaceRelative' });
    // The details pane says where it really is.
    expect(targetView(r, '/work/demo/docs/passwd', 1, null, false).title).toBe('/work/demo/docs/passwd → /etc/passwd (outside the workspace, through a symbolic link)');
    // An ordinary workspace file is still opened without asking.
    expect(await resolveSourcePath('/work/demo/src/app.py', c)).toMatchObject({ kind: 'workspace', path: '/work/demo/src/app.py', relativePath: 'src/app.py' });
  });

  it('a workspace folder opened through a link: files in it stay inside, under the path the editor knows', async () => {
    const c = ctx(['/data/proj/a.py'], { '/home/u/proj': '/data/proj' }, { workspaceFolders: [{ name: 'proj', path: '/home/u/proj' }] });
    expect(await placeInWorkspace('/home/u/proj/a.py', c)).toMatchObject({ inside: true, path: '/home/u/proj/a.py', relativePath: 'a.py', realPath: '/data/proj/a.py' });
    // The real path of a file in it is inside too, and opens under the folder's own path.
    expect(await placeInWorkspace('/data/proj/a.py', c)).toMatchObject({ inside: true, path: '/home/u/proj/a.py', relativePath: 'a.py' });
  });

  it('a link from outside into the workspace: inside (the file really is there), opened under the workspace path', async () => {
    const c = ctx(['/work/demo/src/app.py'], { '/tmp/checkout': '/work/demo' });
    expect(await resolveSourcePath('/tmp/checkout/src/app.py', c)).toMatchObject({ kind: 'workspace', path: '/work/demo/src/app.py', relativePath: 'src/app.py' });
  });

  it('a link inside the workspace to another place inside it: inside, the path as given', async () => {
    const c = ctx(['/work/demo/real/x.py'], { '/work/demo/alias': '/work/demo/real' });
    expect(await placeInWorkspace('/work/demo/alias/x.py', c)).toMatchObject({ inside: true, path: '/work/demo/alias/x.py', relativePath: 'alias/x.py', realPath: '/work/demo/real/x.py' });
  });

  it('a path whose real path cannot be found (dangling link, a loop) is outside: asked, never opened silently', async () => {
    const c = ctx([], { '/work/demo/a': '/work/demo/b', '/work/demo/b': '/work/demo/a' });
    expect(await placeInWorkspace('/work/demo/a/x.py', c)).toEqual({ inside: false, realPath: null });
    const throwing = { ...c, realpath: () => Promise.reject(new Error('EACCES')) };
    expect(await placeInWorkspace('/work/demo/x.py', throwing)).toEqual({ inside: false, realPath: null });
  });

  it('nested workspace folders: the deepest real folder wins; a folder that cannot be resolved holds nothing', async () => {
    const c = ctx(['/work/demo/pkg/x.py'], {}, {
      workspaceFolders: [
        { name: 'demo', path: '/work/demo' },
        { name: 'pkg', path: '/work/demo/pkg' },
        { name: 'gone', path: '/work/gone' },
      ],
    });
    expect(await placeInWorkspace('/work/demo/pkg/x.py', c)).toMatchObject({ inside: true, folder: { name: 'pkg' }, relativePath: 'x.py' });
  });

  it('Windows: real paths with back slashes and another case compare case-insensitively', async () => {
    const c: ResolveContext = {
      workspaceFolders: [{ name: 'app', path: 'C:\\Src\\App' }],
      caseInsensitive: true,
      fileExists: async () => true,
      realpath: async (p) => (normalizePath(p).startsWith('c:/Src/App/docs') ? 'C:\\Windows\\System32\\drivers\\etc\\hosts' : p.replace(/\//g, '\\').toUpperCase()),
    };
    expect(await placeInWorkspace('c:/Src/App/docs/hosts', c)).toEqual({ inside: false, realPath: 'c:/Windows/System32/drivers/etc/hosts' });
    expect(await placeInWorkspace('c:/Src/App/main.cs', c)).toMatchObject({ inside: true, relativePath: 'main.cs' });
  });

  it('without a realpath (no file system given) paths are taken as they are', async () => {
    const c: ResolveContext = { workspaceFolders: [{ name: 'demo', path: '/work/demo' }], fileExists: async () => true };
    expect(await placeInWorkspace('/work/demo/docs/passwd', c)).toMatchObject({ inside: true, relativePath: 'docs/passwd' });
  });
});

describe('a real folder with a real symbolic link (the file system functions of the extension)', () => {
  let root: string;
  let workspaceDir: string;
  let outsideDir: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trace-lens-symlink-'));
    workspaceDir = join(root, 'workspace');
    outsideDir = join(root, 'elsewhere');
    mkdirSync(join(workspaceDir, 'src'), { recursive: true });
    mkdirSync(outsideDir);
    writeFileSync(join(workspaceDir, 'src', 'app.py'), 'print("inside")\n');
    writeFileSync(join(outsideDir, 'secret.txt'), 'not part of the workspace\n');
    symlinkSync(outsideDir, join(workspaceDir, 'docs'), 'dir');
    symlinkSync(join(workspaceDir, 'src'), join(root, 'src-link'), 'dir');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** What WorkspaceSource gives the resolver for a local workspace: stat for existence, fs.realpath. */
  function realCtx(): ResolveContext {
    return {
      workspaceFolders: [{ name: 'workspace', path: workspaceDir }],
      fileExists: async (path) => {
        try {
          return statSync(path).isFile();
        } catch {
          return false;
        }
      },
      realpath: realPathOnDisk,
    };
  }

  it('<workspace>/docs -> <elsewhere>: a file through the link is outside, with its real path', async () => {
    const secret = normalizePath(realpathSync(join(outsideDir, 'secret.txt')));
    const r = await resolveSourcePath(join(workspaceDir, 'docs', 'secret.txt'), realCtx());
    expect(r).toMatchObject({ kind: 'outside', realPath: secret });
    expect(await resolveSourcePath('docs/secret.txt', realCtx())).toMatchObject({ kind: 'outside', realPath: secret });
  });

  it('a workspace file stays inside; a link from outside into the workspace lands inside', async () => {
    expect(await resolveSourcePath(join(workspaceDir, 'src', 'app.py'), realCtx())).toMatchObject({ kind: 'workspace', relativePath: 'src/app.py' });
    expect(await resolveSourcePath(join(root, 'src-link', 'app.py'), realCtx())).toMatchObject({ kind: 'workspace', relativePath: 'src/app.py', path: normalizePath(join(workspaceDir, 'src', 'app.py')) });
  });

  it('realPathOnDisk: the normalized real path, null when there is none', async () => {
    expect(await realPathOnDisk(join(workspaceDir, 'docs'))).toBe(normalizePath(realpathSync(outsideDir)));
    expect(await realPathOnDisk(join(workspaceDir, 'missing.py'))).toBeNull();
  });
});
