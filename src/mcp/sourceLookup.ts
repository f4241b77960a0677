/**
 * Source lookup for the MCP server: a path from a trace (stack frame, `code.file.path`) → a file on
 * this machine, with the same rules as Go to Source (src/core/source/resolve.ts: absolute path,
 * the app's working directory, each folder, trailing segments), the folders being the server's
 * `--workspace` folders (default: its working directory, which is the project for Claude Code,
 * Cursor and VS Code's own MCP launch). No path mappings: the server reads no VS Code settings.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { resolveSourcePath, type ResolveContext } from '../core/source/resolve';

/**
 * `path:line` (or `path` without a line) of the file a trace's path names, as an absolute path on
 * this machine; `null` when no candidate exists. Files outside the folders are named too (an agent
 * reading a stack frame of a library wants it), by their path as found.
 */
export type SourceLookup = (path: string, line: number | null) => Promise<string | null>;

/** A lookup over `folders` (absolute paths). */
export function createSourceLookup(folders: readonly string[]): SourceLookup {
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
  };
  return async (path, line) => {
    const found = await resolveSourcePath(path, ctx).catch(() => null);
    if (!found || found.kind === 'missing') return null;
    return line !== null && line > 0 ? `${found.path}:${line}` : found.path;
  };
}
