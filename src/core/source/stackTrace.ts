/**
 * Stack trace parsing for the formats OpenTelemetry SDKs record as `exception.stacktrace`
 * (semconv "Stacktrace representation"): V8 `error.stack` (Node.js), Python
 * `traceback.format_exc()`, Java `Throwable.printStackTrace()`, Go `runtime.Stack` / panics,
 * .NET `Exception.ToString()`. Real samples of each are in test/fixtures/stacktraces/.
 *
 * The parser works line by line and recognizes each line on its own, so mixed and chained
 * traces (Python "During handling…", Java "Caused by:", .NET " ---> ", several errors in one
 * string) need no special cases. Lines that are not frames (messages, code excerpts, `^^^`
 * markers, "... 5 more") produce no frame. Frames without a file (`at JSON.parse (<anonymous>)`,
 * `(Native Method)`, .NET frames without symbols, `<frozen runpy>`) are not frames either.
 */
import type { StackFormat, StackFrame } from '../../model/source';
import { fileUrlToPath, normalizePath } from './paths';

/** Frames of one stack trace string, in text order. */
export interface ParsedStack {
  /** Format of most frames; `null` when no frame was recognized. */
  format: StackFormat | null;
  frames: StackFrame[];
}

/** Longest stack trace text parsed (characters); the rest is ignored. */
export const MAX_STACK_CHARS = 64 * 1024;
/** Most frames returned per stack. */
export const MAX_FRAMES = 256;

// Python: `  File "/abs/mod.py", line 42, in func` (the innermost frame is the LAST one).
const PYTHON = /^\s*File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;
// V8: `    at fn (/abs/file.js:12:34)`, `    at /abs/file.js:12:34`, `    at async fn (file:///x.mjs:1:2)`.
const NODE = /^\s*at (?:async )?(?:(.+?) \((.+?):(\d+):(\d+)\)|(.+?):(\d+):(\d+))\s*$/;
// .NET: `   at Ns.Type.Method(Args) in /src/File.cs:line 42` (frames without symbols have no " in ").
const DOTNET = /^\s*at (.+?) in (.+?):line (\d+)\s*$/;
// Java: `\tat com.example.Foo.bar(Foo.java:13)`, optionally `java.base/` or `app//` before the class.
const JAVA = /^\s*at ((?:[\w.$@-]+\/\/?)?[\w$.<>\-/]+)\(([^():]+\.\w+):(\d+)\)\s*$/;
// Go: a function line (`main.(*Cart).Total(0xc000012018)`, `main.lookup(...)`,
// `created by testing.(*T).Run in goroutine 1`) followed by an indented `file:line [+0x…]` line.
const GO_FILE = /^\s+(\S.*?):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;
const GO_FUNCTION = /^(?:created by )?(\S+?)(?:\([^()]*\))?(?: in goroutine \d+)?\s*$/;

/** Parses one stack trace string. Never throws; unknown text gives no frames. */
export function parseStackTrace(text: string): ParsedStack {
  const lines = String(text ?? '').slice(0, MAX_STACK_CHARS).split(/\r?\n/);
  const frames: StackFrame[] = [];
  for (let i = 0; i < lines.length && frames.length < MAX_FRAMES; i++) {
    const frame = parseLine(lines, i);
    if (frame) frames.push(frame);
  }
  return { format: majorityFormat(frames), frames };
}

/** The stack's text lines, split as `parseStackTrace` splits them (for rendering by line). */
export function stackLines(text: string): string[] {
  return String(text ?? '').slice(0, MAX_STACK_CHARS).split(/\r?\n/);
}

