// @ts-check
// Generated trace data for the webview harness. Plain ESM (importing only random.mjs): it runs both
// in Node (the checks) and in the page (the fake extension host answers `spanDetail` from it).
// Shapes follow src/model/trace.ts (TraceSkeleton, TraceSummary, SpanDetail) and src/model/genai.ts
// (GenAiBadge on skeleton spans, GenAiSpanView in SpanDetail.genai, TraceConversation).
import { hex, rng } from './random.mjs';

/** @typedef {import('../../src/model/trace').SpanRecord} SpanRecord */
/** @typedef {import('../../src/model/trace').LogRecordInfo} LogRecordInfo */
/** @typedef {import('../../src/model/trace').SpanKind} SpanKind */
/** @typedef {import('../../src/model/trace').Attributes} Attributes */
/** @typedef {import('../../src/model/trace').AttributeValue} AttributeValue */
/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */
/** @typedef {import('../../src/model/trace').TraceSkeleton} TraceSkeleton */
/** @typedef {import('../../src/model/trace').TraceSummary} TraceSummary */
/** @typedef {import('../../src/model/trace').SpanDetail} SpanDetail */
/** @typedef {import('../../src/model/genai').GenAiSpanView} GenAiSpanView */
/** @typedef {import('../../src/model/genai').GenAiBadge} GenAiBadge */
/** @typedef {import('../../src/model/genai').GenAiMessage} GenAiMessage */
/** @typedef {import('../../src/model/genai').GenAiMessagePart} GenAiMessagePart */
/** @typedef {import('../../src/model/genai').GenAiUsage} GenAiUsage */
/** @typedef {import('../../src/model/genai').ConversationItem} ConversationItem */
/** @typedef {import('../../src/model/genai').TraceConversation} TraceConversation */
/** @typedef {Extract<ConversationItem, { type: 'modelCall' }>} ModelCallItem */
/**
 * A fixture's GenAI data, by span id: views (SpanDetail.genai), badges (SkeletonSpan.genai) and the
 * trace's conversation.
 * @typedef {{ views: Record<string, GenAiSpanView>, badges: Record<string, GenAiBadge>, conversation: TraceConversation }} FixtureGenAi
 */
/**
 * A generated trace: its skeleton and summary as the panel gets them, span details, the
 * conversation, partial versions (a live trace), and for makeRobustTrace the ids of its spans.
 * @typedef {ReturnType<typeof build> & { ids?: Record<string, string> }} TraceFixture
 */
/**
 * A span of makeAgentTrace: `parent` is a key of an earlier span or a literal span id, times in ms.
 * @typedef {{ parent?: string, name: string, kind?: SpanKind, start: number, dur: number, attributes?: Attributes,
 *   droppedAttributesCount?: number, events?: { name: string, at: number, attributes?: Attributes }[],
 *   links?: SpanRecord['links'], status?: SpanRecord['status'], service?: string, scope?: string }} SpanSpec
 */

const BASE_NANO = 1732198765123456789n; // 2024-11-21 14:19:25.123 UTC, with µs and ns parts

/** @param {number} offsetMs */
const nano = (offsetMs) => (BASE_NANO + BigInt(Math.round(offsetMs * 1e6))).toString();

/** @type {Record<string, import('../../src/model/trace').ResourceInfo>} */
const resources = {
  'agent-app': {
    attributes: {
      'service.name': 'agent-app',
      'service.version': '0.4.2',
      'deployment.environment.name': 'dev',
      'telemetry.sdk.language': 'python',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '1.29.0',
      'process.pid': 48213,
      'host.name': 'dev-laptop',
    },
    droppedAttributesCount: 0,
    schemaUrl: 'https://opentelemetry.io/schemas/1.28.0',
  },
  'weather-api': {
    attributes: { 'service.name': 'weather-api', 'service.version': '2.1.0', 'telemetry.sdk.language': 'go', 'k8s.pod.name': 'weather-api-7d9f8-x2k4p' },
    droppedAttributesCount: 0,
    schemaUrl: '',
  },
  'vector-db': {
    attributes: { 'service.name': 'vector-db', 'db.system.name': 'qdrant' },
    droppedAttributesCount: 0,
    schemaUrl: '',
  },
  'audit-worker': {
    attributes: { 'service.name': 'audit-worker', 'telemetry.sdk.language': 'nodejs' },
    droppedAttributesCount: 0,
    schemaUrl: '',
  },
};

