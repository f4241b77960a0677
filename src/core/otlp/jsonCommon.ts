/**
 * OTLP/JSON readers for the messages every signal shares: AnyValue (with the string and depth
 * limits of the decode call in progress), KeyValue lists, Resource and InstrumentationScope. The
 * signal readers (`jsonTraces.ts`, `jsonLogs.ts`) and the entry points (`jsonDecoder.ts`) call
 * them; the JSON mapping rules are in `jsonDecoder.ts`.
 *
 * Field map (camelCase / snake_case):
 *   Resource        attributes, droppedAttributesCount
 *   InstrumentationScope name, version, attributes, droppedAttributesCount
 *   KeyValue        key, value: AnyValue
 *   AnyValue        stringValue | boolValue | intValue | doubleValue | arrayValue {values} |
 *                   kvlistValue {values: KeyValue[]} | bytesValue  (and the snake_case forms)
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo } from '../../model/trace';
import { doubleToAttribute, jsonInt64ToAttribute, setAttribute, stringLimitOf, type DecodeOptions } from './shared';
import { DEPTH_LIMIT_MARKER, MAX_ANY_VALUE_DEPTH, truncateValue } from '../../model/limits';
import { asArray, asObject, asString, asUint32, pick, type JsonObject } from './jsonValues';

/**
 * String limit of the decode call in progress (`DecodeOptions.maxAttributeValueLength`). Module
 * state rather than a parameter threaded through every reader: decoding is synchronous, and each
 * entry point sets it before walking and restores it after.
 */
let stringLimit = Infinity;

function limited(s: string): string {
  return s.length > stringLimit ? truncateValue(s, stringLimit) : s;
}

/** Runs `walk` with the string limit of `options`. */
export function withLimits<T>(options: DecodeOptions | undefined, walk: () => T): T {
  const previous = stringLimit;
  stringLimit = stringLimitOf(options);
  try {
    return walk();
  } finally {
    stringLimit = previous;
  }
}

/**
 * One AnyValue at nesting level `depth` (an attribute's own value is level 1); an array or kvlist
 * at level `MAX_ANY_VALUE_DEPTH` becomes `DEPTH_LIMIT_MARKER`. Strings longer than the limit are
 * cut with a marker (`truncateValue`).
 */
export function anyValue(v: unknown, depth: number): AttributeValue {
  const o = asObject(v);
  if (o === null) return null;
  // One `for…in` over the (single) oneof key instead of up to 14 failed property lookups.
  let result: AttributeValue = null;
  for (const key in o) {
    const x = o[key];
    if (x === undefined) continue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        result = typeof x === 'string' ? limited(x) : x === null ? null : limited(String(x));
        break;
      case 'intValue':
      case 'int_value':
        result = jsonInt64ToAttribute(x);
        break;
      case 'boolValue':
      case 'bool_value':
        result = x === true || x === 'true';
        break;
      case 'doubleValue':
      case 'double_value':
        result = jsonDouble(x);
        break;
      case 'arrayValue':
      case 'array_value': {
        if (depth >= MAX_ANY_VALUE_DEPTH) {
          result = DEPTH_LIMIT_MARKER;
          break;
        }
        const values = asArray(asObject(x)?.values, 'arrayValue.values');
        const out: AttributeValue[] = new Array<AttributeValue>(values.length);
        for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i], depth + 1);
        result = out;
        break;
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        if (depth >= MAX_ANY_VALUE_DEPTH) {
          result = DEPTH_LIMIT_MARKER;
          break;
        }
        const out: Attributes = {};
        readAttributes(asObject(x)?.values, out, depth + 1);
        result = out;
        break;
      }
      case 'bytesValue':
      case 'bytes_value':
        result = typeof x === 'string' ? limited(x) : null;
        break;
      default:
        continue; // unknown key: ignore
    }
  }
  return result;
}

function jsonDouble(x: unknown): number | string | null {
  if (typeof x === 'number') return doubleToAttribute(x);
  if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') return x;
  const n = typeof x === 'string' && x !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** `repeated KeyValue` → `attrs`, values at nesting level `depth` (a repeated key keeps the last value). */
function readAttributes(v: unknown, attrs: Attributes, depth = 1): void {
  const list = asArray(v, 'attributes');
  for (let i = 0; i < list.length; i++) {
    const kv = asObject(list[i]);
    if (kv === null) continue;
    setAttribute(attrs, asString(kv.key), anyValue(kv.value, depth));
  }
}

/** `repeated KeyValue` as a new attributes object (values at nesting level 1); absent → `{}`. */
export function newAttributes(v: unknown): Attributes {
  const attrs: Attributes = {};
  if (v !== undefined) readAttributes(v, attrs);
  return attrs;
}

/** The `resource` of a ResourceSpans / ResourceLogs object, with that container's `schemaUrl`. */
export function readResource(container: JsonObject): ResourceInfo {
  const r = asObject(container.resource);
  return {
    attributes: r === null ? {} : newAttributes(r.attributes),
    droppedAttributesCount: r === null ? 0 : asUint32(pick(r, 'droppedAttributesCount', 'dropped_attributes_count')),
    schemaUrl: asString(pick(container, 'schemaUrl', 'schema_url')),
  };
}

/** The `scope` of a ScopeSpans / ScopeLogs object, with that container's `schemaUrl`. */
export function readScope(container: JsonObject): ScopeInfo {
  const s = asObject(container.scope);
  return {
    name: s === null ? '' : asString(s.name),
    version: s === null ? '' : asString(s.version),
    attributes: s === null ? {} : newAttributes(s.attributes),
    droppedAttributesCount: s === null ? 0 : asUint32(pick(s, 'droppedAttributesCount', 'dropped_attributes_count')),
    schemaUrl: asString(pick(container, 'schemaUrl', 'schema_url')),
  };
}
