/**
 * normalizeSpan / genaiBadge edge cases: value encodings (JSON string, structured, flattened),
 * malformed JSON, content-missing hints, kinds by priority, media, never throwing.
 */
import { describe, expect, it } from 'vitest';
import { CONTENT_CAPTURE_HINTS, normalizeSpan } from '../../../src/core/genai/normalize';
import { firstUserTextOfLog, firstUserTextOfSpan, genaiBadge, spanGenAiFacts } from '../../../src/core/genai/badge';
import { callFactsOf } from '../../../src/core/genai/callFacts';
import type { Attributes, AttributeValue } from '../../../src/model/trace';
import { logRecord, scopeInfo, spanEvent, spanRecord } from '../../support/builders';
import { summarize } from '../../support/genai';

const span = (attributes: Attributes, extra: Parameters<typeof spanRecord>[0] = {}) => spanRecord({ name: 'span', attributes, ...extra });

describe('normalizeSpan: value encodings', () => {
  const messages = [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }];

  it('gen_ai.input.messages as a JSON string or as a structured AnyValue read the same', () => {
    const asString = normalizeSpan(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': JSON.stringify(messages) }));
    const structured = normalizeSpan(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': messages as unknown as AttributeValue }));
    expect(asString!.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(structured!.inputMessages).toEqual(asString!.inputMessages);
  });

  it('OpenInference contents arrays (text + image) and flattened tool calls', () => {
    const view = normalizeSpan(
      span({
        'openinference.span.kind': 'LLM',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.type': 'text',
        'llm.input_messages.0.message.contents.0.message_content.text': 'What is in this picture?',
        'llm.input_messages.0.message.contents.1.message_content.type': 'image',
        'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://example.test/cat.png',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.contents.0.message_content.type': 'image',
        'llm.input_messages.1.message.contents.0.message_content.image.image.url': 'data:image/png;base64,AAAA',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'c1',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'zoom',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"x":1}',
        'llm.cost.total': 0.25,
      }),
    )!;
    expect(view.inputMessages![0]!.parts).toEqual([
      { type: 'text', content: 'What is in this picture?' },
      { type: 'media', partType: 'image', modality: 'image', uri: 'https://example.test/cat.png' },
    ]);
    // Inline bytes that are not a real image (AAAA = three zero bytes, no PNG signature) are not kept.
    expect(view.inputMessages![1]!.parts).toEqual([{ type: 'media', partType: 'image', modality: 'image', mimeType: 'image/png', sizeBytes: 3, note: 'inline data omitted' }]);
    expect(summarize(view.outputMessages)).toEqual(['assistant: tool_call zoom(c1) {"x":1}']);
    expect(view.reportedCostUsd).toBe(0.25);
  });

  it('OTel parts: reasoning, blob/uri/file media, unknown parts kept raw', () => {
    const view = normalizeSpan(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            finish_reason: 'stop',
            parts: [
              { type: 'reasoning', content: 'thinking…' },
              { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: 'QUJD' },
              { type: 'uri', modality: 'audio', uri: 'https://example.test/a.mp3' },
              { type: 'file', modality: 'document', file_id: 'file-1' },
              { type: 'server_tool_call', name: 'web_search', server_tool_call: { type: 'web_search' } },
            ],
          },
        ]),
      }),
    )!;
    expect(view.outputMessages![0]!.parts).toEqual([
      { type: 'reasoning', content: 'thinking…' },
      // QUJD is "ABC": not a JPEG, so only its size is kept.
      { type: 'media', partType: 'blob', modality: 'image', mimeType: 'image/jpeg', sizeBytes: 3, note: 'inline data omitted' },
      { type: 'media', partType: 'uri', modality: 'audio', uri: 'https://example.test/a.mp3' },
      { type: 'media', partType: 'file', modality: 'document', fileId: 'file-1' },
      { type: 'other', raw: { type: 'server_tool_call', name: 'web_search', server_tool_call: { type: 'web_search' } } },
    ]);
    expect(view.finishReasons).toEqual(['stop']);
  });

  it('Anthropic content blocks and OpenAI content parts inside OpenAI-style messages', () => {
    const view = normalizeSpan(
      span({
        'langfuse.observation.type': 'generation',
        'langfuse.observation.input': JSON.stringify([
          { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image_url', image_url: { url: 'https://example.test/x.png' } }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'tool_use', id: 'tu1', name: 'grep', input: { q: 'x' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: 'found' }] },
        ]),
      }),
    )!;
    expect(summarize(view.inputMessages)).toEqual([
      'user: Look + media image https://example.test/x.png',
      'assistant: reasoning hmm + tool_call grep(tu1) {"q":"x"}',
      'user: tool_result(tu1) found',
    ]);
  });

  it('int64 token counts above 2^53 arrive as strings and still count', () => {
    expect(normalizeSpan(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': 3 }))!.usage).toEqual({ inputTokens: 12, outputTokens: 3, totalTokens: 15 });
  });
});

describe('normalizeSpan: malformed values', () => {
  it('malformed JSON in a message attribute is kept raw with a note; the rest of the view is intact', () => {
    const view = normalizeSpan(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }]),
      }),
    )!;
    expect(view.rawValues).toEqual([
      { key: 'gen_ai.input.messages', raw: '[{"role":"user","parts":[{"type":"text","content":"hi"}', note: expect.stringMatching(/^not valid JSON \(.+\); shown as received$/) },
    ]);
    expect(view.inputMessages).toBeUndefined();
    expect(summarize(view.outputMessages)).toEqual(['assistant: hello']);
    expect(view.requestModel).toBe('gpt-4o');
    expect(view.contentMissing).toBeUndefined();
  });

  it('malformed JSON in Vercel tool calls, Langfuse usage and a log body', () => {
    const view = normalizeSpan(
      span({ 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'm', 'ai.response.text': 'ok', 'ai.response.toolCalls': '[{"toolCallId":', 'langfuse.observation.usage_details': '{oops' }),
      [logRecord({ eventName: 'gen_ai.user.message', body: '{"content": "unterminated' })],
    )!;
    expect(view.rawValues!.map((r) => r.key).sort()).toEqual(['ai.response.toolCalls', 'gen_ai.user.message', 'langfuse.observation.usage_details']);
    expect(summarize(view.outputMessages)).toEqual(['assistant: ok']);
  });

  it('never throws on odd values; returns null for non-GenAI spans', () => {
    const odd: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': 42,
      'gen_ai.output.messages': { not: 'a list' },
      'gen_ai.system_instructions': [null, 1, 'text'],
      'gen_ai.tool.definitions': 'not json',
      'llm.input_messages.x.message.role': 'user',
      'gen_ai.prompt.0.tool_calls': 'weird',
      events: '[1,2,{"event.name":"gen_ai.choice","message":null}]',
    };
    expect(() => normalizeSpan(span(odd), [logRecord({ eventName: 'gen_ai.choice', body: null })])).not.toThrow();
    expect(normalizeSpan(span({ 'http.method': 'GET' }))).toBeNull();
    expect(genaiBadge(span({ 'http.method': 'GET' }))).toBeUndefined();
  });
});

