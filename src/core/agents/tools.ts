/**
 * Tools that let coding agents read the traces: VS Code language model tools
 * (src/extension/agents), the MCP server (src/mcp) and the @tracelens chat participant all run
 * these. Each tool is a spec (name, `#reference` name, model-facing description, JSON Schema
 * input) and a function from checked input to compact plain text for an LLM, bounded by
 * `budgetChars`, with the ids the agent passes to the next tool. Queries go through
 * `AgentToolContext.query`: the store of this window or, through the window channel
 * (src/core/receiver/windowChannel.ts), of the window that owns the receiver. Pure (no vscode).
 *
 * Content (message text, tool arguments and results, content attributes) is hidden when
 * `includeContent` is false (`traceLens.agents.includeContent`) and passed through `redact`
 * otherwise; see src/core/agents/text.ts.
 */
import type { BackendRequests } from '../backend/protocol';
import type { RemoteQueryMethod } from '../receiver/windowChannel';
import type { LocatedFinding } from '../../model/diagnostics';
import type { SpanDetail, TraceSummary } from '../../model/trace';
import { checkInput, type ObjectSchema } from './input';
import { writeFindings, writeRunCheck, writeSearch, writeSessions, writeTraceList, writeUsage } from './listText';
import { writeSpan, type SourceHints } from './spanText';
import { ContentPolicy, OutputBuilder } from './text';
import { errorSpans, MAX_ERROR_SPANS, writeTrace } from './traceText';
import { isoTime, traceLabel } from './format';

/** A tool as VS Code's `languageModelTools` and MCP's `tools/list` describe it. */
export interface AgentToolSpec {
  /** snake_case, unique (`search_traces`); VS Code registers it as `trace-lens_<name>`. */
  name: string;
  /** What users type after `#` in chat (`traces`, `trace`, …). */
  toolReferenceName: string;
  /** Short human title (`Search Traces`). */
  displayName: string;
  /** Model-facing: what the tool returns, when to use it, how its input is read. */
  description: string;
  /** JSON Schema (type object) of the input. */
  inputSchema: Record<string, unknown>;
}

/** Store queries the tools use: all are in `REMOTE_QUERY_METHODS`, so a window without the store (or the MCP server) can serve them remotely. */
export type AgentQueryMethod =
  | 'listTraces'
  | 'listSessions'
  | 'traceSummary'
  | 'traceSkeleton'
  | 'traceConversation'
  | 'spanDetail'
  | 'searchTraces'
  | 'filterTraces'
  | 'findTraces'
  | 'usageReport'
  | 'listFindings'
  | 'checkRun';

// Compile-time check that every agent method may be served by the window channel.
type AssertRemote<T extends RemoteQueryMethod> = T;
export type AgentQueryMethodIsRemote = AssertRemote<AgentQueryMethod>;

/** What a tool runs with. */
export interface AgentToolContext {
  /** One store query (TraceRepository.query in VS Code; the window channel client in the MCP server). */
  query<M extends AgentQueryMethod>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']>;
  /** Most characters of an answer (`traceLens.agents.outputBudgetCharacters`); at least 1,000 is used. */
  budgetChars: number;
  /** `false`: message text, tool arguments/results and content attributes are replaced by a note. */
  includeContent: boolean;
  /** Applied to every text taken from a trace before it is folded (the user's redaction patterns). */
  redact?: (text: string) => string;
  /**
   * Resolves a path and 1-based line from a trace (a `code.*` location or a stack frame) to a
   * workspace-relative `file:line`; `null` when the file is not in the workspace. `hints` help
   * resolve relative paths (working directory, stack format, function name).
   */
  resolveSource?: (path: string, line: number | null, hints?: SourceHints) => Promise<string | null>;
}

/** A tool's answer. */
export interface AgentToolResult {
  /** Compact plain text (light markdown headings), at most about `budgetChars` characters. */
  text: string;
  /** `true` when something was folded, cut or left out to fit the budget or a list limit. */
  truncated: boolean;
  /** Traces the answer is about, in the order listed (for links and follow-up calls). */
  traceIds?: string[];
}

const TRACE_ID_PROPERTY = {
  type: 'string',
  description: 'Trace id: 32 lowercase hex characters, or a unique prefix of at least 6 (as listed by search_traces / list_traces).',
  minLength: 6,
  maxLength: 32,
  pattern: '^[0-9a-fA-F]+$',
} as const;

