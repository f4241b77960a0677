/**
 * A span's source locations as the trace view offers them: its own `code.*` location and the
 * frames of its stack traces (`exception.stacktrace` on events and correlated log records,
 * `code.stacktrace`), each resolved to workspace / library / outside / missing. Pure: path
 * resolution is passed in (the extension resolves against the workspace and the file system).
 */
import type { FrameRef, SourceOrigin, SourceTargetView, SpanSourceInfo, StackLineView, StackRef, StackView } from '../../model/source';
import type { SpanDetail } from '../../model/trace';
import { codeLocationOf, codeStacktraceOf, workingDirectoryOf } from './codeLocation';
import { normalizePath } from './paths';
import type { ResolveHints, ResolvedSource } from './resolve';
import { isLibraryFrame, parseStackTrace, primaryFrame, stackLines, type ParsedStack } from './stackTrace';

/** Resolves one path from a trace (see `resolveSourcePath`). */
export type PathResolver = (path: string, hints: ResolveHints) => Promise<ResolvedSource>;

/** Frames resolved per span for display (the rest show as unresolved library-or-not by heuristics). */
export const MAX_RESOLVED_FRAMES = 64;

/** A place to open: path as sent, 1-based line and column, and what helps resolving it. */
export interface SourceTarget {
  path: string;
  line: number | null;
  column: number | null;
  hints: ResolveHints;
  /** What it is, for messages: "code location of span …", "frame 3 of the exception". */
  description: string;
}

/** One stack trace of a span, with where it is. */
export interface SpanStack {
  ref: StackRef;
  text: string;
}

/** Every stack trace of a span, in the order the details pane shows them. */
export function spanStacks(detail: SpanDetail): SpanStack[] {
  const stacks: SpanStack[] = [];
  detail.span.events.forEach((event, eventIndex) => {
    const text = event.attributes['exception.stacktrace'];
    if (typeof text === 'string' && text.trim()) stacks.push({ ref: { kind: 'event', eventIndex }, text });
  });
  const codeStack = codeStacktraceOf(detail.span.attributes);
  if (codeStack) stacks.push({ ref: { kind: 'attribute' }, text: codeStack });
  detail.logs.forEach((log, logIndex) => {
    const text = log.attributes['exception.stacktrace'];
    if (typeof text === 'string' && text.trim()) stacks.push({ ref: { kind: 'log', logIndex }, text });
  });
  return stacks;
}

/** The stack text a reference points at, or `null`. */
export function stackText(detail: SpanDetail, ref: StackRef): string | null {
  let value: unknown;
  switch (ref?.kind) {
    case 'event':
      value = detail.span.events[ref.eventIndex]?.attributes['exception.stacktrace'];
      break;
    case 'attribute':
      value = detail.span.attributes['code.stacktrace'];
      break;
    case 'log':
      value = detail.logs[ref.logIndex]?.attributes['exception.stacktrace'];
      break;
    default:
      return null;
  }
  return typeof value === 'string' && value.trim() ? value : null;
}

/**
 * Where "Go to Source" goes: a given frame; else the span's `code.*` location; else the
 * innermost app frame of its first stack trace. `null` when there is nothing to open.
 */
export function sourceTargetOf(detail: SpanDetail, frame?: FrameRef | null): SourceTarget | null {
  const workingDirectory = workingDirectoryOf(detail.span.resource.attributes);
  if (frame) {
    const text = stackText(detail, frame.stack);
    const f = text === null ? undefined : parseStackTrace(text).frames[frame.index];
    if (!f) return null;
    return {
      path: f.file,
      line: f.line,
      column: f.column ?? null,
      hints: { workingDirectory, format: f.format, functionName: f.function ?? null },
      description: `stack frame ${f.raw}`,
    };
  }
  const location = codeLocationOf(detail.span.attributes);
  if (location) {
    return {
      path: location.filePath,
      line: location.line,
      column: location.column,
      hints: { workingDirectory, functionName: location.functionName },
      description: `code location of span "${detail.span.name}"`,
    };
  }
  for (const stack of spanStacks(detail)) {
    const f = primaryFrame(parseStackTrace(stack.text));
    if (f) {
      return {
        path: f.file,
        line: f.line,
        column: f.column ?? null,
        hints: { workingDirectory, format: f.format, functionName: f.function ?? null },
        description: `innermost app frame of the stack trace of span "${detail.span.name}"`,
      };
    }
  }
  return null;
}

