/**
 * Path resolution for "Go to Source": turns a path from a trace (absolute, relative to the app's
 * working directory, a container path, a `file://` URL, a bare Java file name) into a file the
 * editor can open, given the workspace folders, the user's path mappings and a `fileExists`
 * function. Pure: the extension passes the workspace and the file system in.
 *
 * Candidates, in order (the first existing file wins):
 *   1. path mappings (`traceLens.source.pathMappings`, longest prefix first), e.g.
 *      `{"/app": "${workspaceFolder}"}` maps `/app/src/x.py` → `<folder>/src/x.py`;
 *   2. an absolute path as it is;
 *   3. a relative path against the app's working directory (resource attribute
 *      `process.working_directory`/`process.cwd`), then against each workspace folder;
 *   4. Java frames (`Foo.java` in `com.example.Foo.bar`): the package path under each workspace
 *      folder and its usual source roots (`src/main/java`, …);
 *   5. the path's trailing segments (at least two: `dir/file`) under each workspace folder, so a
 *      container path resolves even before a mapping is set up (reported as `via: 'suffix'`).
 * Then: inside a workspace folder → `workspace`; elsewhere → `outside` (the caller asks before
 * opening it); nothing found → `missing` with every path tried and a suggested mapping. "Inside"
 * is decided on real paths (`ResolveContext.realpath` of the file and of each folder,
 * `placeInWorkspace`): a symbolic link in the workspace that points out of it (`docs -> /etc`,
 * which a cloned repository can carry) leads `outside`, so the user is asked first.
 */
import type { StackFormat } from '../../model/source';
import { baseName, isAbsolutePath, joinPath, normalizePath, pathSegments, relativeInside } from './paths';

export interface WorkspaceFolderInfo {
  name: string;
  /** File system path of the folder (`vscode.WorkspaceFolder.uri.fsPath`). */
  path: string;
}

export interface ResolveContext {
  workspaceFolders: readonly WorkspaceFolderInfo[];
  /**
   * Prefix → replacement (`traceLens.source.pathMappings`). The replacement may use
   * `${workspaceFolder}` (each folder in turn) and `${workspaceFolder:<name>}`; a relative
   * replacement is relative to each workspace folder.
   */
  pathMappings?: Readonly<Record<string, string>>;
  /** Compare paths ignoring case (Windows; default false). */
  caseInsensitive?: boolean;
  /** Whether a file (not a folder) exists at this normalized path. */
  fileExists(path: string): Promise<boolean>;
  /**
   * The real path of a path (every symbolic link followed; realpath(3)), `null` when it has none
   * (missing, dangling link, loop, no permission); may also reject, taken as `null`. Absent: paths
   * are taken as they are (no file system, as in tests of the candidate order). The extension
   * passes `realPathOnDisk` (src/extension/source/realPath.ts).
   */
  realpath?(path: string): Promise<string | null>;
}

/** What is known about where a path came from, beyond the path itself. */
export interface ResolveHints {
  /** The app's working directory (resource attributes), for relative paths. */
  workingDirectory?: string | null;
  /** Stack format of the frame, when the path comes from a stack trace. */
  format?: StackFormat | null;
  /** The frame's function (Java: package and class, used for `Foo.java` → `com/example/Foo.java`). */
  functionName?: string | null;
}

export type ResolveVia = 'mapping' | 'absolute' | 'workingDirectory' | 'workspaceRelative' | 'javaPackage' | 'suffix';

export type ResolvedSource =
  | {
      kind: 'workspace';
      path: string;
      folder: WorkspaceFolderInfo;
      /** `path` relative to its folder (`agent/main.py`). */
      relativePath: string;
      via: ResolveVia;
      tried: string[];
    }
  | {
      kind: 'outside';
      /** The path that was found (as the trace gave it, mapped or joined). */
      path: string;
      /**
       * Where it really is (links followed; what the confirmation names and what is opened),
       * `path` itself when no link is involved; `null` when it could not be resolved.
       */
      realPath: string | null;
      via: ResolveVia;
      tried: string[];
    }
  | {
      kind: 'missing';
      tried: string[];
      /** A mapping that would likely fix it (`{"/app": "${workspaceFolder}"}`), when one can be guessed. */
      suggestedMapping: { from: string; to: string } | null;
    };

/** Java/Kotlin source roots tried under each workspace folder, most common first. */
export const JAVA_SOURCE_ROOTS = ['src/main/java', 'src/main/kotlin', 'src/test/java', 'src/test/kotlin', 'src', 'app/src/main/java', ''];

/** Shortest path suffix (segments) tried by suffix matching: `dir/file`. */
export const MIN_SUFFIX_SEGMENTS = 2;

interface Candidate {
  path: string;
  via: ResolveVia;
}

