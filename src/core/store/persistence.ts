/**
 * Opt-in persistence of the store (setting `traceLens.store.persistence`), in the back end thread:
 * all file I/O happens here, never on the extension-host thread.
 *
 * - On start, the snapshot file in the workspace storage folder, if any, is restored
 *   (`TraceStore.open({ snapshot })`). A file that cannot be read or restored is renamed
 *   `<file>.corrupt-<time>` and the store starts empty; the host is told (`persistence` event)
 *   and shows a warning.
 * - While on, a snapshot is written every `SNAPSHOT_INTERVAL_MS` when the store changed, and when
 *   the host asks (`snapshot` request: on shutdown). Writes are atomic: a temporary file in the
 *   same folder, flushed to disk, then renamed over the snapshot.
 * - Off: nothing is written, and a snapshot left from an earlier session is deleted (the store
 *   holds prompts; "off" means none of them stays on disk).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceStore } from './traceStore';
import { SnapshotError } from './traceStore';
import type { PersistenceConfig, SnapshotResult } from './config';

/**
 * What persistence tells the host (a subset of the back end's events, src/core/backend/protocol.ts):
 * log lines, and a snapshot that could not be restored (moved to `movedTo`, `null` when deleted).
 */
export type PersistenceEvent =
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'persistence'; kind: 'restoreFailed'; message: string; path: string; movedTo: string | null };

/** File name of the snapshot inside the workspace storage folder. */
export const SNAPSHOT_FILE_NAME = 'trace-lens-store.sqlite';

/** Interval between snapshot checks (ms); a snapshot is written only when the store changed. */
export const SNAPSHOT_INTERVAL_MS = 30_000;

/** What reading the snapshot file found. */
export type SnapshotRead =
  | { kind: 'none' }
  | { kind: 'found'; bytes: Uint8Array }
  | { kind: 'unreadable'; message: string };

/** The snapshot file of one folder: read, atomic write, move aside, remove. */
export class SnapshotFile {
  private tmpCounter = 0;

  constructor(readonly dir: string) {}

  /** Absolute path of the snapshot. */
  get path(): string {
    return path.join(this.dir, SNAPSHOT_FILE_NAME);
  }

