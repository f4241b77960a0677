// A span processor that records where each span was started (semconv `code.*` attributes:
// code.file.path, code.line.number, code.column.number, code.function.name), so Trace Lens can
// jump from a span to its line and show a CodeLens there. OpenTelemetry JS does not record code
// locations itself; this takes the first stack frame inside the app's own folder (not the SDK,
// not node_modules, not this file). Spans that already carry code.file.path are left alone.
//
// It also covers spans started by instrumentations (the `chat gpt-4o-mini` spans of
// @opentelemetry/instrumentation-openai start synchronously inside `client.chat.completions.create`,
// so the first app frame is the line that made the model call).
import { dirname, isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const thisFile = fileURLToPath(import.meta.url);

/** Frames captured per span start; the app frame is usually 3-6 deep (processor → SDK → app). */
const STACK_DEPTH = 24;

export class SourceLocationSpanProcessor {
  /**
   * @param {{ appDir?: string, skipFiles?: string[] }} [options]
   *   appDir: only frames in this folder count (default: this file's folder);
   *   skipFiles: files in it that are plumbing, not app code (e.g. the telemetry setup).
   */
  constructor(options = {}) {
    this.appDir = options.appDir ?? dirname(thisFile);
    this.skip = new Set([thisFile, ...(options.skipFiles ?? [])]);
  }

  /** @param {import('@opentelemetry/sdk-trace').Span} span */
  onStart(span) {
    if (span.attributes?.['code.file.path'] !== undefined) return;
    const site = appCallSite(this.appDir, this.skip);
    if (!site) return;
    span.setAttributes({
      'code.file.path': site.file,
      'code.line.number': site.line,
      'code.column.number': site.column,
      ...(site.functionName ? { 'code.function.name': site.functionName } : {}),
    });
  }

  onEnd() {}

  forceFlush() {
    return Promise.resolve();
  }

  shutdown() {
    return Promise.resolve();
  }
}

/**
 * The innermost call site in `appDir` (excluding `skip` files and node_modules), from V8's
 * structured stack (`Error.prepareStackTrace` returning CallSite objects).
 * @returns {{ file: string, line: number, column: number, functionName: string | null } | null}
 */
function appCallSite(appDir, skip) {
  const previous = { prepare: Error.prepareStackTrace, limit: Error.stackTraceLimit };
  /** @type {NodeJS.CallSite[]} */
  let sites = [];
  try {
    Error.stackTraceLimit = STACK_DEPTH;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder = {};
    Error.captureStackTrace(holder, appCallSite);
    sites = /** @type {any} */ (holder).stack ?? [];
  } finally {
    Error.prepareStackTrace = previous.prepare;
    Error.stackTraceLimit = previous.limit;
  }
  for (const site of sites) {
    let file = site.getFileName();
    if (!file) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    const inApp = relative(appDir, file);
    if (skip.has(file) || file.includes('node_modules') || inApp.startsWith('..') || isAbsolute(inApp)) continue;
    return {
      file,
      line: site.getLineNumber() ?? 0,
      column: site.getColumnNumber() ?? 0,
      functionName: site.getFunctionName() ?? null,
    };
  }
  return null;
}