/** Resolves `rawPath` (see the module comment for the order). */
export async function resolveSourcePath(rawPath: string, ctx: ResolveContext, hints: ResolveHints = {}): Promise<ResolvedSource> {
  const tried: string[] = [];
  const seen = new Set<string>();
  for (const candidate of sourceCandidates(rawPath, ctx, hints)) {
    const key = ctx.caseInsensitive ? candidate.path.toLowerCase() : candidate.path;
    if (seen.has(key)) continue;
    seen.add(key);
    tried.push(candidate.path);
    if (await ctx.fileExists(candidate.path)) return await classify(candidate, ctx, tried);
  }
  return { kind: 'missing', tried, suggestedMapping: suggestMapping(rawPath, ctx) };
}

/**
 * Where an existing file is relative to the workspace, decided on real paths: inside when the
 * real path of `path` is inside the real path of a workspace folder (the deepest such folder).
 * - `inside: true`: `folder`; `path`, what to open: `path` as given when it is under that folder's
 *   own path (the editor knows the file by it), else the folder's path + `relativePath` (a link
 *   from outside into the workspace); `realPath`.
 * - `inside: false`: `realPath`, where the file really is (a link in the workspace may point out
 *   of it), or `null` when `path` has no real path: a dangling link, a loop, an error — never
 *   taken as inside.
 * Paths are normalized (`normalizePath`); a folder without a real path holds nothing.
 */
export type WorkspacePlacement =
  | { inside: true; folder: WorkspaceFolderInfo; relativePath: string; path: string; realPath: string }
  | { inside: false; realPath: string | null };

/**
 * Decides whether the file at `path` is inside the workspace (see `WorkspacePlacement`), with
 * `ctx.realpath` for the file and each folder (one call each; without `realpath` paths are taken
 * as they are). Never rejects: a failing `realpath` counts as "no real path".
 */
export async function placeInWorkspace(path: string, ctx: Pick<ResolveContext, 'workspaceFolders' | 'caseInsensitive' | 'realpath'>): Promise<WorkspacePlacement> {
  const realOf = async (p: string): Promise<string | null> => {
    if (!ctx.realpath) return normalizePath(p);
    try {
      const real = await ctx.realpath(p);
      return typeof real === 'string' && real !== '' ? normalizePath(real) : null;
    } catch {
      return null;
    }
  };
  const target = normalizePath(path);
  const real = await realOf(target);
  if (real === null) return { inside: false, realPath: null };
  let best: { folder: WorkspaceFolderInfo; relativePath: string } | null = null;
  for (const folder of ctx.workspaceFolders) {
    const realFolder = await realOf(normalizePath(folder.path));
    if (realFolder === null) continue;
    const rel = relativeInside(realFolder, real, ctx.caseInsensitive);
    // Nested folders: the deepest one wins (shortest relative path).
    if (rel !== null && (best === null || rel.length < best.relativePath.length)) best = { folder, relativePath: rel };
  }
  if (!best) return { inside: false, realPath: real };
  const asGiven = relativeInside(best.folder.path, target, ctx.caseInsensitive);
  return asGiven !== null
    ? { inside: true, folder: best.folder, relativePath: asGiven, path: target, realPath: real }
    : { inside: true, folder: best.folder, relativePath: best.relativePath, path: joinPath(best.folder.path, best.relativePath), realPath: real };
}

/**
 * Whether a normalized path is inside a workspace folder (and which), by the path alone (no file
 * system): for index keys and mapping suggestions. Opening a file decides with `placeInWorkspace`.
 */
export function workspaceFolderOf(path: string, ctx: Pick<ResolveContext, 'workspaceFolders' | 'caseInsensitive'>): { folder: WorkspaceFolderInfo; relativePath: string } | null {
  let best: { folder: WorkspaceFolderInfo; relativePath: string } | null = null;
  for (const folder of ctx.workspaceFolders) {
    const rel = relativeInside(folder.path, path, ctx.caseInsensitive);
    // Nested folders: the deepest one wins (shortest relative path).
    if (rel !== null && (best === null || rel.length < best.relativePath.length)) best = { folder, relativePath: rel };
  }
  return best;
}

/** The candidate paths for `rawPath`, in the order they are tried (exported for tests and messages). */
export function* sourceCandidates(rawPath: string, ctx: ResolveContext, hints: ResolveHints = {}): Generator<Candidate> {
  const path = normalizePath(rawPath);
  if (path === '.' || path === '') return;
  const folders = ctx.workspaceFolders;

  for (const mapped of applyMappings(path, ctx)) yield { path: mapped, via: 'mapping' };

  if (isAbsolutePath(path)) {
    yield { path, via: 'absolute' };
  } else {
    if (hints.workingDirectory) yield { path: joinPath(hints.workingDirectory, path), via: 'workingDirectory' };
    for (const folder of folders) yield { path: joinPath(folder.path, path), via: 'workspaceRelative' };
  }

  if (hints.format === 'java' && !path.includes('/') && hints.functionName) {
    const packagePath = javaPackagePath(hints.functionName);
    if (packagePath) {
      for (const folder of folders) {
        for (const root of JAVA_SOURCE_ROOTS) {
          yield { path: joinPath(folder.path, [root, packagePath, path].filter(Boolean).join('/')), via: 'javaPackage' };
        }
      }
    }
  }

  const segments = pathSegments(path).filter((s) => s !== '..');
  const longest = isAbsolutePath(path) ? segments.length : segments.length - 1;
  for (let n = Math.min(longest, segments.length); n >= MIN_SUFFIX_SEGMENTS; n--) {
    const suffix = segments.slice(segments.length - n).join('/');
    for (const folder of folders) yield { path: joinPath(folder.path, suffix), via: 'suffix' };
  }
}

