/**
 * The Trace Lens MCP server (Model Context Protocol, spec 2025-06-18: tools, resources), built on
 * the official TypeScript SDK's low-level `Server`: the tool list is `AGENT_TOOLS` of
 * src/core/agents, the same tools VS Code's agent mode gets through `vscode.lm.registerTool`, with
 * their JSON Schemas passed through unchanged (the SDK's `McpServer.registerTool` wants Zod
 * schemas; converting would be a second source of truth for the same inputs).
 *
 * - `tools/list`, `tools/call`: `runAgentTool`; the answer is one text content block. Anything
 *   that goes wrong (no Trace Lens window, secret mismatch, bad input, unknown trace) is a tool
 *   result with `isError: true` and a sentence, never a protocol error, so the agent reads why.
 *   An unknown tool name is a protocol error (`InvalidParams`), as the spec asks.
 * - `resources/templates/list`: `trace-lens://trace/{traceId}`, `trace-lens://session/{sessionId}`.
 * - `resources/list`: the most recent traces (`RECENT_TRACE_RESOURCES`) as `trace-lens://trace/<id>`;
 *   empty when no owner answers (logged).
 * - `resources/read`: `readAgentResource`; an unknown resource or an unreachable owner is a
 *   protocol error with the same sentence (resources have no error results).
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Resource,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AGENT_TOOLS, readAgentResource, runAgentTool, type AgentToolContext } from '../core/agents/tools';
import type { TraceSummary } from '../model/trace';
import { OwnerUnavailableError, type OwnerLink } from './ownerLink';

/** How many recent traces `resources/list` names. */
export const RECENT_TRACE_RESOURCES = 25;

/** URI templates of the resources (RFC 6570 level 1). */
export const RESOURCE_TEMPLATES = [
  {
    uriTemplate: 'trace-lens://trace/{traceId}',
    name: 'trace',
    title: 'Trace',
    description: 'One trace (32 hex digit trace id): summary, the conversation of model and tool calls, errors with stack frames and source locations, tokens, cost and findings, in compact text.',
    mimeType: 'text/plain',
  },
  {
    uriTemplate: 'trace-lens://session/{sessionId}',
    name: 'session',
    title: 'Session',
    description: 'One session (the session id of its traces): its traces in order, with usage and errors, in compact text.',
    mimeType: 'text/plain',
  },
] as const;

/** What the server tells the agent at initialization (MCP `instructions`). */
export const SERVER_INSTRUCTIONS =
  'Trace Lens holds the OpenTelemetry traces of LLM and agent applications that the developer ran locally, received by VS Code. ' +
  'Find a run with the search and list tools, read it with the trace tool (what the model saw, the tool calls and their results, errors with source locations), ' +
  'then a span for its attributes, events and log records. Trace ids are 32 hex digits, span ids 16.';

/** What `createTraceLensMcpServer` needs. */
export interface TraceLensMcpServerOptions {
  link: OwnerLink;
  /** Server version (the extension's `package.json` version). */
  version: string;
  includeContent: boolean;
  budgetChars: number;
  resolveSource?: AgentToolContext['resolveSource'];
  redact?: AgentToolContext['redact'];
  /** Diagnostic lines (stderr). */
  log: (line: string) => void;
}

/**
 * A JSON-RPC error answer: the SDK sends `code` and `message` as they are (its own `McpError`
 * would prefix "MCP error <code>:" to the message, which the client then prefixes again).
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** JSON-RPC error code of an unknown resource (MCP spec, Resources, "Error Handling"). */
export const RESOURCE_NOT_FOUND = -32002;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The tool list of `tools/list` (names, schemas and descriptions of `AGENT_TOOLS`). */
export function mcpTools(): Tool[] {
  return AGENT_TOOLS.map((spec) => ({
    name: spec.name,
    title: spec.displayName,
    description: spec.description,
    inputSchema: spec.inputSchema as Tool['inputSchema'],
    annotations: { title: spec.displayName, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }));
}

/**
 * One recent trace as a `resources/list` entry: its root span (or agent) and service as the title;
 * the first user message only when content may go to agents.
 */
export function recentTraceResource(t: TraceSummary, includeContent: boolean): Resource {
  const label = t.agentName ?? t.rootName;
  const question = includeContent && t.firstUserMessage ? ` — "${t.firstUserMessage}"` : '';
  const started = new Date(Number(BigInt(t.startTimeUnixNano) / 1_000_000n)).toISOString();
  return {
    uri: `trace-lens://trace/${t.traceId}`,
    name: `trace ${t.traceId}`,
    title: `${label}${t.serviceName ? ` (${t.serviceName})` : ''}${question}`,
    description: `${t.spanCount} spans${t.errorCount ? `, ${t.errorCount} failed` : ''}, started ${started}`,
    mimeType: 'text/plain',
  };
}

/** Builds the server (not yet connected to a transport). */
export function createTraceLensMcpServer(options: TraceLensMcpServerOptions): Server {
  const { link, log } = options;
  const ctx: AgentToolContext = {
    query: (method, params) => link.query(method, params),
    budgetChars: options.budgetChars,
    includeContent: options.includeContent,
    ...(options.redact ? { redact: options.redact } : {}),
    ...(options.resolveSource ? { resolveSource: options.resolveSource } : {}),
  };
  const server = new Server(
    { name: 'trace-lens', title: 'Trace Lens', version: options.version },
    { capabilities: { tools: {}, resources: {} }, instructions: SERVER_INSTRUCTIONS },
  );
  const tools = mcpTools();
  const toolNames = new Set(tools.map((t) => t.name));

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: input } = request.params;
    if (!toolNames.has(name)) throw new ProtocolError(ErrorCode.InvalidParams, `Unknown tool ${JSON.stringify(name)}; the tools are ${[...toolNames].join(', ')}.`);
    try {
      const result = await runAgentTool(name, input ?? {}, ctx);
      return { content: [{ type: 'text', text: result.text }] };
    } catch (error) {
      if (!(error instanceof OwnerUnavailableError)) log(`${name}: ${errorText(error)}`);
      return { content: [{ type: 'text', text: errorText(error) }], isError: true };
    }
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES.map((t) => ({ ...t })) }));

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    try {
      const traces = await link.query('listTraces', { limit: RECENT_TRACE_RESOURCES, offset: 0 });
      const resources: Resource[] = traces.map((t) => recentTraceResource(t, options.includeContent));
      return { resources };
    } catch (error) {
      log(`resources/list: ${errorText(error)}`);
      return { resources: [] };
    }
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    let result;
    try {
      result = await readAgentResource(uri, ctx);
    } catch (error) {
      throw new ProtocolError(ErrorCode.InternalError, errorText(error));
    }
    if (!result) throw new ProtocolError(RESOURCE_NOT_FOUND, `No such Trace Lens resource: ${uri} (trace-lens://trace/<32 hex digit trace id> or trace-lens://session/<session id>; the trace may have been evicted or cleared).`);
    return { contents: [{ uri, mimeType: 'text/plain', text: result.text }] };
  });

  return server;
}
