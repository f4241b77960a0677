/**
 * Pure conversions between the domain types (`src/model/trace.ts`) and the store's columns, and
 * the pure checks and helpers of the write path (row validity, decimal time comparison, the JSON
 * guard). No SQL and no sql.js here, so everything is unit-testable without a database.
 */
import type {
  AttributeValue,
  Attributes,
  LogRecordInfo,
  ResourceInfo,
  ScopeInfo,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanRecord,
  StatusCode,
} from '../../model/trace';
import type { GenAiBadge, GenAiOperationKind } from '../../model/genai';
import { truncateValue } from '../../model/limits';
import { isStorableNanos, splitNanos, type NanosParts } from './nanos';

/** `spans.kind` values: OTLP `Span.SpanKind` numbers. */
export const SPAN_KINDS: readonly SpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];
const KIND_CODES: Readonly<Record<SpanKind, number>> = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};

/** `spans.status_code` values: OTLP `Status.StatusCode` numbers. */
export const STATUS_CODES: readonly StatusCode[] = ['unset', 'ok', 'error'];
const STATUS_NUMBERS: Readonly<Record<StatusCode, number>> = { unset: 0, ok: 1, error: 2 };
/** `spans.status_code` of an error span. */
export const STATUS_ERROR = 2;

/** `kind` as stored, or `undefined` for an unknown kind. */
export function kindCode(kind: SpanKind): number | undefined {
  return Object.prototype.hasOwnProperty.call(KIND_CODES, kind) ? KIND_CODES[kind] : undefined;
}

/** `status.code` as stored, or `undefined` for an unknown code. */
export function statusNumber(code: StatusCode): number | undefined {
  return Object.prototype.hasOwnProperty.call(STATUS_NUMBERS, code)
    ? STATUS_NUMBERS[code]
    : undefined;
}

/** Stored kind → domain kind; an out-of-range number reads as 'unspecified'. */
export function kindName(code: number): SpanKind {
  return SPAN_KINDS[code] ?? 'unspecified';
}

/** Stored status → domain status; an out-of-range number reads as 'unset'. */
export function statusName(code: number): StatusCode {
  return STATUS_CODES[code] ?? 'unset';
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** `true` for 32 lowercase hex characters, not all zeros. */
export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value) && value !== ZERO_TRACE_ID;
}

/** `true` for 16 lowercase hex characters, not all zeros. */
export function isSpanId(value: unknown): value is string {
  return typeof value === 'string' && SPAN_ID.test(value) && value !== ZERO_SPAN_ID;
}

/**
 * Why a span cannot be stored, or `null` when it can; then its start and end times are in
 * `start` and `end` (`splitNanos`; unspecified otherwise).
 */
export function spanProblem(span: SpanRecord, start: NanosParts = { sec: 0, nsec: 0 }, end: NanosParts = start): string | null {
  if (!isTraceId(span.traceId)) return 'invalid trace id';
  if (!isSpanId(span.spanId)) return 'invalid span id';
  if (span.parentSpanId !== null && !isSpanId(span.parentSpanId)) return 'invalid parent span id';
  if (!splitNanos(span.startTimeUnixNano, start)) return 'invalid start time';
  if (!splitNanos(span.endTimeUnixNano, end)) return 'invalid end time';
  if (typeof span.name !== 'string') return 'invalid span name';
  if (kindCode(span.kind) === undefined) return 'invalid span kind';
  if (!span.status || statusNumber(span.status.code) === undefined) return 'invalid status code';
  return null;
}

/** Why a log record cannot be stored, or `null` when it can. */
export function logProblem(log: LogRecordInfo): string | null {
  if (log.traceId !== null && !isTraceId(log.traceId)) return 'invalid trace id';
  if (log.spanId !== null && !isSpanId(log.spanId)) return 'invalid span id';
  if (!isStorableNanos(log.timeUnixNano)) return 'invalid time';
  if (!isStorableNanos(log.observedTimeUnixNano)) return 'invalid observed time';
  return null;
}

