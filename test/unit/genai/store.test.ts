/**
 * GenAI in the worker and the store: badges in the skeleton, the trace summary's session / agent /
 * first user message (maintained incrementally whatever the arrival order), sessions, span detail
 * views and the conversation query, through the real BackendService and sql.js store.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendService } from '../../../src/core/backend/backendService';
import { genaiIngestAnnotator } from '../../../src/core/genai/badge';
import { badgeNamesKey, packBadge, unpackBadge } from '../../../src/core/store/codec';
import type { GenAiBadge } from '../../../src/model/genai';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { CHANGE_NOTIFY_INTERVAL_MS } from '../../../src/core/backend/protocol';
import { type IngestParams } from '../../../src/core/otlp/types';
import type { Attributes, SpanRecord } from '../../../src/model/trace';
import { logRecord, nanos, spanId, spanRecord, traceId } from '../../support/builders';
import { openStore } from '../../support/storeHarness';
import { genai, otlp, summarize } from '../../support/genai';

let store: TraceStore;
let service: BackendService;

beforeEach(async () => {
  store = await openStore();
  service = new BackendService(store, () => undefined);
});

afterEach(async () => {
  // Let the service's throttled storeChanged notification fire before the store closes.
  await new Promise((resolve) => setTimeout(resolve, CHANGE_NOTIFY_INTERVAL_MS + 20));
  store.close();
});

function ingest(signal: 'traces' | 'logs', path: string): ReturnType<BackendService['ingest']> {
  const params: IngestParams = { signal, format: path.endsWith('.binpb') ? 'protobuf' : 'json', encoding: 'identity', body: new Uint8Array(readFileSync(path)), maxBodyBytes: 1 << 26 };
  return service.ingest(params);
}

function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

describe('official OpenAI instrumentation fixture through the worker', () => {
  it('spans then logs: badges, summary (agent, first user message from a log record), span detail, conversation', async () => {
    expect(await ingest('traces', otlp('genai-openai-traces-proto.binpb'))).toMatchObject({ status: 'ok', rejected: 0 });
    let summary = only(store.listTraces(10));
    expect(summary.agentName).toBe('weather-bot');
    expect(summary.firstUserMessage).toBeUndefined(); // content is in the logs, not here yet
    expect(await ingest('logs', otlp('genai-openai-logs-proto.binpb'))).toMatchObject({ status: 'ok', rejected: 0 });
    summary = only(store.listTraces(10));
    expect(summary.firstUserMessage).toBe('What is the weather in Paris?');

    const skeleton = (await service.handlers.traceSkeleton({ traceId: summary.traceId }))!;
    const badges = skeleton.spans.map((s) => s.genai);
    expect(badges).toEqual([
      { kind: 'agent', agentName: 'weather-bot' },
      { kind: 'llm', model: 'gpt-4o-mini', inputTokens: 42, outputTokens: 17 },
      { kind: 'tool', toolName: 'get_weather' },
      { kind: 'llm', model: 'gpt-4o-mini', inputTokens: 71, outputTokens: 12 },
    ]);

    const chat = skeleton.spans[1]!;
    const detail = (await service.handlers.spanDetail({ traceId: summary.traceId, spanId: chat.spanId }))!;
    expect(detail.genai!.kind).toBe('llm');
    expect(summarize(detail.genai!.inputMessages)).toEqual(['system: You are a helpful weather assistant.', 'user: What is the weather in Paris?']);

    const conversation = (await service.handlers.traceConversation({ traceId: summary.traceId }))!;
    expect(conversation.traceId).toBe(summary.traceId);
    expect(conversation.items.map((i) => i.type)).toEqual(['agent', 'modelCall', 'toolCall', 'modelCall']);
    expect(conversation.items[2]).toMatchObject({ name: 'get_weather', callId: 'call_fixture_1', arguments: '{"city":"Paris"}' });
    expect(conversation.truncated).toBeUndefined();
    expect(await service.handlers.traceConversation({ traceId: traceId(99) })).toBeNull();
  });

  it('logs before spans: the first user message is picked up when the trace row is created', async () => {
    await ingest('logs', otlp('genai-openai-logs-json.json'));
    await ingest('traces', otlp('genai-openai-traces-json.json'));
    expect(only(store.listTraces(10)).firstUserMessage).toBe('What is the weather in Paris?');
  });

  it('session ids from the captured libraries group their traces', async () => {
    for (const f of ['openinference', 'traceloop', 'langfuse', 'vercel-ai']) await ingest('traces', genai(`${f}.otlp.json`));
    const sessions = store.listSessions(10);
    expect(sessions.map((s) => s.sessionId).sort()).toEqual(['session-lf-1', 'session-oi-1', 'session-tl-1']);
    for (const s of sessions) expect(s).toMatchObject({ traceCount: 1, firstTraceLabel: 'What is the weather in Paris?', errorCount: 0 });
    const traces = store.listTraces(10);
    expect(traces).toHaveLength(4);
    const byService = Object.fromEntries(traces.map((t) => [t.serviceName, t]));
    expect(byService['capture-traceloop']).toMatchObject({ sessionId: 'session-tl-1', agentName: 'weather_agent', firstUserMessage: 'What is the weather in Paris?' });
    expect(byService['capture-langfuse']).toMatchObject({ sessionId: 'session-lf-1', agentName: 'weather-agent' });
    // Vercel: no session attribute in this capture; the outer span's ai.prompt gives the first user message.
    expect(byService['capture-vercel-ai']!.sessionId).toBeUndefined();
    expect(byService['capture-vercel-ai']!.firstUserMessage).toBe('What is the weather in Paris?');
  });
});

describe('trace summary GenAI facts, incrementally', () => {
  const T = traceId(1);
  const chat = (id: number, startMs: number, text: string, attrs: Attributes = {}): SpanRecord =>
    spanRecord({
      traceId: T, spanId: spanId(id), parentSpanId: spanId(100), name: 'chat', kind: 'client',
      startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(startMs + 5),
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text }] }]), ...attrs },
    });
  const agent = (id: number, startMs: number, name: string, parent: string | null): SpanRecord =>
    spanRecord({ traceId: T, spanId: spanId(id), parentSpanId: parent, name: `invoke_agent ${name}`, startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(startMs + 100), attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name } });

  it('the earliest model call wins, even when it arrives later; the outermost (earliest) agent wins', async () => {
    store.setAnnotator(genaiIngestAnnotator);
    await store.ingestSpans([chat(2, 50, 'second question'), agent(3, 10, 'inner', spanId(100))]);
    expect(store.traceSummary(T)).toMatchObject({ firstUserMessage: 'second question', agentName: 'inner' });
    await store.ingestSpans([chat(4, 20, 'first question'), agent(100, 0, 'outer', null)]);
    expect(store.traceSummary(T)).toMatchObject({ firstUserMessage: 'first question', agentName: 'outer' });
    await store.ingestSpans([chat(5, 90, 'third question')]);
    expect(store.traceSummary(T)!.firstUserMessage).toBe('first question');
    // A user-message log record earlier than every model call also wins.
    await store.ingestLogs([logRecord({ traceId: T, spanId: spanId(6), eventName: 'gen_ai.user.message', timeUnixNano: nanos(15), body: { content: 'from a log' } })]);
    expect(store.traceSummary(T)!.firstUserMessage).toBe('from a log');
  });

  it('a session id may arrive with a later span; the first one stored stays', async () => {
    await store.ingestSpans([chat(2, 10, 'q')]);
    expect(store.traceSummary(T)!.sessionId).toBeUndefined();
    await store.ingestSpans([spanRecord({ traceId: T, spanId: spanId(7), attributes: { 'session.id': 'S' } })]);
    await store.ingestSpans([spanRecord({ traceId: T, spanId: spanId(8), attributes: { 'session.id': 'other' } })]);
    expect(store.traceSummary(T)!.sessionId).toBe('S');
    expect(store.listTraces(10, 0, 'S').map((t) => t.traceId)).toEqual([T]);
    expect(store.listTraces(10, 0, 'other')).toEqual([]);
  });

  it('a re-sent span replaces its badge', async () => {
    await store.ingestSpans([chat(2, 10, 'q', { 'gen_ai.usage.input_tokens': 1 })]);
    await store.ingestSpans([chat(2, 10, 'q', { 'gen_ai.usage.input_tokens': 2 })]);
    expect(store.traceSkeleton(T)!.spans[0]!.genai).toEqual({ kind: 'llm', model: 'm', inputTokens: 2 });
  });

  it('without an annotator the store keeps no GenAI facts', async () => {
    store.setAnnotator(undefined);
    await store.ingestSpans([chat(2, 10, 'q', { 'session.id': 'S' })]);
    expect(store.traceSummary(T)).not.toHaveProperty('firstUserMessage');
    expect(store.traceSummary(T)).not.toHaveProperty('sessionId');
    expect(store.traceSkeleton(T)!.spans[0]).not.toHaveProperty('genai');
  });
});

describe('sessions', () => {
  const span = (trace: number, startMs: number, attrs: Attributes, status: 'ok' | 'error' = 'ok', name = 'root'): SpanRecord =>
    spanRecord({ traceId: traceId(trace), spanId: spanId(trace * 10), parentSpanId: null, name, startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(startMs + 10), attributes: attrs, status: { code: status, message: '' } });

  it('lists sessions by last activity with counts, span range, errors and the earliest trace label; deletes follow', async () => {
    await store.ingestSpans([
      span(1, 0, { 'session.id': 'A', 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'bot' }),
      span(2, 100, { 'session.id': 'A' }, 'error', 'second'),
      span(3, 50, { 'gen_ai.conversation.id': 'B' }, 'ok', 'b-root'),
      span(4, 500, { 'http.route': '/' }), // no session: not listed
    ]);
    expect(store.listSessions(10)).toEqual([
      { sessionId: 'A', traceCount: 2, startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(110), firstTraceLabel: 'bot', errorCount: 1 },
      { sessionId: 'B', traceCount: 1, startTimeUnixNano: nanos(50), endTimeUnixNano: nanos(60), firstTraceLabel: 'b-root', errorCount: 0 },
    ]);
    expect(store.listSessions(1).map((s) => s.sessionId)).toEqual(['A']);
    expect(store.listTraces(10, 0, 'A').map((t) => t.rootName)).toEqual(['second', 'root']);
    expect(store.listTraces(1, 1, 'A').map((t) => t.rootName)).toEqual(['root']);
    expect(await service.handlers.listSessions({ limit: 5 })).toHaveLength(2);
    store.deleteTrace(traceId(2));
    expect(store.listSessions(10).find((s) => s.sessionId === 'A')).toMatchObject({ traceCount: 1, errorCount: 0, endTimeUnixNano: nanos(10) });
    store.clear();
    expect(store.listSessions(10)).toEqual([]);
  });

  it('listSessions over 20,000 traces in 2,000 sessions stays fast (GROUP BY over the summary table)', async () => {
    const spans: SpanRecord[] = [];
    for (let i = 1; i <= 20_000; i++) spans.push(span(i, i, { 'session.id': `s${i % 2000}` }));
    await store.ingestSpans(spans);
    store.listSessions(200); // warm
    const t0 = performance.now();
    const sessions = store.listSessions(200);
    const elapsed = performance.now() - t0;
    console.log(`listSessions(200) over 20,000 traces / 2,000 sessions: ${elapsed.toFixed(1)} ms`);
    expect(sessions).toHaveLength(200);
    expect(sessions[0]).toMatchObject({ sessionId: 's0', traceCount: 10 });
    expect(elapsed).toBeLessThan(500);
  });
});

describe('conversation cap', () => {
  it('loads at most maxSpans GenAI spans, earliest first, and says it truncated', async () => {
    const T = traceId(3);
    const spans = Array.from({ length: 5 }, (_, i) =>
      spanRecord({ traceId: T, spanId: spanId(i + 1), startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(i + 1), attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } }),
    );
    spans.push(spanRecord({ traceId: T, spanId: spanId(9), startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(1), attributes: { 'http.route': '/' } }));
    await store.ingestSpans(spans);
    const loaded = store.traceGenAiSpans(T, 3)!;
    expect(loaded.truncated).toBe(true);
    expect(loaded.spans.map((s) => s.span.spanId)).toEqual([spanId(1), spanId(2), spanId(3)]);
    expect(loaded.spans[1]!.startOffsetMs).toBe(1);
    expect(store.traceGenAiSpans(T)!.spans).toHaveLength(5); // the non-GenAI span is not loaded
    expect(store.traceGenAiSpans(traceId(4))).toBeNull();
  });
});

describe('badge packing (codec.ts)', () => {
  it('round-trips kinds, names, aggregate flag and token counts (absent, zero, large, clamped)', () => {
    const names = ['', 'gpt-4o\u001f\u001f', '\u001fplanner\u001f', '\u001f\u001fsearch'];
    const cases: [GenAiBadge, number][] = [
      [{ kind: 'llm', model: 'gpt-4o', inputTokens: 0, outputTokens: 12 }, 1],
      [{ kind: 'agent', agentName: 'planner', inputTokens: 5_000_000, usageIsAggregate: true }, 2],
      [{ kind: 'tool', toolName: 'search' }, 3],
      [{ kind: 'evaluator', outputTokens: 7 }, 0],
    ];
    for (const [badge, id] of cases) {
      expect(badgeNamesKey(badge)).toBe(names[id]);
      const packed = packBadge(badge, id);
      expect(Number.isSafeInteger(packed.genai)).toBe(true);
      expect(unpackBadge(packed.genai, packed.tokens, names)).toEqual(badge);
    }
    const huge = packBadge({ kind: 'llm', inputTokens: 1e12, outputTokens: 1e12 }, 99_999);
    expect(Number.isSafeInteger(huge.tokens!)).toBe(true);
    expect(unpackBadge(huge.genai, huge.tokens, names)).toEqual({ kind: 'llm', inputTokens: 2 ** 26 - 2, outputTokens: 2 ** 26 - 2 });
  });
});

describe('content by reference and MCP pairs through the worker (real store, real temp file)', () => {
  it('spanDetail and traceConversation read a file:// *_ref; the MCP server span joins its client card', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-lens-worker-refs-'));
    try {
      const inputs = join(dir, 'call_inputs.json');
      writeFileSync(inputs, JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]));
      const tid = traceId(0x77);
      const sv = (v: string) => ({ stringValue: v });
      const at = (key: string, value: unknown) => ({ key, value });
      const mcpAttrs = [at('mcp.method.name', sv('tools/call')), at('gen_ai.operation.name', sv('execute_tool')), at('gen_ai.tool.name', sv('get-weather'))];
      const span = (id: string, parent: string | undefined, name: string, kind: number, start: number, attributes: unknown[]) => ({
        traceId: tid, spanId: id, ...(parent ? { parentSpanId: parent } : {}), name, kind, startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 5), attributes,
      });
      const [chat, client, server] = [spanId(0x701), spanId(0x702), spanId(0x703)];
      const body = {
        resourceSpans: [
          { resource: { attributes: [at('service.name', sv('agent'))] }, scopeSpans: [{ scope: { name: 'x' }, spans: [
            span(chat, undefined, 'chat gpt-4o', 3, 0, [at('gen_ai.operation.name', sv('chat')), at('gen_ai.request.model', sv('gpt-4o')), at('gen_ai.input.messages_ref', sv(pathToFileURL(inputs).href))]),
            span(client, undefined, 'tools/call get-weather', 3, 10, mcpAttrs),
          ] }] },
          { resource: { attributes: [at('service.name', sv('weather-mcp'))] }, scopeSpans: [{ scope: { name: 'y' }, spans: [span(server, client, 'tools/call get-weather', 2, 11, mcpAttrs)] }] },
        ],
      };
      const params: IngestParams = { signal: 'traces', format: 'json', encoding: 'identity', body: new TextEncoder().encode(JSON.stringify(body)), maxBodyBytes: 1 << 26 };
      expect(await service.ingest(params)).toMatchObject({ status: 'ok', rejected: 0 });

      const detail = (await service.handlers.spanDetail({ traceId: tid, spanId: chat }))!;
      expect(summarize(detail.genai!.inputMessages)).toEqual(['user: Weather in Paris?']);
      expect(detail.genai!.contentRefs?.[0]).toMatchObject({ localPath: inputs, read: { format: 'json' } });

      const conv = (await service.handlers.traceConversation({ traceId: tid }))!;
      expect(conv.items.map((i) => i.type)).toEqual(['modelCall', 'toolCall']);
      const call = conv.items[0]!;
      expect(call.type === 'modelCall' && summarize(call.newInputMessages)).toEqual(['user: Weather in Paris?']);
      const card = conv.items[1]!;
      expect(card.type === 'toolCall' && [card.spanId, card.linkedSpanIds, card.mcp?.server]).toEqual([client, [server], 'weather-mcp']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
