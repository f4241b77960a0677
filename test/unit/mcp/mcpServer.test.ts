/**
 * The Trace Lens MCP server (`dist/mcp.js`, built by globalSetup) over stdio, driven by the MCP
 * SDK's own `Client` + `StdioClientTransport`, against the real receiver and bundled back end
 * worker serving the window channel: the demo agent's run (demo/agent: real OTel SDK +
 * instrumentation-openai against its stand-in model) is found with search_traces and read with
 * get_trace, get_span and the `trace-lens://trace/<id>` resource. Expected texts come from the demo's
 * source (its question, tool calls, tool error and answer), not from our formatting code.
 *
 * The server process gets the owner's per-user secret the way it would on a real machine: its
 * HOME (USERPROFILE on Windows) is a temporary folder holding `.trace-lens/window-channel-2.secret`
 * (folder 0700, file 0600). Failure paths: nothing on the port, another program on the port, a
 * different secret (another OS user); each is an `isError` tool result with a sentence, and the
 * same server process then answers the next call (an owner that appears later is found).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOOLS } from '../../../src/core/agents/tools';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import { OtlpHttpReceiver } from '../../../src/core/receiver/otlpHttpReceiver';
import { homeWithSecret, serverEnv, unusedPort } from './support';
import { WINDOW_CHANNEL_PROTOCOL, type TraceLensIdentity, type WindowChannelServerOptions } from '../../../src/core/receiver/windowChannel';
import type { TraceSummary } from '../../../src/model/trace';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const ROOT = join(__dirname, '..', '..', '..');
const MCP_SCRIPT = join(ROOT, 'dist', 'mcp.js');
const SECRET = randomBytes(32).toString('hex');
const identity: TraceLensIdentity = { product: 'trace-lens', protocol: WINDOW_CHANNEL_PROTOCOL, instanceId: 'mcp-owner', pid: 4242, workspace: 'demo' };

/** What the demo agent does in its `weather` scenario (demo/agent/agent.mjs, tools.mjs, fakeOpenAI.mjs). */
const DEMO = {
  question: 'What is the weather in Paris right now, and how is ACME stock doing?',
  toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' },
  toolError: 'Stock service unavailable: upstream returned 503 for ACME',
  answer: 'In Paris it is 18 °C and partly cloudy right now. I could not get the ACME stock price: the stock service returned an error.',
};
/** The line of demo/agent/tools.mjs that throws the stock error (read from the file). */
const THROW_LINE = readFileSync(join(ROOT, 'demo/agent/tools.mjs'), 'utf8').split('\n').findIndex((l) => l.includes('throw new ToolError')) + 1;

interface Session {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

/** Starts `node dist/mcp.js --port <port>` with `home` as its home folder and connects the SDK client. */
async function startServer(port: number, home: string, extraArgs: string[] = []): Promise<Session> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [MCP_SCRIPT, '--port', String(port), '--workspace', ROOT, ...extraArgs], env: serverEnv(home), cwd: ROOT, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'trace-lens-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** The text of a tool result (one text block) and its error flag. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as { content: { type: string; text?: string }[]; isError?: boolean };
  expect(result.content).toHaveLength(1);
  expect(result.content[0]!.type).toBe('text');
  return { text: result.content[0]!.text!, isError: result.isError === true };
}

/** The window channel of the owner window (the pipeline's worker as its store). */
function channelOf(worker: { client?: BackendClient }, secret = SECRET): WindowChannelServerOptions {
  return { identity, secret: () => secret, query: (method, params) => worker.client!.request(method, params as never) };
}

let p: Pipeline;
let port: number;
let home: string;
let server: Session;
let trace: TraceSummary;
const homes: string[] = [];

