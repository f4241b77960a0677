/**
 * The query language of Search Traces, the Traces view's filter and Find in a trace: text →
 * `TraceQuery`, or a one-line error with the character offset it is about. Pure.
 *
 * Grammar (whitespace separates items; every item must hold, i.e. items are ANDed):
 *
 *   query      = *WS [ item *( 1*WS item ) ] *WS
 *   item       = condition / [ "-" ] text
 *   text       = phrase / word                ; free text, matched in the full-text index
 *   phrase     = DQUOTE *(any but DQUOTE) DQUOTE
 *   word       = 1*(any but WS)               ; a DQUOTE inside a word opens a quoted section that
 *                                             ; runs to the next DQUOTE (spaces included)
 *   condition  = "error" / "is:error"                     ; error status or an exception event
 *              / name ":" value                           ; name is case-insensitive
 *              / measure op number [ unit ]
 *   name       = "model" / "service" / "session" / "user" / "tool" / "agent" / "kind"
 *              / "attr" / "last" / "trace"          ; another name with a value is an error;
 *                                                   ; `word:` without a value is text (`Error:`)
 *   value      = phrase / 1*(any but WS)      ; attr: key [ "=" value ]
 *   measure    = "cost" / "duration" / "tokens"
 *   op         = ">" / "<" / ">=" / "<="
 *
 * Meaning:
 * - `word` / `"phrase"`: case-insensitive, accent-insensitive words (src/core/search/textTokens.ts);
 *   a word with punctuation (`ZX-4711`, `foo.bar`) is the phrase of its parts. The LAST item, when
 *   it is an unquoted word, the query does not end in whitespace and its last part has at least
 *   `MIN_PREFIX_CHARS` characters, is matched as a prefix as you type (`time` matches `timeout`).
 *   To search a word that is also a condition (`error`), quote it: `"error"`.
 * - `-word`, `-"phrase"`: excludes traces (Find: spans) that contain it. Conditions cannot be
 *   excluded.
 * - `model:NAME`, `tool:NAME`, `agent:NAME`, `service:NAME`: case-insensitive prefix of the name
 *   (model: the span badge's model, i.e. the request model, else the response model; service: the
 *   trace's root service).
 * - `session:ID`, `user:ID`: the id exactly. `kind:K`: a GenAI operation kind (`GENAI_KINDS`).
 * - `attr:key=value`: a span attribute `key` whose value, as text, is exactly `value`;
 *   `attr:key`: the span has attribute `key`.
 * - `cost>0.01` (USD, `$` allowed), `tokens>10000` (`k`/`m` suffixes allowed), `duration>2s`
 *   (units `ms`, `s`, `m`, `h`; required): the trace's cost, total tokens, duration.
 * - `last:15m` (units `s`, `m`, `h`, `d`, `w`): the trace started within that window before now.
 * - `trace:HEX`: the trace id starts with these hex digits.
 * - A condition given twice must hold both times (`duration>1s duration<5s` is a range;
 *   `service:a service:b` matches only a service name that starts with both).
 * - An empty query (or only spaces) has no conditions: everything matches.
 * Which conditions are trace-level and which must hold on one span together: src/core/search/plan.ts.
 */
import type { GenAiOperationKind } from '../../model/genai';
import { searchTokens } from './textTokens';

/** The last word of a query is matched as a prefix only from this many characters (its last part). */
export const MIN_PREFIX_CHARS = 3;

/** Longest query accepted (characters). */
export const MAX_QUERY_CHARS = 2_000;

/** The GenAI operation kinds `kind:` accepts (codec.ts badge kinds). */
export const GENAI_KINDS: readonly GenAiOperationKind[] = ['llm', 'embeddings', 'tool', 'agent', 'workflow', 'retriever', 'reranker', 'guardrail', 'evaluator', 'other'];

