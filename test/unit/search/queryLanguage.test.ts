/**
 * The query language parser (src/core/search/queryLanguage.ts): valid queries and what they mean,
 * invalid ones with the message and the offset a user is shown, and the edge cases of typing a
 * query character by character. Expected values are written out by hand from the grammar.
 */
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_CHARS, parseTraceQuery, type ParseResult, type TraceQuery } from '../../../src/core/search/queryLanguage';

function ok(text: string): TraceQuery {
  const r = parseTraceQuery(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${r.error} @${r.offset}`);
  return r.query;
}

function err(text: string): Extract<ParseResult, { ok: false }> {
  const r = parseTraceQuery(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(r.query)}`);
  return r;
}

/** Conditions without their `text`/`offset`, for compact expectations. */
function conditions(text: string): unknown[] {
  return ok(text).conditions.map(({ text: _t, offset: _o, ...c }) => c);
}

describe('free text', () => {
  it('words are folded to lower case; the last word is a prefix while typing', () => {
    const q = ok('Weather TIMEout');
    expect(q.conditions).toEqual([]);
    expect(q.terms).toEqual([
      { tokens: ['weather'], quoted: false, prefix: false, exclude: false, text: 'Weather', offset: 0 },
      { tokens: ['timeout'], quoted: false, prefix: true, exclude: false, text: 'TIMEout', offset: 8 },
    ]);
  });

  it('a trailing space ends the word: no prefix', () => {
    expect(ok('time ').terms[0]!.prefix).toBe(false);
    expect(ok('time').terms[0]!.prefix).toBe(true);
  });

  it('a short last word (under 3 characters) is matched whole, not as a prefix', () => {
    expect(ok('ti').terms[0]).toMatchObject({ tokens: ['ti'], prefix: false });
    expect(ok('tim').terms[0]).toMatchObject({ tokens: ['tim'], prefix: true });
  });

  it('quoted phrases keep their words in order, never as a prefix, and may hold spaces', () => {
    const q = ok('"ticket ZX-4711"');
    expect(q.terms).toEqual([{ tokens: ['ticket', 'zx', '4711'], quoted: true, prefix: false, exclude: false, text: '"ticket ZX-4711"', offset: 0 }]);
  });

  it('a word with punctuation is the phrase of its parts', () => {
    expect(ok('ZX-4711 ').terms[0]!.tokens).toEqual(['zx', '4711']);
    expect(ok('api.example.test ').terms[0]!.tokens).toEqual(['api', 'example', 'test']);
  });

  it('-word and -"phrase" exclude', () => {
    const q = ok('error -timeout -"rate limit"');
    expect(q.conditions.map((c) => c.kind)).toEqual(['error']);
    expect(q.terms.map((t) => [t.tokens, t.exclude, t.offset])).toEqual([
      [['timeout'], true, 6],
      [['rate', 'limit'], true, 15],
    ]);
  });

  it('Unicode: accents and case are folded; non-Latin scripts are words', () => {
    expect(ok('Café Zürich ').terms.map((t) => t.tokens)).toEqual([['cafe'], ['zurich']]);
    expect(ok('日本語 Ελληνικά Σ ').terms.map((t) => t.tokens)).toEqual([['日本語'], ['ελληνικά'], ['σ']]);
  });

  it('"error" quoted is text; error bare is the condition', () => {
    expect(ok('"error"').terms[0]!.tokens).toEqual(['error']);
    expect(ok('"error"').conditions).toEqual([]);
    expect(conditions('error')).toEqual([{ kind: 'error' }]);
    expect(conditions('ERROR is:error')).toEqual([{ kind: 'error' }, { kind: 'error' }]);
  });

  it('a word ending in a colon is text (pasted "Error: connection refused")', () => {
    const q = ok('Error: connection refused');
    expect(q.conditions).toEqual([]);
    expect(q.terms.map((t) => t.tokens)).toEqual([['error'], ['connection'], ['refused']]);
  });

  it('a time like 12:30 is text', () => {
    expect(ok('12:30 ').terms[0]!.tokens).toEqual(['12', '30']);
  });
});

