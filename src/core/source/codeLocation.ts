/**
 * Code location attributes of a span (semantic conventions `code.*`, see
 * docs/genai-conventions.md §7):
 *
 * | current (≥ v1.30)      | deprecated predecessor              |
 * |------------------------|-------------------------------------|
 * | `code.file.path`       | `code.filepath`                     |
 * | `code.line.number`     | `code.lineno`                       |
 * | `code.column.number`   | `code.column`                       |
 * | `code.function.name`   | `code.function` (+ `code.namespace`) |
 * | `code.stacktrace`      | —                                   |
 *
 * The current name wins when both are present (`OTEL_SEMCONV_STABILITY_OPT_IN=code/dup` sends
 * both). Numbers may arrive as int64 decimal strings (see `AttributeValue`).
 */
import type { AttributeValue, Attributes } from '../../model/trace';
import type { CodeLocation } from '../../model/source';

/** Resource attributes naming the process's working directory (relative paths are relative to it). */
export const WORKING_DIRECTORY_ATTRIBUTES = ['process.working_directory', 'process.cwd', 'process.working_dir'] as const;

/** The span's code location, or `null` when it has no (non-empty) file path. */
export function codeLocationOf(attributes: Attributes): CodeLocation | null {
  const filePath = text(attributes['code.file.path']) || text(attributes['code.filepath']);
  if (!filePath) return null;
  return {
    filePath,
    line: positive(attributes['code.line.number']) ?? positive(attributes['code.lineno']),
    column: positive(attributes['code.column.number']) ?? positive(attributes['code.column']),
    functionName: functionNameOf(attributes),
  };
}

/** `code.function.name`, else `code.namespace` + `.` + `code.function` (either alone is fine). */
export function functionNameOf(attributes: Attributes): string | null {
  const current = text(attributes['code.function.name']);
  if (current) return current;
  const fn = text(attributes['code.function']);
  const ns = text(attributes['code.namespace']);
  if (fn && ns) return fn.startsWith(`${ns}.`) ? fn : `${ns}.${fn}`;
  return fn || ns || null;
}

/** The `code.stacktrace` attribute, when it is a non-empty string. */
export function codeStacktraceOf(attributes: Attributes): string | null {
  return text(attributes['code.stacktrace']) || null;
}

/** The working directory named by resource attributes, when any. */
export function workingDirectoryOf(resourceAttributes: Attributes): string | null {
  for (const key of WORKING_DIRECTORY_ATTRIBUTES) {
    const value = text(resourceAttributes[key]);
    if (value) return value;
  }
  return null;
}

function text(value: AttributeValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A positive integer from a number or a decimal string; `null` otherwise. */
function positive(value: AttributeValue | undefined): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