/** A free-text word or phrase of a query. */
export interface TextTerm {
  /** Folded tokens (textTokens.ts): one for a plain word, several for a phrase or `a-b`. */
  tokens: string[];
  /** Typed in quotes. */
  quoted: boolean;
  /** The last token matches as a prefix (the query's last word as typed). */
  prefix: boolean;
  /** `-word`: traces (Find: spans) containing it are excluded. */
  exclude: boolean;
  /** The item as typed (with its `-` and quotes). */
  text: string;
  /** Character offset of the item in the query. */
  offset: number;
}

/** Comparison of a measured value: `>`, `<`, `>=`, `<=`. */
export type CompareOp = '>' | '<' | '>=' | '<=';

/** One condition of a query (`text`/`offset`: the item as typed and where). */
export type QueryCondition = { text: string; offset: number } & (
  | { kind: 'error' }
  | { kind: 'model' | 'service' | 'tool' | 'agent'; /** lower case */ prefix: string }
  | { kind: 'session' | 'user'; id: string }
  | { kind: 'genaiKind'; genaiKind: GenAiOperationKind }
  | { kind: 'attr'; key: string; /** `undefined`: the attribute exists */ value?: string }
  | { kind: 'cost'; op: CompareOp; /** USD */ value: number }
  | { kind: 'tokens'; op: CompareOp; value: number }
  | { kind: 'duration'; op: CompareOp; /** milliseconds */ value: number }
  | { kind: 'last'; /** milliseconds before now */ windowMs: number }
  | { kind: 'trace'; /** lowercase hex */ prefix: string }
);

/** A parsed query: free text and conditions, in the order typed. */
export interface TraceQuery {
  terms: TextTerm[];
  conditions: QueryCondition[];
}

/** Outcome of `parseTraceQuery`: the query, or a message and the offset (0-based, UTF-16) it is about. */
export type ParseResult = { ok: true; query: TraceQuery } | { ok: false; error: string; offset: number };

class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const FIELD_NAMES = ['model', 'service', 'session', 'user', 'tool', 'agent', 'kind', 'attr', 'last', 'trace', 'is'] as const;
type FieldName = (typeof FIELD_NAMES)[number];
const FIELD = /^([A-Za-z][A-Za-z_]*):/;
const MEASURE = /^(cost|duration|tokens)(>=|<=|>|<|=)/i;
const WS = /\s/;

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const WINDOW_UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const TOKEN_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1_000, m: 1_000_000 };

/** One whitespace-separated item: its raw text (quotes kept) and offset. */
interface RawItem {
  raw: string;
  offset: number;
}

/** Splits the query into items; a `"` opens a quoted section that may contain spaces. */
function scan(text: string): RawItem[] {
  const items: RawItem[] = [];
  let i = 0;
  while (i < text.length) {
    if (WS.test(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !WS.test(text[i]!)) {
      if (text[i] === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) throw new ParseError(`unclosed quote: add a closing " to end the phrase`, i);
        i = close + 1;
      } else {
        i++;
      }
    }
    items.push({ raw: text.slice(start, i), offset: start });
  }
  return items;
}