/** @type {Record<string, import('../../src/model/trace').ScopeInfo>} */
const scopes = {
  openai: { name: 'opentelemetry.instrumentation.openai_v2', version: '2.1b0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  agent: { name: 'weather_agent', version: '0.4.2', attributes: { 'agent.framework': 'custom' }, droppedAttributesCount: 0, schemaUrl: '' },
  http: { name: 'opentelemetry.instrumentation.httpx', version: '0.50b0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  server: { name: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', version: '0.58.0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  plain: { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
};

/** The prompt with markup that must be shown as text (XSS check). */
export const HOSTILE_PROMPT = 'What is the weather in Paris? <img src=x onerror=alert(1)> <script>alert("xss")</script> Also tell me about Lyon.';

/**
 * The final answer, as markdown with hostile markup a model could echo back (it must render as
 * text), a javascript: link and an image (neither may become navigable or load anything).
 */
export const HOSTILE_ANSWER = [
  'It is **14°C** with light rain in Paris right now (source: `weather-api`).',
  '',
  '- The 3-day forecast is *unavailable*: the forecast service returned 503.',
  '- Lyon averages **10°C** in November ([climate data](https://example.invalid/lyon)).',
  '',
  'You asked about <img src=x onerror="window.__xss=true"> and <script>window.__xss=true</script>; here they are as text.',
  '',
  '[click me](javascript:window.__xss=true) ![tracking pixel](https://example.invalid/pixel.png)',
  '',
  '| City | Now | Condition |',
  '| --- | --- | --- |',
  '| Paris | 14°C | light rain |',
  '',
  '```json',
  '{"city": "Paris", "temp_c": 14.2}',
  '```',
].join('\n');

const SYSTEM_PROMPT =
  'You are a helpful weather assistant. Use the tools get_weather, get_forecast and search_docs to answer. Always cite the data source. If a tool fails, explain the failure briefly and continue with the data you have.';

const TOOL_DEFINITIONS = [
  { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string' }, units: { type: 'string', enum: ['metric', 'imperial'] } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_forecast', description: 'Forecast for the next days.', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'search_docs', description: 'Search the climate documents.', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } } },
];

const SEARCH_RESULT = JSON.stringify({
  results: [
    { id: 'doc-6666', score: 0.95, title: 'Injected <img src=x onerror="window.__xss=true"> title', snippet: '<script>window.__xss=true</script><a href="javascript:window.__xss=true" onclick="window.__xss=true">Lyon</a>' },
    { id: 'doc-1182', score: 0.91, title: 'Lyon climate normals 1991-2020', snippet: 'November: mean 9.8°C, 8 rain days, 84 mm precipitation.' },
    { id: 'doc-0421', score: 0.83, title: 'Rhône valley seasonal overview', snippet: 'Autumn brings frequent fog in the valley; temperatures drop quickly after mid-November.' },
    { id: 'doc-2210', score: 0.77, title: 'French cities compared', snippet: 'Lyon is slightly warmer than Paris in summer and colder in winter.' },
  ],
});

const STACK = `Traceback (most recent call last):
  File "/app/agent/tools.py", line 88, in execute_tool
    result = await tool.run(**arguments)
  File "/app/agent/tools/forecast.py", line 41, in run
    resp = await self.client.get(f"/v1/forecast?city={city}&days={days}")
  File "/usr/lib/python3.12/site-packages/httpx/_client.py", line 1814, in get
    return await self.request("GET", url, params=params, headers=headers)
  File "/usr/lib/python3.12/site-packages/httpx/_client.py", line 1585, in request
    return await self.send(request, auth=auth, follow_redirects=follow_redirects)
  File "/usr/lib/python3.12/site-packages/httpx/_client.py", line 1674, in send
    response = await self._send_handling_auth(request, auth=auth)
  File "/app/agent/tools/forecast.py", line 52, in _raise_for_status
    raise ForecastUnavailableError(f"forecast service returned {resp.status_code} for city={city!r}")
agent.tools.forecast.ForecastUnavailableError: forecast service returned 503 for city='Paris'`;

/**
 * A small agent run: invoke_agent → chat → execute_tool get_weather (→ HTTP → server in another
 * service) → execute_tool get_forecast (fails with an exception) → chat → … plus a span whose
 * parent never arrived and a producer/consumer pair.
 * Returns { skeleton, summary, details } with details keyed by span id.
 */
