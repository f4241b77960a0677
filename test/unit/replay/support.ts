/** Helpers of the replay tests: fixture spans as the replay reads a stored trace, and messages as canonical lines. */
import type { ConversationSpan } from '../../../src/core/genai/conversation';
import type { TraceCallSpan } from '../../../src/core/replay/recordedCalls';
import type { GenAiMessage, GenAiMessagePart } from '../../../src/model/genai';
import type { SpanRecord } from '../../../src/model/trace';

/** Normalized fixture spans as `TraceCallSpan`s (what the back end builds from a stored trace). */
export function callSpansOf(all: readonly ConversationSpan[]): TraceCallSpan[] {
  return all.map((s) => ({
    spanId: s.span.spanId,
    parentSpanId: s.span.parentSpanId,
    name: s.span.name,
    startOffsetMs: s.startOffsetMs,
    durationMs: s.durationMs,
    statusCode: s.span.status.code,
    view: s.view,
    record: s.span,
    logs: s.logs,
  }));
}

/** Keys sorted, for a canonical JSON text. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
}

/** A value as canonical JSON: JSON text parsed first, so `'{"a":1}'` and `{a: 1}` read the same; text blocks joined. */
export function canonical(v: unknown): string {
  if (Array.isArray(v) && v.length > 0 && v.every((b) => typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'text')) {
    return canonical(v.map((b) => (b as { text: string }).text).join('\n'));
  }
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === 'object' && parsed !== null) return JSON.stringify(sorted(parsed));
    } catch {
      // plain text
    }
    return v;
  }
  return JSON.stringify(sorted(v));
}

function partLine(p: GenAiMessagePart): string {
  switch (p.type) {
    case 'text':
      return p.content;
    case 'tool_call':
      return `call ${p.name}#${p.id ?? ''} ${canonical(p.arguments ?? {})}`;
    case 'tool_call_response':
      // A result the recording lacks (OpenInference Bedrock records only the tool call id) is sent empty.
      return `result#${p.id ?? ''} ${canonical(p.response ?? '')}`;
    case 'reasoning':
      return `reasoning ${p.content}`;
    case 'media':
      return `media ${p.modality ?? ''} ${p.dataUri ? 'inline' : (p.uri ?? p.fileId ?? '')}`;
    case 'other':
      return `other ${canonical(p.raw)}`;
  }
}

/** Messages as `role: part | part` lines with canonical arguments and results. */
export function lines(messages: readonly GenAiMessage[] | undefined): string[] {
  return (messages ?? []).map((m) => `${m.role}: ${m.parts.map(partLine).join(' | ')}`);
}

/** An attribute of a span, JSON text parsed. */
export function attr(span: SpanRecord, key: string): unknown {
  const v = span.attributes[key];
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}
