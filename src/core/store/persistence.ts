/**
 * Opt-in persistence of the store (setting `traceLens.store.persistence`), in the back end thread:
 * all file I/O happens here, never on the extension-host thread.
 *
 * - On start, the snapshot file in the workspace storage folder, if any, is restored
 *   (`TraceStore.open({ snapshot })`). Before the file is read, its size is checked
 *   (`MAX_SNAPSHOT_BYTES`) and then its 16-byte SQLite header; only then is the rest read, into
 *   one buffer that sql.js takes as it is. A file that is refused, cannot be read or cannot be
 *   restored is renamed `<file>.corrupt-<time>` and the store starts empty; the host is told
 *   (`persistence` event) and shows a warning. At most one such copy is kept (it holds prompt
 *   text): a newer one replaces the older ones.
 * - While on, a snapshot is written every `SNAPSHOT_INTERVAL_MS` when the store changed, and when
 *   the host asks (`snapshot` request: on shutdown). Writes are atomic: a temporary file in the
 *   same folder, flushed to disk, then renamed over the snapshot.
 * - Off: nothing is written, and a snapshot left from an earlier session is deleted with every
 *   corrupt copy and temporary file beside it, at start and when switched off while running (the
 *   store holds prompts; "off" means none of them stays on disk).
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

/**
 * Largest snapshot file read (bytes): 2 GiB, the whole WebAssembly heap of sql.js (1.16 grows its
 * memory to 2 GiB at most). A restored store lives in that heap, so no store can have written a
 * larger file, and none could restore it: such a file is refused before a byte of it is read.
 * (The largest `traceLens.store.maxMegabytes`, 1800 MiB, stays below it for the same reason.)
 * Not a multiple of the current `maxMegabytes`: a snapshot keeps the store's page high-water mark
 * (freed pages included), so lowering the setting would turn a good snapshot into a refused one.
 */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024 * 1024;

/** The first 16 bytes of every SQLite database file ("SQLite format 3" and a NUL; sqlite.org/fileformat.html §1.3.1). */
export const SQLITE_HEADER = new TextEncoder().encode('SQLite format 3\0');

/** Bytes read per `readSync` call while loading a snapshot (Node reads at most 2 GiB − 1 per call; 64 MiB keeps each call short). */
const READ_CHUNK_BYTES = 64 * 1024 * 1024;

/** Infix of the copies of refused snapshots: `<file>.corrupt-<time>`. */
const CORRUPT_INFIX = '.corrupt-';
/** Infix of the temporary files of `SnapshotFile.write`: `<file>.tmp-<pid>-<n>`. */
const TMP_INFIX = '.tmp-';

/**
 * What reading the snapshot file found: no file; its bytes; a file refused before it was read
 * whole (too large, not SQLite; `message` is one line starting `snapshot unreadable: `); or a
 * file system error.
 */
export type SnapshotRead =
  | { kind: 'none' }
  | { kind: 'found'; bytes: Uint8Array }
  | { kind: 'refused'; message: string }
  | { kind: 'unreadable'; message: string };

/** The snapshot file of one folder: read, atomic write, move aside, remove. */
export class SnapshotFile {
  private tmpCounter = 0;

  constructor(readonly dir: string) {}

  /** Absolute path of the snapshot. */
  get path(): string {
    return path.join(this.dir, SNAPSHOT_FILE_NAME);
  }

