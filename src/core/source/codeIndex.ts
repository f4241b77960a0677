/**
 * The per-file code index of the back end thread: which retained spans each source line produced,
 * for CodeLens and error decorations. Maintained by `TraceStore` at ingest, in memory.
 *
 * What one span contributes (`codeIndexEntries`): its own `code.*` location (kind `span`), and
 * for a span with an exception event, the innermost app frame of its `exception.stacktrace`
 * (kind `exception`), so an error shows on the line that threw, also for SDKs that send no
 * `code.*` (OpenTelemetry JS). Spans with neither cost two property reads.
 *
 * Keys are file paths as sent, normalized (`normalizePath`); a relative path is joined to the
 * app's working directory when the resource names it. The editor asks under every key a document
 * may have been stored under (`documentKeyCandidates`), so the worker never needs the workspace.
 *
 * Why in memory and not a SQL table: a row per located span in sql.js (WITHOUT ROWID, keyed by
 * file and line, plus an index by trace for deletes) cost ~45 µs and ~230 bytes per span at
 * ingest, ingest 2–3× slower when every span carries `code.*` (`npm run bench -- --profile code`);
 * these maps cost ~1–2 µs per located span in isolation (2–5 µs with the GC work inside the
 * worker) and 50–250 bytes of worker heap. Aggregates are kept per (file, line, kind, span name)
 * and per trace inside them, so evicting or deleting a trace subtracts exactly its spans.
 *
 * Transactions: changes are staged and applied by `commit()` after the store's COMMIT, dropped by
 * `rollback()`, so the index never holds spans a rolled-back slice did not store.
 */
import type { CodeLineError, CodeLineStats, FileCodeStats } from '../../model/source';
import type { SpanId, SpanRecord, TraceId } from '../../model/trace';
import { WORKING_DIRECTORY_ATTRIBUTES } from './codeLocation';
import { isAbsolutePath, joinPath, normalizePath } from './paths';
import { parseStackTrace, primaryFrame } from './stackTrace';

export type CodeIndexKind = 'span' | 'exception';

export interface CodeIndexEntry {
  fileKey: string;
  /** 1-based. */
  line: number;
  kind: CodeIndexKind;
  /** Error text for error spans and exceptions (`Type: message`), else ''. */
  message: string;
}

/** Longest message kept per entry (characters). */
export const MAX_INDEX_MESSAGE_CHARS = 300;
/** Most line groups (and error lines) returned for one document. */
export const MAX_CODE_LINES = 2000;
/** Most index keys accepted for one document (the tails of one path, so few). */
export const MAX_DOCUMENT_KEYS = 64;
/** Normalized keys remembered per raw path (paths repeat: a few files produce most spans). */
const KEY_CACHE_MAX = 10_000;
/** Parsed exception stacks remembered (by text). */
const STACK_CACHE_MAX = 500;

// ---------------------------------------------------------------------------------------------
// What one span contributes

/** Index entries of one span (usually none). */
export function codeIndexEntries(span: SpanRecord): CodeIndexEntry[] {
  const attrs = span.attributes;
  const rawFile = attrs['code.file.path'] ?? attrs['code.filepath'];
  const exception = span.events.length > 0 ? firstException(span) : null;
  if (rawFile === undefined && !exception) return [];

  const entries: CodeIndexEntry[] = [];
  const isError = span.status.code === 'error';
  const exceptionMessage = exception ? describeException(exception.attributes) : '';
  const cwd = workingDirectory(span);

  const line = positiveInt(attrs['code.line.number'] ?? attrs['code.lineno']);
  if (typeof rawFile === 'string' && rawFile.trim() !== '' && line !== null) {
    entries.push({
      fileKey: fileKeyOf(rawFile, cwd),
      line,
      kind: 'span',
      message: isError ? clip(span.status.message || exceptionMessage || 'error') : '',
    });
  }

  const stack = exception?.attributes['exception.stacktrace'];
  if (typeof stack === 'string' && stack !== '') {
    const frame = primaryFrameOf(stack);
    if (frame) {
      entries.push({
        fileKey: fileKeyOf(frame.file, cwd),
        line: frame.line,
        kind: 'exception',
        message: clip(exceptionMessage || span.status.message || 'exception'),
      });
    }
  }
  return entries;
}

