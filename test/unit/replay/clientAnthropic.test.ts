/**
 * sendReplay against a local Anthropic Messages stand-in (real HTTP on 127.0.0.1, the real
 * `@anthropic-ai/sdk`): streamed text and tool use, cache-exclusive usage turned cache-inclusive.
 *
 * The SSE frames are written by hand from Anthropic's "Streaming Messages" documentation
 * (`event: message_start` … `message_stop`, `ping`, `text_delta`, `input_json_delta`, cumulative
 * `usage` in `message_delta`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReplay } from '../../../src/core/replay/client/sendReplay';
import type { ReplayStreamEvent } from '../../../src/model/replay';
import { sse, startStandIn, type StandIn } from './standIns';

const KEY = 'sk-ant-test-0123456789abcdef';

const MIXED_STREAM = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":100,"cache_read_input_tokens":1800,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: ping\ndata: {"type": "ping"}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the weather."}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":2}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
];

const BODY = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: 'You are a weather bot.',
  messages: [{ role: 'user', content: 'Weather in SF?' }],
  tools: [{ name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
};

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await server.close();
});

describe('sendReplay (anthropic kind) against a Messages stand-in', () => {
  it('streams text and tool use; usage input = input + cache read + cache write (Anthropic input_tokens exclude both)', async () => {
    server.handle((_req, res) => sse(res, MIXED_STREAM, { 'request-id': 'req_1' }));
    const events: ReplayStreamEvent[] = [];
    const result = await sendReplay({ kind: 'anthropic', baseUrl: server.url, apiKey: KEY, body: BODY, onEvent: (e) => events.push(e) });

    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Let me check the weather.');
    expect(result.toolCalls).toEqual([
      { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA"}' },
      // A tool_use block without input deltas: an empty input.
      { id: 'toolu_02', name: 'get_time', arguments: '{}' },
    ]);
    expect(result.finishReason).toBe('tool_use');
    expect(result.responseModel).toBe('claude-sonnet-4-5-20250929');
    expect(result.responseId).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(result.usage).toEqual({
      inputTokens: 25 + 1800 + 100,
      outputTokens: 89,
      totalTokens: 25 + 1800 + 100 + 89,
      cacheReadTokens: 1800,
      cacheWriteTokens: 100,
      inputReading: { cache: 'excluded', reportedInputTokens: 25, because: expect.stringContaining('exclude') as string },
    });

    expect(events.filter((e) => e.type !== 'done')).toEqual([
      { type: 'text', delta: 'Let me check' },
      { type: 'text', delta: ' the weather.' },
      { type: 'tool_call', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', argumentsDelta: '' },
      { type: 'tool_call', index: 0, argumentsDelta: '' },
      { type: 'tool_call', index: 0, argumentsDelta: '{"location":' },
      { type: 'tool_call', index: 0, argumentsDelta: ' "San Francisco, CA"}' },
      { type: 'tool_call', index: 1, id: 'toolu_02', name: 'get_time', argumentsDelta: '' },
    ]);

    const req = server.requests.at(-1)!;
    expect(req.path).toBe('/v1/messages');
    expect(req.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const auth = `${req.headers['x-api-key'] ?? ''} ${req.headers.authorization ?? ''}`;
    expect(auth).toContain(KEY);
    expect(req.body).toMatchObject({ ...BODY, stream: true });
    // The SDK's own OpenTelemetry is off: no trace context is propagated.
    expect(req.headers.traceparent).toBeUndefined();
  });

  it('a base URL ending in /v1 still posts to /v1/messages', async () => {
    server.handle((_req, res) => sse(res, MIXED_STREAM));
    const result = await sendReplay({ kind: 'anthropic', baseUrl: `${server.url}/v1/`, apiKey: KEY, body: BODY });
    expect(result.error).toBeUndefined();
    expect(server.requests.at(-1)!.path).toBe('/v1/messages');
  });

  it('message_delta usage with input and cache counts (cumulative) replaces message_start counts', async () => {
    server.handle((_req, res) =>
      sse(res, [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5-20251001","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":849,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n',
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":849,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":47}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ]),
    );
    const result = await sendReplay({ kind: 'anthropic', baseUrl: server.url, apiKey: KEY, body: BODY });
    expect(result.finishReason).toBe('end_turn');
    expect(result.usage).toEqual({ inputTokens: 849, outputTokens: 47, totalTokens: 896, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('environment credentials are never used in place of the configured key', async () => {
    const saved = { a: process.env.ANTHROPIC_API_KEY, t: process.env.ANTHROPIC_AUTH_TOKEN };
    process.env.ANTHROPIC_API_KEY = 'sk-ant-environment-key-must-not-be-sent';
    process.env.ANTHROPIC_AUTH_TOKEN = 'environment-token-must-not-be-sent';
    try {
      server.handle((_req, res) => sse(res, MIXED_STREAM));
      await sendReplay({ kind: 'anthropic', baseUrl: server.url, apiKey: '', body: BODY });
      const headers = JSON.stringify(server.requests.at(-1)!.headers);
      expect(headers).not.toContain('environment');
      expect(headers).toContain('no-key');
    } finally {
      for (const [k, v] of [['ANTHROPIC_API_KEY', saved.a], ['ANTHROPIC_AUTH_TOKEN', saved.t]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