/**
 * The parts of a span that only the details pane reads, as stored in `span_details.detail`.
 * Short keys because the JSON is stored once per span; empty and zero members are omitted.
 */
interface StoredSpanDetail {
  /** attributes */
  a?: Attributes;
  /** events */
  e?: SpanEvent[];
  /** links */
  l?: SpanLink[];
  /** status message */
  m?: string;
  /** trace state */
  t?: string;
  /** flags */
  f?: number;
  /** dropped attributes / events / links counts */
  da?: number;
  de?: number;
  dl?: number;
}

/** `encode()`, or `null` when it throws (JSON.stringify of a BigInt or a cycle). */
export function safely(encode: () => string): string | null {
  try {
    return encode();
  } catch {
    return null;
  }
}

/** JSON for `span_details.detail`. */
export function encodeSpanDetail(span: SpanRecord): string {
  const d: StoredSpanDetail = {};
  if (span.attributes && Object.keys(span.attributes).length > 0) d.a = span.attributes;
  if (span.events?.length) d.e = span.events;
  if (span.links?.length) d.l = span.links;
  if (span.status.message) d.m = span.status.message;
  if (span.traceState) d.t = span.traceState;
  if (span.flags) d.f = span.flags;
  if (span.droppedAttributesCount) d.da = span.droppedAttributesCount;
  if (span.droppedEventsCount) d.de = span.droppedEventsCount;
  if (span.droppedLinksCount) d.dl = span.droppedLinksCount;
  return JSON.stringify(d);
}

/** The members of `SpanRecord` kept in `span_details.detail`. */
export type SpanDetailFields = Pick<
  SpanRecord,
  | 'attributes'
  | 'events'
  | 'links'
  | 'traceState'
  | 'flags'
  | 'droppedAttributesCount'
  | 'droppedEventsCount'
  | 'droppedLinksCount'
> & { statusMessage: string };

/** Inverse of `encodeSpanDetail`. @throws SyntaxError for JSON not written by it. */
export function decodeSpanDetail(json: string): SpanDetailFields {
  const d = JSON.parse(json) as StoredSpanDetail;
  return {
    attributes: d.a ?? {},
    events: d.e ?? [],
    links: d.l ?? [],
    statusMessage: d.m ?? '',
    traceState: d.t ?? '',
    flags: d.f ?? 0,
    droppedAttributesCount: d.da ?? 0,
    droppedEventsCount: d.de ?? 0,
    droppedLinksCount: d.dl ?? 0,
  };
}

/** `true` when an event is named `exception` (OTel semantic conventions). */
export function hasExceptionEvent(events: readonly SpanEvent[]): boolean {
  for (const event of events) if (event.name === 'exception') return true;
  return false;
}

/** Log record members kept in `logs.detail` (short keys, empty members omitted). */
interface StoredLogDetail {
  /** body */
  b?: AttributeValue;
  /** attributes */
  a?: Attributes;
  /** dropped attributes count */
  da?: number;
}

/** JSON for `logs.detail`. */
export function encodeLogDetail(log: LogRecordInfo): string {
  const d: StoredLogDetail = {};
  if (log.body !== null && log.body !== undefined) d.b = log.body;
  if (log.attributes && Object.keys(log.attributes).length > 0) d.a = log.attributes;
  if (log.droppedAttributesCount) d.da = log.droppedAttributesCount;
  return JSON.stringify(d);
}

/** Inverse of `encodeLogDetail`. */
export function decodeLogDetail(
  json: string,
): Pick<LogRecordInfo, 'body' | 'attributes' | 'droppedAttributesCount'> {
  const d = JSON.parse(json) as StoredLogDetail;
  return { body: d.b ?? null, attributes: d.a ?? {}, droppedAttributesCount: d.da ?? 0 };
}

/** The resource attribute that names the service (OTel semantic conventions). */
const SERVICE_NAME = 'service.name';

