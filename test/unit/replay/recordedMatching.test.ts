/**
 * The pure parts of the recorded-response server: reading incoming request bodies (OpenAI Chat
 * Completions and Anthropic Messages shapes from the API references), the comparable form,
 * matching by position and content with its differences, and the divergence report.
 */
import { describe, expect, it } from 'vitest';
import { parseIncomingRequest, type IncomingRequest } from '../../../src/core/replay/recorded/incoming';
import { canonicalResult, changedSpan, comparableConversation } from '../../../src/core/replay/recorded/comparable';
import { MAX_DIFFERENCES, RecordedCallMatcher, sameModel } from '../../../src/core/replay/recorded/matching';
import { divergenceReport } from '../../../src/core/replay/recorded/report';
import type { RecordedCall, ServedRequest } from '../../../src/model/replay';
import type { SpanId } from '../../../src/model/ids';
import { QUESTION, SYSTEM, WEATHER, openAICalls } from './recordedSupport';

function openai(body: unknown): IncomingRequest {
  const r = parseIncomingRequest('openai', body);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function anthropic(body: unknown): IncomingRequest {
  const r = parseIncomingRequest('anthropic', body);
  if ('error' in r) throw new Error(r.error);
  return r;
}

/** A recorded call with user text `text` answering `answer`. */
function call(index: number, text: string, answer: string, extra: Partial<RecordedCall> = {}): RecordedCall {
  return {
    index,
    spanId: `${index}`.padStart(16, 'c') as SpanId,
    spanName: `chat ${index}`,
    kind: 'openai',
    requestModel: 'gpt-4o-mini',
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: text }] }],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: answer }] }],
    toolNames: [],
    ...extra,
  };
}

const ask = (text: string, model = 'gpt-4o-mini'): IncomingRequest => openai({ model, messages: [{ role: 'user', content: text }] });

describe('parseIncomingRequest', () => {
  it('OpenAI: system and developer messages become the system; content parts, tool calls, tool messages, tools, stream options', () => {
    const r = openai({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: SYSTEM }] },
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: WEATHER },
      ],
    });
    expect(r.model).toBe('gpt-4o-mini');
    expect(r.stream).toBe(true);
    expect(r.includeUsage).toBe(true);
    expect(r.toolNames).toEqual(['get_weather']);
    expect(r.system).toEqual([
      { type: 'text', content: 'Be brief.' },
      { type: 'text', content: SYSTEM },
    ]);
    expect(r.messages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: WEATHER }] },
    ]);
  });

  it('Anthropic: system string or blocks, tool_use / tool_result blocks, tools by name', () => {
    const r = anthropic({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: WEATHER }] },
      ],
    });
    expect(r.system).toEqual([{ type: 'text', content: SYSTEM }]);
    expect(r.toolNames).toEqual(['get_weather']);
    expect(r.stream).toBe(false);
    expect(r.messages[1]).toEqual({ role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] });
    // The tool result's message role is `user` (as sent) or `tool` (one message per result): the comparable form treats both alike.
    expect(r.messages[2]!.parts).toEqual([{ type: 'tool_call_response', id: 'toolu_1', response: WEATHER }]);
    expect(comparableConversation(r.system, r.messages).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(anthropic({ model: 'm', system: SYSTEM, messages: [] }).system).toEqual([{ type: 'text', content: SYSTEM }]);
  });

  it('bodies that are not requests are errors with a reason', () => {
    expect(parseIncomingRequest('openai', [])).toEqual({ error: expect.stringContaining('not a JSON object') });
    expect(parseIncomingRequest('anthropic', { model: 'm' })).toEqual({ error: expect.stringMatching(/no "?messages"? array/) });
  });
});