describe('conditions', () => {
  it('the issue example parses into its conditions and one phrase', () => {
    const q = ok('error model:gpt-4o-mini service:checkout cost>0.01 duration>2s tokens>10000 session:abc user:u-7 tool:get_weather "timeout"');
    expect(q.conditions.map(({ text: _t, offset: _o, ...c }) => c)).toEqual([
      { kind: 'error' },
      { kind: 'model', prefix: 'gpt-4o-mini' },
      { kind: 'service', prefix: 'checkout' },
      { kind: 'cost', op: '>', value: 0.01 },
      { kind: 'duration', op: '>', value: 2000 },
      { kind: 'tokens', op: '>', value: 10000 },
      { kind: 'session', id: 'abc' },
      { kind: 'user', id: 'u-7' },
      { kind: 'tool', prefix: 'get_weather' },
    ]);
    expect(q.terms.map((t) => t.tokens)).toEqual([['timeout']]);
  });

  it('names are case-insensitive; name values are lower-cased prefixes; ids are kept exactly', () => {
    expect(conditions('Model:GPT-4o Agent:Planner SESSION:AbC user:U-7')).toEqual([
      { kind: 'model', prefix: 'gpt-4o' },
      { kind: 'agent', prefix: 'planner' },
      { kind: 'session', id: 'AbC' },
      { kind: 'user', id: 'U-7' },
    ]);
  });

  it('values may be quoted (spaces inside)', () => {
    expect(conditions('service:"checkout api" attr:http.route="/api/v1 x"')).toEqual([
      { kind: 'service', prefix: 'checkout api' },
      { kind: 'attr', key: 'http.route', value: '/api/v1 x' },
    ]);
  });

  it('cost>0.01, cost<$1, tokens>=10k, tokens<=2m', () => {
    expect(conditions('cost>0.01 cost<$1 tokens>=10k tokens<=2m')).toEqual([
      { kind: 'cost', op: '>', value: 0.01 },
      { kind: 'cost', op: '<', value: 1 },
      { kind: 'tokens', op: '>=', value: 10_000 },
      { kind: 'tokens', op: '<=', value: 2_000_000 },
    ]);
  });

  it('duration>1.5s, duration<500ms, duration>2m, duration>=1h (in milliseconds)', () => {
    expect(conditions('duration>1.5s duration<500ms duration>2m duration>=1h')).toEqual([
      { kind: 'duration', op: '>', value: 1500 },
      { kind: 'duration', op: '<', value: 500 },
      { kind: 'duration', op: '>', value: 120_000 },
      { kind: 'duration', op: '>=', value: 3_600_000 },
    ]);
  });

  it('last:15m, last:2h, last:7d, last:30s, last:1w (window in milliseconds)', () => {
    expect(conditions('last:15m last:2h last:7d last:30s last:1w')).toEqual([
      { kind: 'last', windowMs: 900_000 },
      { kind: 'last', windowMs: 7_200_000 },
      { kind: 'last', windowMs: 604_800_000 },
      { kind: 'last', windowMs: 30_000 },
      { kind: 'last', windowMs: 604_800_000 },
    ]);
  });

  it('kind:, trace:, attr:key and attr:key=value', () => {
    expect(conditions('kind:LLM kind:tool trace:4BF92F attr:retry attr:http.response.status_code=500')).toEqual([
      { kind: 'genaiKind', genaiKind: 'llm' },
      { kind: 'genaiKind', genaiKind: 'tool' },
      { kind: 'trace', prefix: '4bf92f' },
      { kind: 'attr', key: 'retry' },
      { kind: 'attr', key: 'http.response.status_code', value: '500' },
    ]);
  });

  it('repeated conditions are all kept (each must hold)', () => {
    expect(conditions('duration>1s duration<5s model:gpt model:gpt-4o')).toEqual([
      { kind: 'duration', op: '>', value: 1000 },
      { kind: 'duration', op: '<', value: 5000 },
      { kind: 'model', prefix: 'gpt' },
      { kind: 'model', prefix: 'gpt-4o' },
    ]);
  });

  it('a condition keeps its text and offset', () => {
    const q = ok('  hello model:x');
    expect(q.conditions[0]).toMatchObject({ text: 'model:x', offset: 8 });
    expect(q.terms[0]).toMatchObject({ text: 'hello', offset: 2 });
  });
});