/** `service.name` of a resource, '' when absent or not a string. */
export function serviceNameOf(resource: ResourceInfo): string {
  const name = resource.attributes?.[SERVICE_NAME];
  return typeof name === 'string' ? name : '';
}

/** JSON of a resource or scope: the deduplication key and the stored value. */
export function encodeResource(resource: ResourceInfo): string {
  return JSON.stringify(resource);
}

/** JSON of a scope: the deduplication key and the stored value. */
export function encodeScope(scope: ScopeInfo): string {
  return JSON.stringify(scope);
}

/**
 * Characters a cut string field of an oversized scope or resource keeps at most (scope name and
 * version, schema URLs; the marker of src/model/limits.ts follows). Real ones are tens of
 * characters; this only matters when the whole resource or scope is over its cap.
 */
export const CAPPED_FIELD_CHARS = 1024;

/**
 * Room (JSON characters) kept back for the members around `attributes` (`droppedAttributesCount`,
 * `schemaUrl`, scope `name`/`version` and the JSON punctuation) when a resource or scope is cut.
 */
const CAP_FRAME_CHARS = 64;

/**
 * Smallest room (JSON characters) worth cutting a string attribute into; with less left, the
 * attribute is dropped and counted instead (a few characters plus a 100-character marker say
 * nothing).
 */
const MIN_CUT_ROOM_CHARS = 256;

/**
 * `resource` itself when its JSON (`encodeResource`) has at most `maxChars` characters; otherwise
 * a copy whose JSON fits: `service.name` first, then the attributes in order while they fit; the
 * first string attribute that does not fit is cut with the marker of src/model/limits.ts
 * (`truncateValue`, which records the original length), attributes after that are kept only if they
 * still fit, and every attribute left out (also one whose key alone is too long, or a nested value
 * that does not fit) is added to `droppedAttributesCount` (OTLP's own count of dropped attributes).
 * A too-long `schemaUrl` is cut to `CAPPED_FIELD_CHARS` with the marker. The input is not changed.
 */
export function capResource(resource: ResourceInfo, maxChars: number): ResourceInfo {
  if (encodeResource(resource).length <= maxChars) return resource;
  const schemaUrl = capField(resource.schemaUrl);
  const frame = jsonLength(schemaUrl) + CAP_FRAME_CHARS;
  const { attributes, dropped } = capAttributes(resource.attributes, maxChars - frame);
  return { attributes, droppedAttributesCount: (resource.droppedAttributesCount || 0) + dropped, schemaUrl };
}

/** `capResource` for a scope: `name`, `version` and `schemaUrl` are cut to `CAPPED_FIELD_CHARS` first. */
export function capScope(scope: ScopeInfo, maxChars: number): ScopeInfo {
  if (encodeScope(scope).length <= maxChars) return scope;
  const name = capField(scope.name);
  const version = capField(scope.version);
  const schemaUrl = capField(scope.schemaUrl);
  const frame = jsonLength(name) + jsonLength(version) + jsonLength(schemaUrl) + CAP_FRAME_CHARS;
  const { attributes, dropped } = capAttributes(scope.attributes, maxChars - frame);
  return { name, version, attributes, droppedAttributesCount: (scope.droppedAttributesCount || 0) + dropped, schemaUrl };
}

/** A string field of an oversized resource or scope: at most `CAPPED_FIELD_CHARS` (+ marker); non-strings read as ''. */
function capField(value: unknown): string {
  return typeof value === 'string' ? truncateValue(value, CAPPED_FIELD_CHARS) : '';
}

