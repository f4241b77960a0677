/**
 * The workspace side of source resolution: workspace folders, the `traceLens.source.pathMappings`
 * setting and the file system, handed to the pure resolver in src/core/source/resolve.ts.
 * Existence checks are cached briefly (a stack of 30 frames asks for the same files again when
 * the details pane re-renders). Real paths (symbolic links followed, for "inside the workspace?")
 * are asked fresh every time: they decide whether a file opens without a confirmation.
 */
import * as vscode from 'vscode';
import { normalizePath } from '../../core/source/paths';
import {
  documentKeyCandidates,
  resolveSourcePath,
  type ResolveContext,
  type ResolveHints,
  type ResolvedSource,
} from '../../core/source/resolve';
import { readSettings } from '../settings';
import { realPathOnDisk } from './realPath';

/** How long a file-exists answer is reused (ms). */
const EXISTS_CACHE_MS = 5_000;
const EXISTS_CACHE_MAX = 2_000;

export class WorkspaceSource implements vscode.Disposable {
  private readonly exists = new Map<string, { at: number; value: Promise<boolean> }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    // Files appear and disappear (git checkout, a new mapping target): forget cached answers.
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.exists.clear()),
      vscode.workspace.onDidCreateFiles(() => this.exists.clear()),
      vscode.workspace.onDidDeleteFiles(() => this.exists.clear()),
      vscode.workspace.onDidRenameFiles(() => this.exists.clear()),
    );
  }

  /** `traceLens.source.pathMappings`: only string → string entries. */
  pathMappings(): Record<string, string> {
    const raw = readSettings().sourcePathMappings;
    const out: Record<string, string> = {};
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const [from, to] of Object.entries(raw as Record<string, unknown>)) if (typeof to === 'string' && from.trim()) out[from] = to;
    }
    return out;
  }

  /** The resolver's view of the workspace, now. */
  context(): ResolveContext {
    return {
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath })),
      pathMappings: this.pathMappings(),
      caseInsensitive: process.platform === 'win32' || process.platform === 'darwin',
      fileExists: (path) => this.fileExists(path),
      realpath: (path) => this.realpath(path),
    };
  }

  resolve(path: string, hints: ResolveHints = {}): Promise<ResolvedSource> {
    return resolveSourcePath(path, this.context(), hints);
  }

  /** Index keys a document may be stored under in the worker's code index. */
  documentKeys(document: vscode.TextDocument): string[] {
    return documentKeyCandidates(document.uri.fsPath, this.context());
  }

  /** The URI of a resolved path: in the scheme of the workspace folder holding it (remote workspaces), else `file`. */
  uriOf(path: string): vscode.Uri {
    const normalized = normalizePath(path);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme === 'file') continue;
      const root = normalizePath(folder.uri.fsPath);
      if (normalized === root || normalized.startsWith(`${root}/`)) return folder.uri.with({ path: normalized.startsWith('/') ? normalized : `/${normalized}` });
    }
    return vscode.Uri.file(path);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.exists.clear();
  }

  /**
   * The real path of `path` on this machine's disk (`realPathOnDisk`), or `path` itself when it
   * is under a workspace folder of another scheme (a virtual or remote file system that Node's
   * `fs` cannot see; its provider follows its own links).
   */
  private realpath(path: string): Promise<string | null> {
    const normalized = normalizePath(path);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme === 'file') continue;
      const root = normalizePath(folder.uri.fsPath);
      if (normalized === root || normalized.startsWith(`${root}/`)) return Promise.resolve(normalized);
    }
    return realPathOnDisk(path);
  }

  private fileExists(path: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.exists.get(path);
    if (cached && now - cached.at < EXISTS_CACHE_MS) return cached.value;
    if (this.exists.size >= EXISTS_CACHE_MAX) this.exists.clear();
    const value = Promise.resolve(vscode.workspace.fs.stat(this.uriOf(path))).then(
      (stat) => (stat.type & vscode.FileType.File) !== 0,
      () => false,
    );
    this.exists.set(path, { at: now, value });
    return value;
  }
}
