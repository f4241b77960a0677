/** TEMPORARY stand-in for src/core/agents/tools.ts (r16-core) until it lands; deleted after the merge. */
import type { BackendRequests } from '../core/backend/protocol';

export interface AgentToolSpec { name: string; toolReferenceName: string; displayName: string; description: string; inputSchema: Record<string, unknown> }
export type AgentQueryMethod = 'listTraces' | 'listSessions' | 'traceSummary' | 'traceSkeleton' | 'traceConversation' | 'spanDetail' | 'searchTraces' | 'filterTraces' | 'findTraces' | 'usageReport' | 'listFindings' | 'checkRun';
export interface AgentToolContext {
  query<M extends AgentQueryMethod>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']>;
  budgetChars: number;
  includeContent: boolean;
  redact?: (text: string) => string;
  resolveSource?: (path: string, line: number | null) => Promise<string | null>;
}
export interface AgentToolResult { text: string; truncated: boolean; traceIds?: string[] }
export const AGENT_TOOLS: readonly AgentToolSpec[] = [
  { name: 'list_traces', toolReferenceName: 'traces', displayName: 'List traces', description: 'Lists recent traces.', inputSchema: { type: 'object', properties: { limit: { type: 'number' } } } },
];
export async function runAgentTool(name: string, input: unknown, ctx: AgentToolContext): Promise<AgentToolResult> {
  if (name !== 'list_traces') throw new Error(`unknown tool ${name}`);
  const limit = typeof (input as { limit?: unknown })?.limit === 'number' ? (input as { limit: number }).limit : 20;
  const traces = await ctx.query('listTraces', { limit, offset: 0 });
  return { text: traces.map((t) => `${t.traceId} ${t.rootName}`).join('\n'), truncated: false, traceIds: traces.map((t) => t.traceId) };
}
export async function readAgentResource(uri: string, ctx: AgentToolContext): Promise<AgentToolResult | null> {
  const m = /^trace-lens:\/\/trace\/([0-9a-f]{32})$/.exec(uri);
  if (!m) return null;
  const t = await ctx.query('traceSummary', { traceId: m[1] });
  return t ? { text: `${t.traceId} ${t.rootName}`, truncated: false, traceIds: [t.traceId] } : null;
}
