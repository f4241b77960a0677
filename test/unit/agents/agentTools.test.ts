/**
 * The agent tools (src/core/agents) against the real receiver and back end: the demo agent (real
 * OTel SDK + instrumentation-openai against the stand-in model) runs a weather run (a failing
 * get_stock_price tool) and a news run (a swallowed tool error). Expected texts come from the demo's
 * source (demo/agent/*.mjs), prices from OpenAI's list price of gpt-4o-mini.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOOLS, readAgentResource, runAgentTool, type AgentToolContext } from '../../../src/core/agents/tools';
import { CONTENT_HIDDEN } from '../../../src/core/agents/text';
import { compileRedactionPatterns, redactMatches } from '../../../src/core/forwarding/redaction';
import { formatUsd, roundUsd } from '../../../src/model/cost';
import type { TraceSummary } from '../../../src/model/trace';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const QUESTION = 'What is the weather in Paris right now, and how is ACME stock doing?';
const ANSWER = 'In Paris it is 18 °C and partly cloudy right now. I could not get the ACME stock price: the stock service returned an error.';
const STOCK_ERROR = 'Stock service unavailable: upstream returned 503 for ACME';
/** gpt-4o-mini list price, USD per token (input $0.15 / output $0.60 per 1M). */
const PRICE = { input: 0.15e-6, output: 0.6e-6 };

/** 1-based line of the first line of a demo file containing `text`. */
function lineOf(file: string, text: string, nth = 1): number {
  const lines = readFileSync(join(process.cwd(), 'demo/agent', file), 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(text) && ++seen === nth) return i + 1;
  throw new Error(`no line with ${text}`);
}

let p: Pipeline;
let weather: TraceSummary;
let news: TraceSummary;
let ctx: AgentToolContext;

beforeAll(async () => {
  p = await startPipeline();
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '2', '--interval', '0', '--scenario', 'weather,news', '--endpoint', p.url, '--quiet']);
  await eventually(async () => (await p.client.request('listFindings', {})).some((f) => f.detector === 'swallowed-tool-error'), 20_000);
  const traces = await eventually(async () => {
    const all = await p.client.request('listTraces', { limit: 10, offset: 0 });
    return all.length === 2 && all.every((t) => t.usage?.modelCalls === 2) ? all : undefined;
  }, 15_000);
  weather = traces.find((t) => t.firstUserMessage === QUESTION)!;
  news = traces.find((t) => t !== weather)!;
  ctx = {
    query: (method, params) => p.client.request(method, params as never) as never,
    budgetChars: 20_000,
    includeContent: true,
    // As the extension does: workspace-relative `file:line` for files under the workspace (here the repository).
    resolveSource: async (path, line) => {
      const abs = path.startsWith('file://') ? fileURLToPath(path) : path;
      const rel = relative(process.cwd(), abs);
      return rel.startsWith('..') ? null : `${rel}${line ? `:${line}` : ''}`;
    },
  };
}, 60_000);
afterAll(async () => {
  await p.close();
});

/** The weather run's model calls with their token counts, read from the skeleton badges. */
async function modelCalls(traceId: string): Promise<{ spanId: string; input: number; output: number }[]> {
  const skeleton = (await p.client.request('traceSkeleton', { traceId }))!;
  return skeleton.spans.filter((s) => s.genai?.kind === 'llm').map((s) => ({ spanId: s.spanId, input: s.genai!.inputTokens!, output: s.genai!.outputTokens! }));
}

