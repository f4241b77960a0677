/**
 * Request reconstruction on spans built for one rule each: media, cut values, structured output
 * in each convention's form, tool choice, streaming, provider → wire kind, system and tool-result
 * placement, parameter names, content by reference, the details log event. Expected values come
 * from the conventions (docs/genai-conventions.md §1.3–1.7, §2.2, §3.2, §4.2) and the providers'
 * request formats, not from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { replayRequestOf } from '../../../src/core/replay/request';
import { replayKindOf } from '../../../src/core/replay/providerKind';
import { LIMIT_MARKER_KEY, truncateValue } from '../../../src/model/limits';
import type { ReplayRequest } from '../../../src/model/replay';
import type { Attributes, LogRecordInfo } from '../../../src/model/trace';
import { logRecord, spanRecord } from '../../support/builders';
import { lines } from './support';

/** A 1×1 PNG (signature + IHDR), base64. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function request(attributes: Attributes, logs: LogRecordInfo[] = [], name = 'chat gpt-4o'): ReplayRequest {
  const span = spanRecord({ name, kind: 'client', attributes: { 'gen_ai.operation.name': 'chat', ...attributes } });
  const bound = logs.map((l) => ({ ...l, traceId: span.traceId, spanId: span.spanId }));
  const view = normalizeSpan(span, bound);
  if (!view) throw new Error('not a GenAI span');
  return replayRequestOf(span, view, bound);
}

const user = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
const gap = (r: ReplayRequest, field: string) => r.missing.filter((g) => g.field === field).map((g) => g.note);

describe('media', () => {
  it('sends checked inline images as they are; flags images by URL, by file id, and media recorded without bytes', () => {
    const r = request({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.provider.name': 'openai',
      'gen_ai.input.messages': JSON.stringify([
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'Describe these' },
            { type: 'blob', modality: 'image', mime_type: 'image/png', content: PNG },
            { type: 'uri', modality: 'image', uri: 'https://example.com/cat.jpg' },
            { type: 'file', modality: 'image', file_id: 'file-abc' },
            { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=' },
          ],
        },
      ]),
    });
    expect(lines(r.messages)).toEqual(['user: Describe these | media image inline | media image https://example.com/cat.jpg | media image file-abc | media audio ']);
    expect(gap(r, 'media')).toEqual([expect.stringContaining('by URL only'), expect.stringContaining('provider file id'), expect.stringContaining('without their bytes or a URL')]);
  });
});

describe('values cut by the store limits', () => {
  it('flags a message cut with the truncation marker, and attributes dropped at ingest', () => {
    const long = truncateValue('x'.repeat(500), 100);
    const r = request({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: long }] }] as never, [LIMIT_MARKER_KEY]: '[Trace Lens did not keep 12 attributes]' });
    expect(gap(r, 'truncated')).toHaveLength(2);
    expect(gap(r, 'truncated')[0]).toContain('traceLens.store.maxAttributeValueLength');
  });

  it('flags messages that could not be parsed (a JSON string cut in the middle)', () => {
    const r = request({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 5, 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hel' });
    expect(r.messages).toEqual([]);
    expect(gap(r, 'messages')[0]).toContain('gen_ai.input.messages');
  });
});

describe('structured output (response format)', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('OpenInference llm.invocation_parameters.response_format is kept as sent', () => {
    const format = { type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } };
    const r = request({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o', response_format: format, tool_choice: 'required' }), 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'hi' });
    expect(r.responseFormat).toEqual(format);
    expect(r.toolChoice).toBe('required');
  });

  it('gen_ai.output.type json → JSON mode; image → flagged (a chat request cannot replay it)', () => {
    expect(request({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.output.type': 'json', 'gen_ai.input.messages': JSON.stringify([user('hi')]) }).responseFormat).toEqual({ type: 'json_object' });
    const image = request({ 'gen_ai.request.model': 'gpt-image-1', 'gen_ai.output.type': 'image', 'gen_ai.input.messages': JSON.stringify([user('a cat')]) });
    expect(image.responseFormat).toBeUndefined();
    expect(gap(image, 'responseFormat')[0]).toContain('image');
  });

  it('Vercel ai.schema (+ name, description) and OpenLLMetry gen_ai.request.structured_output_schema become a JSON schema format', () => {
    const vercel = request({ 'ai.operationId': 'ai.generateObject.doGenerate', 'ai.model.id': 'gpt-4o', 'ai.model.provider': 'openai.chat', 'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Paris?' }] }]), 'ai.schema': JSON.stringify(schema), 'ai.schema.name': 'weather', 'ai.schema.description': 'The weather' }, [], 'ai.generateObject.doGenerate');
    expect(vercel.responseFormat).toEqual({ type: 'json_schema', json_schema: { name: 'weather', description: 'The weather', schema } });
    const tl = request({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.structured_output_schema': JSON.stringify(schema), 'gen_ai.input.messages': JSON.stringify([user('hi')]) });
    expect(tl.responseFormat).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
    expect(tl.parameters).toEqual({}); // not a parameter
  });

  it('an Anthropic body with output_config.format (recorded in input.value) → OpenAI form; effort kept as an Anthropic setting', () => {
    const body = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], output_config: { format: { type: 'json_schema', schema }, effort: 'low' }, thinking: { type: 'enabled', budget_tokens: 2048 } };
    const r = request({ 'openinference.span.kind': 'LLM', 'llm.provider': 'anthropic', 'input.value': JSON.stringify(body), 'input.mime_type': 'application/json', 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'hi' });
    expect(r.responseFormat).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
    expect(r.providerParameters).toEqual({ thinking: body.thinking, output_config: { effort: 'low' } });
    expect(r.providerParametersKind).toBe('anthropic');
    expect(r.parameters).toEqual({ max_tokens: 100 });
  });

  it('Vercel object output without a recorded schema is flagged', () => {
    const r = request({ 'ai.operationId': 'ai.generateObject.doGenerate', 'ai.model.id': 'gpt-4o', 'ai.model.provider': 'openai.chat', 'ai.settings.output': 'object', 'ai.prompt.messages': JSON.stringify([{ role: 'user', content: 'x' }]) }, [], 'ai.generateObject.doGenerate');
    expect(gap(r, 'responseFormat')).toHaveLength(1);
  });
});

describe('parameters', () => {
  it('canonical names, stop as a list, n → choice.count; objects as provider settings; credentials never read', () => {
    const r = request({
      'openinference.span.kind': 'LLM',
      'llm.provider': 'openai',
      'llm.model_name': 'o3-mini',
      'llm.invocation_parameters': JSON.stringify({ model: 'o3-mini', max_completion_tokens: 50, stop: 'END', n: 2, seed: 7, api_key: 'sk-secret-value', logit_bias: { '42': -100 }, reasoning_effort: 'low' }),
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'hi',
    });
    expect(r.parameters).toEqual({ max_tokens: 50, stop_sequences: ['END'], 'choice.count': 2, seed: 7, reasoning_effort: 'low' });
    expect(r.providerParameters).toEqual({ logit_bias: { '42': -100 } });
    expect(JSON.stringify(r)).not.toContain('sk-secret-value');
  });

  it('OpenLLMetry legacy llm.* keys and Vercel camelCase settings; client settings are not parameters', () => {
    const tl = request({ 'gen_ai.request.model': 'gpt-4o', 'llm.top_k': 5, 'llm.frequency_penalty': 0.5, 'llm.chat.stop_sequences': ['\n\n'], 'llm.is_streaming': true, 'gen_ai.input.messages': JSON.stringify([user('hi')]) });
    expect(tl.parameters).toEqual({ top_k: 5, frequency_penalty: 0.5, stop_sequences: ['\n\n'] });
    expect(tl.stream).toBe(true);
    const v = request({ 'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'gpt-4o', 'ai.model.provider': 'openai.chat', 'ai.settings.maxOutputTokens': 100, 'ai.settings.topP': 0.9, 'ai.settings.presencePenalty': 0.1, 'ai.settings.maxRetries': 2, 'ai.prompt.messages': JSON.stringify([{ role: 'user', content: 'x' }]) }, [], 'ai.streamText.doStream');
    expect(v.parameters).toEqual({ max_tokens: 100, top_p: 0.9, presence_penalty: 0.1 });
    expect(v.stream).toBe(true);
  });

  it('gen_ai.request.stream; parameters from the gen_ai.client.inference.operation.details log event', () => {
    const details = logRecord({ eventName: 'gen_ai.client.inference.operation.details', body: null as never, attributes: { 'gen_ai.request.temperature': 0.3, 'gen_ai.request.max_tokens': 64, 'gen_ai.input.messages': [user('hi')] as never } });
    const r = request({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.stream': true, 'gen_ai.provider.name': 'openai' }, [details]);
    expect(r.stream).toBe(true);
    expect(r.parameters).toEqual({ temperature: 0.3, max_tokens: 64 });
    expect(lines(r.messages)).toEqual(['user: hi']);
  });
});

describe('messages in the canonical form', () => {
  it('lifts leading system and developer messages; keeps a later system message in place', () => {
    const r = request({
      'gen_ai.request.model': 'o3',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'developer', parts: [{ type: 'text', content: 'Be brief.' }] },
        user('a'),
        { role: 'system', parts: [{ type: 'text', content: 'Now in French.' }] },
        user('b'),
      ]),
    });
    expect(r.system).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(lines(r.messages)).toEqual(['user: a', 'system: Now in French.', 'user: b']);
  });

  it('splits Anthropic-style user messages with tool results into one tool message per result, and flags unanswered calls', () => {
    const r = request({
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.input.messages': JSON.stringify([
        user('go'),
        { role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'a', arguments: {} }, { type: 'tool_call', id: 't2', name: 'b', arguments: {} }] },
        { role: 'user', parts: [{ type: 'tool_call_response', id: 't1', response: 'A' }, { type: 'tool_call_response', id: 't2', response: 'B' }, { type: 'text', content: 'and?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 't3', name: 'c', arguments: {} }] },
      ]),
    });
    expect(lines(r.messages)).toEqual(['user: go', 'assistant: call a#t1 {} | call b#t2 {}', 'tool: result#t1 A', 'tool: result#t2 B', 'user: and?', 'assistant: call c#t3 {}']);
    expect(gap(r, 'messages')).toEqual([expect.stringContaining('c (providers refuse')]);
    expect(gap(r, 'tools')).toHaveLength(1);
  });

  it('content stored by reference and not readable: says where it is', () => {
    const r = request({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 3, 'gen_ai.input.messages_ref': 's3://bucket/run/input.json' });
    expect(gap(r, 'messages')[0]).toContain('s3://bucket/run/input.json');
  });
});

describe('provider → wire kind', () => {
  it('OpenAI-compatible providers, Anthropic, providers with their own API, and unknown ones', () => {
    expect(replayKindOf('openai', 'gpt-4o')).toEqual({ kind: 'openai' });
    expect(replayKindOf('azure.ai.openai', 'gpt-4o')).toEqual({ kind: 'openai' });
    expect(replayKindOf('Groq', 'llama')).toEqual({ kind: 'openai' });
    expect(replayKindOf('anthropic', 'claude-sonnet-4-5')).toEqual({ kind: 'anthropic' });
    expect(replayKindOf('aws.bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0')).toMatchObject({ kind: 'anthropic', note: expect.stringContaining('AWS Bedrock') });
    expect(replayKindOf('gcp.vertex_ai', 'gemini-2.5-pro')).toMatchObject({ kind: 'openai', note: expect.stringContaining('OpenAI-compatible gateway') });
    expect(replayKindOf(undefined, 'claude-opus-4')).toMatchObject({ kind: 'anthropic', note: expect.stringContaining('not recorded') });
    expect(replayKindOf('acme-llm', 'm')).toMatchObject({ kind: 'openai', note: expect.stringContaining('Unknown provider acme-llm') });
  });

  it('a Bedrock recording is flagged in missing', () => {
    const r = request({ 'gen_ai.request.model': 'amazon.nova-pro-v1:0', 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.input.messages': JSON.stringify([user('hi')]) });
    expect(r.kind).toBe('openai');
    expect(gap(r, 'provider')[0]).toContain('AWS Bedrock');
  });
});
