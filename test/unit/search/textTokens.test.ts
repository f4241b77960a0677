/**
 * The JS tokenizer (src/core/search/textTokens.ts) against its oracle, SQLite FTS4's own unicode61
 * tokenizer with remove_diacritics=2 in real sql.js: for texts in many scripts, the set of words
 * the index stores equals the set the JS side computes, and every JS token finds its text through
 * MATCH. Also the FTS4 expressions and snippets, with hand-written expectations.
 */
import type { Database } from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNIPPET_MATCH_END as E, SNIPPET_MATCH_START as S } from '../../../src/model/search';
import { buildSnippet, findTerm, ftsAllExpression, ftsAnyExpression, ftsAtom, searchTokens, textTokens } from '../../../src/core/search/textTokens';
import { openRawDatabase } from '../../support/storeHarness';

const SAMPLES = [
  'Café CRÈME naïve Zürich façade',
  'ΣΑΣ σας Ελληνικά α\u0301',
  'Йогурт ЁЛКА Straße',
  'İstanbul ß Straße Ærø Øst Łódź',
  'Tiếng Việt có dấu',
  '日本語テキスト 한국어 中文',
  'ไทยภาษา हिन्दी עִבְרִית العربية ٣٤',
  'foo_bar x$y a+b c#d e@f g\'h i’j k–l m/n o\\p',
  'ＡＢＣ ﬁne ½ ² ① Ⅻ',
  '😀smile 🚀launch',
  'soft\u00adhyphen zero\u200bwidth tab\tnew\nline',
  'a\u0301b (combining acute), e\u0308 (combining diaeresis)',
  'ticket ZX-4711 timeout after 30s; retry=3 "quoted"',
  '{"role":"user","content":"Hello\\nWorld"}',
];

let db: Database;
beforeAll(async () => {
  db = await openRawDatabase();
});
afterAll(() => db.close());

/** The distinct terms FTS4 unicode61 (remove_diacritics=2) stores for `text`. */
function ftsTerms(text: string): string[] {
  db.run('DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS a');
  db.run('CREATE VIRTUAL TABLE t USING fts4(body, tokenize=unicode61 "remove_diacritics=2")');
  db.run('CREATE VIRTUAL TABLE a USING fts4aux(t)');
  db.run('INSERT INTO t (docid, body) VALUES (1, ?)', [text]);
  return (db.exec("SELECT term FROM a WHERE col = '*'")[0]?.values ?? []).map((r) => String(r[0])).sort();
}

function matches(expression: string): boolean {
  return (db.exec('SELECT docid FROM t WHERE t MATCH ?', [expression])[0]?.values.length ?? 0) > 0;
}

describe('searchTokens agrees with FTS4 unicode61 remove_diacritics=2', () => {
  it.each(SAMPLES)('%s', (text) => {
    const js = [...new Set(searchTokens(text))].sort();
    expect(js).toEqual(ftsTerms(text));
    for (const token of js) expect(matches(ftsAtom({ tokens: [token], prefix: false })), token).toBe(true);
  });

  it('hand-checked examples', () => {
    expect(searchTokens('Café CRÈME naïve')).toEqual(['cafe', 'creme', 'naive']);
    expect(searchTokens('ΣΑΣ σας')).toEqual(['σασ', 'σασ']);
    expect(searchTokens('İstanbul Łódź Ærø ß')).toEqual(['istanbul', 'łodz', 'ærø', 'ß']);
    expect(searchTokens('foo_bar x$y ZX-4711')).toEqual(['foo', 'bar', 'x', 'y', 'zx', '4711']);
    expect(searchTokens('😀smile')).toEqual(['smile']);
  });

  it('token offsets point into the original text', () => {
    const text = 'Hé, wörld!';
    expect(textTokens(text).map((t) => [t.token, text.slice(t.start, t.end)])).toEqual([
      ['he', 'Hé'],
      ['world', 'wörld'],
    ]);
  });
});

