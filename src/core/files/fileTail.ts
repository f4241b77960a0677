/**
 * Following a growing OTLP/JSON Lines file ("Watch OTLP File…"; host side, no `vscode`): what the
 * file holds is read first, then appended whole lines are sent to the back end as they arrive
 * (`importOtlp` requests, one at a time). A partial last line waits for its `\n`. The file is
 * checked on `fs.watch` events and every `pollMs` (watch events are not reliable on every file
 * system); when it shrank (truncated) or is another file under the same name (rotated: a new
 * inode), it is read again from the start. A missing file is waited for.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { LineChunker, DEFAULT_CHUNK_BYTES } from './lineChunker';
import type { SendImportPart } from './fileImport';
import type { ImportOtlpResult, LineProblem } from './types';

/** What a watch reports after each read. */
export type TailEvent =
  | { type: 'loaded'; result: ImportOtlpResult }
  /** Over-long lines dropped before they reached the back end. */
  | { type: 'problems'; problems: LineProblem[] }
  /** The file shrank or was replaced: reading starts again at its first line. */
  | { type: 'restarted'; reason: 'truncated' | 'rotated' }
  | { type: 'error'; message: string };

export interface TailOptions {
  /** Polling interval (ms); default 500. */
  pollMs?: number;
  /** Bytes read per read call; default 1 MiB. */
  readBytes?: number;
  source?: string;
}

export class OtlpFileTail {
  private offset = 0;
  private ino: number | null = null;
  private readonly chunker = new LineChunker(DEFAULT_CHUNK_BYTES);
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastError = '';
  private readonly source: string;

  constructor(
    readonly path: string,
    private readonly send: SendImportPart,
    private readonly onEvent: (event: TailEvent) => void,
    private readonly options: TailOptions = {},
  ) {
    this.source = options.source ?? basename(path);
  }

  /** Starts following: reads what is there now, then watches. Resolves after that first read. */
  async start(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 500);
    this.timer.unref?.();
    this.startWatcher();
    await this.kick();
  }

  /** Stops following (a read under way finishes; nothing is sent afterwards). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Checks the file now (also on each watch event and poll); runs one check at a time. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.check();
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private startWatcher(): void {
    if (this.watcher || this.stopped) return;
    try {
      this.watcher = watch(this.path, { persistent: false }, () => void this.kick());
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // Not there yet, or no watch support: polling covers it.
      this.watcher = undefined;
    }
  }

  private async check(): Promise<void> {
    let info;
    try {
      info = await stat(this.path);
    } catch (error) {
      this.error(`cannot read ${this.path}: ${(error as Error).message}`);
      return;
    }
    if (this.ino !== null && info.ino !== this.ino) this.restart('rotated');
    else if (info.size < this.offset) this.restart('truncated');
    if (this.ino !== info.ino) {
      // A rotated file needs a new watcher (the old one follows the old inode).
      this.watcher?.close();
      this.watcher = undefined;
      this.startWatcher();
    }
    this.ino = info.ino;
    if (info.size <= this.offset) return;
    const handle = await open(this.path, 'r');
    try {
      const size = this.options.readBytes ?? DEFAULT_CHUNK_BYTES;
      while (!this.stopped) {
        const buf = new Uint8Array(size);
        const { bytesRead } = await handle.read(buf, 0, size, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const { chunks, problems } = this.chunker.push(buf.subarray(0, bytesRead));
        if (problems.length > 0) this.onEvent({ type: 'problems', problems });
        for (const chunk of chunks) await this.load(chunk.body, chunk.firstLine);
      }
      for (const chunk of this.chunker.flushWhole()) await this.load(chunk.body, chunk.firstLine);
      this.lastError = '';
    } catch (error) {
      this.error((error as Error).message);
    } finally {
      await handle.close();
    }
  }

  private async load(body: Uint8Array, firstLine: number): Promise<void> {
    if (this.stopped) return;
    const result = await this.send({ kind: 'jsonl', body, firstLine, source: this.source });
    this.onEvent({ type: 'loaded', result });
  }

  private restart(reason: 'truncated' | 'rotated'): void {
    this.offset = 0;
    this.chunker.reset();
    this.onEvent({ type: 'restarted', reason });
  }

  /** Reports an error once until the next successful read (the poll would repeat it). */
  private error(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.onEvent({ type: 'error', message });
  }
}