export function makeAgentTrace() {
  const rand = rng(7);
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  /** @type {SpanRecord[]} */
  const records = [];
  /** @type {Record<string, LogRecordInfo[]>} */
  const logs = {};
  /** @type {Record<string, string>} */
  const ids = {};
  /**
   * @param {string} key
   * @param {SpanSpec} o
   */
  const add = (key, o) => {
    const spanId = hex(rand, 16);
    ids[key] = spanId;
    const parentSpanId = o.parent === undefined ? null : o.parent in ids ? ids[o.parent] : o.parent;
    /** @type {SpanRecord} */
    const rec = {
      traceId,
      spanId,
      parentSpanId,
      traceState: '',
      flags: 1,
      name: o.name,
      kind: o.kind ?? 'internal',
      startTimeUnixNano: nano(o.start),
      endTimeUnixNano: nano(o.start + o.dur),
      attributes: o.attributes ?? {},
      droppedAttributesCount: o.droppedAttributesCount ?? 0,
      events: (o.events ?? []).map((e) => ({ name: e.name, timeUnixNano: nano(o.start + e.at), attributes: e.attributes ?? {}, droppedAttributesCount: 0 })),
      droppedEventsCount: 0,
      links: o.links ?? [],
      droppedLinksCount: 0,
      status: o.status ?? { code: 'unset', message: '' },
      resource: resources[o.service ?? 'agent-app'],
      scope: scopes[o.scope ?? 'agent'],
    };
    records.push(rec);
    return rec;
  };
  /**
   * The attributes of a chat span (OTel GenAI semantic conventions, messages as JSON).
   * @param {number} i
   * @param {unknown[]} input
   * @param {unknown[]} output
   * @param {number} inTok
   * @param {number} outTok
   * @returns {Attributes}
   */
  const chatAttrs = (i, input, output, inTok, outTok, finish = 'tool_calls') => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.response.id': `chatcmpl-AXk${i}93hZ2qPp1m7bNc0dVt`,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 1024,
    'gen_ai.response.finish_reasons': [finish],
    'gen_ai.usage.input_tokens': inTok,
    'gen_ai.usage.output_tokens': outTok,
    'gen_ai.input.messages': JSON.stringify(input),
    'gen_ai.output.messages': JSON.stringify(output),
    'server.address': 'api.openai.com',
    'server.port': 443,
  });
  const system = {
    role: 'system',
    parts: [
      {
        type: 'text',
        content:
          'You are a helpful weather assistant. Use the tools get_weather, get_forecast and search_docs to answer. Always cite the data source. If a tool fails, explain the failure briefly and continue with the data you have.',
      },
    ],
  };
  const user = { role: 'user', parts: [{ type: 'text', content: HOSTILE_PROMPT }] };
  const call1 = {
    role: 'assistant',
    parts: [
      { type: 'tool_call', id: 'call_w1', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } },
      { type: 'tool_call', id: 'call_f1', name: 'get_forecast', arguments: { city: 'Paris', days: 3 } },
    ],
    finish_reason: 'tool_calls',
  };

  add('root', {
    name: 'invoke_agent weather_assistant',
    start: 0,
    dur: 4870.4,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather_assistant',
      'gen_ai.agent.id': 'agt_01JD3K8Q4W',
      'gen_ai.conversation.id': 'conv_5f2a9c',
      'code.function.name': 'WeatherAgent.run',
      'code.file.path': '/app/agent/main.py',
      'code.line.number': 57,
    },
    scope: 'agent',
  });
  add('chat1', {
    parent: 'root',
    name: 'chat gpt-4o-mini',
    kind: 'client',
    start: 12.5,
    dur: 1103.2,
    attributes: chatAttrs(1, [system, user], [call1], 412, 61),
    scope: 'openai',
    events: [{ name: 'gen_ai.content.completion_started', at: 640.1 }],
  });
  add('http1', { parent: 'chat1', name: 'POST', kind: 'client', start: 18.2, dur: 1090.7, scope: 'http', attributes: { 'http.request.method': 'POST', 'url.full': 'https://api.openai.com/v1/chat/completions', 'http.response.status_code': 200, 'server.address': 'api.openai.com' } });
  add('tool1', {
    parent: 'root',
    name: 'execute_tool get_weather',
    start: 1122.9,
    dur: 342.6,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'call_w1', 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.arguments': '{"city":"Paris","units":"metric"}', 'gen_ai.tool.call.result': '{"temp_c":14.2,"condition":"light rain","humidity":0.81,"source":"weather-api"}' },
  });
  add('get1', { parent: 'tool1', name: 'GET /v1/current', kind: 'client', start: 1130.1, dur: 331.0, scope: 'http', attributes: { 'http.request.method': 'GET', 'url.full': 'http://weather-api.internal/v1/current?city=Paris&units=metric', 'http.response.status_code': 200 } });
  add('srv1', {
    parent: 'get1',
    name: 'GET /v1/current',
    kind: 'server',
    service: 'weather-api',
    scope: 'server',
    start: 1141.7,
    dur: 305.2,
    attributes: { 'http.request.method': 'GET', 'http.route': '/v1/current', 'url.path': '/v1/current', 'url.query': 'city=Paris&units=metric', 'http.response.status_code': 200, 'user_agent.original': 'python-httpx/0.27.2', 'network.peer.address': '10.12.4.7' },
    status: { code: 'ok', message: '' },
  });
  add('db1', { parent: 'srv1', name: 'SELECT observations', kind: 'client', service: 'weather-api', scope: 'server', start: 1150.3, dur: 211.9, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT temp_c, condition, humidity FROM observations WHERE city_id = $1 ORDER BY observed_at DESC LIMIT 1', 'db.namespace': 'weather' } });
  add('tool2', {
    parent: 'root',
    name: 'execute_tool get_forecast',
    start: 1126.4,
    dur: 1510.8,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_forecast', 'gen_ai.tool.call.id': 'call_f1', 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.arguments': '{"city":"Paris","days":3}', 'error.type': 'ForecastUnavailableError', 'retry.count': 2 },
    status: { code: 'error', message: "forecast service returned 503 for city='Paris'" },
    events: [
      { name: 'retry', at: 500.2, attributes: { attempt: 1, 'backoff.ms': 250 } },
      { name: 'retry', at: 1001.7, attributes: { attempt: 2, 'backoff.ms': 500 } },
      {
        name: 'exception',
        at: 1509.9,
        attributes: {
          'exception.type': 'agent.tools.forecast.ForecastUnavailableError',
          'exception.message': "forecast service returned 503 for city='Paris'",
          'exception.stacktrace': STACK,
          'exception.escaped': true,
        },
      },
    ],
  });
  add('get2', { parent: 'tool2', name: 'GET /v1/forecast', kind: 'client', start: 1131.0, dur: 1490.2, scope: 'http', status: { code: 'error', message: 'HTTP 503' }, attributes: { 'http.request.method': 'GET', 'url.full': 'http://weather-api.internal/v1/forecast?city=Paris&days=3', 'http.response.status_code': 503, 'error.type': '503' } });
  add('chat2', {
    parent: 'root',
    name: 'chat gpt-4o-mini',
    kind: 'client',
    start: 2650.2,
    dur: 1390.5,
    attributes: chatAttrs(
      2,
      [system, user, call1, { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_w1', response: { temp_c: 14.2, condition: 'light rain' } }] }, { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_f1', response: { error: 'forecast service returned 503' } }] }],
      [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_s1', name: 'search_docs', arguments: { query: 'Lyon weather averages November' } }], finish_reason: 'tool_calls' }],
      811,
      38,
    ),
    scope: 'openai',
  });
  add('tool3', { parent: 'root', name: 'execute_tool search_docs', start: 4046.0, dur: 402.3, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_docs', 'gen_ai.tool.call.id': 'call_s1', 'gen_ai.tool.call.arguments': '{"query":"Lyon weather averages November"}', 'gen_ai.tool.call.result': SEARCH_RESULT } });
  add('emb', { parent: 'tool3', name: 'embeddings text-embedding-3-small', kind: 'client', start: 4050.1, dur: 160.4, scope: 'openai', attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 9 } });
  add('vq', { parent: 'tool3', name: 'query documents', kind: 'client', service: 'vector-db', start: 4215.8, dur: 225.1, attributes: { 'db.system.name': 'qdrant', 'db.collection.name': 'documents', 'db.operation.name': 'query', 'db.query.summary': 'query documents top_k=5' } });
  add('chat3', {
    parent: 'root',
    name: 'chat gpt-4o-mini',
    kind: 'client',
    start: 4452.7,
    dur: 401.3,
    attributes: chatAttrs(3, [system, user], [{ role: 'assistant', parts: [{ type: 'text', content: HOSTILE_ANSWER }], finish_reason: 'stop' }], 1093, 52, 'stop'),
    scope: 'openai',
  });
  add('pub', { parent: 'root', name: 'publish audit-events', kind: 'producer', start: 4860.0, dur: 6.1, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'audit-events', 'messaging.operation.type': 'send' } });
  add('cons', {
    parent: 'pub',
    name: 'process audit-events',
    kind: 'consumer',
    service: 'audit-worker',
    start: 4866.9,
    dur: 3.2,
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'audit-events', 'messaging.operation.type': 'process', 'messaging.kafka.offset': 88213 },
    links: [{ traceId, spanId: ids.pub, traceState: '', attributes: { 'messaging.operation.type': 'send' }, droppedAttributesCount: 0 }, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'vendor=1', attributes: {}, droppedAttributesCount: 0 }],
  });
  // A span whose parent was never exported (e.g. from a background task of another request).
  add('orphan', { parent: 'e3b0c44298fc1c14', name: 'cache.flush', start: 2200.0, dur: 48.7, attributes: { 'cache.entries': 12 }, scope: 'plain' });

  /**
   * The record of the span added as `key`.
   * @param {string} key
   */
  const rec = (key) => /** @type {SpanRecord} */ (records.find((r) => r.spanId === ids[key]));
  /**
   * @param {string} key
   * @param {number} at
   */
  const logTime = (key, at) => (BigInt(rec(key).startTimeUnixNano) + BigInt(Math.round(at * 1e6))).toString();
  /**
   * @param {string} key
   * @param {number} at
   * @param {{ sev?: number, sevText?: string, event?: string, body: AttributeValue, attributes?: Attributes }} o
   */
  const log = (key, at, o) => {
    (logs[ids[key]] ??= []).push({
      timeUnixNano: logTime(key, at),
      observedTimeUnixNano: logTime(key, at + 0.2),
      severityNumber: o.sev ?? 9,
      severityText: o.sevText ?? '',
      eventName: o.event ?? '',
      body: o.body,
      attributes: o.attributes ?? {},
      droppedAttributesCount: 0,
      flags: 1,
      traceId,
      spanId: ids[key],
      resource: resources['agent-app'],
      scope: scopes.openai,
    });
  };
  log('chat1', 0.4, { event: 'gen_ai.system.message', body: { content: system.parts[0].content }, attributes: { 'gen_ai.system': 'openai' } });
  log('chat1', 0.5, { event: 'gen_ai.user.message', body: { content: HOSTILE_PROMPT }, attributes: { 'gen_ai.system': 'openai' } });
  log('chat1', 1102.8, {
    event: 'gen_ai.choice',
    body: { index: 0, finish_reason: 'tool_calls', message: { tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":"metric"}' } }, { id: 'call_f1', type: 'function', function: { name: 'get_forecast', arguments: '{"city":"Paris","days":3}' } }] } },
    attributes: { 'gen_ai.system': 'openai' },
  });
  log('chat1', 2.0, { sevText: 'DEBUG', sev: 5, body: 'POST https://api.openai.com/v1/chat/completions "HTTP/1.1 200 OK"', attributes: { 'code.function.name': '_send_single_request', 'logger.name': 'httpx' } });
  log('tool2', 500.0, { sev: 13, sevText: 'WARNING', body: 'forecast service returned 503, retrying in 250 ms (attempt 1/2)' });
  log('tool2', 1001.0, { sev: 13, sevText: 'WARNING', body: 'forecast service returned 503, retrying in 500 ms (attempt 2/2)' });
  log('tool2', 1509.5, { sev: 17, sevText: 'ERROR', body: `Tool get_forecast failed\n${STACK}`, attributes: { 'exception.type': 'ForecastUnavailableError' } });
  for (const l of Object.values(logs)) l.sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));

  // GenAI: what the normalizer produces for these spans (src/model/genai.ts shapes).
  /** @param {string} key */
  const offset = (key) => Number(BigInt(rec(key).startTimeUnixNano) - BASE_NANO) / 1e6;
  /** @param {string} key */
  const dur = (key) => Number(BigInt(rec(key).endTimeUnixNano) - BigInt(rec(key).startTimeUnixNano)) / 1e6;
  /** @type {GenAiMessagePart[]} */
  const sysParts = [{ type: 'text', content: SYSTEM_PROMPT }];
  /** @type {GenAiMessage} */
  const userMsg = { role: 'user', parts: [{ type: 'text', content: HOSTILE_PROMPT }] };
  /** @type {GenAiMessage} */
  const call1Msg = {
    role: 'assistant',
    parts: [
      { type: 'tool_call', id: 'call_w1', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } },
      { type: 'tool_call', id: 'call_f1', name: 'get_forecast', arguments: { city: 'Paris', days: 3 } },
    ],
    finishReason: 'tool_calls',
  };
  /** @type {GenAiMessage[]} */
  const toolMsgs = [
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_w1', response: { temp_c: 14.2, condition: 'light rain' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_f1', response: { error: 'forecast service returned 503' } }] },
  ];
  /** @type {GenAiMessage} */
  const call2Msg = {
    role: 'assistant',
    parts: [
      { type: 'reasoning', content: 'Paris weather is known (14°C, light rain). The forecast failed with 503, so I will say so. For Lyon, search the climate documents for November averages.' },
      { type: 'tool_call', id: 'call_s1', name: 'search_docs', arguments: '{"query":"Lyon weather averages November"}' },
    ],
    finishReason: 'tool_calls',
  };
  /** @type {GenAiMessage} */
  const answerMsg = { role: 'assistant', parts: [{ type: 'text', content: HOSTILE_ANSWER }], finishReason: 'stop' };
  /**
   * @param {GenAiUsage} usage
   * @param {Partial<GenAiSpanView>} extra
   * @returns {GenAiSpanView}
   */
  const llm = (usage, extra) => ({
    kind: 'llm',
    conventions: ['otel-genai', 'otel-genai-events'],
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    usage,
    sessionId: 'conv_5f2a9c',
    ...extra,
  });
  /** @type {Record<string, GenAiSpanView>} */
  const views = {
    root: { kind: 'agent', conventions: ['otel-genai'], agentName: 'weather_assistant', sessionId: 'conv_5f2a9c', userId: 'user_8841' },
    chat1: llm({ inputTokens: 412, outputTokens: 61, totalTokens: 473 }, { finishReasons: ['tool_calls'], systemInstructions: sysParts, inputMessages: [userMsg], outputMessages: [call1Msg], toolDefinitions: TOOL_DEFINITIONS }),
    chat2: llm(
      { inputTokens: 811, outputTokens: 38, totalTokens: 849, cacheReadTokens: 384, reasoningTokens: 22 },
      {
        finishReasons: ['tool_calls'],
        systemInstructions: sysParts,
        inputMessages: [userMsg, call1Msg, ...toolMsgs],
        outputMessages: [call2Msg],
        rawValues: [{ key: 'gen_ai.tool.definitions', raw: '[{"type":"function","function":{"name":"search_docs","parameters":{"type":"object"', note: 'Not valid JSON (unexpected end of input): shown as received.' }],
      },
    ),
    chat3: llm({ inputTokens: 1093, outputTokens: 52, totalTokens: 1145 }, { finishReasons: ['stop'], systemInstructions: sysParts, inputMessages: [userMsg], outputMessages: [answerMsg], reportedCostUsd: 0.000195 }),
    tool1: { kind: 'tool', conventions: ['otel-genai'], tool: { name: 'get_weather', callId: 'call_w1', type: 'function', arguments: '{"city":"Paris","units":"metric"}', result: rec('tool1').attributes['gen_ai.tool.call.result'] } },
    tool2: { kind: 'tool', conventions: ['otel-genai'], tool: { name: 'get_forecast', callId: 'call_f1', type: 'function', arguments: '{"city":"Paris","days":3}' } },
    tool3: { kind: 'tool', conventions: ['otel-genai'], tool: { name: 'search_docs', callId: 'call_s1', arguments: '{"query":"Lyon weather averages November"}', result: SEARCH_RESULT } },
    emb: { kind: 'embeddings', conventions: ['otel-genai'], requestModel: 'text-embedding-3-small', usage: { inputTokens: 9 } },
  };
  /** @type {Record<string, GenAiBadge>} */
  const badges = {
    root: { kind: 'agent', agentName: 'weather_assistant' },
    chat1: { kind: 'llm', model: 'gpt-4o-mini-2024-07-18', inputTokens: 412, outputTokens: 61 },
    chat2: { kind: 'llm', model: 'gpt-4o-mini-2024-07-18', inputTokens: 811, outputTokens: 38 },
    chat3: { kind: 'llm', model: 'gpt-4o-mini-2024-07-18', inputTokens: 1093, outputTokens: 52 },
    tool1: { kind: 'tool', toolName: 'get_weather' },
    tool2: { kind: 'tool', toolName: 'get_forecast' },
    tool3: { kind: 'tool', toolName: 'search_docs' },
    emb: { kind: 'embeddings', model: 'text-embedding-3-small', inputTokens: 9 },
    vq: { kind: 'retriever' },
  };
  /**
   * @param {string} key
   * @param {Pick<ModelCallItem, 'newInputMessages' | 'outputMessages'> & Partial<ModelCallItem>} extra
   * @returns {ModelCallItem}
   */
  const modelCall = (key, extra) => ({
    type: 'modelCall',
    spanId: ids[key],
    startOffsetMs: offset(key),
    durationMs: dur(key),
    model: 'gpt-4o-mini-2024-07-18',
    provider: 'openai',
    usage: views[key].usage,
    systemInstructions: sysParts,
    ...extra,
  });
  /**
   * @param {string} key
   * @param {{ name: string, callId?: string, arguments?: unknown, result?: unknown, error?: string }} extra
   * @returns {ConversationItem}
   */
  const toolCall = (key, extra) => ({ type: 'toolCall', spanId: ids[key], startOffsetMs: offset(key), durationMs: dur(key), ...extra });
  /** @type {TraceConversation} */
  const conversation = {
    traceId,
    contentMissingCount: 0,
    items: [
      { type: 'agent', spanId: ids.root, startOffsetMs: 0, durationMs: dur('root'), agentName: 'weather_assistant' },
      modelCall('chat1', { newInputMessages: [userMsg], outputMessages: [call1Msg] }),
      toolCall('tool1', { name: 'get_weather', callId: 'call_w1', arguments: '{"city":"Paris","units":"metric"}', result: rec('tool1').attributes['gen_ai.tool.call.result'] }),
      toolCall('tool2', { name: 'get_forecast', callId: 'call_f1', arguments: '{"city":"Paris","days":3}', error: "ForecastUnavailableError: forecast service returned 503 for city='Paris'" }),
      modelCall('chat2', { newInputMessages: toolMsgs, outputMessages: [call2Msg] }),
      toolCall('tool3', { name: 'search_docs', callId: 'call_s1', arguments: '{"query":"Lyon weather averages November"}', result: SEARCH_RESULT }),
      modelCall('chat3', { newInputMessages: [], outputMessages: [answerMsg] }),
    ],
  };
  /** @type {FixtureGenAi} */
  const genai = { views: {}, badges: {}, conversation };
  for (const [key, v] of Object.entries(views)) genai.views[ids[key]] = v;
  for (const [key, b] of Object.entries(badges)) genai.badges[ids[key]] = b;
  return build(traceId, records, logs, genai);
}