describe('get_trace', () => {
  it('holds the question, the tool calls with their arguments and results, the error with its frame, the answer and the cost', async () => {
    const result = await runAgentTool('get_trace', { trace_id: weather.traceId }, ctx);
    const text = result.text;
    expect(result.truncated).toBe(false);
    expect(result.traceIds).toEqual([weather.traceId]);
    expect(text).toContain(`# Trace ${weather.traceId}`);
    expect(text).toContain(`user: ${QUESTION}`);
    expect(text).toMatch(/tool call get_weather .*arguments: \{"city":"Paris"\}/);
    expect(text).toContain('"temperatureC":18');
    expect(text).toContain('arguments: {"symbol":"ACME"}');
    expect(text).toContain(ANSWER);
    // The order of the run: question, tool calls, answer.
    expect(text.indexOf(QUESTION)).toBeLessThan(text.indexOf('tool call get_stock_price'));
    expect(text.indexOf('tool call get_stock_price')).toBeLessThan(text.indexOf(ANSWER));
    // The failing tool: its exception and the app frame that threw, workspace-relative.
    expect(text).toContain(`exception: ToolError: ${STOCK_ERROR}`);
    expect(text).toContain(`at demo/agent/tools.mjs:${lineOf('tools.mjs', 'throw new ToolError(')} in getStockPrice`);
    expect(text).toContain(`made at demo/agent/agent.mjs:${lineOf('agent.mjs', 'tracer.startActiveSpan(', 2)} in executeTool`);
    // Cost at list price from the calls' token counts; every span id listed for get_span.
    const calls = await modelCalls(weather.traceId);
    expect(calls).toHaveLength(2);
    const cost = roundUsd(calls.reduce((sum, c) => sum + c.input * PRICE.input + c.output * PRICE.output, 0));
    expect(text).toContain(`cost ${formatUsd(cost)}`);
    expect(text).toContain(`tokens ${calls[0]!.input + calls[1]!.input} in / ${calls[0]!.output + calls[1]!.output} out`);
    const skeleton = (await p.client.request('traceSkeleton', { traceId: weather.traceId }))!;
    for (const s of skeleton.spans) expect(text).toContain(`span ${s.spanId}`);
  });

  it('lists the diagnostics finding of the news run at the line that made the tool span', async () => {
    const text = (await runAgentTool('get_trace', { trace_id: news.traceId.slice(0, 10) }, ctx)).text;
    expect(text).toContain('## Findings (1)');
    expect(text).toMatch(/\[error\] swallowed-tool-error: .*get_news.*news feed timed out after 30 s/);
    expect(text).toContain(`at demo/agent/agent.mjs:${lineOf('agent.mjs', 'tracer.startActiveSpan(', 2)}`);
  });

  it('folds to the budget: the question and the answer stay, the middle steps go, and the answer says so', async () => {
    const full = (await runAgentTool('get_trace', { trace_id: weather.traceId }, ctx)).text;
    const budget = 1_800;
    expect(full.length).toBeGreaterThan(budget);
    const result = await runAgentTool('get_trace', { trace_id: weather.traceId }, { ...ctx, budgetChars: budget });
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(budget);
    expect(result.text).toContain(QUESTION);
    expect(result.text).toMatch(/…\d+ steps omitted/);
    expect(result.text).toContain('In Paris it is 18 °C');
  });

  it('with includeContent off: no prompt, argument, result or answer, but the structure, errors and cost', async () => {
    const text = (await runAgentTool('get_trace', { trace_id: weather.traceId }, { ...ctx, includeContent: false })).text;
    for (const secret of [QUESTION, 'concise assistant', '{"city":"Paris"}', 'temperatureC', ANSWER, 'Paris']) expect(text).not.toContain(secret);
    expect(text).toContain(CONTENT_HIDDEN);
    expect(text).toContain('tool call get_weather');
    expect(text).toContain(`exception: ToolError: ${STOCK_ERROR}`);
    expect(text).toMatch(/cost \$0\.0000\d+/);
  });

  it('redacts with the user patterns (compiled like forwarding patterns), before folding', async () => {
    const { regexes } = compileRedactionPatterns(['Par[a-z]+', 'ACME']);
    const text = (await runAgentTool('get_trace', { trace_id: weather.traceId }, { ...ctx, redact: (t) => redactMatches(t, regexes) })).text;
    expect(text).not.toMatch(/Paris|ACME/);
    expect(text).toContain('user: What is the weather in [REDACTED] right now, and how is [REDACTED] stock doing?');
  });

  it('an unknown trace is an answer, not an error', async () => {
    const text = (await runAgentTool('get_trace', { trace_id: '0123456789abcdef0123456789abcdef' }, ctx)).text;
    expect(text).toMatch(/No trace 0123456789abcdef0123456789abcdef is stored/);
  });
});

describe('get_span', () => {
  it('shows attributes, the exception event, and the GenAI tool view of the failing tool span', async () => {
    const skeleton = (await p.client.request('traceSkeleton', { traceId: weather.traceId }))!;
    const span = skeleton.spans.find((s) => s.name === 'execute_tool get_stock_price')!;
    const text = (await runAgentTool('get_span', { trace_id: weather.traceId, span_id: span.spanId }, ctx)).text;
    expect(text).toContain(`# Span ${span.spanId} "execute_tool get_stock_price" (trace ${weather.traceId})`);
    expect(text).toContain('status error');
    expect(text).toContain('gen_ai.tool.call.arguments: {"symbol":"ACME"}');
    expect(text).toContain('error.type: StockServiceUnavailable');
    expect(text).toContain(`exception.message: ${STOCK_ERROR}`);
    expect(text).toContain('tool: get_stock_price');
    const hidden = (await runAgentTool('get_span', { trace_id: weather.traceId, span_id: span.spanId }, { ...ctx, includeContent: false })).text;
    expect(hidden).toContain(`gen_ai.tool.call.arguments: ${CONTENT_HIDDEN}`);
    expect(hidden).not.toContain('{"symbol":"ACME"}');
    expect(hidden).toContain('gen_ai.tool.name: get_stock_price');
  });

  it('shows the messages and usage of a model call', async () => {
    const [first] = await modelCalls(weather.traceId);
    const text = (await runAgentTool('get_span', { trace_id: weather.traceId, span_id: first!.spanId }, ctx)).text;
    expect(text).toContain('kind: llm; provider openai; model gpt-4o-mini-2024-07-18');
    expect(text).toContain(`tokens: ${first!.input} in · ${first!.output} out`);
    expect(text).toContain(`user: ${QUESTION}`);
    expect(text).toMatch(/→ tool call get_weather .*\{"city":"Paris"\}/);
  });
});

