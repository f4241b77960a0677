/**
 * Words as the full-text index sees them, in JS: the same tokenizer rules as SQLite FTS4's
 * `unicode61` tokenizer with `remove_diacritics=2` (the index's tokenizer, src/core/store/schema
 * and queries/resetSearchSlot*.sql), so that the query side, the direct scan of spans not indexed
 * yet, and snippets agree with the index. Pure.
 *
 * Rules (checked against the real tokenizer in test/unit/search/textTokens.test.ts):
 * - a token is a run of letters (`\p{L}`), numbers (`\p{N}`), private-use characters (`\p{Co}`)
 *   and combining diacritical marks (U+0300–U+036F, which are then removed); everything else
 *   (spaces, punctuation including `_` `-` `.` `'`, symbols, emoji, other combining marks such as
 *   Indic vowel signs) separates tokens;
 * - tokens are case-folded (`toLowerCase`, final sigma `ς` → `σ`); precomposed Latin letters lose
 *   their diacritics (canonical decomposition, marks U+0300–U+036F dropped) and combining marks
 *   U+0300–U+036F are dropped: `Café` → `cafe`, `İstanbul` → `istanbul`; other scripts keep theirs
 *   (`Ελληνικά` → `ελληνικά`), and `ß`, `ø`, `æ`, `ł` and compatibility forms (`ﬁ`, full-width
 *   letters) stay as they are, as in unicode61.
 * Differences from unicode61 that remain: letters added to Unicode after 6.1 (unicode61's tables)
 * are token characters here and separators there; such a word then matches as a phrase of its
 * parts in the index and as one word here.
 */
import { SNIPPET_MATCH_END, SNIPPET_MATCH_START } from '../../model/search';

/** A run of token characters in the original text. */
const TOKEN_RUN = /[\p{L}\p{N}\p{Co}\u0300-\u036f]+/gu;
const DIACRITICS = /[\u0300-\u036f]/g;
/** Only tokens with a character outside ASCII need the Unicode folding steps. */
const NON_ASCII = /[^\x00-\x7f]/;

/** One token of a text: its folded form and where it is in the original text (UTF-16 offsets). */
export interface TextToken {
  token: string;
  start: number;
  end: number;
}

/** The folded form of one raw token (see the module comment); may be '' (a run of marks only). */
export function foldToken(raw: string): string {
  const lower = raw.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  let out = '';
  for (const ch of lower) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x300 && c <= 0x36f) continue; // a combining diacritic: removed
    // A precomposed Latin letter: its base letter (unicode61 folds Latin only; 'ά', 'й' stay).
    out += (c >= 0xc0 && c <= 0x24f) || (c >= 0x1e00 && c <= 0x1eff) ? ch.normalize('NFD').replace(DIACRITICS, '') : ch;
  }
  return out.replace(/ς/g, 'σ');
}

