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
