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
 *
 * Count limits (src/model/limits.ts), as in the protobuf readers: an attribute list keeps its
 * first `MAX_ATTRIBUTES_PER_LIST` entries; every kept attribute, event, link and array / kvlist
 * element spends one of the item's `MAX_VALUES_PER_ITEM` values ({@link startItem}); what is past
 * a limit is not read, and counted.
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo } from '../../model/trace';
import { doubleToAttribute, jsonInt64ToAttribute, markLimits, setAttribute, stringLimitOf, type DecodeOptions } from './shared';
import {
  DEPTH_LIMIT_MARKER,
  LIMIT_MARKER_KEY,
  MAX_ANY_VALUE_DEPTH,
  MAX_ATTRIBUTES_PER_LIST,
  MAX_VALUES_PER_ITEM,
  truncateValue,
  valuesLimitMarker,
} from '../../model/limits';
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

/**
 * Values the item being read may still keep (`MAX_VALUES_PER_ITEM`); module state for the same
 * reason as `stringLimit`, reset by {@link startItem} for each span, log record, resource and
 * scope (never carried across a slice: an item is read within one).
 */
let valuesLeft = MAX_VALUES_PER_ITEM;

/** Attributes the last {@link newAttributes} call did not keep (read once by {@link takeNotKept}). */
let notKept = 0;

/** Starts the value budget of one item; `reserved` values are spent up front (a log body: 1). */
export function startItem(reserved = 0): void {
  valuesLeft = MAX_VALUES_PER_ITEM - reserved;
}

/** Values the current item has kept so far (for the decoder's work accounting). */
export function valuesUsed(): number {
  return MAX_VALUES_PER_ITEM - valuesLeft;
}

/** Spends one value of the current item: `false` when none is left (then nothing is spent). */
export function spendValue(): boolean {
  if (valuesLeft <= 0) return false;
  valuesLeft--;
  return true;
}

/** How many entries the last {@link newAttributes} call did not keep (the caller adds them to its dropped count). */
export function takeNotKept(): number {
  const n = notKept;
  notKept = 0;
  return n;
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
        const out: AttributeValue[] = [];
        for (let i = 0; i < values.length; i++) {
          if (valuesLeft <= 0) {
            out.push(valuesLimitMarker(values.length - i));
            break;
          }
          valuesLeft--;
          out.push(anyValue(values[i], depth + 1));
        }
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

/**
 * kvlist `values` → `attrs`, values at nesting level `depth` (a repeated key keeps the last
 * value). Entries past the item's value budget are not read; then `attrs[LIMIT_MARKER_KEY]` is
 * `valuesLimitMarker(count)`.
 */
function readAttributes(v: unknown, attrs: Attributes, depth: number): void {
  const list = asArray(v, 'attributes');
  for (let i = 0; i < list.length; i++) {
    if (valuesLeft <= 0) {
      setAttribute(attrs, LIMIT_MARKER_KEY, valuesLimitMarker(list.length - i));
      return;
    }
    valuesLeft--;
    const kv = asObject(list[i]);
    if (kv === null) continue;
    setAttribute(attrs, asString(kv.key), anyValue(kv.value, depth));
  }
}

/**
 * `repeated KeyValue` as a new attributes object (values at nesting level 1); absent → `{}`.
 * Keeps the first `MAX_ATTRIBUTES_PER_LIST` entries while the item's value budget lasts; how many
 * it did not keep is read with {@link takeNotKept} (the caller counts them and adds the marker).
 */
export function newAttributes(v: unknown): Attributes {
  const attrs: Attributes = {};
  notKept = 0;
  if (v === undefined) return attrs;
  const list = asArray(v, 'attributes');
  const n = list.length;
  for (let i = 0; i < n; i++) {
    if (i >= MAX_ATTRIBUTES_PER_LIST || valuesLeft <= 0) {
      notKept = n - i;
      break;
    }
    valuesLeft--;
    const kv = asObject(list[i]);
    if (kv === null) continue;
    setAttribute(attrs, asString(kv.key), anyValue(kv.value, 1));
  }
  return attrs;
}

/**
 * The attributes and dropped count of a Resource or InstrumentationScope object (`null`: none),
 * with its own value budget; attributes not kept are counted and marked.
 */
function limitedAttributes(o: JsonObject | null): { attributes: Attributes; droppedAttributesCount: number } {
  if (o === null) return { attributes: {}, droppedAttributesCount: 0 };
  startItem();
  const attributes = newAttributes(o.attributes);
  const dropped = takeNotKept();
  if (dropped > 0) markLimits(attributes, dropped);
  return { attributes, droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')) + dropped };
}

/** The `resource` of a ResourceSpans / ResourceLogs object, with that container's `schemaUrl`. */
export function readResource(container: JsonObject): ResourceInfo {
  const { attributes, droppedAttributesCount } = limitedAttributes(asObject(container.resource));
  return { attributes, droppedAttributesCount, schemaUrl: asString(pick(container, 'schemaUrl', 'schema_url')) };
}

/** The `scope` of a ScopeSpans / ScopeLogs object, with that container's `schemaUrl`. */
export function readScope(container: JsonObject): ScopeInfo {
  const s = asObject(container.scope);
  const { attributes, droppedAttributesCount } = limitedAttributes(s);
  return {
    name: s === null ? '' : asString(s.name),
    version: s === null ? '' : asString(s.version),
    attributes,
    droppedAttributesCount,
    schemaUrl: asString(pick(container, 'schemaUrl', 'schema_url')),
  };
}
