/**
 * MCP spans: the OTel MCP conventions' own "Tool call" example (semantic-conventions-genai
 * docs/gen-ai/mcp.md §Examples › Stdio transport › Tool call), sent through the OTLP decoders
 * (JSON and protobuf) with the tool arguments and result as structured AnyValues (kvlist) and as
 * JSON strings; client/server pairs on one card; Traceloop's MCP instrumentation shape.
 */
import { describe, expect, it } from 'vitest';
import { decodeTraces } from '../../../src/core/otlp/decode';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { genaiBadge } from '../../../src/core/genai/badge';
import { buildConversation } from '../../../src/core/genai/conversation';
import type { ConversationItem } from '../../../src/model/genai';
import type { SpanRecord } from '../../../src/model/trace';
import { nanos, scopeInfo, spanId, spanRecord, traceId, resourceInfo } from '../../support/builders';
import { encodeTraceRequest } from '../../support/otlp';
import { genai, loadSpans, normalizeAll } from '../../support/genai';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = { agent: '00f067aa0ba902b1', chat1: '00f067aa0ba902b2', client: '00f067aa0ba902b3', server: '00f067aa0ba902b4', chat2: '00f067aa0ba902b5' };
const SESSION = '8267461134f24305af708e66b8eda71a';

const sv = (v: string) => ({ stringValue: v });
const kv = (key: string, value: unknown) => ({ key, value });
/** `{"location": "San Francisco?", "date": "2025-10-01"}` as an OTLP kvlistValue (the spec's example value). */
const ARGS_KVLIST = { kvlistValue: { values: [kv('location', sv('San Francisco?')), kv('date', sv('2025-10-01'))] } };
/** `{"temperature_range": {"high": 75, "low": 60}, "conditions": "sunny"}` as a kvlistValue. */
const RESULT_KVLIST = {
  kvlistValue: {
    values: [kv('temperature_range', { kvlistValue: { values: [kv('high', { intValue: '75' }), kv('low', { intValue: '60' })] } }), kv('conditions', sv('sunny'))],
  },
};

function otlpSpan(spanIdHex: string, parent: string | undefined, name: string, kind: number, startMs: number, durMs: number, attributes: unknown[]): Record<string, unknown> {
  return {
    traceId: TRACE,
    spanId: spanIdHex,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + durMs),
    attributes,
  };
}

/** The spec example: agent → chat → MCP client `tools/call get-weather` → MCP server (another service) → chat. */
function specExample(args: unknown, result: unknown): Record<string, unknown> {
  const mcpAttrs = (structured: boolean) => [
    kv('gen_ai.operation.name', sv('execute_tool')),
    kv('gen_ai.tool.name', sv('get-weather')),
    kv('jsonrpc.request.id', sv('3')),
    kv('mcp.method.name', sv('tools/call')),
    kv('mcp.session.id', sv(SESSION)),
    kv('mcp.protocol.version', sv('2025-06-18')),
    kv('network.transport', sv('pipe')),
    ...(structured ? [kv('gen_ai.tool.call.arguments', args), kv('gen_ai.tool.call.result', result)] : []),
  ];
  const chat = [kv('gen_ai.operation.name', sv('chat')), kv('gen_ai.request.model', sv('gpt-4o'))];
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', sv('weather-agent'))] },
        scopeSpans: [
          {
            scope: { name: 'agent-lib' },
            spans: [
              otlpSpan(S.agent, undefined, 'invoke_agent weather-forecast-agent', 1, 0, 100, [kv('gen_ai.operation.name', sv('invoke_agent')), kv('gen_ai.agent.name', sv('weather-forecast-agent'))]),
              otlpSpan(S.chat1, S.agent, 'chat gpt-4o', 3, 1, 20, chat),
              otlpSpan(S.client, S.agent, 'tools/call get-weather', 3, 30, 40, mcpAttrs(true)),
              otlpSpan(S.chat2, S.agent, 'chat gpt-4o', 3, 80, 15, chat),
            ],
          },
        ],
      },
      {
        resource: { attributes: [kv('service.name', sv('weather-mcp-server'))] },
        scopeSpans: [{ scope: { name: 'mcp-server-lib' }, spans: [otlpSpan(S.server, S.client, 'tools/call get-weather', 2, 35, 30, mcpAttrs(true))] }],
      },
    ],
  };
}

function decode(body: Uint8Array, format: 'json' | 'protobuf'): SpanRecord[] {
  const r = decodeTraces(body, format);
  if (!r.ok) throw new Error(r.message);
  return [...r.items];
}