/**
 * A model-call trace instrumented with content capture off: usage and models only, so the
 * Conversation tab and the details show the "content not captured" notice with the hint.
 */
export function makeNoContentTrace() {
  const rand = rng(11);
  const traceId = '7a1c3e5f9b2d4c6e8a0b1c2d3e4f5a6b';
  const hint = 'Set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true in the environment of the app (@opentelemetry/instrumentation-openai).';
  /** @type {SpanRecord[]} */
  const records = [];
  /**
   * @param {string | null} parent
   * @param {string} name
   * @param {SpanKind} kind
   * @param {number} start
   * @param {number} durMs
   * @param {Attributes} attributes
   */
  const mk = (parent, name, kind, start, durMs, attributes) => {
    const spanId = hex(rand, 16);
    records.push({
      traceId, spanId, parentSpanId: parent, traceState: '', flags: 1, name, kind,
      startTimeUnixNano: nano(start), endTimeUnixNano: nano(start + durMs), attributes,
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: 'unset', message: '' }, resource: resources['agent-app'], scope: scopes.openai,
    });
    return spanId;
  };
  const root = mk(null, 'invoke_agent support_bot', 'internal', 0, 2400, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support_bot' });
  /**
   * @param {number} i
   * @param {number} o
   */
  const usage = (i, o) => ({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': i, 'gen_ai.usage.output_tokens': o });
  const c1 = mk(root, 'chat gpt-4o', 'client', 5, 1100, usage(1520, 210));
  const c2 = mk(root, 'chat gpt-4o', 'client', 1200, 1150, usage(1790, 96));
  /**
   * @param {number} i
   * @param {number} o
   * @returns {GenAiSpanView}
   */
  const view = (i, o) => ({ kind: 'llm', conventions: ['otel-genai'], provider: 'openai', requestModel: 'gpt-4o', usage: { inputTokens: i, outputTokens: o }, contentMissing: true, contentCaptureHint: hint });
  /** @type {FixtureGenAi} */
  const genai = {
    views: { [root]: { kind: 'agent', conventions: ['otel-genai'], agentName: 'support_bot' }, [c1]: view(1520, 210), [c2]: view(1790, 96) },
    badges: { [root]: { kind: 'agent', agentName: 'support_bot' }, [c1]: { kind: 'llm', model: 'gpt-4o', inputTokens: 1520, outputTokens: 210 }, [c2]: { kind: 'llm', model: 'gpt-4o', inputTokens: 1790, outputTokens: 96 } },
    conversation: {
      traceId,
      contentMissingCount: 2,
      // As if the worker had stopped loading GenAI spans at its limit.
      truncated: true,
      items: [
        { type: 'agent', spanId: root, startOffsetMs: 0, durationMs: 2400, agentName: 'support_bot' },
        { type: 'modelCall', spanId: c1, startOffsetMs: 5, durationMs: 1100, model: 'gpt-4o', provider: 'openai', usage: { inputTokens: 1520, outputTokens: 210 }, newInputMessages: [], outputMessages: [], contentMissing: true, contentCaptureHint: hint },
        { type: 'modelCall', spanId: c2, startOffsetMs: 1200, durationMs: 1150, model: 'gpt-4o', provider: 'openai', usage: { inputTokens: 1790, outputTokens: 96 }, newInputMessages: [], outputMessages: [], contentMissing: true, contentCaptureHint: hint },
      ],
    },
  };
  return build(traceId, records, {}, genai);
}

/** What Trace Lens's decoders append to a value they cut (src/model/limits.ts truncateValue). */
export const TRUNCATION_SUFFIX = '…[Trace Lens truncated this value: 5242880 characters in total; setting traceLens.store.maxAttributeValueLength]';

/**
 * A trace with what robust ingest keeps but marks: two spans whose parent never arrived (one
 * missing parent id), a span that ends before it starts, an attribute and a log body cut at
 * ingest (with the truncation marker).
 */
export function makeRobustTrace() {
  const rand = rng(23);
  const traceId = '5eed5eed5eed5eed5eed5eed5eed5eed';
  /** @type {SpanRecord[]} */
  const records = [];
  /** @type {Record<string, LogRecordInfo[]>} */
  const logs = {};
  /**
   * @param {string | null} parent
   * @param {string} name
   * @param {number} start
   * @param {number} endOffset
   * @param {Attributes} [attributes]
   */
  const mk = (parent, name, start, endOffset, attributes = {}) => {
    const spanId = hex(rand, 16);
    records.push({
      traceId, spanId, parentSpanId: parent, traceState: '', flags: 1, name, kind: 'internal',
      startTimeUnixNano: nano(start), endTimeUnixNano: nano(endOffset), attributes,
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: 'unset', message: '' }, resource: resources['agent-app'], scope: scopes.agent,
    });
    return spanId;
  };
  const root = mk(null, 'handle request', 0, 300);
  const skewed = mk(root, 'clock skewed step', 100, 60);
  const big = mk(root, 'prompt too large', 150, 250, { 'gen_ai.prompt': 'p'.repeat(2000) + TRUNCATION_SUFFIX, 'gen_ai.request.model': 'gpt-4o' });
  logs[big] = [{
    timeUnixNano: nano(160), observedTimeUnixNano: nano(160), severityNumber: 9, severityText: 'INFO', eventName: 'gen_ai.user.message',
    body: 'q'.repeat(1500) + TRUNCATION_SUFFIX, attributes: {}, droppedAttributesCount: 0, flags: 0, traceId, spanId: big,
    resource: resources['agent-app'], scope: scopes.agent,
  }];
  const missing = 'dead00000000beef';
  mk(missing, 'orphan one', 400, 450);
  mk(missing, 'orphan two', 420, 500);
  return { ...build(traceId, records, logs), ids: { root, skewed, big, missing } };
}

/** A trace without any GenAI span (an HTTP request and a query): the Conversation tab's empty state. */
export function makePlainTrace() {
  const rand = rng(5);
  const traceId = '0c0ffee0c0ffee0c0ffee0c0ffee0c0f';
  /** @type {SpanRecord[]} */
  const records = [];
  /**
   * @param {string | null} parent
   * @param {string} name
   * @param {SpanKind} kind
   * @param {number} start
   * @param {number} durMs
   * @param {string} service
   */
  const mk = (parent, name, kind, start, durMs, service) => {
    const spanId = hex(rand, 16);
    records.push({
      traceId, spanId, parentSpanId: parent, traceState: '', flags: 1, name, kind,
      startTimeUnixNano: nano(start), endTimeUnixNano: nano(start + durMs), attributes: { 'http.request.method': 'GET' },
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: 'unset', message: '' }, resource: resources[service], scope: scopes.server,
    });
    return spanId;
  };
  const root = mk(null, 'GET /v1/current', 'server', 0, 120, 'weather-api');
  mk(root, 'SELECT observations', 'client', 10, 80, 'weather-api');
  return build(traceId, records, {}, { views: {}, badges: {}, conversation: { traceId, items: [], contentMissingCount: 0 } });
}