const SCHEMAS = {
  search_traces: {
    type: 'object',
    properties: {
      query: {
        type: 'string',
        description:
          'Trace Lens query; every item must hold. Free text: words and "phrases" match prompts, completions, tool arguments/results, attributes and exception messages (-word excludes). Span conditions: error, model:NAME, tool:NAME, agent:NAME, kind:llm|tool|agent|embeddings|retriever, attr:key=value, attr:key. Trace conditions: service:NAME, session:ID, user:ID, trace:HEXPREFIX, cost>0.01 (USD), tokens>10000, duration>2s, last:15m (s/m/h/d/w). Example: `error tool:get_weather "timeout" last:1h`. Empty string: every trace.',
        maxLength: 2000,
      },
      limit: { type: 'integer', description: 'Most traces to return (default 20).', minimum: 1, maximum: 100, default: 20 },
    },
    required: ['query'],
    additionalProperties: false,
  },
  list_traces: {
    type: 'object',
    properties: {
      limit: { type: 'integer', description: 'Most traces to return (default 20).', minimum: 1, maximum: 100, default: 20 },
      offset: { type: 'integer', description: 'Traces to skip, for paging (default 0).', minimum: 0, maximum: 100000, default: 0 },
      session_id: { type: 'string', description: 'Only the traces of this session (as listed by list_sessions).', minLength: 1, maxLength: 1000 },
    },
    additionalProperties: false,
  },
  get_trace: {
    type: 'object',
    properties: { trace_id: TRACE_ID_PROPERTY },
    required: ['trace_id'],
    additionalProperties: false,
  },
  get_span: {
    type: 'object',
    properties: {
      trace_id: TRACE_ID_PROPERTY,
      span_id: { type: 'string', description: 'Span id: 16 hex characters (as listed by get_trace).', minLength: 16, maxLength: 16, pattern: '^[0-9a-fA-F]{16}$' },
    },
    required: ['trace_id', 'span_id'],
    additionalProperties: false,
  },
  list_sessions: {
    type: 'object',
    properties: { limit: { type: 'integer', description: 'Most sessions to return (default 20).', minimum: 1, maximum: 100, default: 20 } },
    additionalProperties: false,
  },
  get_usage: {
    type: 'object',
    properties: {
      trace_id: { ...TRACE_ID_PROPERTY, description: `Usage of this trace only. ${TRACE_ID_PROPERTY.description}` },
      session_id: { type: 'string', description: 'Usage of this session only.', minLength: 1, maxLength: 1000 },
      query: { type: 'string', description: 'Usage of the traces matching this search_traces query.', maxLength: 2000 },
    },
    additionalProperties: false,
  },
  list_findings: {
    type: 'object',
    properties: {
      trace_id: { ...TRACE_ID_PROPERTY, description: `Only this trace's findings. ${TRACE_ID_PROPERTY.description}` },
      limit: { type: 'integer', description: 'Most findings to return (default 30).', minimum: 1, maximum: 200, default: 30 },
    },
    additionalProperties: false,
  },
  check_run: {
    type: 'object',
    properties: { trace_id: TRACE_ID_PROPERTY },
    required: ['trace_id'],
    additionalProperties: false,
  },
} as const satisfies Record<string, ObjectSchema>;

type ToolName = keyof typeof SCHEMAS;