describe('normalizeSpan: content missing', () => {
  const usage = { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 };
  const cases: [string, Attributes, Parameters<typeof spanRecord>[0], string][] = [
    ['OTel GenAI', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...usage }, {}, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true'],
    ['OpenLLMetry', { 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-4o', ...usage }, { scope: scopeInfo({ name: '@traceloop/instrumentation-openai' }) }, 'TRACELOOP_TRACE_CONTENT=true'],
    ['OpenInference', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 10 }, {}, 'OPENINFERENCE_HIDE_INPUTS'],
    ['Vercel AI SDK', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o', 'ai.usage.inputTokens': 10 }, {}, 'recordInputs: true, recordOutputs: true'],
    ['Langfuse', { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'gpt-4o' }, {}, 'startObservation'],
    ['pydantic-ai', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...usage }, { scope: scopeInfo({ name: 'pydantic-ai' }) }, 'include_content=True'],
  ];
  it.each(cases)('%s: a model call with model/usage but no content gets contentMissing and the library hint', (_, attributes, extra, hint) => {
    const view = normalizeSpan(span(attributes, extra))!;
    expect(view.kind).toBe('llm');
    expect(view.contentMissing).toBe(true);
    expect(view.contentCaptureHint).toContain(hint);
  });

  it('tool and agent spans, and model calls with content, are not flagged', () => {
    expect(normalizeSpan(span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't' }))!.contentMissing).toBeUndefined();
    expect(normalizeSpan(span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a', ...usage }))!.contentMissing).toBeUndefined();
    expect(Object.keys(CONTENT_CAPTURE_HINTS)).toContain('otel-genai');
  });
});

describe('kinds, badges and ingest facts', () => {
  it('follows the §0 priority: langfuse type > openinference kind > operation name > traceloop kind > Vercel > tool attrs > model', () => {
    expect(genaiBadge(span({ 'langfuse.observation.type': 'tool', 'openinference.span.kind': 'LLM' }))!.kind).toBe('tool');
    expect(genaiBadge(span({ 'openinference.span.kind': 'RETRIEVER', 'gen_ai.operation.name': 'chat' }))!.kind).toBe('retriever');
    expect(genaiBadge(span({ 'gen_ai.operation.name': 'embeddings', 'traceloop.span.kind': 'task' }))!.kind).toBe('embeddings');
    expect(genaiBadge(span({ 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' }))).toEqual({ kind: 'agent', agentName: 'planner' });
    expect(genaiBadge(span({ 'llm.request.type': 'rerank' }))!.kind).toBe('reranker');
    expect(genaiBadge(spanRecord({ name: 'ai.embedMany.doEmbed', scope: scopeInfo({ name: 'ai' }), attributes: { 'ai.usage.tokens': 5 } }))).toEqual({ kind: 'embeddings', inputTokens: 5 });
    expect(genaiBadge(span({ 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.id': 'c' }))).toEqual({ kind: 'tool', toolName: 'search' });
    expect(genaiBadge(span({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 300 }))).toEqual({
      kind: 'llm', model: 'gpt-4o-mini', inputTokens: 1200, outputTokens: 300,
    });
    expect(genaiBadge(span({ 'gen_ai.operation.name': 'create_memory' }))!.kind).toBe('other');
  });

  it('spanGenAiFacts: session ids on any span (priority order), agent names only on agent spans', () => {
    expect(spanGenAiFacts(span({ 'http.route': '/', 'session.id': 's1' }))).toEqual({ modelCall: false, sessionId: 's1' });
    expect(spanGenAiFacts(span({ 'langfuse.session.id': 'lf', 'gen_ai.conversation.id': 'conv' }))!.sessionId).toBe('conv');
    expect(spanGenAiFacts(span({ 'ai.telemetry.metadata.sessionId': 'v' }))!.sessionId).toBe('v');
    // A model call is a first-user-message candidate only when it may carry its input itself.
    expect(spanGenAiFacts(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.agent.name': 'a' }))).toEqual({ modelCall: false, badge: { kind: 'llm' }, call: { modelCall: true, aggregate: false } });
    expect(spanGenAiFacts(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[]' }))!.modelCall).toBe(true);
    expect(spanGenAiFacts(span({ 'openinference.span.kind': 'LLM', 'llm.input_messages.0.message.role': 'user' }))!.modelCall).toBe(true);
    expect(spanGenAiFacts(span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a' }))!.agentName).toBe('a');
    expect(spanGenAiFacts(span({ 'http.route': '/' }))).toBeUndefined();
  });

  it('spanGenAiFacts reads the keys badge and cost facts share once, with the same results as genaiBadge and callFactsOf', () => {
    const cases: [Attributes, string?][] = [
      [{ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 }],
      [{ 'gen_ai.operation.name': 'chat', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.output_tokens': '7' }],
      // Anthropic's cache-exclusive input passed through (by scope), and proven by the counts.
      [{ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'anthropic', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 1, 'gen_ai.usage.cache_read_input_tokens': 100 }, '@traceloop/instrumentation-anthropic'],
      [{ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 1, 'gen_ai.usage.cache_creation.input_tokens': 20, 'gen_ai.usage.total_tokens': 521 }],
      // LangSmith's cache reads in a JSON detail attribute (not read for the badge).
      [{ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 5, 'gen_ai.usage.input_token_details': '{"cache_read":80}', 'gen_ai.usage.output_token_details': '{"reasoning":3}' }],
      // Langfuse usage_details only, with and without input/output.
      [{ 'langfuse.observation.type': 'generation', 'langfuse.observation.usage_details': '{"input":100,"output":20,"input_cached_tokens":50}' }],
      [{ 'langfuse.observation.type': 'generation', 'langfuse.observation.usage_details': '{"total":9}' }],
      // Vercel provider spelling and an outer (aggregate) span; an agent with usage.
      [{ 'ai.operationId': 'ai.generateText', 'ai.model.provider': 'openai.chat', 'ai.model.id': 'gpt-4o-mini', 'ai.usage.promptTokens': 3, 'ai.usage.completionTokens': 4 }, 'ai'],
      [{ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a', 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.reasoning.output_tokens': 1, 'gen_ai.usage.cost': 0.5 }],
      [{ 'gen_ai.tool.name': 't', 'llm.token_count.total': 12 }],
      [{ 'gen_ai.operation.name': 'embeddings', 'embedding.model_name': 'text-embedding-3-small', 'llm.provider': 'openai', 'ai.usage.tokens': 'x' }],
    ];
    for (const [attributes, scopeName] of cases) {
      const s = span(attributes, scopeName ? { scope: scopeInfo({ name: scopeName }) } : {});
      const facts = spanGenAiFacts(s)!;
      expect(facts.badge, JSON.stringify(attributes)).toEqual(genaiBadge(s));
      expect(facts.call, JSON.stringify(attributes)).toEqual(callFactsOf(s));
    }
  });

  it('first user text of a span, from each input form, shortened to 120 characters', () => {
    const long = 'word '.repeat(60);
    expect(firstUserTextOfSpan(span({ 'gen_ai.input.messages': JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: 'sys' }] }, { role: 'user', parts: [{ type: 'text', content: long }] }]) }))).toHaveLength(120);
    expect(firstUserTextOfSpan(span({ 'llm.input_messages.0.message.role': 'system', 'llm.input_messages.0.message.content': 's', 'llm.input_messages.1.message.role': 'user', 'llm.input_messages.1.message.content': 'oi' }))).toBe('oi');
    expect(firstUserTextOfSpan(span({ 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'legacy' }))).toBe('legacy');
    expect(firstUserTextOfSpan(span({ 'ai.prompt': JSON.stringify({ system: 's', prompt: 'vercel  outer\n prompt' }) }))).toBe('vercel outer prompt');
    expect(firstUserTextOfSpan(span({ 'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'inner' }] }]) }))).toBe('inner');
    expect(firstUserTextOfSpan(span({}, { events: [spanEvent({ name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'evt' }]) } })] }))).toBe('evt');
    expect(firstUserTextOfSpan(span({ events: JSON.stringify([{ 'event.name': 'gen_ai.user.message', content: 'pyd' }]) }))).toBe('pyd');
    expect(firstUserTextOfSpan(span({ 'input.value': JSON.stringify({ messages: [{ role: 'user', content: 'body' }] }) }))).toBe('body');
    expect(firstUserTextOfSpan(span({ 'gen_ai.request.model': 'm' }))).toBeUndefined();
    expect(firstUserTextOfLog(logRecord({ eventName: 'gen_ai.user.message', body: { content: 'from log' } }))).toBe('from log');
    expect(firstUserTextOfLog(logRecord({ eventName: 'gen_ai.choice', body: { content: 'no' } }))).toBeUndefined();
  });
});