describe('FTS4 expressions', () => {
  it('atoms quote their tokens; a prefix term ends in *', () => {
    expect(ftsAtom({ tokens: ['ticket', 'zx', '4711'], prefix: false })).toBe('"ticket zx 4711"');
    expect(ftsAtom({ tokens: ['time'], prefix: true })).toBe('"time*"');
    expect(ftsAllExpression([{ tokens: ['a'], prefix: false }, { tokens: ['b', 'c'], prefix: true }], [{ tokens: ['d'], prefix: false }])).toBe('"a" "b c*" NOT "d"');
    expect(ftsAnyExpression([{ tokens: ['a'], prefix: false }, { tokens: ['b'], prefix: false }])).toBe('"a" OR "b"');
    expect(() => ftsAllExpression([])).toThrow(RangeError);
  });

  it('the expressions mean in FTS4 what the JS matcher means', () => {
    ftsTerms('the weather in Zürich: a timeout after retries');
    expect(matches('"weather" "timeout"')).toBe(true);
    expect(matches('"weather" NOT "timeout"')).toBe(false);
    expect(matches('"weather" NOT "sunny"')).toBe(true);
    expect(matches('"in zurich"')).toBe(true);
    expect(matches('"zurich in"')).toBe(false);
    expect(matches('"time*"')).toBe(true);
    expect(matches('"after retr*"')).toBe(true);
    expect(matches('"sunny" OR "retries"')).toBe(true);
    // The JS matcher on the same text.
    const tokens = textTokens('the weather in Zürich: a timeout after retries');
    expect(findTerm(tokens, { tokens: ['in', 'zurich'], prefix: false })).toBe(2);
    expect(findTerm(tokens, { tokens: ['zurich', 'in'], prefix: false })).toBe(-1);
    expect(findTerm(tokens, { tokens: ['time'], prefix: true })).toBe(5);
    expect(findTerm(tokens, { tokens: ['time'], prefix: false })).toBe(-1);
    expect(findTerm(tokens, { tokens: ['after', 'retr'], prefix: true })).toBe(6);
  });
});

describe('snippets', () => {
  it('the whole text when short, every occurrence marked', () => {
    expect(buildSnippet('The weather in Zürich is sunny. Zurich!', [{ tokens: ['zurich'], prefix: false }])).toBe(`The weather in ${S}Zürich${E} is sunny. ${S}Zurich${E}!`);
  });

  it('a phrase is marked as one span of text; a prefix marks the whole word', () => {
    expect(buildSnippet('open ticket ZX-4711 now', [{ tokens: ['ticket', 'zx', '4711'], prefix: false }])).toBe(`open ${S}ticket ZX-4711${E} now`);
    expect(buildSnippet('a timeout occurred', [{ tokens: ['time'], prefix: true }])).toBe(`a ${S}timeout${E} occurred`);
  });

  it('long text: about 60 characters of context each side, cut at words, with ellipses', () => {
    const before = 'alpha '.repeat(30); // 180 characters
    const after = ' omega'.repeat(30);
    const s = buildSnippet(`${before}needle${after}`, [{ tokens: ['needle'], prefix: false }])!;
    expect(s.startsWith('…alpha')).toBe(true);
    expect(s.endsWith('omega…')).toBe(true);
    expect(s).toContain(`${S}needle${E}`);
    const plain = s.replace(/[…\u0002\u0003]/g, '');
    expect(plain.length).toBeGreaterThan(100);
    expect(plain.length).toBeLessThanOrEqual(6 + 2 * 60 + 2);
  });

  it('newlines and control characters (our markers too) become single spaces', () => {
    expect(buildSnippet('line one\n\n  needle\u0002\u0003 end', [{ tokens: ['needle'], prefix: false }])).toBe(`line one ${S}needle${E} end`);
  });

  it('null when no term occurs', () => {
    expect(buildSnippet('nothing here', [{ tokens: ['needle'], prefix: false }])).toBeNull();
  });
});
