/**
 * OTLP protobuf readers for the messages every signal shares: `common.v1` (AnyValue, ArrayValue,
 * KeyValueList, KeyValue, InstrumentationScope) and `resource.v1` (Resource). The signal readers
 * (`protobufTraces.ts`, `protobufLogs.ts`) call them; matching rules as in `protobufDecoder.ts`.
 *
 * Proto field map (tag bytes in hex; LEN = length-delimited):
 *
 *   resource.v1.Resource     1 attributes (0a)   2 dropped_attributes_count (10)   3 entity_refs (ignored)
 *   common.v1.InstrumentationScope 1 name (0a)  2 version (12)  3 attributes (1a)  4 dropped_attributes_count (20)
 *   common.v1.KeyValue       1 key (0a)   2 value: AnyValue (12)   3 key_strindex (profiles only, ignored)
 *   common.v1.AnyValue       oneof: 1 string (0a)  2 bool (10)  3 int int64 (18)  4 double (21)
 *                            5 array_value: ArrayValue (2a)  6 kvlist_value: KeyValueList (32)
 *                            7 bytes (3a)  8 string_value_strindex (profiles only → empty)
 *   common.v1.ArrayValue     1 values: AnyValue (0a);   KeyValueList 1 values: KeyValue (0a)
 *
 * Limits (src/model/limits.ts): an attribute list keeps its first `MAX_ATTRIBUTES_PER_LIST`
 * entries ({@link readLimitedAttribute}); every kept attribute and array / kvlist element spends
 * one of the item's values ({@link setValuesLeft}); what is past a limit is skipped unread and
 * counted.
 */
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo } from '../../model/trace';
import { doubleToAttribute, int64ToAttribute, markLimits, setAttribute } from './shared';
import {
  DEPTH_LIMIT_MARKER,
  LIMIT_MARKER_KEY,
  MAX_ANY_VALUE_DEPTH,
  MAX_ATTRIBUTES_PER_LIST,
  MAX_VALUES_PER_ITEM,
  truncateValue,
  valuesLimitMarker,
} from '../../model/limits';
import type { WireReader } from './wireReader';

/**
 * `valuesLeft`: values the item being read (a span, log record, resource or scope) may still keep
 * (`MAX_VALUES_PER_ITEM`). Module state, a field of one constant object: as a `WireReader` field
 * or a module `let` the counter slowed the decoder by 10–15% (measured with `--single-threaded`
 * user CPU time on the benchmark's agent payloads); as this it costs ~2%. Safe because an item is
 * read within one synchronous slice: each item's reader sets it first ({@link setValuesLeft}),
 * and a walk that keeps a budget across items (a resource's) saves and restores it.
 */
const budget = { valuesLeft: MAX_VALUES_PER_ITEM };

/** Starts (or restores) the value budget of the item about to be read. */
export function setValuesLeft(n: number): void {
  budget.valuesLeft = n;
}

/** Values the current item may still keep. */
export function getValuesLeft(): number {
  return budget.valuesLeft;
}

/** Spends one value of the current item: `false` when none is left (then nothing is spent). */
export function spendValue(): boolean {
  if (budget.valuesLeft <= 0) return false;
  budget.valuesLeft--;
  return true;
}

/**
 * One AnyValue at nesting level `depth` (an attribute's own value is level 1). An array or
 * kvlist at level `MAX_ANY_VALUE_DEPTH` is not descended into: it becomes `DEPTH_LIMIT_MARKER`.
 */
export function readAnyValue(r: WireReader, end: number, depth: number): AttributeValue {
  let v: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        v = r.valueString(end);
        break;
      case 0x10:
        r.varint64();
        v = (r.hi | r.lo) !== 0;
        break;
      case 0x18:
        r.varint64();
        v = int64ToAttribute(r.hi, r.lo);
        break;
      case 0x21:
        v = doubleToAttribute(r.double());
        break;
      case 0x2a: {
        const e = r.lenEnd(end);
        v = depth >= MAX_ANY_VALUE_DEPTH ? DEPTH_LIMIT_MARKER : readArrayValue(r, e, depth + 1);
        r.pos = e;
        break;
      }
      case 0x32: {
        const e = r.lenEnd(end);
        if (depth >= MAX_ANY_VALUE_DEPTH) {
          v = DEPTH_LIMIT_MARKER;
        } else {
          const obj: Attributes = {};
          readKeyValueList(r, e, obj, depth + 1);
          v = obj;
        }
        r.pos = e;
        break;
      }
      case 0x3a: {
        const e = r.lenEnd(end);
        const b64 = r.base64(r.pos, e);
        v = b64.length > r.maxStringLength ? truncateValue(b64, r.maxStringLength) : b64;
        r.pos = e;
        break;
      }
      case 0x40:
        // string_value_strindex: a Profiling dictionary reference, meaningless here → empty.
        r.varint32();
        v = null;
        break;
      default:
        r.skip(tag, end);
    }
  }
  return v;
}