const keyCache = new Map<string, string>();
/** Innermost app frame by stack text: the same error is usually thrown again and again. */
const frameCache = new Map<string, { file: string; line: number } | null>();

function primaryFrameOf(stack: string): { file: string; line: number } | null {
  let frame = frameCache.get(stack);
  if (frame === undefined) {
    const f = primaryFrame(parseStackTrace(stack));
    frame = f ? { file: f.file, line: f.line } : null;
    if (frameCache.size >= STACK_CACHE_MAX) frameCache.clear();
    frameCache.set(stack, frame);
  }
  return frame;
}

/** The index key of a path from a trace: normalized; a relative path joined to the working directory. */
export function fileKeyOf(path: string, workingDir: string | null): string {
  const cacheKey = workingDir ? `${path}\u0000${workingDir}` : path;
  let key = keyCache.get(cacheKey);
  if (key === undefined) {
    const normalized = normalizePath(path);
    key = workingDir && !isAbsolutePath(normalized) && isAbsolutePath(normalizePath(workingDir)) ? joinPath(workingDir, normalized) : normalized;
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** `exception.type: exception.message` (either alone when the other is missing). */
export function describeException(attributes: Record<string, unknown>): string {
  const type = typeof attributes['exception.type'] === 'string' ? (attributes['exception.type'] as string) : '';
  const message = typeof attributes['exception.message'] === 'string' ? (attributes['exception.message'] as string) : '';
  return type && message ? `${type}: ${message}` : type || message;
}

function workingDirectory(span: SpanRecord): string | null {
  const attrs = span.resource?.attributes;
  if (!attrs) return null;
  for (const key of WORKING_DIRECTORY_ATTRIBUTES) {
    const value = attrs[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
}

function firstException(span: SpanRecord): SpanRecord['events'][number] | null {
  for (const event of span.events) if (event.name === 'exception') return event;
  return null;
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_INDEX_MESSAGE_CHARS ? `${oneLine.slice(0, MAX_INDEX_MESSAGE_CHARS - 1)}…` : oneLine;
}

// ---------------------------------------------------------------------------------------------
// The index

/**
 * One trace's spans in one group: one object per (group, trace), with the latest span and the
 * latest error inline (the index holds many of these; fewer objects = less GC marking work).
 */
interface TracePart {
  count: number;
  errors: number;
  /** Durations (ms) of the part's spans: the first inline, the rest in `moreMs` (most parts hold one span). */
  firstMs: number;
  moreMs: number[] | null;
  latestSpanId: SpanId;
  /** Start of the latest span as a double (ns; ~256 ns resolution, enough to order spans). */
  latestStart: number;
  errorSpanId: SpanId | null;
  /** Exact start of the latest error (decimal ns; errors are few, kept as sent). */
  errorStartNs: string;
  errorMessage: string;
}

/** Spans of one (file, line, kind, span name). */
interface Group {
  fileKey: string;
  line: number;
  kind: CodeIndexKind;
  name: string;
  count: number;
  errors: number;
  parts: Map<TraceId, TracePart>;
  /** Derived, recomputed when `dirty`. */
  dirty: boolean;
  p50Ms: number;
  latest: { traceId: TraceId; part: TracePart } | null;
  latestError: { traceId: TraceId; part: TracePart } | null;
}

/** A file's groups: kind → line → span name → group (nested maps: no key strings built per span). */
type FileGroups = Record<CodeIndexKind, Map<number, Map<string, Group>>>;

/** A staged change; adds are flat (no nested objects: this runs for every located span). */
type Staged =
  | { op: 'add'; traceId: TraceId; spanId: SpanId; startNs: string; name: string; entry: CodeIndexEntry; durationMs: number; isError: boolean }
  | { op: 'remove'; traceId: TraceId };

export class CodeIndex {
  private readonly byFile = new Map<string, FileGroups>();
  /**
   * traceId → the groups it has spans in (each once), and one shared copy of the id: decoders make
   * a new id string per span, and every part keyed by it would otherwise keep its own copy.
   */
  private readonly byTrace = new Map<TraceId, { id: TraceId; groups: Group[] }>();
  private staged: Staged[] = [];

  /** Spans indexed (retained), for tests and stats. */
  get spanCount(): number {
    let n = 0;
    for (const file of this.byFile.values()) for (const g of groupsOf(file)) n += g.count;
    return n;
  }

  /** Stages a newly stored span (call inside the store's transaction). */
  add(span: SpanRecord): void {
    const entries = codeIndexEntries(span);
    if (entries.length === 0) return;
    const durationMs = Math.max(0, durationOf(span.startTimeUnixNano, span.endTimeUnixNano));
    const isError = span.status.code === 'error';
    for (const entry of entries) {
      this.staged.push({
        op: 'add',
        traceId: span.traceId,
        spanId: span.spanId,
        startNs: span.startTimeUnixNano,
        name: span.name,
        entry,
        durationMs,
        isError: entry.kind === 'exception' || isError,
      });
    }
  }

  /** Stages the removal of a trace's spans (deleted or evicted; inside the store's transaction). */
  removeTrace(traceId: TraceId): void {
    // Adds are committed transaction by transaction, so an indexed trace is in `byTrace`.
    if (this.byTrace.has(traceId)) this.staged.push({ op: 'remove', traceId });
  }

  /** Applies what was staged (after the store's COMMIT). */
  commit(): void {
    const staged = this.staged;
    this.staged = [];
    for (const s of staged) {
      if (s.op === 'add') this.apply(s);
      else this.drop(s.traceId);
    }
  }

  /** Forgets what was staged (the store's transaction rolled back). */
  rollback(): void {
    this.staged = [];
  }

  /** Empties the index (the store was cleared). */
  clear(): void {
    this.byFile.clear();
    this.byTrace.clear();
    this.staged = [];
  }

  /**
   * CodeLens facts and error lines of a document stored under any of `keys` (see
   * `documentKeyCandidates`). One map lookup per key: empty for documents no span points at.
   */
  statsForFile(keys: readonly string[]): FileCodeStats {
    const lines: CodeLineStats[] = [];
    const errorsByLine = new Map<number, CodeLineError>();
    const seen = new Set<string>();
    for (const key of keys.slice(0, MAX_DOCUMENT_KEYS)) {
      if (typeof key !== 'string' || seen.has(key)) continue;
      seen.add(key);
      const file = this.byFile.get(key);
      if (!file) continue;
      for (const g of groupsOf(file)) {
        refresh(g);
        if (g.kind === 'span' && g.latest) {
          // Cost hook: `costUsd` stays undefined until a cost per span is known (see CodeLineStats).
          lines.push({
            line: g.line,
            spanName: g.name,
            count: g.count,
            errorCount: g.errors,
            p50DurationMs: g.p50Ms,
            latestTraceId: g.latest.traceId,
            latestSpanId: g.latest.part.latestSpanId,
          });
        }
        const e = g.latestError;
        if (g.errors > 0 && e && e.part.errorSpanId) {
          const current = errorsByLine.get(g.line);
          const newer = !current || laterThan(e.part.errorStartNs, current.startTimeUnixNano);
          errorsByLine.set(g.line, {
            line: g.line,
            count: (current?.count ?? 0) + g.errors,
            message: newer ? e.part.errorMessage : current!.message,
            spanName: newer ? g.name : current!.spanName,
            traceId: newer ? e.traceId : current!.traceId,
            spanId: newer ? e.part.errorSpanId : current!.spanId,
            startTimeUnixNano: newer ? e.part.errorStartNs : current!.startTimeUnixNano,
            source: newer ? g.kind : current!.source,
          });
        }
      }
    }
    lines.sort((a, b) => a.line - b.line || b.count - a.count || (a.spanName < b.spanName ? -1 : a.spanName > b.spanName ? 1 : 0));
    const errors = [...errorsByLine.values()].sort((a, b) => a.line - b.line);
    return { lines: lines.slice(0, MAX_CODE_LINES), errors: errors.slice(0, MAX_CODE_LINES) };
  }

  private apply(s: Extract<Staged, { op: 'add' }>): void {
    let file = this.byFile.get(s.entry.fileKey);
    if (!file) {
      file = { span: new Map(), exception: new Map() };
      this.byFile.set(s.entry.fileKey, file);
    }
    const lines = file[s.entry.kind];
    let names = lines.get(s.entry.line);
    if (!names) {
      names = new Map();
      lines.set(s.entry.line, names);
    }
    let g = names.get(s.name);
    if (!g) {
      g = { fileKey: s.entry.fileKey, line: s.entry.line, kind: s.entry.kind, name: s.name, count: 0, errors: 0, parts: new Map(), dirty: true, p50Ms: 0, latest: null, latestError: null };
      names.set(s.name, g);
    }
    let part = g.parts.get(s.traceId);
    if (!part) {
      part = { count: 0, errors: 0, firstMs: s.durationMs, moreMs: null, latestSpanId: s.spanId, latestStart: Number(s.startNs), errorSpanId: null, errorStartNs: '', errorMessage: '' };
      let trace = this.byTrace.get(s.traceId);
      if (!trace) {
        trace = { id: s.traceId, groups: [] };
        this.byTrace.set(s.traceId, trace);
      }
      // A new part means a group not yet listed for this trace.
      trace.groups.push(g);
      g.parts.set(trace.id, part);
    } else {
      (part.moreMs ??= []).push(s.durationMs);
      const start = Number(s.startNs);
      if (start > part.latestStart) {
        part.latestSpanId = s.spanId;
        part.latestStart = start;
      }
    }
    part.count++;
    g.count++;
    if (s.isError) {
      part.errors++;
      g.errors++;
      if (part.errorSpanId === null || laterThan(s.startNs, part.errorStartNs)) {
        part.errorSpanId = s.spanId;
        part.errorStartNs = s.startNs;
        part.errorMessage = s.entry.message;
      }
    }
    g.dirty = true;
  }

  private drop(traceId: TraceId): void {
    const trace = this.byTrace.get(traceId);
    if (!trace) return;
    this.byTrace.delete(traceId);
    for (const g of trace.groups) {
      const part = g.parts.get(traceId);
      if (!part) continue;
      g.parts.delete(traceId);
      g.count -= part.count;
      g.errors -= part.errors;
      g.dirty = true;
      if (g.count <= 0) {
        const file = this.byFile.get(g.fileKey);
        const names = file?.[g.kind].get(g.line);
        names?.delete(g.name);
        if (file && names && names.size === 0) {
          file[g.kind].delete(g.line);
          if (file.span.size === 0 && file.exception.size === 0) this.byFile.delete(g.fileKey);
        }
      }
    }
  }
}

function* groupsOf(file: FileGroups): Generator<Group> {
  for (const lines of [file.span, file.exception]) for (const names of lines.values()) yield* names.values();
}

/** Recomputes a group's median and latest spans when it changed since the last query. */
function refresh(g: Group): void {
  if (!g.dirty) return;
  const durations: number[] = [];
  let latest: Group['latest'] = null;
  let latestError: Group['latestError'] = null;
  for (const [traceId, part] of g.parts) {
    durations.push(part.firstMs);
    if (part.moreMs) for (const d of part.moreMs) durations.push(d);
    if (!latest || part.latestStart > latest.part.latestStart) latest = { traceId, part };
    if (part.errorSpanId !== null && (!latestError || laterThan(part.errorStartNs, latestError.part.errorStartNs))) latestError = { traceId, part };
  }
  g.p50Ms = lowerMedian(durations);
  g.latest = latest;
  g.latestError = latestError;
  g.dirty = false;
}

/** The lower median (nearest-rank p50): the ⌈n/2⌉-th smallest value; 0 for none. */
export function lowerMedian(values: number[]): number {
  if (values.length === 0) return 0;
  const k = Math.ceil(values.length / 2) - 1;
  return quickselect(values, k);
}

/** k-th smallest (0-based), in place, expected O(n). */
function quickselect(a: number[], k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Whether decimal nanosecond string `a` is later than `b` (same-length strings compare as text). */
function laterThan(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

function durationOf(startNs: string, endNs: string): number {
  // Same magnitude (both 19 digits for dates after 2001): subtract the differing tail exactly.
  if (startNs.length === endNs.length && startNs.length > 12) {
    const headLength = startNs.length - 12;
    if (startNs.slice(0, headLength) === endNs.slice(0, headLength)) {
      return (Number(endNs.slice(headLength)) - Number(startNs.slice(headLength))) / 1e6;
    }
  }
  try {
    return Number(BigInt(endNs) - BigInt(startNs)) / 1e6;
  } catch {
    return 0;
  }
}