  /**
   * Reads the snapshot (synchronously: the worker does this once, before serving requests), in
   * this order: its size (refused past `maxBytes`, default `MAX_SNAPSHOT_BYTES`, or when it is
   * not a regular file), its first 16 bytes (refused unless `SQLITE_HEADER`), then the rest into
   * the same buffer. The bytes are a `Buffer` whose `slice` is a view: sql.js (`new
   * SQL.Database(bytes)` → Emscripten MEMFS) then uses them without copying them again.
   */
  read(maxBytes: number = MAX_SNAPSHOT_BYTES): SnapshotRead {
    let fd: number;
    try {
      // Non-blocking: a named pipe put in its place would otherwise hold the open until a writer comes.
      fd = fs.openSync(this.path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
      return { kind: 'unreadable', message: errorLine(error) };
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) return { kind: 'refused', message: 'snapshot unreadable: not a regular file' };
      const size = stat.size;
      if (size > maxBytes) return { kind: 'refused', message: `snapshot unreadable: too large (${size} bytes; a store holds at most ${maxBytes})` };
      if (size < SQLITE_HEADER.length) return { kind: 'refused', message: `snapshot unreadable: not a SQLite database (${size} bytes)` };
      // Every byte is overwritten by the reads below, or the buffer is dropped: no zero-fill pass.
      const bytes = Buffer.allocUnsafe(size);
      if (readFully(fd, bytes, 0, SQLITE_HEADER.length) < SQLITE_HEADER.length || !startsWithSqliteHeader(bytes)) {
        return { kind: 'refused', message: `snapshot unreadable: not a SQLite database (it starts with ${describeStart(bytes.subarray(0, SQLITE_HEADER.length))})` };
      }
      const got = SQLITE_HEADER.length + readFully(fd, bytes, SQLITE_HEADER.length, size - SQLITE_HEADER.length);
      if (got < size) return { kind: 'unreadable', message: `the file shrank while it was read (${got} of ${size} bytes)` };
      return { kind: 'found', bytes };
    } catch (error) {
      return { kind: 'unreadable', message: errorLine(error) };
    } finally {
      fs.closeSync(fd);
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
   * is not read again but stays available, and deletes older corrupt copies (one is kept: they
   * hold prompt text). Returns the new path, or `null` when it could not be moved (then it is
   * deleted if possible, so the next start does not fail the same way).
   */
  moveAside(now: Date = new Date()): string | null {
    const target = `${this.path}${CORRUPT_INFIX}${now.toISOString().replace(/[:.]/g, '-')}`;
    try {
      fs.renameSync(this.path, target);
      this.pruneCorruptCopies(target);
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

  /**
   * Deletes every corrupt copy but `keep` (a path), or but the newest one when `keep` is absent
   * (by the time in the name). Returns how many were deleted; errors are skipped.
   */
  pruneCorruptCopies(keep?: string): number {
    const copies = this.siblings(CORRUPT_INFIX).sort();
    const kept = keep ? path.basename(keep) : copies[copies.length - 1];
    return copies.filter((name) => name !== kept && removeFile(path.join(this.dir, name))).length;
  }

  /**
   * Deletes the snapshot, every corrupt copy and every temporary file left by an interrupted
   * write (persistence off: none of them stays on disk). Returns the paths deleted.
   */
  removeAll(): string[] {
    const names = [SNAPSHOT_FILE_NAME, ...this.siblings(CORRUPT_INFIX), ...this.siblings(TMP_INFIX)];
    return names.map((name) => path.join(this.dir, name)).filter(removeFile);
  }

  /** Names in the folder that start with the snapshot's name and `infix` (none when the folder cannot be listed). */
  private siblings(infix: string): string[] {
    const prefix = `${SNAPSHOT_FILE_NAME}${infix}`;
    try {
      return fs.readdirSync(this.dir).filter((name) => name.startsWith(prefix));
    } catch {
      return [];
    }
  }
}

/** Deletes one file (a symbolic link itself, never its target); `true` when it was there and is gone. */
function removeFile(file: string): boolean {
  try {
    fs.rmSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Reads up to `length` bytes at file position `position` into `into` from there on; returns the count read (less at the end of the file). */
function readFully(fd: number, into: Uint8Array, position: number, length: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, into, position + done, Math.min(READ_CHUNK_BYTES, length - done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function startsWithSqliteHeader(bytes: Uint8Array): boolean {
  return SQLITE_HEADER.every((b, i) => bytes[i] === b);
}

/** The first bytes of a refused file for the message: printable ASCII as text, else hex. */
function describeStart(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) : `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
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
    const deleted = file.removeAll();
    if (deleted.length > 0) emit({ type: 'log', level: 'info', message: `persistence is off: deleted the saved traces (${filesDeleted(deleted)})` });
    return open();
  }
  // Copies left by earlier sessions (or versions that kept them all): the newest one stays.
  file.pruneCorruptCopies();
  const found = file.read();
  if (found.kind === 'none') return open();
  const fail = (message: string): void => {
    const movedTo = file.moveAside();
    emit({ type: 'persistence', kind: 'restoreFailed', message, path: file.path, movedTo });
  };
  if (found.kind === 'refused') {
    fail(found.message);
    return open();
  }
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
   * switch on writes at the next check. `off`: snapshots stop and the snapshot file is deleted
   * with every corrupt copy and temporary file; a snapshot being written meanwhile is deleted
   * once its write ends (unless persistence was switched on again in that folder).
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
      if (config.mode === 'off' && config.dir) {
        const dir = config.dir;
        this.deleteSaved(dir);
        // A write in flight renames its file into place after this: delete it when it ends.
        void this.running?.then(() => {
          if (this.config.mode === 'off' || this.config.dir !== dir) this.deleteSaved(dir);
        });
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

  /** Deletes the snapshot, corrupt copies and temporary files in `dir`, and logs what went. */
  private deleteSaved(dir: string): void {
    const deleted = new SnapshotFile(dir).removeAll();
    if (deleted.length > 0) this.emit({ type: 'log', level: 'info', message: `persistence turned off: deleted the saved traces (${filesDeleted(deleted)})` });
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** `2 files: /a, /b` for a log line. */
function filesDeleted(paths: readonly string[]): string {
  return `${paths.length} ${paths.length === 1 ? 'file' : 'files'}: ${paths.join(', ')}`;
}

function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
