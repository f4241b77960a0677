/**
 * When two spans are one call seen twice (a wrapper span, a second instrumentation, an MCP client
 * span over the server's span): the one rule the run metrics, the conversation and the diagnostics
 * share (src/core/usage/README.md "Tool calls").
 */
import type { GenAiSpanView } from '../../model/genai';

/**
 * The tool call a tool span repeats: its nearest tool ancestor, when no model call, embeddings call
 * or agent lies in between and the two share the call id or the tool name (case-insensitive).
 * `undefined` when the span is a call of its own. Follows `parentOf` through non-GenAI spans;
 * stops on a cycle. O(depth).
 */
export function repeatedToolCall<S>(span: S, view: GenAiSpanView, viewOf: (s: S) => GenAiSpanView | null | undefined, parentOf: (s: S) => S | undefined): S | undefined {
  const name = view.tool?.name?.toLowerCase();
  const callId = view.tool?.callId;
  const seen = new Set<S>([span]);
  for (let p = parentOf(span); p !== undefined && !seen.has(p); p = parentOf(p)) {
    seen.add(p);
    const v = viewOf(p);
    const k = v?.kind;
    if (k === 'llm' || k === 'agent' || k === 'embeddings') return undefined;
    if (k === 'tool') {
      const same = (callId !== undefined && callId === v!.tool?.callId) || (name !== undefined && name === v!.tool?.name?.toLowerCase());
      return same ? p : undefined;
    }
  }
  return undefined;
}