/**
 * ArrayValue whose elements are at nesting level `depth`. Elements past the item's value budget
 * are skipped; then the array ends with `valuesLimitMarker(skipped)`.
 */
function readArrayValue(r: WireReader, end: number, depth: number): AttributeValue[] {
  const out: AttributeValue[] = [];
  let notKept = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      const e = r.lenEnd(end);
      if (budget.valuesLeft > 0) {
        budget.valuesLeft--;
        out.push(readAnyValue(r, e, depth));
      } else {
        notKept++;
      }
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  if (notKept > 0) out.push(valuesLimitMarker(notKept));
  return out;
}

/**
 * KeyValueList entries, values at level `depth`, into `attrs`. Entries past the item's value
 * budget are skipped; then `attrs[LIMIT_MARKER_KEY]` is `valuesLimitMarker(skipped)`.
 */
function readKeyValueList(r: WireReader, end: number, attrs: Attributes, depth: number): void {
  let notKept = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      const e = r.lenEnd(end);
      if (budget.valuesLeft > 0) {
        budget.valuesLeft--;
        readKeyValue(r, e, attrs, depth);
      } else {
        notKept++;
      }
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  if (notKept > 0) setAttribute(attrs, LIMIT_MARKER_KEY, valuesLimitMarker(notKept));
}

/** One KeyValue (its value at level `depth`) into `attrs` (a repeated key keeps the last value). */
function readKeyValue(r: WireReader, end: number, attrs: Attributes, depth: number): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      key = r.repeatedString(end);
    } else if (tag === 0x12) {
      const e = r.lenEnd(end);
      value = readAnyValue(r, e, depth);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  setAttribute(attrs, key, value);
}

/**
 * One occurrence of a `repeated KeyValue` attributes field whose tag was just read, when the list
 * has kept fewer than `MAX_ATTRIBUTES_PER_LIST` (`kept`) and the item's value budget allows: read
 * into `attrs`, `true`. Otherwise skipped unread, `false` (the caller counts it as dropped).
 */
export function readLimitedAttribute(r: WireReader, end: number, attrs: Attributes, kept: number): boolean {
  const e = r.lenEnd(end);
  if (kept >= MAX_ATTRIBUTES_PER_LIST || budget.valuesLeft <= 0) {
    r.pos = e;
    return false;
  }
  budget.valuesLeft--;
  readKeyValue(r, e, attrs, 1);
  r.pos = e;
  return true;
}

/**
 * A Resource into `res` (filled in place; `schema_url` is its container's), spending `valuesLeft`
 * (the caller's budget for this resource). Attributes past the limits are added to
 * `droppedAttributesCount` and named by the marker (`markLimits`).
 */
export function readResource(r: WireReader, end: number, res: ResourceInfo): void {
  let kept = 0;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      if (readLimitedAttribute(r, end, res.attributes, kept)) kept++;
      else dropped++;
    } else if (tag === 0x10) {
      res.droppedAttributesCount = r.varint32();
    } else {
      r.skip(tag, end);
    }
  }
  res.droppedAttributesCount += dropped;
  if (dropped > 0) markLimits(res.attributes, dropped);
}

/** An InstrumentationScope into `scope` (filled in place; `schema_url` is its container's), limited as {@link readResource}. */
export function readScope(r: WireReader, end: number, scope: ScopeInfo): void {
  let kept = 0;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        scope.name = r.string(end);
        break;
      case 0x12:
        scope.version = r.string(end);
        break;
      case 0x1a:
        if (readLimitedAttribute(r, end, scope.attributes, kept)) kept++;
        else dropped++;
        break;
      case 0x20:
        scope.droppedAttributesCount = r.varint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  scope.droppedAttributesCount += dropped;
  if (dropped > 0) markLimits(scope.attributes, dropped);
}

/** An empty resource, filled in place by the ResourceSpans / ResourceLogs reader. */
export function newResource(): ResourceInfo {
  return { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

/** An empty scope, filled in place by the ScopeSpans / ScopeLogs reader. */
export function newScope(): ScopeInfo {
  return { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}
