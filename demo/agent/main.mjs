#!/usr/bin/env node
// Trace Lens demo agent: a tiny tool-using "weather-assistant" instrumented with the real
// OpenTelemetry SDK and @opentelemetry/instrumentation-openai. It talks to a local stand-in for the
// OpenAI API (no network, no key) and exports traces + GenAI log events over OTLP/HTTP protobuf.
//
//   node demo/agent/main.mjs [--runs N] [--interval MS] [--endpoint URL] [--openai-base-url URL] [--summary FILE] [--quiet]
//
// With --openai-base-url (or OPENAI_BASE_URL) the agent talks to that OpenAI-compatible server
// instead of its own stand-in: for example Trace Lens's "Serve Recorded Responses…" endpoint.
//
// Endpoint: --endpoint, else OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318.
// Exit codes: 0 everything delivered; 1 bad usage or the agent crashed; 2 the receiver did not
// accept every batch (unreachable, refused, or an HTTP error).
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL, SCENARIOS, runAgent } from './agent.mjs';
import { startFakeOpenAI } from './fakeOpenAI.mjs';
import { setupTelemetry } from './telemetry.mjs';

const USAGE = `Usage: node demo/agent/main.mjs [options]
  --runs N         conversations to run, one trace each (default 1)
  --interval MS    pause between runs in milliseconds (default 1000)
  --endpoint URL   OTLP/HTTP base URL (default $OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)
  --scenario LIST  what each run asks, comma-separated, the last one repeating (default weather):
                   weather | loop | news (a swallowed tool error) | outlier (many more tokens, slower)
  --openai-base-url URL
                   OpenAI-compatible base URL to call instead of the built-in stand-in
                   (default $OPENAI_BASE_URL; the stand-in when neither is set)
  --summary FILE   write a JSON summary of what was delivered (trace ids, span counts, log events)
  --quiet          print only the final summary line
  --help`;

