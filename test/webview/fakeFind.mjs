// @ts-check
// The harness's stand-in for the back end's `findInTrace` (the real one is the full-text index in
// src/core/search): a plain scan of a fixture's spans, enough of the query language for the find
// bar's checks. Plain ESM without imports: it runs in the page (fakeHost.mjs answers with it) and
// in Node (the checks compute expected matches with it only where they say so; most expectations
// are written by hand).
//
// Understood: words (case-insensitive substring of the span's text: name, attribute values, status
// message, event names and attribute values, log bodies, its Conversation items), "quoted
// phrases", -word (excludes), `error` / `is:error` (status error or an exception event),
// `tool:NAME`, `model:NAME`, `agent:NAME` (prefix of the GenAI badge's name), `kind:KIND` (the
// badge's kind), `attr:key` and `attr:key=value`, `duration>N(ms|s|m|h)` / `duration<…`. Errors,
// with the character offset: an unterminated phrase, an unknown field, a duration without a
// known unit.

/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */
/** @typedef {import('../../src/model/trace').SpanDetail} SpanDetail */
/** @typedef {import('../../src/model/genai').TraceConversation} TraceConversation */
/** @typedef {(span: SkeletonSpan, text: () => string, detail: SpanDetail | null) => boolean} Test */

const FIELDS = new Set(['is', 'tool', 'model', 'agent', 'kind', 'attr', 'service', 'session', 'user', 'trace', 'last']);

/**
 * Parses `query`; returns the span test or the first error.
 * @param {string} query
 * @returns {{ ok: true, test: (span: SkeletonSpan, text: () => string, detail: SpanDetail | null) => boolean } | { ok: false, error: string, offset: number }}
 */
export function parseFakeQuery(query) {
  /** @type {Test[]} */
  const tests = [];
  let i = 0;
  while (i < query.length) {
    if (/\s/.test(query[i])) {
      i++;
      continue;
    }
    const start = i;
    const negate = query[i] === '-';
    if (negate) i++;
    /** @type {Test} */
    let test;
    if (query[i] === '"') {
      const end = query.indexOf('"', i + 1);
      if (end < 0) return { ok: false, error: `unterminated phrase at ${i}: add the closing "`, offset: i };
      const phrase = query.slice(i + 1, end).toLowerCase();
      i = end + 1;
      test = (_s, text) => text().includes(phrase);
    } else {
      let end = i;
      while (end < query.length && !/\s/.test(query[end])) end++;
      const word = query.slice(i, end);
      i = end;
      const lower = word.toLowerCase();
      const field = /^([a-z]+):(.*)$/.exec(lower);
      const compare = /^(duration)([<>])(.*)$/.exec(lower);
      if (lower === 'error' || lower === 'is:error') {
        test = (s) => s.statusCode === 'error' || s.hasException;
      } else if (compare) {
        const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(compare[3]);
        const units = /** @type {Record<string, number>} */ ({ ms: 1, s: 1000, m: 60000, h: 3600000 });
        if (!m || !(m[2] in units)) return { ok: false, error: `${word}: unknown unit "${m ? m[2] : compare[3]}" (use ms, s, m, h)`, offset: start };
        const ms = Number(m[1]) * units[m[2]];
        test = compare[2] === '>' ? (s) => s.durationMs > ms : (s) => s.durationMs < ms;
      } else if (field && !FIELDS.has(field[1])) {
        return { ok: false, error: `unknown field "${field[1]}:" at ${start}`, offset: start };
      } else if (field) {
        const [, name, value] = field;
        if (name === 'tool') test = (s) => (s.genai?.toolName ?? '').toLowerCase().startsWith(value);
        else if (name === 'model') test = (s) => (s.genai?.model ?? '').toLowerCase().startsWith(value);
        else if (name === 'agent') test = (s) => (s.genai?.agentName ?? '').toLowerCase().startsWith(value);
        else if (name === 'kind') test = (s) => s.genai?.kind === value;
        else if (name === 'attr') {
          const [key, val] = value.split('=', 2);
          test = (_s, _t, d) => {
            const attrs = /** @type {Record<string, unknown>} */ (d?.span.attributes ?? {});
            const hit = Object.keys(attrs).find((k) => k.toLowerCase() === key);
            return hit !== undefined && (val === undefined || String(attrs[hit]).toLowerCase() === val);
          };
        } else test = () => true; // trace-level conditions: the fixture's trace has them all
      } else {
        test = (_s, text) => text().includes(lower);
      }
    }
    tests.push(negate ? (s, t, d) => !test(s, t, d) : test);
  }
  return { ok: true, test: (s, t, d) => tests.length > 0 && tests.every((f) => f(s, t, d)) };
}

/**
 * The spans of `spans` (start-time order kept) that match `query`, as `findInTrace` answers.
 * @param {string} query
 * @param {SkeletonSpan[]} spans
 * @param {(spanId: string) => SpanDetail | null} detail
 * @param {TraceConversation | null} conversation
 * @returns {{ ok: true, spanIds: string[] } | { ok: false, error: string, offset: number }}
 */
export function fakeFind(query, spans, detail, conversation) {
  const parsed = parseFakeQuery(query);
  if (!parsed.ok) return parsed;
  /** @type {Map<string, string[]>} */
  const items = new Map();
  for (const item of conversation?.items ?? []) {
    const list = items.get(item.spanId) ?? [];
    list.push(JSON.stringify(item));
    items.set(item.spanId, list);
  }
  const spanIds = [];
  for (const s of spans) {
    const d = detail(s.spanId);
    /** @type {string | null} */
    let cached = null;
    const text = () => (cached ??= spanText(s, d, items.get(s.spanId) ?? []).toLowerCase());
    if (parsed.test(s, text, d)) spanIds.push(s.spanId);
  }
  return { ok: true, spanIds };
}

/**
 * @param {SkeletonSpan} s
 * @param {SpanDetail | null} d
 * @param {string[]} items
 */
function spanText(s, d, items) {
  const parts = [s.name];
  if (d) {
    parts.push(d.span.status.message, ...Object.values(d.span.attributes).map(valueText));
    for (const e of d.span.events) parts.push(e.name, ...Object.values(e.attributes).map(valueText));
    for (const l of d.logs) parts.push(valueText(l.body), ...Object.values(l.attributes).map(valueText));
  }
  parts.push(...items);
  return parts.join('\n');
}

/** @param {unknown} v */
function valueText(v) {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
