/**
 * Pure path arithmetic for paths that come from other machines: POSIX (`/app/x.py`), Windows
 * (`C:\src\x.cs`, `\\server\share\x`), `file://` URLs, and relative paths. Everything is handled
 * as strings with `/` separators, so results do not depend on the platform the extension host
 * runs on (a Windows path in a trace is still recognizable as absolute on Linux).
 */

/** `file:///a/b.mjs` → `/a/b.mjs`, `file:///C:/a/b.js` → `C:/a/b.js`; other strings unchanged. */
export function fileUrlToPath(value: string): string {
  if (!/^file:\/\//i.test(value)) return value;
  let rest = value.slice('file://'.length);
  // file://host/share/x is a UNC path; file:///x has an empty host.
  if (!rest.startsWith('/')) rest = `//${rest}`;
  else if (/^\/[A-Za-z]:[/\\]/.test(rest)) rest = rest.slice(1);
  const query = rest.search(/[?#]/);
  if (query >= 0) rest = rest.slice(0, query);
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** Absolute on POSIX (`/x`), Windows (`C:/x`, `C:\x`) or UNC (`//host/x`, `\\host\x`). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[/\\]/.test(path);
}

/**
 * Normal form used for comparisons and index keys: `file://` URLs decoded, `\` → `/`, repeated
 * `/` collapsed (except a leading `//` of a UNC path), `.` and `..` segments folded, no trailing
 * `/`, a lower-case drive letter. `..` above a relative path's start is kept.
 */
export function normalizePath(input: string): string {
  let path = fileUrlToPath(input.trim()).replace(/\\/g, '/');
  const unc = path.startsWith('//') && !path.startsWith('///');
  let prefix = '';
  if (unc) {
    prefix = '//';
    path = path.slice(2);
  } else if (/^[A-Za-z]:\//.test(path)) {
    prefix = `${path[0]!.toLowerCase()}:/`;
    path = path.slice(3);
  } else if (/^[A-Za-z]:$/.test(path)) {
    return `${path[0]!.toLowerCase()}:/`;
  } else if (path.startsWith('/')) {
    prefix = '/';
  }
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!prefix) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const joined = prefix + out.join('/');
  return joined === '' ? '.' : joined;
}

/** `base` + `relative`, normalized; an absolute `relative` wins. */
export function joinPath(base: string, relative: string): string {
  if (isAbsolutePath(relative) || /^file:\/\//i.test(relative)) return normalizePath(relative);
  return normalizePath(`${normalizePath(base)}/${relative}`);
}

/**
 * The part of `path` below `folder` (`a/b.ts`), `''` for the folder itself, or `null` when
 * `path` is not inside `folder`. Both are normalized first.
 */
export function relativeInside(folder: string, path: string, caseInsensitive = false): string | null {
  const f = normalizePath(folder);
  const p = normalizePath(path);
  const cmpF = caseInsensitive ? f.toLowerCase() : f;
  const cmpP = caseInsensitive ? p.toLowerCase() : p;
  if (cmpP === cmpF) return '';
  const withSlash = cmpF.endsWith('/') ? cmpF : `${cmpF}/`;
  if (!cmpP.startsWith(withSlash)) return null;
  return p.slice(withSlash.length);
}

/** Path segments of a normalized path, without the root (`/`, `c:/`, `//`). */
export function pathSegments(path: string): string[] {
  return normalizePath(path)
    .replace(/^(\/\/|[a-z]:\/|\/)/, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** Last segment (`b.ts` of `/a/b.ts`). */
export function baseName(path: string): string {
  const segments = pathSegments(path);
  return segments[segments.length - 1] ?? '';
}
