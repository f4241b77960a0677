/**
 * Model Context Protocol spans → `GenAiMcpInfo`.
 *
 * Sources:
 * - OTel semantic conventions docs/gen-ai/mcp.md (Development; semantic-conventions-genai
 *   @0393513c): client span `{mcp.method.name} {target}` kind CLIENT, server span the same name
 *   kind SERVER (the MCP client span is the server span's parent whatever the transport);
 *   attributes `mcp.method.name` (required), `mcp.session.id`, `mcp.resource.uri`,
 *   `mcp.protocol.version`, `jsonrpc.request.id`, `rpc.response.status_code`, `gen_ai.tool.name`,
 *   `gen_ai.prompt.name`, `error.type` (`tool_error` when `CallToolResult.isError`),
 *   `network.transport`, `server.address`/`server.port` (client side); `tools/call` spans also
 *   carry `gen_ai.operation.name` = `execute_tool` and `gen_ai.tool.call.arguments`/`.result`
 *   (type `any`: structured AnyValue preferred, JSON string allowed).
 * - Traceloop `@traceloop/instrumentation-mcp` (openllmetry-js packages/instrumentation-mcp):
 *   `{tool}.tool` spans (`traceloop.span.kind` = `tool`) for `tools/call`, `{method}.mcp` spans
 *   otherwise (version 0.27 sets no `traceloop.entity.name` on them: the method is the span name's),
 *   and an `mcp.client.session` span, kind CLIENT or SERVER,
 *   `traceloop.workflow.name` = `{client or server name}.mcp`, `traceloop.entity.input` =
 *   `{"tool_name","arguments"}` and `traceloop.entity.output` = `{"result","is_error"}`.
 * Pure; never throws.
 */
import type { SpanRecord } from '../../model/trace';
import type { GenAiMcpInfo } from '../../model/genai';
import { isRecord, maybeJson, str } from './values';

/** Instrumentation scope of Traceloop's MCP instrumentation. */
const TRACELOOP_MCP_SCOPE = '@traceloop/instrumentation-mcp';

/** The MCP facts of a span and whether Traceloop's MCP instrumentation produced it. */
export interface McpRead {
  info: GenAiMcpInfo;
  traceloop: boolean;
}

function side(span: SpanRecord): GenAiMcpInfo['side'] {
  return span.kind === 'client' ? 'client' : span.kind === 'server' ? 'server' : 'unknown';
}

/** `true` when the span comes from Traceloop's MCP instrumentation. */
function isTraceloopMcp(span: SpanRecord): boolean {
  if (span.scope?.name === TRACELOOP_MCP_SCOPE) return true;
  const wf = span.attributes['traceloop.workflow.name'];
  return typeof wf === 'string' && wf.endsWith('.mcp') && (span.name.endsWith('.tool') || span.name.endsWith('.mcp'));
}

/** `host[:port]` of `server.address` / `server.port`. */
function serverAddress(span: SpanRecord): string | undefined {
  const host = str(span.attributes['server.address']);
  if (!host) return undefined;
  const port = str(span.attributes['server.port']);
  return port ? `${host}:${port}` : host;
}

/** The MCP facts of a span, or `undefined` when it is not an MCP span. */
export function readMcp(span: SpanRecord): McpRead | undefined {
  const a = span.attributes;
  const method = str(a['mcp.method.name']);
  const traceloop = method === undefined && isTraceloopMcp(span);
  if (method === undefined && !traceloop) return undefined;
  const info: GenAiMcpInfo = { side: side(span) };
  if (method !== undefined) {
    info.method = method;
    // Span name `{mcp.method.name} {target}`: the target names the tool or prompt when no attribute does.
    const target = span.name.startsWith(`${method} `) ? span.name.slice(method.length + 1).trim() : undefined;
    const tool = str(a['gen_ai.tool.name']) ?? (method === 'tools/call' ? target : undefined);
    if (tool) info.toolName = tool;
    const prompt = str(a['gen_ai.prompt.name']) ?? (method === 'prompts/get' ? target : undefined);
    if (prompt) info.promptName = prompt;
    const fields: [keyof GenAiMcpInfo, string][] = [
      ['sessionId', 'mcp.session.id'],
      ['resourceUri', 'mcp.resource.uri'],
      ['protocolVersion', 'mcp.protocol.version'],
      ['statusCode', 'rpc.response.status_code'],
      ['errorType', 'error.type'],
      ['transport', 'network.transport'],
    ];
    for (const [field, key] of fields) {
      const v = str(a[key]);
      if (v !== undefined) (info as unknown as Record<string, string>)[field] = v;
    }
    // `mcp.request.id` appears in the convention's own HTTP example next to `jsonrpc.request.id`.
    const requestId = str(a['jsonrpc.request.id']) ?? str(a['mcp.request.id']);
    if (requestId !== undefined) info.requestId = requestId;
  } else {
    const entity = str(a['traceloop.entity.name']);
    if (a['traceloop.span.kind'] === 'tool') {
      info.method = 'tools/call';
      if (entity) info.toolName = entity;
    } else if (span.name.endsWith('.mcp')) info.method = entity && span.name === `${entity}.mcp` ? entity : span.name.slice(0, -'.mcp'.length);
  }
  const server =
    info.side === 'server'
      ? (str(span.resource?.attributes?.['service.name']) ?? workflowServer(span))
      : info.side === 'client'
        ? serverAddress(span)
        : undefined;
  if (server) info.server = server;
  return { info, traceloop };
}

/** Traceloop server spans: `traceloop.workflow.name` = `{serverInfo.name}.mcp`. */
function workflowServer(span: SpanRecord): string | undefined {
  const wf = str(span.attributes['traceloop.workflow.name']);
  return wf?.endsWith('.mcp') ? wf.slice(0, -'.mcp'.length) || undefined : undefined;
}

/** Traceloop MCP `traceloop.entity.input` `{"tool_name":…,"arguments":{…}}` → the arguments (else the value as sent). */
export function traceloopMcpArguments(value: unknown): unknown {
  const v = maybeJson(value).value;
  return isRecord(v) && 'arguments' in v ? v.arguments : value;
}

/**
 * Traceloop MCP `traceloop.entity.output` `{"result":…,"is_error":…}` → the result (else the value
 * as sent) and whether the tool reported an error (`CallToolResult.isError`).
 */
export function traceloopMcpResult(value: unknown): { result: unknown; isError: boolean } {
  const v = maybeJson(value).value;
  if (!isRecord(v) || !('result' in v || 'is_error' in v)) return { result: value, isError: false };
  return { result: 'result' in v ? v.result : value, isError: v.is_error === true };
}
