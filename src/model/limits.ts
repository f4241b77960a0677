/**
 * Limits Trace Lens applies to received values, and the markers that replace or end what a limit
 * cut, so every view can tell a cut value from the original. Shared by the decoders (which apply
 * them, in the back end thread) and the webview (which explains them in the span details).
 *
 * A marker is plain text inside the stored value, so it survives storage, copying and forwarding
 * of stored traces ("Send Trace to…") unchanged and is visible wherever the value is shown.
 */

/**
 * Default of `traceLens.store.maxAttributeValueLength`, in UTF-16 characters (JS string length):
 * 1 Mi characters. Long-context LLM requests carry 250–400 KB of prompt per call (100k tokens
 * of English text at ~4 characters per token), so normal prompts stay whole with 2.5× headroom; a
 * single value still cannot take more than ~2 MB of memory per copy.
 */
export const DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 1_048_576;

/** Smallest accepted `traceLens.store.maxAttributeValueLength` (characters). */
export const MIN_MAX_ATTRIBUTE_VALUE_LENGTH = 1_024;

/**
 * Deepest nesting of OTLP `AnyValue`s kept (`array_value` / `kvlist_value` levels; an attribute's
 * own value is level 1). Real data nests a handful of levels (GenAI log bodies: ~6); the limit
 * bounds the decoders' recursion and every later walk (JSON, rendering) of hostile input.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

/** The string that replaces an `AnyValue` nested deeper than {@link MAX_ANY_VALUE_DEPTH}. */
export const DEPTH_LIMIT_MARKER = `[Trace Lens: value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels, not kept]`;

const TRUNCATION_PREFIX = '…[Trace Lens truncated this value: ';
const TRUNCATION_SUFFIX = ' characters in total; setting traceLens.store.maxAttributeValueLength]';
const TRUNCATION_PATTERN = /…\[Trace Lens truncated this value: (\d+) characters in total; setting traceLens\.store\.maxAttributeValueLength\]$/;

/**
 * `value` itself when it has at most `maxLength` characters; otherwise its first `maxLength`
 * characters (one fewer when that would split a surrogate pair) followed by a marker that states
 * the original length, e.g. `…[Trace Lens truncated this value: 5242880 characters in total; …]`.
 * `maxLength` ≤ 0 or not finite means no limit.
 */
export function truncateValue(value: string, maxLength: number): string {
  if (value.length <= maxLength || !(maxLength > 0) || !Number.isFinite(maxLength)) return value;
  let cut = Math.floor(maxLength);
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // keep surrogate pairs whole
  return value.slice(0, cut) + TRUNCATION_PREFIX + value.length + TRUNCATION_SUFFIX;
}

/** What {@link truncateValue} cut: `null` for a value without its marker. */
export function truncationOf(value: unknown): { originalLength: number; keptLength: number } | null {
  if (typeof value !== 'string' || !value.endsWith(TRUNCATION_SUFFIX)) return null;
  const m = TRUNCATION_PATTERN.exec(value);
  if (!m) return null;
  return { originalLength: Number(m[1]), keptLength: m.index };
}

// ── Counts per export request and per item ────────────────────────────────────────────────────
//
// A request under the body-size limit can still hold millions of tiny items (a 2-byte protobuf
// KeyValue, a 3-byte JSON `{},`): measured before these limits, one 14 MiB span of 1,000,000
// attributes took 2 s to decode and made its details query take 5.7 s, and 19 MiB of 6.6 million
// JSON `{}` held the worker for 6 s and grew it by 640–720 MiB. The limits below keep what real exporters send whole (with wide
// headroom) and keep the first N of anything larger: what was not kept is counted in the OTLP
// `dropped_*_count` field of the object that held it (so the span details show it) and named by
// a `LIMIT_MARKER_KEY` attribute on that object; array and kvlist values that were cut end with
// a `valuesLimitMarker` element / entry. Spans or log records past the per-request limit are
// refused through OTLP `partial_success` (counted, with a reason), never silently.

/**
 * Spans decoded per `ExportTraceServiceRequest` (valid or not; a malformed span counts): the
 * rest are refused through `partial_success`. SDK batch processors export 512 spans per request
 * (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`), the Collector's batch processor 8,192 by default: 8× that.
 * Bounds the decoded objects of one request (0.8–3 KB per span measured: 50–180 MB at the limit).
 */
export const MAX_SPANS_PER_REQUEST = 65_536;

/** Log records decoded per `ExportLogsServiceRequest`; as {@link MAX_SPANS_PER_REQUEST}. */
export const MAX_LOG_RECORDS_PER_REQUEST = 65_536;