describe('comparable form', () => {
  it('OpenAI and Anthropic shapes of the same turn compare equal (ids, whitespace, key order, result blocks ignored)', () => {
    const openAIRequest = openai({
      model: 'm',
      messages: [
        { role: 'system', content: `  ${SYSTEM}\n` },
        { role: 'user', content: 'What is  the weather\nin Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris", "unit": "c"}' } }, { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: WEATHER },
        { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
      ],
    });
    const fromOpenAI = comparableConversation(openAIRequest.system, openAIRequest.messages);
    const fromAnthropic = anthropic({
      model: 'm',
      system: SYSTEM,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x', name: 'get_weather', input: { unit: 'c', city: 'Paris' } }, { type: 'tool_use', id: 'toolu_y', name: 'get_time', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: [{ type: 'text', text: '{"condition":"sunny","city":"Paris","temperature_c":18}' }] }, { type: 'tool_result', tool_use_id: 'toolu_y', content: '12:00' }] },
      ],
    });
    const a = comparableConversation(fromAnthropic.system, fromAnthropic.messages);
    expect(a).toEqual(fromOpenAI);
    expect(a.system).toBe(SYSTEM);
    expect(a.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(a.messages[1]!.toolCalls).toEqual([
      { name: 'get_weather', args: '{"city":"Paris","unit":"c"}' },
      { name: 'get_time', args: '{}' },
    ]);
  });

  it('tool results: JSON text, objects and text blocks share one form; plain text is whitespace-collapsed', () => {
    expect(canonicalResult(WEATHER)).toBe(canonicalResult({ temperature_c: 18, condition: 'sunny', city: 'Paris' }));
    expect(canonicalResult([{ type: 'text', content: WEATHER }])).toBe(canonicalResult(WEATHER));
    expect(canonicalResult(' sunny \n and warm ')).toBe('sunny and warm');
    expect(canonicalResult(null)).toBe('');
  });

  it('changedSpan quotes the changed words, recorded → re-run', () => {
    expect(changedSpan('What is the weather in Paris?', 'What is the weather in Lyon?')).toBe("'Paris' → 'Lyon'");
    expect(changedSpan('weather in Paris', 'weather in Parma')).toBe("'Paris' → 'Parma'");
    expect(changedSpan('the weather in Paris', 'the weather in Paris today')).toBe("'Paris' → 'Paris today'");
    expect(changedSpan('a b c', 'a c')).toBe("'a b' → 'a'");
    expect(changedSpan('{"city":"Paris"}', '{"city":"Lyon"}')).toBe("'Paris' → 'Lyon'");
    const long = changedSpan(`x ${'a'.repeat(100)}`, 'x b');
    expect(long).toBe(`'${'a'.repeat(60)}…' → 'b'`);
  });

  it('sameModel: an alias agrees with its dated snapshots, not with another model', () => {
    expect(sameModel('gpt-4o-mini', 'gpt-4o-mini-2024-07-18')).toBe(true);
    expect(sameModel('claude-sonnet-4-5-20250929', 'claude-sonnet-4-5')).toBe(true);
    expect(sameModel('claude-sonnet-4-5@20250929', 'claude-sonnet-4-5')).toBe(true);
    expect(sameModel('gpt-4-0613', 'GPT-4')).toBe(true);
    expect(sameModel('gpt-4o', 'gpt-4o-mini')).toBe(false);
    expect(sameModel('gpt-4o', 'gpt-4o-mini-2024-07-18')).toBe(false);
    expect(sameModel('claude-3-5', 'claude-3-5-sonnet')).toBe(false);
  });
});