describe('lists', () => {
  it('search_traces runs the query language and names the first matching span', async () => {
    const skeleton = (await p.client.request('traceSkeleton', { traceId: weather.traceId }))!;
    const stock = skeleton.spans.find((s) => s.name === 'execute_tool get_stock_price')!;
    const result = await eventually(async () => {
      const r = await runAgentTool('search_traces', { query: 'error tool:get_stock_price' }, ctx);
      return r.traceIds?.length ? r : undefined;
    });
    expect(result.traceIds).toEqual([weather.traceId]);
    expect(result.text).toContain(`first matching span ${stock.spanId}`);
    const bad = await runAgentTool('search_traces', { query: 'cost>' }, ctx);
    expect(bad.text).toMatch(/^The query does not parse: /);
  });

  it('list_traces, list_sessions, get_usage and list_findings', async () => {
    const list = await runAgentTool('list_traces', { limit: 1 }, ctx);
    expect(list.traceIds).toEqual([news.traceId]); // newest first
    expect(list.text).toContain('(older traces exist: use "offset" to page)');
    expect(list.truncated).toBe(true);
    const sessions = (await runAgentTool('list_sessions', {}, ctx)).text;
    expect(sessions).toContain(`session ${weather.sessionId}`);
    expect(sessions).toContain(`session ${news.sessionId}`);
    const calls = [...(await modelCalls(weather.traceId)), ...(await modelCalls(news.traceId))];
    const usage = (await runAgentTool('get_usage', {}, ctx)).text;
    expect(usage).toContain(`cost: ${formatUsd(roundUsd(calls.reduce((s, c) => s + c.input * PRICE.input + c.output * PRICE.output, 0)))}`);
    expect(usage).toContain('success: 66.7% (2 of 3 succeeded)'); // get_weather, get_stock_price (failed), get_news
    const traceUsage = await runAgentTool('get_usage', { trace_id: weather.traceId }, ctx);
    expect(traceUsage.text).toContain('model calls: 2');
    expect(traceUsage.traceIds).toEqual([weather.traceId]);
    const findings = await runAgentTool('list_findings', {}, ctx);
    expect(findings.traceIds).toEqual([news.traceId]);
    expect(findings.text).toMatch(/swallowed-tool-error/);
    const hidden = (await runAgentTool('list_findings', {}, { ...ctx, includeContent: false })).text;
    expect(hidden).not.toContain('news feed timed out');
    expect(hidden).toContain('get_news');
  });

  it('resources: a trace and a session; anything else is null', async () => {
    const trace = await readAgentResource(`trace-lens://trace/${weather.traceId}`, ctx);
    expect(trace!.text).toContain(ANSWER);
    const session = await readAgentResource(`trace-lens://session/${encodeURIComponent(weather.sessionId!)}`, ctx);
    expect(session!.traceIds).toEqual([weather.traceId]);
    expect(session!.text).toContain('# Usage of session');
    expect(await readAgentResource('trace-lens://trace/nothex', ctx)).toBeNull();
    expect(await readAgentResource('trace-lens://session/no-such-session', ctx)).toBeNull();
    expect(await readAgentResource('https://example.com/', ctx)).toBeNull();
  });
});

describe('bad input', () => {
  it('throws naming the tool and the problem', async () => {
    await expect(runAgentTool('drop_tables', {}, ctx)).rejects.toThrow(/Unknown Trace Lens tool "drop_tables"/);
    await expect(runAgentTool('get_trace', {}, ctx)).rejects.toThrow('get_trace: missing required property "trace_id"');
    await expect(runAgentTool('get_trace', { trace_id: 'xyz' }, ctx)).rejects.toThrow(/^get_trace: "trace_id" must have at least 6 characters/);
    await expect(runAgentTool('get_trace', { trace_id: 'zzzzzzzz' }, ctx)).rejects.toThrow(/^get_trace: "trace_id" does not match/);
    await expect(runAgentTool('list_traces', { limit: 0 }, ctx)).rejects.toThrow('list_traces: "limit" must be at least 1, got 0');
    await expect(runAgentTool('list_traces', { limit: 2.5 }, ctx)).rejects.toThrow(/list_traces: "limit" must be an integer/);
    await expect(runAgentTool('search_traces', { query: 'x', verbose: true }, ctx)).rejects.toThrow(/search_traces: unknown property "verbose"/);
    await expect(runAgentTool('search_traces', 'error', ctx)).rejects.toThrow('search_traces: input must be a JSON object, got string');
    await expect(runAgentTool('get_usage', { trace_id: weather.traceId, session_id: 's' }, ctx)).rejects.toThrow('get_usage: give at most one of trace_id, session_id, query (got trace_id, session_id)');
  });

  it('every spec has a snake_case name, a reference name, a description and an object schema', () => {
    const names = AGENT_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['search_traces', 'list_traces', 'get_trace', 'get_span', 'list_sessions', 'get_usage', 'list_findings']));
    for (const t of AGENT_TOOLS) {
      expect(t.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(t.toolReferenceName).toMatch(/^[a-zA-Z]+$/);
      expect(t.description.length).toBeGreaterThan(80);
      expect(t.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });
});
