/**
 * Source lookup for the MCP server: a path from a trace (stack frame, `code.file.path`) → a file in
 * the server's `--workspace` folders (default: its working directory, which is the project for
 * Claude Code, Cursor and VS Code's own launch), with the rules of Go to Source
 * (src/core/source/resolve.ts: absolute path, the app's working directory, each folder, Java
 * package paths, trailing segments). No path mappings: the server reads no VS Code settings.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SourceResolver } from '../core/agents/spanText';
import { normalizePath } from '../core/source/paths';
import { resolveSourcePath, type ResolveContext } from '../core/source/resolve';
import type { StackFormat } from '../model/source';

const STACK_FORMATS: ReadonlySet<string> = new Set<StackFormat>(['python', 'node', 'java', 'go', 'dotnet']);

/**
 * A `SourceResolver` over `folders` (absolute paths): the workspace-relative `file:line` of the
 * file a trace's path names (prefixed with the folder's name when there are several folders),
 * `null` when no file in the folders matches (a library frame, another machine's path).
 */
export function createSourceLookup(folders: readonly string[]): SourceResolver {
  const ctx: ResolveContext = {
    workspaceFolders: folders.map((path) => ({ name: basename(path) || path, path })),
    caseInsensitive: process.platform === 'win32' || process.platform === 'darwin',
    fileExists: async (p) => {
      try {
        return (await stat(p)).isFile();
      } catch {
        return false;
      }
    },
    realpath: async (p) => {
      try {
        return normalizePath(await realpath(p));
      } catch {
        return null;
      }
    },
  };
  return async (path, line, hints) => {
    const format = hints?.format && STACK_FORMATS.has(hints.format) ? (hints.format as StackFormat) : null;
    const found = await resolveSourcePath(path, ctx, { workingDirectory: hints?.workingDirectory ?? null, format, functionName: hints?.functionName ?? null }).catch(() => null);
    if (found?.kind !== 'workspace') return null;
    const file = folders.length > 1 ? `${found.folder.name}/${found.relativePath}` : found.relativePath;
    return line !== null && line > 0 ? `${file}:${line}` : file;
  };
}