describe.each(['json', 'protobuf'] as const)('MCP tool call of the spec example (mcp.md §Examples, stdio tool call) over OTLP/%s', (format) => {
  const request = specExample(ARGS_KVLIST, RESULT_KVLIST);
  const spans = decode(format === 'json' ? new TextEncoder().encode(JSON.stringify(request)) : encodeTraceRequest(request), format);
  const byId = new Map(spans.map((s) => [s.spanId, s]));

  it('reads the MCP facts of the client and the server span', () => {
    const client = normalizeSpan(byId.get(S.client)!)!;
    expect(client.kind).toBe('tool');
    expect(client.mcp).toEqual({ side: 'client', method: 'tools/call', toolName: 'get-weather', sessionId: SESSION, protocolVersion: '2025-06-18', requestId: '3', transport: 'pipe' });
    const server = normalizeSpan(byId.get(S.server)!)!;
    // The server span names its server: its own service.name.
    expect(server.mcp).toMatchObject({ side: 'server', method: 'tools/call', toolName: 'get-weather', server: 'weather-mcp-server' });
  });

  it('structured (kvlist) arguments and results are objects, as the spec writes them', () => {
    const tool = normalizeSpan(byId.get(S.client)!)!.tool!;
    expect(tool.name).toBe('get-weather');
    expect(tool.arguments).toEqual({ location: 'San Francisco?', date: '2025-10-01' });
    expect(tool.result).toEqual({ temperature_range: { high: 75, low: 60 }, conditions: 'sunny' });
  });

  it('one card for the client/server pair: the client span, server linked and named', () => {
    const conv = buildConversation(TRACE, normalizeAll(spans));
    const tools = conv.items.filter((i): i is Extract<ConversationItem, { type: 'toolCall' }> => i.type === 'toolCall');
    expect(tools).toHaveLength(1);
    const card = tools[0]!;
    expect(card.spanId).toBe(S.client);
    expect(card.linkedSpanIds).toEqual([S.server]);
    expect(card.mcp).toMatchObject({ side: 'client', server: 'weather-mcp-server', toolName: 'get-weather', method: 'tools/call' });
    expect(card.arguments).toEqual({ location: 'San Francisco?', date: '2025-10-01' });
    expect(conv.items.map((i) => i.type)).toEqual(['agent', 'modelCall', 'toolCall', 'modelCall']);
  });
});

describe('MCP arguments and results as JSON strings', () => {
  it('a JSON string is kept as sent and holds the same value as the kvlist form', () => {
    const args = '{"location":"San Francisco?","date":"2025-10-01"}';
    const request = specExample(sv(args), sv('{"conditions":"sunny"}'));
    const spans = decode(new TextEncoder().encode(JSON.stringify(request)), 'json');
    const tool = normalizeSpan(spans.find((s) => s.spanId === S.client)!)!.tool!;
    expect(tool.arguments).toBe(args);
    expect(JSON.parse(tool.arguments as string)).toEqual({ location: 'San Francisco?', date: '2025-10-01' });
  });

  it('array values (arrayValue) stay arrays', () => {
    const request = specExample({ arrayValue: { values: [sv('a'), { intValue: '2' }] } }, sv('ok'));
    const spans = decode(new TextEncoder().encode(JSON.stringify(request)), 'json');
    expect(normalizeSpan(spans.find((s) => s.spanId === S.client)!)!.tool!.arguments).toEqual(['a', 2]);
  });
});