/** The tools, in the order agents should learn them. */
export const AGENT_TOOLS: readonly AgentToolSpec[] = Object.freeze([
  {
    name: 'search_traces',
    toolReferenceName: 'traces',
    displayName: 'Search Traces',
    description:
      'Search the OpenTelemetry traces of LLM/agent runs that Trace Lens received from the app being developed (newest first). Use it to find a failing or expensive run, the runs of an agent or tool, or runs that mention a word. Returns one line per trace: trace id, first user message, service, agent, start time, duration, spans, errors, cost, findings, session, plus the first matching span id and a snippet. Follow up with get_trace.',
    inputSchema: SCHEMAS.search_traces,
  },
  {
    name: 'list_traces',
    toolReferenceName: 'recentTraces',
    displayName: 'List Recent Traces',
    description:
      'List the most recent traces (agent runs) Trace Lens received, newest first, optionally of one session: trace id, first user message, service, agent, start time, duration, spans, errors, cost and tokens, findings. Use it to find "the last run"; then get_trace.',
    inputSchema: SCHEMAS.list_traces,
  },
  {
    name: 'get_trace',
    toolReferenceName: 'trace',
    displayName: 'Get Trace',
    description:
      'Read one trace (agent run) in full, as compact text: summary, cost and tokens, diagnostics findings (loops, retry storms, swallowed tool errors, token spikes, …), errors with exception messages and stack frames resolved to workspace file:line, the conversation (the user question, each model call\'s new input and output, tool calls with arguments and results) and the span tree with span ids. Use get_span for one span\'s attributes, events and logs.',
    inputSchema: SCHEMAS.get_trace,
  },
  {
    name: 'get_span',
    toolReferenceName: 'span',
    displayName: 'Get Span',
    description:
      'Read one span of a trace: kind, status, timing, code location, errors with exception messages and resolved stack frames, its GenAI view (model, tokens, cost, input/output messages, tool call arguments and result), all attributes, events and correlated log records.',
    inputSchema: SCHEMAS.get_span,
  },
  {
    name: 'list_sessions',
    toolReferenceName: 'traceSessions',
    displayName: 'List Trace Sessions',
    description:
      'List sessions (conversations spanning several traces, by gen_ai.conversation.id / session.id), most recently active first: session id, first message, trace count, time range, errors, cost and tokens. Then list_traces with session_id.',
    inputSchema: SCHEMAS.list_sessions,
  },
  {
    name: 'get_usage',
    toolReferenceName: 'traceUsage',
    displayName: 'Get Trace Usage',
    description:
      'Cost and usage report of all stored traces, one session (session_id), one trace (trace_id) or the traces matching a query (query): cost in USD, tokens (input, output, cached, reasoning), cost by model, model calls and failures, agent loop iterations, tool calls and success rate, model latency percentiles, context-window use, the most expensive traces and findings. Give at most one of trace_id, session_id, query.',
    inputSchema: SCHEMAS.get_usage,
  },
  {
    name: 'list_findings',
    toolReferenceName: 'traceFindings',
    displayName: 'List Trace Findings',
    description:
      'List what the Trace Lens diagnostics found in agent runs, worst first: possible loops (same tool, same arguments), iteration limits, retry storms, swallowed tool errors, skipped or missing tools, token spikes, full context windows, truncated, filtered or empty completions, baseline anomalies. Each with trace id, span id and the source line that made the span.',
    inputSchema: SCHEMAS.list_findings,
  },
  {
    name: 'check_run',
    toolReferenceName: 'traceBaseline',
    displayName: 'Check Run Against Baseline',
    description:
      'Compare one run (trace) with the baseline of earlier runs of the same agent: its cost, duration, tool calls, error rate, retry rate and tokens against the baseline mean and standard deviation, and its findings.',
    inputSchema: SCHEMAS.check_run,
  },
] satisfies (AgentToolSpec & { name: ToolName })[]);

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * A trace id from input: lower-cased; a prefix is looked up (`findTraces`). Returns the summary,
 * or a message for the agent when no trace (or more than one) matches.
 */
async function findTrace(ctx: AgentToolContext, idOrPrefix: string): Promise<{ summary: TraceSummary } | { message: string }> {
  const id = idOrPrefix.toLowerCase();
  if (TRACE_ID.test(id)) {
    const summary = await ctx.query('traceSummary', { traceId: id });
    return summary ? { summary } : { message: `No trace ${id} is stored (it may have been evicted or cleared). Use list_traces or search_traces to find traces.` };
  }
  const found = await ctx.query('findTraces', { prefix: id, limit: 5 });
  if (found.length === 1) return { summary: found[0]! };
  if (found.length === 0) return { message: `No stored trace id starts with ${id}. Use list_traces or search_traces.` };
  return { message: `The prefix ${id} matches several traces: ${found.map((t) => t.traceId).join(', ')}${found.length === 5 ? ', …' : ''}. Give more characters.` };
}

function policyOf(ctx: AgentToolContext): ContentPolicy {
  return new ContentPolicy(ctx.includeContent, ctx.redact);
}

function finish(out: OutputBuilder, ctx: AgentToolContext, traceIds?: string[], listTruncated = false): AgentToolResult {
  let text = out.toString();
  // Redacted again as a whole: a pattern that spans a value and its label still applies.
  if (ctx.redact) text = ctx.redact(text);
  const result: AgentToolResult = { text, truncated: out.truncated || listTruncated || /…\d+ more characters|…and \d+ more|steps omitted|spans omitted/.test(text) };
  if (traceIds) result.traceIds = traceIds;
  return result;
}