function parseLine(lines: string[], i: number): StackFrame | null {
  const line = lines[i]!;
  const raw = line.trim();
  if (raw === '') return null;
  let m = PYTHON.exec(line);
  if (m) {
    const file = m[1]!;
    // `<frozen runpy>`, `<string>`, `<stdin>`, `<ipython-input-…>`: no file to open.
    if (file.startsWith('<')) return null;
    return frame(file, m[2]!, undefined, m[3], 'python', raw, i);
  }
  if (/^\s*at /.test(line)) {
    m = DOTNET.exec(line);
    if (m) return frame(m[2]!, m[3]!, undefined, m[1], 'dotnet', raw, i);
    m = JAVA.exec(line);
    if (m) return frame(m[2]!, m[3]!, undefined, stripJavaModule(m[1]!), 'java', raw, i);
    m = NODE.exec(line);
    if (m) {
      const file = m[2] ?? m[5]!;
      // eval frames and anonymous scripts have no file.
      if (file.includes('<anonymous>') || file.startsWith('eval at ') || file === 'native') return null;
      return frame(file, m[3] ?? m[6]!, m[4] ?? m[7], m[1], 'node', raw, i);
    }
    return null;
  }
  m = GO_FILE.exec(line);
  if (m && i > 0) {
    const previous = lines[i - 1]!;
    // The function line is not indented; this excludes Python code excerpts and the like.
    if (previous.trim() !== '' && !/^\s/.test(previous)) {
      const fn = GO_FUNCTION.exec(previous.trim());
      if (fn && (/\+0x[0-9a-f]+\s*$/.test(line) || /\.go$/.test(m[1]!))) {
        return frame(m[1]!, m[2]!, undefined, fn[1], 'go', `${previous.trim()} ${raw}`, i);
      }
    }
  }
  return null;
}

function frame(
  file: string,
  line: string,
  column: string | undefined,
  fn: string | undefined,
  format: StackFormat,
  raw: string,
  lineIndex: number,
): StackFrame | null {
  const lineNumber = Number(line);
  if (!Number.isSafeInteger(lineNumber) || lineNumber <= 0) return null;
  const result: StackFrame = { file: file.trim(), line: lineNumber, format, raw, lineIndex };
  const col = column === undefined ? NaN : Number(column);
  if (Number.isSafeInteger(col) && col > 0) result.column = col;
  const name = fn?.trim();
  if (name) result.function = name;
  return result;
}

/** `java.base/java.lang.Integer.parseInt` → `java.lang.Integer.parseInt`; `app//x.Y.z` → `x.Y.z`. */
function stripJavaModule(fn: string): string {
  const slash = fn.lastIndexOf('/');
  return slash >= 0 ? fn.slice(slash + 1) : fn;
}

function majorityFormat(frames: StackFrame[]): StackFormat | null {
  const counts = new Map<StackFormat, number>();
  for (const f of frames) counts.set(f.format, (counts.get(f.format) ?? 0) + 1);
  let best: StackFormat | null = null;
  let bestCount = 0;
  for (const [format, count] of counts) {
    if (count > bestCount) {
      best = format;
      bestCount = count;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Library frames

const JAVA_LIBRARY = /^(java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|org\.springframework|org\.apache|io\.netty|reactor|io\.grpc|io\.opentelemetry)\./;
const DOTNET_LIBRARY = /^(System|Microsoft|lambda_method|Internal)[.(\d]/;

/**
 * Whether a frame belongs to a dependency or the runtime rather than to the app, judged from
 * the frame alone (no file system): `node_modules`, `node:` internals, `site-packages` and the
 * Python standard library, the JDK and common frameworks, the Go module cache and GOROOT,
 * `System.*`/`Microsoft.*` on .NET.
 */
export function isLibraryFrame(f: Pick<StackFrame, 'file' | 'function' | 'format'>): boolean {
  const file = normalizePath(fileUrlToPath(f.file)).toLowerCase();
  const fn = f.function ?? '';
  if (file.includes('/node_modules/') || file.startsWith('node_modules/')) return true;
  switch (f.format) {
    case 'node':
      return file.startsWith('node:') || file.startsWith('internal/');
    case 'python':
      return /\/(site|dist)-packages\//.test(file) || /\/lib\/python\d+(\.\d+)?\//.test(file) || /\/lib\/pypy\d/.test(file);
    case 'java':
      return JAVA_LIBRARY.test(fn);
    case 'go':
      return (
        file.includes('/pkg/mod/') ||
        // GOROOT: standard-library import paths have no dot in their first segment.
        /(^|\/)(go|goroot|libexec)\/src\/[a-z0-9_]+(\/[a-z0-9_]+)*\/[^/]+\.go$/.test(file) && !/\/src\/[^/]*\./.test(file)
      );
    case 'dotnet':
      return DOTNET_LIBRARY.test(fn);
  }
}

/**
 * The frame most worth jumping to: the innermost frame that is not a library frame (Python
 * prints the innermost frame last, every other format first). `null` when all are library.
 */
export function primaryFrame(stack: ParsedStack): StackFrame | null {
  const ordered = stack.format === 'python' ? [...stack.frames].reverse() : stack.frames;
  return ordered.find((f) => !isLibraryFrame(f)) ?? null;
}
