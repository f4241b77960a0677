/**
 * Opening an OTLP file (host side, no `vscode`): the file is streamed (gunzipped on the fly when it
 * starts with the gzip magic), JSON Lines are cut into chunks of whole lines (`LineChunker`) and
 * each chunk is one `importOtlp` request, awaited before the next is read: memory stays at about
 * one chunk, and the host thread only moves bytes (decoding and storing run in the back end).
 * A `.json` document or a protobuf file is read whole (at most `maxWholeFileBytes`) and sent as
 * one request.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { LineChunker, DEFAULT_CHUNK_BYTES } from './lineChunker';
import { fileKindOf, isGzip } from './otlpFileReader';
import { addImportResult, emptyImportResult, IMPORT_MAX_PROBLEMS, type ImportOtlpParams, type ImportOtlpResult, type OtlpFileKind } from './types';

/** Largest `.json` or protobuf file (decompressed) read whole. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/** Sends one part to the back end (`importOtlp`). */
export type SendImportPart = (params: ImportOtlpParams) => Promise<ImportOtlpResult>;

/** The outcome of opening one file: the summed `importOtlp` results, the kind read, and a fatal error if any. */
export interface ImportFileSummary extends ImportOtlpResult {
  kind: OtlpFileKind | null;
  gzip: boolean;
  /** Set when the file could not be read at all (missing, not gzip though it said so, too large). */
  error?: string;
}

export interface ImportFileOptions {
  /** What the traces are noted as coming from; default: the file's base name. */
  source?: string;
  chunkBytes?: number;
  maxWholeFileBytes?: number;
}

/** Streams the file at `path` into the back end through `send`. Never throws: failures are `error`. */
export async function importOtlpFile(path: string, send: SendImportPart, options: ImportFileOptions = {}): Promise<ImportFileSummary> {
  const total: ImportFileSummary = { ...emptyImportResult(), kind: null, gzip: false };
  const source = options.source ?? basename(path);
  const maxWhole = options.maxWholeFileBytes ?? MAX_WHOLE_FILE_BYTES;
  let stream: Readable | undefined;
  try {
    const head = await readHead(path);
    total.gzip = isGzip(head);
    const raw = createReadStream(path);
    stream = total.gzip ? raw.pipe(createGunzip()) : raw;
    if (total.gzip) raw.on('error', (e) => stream?.destroy(e));
    const chunker = new LineChunker(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    const whole: Buffer[] = [];
    let wholeSize = 0;
    for await (const piece of stream as AsyncIterable<Buffer>) {
      if (total.kind === null) total.kind = fileKindOf(path, piece);
      if (total.kind === 'jsonl') {
        const { chunks, problems } = chunker.push(piece);
        addProblems(total, problems);
        for (const chunk of chunks) addImportResult(total, await send({ kind: 'jsonl', body: chunk.body, firstLine: chunk.firstLine, source }));
      } else {
        wholeSize += piece.length;
        if (wholeSize > maxWhole) {
          total.error = `the file is larger than ${maxWhole} bytes${total.gzip ? ' decompressed' : ''}; save it as JSON Lines (.jsonl) to open it in parts`;
          return total;
        }
        whole.push(piece);
      }
    }
    if (total.kind === 'jsonl') {
      for (const chunk of chunker.end()) addImportResult(total, await send({ kind: 'jsonl', body: chunk.body, firstLine: chunk.firstLine, source }));
    } else if (total.kind !== null) {
      const body = new Uint8Array(wholeSize);
      let at = 0;
      for (const b of whole) {
        body.set(b, at);
        at += b.length;
      }
      addImportResult(total, await send({ kind: total.kind, body, firstLine: 1, source }));
    }
    return total;
  } catch (error) {
    total.error = (error as Error).message;
    return total;
  } finally {
    stream?.destroy();
  }
}

/** Adds problems found on the host (over-long lines) to a summary, keeping the cap. */
export function addProblems(total: ImportOtlpResult, problems: readonly { line: number; reason: string }[]): void {
  for (const p of problems) {
    total.problemCount++;
    if (total.problems.length < IMPORT_MAX_PROBLEMS) total.problems.push(p);
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = new Uint8Array(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * One line of text for a summary: "Loaded 12 traces from run.jsonl; 2 lines were not OTLP (lines
 * 7, 19): line 7: not JSON (…)".
 */
export function describeImport(fileName: string, s: ImportFileSummary): string {
  if (s.error) return `Could not open ${fileName}: ${s.error}`;
  const traces = s.traceIds.length;
  const what: string[] = [];
  what.push(`${traces}${s.traceIdsTruncated ? '+' : ''} ${traces === 1 ? 'trace' : 'traces'}`);
  if (s.spans > 0 || traces > 0) what.push(`${s.spans} ${s.spans === 1 ? 'span' : 'spans'}`);
  if (s.logs > 0) what.push(`${s.logs} log ${s.logs === 1 ? 'record' : 'records'}`);
  let text = `Loaded ${what.join(', ')} from ${fileName}`;
  if (s.metricPoints > 0) text += ` (${s.metricPoints} metric points skipped: Trace Lens keeps traces and logs)`;
  if (s.problemCount > 0) {
    const lines = s.problems.map((p) => p.line).filter((l) => l > 0);
    const where = lines.length > 0 ? ` (${lines.length === 1 ? 'line' : 'lines'} ${lines.slice(0, 10).join(', ')}${s.problemCount > 10 ? ', …' : ''})` : '';
    const first = s.problems[0];
    text += `; ${s.problemCount} ${s.problemCount === 1 ? 'line was' : 'lines were'} not OTLP or not fully loaded${where}: ${first ? `${first.line > 0 ? `line ${first.line}: ` : ''}${first.reason}` : ''}`;
  }
  return text;
}