/**
 * A large synthetic agent trace of `count` spans: a root with many agent steps, each a chat call
 * and tool calls nesting HTTP/DB spans a few levels deep; about 1% errors.
 * @param {number} count
 */
export function makeBigTrace(count, seed = 42) {
  const rand = rng(seed);
  const traceId = hex(rand, 32);
  /** @type {SpanRecord[]} */
  const records = [];
  const totalMs = 120_000;
  /**
   * @param {string | null} parent
   * @param {string} name
   * @param {SpanKind} kind
   * @param {number} start
   * @param {number} dur
   * @param {string} service
   */
  const mk = (parent, name, kind, start, dur, service) => {
    const spanId = hex(rand, 16);
    const error = rand() < 0.01;
    records.push({
      traceId,
      spanId,
      parentSpanId: parent,
      traceState: '',
      flags: 1,
      name,
      kind,
      startTimeUnixNano: nano(start),
      endTimeUnixNano: nano(start + dur),
      attributes: { 'step.index': records.length, 'gen_ai.operation.name': name.split(' ')[0], 'app.note': `synthetic span ${records.length}` },
      droppedAttributesCount: 0,
      events: error ? [{ name: 'exception', timeUnixNano: nano(start + dur * 0.9), attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'upstream timed out', 'exception.stacktrace': 'TimeoutError: upstream timed out\n    at fetch (/app/http.js:12:9)' }, droppedAttributesCount: 0 }] : [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: error ? { code: 'error', message: 'upstream timed out' } : { code: 'unset', message: '' },
      resource: resources[service],
      scope: scopes.agent,
    });
    return spanId;
  };
  const root = mk(null, 'invoke_agent research_assistant', 'internal', 0, totalMs, 'agent-app');
  const steps = Math.max(1, Math.floor((count - 1) / 10));
  const stepMs = totalMs / steps;
  for (let s = 0; s < steps && records.length < count; s++) {
    const t0 = s * stepMs;
    const step = mk(root, `agent_step ${s + 1}`, 'internal', t0 + 0.5, stepMs * 0.95, 'agent-app');
    const chat = mk(step, 'chat gpt-4o-mini', 'client', t0 + 1, stepMs * 0.4, 'agent-app');
    if (records.length < count) mk(chat, 'POST', 'client', t0 + 1.5, stepMs * 0.39, 'agent-app');
    const tools = 1 + Math.floor(rand() * 2);
    for (let k = 0; k < tools && records.length < count; k++) {
      const ts = t0 + stepMs * (0.42 + k * 0.25);
      const tool = mk(step, `execute_tool ${['search', 'fetch_page', 'summarize'][k % 3]}`, 'internal', ts, stepMs * 0.22, 'agent-app');
      if (records.length < count) {
        const http = mk(tool, 'GET /v1/search', 'client', ts + 0.3, stepMs * 0.2, 'agent-app');
        if (records.length < count) {
          const srv = mk(http, 'GET /v1/search', 'server', ts + 0.6, stepMs * 0.18, 'weather-api');
          if (records.length < count) mk(srv, 'query documents', 'client', ts + 1, stepMs * 0.1, 'vector-db');
        }
      }
    }
  }
  while (records.length < count) mk(root, `flush ${records.length}`, 'producer', totalMs * rand() * 0.99, 5, 'audit-worker');
  records.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? 1 : 0));
  return build(traceId, records, {});
}