beforeAll(async () => {
  const worker: { client?: BackendClient } = {};
  p = await startPipeline({ windowChannel: channelOf(worker) });
  worker.client = p.client;
  port = Number(new URL(p.url).port);
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '1', '--endpoint', p.url, '--quiet'], { cwd: ROOT });
  trace = await eventually(async () => {
    const [t] = await p.client.request('listTraces', { limit: 1, offset: 0 });
    return t?.usage?.modelCalls === 2 ? t : undefined;
  }, 15_000);
  home = homeWithSecret(SECRET);
  homes.push(home);
  server = await startServer(port, home);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await p?.close();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('the MCP server against the Trace Lens window', () => {
  it('initializes as trace-lens and lists the agent tools with their schemas unchanged', async () => {
    expect(server.client.getServerVersion()).toMatchObject({ name: 'trace-lens' });
    expect(server.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
    const { tools } = await server.client.listTools();
    // The tools: search, get a trace, get a span, list sessions, usage.
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['search_traces', 'get_trace', 'get_span', 'list_sessions', 'get_usage']));
    expect(tools.map((t) => t.name)).toEqual(AGENT_TOOLS.map((t) => t.name));
    for (const tool of tools) {
      const spec = AGENT_TOOLS.find((t) => t.name === tool.name)!;
      expect(tool.inputSchema).toEqual(spec.inputSchema);
      expect(tool.description).toBe(spec.description);
      expect(tool.annotations).toMatchObject({ readOnlyHint: true });
    }
  });

  it('search_traces finds the demo run by a word of its tool error', async () => {
    const { text, isError } = await call(server.client, 'search_traces', { query: 'error tool:get_stock_price' });
    expect(isError).toBe(false);
    expect(text).toContain(trace.traceId);
    const none = await call(server.client, 'search_traces', { query: 'tool:no_such_tool' });
    expect(none.isError).toBe(false);
    expect(none.text).not.toContain(trace.traceId);
  });

  it('get_trace holds the user question, the tool call, the tool error with its source line, and the answer', async () => {
    const { text, isError } = await call(server.client, 'get_trace', { trace_id: trace.traceId });
    expect(isError).toBe(false);
    expect(text).toContain(trace.traceId);
    expect(text).toContain(DEMO.question);
    expect(text).toContain(DEMO.toolCall.name);
    expect(text).toContain(DEMO.toolCall.arguments);
    expect(text).toContain(DEMO.toolError);
    expect(text).toContain(DEMO.answer);
    // The stack frame of the failing tool, resolved in the server's --workspace (this repository).
    expect(text).toContain(`demo/agent/tools.mjs:${THROW_LINE}`);
    // A prefix of the id works as well.
    expect((await call(server.client, 'get_trace', { trace_id: trace.traceId.slice(0, 8) })).text).toContain(DEMO.answer);
  });

  it('get_span reads the failing tool span: its error and attributes', async () => {
    const skeleton = (await p.client.request('traceSkeleton', { traceId: trace.traceId }))!;
    const toolSpan = skeleton.spans.find((s) => s.name.includes('get_stock_price'))!;
    expect(toolSpan).toBeDefined();
    const { text, isError } = await call(server.client, 'get_span', { trace_id: trace.traceId, span_id: toolSpan.spanId });
    expect(isError).toBe(false);
    expect(text).toContain(toolSpan.spanId);
    expect(text).toContain(DEMO.toolError);
    expect(text).toContain('StockServiceUnavailable'); // error.type, set by the demo's tool wrapper
    // An unknown span is an answer, not an error.
    const missing = await call(server.client, 'get_span', { trace_id: trace.traceId, span_id: '0123456789abcdef' });
    expect(missing.isError).toBe(false);
    expect(missing.text).toContain('0123456789abcdef');
  });

  it('reads the trace as a resource and lists it among the recent traces', async () => {
    const { contents } = await server.client.readResource({ uri: `trace-lens://trace/${trace.traceId}` });
    expect(contents).toHaveLength(1);
    const text = (contents[0] as { text: string }).text;
    expect(contents[0]!.uri).toBe(`trace-lens://trace/${trace.traceId}`);
    expect(text).toContain(DEMO.question);
    expect(text).toContain(DEMO.answer);
    const { resources } = await server.client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`trace-lens://trace/${trace.traceId}`);
    const { resourceTemplates } = await server.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['trace-lens://session/{sessionId}', 'trace-lens://trace/{traceId}']);
    // The session resource of the demo's conversation lists the trace.
    const session = await server.client.readResource({ uri: `trace-lens://session/${encodeURIComponent(trace.sessionId!)}` });
    expect((session.contents[0] as { text: string }).text).toContain(trace.traceId);
    // An unknown trace is a protocol error (-32002, resource not found) naming the URI.
    await expect(server.client.readResource({ uri: `trace-lens://trace/${'0'.repeat(32)}` })).rejects.toThrow(/-32002.*No such Trace Lens resource/);
  });

  it('bad input is a tool error naming the problem; an unknown tool a protocol error', async () => {
    const bad = await call(server.client, 'get_trace', {});
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/trace_id/);
    await expect(server.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool "no_such_tool"/);
  });

  it('--include-content false keeps the question and the answer away from the agent', async () => {
    const withheld = await startServer(port, home, ['--include-content', 'false']);
    try {
      const { text, isError } = await call(withheld.client, 'get_trace', { trace_id: trace.traceId });
      expect(isError).toBe(false);
      expect(text).toContain(trace.traceId);
      expect(text).toContain(DEMO.toolCall.name);
      expect(text).not.toContain(DEMO.question);
      expect(text).not.toContain(DEMO.answer);
    } finally {
      await withheld.close();
    }
  });
});