function fail(message) {
  console.error(`demo-agent: ${message}\n${USAGE}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      interval: { type: 'string', default: '1000' },
      endpoint: { type: 'string' },
      'openai-base-url': { type: 'string' },
      scenario: { type: 'string', default: 'weather' },
      summary: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
} catch (err) {
  fail(/** @type {Error} */ (err).message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(args.runs);
const intervalMs = Number(args.interval);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got ${args.runs}`);
if (!Number.isFinite(intervalMs) || intervalMs < 0) fail(`--interval must be >= 0, got ${args.interval}`);
const scenarios = String(args.scenario).split(',').map((s) => s.trim()).filter(Boolean);
for (const s of scenarios) if (!(s in SCENARIOS)) fail(`unknown --scenario ${s} (known: ${Object.keys(SCENARIOS).join(', ')})`);
const endpoint = args.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
const log = args.quiet ? () => {} : (/** @type {string} */ line) => console.log(line);

const telemetry = setupTelemetry({ endpoint, serviceName: 'demo-agent' });
const externalBaseURL = args['openai-base-url'] ?? process.env.OPENAI_BASE_URL;
const fakeOpenAI = externalBaseURL ? null : await startFakeOpenAI();
const baseURL = externalBaseURL ?? fakeOpenAI?.baseURL;
const client = new telemetry.OpenAI({ baseURL, apiKey: (externalBaseURL && process.env.OPENAI_API_KEY) || 'demo', maxRetries: 0, timeout: 10_000 });

log(`demo-agent: exporting OTLP/HTTP protobuf to ${endpoint} (service.name=demo-agent)`);
log(fakeOpenAI ? `demo-agent: stand-in OpenAI API at ${baseURL}` : `demo-agent: OpenAI-compatible API at ${baseURL}`);

let crashed = null;
try {
  for (let run = 1; run <= runs; run++) {
    const conversationId = `conv_${randomUUID().slice(0, 8)}`;
    const scenario = /** @type {keyof typeof SCENARIOS} */ (scenarios[Math.min(run - 1, scenarios.length - 1)] ?? 'weather');
    const answer = await runAgent({ client, tracer: telemetry.tracer, conversationId, scenario });
    log(`demo-agent: run ${run}/${runs} (${conversationId}) → ${answer}`);
    if (run < runs && intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
  }
} catch (err) {
  crashed = err;
  console.error(`demo-agent: the agent failed: ${/** @type {Error} */ (err).stack ?? err}`);
}

const shutdownErrors = await telemetry.shutdown();
await fakeOpenAI?.close();
if (shutdownErrors.length && !args.quiet) console.error(`demo-agent: ${shutdownErrors.join('; ')}`);

const summary = summarize(telemetry);
for (const t of summary.traces) {
  log(`  trace ${t.traceId}  ${t.rootSpanName}  spans=${t.spanCount} (errors=${t.errorSpanCount})  logs=${t.logCount}`);
  for (const s of t.spans) log(`    ${'  '.repeat(s.depth)}${s.name}${s.status === 'ERROR' ? '  [ERROR]' : ''}`);
}
const d = { spans: telemetry.spanDelivery, logs: telemetry.logDelivery };
console.log(
  `demo-agent: sent ${summary.traceCount} trace(s), ${d.spans.items} span(s) in ${d.spans.batches} batch(es), ` +
    `${d.logs.items} log record(s) in ${d.logs.batches} batch(es) to ${endpoint}` +
    (d.spans.failedItems || d.logs.failedItems
      ? `; NOT delivered: ${d.spans.failedItems} span(s), ${d.logs.failedItems} log record(s): ${[...new Set([...d.spans.errors, ...d.logs.errors])].join('; ')}`
      : ''),
);
if (args.summary) {
  const file = resolve(args.summary);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ endpoint, model: MODEL, ...summary, delivery: d }, null, 2)}\n`);
  log(`demo-agent: summary written to ${file}`);
}
process.exit(crashed ? 1 : d.spans.failedItems || d.logs.failedItems ? 2 : 0);

/** What the receiver accepted, grouped by trace (the SDK objects from the counting exporters). */
function summarize({ sentSpans, sentLogs }) {
  /** @type {Map<string, any>} */
  const byTrace = new Map();
  const traceOf = (traceId) => {
    let t = byTrace.get(traceId);
    if (!t) {
      t = { traceId, rootSpanId: null, rootSpanName: null, spanCount: 0, errorSpanCount: 0, logCount: 0, logEvents: {}, spans: [] };
      byTrace.set(traceId, t);
    }
    return t;
  };
  for (const span of sentSpans) {
    const { traceId, spanId } = span.spanContext();
    const parentSpanId = span.parentSpanContext?.spanId ?? null;
    const t = traceOf(traceId);
    t.spanCount += 1;
    const status = ['UNSET', 'OK', 'ERROR'][span.status.code] ?? 'UNSET';
    if (status === 'ERROR') t.errorSpanCount += 1;
    if (!parentSpanId) {
      t.rootSpanId = spanId;
      t.rootSpanName = span.name;
    }
    t.spans.push({
      spanId,
      parentSpanId,
      name: span.name,
      status,
      logEvents: [],
      startTimeMs: span.startTime[0] * 1e3 + span.startTime[1] / 1e6,
      attributes: span.attributes,
    });
  }
  for (const record of sentLogs) {
    const traceId = record.spanContext?.traceId;
    if (!traceId) continue;
    const t = traceOf(traceId);
    t.logCount += 1;
    const name = record.eventName ?? String(record.attributes['event.name'] ?? '(no event name)');
    t.logEvents[name] = (t.logEvents[name] ?? 0) + 1;
    // Log records carry the span context they were emitted in (here: the `chat` span).
    t.spans.find((s) => s.spanId === record.spanContext.spanId)?.logEvents.push(name);
  }
  const traces = [...byTrace.values()];
  for (const t of traces) {
    // Order spans as a tree (depth-first by start time) for printing and for tests.
    const children = new Map();
    for (const s of t.spans) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
    const ordered = [];
    const visit = (parentId, depth) => {
      for (const s of (children.get(parentId) ?? []).sort((a, b) => a.startTimeMs - b.startTimeMs)) {
        ordered.push({ ...s, depth });
        visit(s.spanId, depth + 1);
      }
    };
    visit(null, 0);
    t.spans = ordered;
  }
  return {
    traceCount: traces.length,
    spanCount: sentSpans.length,
    logCount: sentLogs.length,
    traces,
  };
}
