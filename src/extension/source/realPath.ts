/**
 * The file system side of "inside the workspace?" for Go to Source: where a path really is on
 * this machine's disk, every symbolic link (and Windows junction) followed. No `vscode` import, so
 * the unit tests run it against real folders; `WorkspaceSource` hands it to the pure decision in
 * src/core/source/resolve.ts (`placeInWorkspace`).
 */
import * as fs from 'node:fs';
import { normalizePath } from '../../core/source/paths';

/**
 * The real path of `path` (`fs.promises.realpath`, i.e. realpath(3)), normalized with
 * `normalizePath` (`/` separators, lower-case drive letter); `null` when it has none: missing, a
 * dangling link, a loop (ELOOP), no permission.
 */
export async function realPathOnDisk(path: string): Promise<string | null> {
  try {
    return normalizePath(await fs.promises.realpath(path));
  } catch {
    return null;
  }
}