/** Fetches everything `get_trace` shows. */
async function traceParts(ctx: AgentToolContext, summary: TraceSummary) {
  const traceId = summary.traceId;
  const [conversation, skeleton, findings] = await Promise.all([
    ctx.query('traceConversation', { traceId }),
    ctx.query('traceSkeleton', { traceId }),
    ctx.query('listFindings', { traceIds: [traceId] }).catch((): LocatedFinding[] => []),
  ]);
  const failing = errorSpans(skeleton).slice(0, MAX_ERROR_SPANS);
  const errorDetails = (await Promise.all(failing.map((s) => ctx.query('spanDetail', { traceId, spanId: s.spanId })))).filter((d): d is SpanDetail => d !== null);
  return { summary, conversation, skeleton, findings, errorDetails };
}

/**
 * Runs one tool. `name` is an `AGENT_TOOLS` name; `input` its JSON input. Throws `Error` naming
 * the tool and the problem for an unknown tool or input that does not match the schema; a trace
 * or span that is not stored is an answer, not an error. Store errors propagate.
 */
export async function runAgentTool(name: string, input: unknown, ctx: AgentToolContext): Promise<AgentToolResult> {
  if (!Object.prototype.hasOwnProperty.call(SCHEMAS, name)) {
    throw new Error(`Unknown Trace Lens tool "${name}" (tools: ${AGENT_TOOLS.map((t) => t.name).join(', ')})`);
  }
  const tool = name as ToolName;
  const args = checkInput(tool, SCHEMAS[tool], input);
  const policy = policyOf(ctx);
  const out = new OutputBuilder(ctx.budgetChars);
  const str = (key: string): string | undefined => (typeof args[key] === 'string' ? (args[key] as string) : undefined);
  const int = (key: string, fallback: number): number => (typeof args[key] === 'number' ? (args[key] as number) : fallback);

  switch (tool) {
    case 'search_traces': {
      const query = str('query')!;
      const result = await ctx.query('searchTraces', { query, limit: int('limit', 20) });
      writeSearch(out, query, result, policy);
      return finish(out, ctx, result.ok ? result.hits.map((h) => h.summary.traceId) : [], result.ok && result.truncated);
    }
    case 'list_traces': {
      const limit = int('limit', 20);
      const sessionId = str('session_id');
      const traces = await ctx.query('listTraces', { limit: limit + 1, offset: int('offset', 0), ...(sessionId !== undefined ? { sessionId } : {}) });
      const shown = traces.slice(0, limit);
      writeTraceList(out, shown, policy, `${shown.length} most recent trace${shown.length === 1 ? '' : 's'}${sessionId !== undefined ? ` of session ${policy.text(sessionId)}` : ''} (newest first)`, traces.length > limit);
      return finish(out, ctx, shown.map((t) => t.traceId), traces.length > limit);
    }
    case 'get_trace': {
      const found = await findTrace(ctx, str('trace_id')!);
      if ('message' in found) return { text: found.message, truncated: false, traceIds: [] };
      await writeTrace(out, await traceParts(ctx, found.summary), policy, ctx.resolveSource);
      return finish(out, ctx, [found.summary.traceId]);
    }
    case 'get_span': {
      const found = await findTrace(ctx, str('trace_id')!);
      if ('message' in found) return { text: found.message, truncated: false, traceIds: [] };
      const spanId = str('span_id')!.toLowerCase();
      const detail = await ctx.query('spanDetail', { traceId: found.summary.traceId, spanId });
      if (!detail) return { text: `Trace ${found.summary.traceId} has no span ${spanId}. get_trace lists its span ids.`, truncated: false, traceIds: [found.summary.traceId] };
      await writeSpan(out, detail, policy, ctx.resolveSource);
      return finish(out, ctx, [found.summary.traceId]);
    }
    case 'list_sessions': {
      const limit = int('limit', 20);
      const sessions = await ctx.query('listSessions', { limit: limit + 1 });
      writeSessions(out, sessions.slice(0, limit), policy, sessions.length > limit);
      return finish(out, ctx, undefined, sessions.length > limit);
    }
    case 'get_usage': {
      const given = (['trace_id', 'session_id', 'query'] as const).filter((k) => args[k] !== undefined);
      if (given.length > 1) throw new Error(`get_usage: give at most one of trace_id, session_id, query (got ${given.join(', ')})`);
      let label = 'all stored traces';
      let traceIds: string[] | undefined;
      let scope: BackendRequests['usageReport']['params']['scope'] = { kind: 'all' };
      if (str('trace_id') !== undefined) {
        const found = await findTrace(ctx, str('trace_id')!);
        if ('message' in found) return { text: found.message, truncated: false, traceIds: [] };
        scope = { kind: 'trace', traceId: found.summary.traceId };
        label = `trace ${found.summary.traceId} (${traceLabel(found.summary, policy)}, ${isoTime(found.summary.startTimeUnixNano)})`;
        traceIds = [found.summary.traceId];
      } else if (str('session_id') !== undefined) {
        scope = { kind: 'session', sessionId: str('session_id')! };
        label = `session ${policy.text(str('session_id')!)}`;
      } else if (str('query') !== undefined) {
        scope = { kind: 'filtered', query: str('query')! };
        label = `the traces matching "${policy.text(str('query')!)}"`;
      }
      const report = await ctx.query('usageReport', { scope });
      if (!report) return { text: `No usage for ${label}: nothing stored in that scope${scope.kind === 'filtered' ? ' (or the query does not parse; check it with search_traces)' : ''}.`, truncated: false, traceIds: traceIds ?? [] };
      writeUsage(out, label, report, policy);
      return finish(out, ctx, traceIds ?? uniqueTraceIds(report.points.map((p) => p.traceId)), report.truncated);
    }
    case 'list_findings': {
      const limit = int('limit', 30);
      let traceIds: string[] | undefined;
      if (str('trace_id') !== undefined) {
        const found = await findTrace(ctx, str('trace_id')!);
        if ('message' in found) return { text: found.message, truncated: false, traceIds: [] };
        traceIds = [found.summary.traceId];
      }
      const findings = await ctx.query('listFindings', traceIds ? { traceIds } : {});
      await writeFindings(out, findings, limit, policy, ctx.resolveSource);
      return finish(out, ctx, uniqueTraceIds(findings.slice(0, limit).map((f) => f.traceId)), findings.length > limit);
    }
    case 'check_run': {
      const found = await findTrace(ctx, str('trace_id')!);
      if ('message' in found) return { text: found.message, truncated: false, traceIds: [] };
      const check = await ctx.query('checkRun', { traceId: found.summary.traceId });
      if (!check) return { text: `Trace ${found.summary.traceId} is no longer stored.`, truncated: false, traceIds: [] };
      await writeRunCheck(out, check, policy, ctx.resolveSource);
      return finish(out, ctx, [found.summary.traceId]);
    }
  }
}

function uniqueTraceIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** URI scheme of the MCP resources. */
export const AGENT_RESOURCE_SCHEME = 'trace-lens';

/**
 * Reads an MCP resource: `trace-lens://trace/<trace id>` (the `get_trace` text) or
 * `trace-lens://session/<session id>` (the session's usage and its traces, newest first; the id
 * URI-encoded). `null` for any other URI, or an id that is not stored.
 */
export async function readAgentResource(uri: string, ctx: AgentToolContext): Promise<AgentToolResult | null> {
  const m = /^trace-lens:\/\/(trace|session)\/([^/?#]+)$/.exec(uri);
  if (!m) return null;
  let id: string;
  try {
    id = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  if (m[1] === 'trace') {
    if (!/^[0-9a-fA-F]{32}$/.test(id)) return null;
    const summary = await ctx.query('traceSummary', { traceId: id.toLowerCase() });
    if (!summary) return null;
    const out = new OutputBuilder(ctx.budgetChars);
    await writeTrace(out, await traceParts(ctx, summary), policyOf(ctx), ctx.resolveSource);
    return finish(out, ctx, [summary.traceId]);
  }
  const traces = await ctx.query('listTraces', { limit: 101, offset: 0, sessionId: id });
  if (traces.length === 0) return null;
  const policy = policyOf(ctx);
  const out = new OutputBuilder(ctx.budgetChars);
  const report = await ctx.query('usageReport', { scope: { kind: 'session', sessionId: id } });
  if (report) writeUsage(out, `session ${policy.text(id)}`, report, policy);
  writeTraceList(out, traces.slice(0, 100), policy, `Traces of session ${policy.text(id)} (newest first)`, traces.length > 100);
  return finish(out, ctx, traces.slice(0, 100).map((t) => t.traceId), traces.length > 100);
}