/** `com.example.orders.OrderService$Inner.total` → `com/example/orders`; `null` without a package. */
export function javaPackagePath(functionName: string): string | null {
  const parts = functionName.split('.');
  // Drop the method and the class; what is left (lower-case by convention) is the package.
  const pkg = parts.slice(0, -2).filter((p) => p !== '');
  if (pkg.length === 0 || pkg.some((p) => !/^[\w$]+$/.test(p))) return null;
  return pkg.join('/');
}

/** Every replacement of the longest matching mapping prefix, normalized. */
function applyMappings(path: string, ctx: ResolveContext): string[] {
  const entries = Object.entries(ctx.pathMappings ?? {})
    .filter(([from, to]) => typeof from === 'string' && typeof to === 'string' && from.trim() !== '')
    .map(([from, to]) => [normalizePath(from), to] as const)
    .sort((a, b) => b[0].length - a[0].length);
  for (const [from, to] of entries) {
    const rest = relativeInside(from, path, ctx.caseInsensitive);
    if (rest === null) continue;
    return expandTarget(to, ctx.workspaceFolders).map((base) => (rest ? joinPath(base, rest) : normalizePath(base)));
  }
  return [];
}

/**
 * `${workspaceFolder}` → each folder; `${workspaceFolder:name}` → that folder; a relative target
 * → under each folder. Unknown folder names give nothing.
 */
export function expandTarget(target: string, folders: readonly WorkspaceFolderInfo[]): string[] {
  const named = /\$\{workspaceFolder:([^}]+)\}/g;
  let value = target.trim();
  let unknown = false;
  value = value.replace(named, (_, name: string) => {
    const folder = folders.find((f) => f.name === name);
    if (!folder) unknown = true;
    return folder ? normalizePath(folder.path) : '';
  });
  if (unknown) return [];
  if (value.includes('${workspaceFolder}')) {
    return folders.map((f) => normalizePath(value.split('${workspaceFolder}').join(normalizePath(f.path))));
  }
  if (isAbsolutePath(value) || /^file:\/\//i.test(value)) return [normalizePath(value)];
  return folders.map((f) => joinPath(f.path, value));
}

async function classify(candidate: Candidate, ctx: ResolveContext, tried: string[]): Promise<ResolvedSource> {
  const placed = await placeInWorkspace(candidate.path, ctx);
  return placed.inside
    ? { kind: 'workspace', path: placed.path, folder: placed.folder, relativePath: placed.relativePath, via: candidate.via, tried }
    : { kind: 'outside', path: candidate.path, realPath: placed.realPath, via: candidate.via, tried };
}

/**
 * For an absolute path outside every workspace folder: its first segment mapped to the
 * workspace (`/app/src/x.py` → `{"/app": "${workspaceFolder}"}`). `null` for relative paths.
 */
function suggestMapping(rawPath: string, ctx: ResolveContext): { from: string; to: string } | null {
  const path = normalizePath(rawPath);
  if (!isAbsolutePath(path) || workspaceFolderOf(path, ctx)) return null;
  const root = path.match(/^(\/\/[^/]+\/[^/]+|[a-z]:\/[^/]+|\/[^/]+)/)?.[1];
  if (!root || root === path) return null;
  return { from: root, to: '${workspaceFolder}' };
}

/**
 * Index keys a document may be stored under (see `codeIndexEntries`): its own path; each
 * trailing part of its workspace-relative path (`backend/app/main.py`, `app/main.py`, `main.py`,
 * for paths that were sent relative to an unknown working directory); and each path mapping
 * applied backwards (`<folder>/src/x.py` → `/app/src/x.py`).
 */
export function documentKeyCandidates(documentPath: string, ctx: Pick<ResolveContext, 'workspaceFolders' | 'pathMappings' | 'caseInsensitive'>): string[] {
  const path = normalizePath(documentPath);
  const keys = new Set<string>([path]);
  const inside = workspaceFolderOf(path, ctx);
  if (inside && inside.relativePath) {
    const segments = inside.relativePath.split('/');
    for (let i = 0; i < segments.length; i++) keys.add(segments.slice(i).join('/'));
  } else {
    keys.add(baseName(path));
  }
  for (const [from, to] of Object.entries(ctx.pathMappings ?? {})) {
    if (typeof to !== 'string' || typeof from !== 'string' || !from.trim()) continue;
    for (const base of expandTarget(to, ctx.workspaceFolders)) {
      const rest = relativeInside(base, path, ctx.caseInsensitive);
      if (rest !== null) keys.add(rest ? joinPath(from, rest) : normalizePath(from));
    }
  }
  keys.delete('');
  return [...keys];
}
