// Generated trace data for the webview harness. Plain ESM with no imports: it runs both in Node
// (the checks) and in the page (the fake extension host answers `spanDetail` from it).
// Shapes follow src/model/trace.ts: TraceSkeleton, TraceSummary, SpanDetail.

const BASE_NANO = 1732198765123456789n; // 2024-11-21 14:19:25.123 UTC, with µs and ns parts

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rand, len) {
  let s = '';
  while (s.length < len) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  s = s.slice(0, len);
  return /^0+$/.test(s) ? `1${s.slice(1)}` : s;
}

const nano = (offsetMs) => (BASE_NANO + BigInt(Math.round(offsetMs * 1e6))).toString();

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

const scopes = {
  openai: { name: 'opentelemetry.instrumentation.openai_v2', version: '2.1b0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  agent: { name: 'weather_agent', version: '0.4.2', attributes: { 'agent.framework': 'custom' }, droppedAttributesCount: 0, schemaUrl: '' },
  http: { name: 'opentelemetry.instrumentation.httpx', version: '0.50b0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  server: { name: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', version: '0.58.0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  plain: { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
};

/** The prompt with markup that must be shown as text (XSS check). */
export const HOSTILE_PROMPT = 'What is the weather in Paris? <img src=x onerror=alert(1)> <script>alert("xss")</script> Also tell me about Lyon.';

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
  const records = [];
  const logs = {};
  const ids = {};
  const add = (key, o) => {
    const spanId = hex(rand, 16);
    ids[key] = spanId;
    const parentSpanId = o.parent === undefined ? null : o.parent in ids ? ids[o.parent] : o.parent;
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
  add('tool3', { parent: 'root', name: 'execute_tool search_docs', start: 4046.0, dur: 402.3, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_docs', 'gen_ai.tool.call.id': 'call_s1' } });
  add('emb', { parent: 'tool3', name: 'embeddings text-embedding-3-small', kind: 'client', start: 4050.1, dur: 160.4, scope: 'openai', attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 9 } });
  add('vq', { parent: 'tool3', name: 'query documents', kind: 'client', service: 'vector-db', start: 4215.8, dur: 225.1, attributes: { 'db.system.name': 'qdrant', 'db.collection.name': 'documents', 'db.operation.name': 'query', 'db.query.summary': 'query documents top_k=5' } });
  add('chat3', {
    parent: 'root',
    name: 'chat gpt-4o-mini',
    kind: 'client',
    start: 4452.7,
    dur: 401.3,
    attributes: chatAttrs(3, [system, user], [{ role: 'assistant', parts: [{ type: 'text', content: 'It is 14°C with light rain in Paris. The 3-day forecast is unavailable right now (the forecast service returned 503). Lyon averages 10°C in November.' }], finish_reason: 'stop' }], 1093, 52, 'stop'),
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

  const logTime = (key, at) => (BigInt(records.find((r) => r.spanId === ids[key]).startTimeUnixNano) + BigInt(Math.round(at * 1e6))).toString();
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

  return build(traceId, records, logs);
}

/**
 * A large synthetic agent trace of `count` spans: a root with many agent steps, each a chat call
 * and tool calls nesting HTTP/DB spans a few levels deep; about 1% errors.
 */
export function makeBigTrace(count, seed = 42) {
  const rand = rng(seed);
  const traceId = hex(rand, 32);
  const records = [];
  const totalMs = 120_000;
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

function build(traceId, records, logs) {
  const start = records.reduce((m, r) => (BigInt(r.startTimeUnixNano) < m ? BigInt(r.startTimeUnixNano) : m), BigInt(records[0].startTimeUnixNano));
  const end = records.reduce((m, r) => (BigInt(r.endTimeUnixNano) > m ? BigInt(r.endTimeUnixNano) : m), 0n);
  const sorted = [...records].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? 1 : 0));
  const spans = sorted.map((r) => ({
    spanId: r.spanId,
    parentSpanId: r.parentSpanId,
    name: r.name,
    kind: r.kind,
    statusCode: r.status.code,
    serviceName: String(r.resource.attributes['service.name'] ?? ''),
    startOffsetMs: Number(BigInt(r.startTimeUnixNano) - start) / 1e6,
    durationMs: Number(BigInt(r.endTimeUnixNano) - BigInt(r.startTimeUnixNano)) / 1e6,
    eventCount: r.events.length,
    hasException: r.events.some((e) => e.name === 'exception'),
  }));
  const root = sorted.find((r) => r.parentSpanId === null) ?? sorted[0];
  const skeleton = { traceId, startTimeUnixNano: start.toString(), durationMs: Number(end - start) / 1e6, spans };
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
    /** SpanDetail for one span, or null when unknown. */
    detail(spanId) {
      const span = byId.get(spanId);
      return span ? { span, logs: logs[spanId] ?? [] } : null;
    },
    /** The same trace with only the first `n` spans (by start time): a live trace still arriving. */
    partial(n) {
      const keep = new Set(sorted.slice(0, n).map((r) => r.spanId));
      const part = spans.filter((s) => keep.has(s.spanId));
      const last = part.reduce((m, s) => Math.max(m, s.startOffsetMs + s.durationMs), 0);
      return { skeleton: { ...skeleton, durationMs: last, spans: part }, summary: { ...summary, spanCount: part.length, durationMs: last, errorCount: part.filter((s) => s.statusCode === 'error').length } };
    },
  };
}