describe('MCP spans beyond the example', () => {
  const T = traceId(21);
  const mk = (name: string, kind: SpanRecord['kind'], attributes: SpanRecord['attributes'], extra: Partial<SpanRecord> = {}) =>
    spanRecord({ traceId: T, spanId: spanId(), name, kind, attributes, ...extra });

  it('a server span whose parent is not the client span pairs by mcp.session.id + jsonrpc.request.id', () => {
    const base = { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'search', 'mcp.session.id': 's-1', 'jsonrpc.request.id': '7' };
    const client = mk('tools/call search', 'client', { ...base, 'server.address': 'localhost', 'server.port': 8931 }, { startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(10) });
    // Parent: an HTTP server span that is not a GenAI span.
    const server = mk('tools/call search', 'server', base, { parentSpanId: spanId(), startTimeUnixNano: nanos(2), endTimeUnixNano: nanos(8), resource: resourceInfo({ serviceName: 'search-server' }) });
    const conv = buildConversation(T, normalizeAll([client, server]));
    expect(conv.items).toHaveLength(1);
    const card = conv.items[0] as Extract<ConversationItem, { type: 'toolCall' }>;
    expect(card.spanId).toBe(client.spanId);
    expect(card.linkedSpanIds).toEqual([server.spanId]);
    // No gen_ai.operation.name: mcp.method.name = tools/call alone makes a tool span (badge too).
    expect(genaiBadge(client)).toMatchObject({ kind: 'tool', toolName: 'search' });
    expect(card.mcp?.server).toBe('search-server');
  });

  it('the client knows only the address when no server span arrived', () => {
    const client = mk('tools/call search', 'client', { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'search', 'server.address': 'localhost', 'server.port': 8931 });
    expect(normalizeSpan(client)!.mcp!.server).toBe('localhost:8931');
  });

  it('CallToolResult.isError: error.type tool_error and the span error reach the card', () => {
    const client = mk('tools/call search', 'client', { 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'error.type': 'tool_error' }, { status: { code: 'error', message: 'index unavailable' } });
    const card = buildConversation(T, normalizeAll([client])).items[0] as Extract<ConversationItem, { type: 'toolCall' }>;
    expect(card.mcp?.errorType).toBe('tool_error');
    expect(card.error).toBe('index unavailable');
  });

  it('an agent framework execute_tool span over the MCP client span: one card, the outer one', () => {
    const outer = mk('execute_tool get-weather', 'internal', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get-weather', 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.type': 'extension' }, { startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(20) });
    const client = mk('tools/call get-weather', 'client', { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get-weather', 'gen_ai.tool.call.arguments': '{"location":"Paris"}' }, { parentSpanId: outer.spanId, startTimeUnixNano: nanos(1), endTimeUnixNano: nanos(19) });
    const server = mk('tools/call get-weather', 'server', { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get-weather', 'gen_ai.tool.call.result': '{"t":12}' }, { parentSpanId: client.spanId, startTimeUnixNano: nanos(2), endTimeUnixNano: nanos(18), resource: resourceInfo({ serviceName: 'weather' }) });
    const conv = buildConversation(T, normalizeAll([outer, client, server]));
    expect(conv.items).toHaveLength(1);
    const card = conv.items[0] as Extract<ConversationItem, { type: 'toolCall' }>;
    expect(card).toMatchObject({ spanId: outer.spanId, callId: 'call_1', toolType: 'extension', arguments: '{"location":"Paris"}', result: '{"t":12}' });
    expect(card.linkedSpanIds).toEqual([client.spanId, server.spanId]);
    expect(card.mcp).toMatchObject({ side: 'client', server: 'weather', toolName: 'get-weather' });
  });

  it('other MCP methods (initialize) are views with MCP facts but no badge: not in the conversation', () => {
    const init = mk('initialize', 'client', { 'mcp.method.name': 'initialize', 'mcp.session.id': SESSION, 'mcp.protocol.version': '2025-06-18', 'jsonrpc.request.id': '1' });
    expect(genaiBadge(init)).toBeUndefined();
    const view = normalizeSpan(init)!;
    expect(view.kind).toBe('other');
    expect(view.mcp).toEqual({ side: 'client', method: 'initialize', sessionId: SESSION, protocolVersion: '2025-06-18', requestId: '1' });
    expect(buildConversation(T, normalizeAll([init])).items).toEqual([]);
  });
});

describe('Traceloop @traceloop/instrumentation-mcp (openllmetry-js instrumentation.ts)', () => {
  // _wrapRequest: `{tool}.tool`, traceloop.span.kind=tool, traceloop.entity.input = JSON of
  // {tool_name, arguments}; _extractCleanOutput: {result: content[0].text, is_error}.
  const scope = scopeInfo({ name: '@traceloop/instrumentation-mcp' });

  it('tools/call: name, arguments and result unwrapped, side from the span kind', () => {
    const span = spanRecord({
      name: 'get_weather.tool',
      kind: 'client',
      scope,
      attributes: {
        'traceloop.span.kind': 'tool',
        'traceloop.entity.name': 'get_weather',
        'traceloop.workflow.name': 'weather-client.mcp',
        'traceloop.entity.input': '{"tool_name":"get_weather","arguments":{"city":"Paris"}}',
        'traceloop.entity.output': '{"result":"sunny, 21°C","is_error":false}',
      },
    });
    const view = normalizeSpan(span)!;
    expect(view.kind).toBe('tool');
    expect(view.tool).toMatchObject({ name: 'get_weather', arguments: { city: 'Paris' }, result: 'sunny, 21°C' });
    // The client's workflow name is the client's own name, not the server's.
    expect(view.mcp).toEqual({ side: 'client', method: 'tools/call', toolName: 'get_weather' });
  });

  it('is_error true → error.type tool_error; other methods are `{method}.mcp` spans', () => {
    const failed = spanRecord({ name: 'lookup.tool', kind: 'client', scope, attributes: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'lookup', 'traceloop.entity.output': '{"result":"not found","is_error":true}' } });
    expect(normalizeSpan(failed)!.mcp!.errorType).toBe('tool_error');
    const list = spanRecord({ name: 'tools/list.mcp', kind: 'client', scope, attributes: { 'traceloop.span.kind': 'unknown', 'traceloop.entity.name': 'tools/list' } });
    expect(normalizeSpan(list)!.mcp).toEqual({ side: 'client', method: 'tools/list' });
  });
});

describe('captured MCP instrumentations (test/fixtures/genai/mcp-traceloop.otlp.json; README of the capture worktree)', () => {
  it('@traceloop/instrumentation-mcp 0.27: client spans only; tools/call as tool cards with MCP facts, isError as tool_error', () => {
    const spans = loadSpans(genai('mcp-traceloop.otlp.json'));
    const all = normalizeAll(spans);
    const mcpViews = all.filter((s) => s.view?.mcp).map((s) => [s.span.name, s.view!.kind, s.view!.mcp!.method ?? null, s.view!.mcp!.side]);
    expect(mcpViews).toEqual(
      expect.arrayContaining([
        ['initialize.mcp', 'other', 'initialize', 'client'],
        ['tools/list.mcp', 'other', 'tools/list', 'client'],
        ['get_weather.tool', 'tool', 'tools/call', 'client'],
        ['get_forecast.tool', 'tool', 'tools/call', 'client'],
        ['mcp.client.session', 'other', null, 'client'],
      ]),
    );
    const tools = buildConversation(spans[0]!.traceId, all).items.filter((i): i is Extract<ConversationItem, { type: 'toolCall' }> => i.type === 'toolCall');
    expect(tools.map((t) => [t.name, t.arguments, t.mcp?.method, t.mcp?.errorType ?? null, t.error ?? null])).toEqual([
      ['get_weather', { city: 'Paris' }, 'tools/call', null, null],
      ['get_forecast', { city: 'Paris', days: 3 }, 'tools/call', 'tool_error', 'Forecast service unavailable for Paris'],
    ]);
    // The first text block of the result, as the instrumentation recorded it (a JSON text).
    expect(JSON.parse(tools[0]!.result as string)).toEqual({ city: 'Paris', temperature_c: 18, condition: 'sunny' });
  });

  it('@arizeai/openinference-instrumentation-mcp 0.2.33 (the shape of the capture-worktree fixture mcp-openinference.otlp.json): no MCP attributes; the server TOOL span joins its client card', () => {
    // The instrumentation only propagates the context; the spans are the app's own OpenInference
    // TOOL spans: client (CLIENT, service capture-mcp-client) → server (SERVER, capture-mcp-server).
    const T2 = traceId(0x0e1);
    const oi = (id: number, parent: number | null, name: string, kind: SpanRecord['kind'], start: number, service: string, extra: Partial<SpanRecord> = {}) =>
      spanRecord({
        traceId: T2, spanId: spanId(id), parentSpanId: parent === null ? null : spanId(parent), name, kind,
        startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 5), resource: resourceInfo({ serviceName: service }),
        attributes: name === 'weather-agent'
          ? { 'openinference.span.kind': 'AGENT', 'agent.name': 'weather-agent', 'input.value': 'What is the weather in Paris?' }
          : { 'openinference.span.kind': 'TOOL', 'tool.name': name, 'input.value': '{"city":"Paris"}', 'input.mime_type': 'application/json' },
        ...extra,
      });
    const failed = { status: { code: 'error' as const, message: 'Forecast service unavailable for Paris' } };
    const spans = [
      oi(0xa0, null, 'weather-agent', 'internal', 0, 'capture-mcp-client'),
      oi(0xa1, 0xa0, 'get_weather', 'client', 10, 'capture-mcp-client'),
      oi(0xa2, 0xa1, 'get_weather', 'server', 11, 'capture-mcp-server'),
      oi(0xa3, 0xa0, 'get_forecast', 'client', 20, 'capture-mcp-client', failed),
      oi(0xa4, 0xa3, 'get_forecast', 'server', 21, 'capture-mcp-server', failed),
    ];
    const all = normalizeAll(spans);
    const conv = buildConversation(T2, all);
    const tools = conv.items.filter((i): i is Extract<ConversationItem, { type: 'toolCall' }> => i.type === 'toolCall');
    expect(conv.items.map((i) => i.type)).toEqual(['agent', 'toolCall', 'toolCall']);
    expect(tools.map((t) => [t.name, t.spanId, t.linkedSpanIds])).toEqual([
      ['get_weather', spanId(0xa1), [spanId(0xa2)]],
      ['get_forecast', spanId(0xa3), [spanId(0xa4)]],
    ]);
    expect(tools[1]!.error).toBe('Forecast service unavailable for Paris');
    // No mcp.* attributes anywhere: not labelled MCP.
    expect(all.some((s) => s.view?.mcp)).toBe(false);
  });
});