describe('invalid queries: message and offset', () => {
  it.each([
    ['duration>2x', 'duration>2x: unknown unit "x" (use ms, s, m, h)', 10],
    ['duration>2', 'duration>2: missing unit (use ms, s, m, h)', 10],
    ['duration>fast', 'duration>fast: expected a number after "duration>"', 9],
    ['last:15x', 'last:15x: unknown unit "x" (use s, m, h, d, w)', 7],
    ['last:15', 'last:15: missing unit (use s, m, h, d, w)', 7],
    ['cost>0.01usd', 'cost>0.01usd: cost is in USD, without a unit (for example cost>0.01)', 9],
    ['tokens>10q', 'tokens>10q: unknown unit "q" (use a plain number, k or m)', 9],
    ['duration>$2s', 'duration>$2s: "$" is only for cost', 9],
    ['cost=1', 'cost=1: use > or < (for example cost>0.01)', 4],
    ['cost:1', 'cost: use > or < (for example cost>0.01)', 4],
    ['kind:robot', 'kind:robot: unknown kind (use llm, embeddings, tool, agent, workflow, retriever, reranker, guardrail, evaluator, other)', 5],
    ['trace:xyz', 'trace:xyz: expected up to 32 hex digits of a trace id', 6],
    ['is:slow', 'is:slow: only is:error is known', 3],
    ['model:', 'model: needs a value (for example model:gpt-4o)', 6],
    ['attr:', 'attr: needs a key (for example attr:http.route=/api or attr:http.route)', 5],
    ['attr:key=', 'attr:key=: needs a value (or write attr:key to test that the attribute exists)', 9],
    ['attr:...', 'attr:...: the key needs a letter or digit', 5],
  ])('%s', (text, message, offset) => {
    expect(err(text)).toEqual({ ok: false, error: message, offset });
  });

  it('an unknown field names the fields and how to search the text instead', () => {
    const r = err('foo http://example.com');
    expect(r.offset).toBe(4);
    expect(r.error).toBe('unknown field "http" (fields: error, model, service, session, user, tool, agent, kind, attr, last, trace, cost, duration, tokens); to search the text, quote it: "http://example.com"');
  });

  it('an unclosed quote points at the quote', () => {
    expect(err('timeout "rate limit')).toEqual({ ok: false, error: 'unclosed quote: add a closing " to end the phrase', offset: 8 });
    expect(err('service:"check')).toMatchObject({ offset: 8 });
  });

  it('"-" alone, or before a condition', () => {
    expect(err('foo -')).toEqual({ ok: false, error: '"-" must be followed by a word or "phrase" to exclude', offset: 4 });
    expect(err('-error')).toEqual({ ok: false, error: '-error: conditions cannot be excluded with "-"; to exclude the text, quote it: -"error"', offset: 0 });
  });

  it('a word with nothing to search for (no letter or digit)', () => {
    expect(err('foo ---- bar')).toEqual({ ok: false, error: '----: nothing to search for (a word needs a letter or digit)', offset: 4 });
    expect(err('🙂')).toMatchObject({ offset: 0 });
  });

  it('a query longer than the limit', () => {
    expect(err('a'.repeat(MAX_QUERY_CHARS + 1))).toMatchObject({ offset: MAX_QUERY_CHARS });
  });
});

describe('edge cases', () => {
  it('empty and only whitespace: no terms, no conditions (everything matches)', () => {
    expect(ok('')).toEqual({ terms: [], conditions: [] });
    expect(ok('  \t \n ')).toEqual({ terms: [], conditions: [] });
  });

  it('typing "cost>0.01" character by character: errors until the number is there', () => {
    expect(parseTraceQuery('cost').ok).toBe(true); // a word for now
    expect(parseTraceQuery('cost>').ok).toBe(false);
    expect(conditions('cost>0')).toEqual([{ kind: 'cost', op: '>', value: 0 }]);
    expect(conditions('cost>0.')).toEqual([{ kind: 'cost', op: '>', value: 0 }]);
    expect(conditions('cost>.5')).toEqual([{ kind: 'cost', op: '>', value: 0.5 }]);
    expect(conditions('cost>0.01')).toEqual([{ kind: 'cost', op: '>', value: 0.01 }]);
  });

  it('"--x" excludes the word x', () => {
    expect(ok('--x').terms).toEqual([{ tokens: ['x'], quoted: false, prefix: false, exclude: true, text: '--x', offset: 0 }]);
  });

  it('a non-string is refused', () => {
    expect(parseTraceQuery(undefined as unknown as string)).toEqual({ ok: false, error: 'the query must be text', offset: 0 });
  });
});