describe('when the Trace Lens window cannot be reached', () => {
  it('nothing on the port: a clear tool error, and the owner is found once it listens', async () => {
    const freePort = await unusedPort();
    const session = await startServer(freePort, home);
    let owner: OtlpHttpReceiver | undefined;
    try {
      const first = await call(session.client, 'list_traces', {});
      expect(first).toEqual({
        isError: true,
        text: `No VS Code window with Trace Lens is listening on 127.0.0.1:${freePort}. Open VS Code with Trace Lens (its receiver must be running) and try again.`,
      });
      // The server keeps running: resources list empty, the next call answers the same.
      expect((await session.client.listResources()).resources).toEqual([]);
      expect((await call(session.client, 'get_trace', { trace_id: trace.traceId })).isError).toBe(true);
      // A window starts its receiver on that port (the same store here): the next call reads it.
      const worker: { client?: BackendClient } = { client: p.client };
      owner = new OtlpHttpReceiver({
        host: '127.0.0.1',
        port: freePort,
        maxBodyBytes: 1024 * 1024,
        corsAllowedOrigins: [],
        ingest: (req) => p.client.ingest(req),
        isOverloaded: () => false,
        log: () => undefined,
        windowChannel: channelOf(worker),
      });
      expect((await owner.start()).ok).toBe(true);
      const later = await call(session.client, 'list_traces', {});
      expect(later.isError).toBe(false);
      expect(later.text).toContain(trace.traceId);
      // The window goes away mid-session: the next call says so again.
      await owner.stop();
      owner = undefined;
      expect((await call(session.client, 'list_traces', {})).text).toMatch(/^No VS Code window with Trace Lens is listening on/);
    } finally {
      await owner?.stop();
      await session.close();
    }
  });

  it('another program on the port: says it is not Trace Lens', async () => {
    const foreign = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const foreignPort = (foreign.address() as { port: number }).port;
    const session = await startServer(foreignPort, home);
    try {
      const { text, isError } = await call(session.client, 'search_traces', { query: 'error' });
      expect(isError).toBe(true);
      expect(text).toContain(`Another program (not Trace Lens) is listening on 127.0.0.1:${foreignPort}`);
    } finally {
      await session.close();
      await new Promise((resolve) => foreign.close(resolve));
    }
  });

  it('a different secret (another OS user): names the secret file and the same-user rule, then keeps serving', async () => {
    const otherHome = homeWithSecret();
    homes.push(otherHome);
    const session = await startServer(port, otherHome);
    try {
      const { text, isError } = await call(session.client, 'get_trace', { trace_id: trace.traceId });
      expect(isError).toBe(true);
      expect(text).toContain(`A Trace Lens window is listening on 127.0.0.1:${port}`);
      expect(text).toContain("does not prove it knows this user's window secret");
      expect(text).toContain('must run as the same OS user as VS Code');
      expect(text).toContain(join(otherHome, '.trace-lens', 'window-channel-2.secret'));
      expect(text).not.toContain(DEMO.question);
      // Still serving: the next request is answered (the same error).
      expect((await call(session.client, 'list_traces', {})).isError).toBe(true);
      expect((await session.client.listTools()).tools.length).toBe(AGENT_TOOLS.length);
    } finally {
      await session.close();
    }
  });

  it('an unusable secret file (readable by others): the reason and the same-user rule', async () => {
    if (process.platform === 'win32') return; // POSIX modes only
    const looseHome = homeWithSecret(SECRET);
    homes.push(looseHome);
    const file = join(looseHome, '.trace-lens', 'window-channel-2.secret');
    chmodSync(file, 0o644);
    const session = await startServer(port, looseHome);
    try {
      const { text, isError } = await call(session.client, 'list_traces', {});
      expect(isError).toBe(true);
      expect(text).toContain(`window secret ${file} has mode 0644`);
      expect(text).toContain('must run as the same OS user as VS Code');
    } finally {
      await session.close();
    }
  });
});