  /** Reads the snapshot (synchronously: the worker does this once, before serving requests). */
  read(): SnapshotRead {
    try {
      return { kind: 'found', bytes: new Uint8Array(fs.readFileSync(this.path)) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
      return { kind: 'unreadable', message: errorLine(error) };
    }
  }

  /**
   * Writes `bytes` atomically: to `<file>.tmp-<pid>-<n>` in the same folder (created if
   * missing), flushed with fsync, then renamed over the snapshot. A failure leaves the previous
   * snapshot as it was and removes the temporary file.
   * @throws Error (file system) after cleaning up.
   */
  async write(bytes: Uint8Array): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const tmp = `${this.path}.tmp-${process.pid}-${++this.tmpCounter}`;
    try {
      const handle = await fs.promises.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(tmp, this.path);
    } catch (error) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Renames the snapshot to `<file>.corrupt-<time>` (time as `2024-11-21T14-40-00-123Z`) so it
   * is not read again but stays available. Returns the new path, or `null` when it could not be
   * moved (then it is deleted if possible, so the next start does not fail the same way).
   */
  moveAside(now: Date = new Date()): string | null {
    const target = `${this.path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
    try {
      fs.renameSync(this.path, target);
      return target;
    } catch {
      try {
        fs.rmSync(this.path, { force: true });
      } catch {
        // Nothing more to do: the next start reports it again.
      }
      return null;
    }
  }

  /** Deletes the snapshot; `true` when there was one. */
  remove(): boolean {
    try {
      fs.rmSync(this.path);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Opens the worker's store, restoring the snapshot when persistence is on. Never fails because of
 * the snapshot: an unreadable or unrestorable one is moved aside and reported through `emit` as a
 * `persistence` event of kind `restoreFailed`, and an empty store is opened instead. With
 * persistence off, a leftover snapshot is deleted.
 * @param open opens the store, from `snapshot` when given (`TraceStore.open`).
 */
export async function openPersistentStore(
  open: (snapshot?: Uint8Array) => Promise<TraceStore>,
  config: PersistenceConfig | undefined,
  emit: (event: PersistenceEvent) => void,
): Promise<TraceStore> {
  if (!config?.dir) return open();
  const file = new SnapshotFile(config.dir);
  if (config.mode === 'off') {
    if (file.remove()) emit({ type: 'log', level: 'info', message: `persistence is off: deleted the saved traces ${file.path}` });
    return open();
  }
  const found = file.read();
  if (found.kind === 'none') return open();
  const fail = (message: string): void => {
    const movedTo = file.moveAside();
    emit({ type: 'persistence', kind: 'restoreFailed', message, path: file.path, movedTo });
  };
  if (found.kind === 'unreadable') {
    fail(`cannot read ${file.path}: ${found.message}`);
    return open();
  }
  const started = performance.now();
  try {
    const store = await open(found.bytes);
    const stats = store.stats();
    emit({
      type: 'log',
      level: 'info',
      message: `restored ${stats.traceCount} traces (${stats.spanCount} spans, ${found.bytes.byteLength} bytes) from ${file.path} in ${(performance.now() - started).toFixed(0)} ms`,
    });
    return store;
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
    fail(error.message);
    return open();
  }
}

/**
 * Writes snapshots of one store while persistence is on: periodically when it changed, and on
 * request. One snapshot at a time; a request during a write waits for it and then writes again
 * if the store changed meanwhile.
 */
export class StorePersistence {
  private config: PersistenceConfig = { mode: 'off', dir: null };
  private file: SnapshotFile | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Store sequence of the last snapshot written (or restored): no write while unchanged. */
  private savedSeq: number;
  private running: Promise<SnapshotResult> | undefined;
  /** `configure` was called before (the first call applies the start setting). */
  private configured = false;

  constructor(
    private readonly store: TraceStore,
    private readonly emit: (event: PersistenceEvent) => void,
  ) {
    this.savedSeq = store.currentSeq();
  }

  /**
   * Applies a persistence setting. `workspace` with a folder: periodic snapshots start; the first
   * call (at start) counts the current store as saved (it was just restored, or is empty), a later
   * switch on writes at the next check. `off`: snapshots stop and the snapshot file is deleted.
   */
  configure(config: PersistenceConfig): void {
    const previous = this.config;
    const first = !this.configured;
    this.configured = true;
    this.config = { ...config };
    const on = config.mode === 'workspace' && !!config.dir;
    this.file = on ? new SnapshotFile(config.dir!) : null;
    if (!on) {
      this.stopTimer();
      if (config.mode === 'off' && config.dir && new SnapshotFile(config.dir).remove()) {
        this.emit({ type: 'log', level: 'info', message: `persistence turned off: deleted the saved traces ${path.join(config.dir, SNAPSHOT_FILE_NAME)}` });
      }
      return;
    }
    // Turned on (or moved) while running: the file may be missing or stale, so write once. At
    // start, the store is exactly what the file holds (restored) or empty with no file.
    if (!first && (previous.mode !== 'workspace' || previous.dir !== config.dir)) this.savedSeq = -1;
    const intervalMs = config.intervalMs ?? SNAPSHOT_INTERVAL_MS;
    if (this.timer && (previous.intervalMs ?? SNAPSHOT_INTERVAL_MS) !== intervalMs) this.stopTimer();
    if (!this.timer) {
      this.timer = setInterval(() => void this.snapshotIfChanged(), intervalMs);
      this.timer.unref?.();
    }
  }

  /** Writes a snapshot now when persistence is on and the store changed since the last one. */
  snapshotIfChanged(): Promise<SnapshotResult> {
    if (this.running) return this.running.then(() => this.snapshotIfChanged());
    const file = this.file;
    if (!file || this.store.isClosed) return Promise.resolve({ written: false, bytes: 0, path: null, durationMs: 0 });
    const seq = this.store.currentSeq();
    if (seq === this.savedSeq) return Promise.resolve({ written: false, bytes: 0, path: file.path, durationMs: 0 });
    const started = performance.now();
    this.running = this.store
      .exportSnapshot()
      .then(async (bytes) => {
        await file.write(bytes);
        this.savedSeq = seq;
        return { written: true, bytes: bytes.byteLength, path: file.path, durationMs: performance.now() - started };
      })
      .catch((error: unknown) => {
        this.emit({ type: 'log', level: 'warn', message: `could not save traces to ${file.path}: ${errorLine(error)}` });
        return { written: false, bytes: 0, path: file.path, durationMs: performance.now() - started };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the periodic snapshots. */
  dispose(): void {
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