/** Characters of `value` as JSON. */
function jsonLength(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

/** The attributes whose JSON (`{…}`) fits in `budget` characters (see `capResource`), and how many were left out. */
function capAttributes(attributes: Attributes | undefined, budget: number): { attributes: Attributes; dropped: number } {
  const source = attributes ?? {};
  const keys = Object.keys(source);
  const serviceFirst = Object.prototype.hasOwnProperty.call(source, SERVICE_NAME) ? [SERVICE_NAME, ...keys.filter((k) => k !== SERVICE_NAME)] : keys;
  const kept: Attributes = {};
  let used = 2; // {}
  let dropped = 0;
  for (const key of serviceFirst) {
    const value = source[key]!;
    // "key":value plus a comma.
    const keyChars = jsonLength(key) + 2;
    const whole = keyChars + jsonLength(value);
    if (used + whole <= budget) {
      setOwn(kept, key, value);
      used += whole;
      continue;
    }
    const room = budget - used - keyChars;
    if (typeof value === 'string' && room >= MIN_CUT_ROOM_CHARS) {
      const cut = cutToJsonLength(value, room);
      if (cut !== null) {
        setOwn(kept, key, cut);
        used += keyChars + jsonLength(cut);
        continue;
      }
    }
    dropped++;
  }
  return { attributes: kept, dropped };
}

/** `attrs[key] = value` as an own property, also for the key `__proto__` (as the decoders store it). */
function setOwn(attrs: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  else attrs[key] = value;
}

/**
 * `truncateValue(value, n)` for the largest `n` found whose JSON has at most `room` characters
 * (escapes can make JSON up to 6× longer than the string); `null` when even a short cut does not fit.
 */
function cutToJsonLength(value: string, room: number): string | null {
  const marker = jsonLength(truncateValue('xx', 1)) - 3; // the marker's JSON characters (and quotes)
  let keep = room - marker;
  while (keep > 0) {
    const cut = truncateValue(value, keep);
    const over = jsonLength(cut) - room;
    if (over <= 0) return cut;
    keep -= Math.max(over, 1);
  }
  return null;
}

/** Inverse of `encodeResource`; missing members get their OTLP defaults. */
export function decodeResource(json: string): ResourceInfo {
  const r = JSON.parse(json) as Partial<ResourceInfo>;
  return {
    attributes: r.attributes ?? {},
    droppedAttributesCount: r.droppedAttributesCount ?? 0,
    schemaUrl: r.schemaUrl ?? '',
  };
}

/** Inverse of `encodeScope`; missing members get their OTLP defaults. */
export function decodeScope(json: string): ScopeInfo {
  const s = JSON.parse(json) as Partial<ScopeInfo>;
  return {
    name: s.name ?? '',
    version: s.version ?? '',
    attributes: s.attributes ?? {},
    droppedAttributesCount: s.droppedAttributesCount ?? 0,
    schemaUrl: s.schemaUrl ?? '',
  };
}

/**
 * The exclusive upper bound of the ids starting with `prefix`, for a range scan on the
 * (BINARY-collated) id index: `id >= prefix AND id < prefixUpperBound(prefix)`. U+10FFFF sorts
 * after every character in UTF-8 byte order.
 */
export function prefixUpperBound(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

/** `spans.genai` kind codes: index in this list. */
const BADGE_KINDS: readonly GenAiOperationKind[] = ['llm', 'embeddings', 'tool', 'agent', 'workflow', 'retriever', 'reranker', 'guardrail', 'evaluator', 'other'];
const KIND_CODE: ReadonlyMap<GenAiOperationKind, number> = new Map(BADGE_KINDS.map((k, i) => [k, i]));
const NAME_SEP = '\u001f';
/** Token counts are packed as `(input + 1) * TOKEN_SHIFT + (output + 1)`; 0 means absent. */
const TOKEN_SHIFT = 2 ** 26;
const MAX_TOKENS = TOKEN_SHIFT - 2;

/**
 * The names of a badge (model, agent name, tool name) as one dictionary key: the store interns it
 * (`Interning.genaiNameId` in interning.ts) so each row stores a small integer instead of the
 * text. '' when the badge has no names.
 */
export function badgeNamesKey(badge: GenAiBadge): string {
  if (badge.model === undefined && badge.agentName === undefined && badge.toolName === undefined) return '';
  return (badge.model ?? '') + NAME_SEP + (badge.agentName ?? '') + NAME_SEP + (badge.toolName ?? '');
}

/**
 * A `GenAiBadge` as the two INTEGER columns of `spans` (schema.sql): `genai = nameId * 32 +
 * kindCode * 2 + aggregate` and `genai_tokens = (input + 1) * 2^26 + (output + 1)` (NULL without
 * counts; counts above 2^26 - 2 are clamped). Integers, not text: binding and storing ~25 bytes of
 * text per span cost ~15-20% of insert CPU in the small-span benchmark, two small integers ~2%.
 * Both stay below 2^53, so sql.js reads them back exactly.
 */
export function packBadge(badge: GenAiBadge, nameId: number): { genai: number; tokens: number | null } {
  const genai = nameId * 32 + (KIND_CODE.get(badge.kind) ?? BADGE_KINDS.length - 1) * 2 + (badge.usageIsAggregate ? 1 : 0);
  if (badge.inputTokens === undefined && badge.outputTokens === undefined) return { genai, tokens: null };
  const count = (n: number | undefined): number => (n === undefined ? 0 : Math.min(MAX_TOKENS, Math.max(0, Math.round(n))) + 1);
  return { genai, tokens: count(badge.inputTokens) * TOKEN_SHIFT + count(badge.outputTokens) };
}

/** Inverse of `packBadge`; `names` is the store's dictionary (id → `badgeNamesKey`). */
export function unpackBadge(genai: number, tokens: number | null, names: readonly string[]): GenAiBadge {
  const badge: GenAiBadge = { kind: BADGE_KINDS[(genai >> 1) & 15] ?? 'other' };
  if (genai & 1) badge.usageIsAggregate = true;
  const key = names[Math.floor(genai / 32)];
  if (key) {
    const [model, agentName, toolName] = key.split(NAME_SEP);
    if (model) badge.model = model;
    if (agentName) badge.agentName = agentName;
    if (toolName) badge.toolName = toolName;
  }
  if (tokens !== null && tokens > 0) {
    const input = Math.floor(tokens / TOKEN_SHIFT) - 1;
    const output = (tokens % TOKEN_SHIFT) - 1;
    if (input >= 0) badge.inputTokens = input;
    if (output >= 0) badge.outputTokens = output;
  }
  return badge;
}

/**
 * The token counts of a packed badge's `genai_tokens` (`packBadge`): `[input, output]`, -1 for an
 * absent count (or for `tokens` null). For columnar readers (skeletonRows.ts).
 */
export function unpackBadgeTokens(tokens: number | null): [number, number] {
  if (tokens === null || tokens <= 0) return [-1, -1];
  return [Math.floor(tokens / TOKEN_SHIFT) - 1, (tokens % TOKEN_SHIFT) - 1];
}

/**
 * The `trace_genai.genai_key` of a packed badge (schema.sql): `genai / 2` = name id * 16 + kind
 * code, i.e. the badge without its aggregate bit.
 */
export function genaiKeyOf(genai: number): number {
  return Math.floor(genai / 2);
}

/** The kind code of a badge kind in `spans.genai` / `genai_key` (`packBadge`). */
export function badgeKindCode(kind: GenAiOperationKind): number {
  return KIND_CODE.get(kind) ?? BADGE_KINDS.length - 1;
}

/** The names of a `badgeNamesKey` (the store's name dictionary entry): model, agent and tool name ('' when absent). */
export function badgeNamesOf(key: string): { model: string; agentName: string; toolName: string } {
  const [model = '', agentName = '', toolName = ''] = key.split(NAME_SEP);
  return { model, agentName, toolName };
}

/**
 * The kind-only key of a `genai_key`: name id 0 with the same kind. trace_genai holds it for every
 * GenAI span besides its full key, so `kind:` alone reads one key per kind instead of one per name.
 */
export function kindOnlyKey(key: number): number {
  return key % 16;
}

/** `genai_key` of a name id and kind code (inverse of `genaiKeyOf`'s parts). */
export function genaiKey(nameId: number, kindCode: number): number {
  return nameId * 16 + kindCode;
}