/** The tokens of `text`, folded, with their offsets in `text`. */
export function textTokens(text: string): TextToken[] {
  const out: TextToken[] = [];
  TOKEN_RUN.lastIndex = 0;
  for (let m = TOKEN_RUN.exec(text); m !== null; m = TOKEN_RUN.exec(text)) {
    const token = foldToken(m[0]);
    if (token !== '') out.push({ token, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The folded tokens of `text` (what the index stores for it, in order). */
export function searchTokens(text: string): string[] {
  return textTokens(text).map((t) => t.token);
}

/** A text term as the matcher needs it: folded tokens (a phrase when several), prefix on the last. */
export interface TokenTerm {
  tokens: readonly string[];
  /** The last token matches any token that starts with it. */
  prefix: boolean;
}

/**
 * One term as an FTS4 query atom: `"tok1 tok2"` (a phrase; one token is a phrase of one), with `*`
 * after the last token for a prefix term. Tokens contain only letters and digits, so quoting them
 * needs no escaping and no token can be read as an operator (AND, OR, NOT, NEAR are upper case;
 * tokens are folded to lower case).
 */
export function ftsAtom(term: TokenTerm): string {
  return `"${term.tokens.join(' ')}${term.prefix ? '*' : ''}"`;
}

/**
 * An FTS4 MATCH expression (enhanced query syntax): every `all` term, and none of the `none` terms
 * (`a b NOT c NOT d`). `all` must not be empty (FTS4 has no unary NOT).
 * @throws RangeError when `all` is empty.
 */
export function ftsAllExpression(all: readonly TokenTerm[], none: readonly TokenTerm[] = []): string {
  if (all.length === 0) throw new RangeError('an FTS4 query needs at least one positive term');
  return [...all.map(ftsAtom), ...none.map((t) => `NOT ${ftsAtom(t)}`)].join(' ');
}

/** An FTS4 MATCH expression matching any of `terms` (`a OR b`). @throws RangeError when empty. */
export function ftsAnyExpression(terms: readonly TokenTerm[]): string {
  if (terms.length === 0) throw new RangeError('an FTS4 query needs at least one term');
  return terms.map(ftsAtom).join(' OR ');
}

/** `true` when `tokens[at…]` starts with the term (phrase: consecutive tokens; prefix: the last one). */
function termAt(tokens: readonly TextToken[], at: number, term: TokenTerm): boolean {
  const n = term.tokens.length;
  if (at + n > tokens.length) return false;
  for (let i = 0; i < n; i++) {
    const have = tokens[at + i]!.token;
    const want = term.tokens[i]!;
    if (i === n - 1 && term.prefix ? !have.startsWith(want) : have !== want) return false;
  }
  return true;
}

/** Index of the first token where `term` occurs in `tokens`, or -1. */
export function findTerm(tokens: readonly TextToken[], term: TokenTerm): number {
  if (term.tokens.length === 0) return -1;
  for (let i = 0; i < tokens.length; i++) if (termAt(tokens, i, term)) return i;
  return -1;
}

/** `true` when the term occurs in the tokens. */
export function hasTerm(tokens: readonly TextToken[], term: TokenTerm): boolean {
  return findTerm(tokens, term) >= 0;
}

/** Characters of context on each side of the first match in a snippet. */
export const SNIPPET_CONTEXT_CHARS = 60;

/** Longest snippet (characters, markers and ellipses excluded). */
export const SNIPPET_MAX_CHARS = 200;

/** Tokens of a text read as far as needed (snippets usually stop near the start of a long text). */
class LazyTokens {
  private readonly re = new RegExp(TOKEN_RUN.source, 'gu');
  private readonly list: TextToken[] = [];
  private done = false;
  constructor(private readonly text: string) {}
  /** Token `i`, or `undefined` past the end. */
  at(i: number): TextToken | undefined {
    while (this.list.length <= i && !this.done) {
      const m = this.re.exec(this.text);
      if (m === null) this.done = true;
      else {
        const token = foldToken(m[0]);
        if (token !== '') this.list.push({ token, start: m.index, end: m.index + m[0].length });
      }
    }
    return this.list[i];
  }
}

/** `true` when `term` occurs at token `at`. */
function lazyTermAt(tokens: LazyTokens, at: number, term: TokenTerm): boolean {
  const n = term.tokens.length;
  for (let i = 0; i < n; i++) {
    const have = tokens.at(at + i)?.token;
    if (have === undefined) return false;
    const want = term.tokens[i]!;
    if (i === n - 1 && term.prefix ? !have.startsWith(want) : have !== want) return false;
  }
  return n > 0;
}

/**
 * A short excerpt of `text` around the first occurrence of any of `terms`: about
 * `SNIPPET_CONTEXT_CHARS` characters on each side, cut at token boundaries, whitespace runs
 * collapsed to one space, `…` where text was cut, and every occurrence of a term inside the excerpt
 * between `SNIPPET_MATCH_START` and `SNIPPET_MATCH_END` (src/model/search.ts). `null` when no term
 * occurs. Control characters of the text (including the markers themselves) become spaces, so the
 * markers in the result are always ours. Reads the text only up to the end of the excerpt.
 */
export function buildSnippet(text: string, terms: readonly TokenTerm[]): string | null {
  const tokens = new LazyTokens(text);
  let first = -1;
  let firstTerm: TokenTerm | undefined;
  for (let i = 0; first < 0 && tokens.at(i) !== undefined; i++) {
    for (const term of terms) {
      if (lazyTermAt(tokens, i, term)) {
        first = i;
        firstTerm = term;
        break;
      }
    }
  }
  if (first < 0 || !firstTerm) return null;
  const matchStart = tokens.at(first)!.start;
  const matchEnd = tokens.at(first + firstTerm.tokens.length - 1)!.end;
  // Window: context around the match, starting at a token and ending after one.
  let from = Math.max(0, matchStart - SNIPPET_CONTEXT_CHARS);
  let to = Math.min(text.length, matchEnd + SNIPPET_CONTEXT_CHARS);
  let startToken = first;
  if (from > 0) {
    while (startToken > 0 && tokens.at(startToken - 1)!.start >= from) startToken--;
    from = tokens.at(startToken)!.start;
  } else startToken = 0;
  if (to < text.length) {
    let last = matchEnd;
    for (let i = first; tokens.at(i) !== undefined && tokens.at(i)!.end <= to; i++) last = Math.max(last, tokens.at(i)!.end);
    to = last;
  }
  if (to - from > SNIPPET_MAX_CHARS) to = Math.max(matchEnd, from + SNIPPET_MAX_CHARS);
  // Highlight every occurrence of a term inside the window.
  const marks: Array<[number, number]> = [];
  for (let i = startToken; tokens.at(i) !== undefined; i++) {
    const t = tokens.at(i)!;
    if (t.end > to) break;
    for (const term of terms) {
      if (lazyTermAt(tokens, i, term)) {
        const end = tokens.at(i + term.tokens.length - 1)!.end;
        if (end <= to) marks.push([t.start, end]);
        break;
      }
    }
  }
  let out = '';
  let pos = from;
  for (const [s, e] of marks) {
    if (s < pos) continue;
    out += clean(text.slice(pos, s)) + SNIPPET_MATCH_START + clean(text.slice(s, e)) + SNIPPET_MATCH_END;
    pos = e;
  }
  out += clean(text.slice(pos, to));
  out = out.replace(/ {2,}/g, ' ');
  const head = from > 0 ? '…' : '';
  const tail = to < text.length ? '…' : '';
  return head + out.trim() + tail;
}

/** Whitespace and control characters (markers included) as single spaces. */
function clean(s: string): string {
  return s.replace(/[\s\u0000-\u001f\u007f]+/g, ' ');
}