/**
 * The fixture of a trace from its span records, logs by span id and GenAI data.
 * @param {string} traceId
 * @param {SpanRecord[]} records
 * @param {Record<string, LogRecordInfo[]>} logs
 * @param {FixtureGenAi | null} [genai]
 */
export function build(traceId, records, logs, genai = null) {
  const start = records.reduce((m, r) => (BigInt(r.startTimeUnixNano) < m ? BigInt(r.startTimeUnixNano) : m), BigInt(records[0].startTimeUnixNano));
  const end = records.reduce((m, r) => (BigInt(r.endTimeUnixNano) > m ? BigInt(r.endTimeUnixNano) : m), 0n);
  const sorted = [...records].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? 1 : 0));
  /** @type {SkeletonSpan[]} */
  const spans = sorted.map((r) => ({
    spanId: r.spanId,
    parentSpanId: r.parentSpanId,
    name: r.name,
    kind: r.kind,
    statusCode: r.status.code,
    serviceName: String(r.resource.attributes['service.name'] ?? ''),
    startOffsetMs: Number(BigInt(r.startTimeUnixNano) - start) / 1e6,
    // As the store reads it: a span that ends before it starts has duration 0.
    durationMs: Math.max(0, Number(BigInt(r.endTimeUnixNano) - BigInt(r.startTimeUnixNano)) / 1e6),
    eventCount: r.events.length,
    hasException: r.events.some((e) => e.name === 'exception'),
    ...(genai?.badges[r.spanId] ? { genai: genai.badges[r.spanId] } : {}),
  }));
  const root = sorted.find((r) => r.parentSpanId === null) ?? sorted[0];
  /** @type {TraceSkeleton} */
  const skeleton = { traceId, startTimeUnixNano: start.toString(), durationMs: Number(end - start) / 1e6, spans };
  /** @type {TraceSummary} */
  const summary = {
    traceId,
    rootName: root.name,
    hasRoot: sorted.some((r) => r.parentSpanId === null),
    serviceName: String(root.resource.attributes['service.name'] ?? ''),
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationMs: Number(end - start) / 1e6,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.statusCode === 'error').length,
    updatedSeq: 1,
  };
  const byId = new Map(records.map((r) => [r.spanId, r]));
  return {
    skeleton,
    summary,
    /**
     * SpanDetail for one span, or null when unknown.
     * @param {string} spanId
     * @returns {SpanDetail | null}
     */
    detail(spanId) {
      const span = byId.get(spanId);
      return span ? { span, logs: logs[spanId] ?? [], genai: genai?.views[spanId] ?? null } : null;
    },
    /** TraceConversation, or null for traces the fixture has no GenAI data for. */
    conversation: genai?.conversation ?? null,
    /**
     * The same trace with only the first `n` spans (by start time): a live trace still arriving.
     * @param {number} n
     * @returns {{ skeleton: TraceSkeleton, summary: TraceSummary }}
     */
    partial(n) {
      const keep = new Set(sorted.slice(0, n).map((r) => r.spanId));
      const part = spans.filter((s) => keep.has(s.spanId));
      const last = part.reduce((m, s) => Math.max(m, s.startOffsetMs + s.durationMs), 0);
      return { skeleton: { ...skeleton, durationMs: last, spans: part }, summary: { ...summary, spanCount: part.length, durationMs: last, errorCount: part.filter((s) => s.statusCode === 'error').length } };
    },
  };
}
