/**
 * The JSON decoder's field readers: proto3 JSON mapping primitives over a parsed OTLP/JSON
 * document (the JSON counterpart of `wireReader.ts`). Objects, optional repeated fields, strings,
 * uint32 / fixed32 counters and enums, each accepting what the proto3 JSON mapping allows; the
 * camelCase / snake_case lookup (`pick`); and the error that fails a whole request
 * (`JsonShapeError`).
 */

export type JsonObject = Record<string, unknown>;

const EMPTY: readonly unknown[] = [];

/** Thrown for a structurally invalid document (e.g. `resourceSpans` is not an array). */
export class JsonShapeError extends Error {}

/** `v` when it is a JSON object (not null, not an array), else `null`. */
export function asObject(v: unknown): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

/** An optional repeated field: absent/null → empty; anything but an array → error. */
export function asArray(v: unknown, field: string): readonly unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (Array.isArray(v)) return v;
  throw new JsonShapeError(`"${field}" must be an array`);
}

/** A string field; anything else → ''. */
export function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** uint32 counters and fixed32 flags: a number or a decimal string; anything else → 0. */
export function asUint32(v: unknown): number {
  if (typeof v === 'number') return v >>> 0;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n >>> 0 : 0;
  }
  return 0;
}

/** An enum as an integer or its value name; unknown → 0. */
export function asEnum(v: unknown, byName: Readonly<Record<string, number>>): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : 0;
  if (typeof v === 'string') {
    const n = byName[v];
    if (n !== undefined) return n;
    const num = Number(v);
    return Number.isInteger(num) ? num : 0;
  }
  return 0;
}

/** A field by its camelCase name, else by its snake_case name (proto3 JSON parsers accept both). */
export function pick(o: JsonObject, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}