/** Text with its quotes removed (`"a b"` → `a b`, `x"y z"` → `xy z`). */
function unquote(raw: string): string {
  return raw.replace(/"/g, '');
}

function fail(message: string, offset: number): never {
  throw new ParseError(message, offset);
}

/** A number with an optional unit: `2s`, `1.5s`, `$0.01`, `10k`. */
function measureValue(item: RawItem, at: number, kind: 'cost' | 'duration' | 'tokens' | 'last'): number {
  const rest = item.raw.slice(at);
  const offset = item.offset + at;
  const m = /^(\$?)(\d+(?:\.\d*)?|\.\d+)(.*)$/.exec(rest);
  if (!m) fail(`${item.raw}: expected a number after "${item.raw.slice(0, at)}"`, offset);
  const [, dollar, digits, unitRaw] = m;
  const n = Number(digits);
  const unit = unitRaw!.toLowerCase();
  const unitOffset = offset + dollar!.length + digits!.length;
  if (dollar && kind !== 'cost') fail(`${item.raw}: "$" is only for cost`, offset);
  switch (kind) {
    case 'cost':
      if (unit !== '') fail(`${item.raw}: cost is in USD, without a unit (for example cost>0.01)`, unitOffset);
      return n;
    case 'tokens': {
      const f = TOKEN_UNITS[unit];
      if (f === undefined) fail(`${item.raw}: unknown unit "${unitRaw}" (use a plain number, k or m)`, unitOffset);
      return n * f;
    }
    case 'duration': {
      if (unit === '') fail(`${item.raw}: missing unit (use ms, s, m, h)`, unitOffset);
      const f = DURATION_UNITS[unit];
      if (f === undefined) fail(`${item.raw}: unknown unit "${unitRaw}" (use ms, s, m, h)`, unitOffset);
      return n * f;
    }
    case 'last': {
      if (unit === '') fail(`${item.raw}: missing unit (use s, m, h, d, w)`, unitOffset);
      const f = WINDOW_UNITS[unit];
      if (f === undefined) fail(`${item.raw}: unknown unit "${unitRaw}" (use s, m, h, d, w)`, unitOffset);
      return n * f;
    }
  }
}

/** A field's value: the rest of the item after `name:`, unquoted; non-empty. */
function fieldValue(item: RawItem, at: number, name: string): string {
  const value = unquote(item.raw.slice(at));
  if (value === '') fail(`${name}: needs a value (for example ${example(name)})`, item.offset + at);
  return value;
}

function example(name: string): string {
  switch (name) {
    case 'model':
      return 'model:gpt-4o';
    case 'service':
      return 'service:checkout';
    case 'session':
      return 'session:abc';
    case 'user':
      return 'user:u-7';
    case 'tool':
      return 'tool:get_weather';
    case 'agent':
      return 'agent:planner';
    case 'kind':
      return 'kind:llm';
    case 'attr':
      return 'attr:http.route=/api or attr:http.route';
    case 'last':
      return 'last:15m';
    case 'trace':
      return 'trace:4bf92f';
    default:
      return `${name}:value`;
  }
}

/** A condition item (`error`, `name:value`, `measure op value`), or `undefined` for text. */
function condition(item: RawItem): QueryCondition | undefined {
  const { raw, offset } = item;
  const base = { text: raw, offset };
  if (raw.toLowerCase() === 'error') return { ...base, kind: 'error' };
  const measure = MEASURE.exec(raw);
  if (measure) {
    const kind = measure[1]!.toLowerCase() as 'cost' | 'duration' | 'tokens';
    const op = measure[2]!;
    if (op === '=') fail(`${raw}: use > or < (for example ${kind === 'cost' ? 'cost>0.01' : kind === 'tokens' ? 'tokens>10000' : 'duration>2s'})`, offset + kind.length);
    const value = measureValue(item, measure[0].length, kind);
    return { ...base, kind, op: op as CompareOp, value };
  }
  const field = FIELD.exec(raw);
  if (!field) return undefined;
  const name = field[1]!.toLowerCase();
  const at = field[0].length;
  if (!(FIELD_NAMES as readonly string[]).includes(name)) {
    // `Error:` or `Note:` in pasted text: a word with a colon and no value is text.
    if (at === raw.length) return undefined;
    if (name === 'cost' || name === 'duration' || name === 'tokens') fail(`${name}: use > or < (for example ${name === 'cost' ? 'cost>0.01' : name === 'tokens' ? 'tokens>10000' : 'duration>2s'})`, offset + name.length);
    if (name === 'error') fail('error takes no value: write error (or is:error)', offset);
    fail(`unknown field "${field[1]}" (fields: error, model, service, session, user, tool, agent, kind, attr, last, trace, cost, duration, tokens); to search the text, quote it: "${unquote(raw)}"`, offset);
  }
  switch (name as FieldName) {
    case 'is': {
      const value = fieldValue(item, at, 'is').toLowerCase();
      if (value !== 'error') fail(`is:${value}: only is:error is known`, offset + at);
      return { ...base, kind: 'error' };
    }
    case 'model':
    case 'service':
    case 'tool':
    case 'agent':
      return { ...base, kind: name as 'model' | 'service' | 'tool' | 'agent', prefix: fieldValue(item, at, name).toLowerCase() };
    case 'session':
    case 'user':
      return { ...base, kind: name as 'session' | 'user', id: fieldValue(item, at, name) };
    case 'kind': {
      const value = fieldValue(item, at, 'kind').toLowerCase();
      const genaiKind = GENAI_KINDS.find((k) => k === value);
      if (!genaiKind) fail(`kind:${value}: unknown kind (use ${GENAI_KINDS.join(', ')})`, offset + at);
      return { ...base, kind: 'genaiKind', genaiKind };
    }
    case 'trace': {
      const value = fieldValue(item, at, 'trace').toLowerCase();
      if (!/^[0-9a-f]{1,32}$/.test(value)) fail(`trace:${value}: expected up to 32 hex digits of a trace id`, offset + at);
      return { ...base, kind: 'trace', prefix: value };
    }
    case 'last':
      return { ...base, kind: 'last', windowMs: measureValue(item, at, 'last') };
    case 'attr': {
      const rest = raw.slice(at);
      const eq = rest.indexOf('=');
      const key = unquote(eq < 0 ? rest : rest.slice(0, eq));
      if (key === '') fail(`attr: needs a key (for example ${example('attr')})`, offset + at);
      if (searchTokens(key).length === 0) fail(`attr:${key}: the key needs a letter or digit`, offset + at);
      if (eq < 0) return { ...base, kind: 'attr', key };
      const value = unquote(rest.slice(eq + 1));
      if (value === '') fail(`attr:${key}=: needs a value (or write attr:${key} to test that the attribute exists)`, offset + at + eq + 1);
      return { ...base, kind: 'attr', key, value };
    }
  }
}

/**
 * Parses a query (grammar in the module comment).
 * @returns `{ ok: true, query }`, or `{ ok: false, error, offset }` with a one-line message naming
 * the item and how to fix it, and the offset of the offending character (or of the item).
 */
export function parseTraceQuery(text: string): ParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'the query must be text', offset: 0 };
  if (text.length > MAX_QUERY_CHARS) return { ok: false, error: `the query is too long (at most ${MAX_QUERY_CHARS} characters)`, offset: MAX_QUERY_CHARS };
  try {
    const items = scan(text);
    const query: TraceQuery = { terms: [], conditions: [] };
    const endsInWord = text.length > 0 && !WS.test(text[text.length - 1]!);
    items.forEach((item, index) => {
      const exclude = item.raw.startsWith('-');
      const body: RawItem = exclude ? { raw: item.raw.slice(1), offset: item.offset + 1 } : item;
      if (exclude && body.raw === '') fail('"-" must be followed by a word or "phrase" to exclude', item.offset);
      if (!body.raw.startsWith('"')) {
        const c = condition(body);
        if (c) {
          if (exclude) fail(`${item.raw}: conditions cannot be excluded with "-"; to exclude the text, quote it: -"${unquote(body.raw)}"`, item.offset);
          query.conditions.push(c);
          return;
        }
      }
      const words = unquote(body.raw);
      const tokens = searchTokens(words);
      if (tokens.length === 0) fail(`${item.raw}: nothing to search for (a word needs a letter or digit)`, item.offset);
      const quoted = body.raw.includes('"');
      const last = index === items.length - 1;
      const prefix = last && !quoted && endsInWord && tokens[tokens.length - 1]!.length >= MIN_PREFIX_CHARS;
      query.terms.push({ tokens, quoted, prefix, exclude, text: item.raw, offset: item.offset });
    });
    return { ok: true, query };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: error.message, offset: error.offset };
    throw error;
  }
}