describe('RecordedCallMatcher', () => {
  it('position: request k agrees with the call after the last one matched', () => {
    const calls = openAICalls();
    const m = new RecordedCallMatcher(calls);
    const first = openai({ model: 'gpt-4o-mini', tools: [{ type: 'function', function: { name: 'get_weather' } }], messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }] });
    expect(m.match(first, { nextPosition: 0, served: new Set() })).toEqual({ match: 'position', position: 0, expectedPosition: 0, differences: [] });
  });

  it('tolerates the app adding its previous answer when the recording left it out, but not another assistant message', () => {
    const calls = [call(0, 'Hi', 'Hello! How can I help?'), call(1, 'Weather?', 'Sunny.', { inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }, { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }] })];
    const m = new RecordedCallMatcher(calls);
    const withAnswer = openai({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!  How can I help?' }, { role: 'user', content: 'Weather?' }] });
    expect(m.compare(withAnswer, 1)).toEqual({ agrees: true, differences: [] });
    const other = openai({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Something else' }, { role: 'user', content: 'Weather?' }] });
    expect(m.compare(other, 1)).toEqual({
      agrees: false,
      differences: ["message 2: role user → assistant", "message 2 (assistant): text differs: 'Weather?' → 'Something else'", '1 more message than recorded (from message 3, user)'],
    });
  });

  it('content: a request found elsewhere in the recording, with the differences from the call expected at this position', () => {
    const calls = [call(0, 'one', 'A'), call(1, 'two', 'B'), call(2, 'three', 'C')];
    const m = new RecordedCallMatcher(calls);
    const outcome = m.match(ask('three'), { nextPosition: 0, served: new Set() });
    expect(outcome).toEqual({
      match: 'content',
      position: 2,
      expectedPosition: 0,
      differences: ['matched recorded call 2 by content instead of call 0, expected at this position', "message 1 (user): text differs: 'one' → 'three'"],
    });
    // Later calls are preferred; earlier unserved ones are still found.
    expect(m.match(ask('one'), { nextPosition: 3, served: new Set([2]) })).toMatchObject({ match: 'content', position: 0 });
    // Served calls are not offered again; neither are calls the server excludes (after the live point).
    expect(m.match(ask('three'), { nextPosition: 0, served: new Set([2]) })).toMatchObject({ match: 'none', expectedPosition: 0 });
    expect(m.match(ask('three'), { nextPosition: 0, served: new Set() }, (p) => p < 2)).toMatchObject({ match: 'none' });
  });

  it('none: differences name model, messages, tool calls and results; past the end the recording size', () => {
    const calls = openAICalls();
    const m = new RecordedCallMatcher(calls);
    const request = openai({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are a weather assistant.' },
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } }] },
        { role: 'tool', tool_call_id: 'x', content: '{"city":"Lyon","temperature_c":18,"condition":"sunny"}' },
      ],
    });
    expect(m.match(request, { nextPosition: 1, served: new Set([0]) })).toEqual({
      match: 'none',
      expectedPosition: 1,
      differences: [
        'model gpt-4o-mini → gpt-4o',
        "system instructions differ: 'a helpful' → 'a'",
        "message 2 (assistant): get_weather arguments differ: 'Paris' → 'Lyon'",
        "message 3 (tool): tool result differs: 'Paris' → 'Lyon'",
        'tools offered differ (not used for matching): − get_weather',
      ],
    });
    expect(m.match(ask('x'), { nextPosition: 2, served: new Set([0, 1]) })).toEqual({ match: 'none', differences: ['no recorded call at this position: the recording has 2 model calls'] });
    const fewer = openai({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }, { role: 'assistant', content: 'no tools' }] });
    expect(m.compare(fewer, 1).differences).toEqual([
      "message 2 (assistant): text added: 'no tools'",
      'message 2 (assistant): tool calls differ: get_weather → (none)',
      '1 message fewer than recorded (from message 3, tool)',
      'tools offered differ (not used for matching): − get_weather',
    ]);
  });

  it('a recorded call without content (capture off) agrees by position on the model only, and is never found by content', () => {
    const m = new RecordedCallMatcher([call(0, 'x', 'A', { inputMessages: [] }), call(1, 'y', 'B', { inputMessages: [] })]);
    expect(m.match(ask('anything'), { nextPosition: 0, served: new Set() })).toMatchObject({ match: 'position', position: 0 });
    expect(m.match(ask('anything', 'gpt-4o'), { nextPosition: 0, served: new Set() })).toEqual({ match: 'none', expectedPosition: 0, differences: ['model gpt-4o-mini → gpt-4o'] });
  });

  it(`lists at most ${MAX_DIFFERENCES} differences`, () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ role: 'user', parts: [{ type: 'text' as const, content: `line ${i}` }] }));
    const m = new RecordedCallMatcher([call(0, '', '', { inputMessages: many })]);
    const request = openai({ model: 'gpt-4o-mini', messages: many.map((_, i) => ({ role: 'user', content: `row ${i}` })) });
    const differences = m.compare(request, 0).differences;
    expect(differences).toHaveLength(MAX_DIFFERENCES);
    expect(differences[MAX_DIFFERENCES - 1]).toBe('… and 5 more differences');
  });
});