/**
 * Attributes kept per attribute list (of a span, event, link, resource, scope or log record):
 * the first this many `KeyValue`s on the wire (a repeated key still counts once per occurrence);
 * the rest are added to the object's `droppedAttributesCount`. OTel SDKs keep 128 by default
 * (`OTEL_ATTRIBUTE_COUNT_LIMIT`); GenAI instrumentations that flatten a conversation into
 * attributes (`llm.input_messages.{i}.message.*`, `gen_ai.prompt.{i}.*`) reach a few thousand
 * on long agent runs.
 */
export const MAX_ATTRIBUTES_PER_LIST = 4_096;

/** Events kept per span (the rest go to `droppedEventsCount`). OTel SDKs keep 128 by default. */
export const MAX_EVENTS_PER_SPAN = 4_096;

/** Links kept per span (the rest go to `droppedLinksCount`). OTel SDKs keep 128 by default. */
export const MAX_LINKS_PER_SPAN = 1_024;

/**
 * Values kept per item — a span (its attributes, events, links and their attributes) or a log
 * record (attributes and body), and separately each resource and scope: every attribute, event,
 * link and every element of an array or kvlist value counts one. Bounds what one span details
 * query reads, whatever the shape (4,096 events of 4,096 attributes each would pass the limits
 * per list). Past it, attributes, events and links are dropped and counted as above, and array
 * and kvlist values end with a marker. 16,384 is four full attribute lists, or a 1,536-dimension
 * embedding vector ten times over.
 */
export const MAX_VALUES_PER_ITEM = 16_384;

/**
 * OTLP/JSON bodies larger than this many bytes are counted before `JSON.parse` (objects, arrays
 * and list separators outside strings; 1–2 ms per MB, in slices) and refused past
 * {@link MAX_JSON_VALUES_PER_REQUEST}: `JSON.parse` builds the whole document in one synchronous
 * call that cannot be cut short. Smaller bodies skip the count: at worst (2 MiB of `{},`)
 * `JSON.parse` takes ~150 ms, and the 512-span batches of the SDKs (0.4–2 MB) pay nothing.
 */
export const JSON_COUNT_MIN_BYTES = 2 * 1024 * 1024;

/**
 * Values (objects, arrays and items after a comma, counted outside strings) allowed in one
 * OTLP/JSON body larger than {@link JSON_COUNT_MIN_BYTES}; more → HTTP 413. At the limit
 * `JSON.parse` takes 20 ms (all `{}`) to 165 ms (all short distinct strings) and ~20 MB of heap,
 * measured. A typical OTLP/JSON span has ~50 values: the limit is ~10,000 spans per request, 20×
 * an SDK batch (protobuf requests have no such limit: their decoding yields to the event loop).
 */
export const MAX_JSON_VALUES_PER_REQUEST = 524_288;

/**
 * Attribute key of the marker added to an attribute list when Trace Lens did not keep some of
 * the object's attributes, events or links; its value is {@link itemLimitMarker}.
 */
export const LIMIT_MARKER_KEY = 'trace_lens.limit';

/** What one object lost to the limits above (counts of items not kept). */
export interface DroppedByLimits {
  attributes?: number;
  events?: number;
  links?: number;
}

/**
 * The value of {@link LIMIT_MARKER_KEY}, naming what was not kept and the limits, e.g. `[Trace Lens
 * did not keep 995904 attributes, 12 events (at most 4096 attributes per list, 4096 events and 1024
 * links per span, 16384 values per span or log record); counted as dropped]`.
 */
export function itemLimitMarker(dropped: DroppedByLimits): string {
  const parts: string[] = [];
  if (dropped.attributes) parts.push(counted(dropped.attributes, 'attribute'));
  if (dropped.events) parts.push(counted(dropped.events, 'event'));
  if (dropped.links) parts.push(counted(dropped.links, 'link'));
  return (
    `[Trace Lens did not keep ${parts.join(', ')} (at most ${MAX_ATTRIBUTES_PER_LIST} attributes per list, ` +
    `${MAX_EVENTS_PER_SPAN} events and ${MAX_LINKS_PER_SPAN} links per span, ${MAX_VALUES_PER_ITEM} values per span or log record); counted as dropped]`
  );
}

/**
 * The element (array) or entry value (kvlist, under {@link LIMIT_MARKER_KEY}) that ends an
 * `AnyValue` list cut by {@link MAX_VALUES_PER_ITEM}: states how many elements were not kept.
 */
export function valuesLimitMarker(notKept: number): string {
  return `[Trace Lens did not keep ${counted(notKept, 'more value')} (at most ${MAX_VALUES_PER_ITEM} values per span or log record)]`;
}

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
