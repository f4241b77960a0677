/**
 * Source locations: the types shared by the extension host, the back end thread and the trace
 * webview for "Go to Source", stack frames, CodeLens and error decorations. JSON-safe; no
 * imports. The logic lives in `src/core/source/` (pure) and `src/extension/source/` (vscode).
 */
import type { SpanId, TraceId } from './trace';

/**
 * A span's own code location, from its `code.*` attributes: `code.file.path`, `code.line.number`,
 * `code.column.number`, `code.function.name` (semconv ≥ 1.30), or the older `code.filepath`,
 * `code.lineno`, `code.column`, `code.function` + `code.namespace` (Logfire still sends these).
 */
export interface CodeLocation {
  /**
   * As sent: absolute, relative to the app's working directory (Logfire), a `file://` URL, or a
   * path inside a container. Resolved against the workspace by the host.
   */
  filePath: string;
  /** 1-based; `null` when absent or invalid. */
  line: number | null;
  /** 1-based; `null` when absent or invalid. */
  column: number | null;
  /** Fully qualified when known (`code.function.name`, or `code.namespace` + `.` + `code.function`). */
  functionName: string | null;
}

/** Stack trace dialects the parser knows (`exception.stacktrace`, `code.stacktrace`). */
export type StackFormat = 'python' | 'node' | 'java' | 'go' | 'dotnet';

/** One frame of a stack trace that names a file. */
export interface StackFrame {
  /** As printed: absolute path, `file://` URL, relative path, or a bare file name (Java). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when the format has columns (Node). */
  column?: number;
  /** As printed (Java: `com.example.Foo.bar`, Go: `main.(*Cart).Total`, Python: `price_of`). */
  function?: string;
  format: StackFormat;
  /** The frame's text line(s), trimmed (Go frames span two lines: function, then file). */
  raw: string;
  /** 0-based index of the text line holding the file in the stack text. */
  lineIndex: number;
}

/** Which stack of a span a frame reference points into. */
export type StackRef =
  /** `exception.stacktrace` of the span's event at this index. */
  | { kind: 'event'; eventIndex: number }
  /** The span's `code.stacktrace` attribute. */
  | { kind: 'attribute' }
  /** `exception.stacktrace` of the correlated log record at this index (as in `SpanDetail.logs`). */
  | { kind: 'log'; logIndex: number };

/** One frame of one stack of a span: what "Go to Source" on a frame sends. */
export interface FrameRef {
  stack: StackRef;
  /** Index into the frames the parser found in that stack (not a text line). */
  index: number;
}

/**
 * Where a location points, as far as the host can tell:
 * `workspace` a file inside a workspace folder; `library` a dependency or runtime frame
 * (node_modules, site-packages, `node:`, JDK, …); `outside` an existing file outside the
 * workspace (opens after a confirmation); `missing` no file found for it.
 */
export type SourceOrigin = 'workspace' | 'library' | 'outside' | 'missing';

/** A location as the webview shows it. */
export interface SourceTargetView {
  origin: SourceOrigin;
  /** Short label: workspace-relative path (or the path as sent) with `:line[:column]`. */
  label: string;
  /** Tooltip: the resolved path, or the paths tried. */
  title: string;
}

/** One text line of a rendered stack trace; frame lines carry their frame. */
export interface StackLineView {
  text: string;
  frame?: SourceTargetView & { index: number };
}

/** A span's stack trace with its frames resolved (for clickable, highlighted frames). */
export interface StackView {
  ref: StackRef;
  format: StackFormat | null;
  lines: StackLineView[];
}

/** What the details pane needs to offer "Go to Source" for one span. */
export interface SpanSourceInfo {
  /** The span's own code location (`code.*`), resolved; `null` when it has none. */
  location: (SourceTargetView & { functionName: string | null }) | null;
  /** Stack traces of the span's exception events, `code.stacktrace` and correlated logs. */
  stacks: StackView[];
}

/** Outcome of a "Go to Source" request. */
export type GoToSourceResult =
  | { opened: true }
  | {
      opened: false;
      /**
       * `noLocation` the span has no code location or usable frame; `missing` no file found;
       * `declined` the user did not confirm opening a file outside the workspace; `notFound`
       * the span is no longer stored.
       */
      reason: 'noLocation' | 'missing' | 'declined' | 'notFound';
      message: string;
    };

/** CodeLens facts for the spans one source line produced (spans grouped by line and name). */
export interface CodeLineStats {
  /** 1-based line. */
  line: number;
  spanName: string;
  count: number;
  errorCount: number;
  /** Median span duration (ms). */
  p50DurationMs: number;
  /** The most recent span of the group (by start time). */
  latestTraceId: TraceId;
  latestSpanId: SpanId;
  /** Total cost of the group's spans (USD), when a pricing source has filled it in. */
  costUsd?: number;
}

/** An error decoration: error spans (or exception frames) attributed to one source line. */
export interface CodeLineError {
  /** 1-based line. */
  line: number;
  count: number;
  /** The latest error's message (`exception.type: exception.message`, or the status message). */
  message: string;
  spanName: string;
  traceId: TraceId;
  spanId: SpanId;
  startTimeUnixNano: string;
  /** `span` the span's own code location; `exception` the innermost app frame of its exception. */
  source: 'span' | 'exception';
}

/** Everything the editor shows for one file. Empty arrays when no retained span points at it. */
export interface FileCodeStats {
  lines: CodeLineStats[];
  errors: CodeLineError[];
}