/** Builds what the details pane shows: the resolved location and every stack with resolved frames. */
export async function buildSpanSourceInfo(detail: SpanDetail, resolve: PathResolver): Promise<SpanSourceInfo> {
  const workingDirectory = workingDirectoryOf(detail.span.resource.attributes);
  const cache = new Map<string, Promise<ResolvedSource>>();
  const resolveOnce = (path: string, hints: ResolveHints): Promise<ResolvedSource> => {
    const key = `${path}\u0000${hints.format ?? ''}\u0000${hints.format === 'java' ? hints.functionName ?? '' : ''}`;
    let result = cache.get(key);
    if (!result) {
      result = resolve(path, hints);
      cache.set(key, result);
    }
    return result;
  };

  let location: SpanSourceInfo['location'] = null;
  const code = codeLocationOf(detail.span.attributes);
  if (code) {
    const resolved = await resolveOnce(code.filePath, { workingDirectory, functionName: code.functionName });
    location = { ...targetView(resolved, code.filePath, code.line, code.column, false), functionName: code.functionName };
  }

  let budget = MAX_RESOLVED_FRAMES;
  const stacks: StackView[] = [];
  for (const stack of spanStacks(detail)) {
    const parsed: ParsedStack = parseStackTrace(stack.text);
    const byLine = new Map(parsed.frames.map((f, index) => [f.lineIndex, { f, index }]));
    const lines: StackLineView[] = [];
    for (const [lineIndex, text] of stackLines(stack.text).entries()) {
      const hit = byLine.get(lineIndex);
      if (!hit) {
        lines.push({ text });
        continue;
      }
      const { f, index } = hit;
      const library = isLibraryFrame(f);
      let view: SourceTargetView;
      if (library || budget <= 0) {
        view = {
          origin: library ? 'library' : 'missing',
          label: `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}`,
          title: library ? `Library frame: ${f.file}` : f.file,
        };
      } else {
        budget--;
        const resolved = await resolveOnce(f.file, { workingDirectory, format: f.format, functionName: f.function ?? null });
        view = targetView(resolved, f.file, f.line, f.column ?? null, false);
      }
      lines.push({ text, frame: { ...view, index } });
    }
    // A trailing empty line (stacks often end with "\n") adds nothing.
    while (lines.length > 0 && lines[lines.length - 1]!.text.trim() === '' && !lines[lines.length - 1]!.frame) lines.pop();
    stacks.push({ ref: stack.ref, format: parsed.format, lines });
  }
  return { location, stacks };
}

/** Label and tooltip of a resolved location. */
export function targetView(resolved: ResolvedSource, rawPath: string, line: number | null, column: number | null, library: boolean): SourceTargetView {
  const position = `${line ? `:${line}` : ''}${line && column ? `:${column}` : ''}`;
  let origin: SourceOrigin;
  let label: string;
  let title: string;
  switch (resolved.kind) {
    case 'workspace':
      origin = 'workspace';
      label = `${resolved.relativePath}${position}`;
      title = `${resolved.path}${resolved.via === 'suffix' ? ` (matched by the end of ${rawPath}; map it with traceLens.source.pathMappings)` : ''}`;
      break;
    case 'outside':
      origin = 'outside';
      label = `${normalizePath(rawPath)}${position}`;
      title = resolved.realPath && resolved.realPath !== resolved.path
        ? `${resolved.path} → ${resolved.realPath} (outside the workspace, through a symbolic link)`
        : `${resolved.path} (outside the workspace)`;
      break;
    case 'missing':
      origin = 'missing';
      label = `${rawPath}${position}`;
      title = `Not found. Tried:\n${resolved.tried.join('\n')}`;
      break;
  }
  return { origin: library ? 'library' : origin, label, title };
}

/** A frame reference from an untrusted sender (a webview): validated, or `null`. */
export function toFrameRef(value: unknown): FrameRef | null {
  if (!value || typeof value !== 'object') return null;
  const { stack, index } = value as { stack?: unknown; index?: unknown };
  if (!isIndex(index) || !stack || typeof stack !== 'object') return null;
  const s = stack as { kind?: unknown; eventIndex?: unknown; logIndex?: unknown };
  if (s.kind === 'event' && isIndex(s.eventIndex)) return { stack: { kind: 'event', eventIndex: s.eventIndex }, index };
  if (s.kind === 'log' && isIndex(s.logIndex)) return { stack: { kind: 'log', logIndex: s.logIndex }, index };
  if (s.kind === 'attribute') return { stack: { kind: 'attribute' }, index };
  return null;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
