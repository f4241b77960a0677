/**
 * Tool results as frameworks wrap them, unwrapped to what the tool returned, so a tool card shows
 * the result (and a result repeated as a tool message is recognized as the same):
 * - LangChain's serialized `ToolMessage` (`{"lc":1,"type":"constructor","id":[…,"ToolMessage"],
 *   "kwargs":{"content":…}}`, also under `{"output": …}` as OpenInference's LangChain
 *   instrumentation records it) → `kwargs.content`;
 * - an MCP `CallToolResult` (`{"content":[{"type":"text","text":…}], "structuredContent"?}`,
 *   MCP spec "Tool Result") → `structuredContent`, else the text of its text blocks;
 * - LangSmith's `{"outputs": …}` → `outputs`.
 * A result that reports an error (`isError: true`, a ToolMessage with `status: "error"`) is kept
 * whole: the error flag is part of what the user and the diagnostics need to see. Anything else is
 * returned unchanged (strings stay strings).
 */
import { isRecord, maybeJson } from './values';

export function unwrapToolResult(value: unknown): unknown {
  const parsed = maybeJson(value).value;
  if (!isRecord(parsed)) return value;
  const lc = langChainMessage(isRecord(parsed.output) ? parsed.output : parsed);
  if (lc) return lc.status === 'error' ? value : lc.content;
  if (Array.isArray(parsed.content) && parsed.isError !== true && Object.keys(parsed).every((k) => k === 'content' || k === 'structuredContent' || k === '_meta' || k === 'isError')) {
    if (parsed.structuredContent !== undefined) return parsed.structuredContent;
    const texts = parsed.content.filter((c): c is { type: 'text'; text: string } => isRecord(c) && c.type === 'text' && typeof c.text === 'string');
    if (texts.length === parsed.content.length && texts.length > 0) return texts.length === 1 ? texts[0]!.text : texts.map((t) => t.text).join('\n');
    return value;
  }
  if (Object.keys(parsed).length === 1 && 'outputs' in parsed) return parsed.outputs;
  return value;
}

/** LangChain `Serializable` JSON of a ToolMessage: its content and status. */
function langChainMessage(v: Record<string, unknown>): { content: unknown; status?: unknown } | undefined {
  if (v.lc !== 1 || v.type !== 'constructor' || !Array.isArray(v.id) || v.id[v.id.length - 1] !== 'ToolMessage' || !isRecord(v.kwargs)) return undefined;
  return { content: v.kwargs.content, status: v.kwargs.status };
}