describe('divergenceReport', () => {
  const calls = [call(0, 'one', 'A'), call(1, 'two', 'B'), call(2, 'three', 'C')];
  const base = { api: 'openai' as const, model: 'gpt-4o-mini', status: 200, streamed: false };

  it('summary, one row per request, the differences, and the calls never requested', () => {
    const served: ServedRequest[] = [
      { ...base, requestIndex: 0, comparedCallIndex: 0, matchedCallIndex: 0, match: 'position', servedFrom: 'recording', differences: [] },
      { ...base, requestIndex: 1, comparedCallIndex: 1, match: 'none', servedFrom: 'live', differences: ["message 1 (user): text differs: 'two' → 'deux'"], streamed: true },
      { ...base, requestIndex: 2, api: 'anthropic', model: 'claude|x', match: 'none', servedFrom: 'error', status: 400, differences: ['no recorded call at this position: the recording has 3 model calls'], note: 'Trace Lens replay: request 2 of the re-run matches no recorded call' },
    ];
    const report = divergenceReport(served, calls);
    expect(report).toBe(
      [
        '# Re-run against recorded responses',
        '',
        '3 model requests: 1 answered from the recording, 1 live, 1 error.',
        '',
        'The re-run followed the recording through request 0; request 1 is the first that does not match the recorded call at its position.',
        '',
        '| Request | API | Model | Answered by | Match | Status |',
        '|---|---|---|---|---|---|',
        '| 0 | OpenAI | gpt-4o-mini | recorded call 0 `chat 0` | position | 200 |',
        '| 1 | OpenAI (stream) | gpt-4o-mini | live provider | none | 200 |',
        '| 2 | Anthropic | claude\\|x | error | none | 400 |',
        '',
        '## Differences',
        '',
        'Recorded → re-run. Messages are counted from 1 after the system instructions.',
        '',
        '**Request 1** (compared with recorded call 1 `chat 1`):',
        '',
        "- message 1 (user): text differs: 'two' → 'deux'",
        '',
        '**Request 2**:',
        '',
        '- no recorded call at this position: the recording has 3 model calls',
        '- Trace Lens replay: request 2 of the re-run matches no recorded call',
        '',
        '## Recorded calls not requested',
        '',
        '- recorded call 2 `chat 2` (gpt-4o-mini)',
        '',
      ].join('\n'),
    );
  });

  it('a run that followed the recording, and one with no request yet', () => {
    const served: ServedRequest[] = calls.map((c, i) => ({ ...base, requestIndex: i, comparedCallIndex: c.index, matchedCallIndex: c.index, match: 'position', servedFrom: 'recording', differences: [] }));
    const report = divergenceReport(served, calls);
    expect(report).toContain('3 model requests: 3 answered from the recording, 0 live, 0 errors.');
    expect(report).toContain('The re-run followed the recording: every request matched the recorded call at its position.');
    expect(report).not.toContain('## Differences');
    expect(report).not.toContain('not requested');
    expect(divergenceReport([], calls)).toContain('No model request has arrived yet (3 recorded model calls).');
  });
});
