/**
 * The `redaction` rewrite of forwarding targets (`TargetRewrites.redaction`), on plain requests
 * (`plainRequest.ts`), in place: `dropContent` removes message content (the GenAI content
 * attributes below, GenAI content events, and the bodies of `gen_ai.*` log events) and counts it
 * as dropped; `patterns` replace every match in every string value with `[REDACTED]`. Applied by
 * `applyRewrites` (`otlpTransform.ts`). Not to be confused with `redactText` (`transport.ts`),
 * which hides target secrets in log lines and status messages.
 */
import type { OtlpSignal } from '../otlp/types';
import { anyValueText, asArray, attributesOf, findAttr, type KeyValue, type Obj } from './plainRequest';

/** Attributes that carry message content (prompts, completions, tool arguments/results, documents). */
export const CONTENT_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.prompt',
  'gen_ai.completion',
  'input.value',
  'output.value',
  'traceloop.entity.input',
  'traceloop.entity.output',
  'langfuse.observation.input',
  'langfuse.observation.output',
  'langfuse.trace.input',
  'langfuse.trace.output',
  'ai.prompt',
  'ai.prompt.messages',
  'ai.response.text',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'tool_arguments',
  'tool_response',
  'events',
]);
/** On span events and log records only: the attributes of the older per-message events. */
const EVENT_CONTENT_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(['content', 'message', 'body', 'tool_calls']);
export const CONTENT_ATTRIBUTE_PREFIXES: readonly string[] = [
  'gen_ai.prompt.',
  'gen_ai.completion.',
  'llm.input_messages.',
  'llm.output_messages.',
  'retrieval.documents.',
];
/** Span events and log events that carry message content. */
export const CONTENT_EVENT_NAMES: ReadonlySet<string> = new Set([
  'gen_ai.content.prompt',
  'gen_ai.content.completion',
  'gen_ai.content.completion.chunk',
  'llm.content.completion.chunk',
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
  'gen_ai.client.inference.operation.details',
]);

export const REDACTED = '[REDACTED]';

/**
 * `true` when an attribute carries message content (prompts, completions, tool arguments and
 * results, documents): the keys above and prefixes, plus, on span events and log records
 * (`onEvent`), the attributes of the older per-message events (`content`, `message`, …).
 */
export function isContentAttributeKey(key: string, onEvent: boolean): boolean {
  if (CONTENT_ATTRIBUTE_KEYS.has(key)) return true;
  if (onEvent && EVENT_CONTENT_ATTRIBUTE_KEYS.has(key)) return true;
  return CONTENT_ATTRIBUTE_PREFIXES.some((p) => key.startsWith(p));
}

function withoutContent(o: Obj, onEvent: boolean): void {
  if (Array.isArray(o.attributes)) {
    const kept = (o.attributes as KeyValue[]).filter((kv) => !isContentAttributeKey(kv.key, onEvent));
    const dropped = (o.attributes as KeyValue[]).length - kept.length;
    o.attributes = kept;
    if (dropped > 0) o.droppedAttributesCount = (Number(o.droppedAttributesCount) || 0) + dropped;
  }
}

function eventNameOf(o: Obj): string {
  if (typeof o.eventName === 'string' && o.eventName) return o.eventName;
  if (typeof o.name === 'string' && o.name) return o.name;
  return anyValueText(findAttr(attributesOf(o), 'event.name')?.value) ?? '';
}

/**
 * `dropContent`: removes content attributes from spans, span events and GenAI log events, content
 * events from spans, and the bodies of GenAI log events; removed items count as dropped.
 */
export function dropContentFrom(signal: OtlpSignal, resources: readonly Obj[]): void {
  if (signal === 'traces') {
    for (const rs of resources) {
      for (const ss of asArray(rs.scopeSpans)) {
        for (const span of asArray(ss.spans)) {
          withoutContent(span, false);
          if (Array.isArray(span.events)) {
            const kept = (span.events as Obj[]).filter((e) => !CONTENT_EVENT_NAMES.has(eventNameOf(e)));
            const dropped = (span.events as Obj[]).length - kept.length;
            for (const e of kept) withoutContent(e, true);
            span.events = kept;
            if (dropped > 0) span.droppedEventsCount = (Number(span.droppedEventsCount) || 0) + dropped;
          }
        }
      }
    }
  } else if (signal === 'logs') {
    for (const rl of resources) {
      for (const sl of asArray(rl.scopeLogs)) {
        for (const record of asArray(sl.logRecords)) {
          const name = eventNameOf(record);
          if (CONTENT_EVENT_NAMES.has(name) || name.startsWith('gen_ai.')) {
            delete record.body;
            withoutContent(record, true);
          }
        }
      }
    }
  }
}

/**
 * Compiles redaction patterns (JavaScript regular expression sources, as in the forwarding
 * target's `redaction.patterns` and `traceLens.agents.redactionPatterns`) with the `g` flag.
 * `sources` are the valid patterns as given; invalid ones (and empty or non-string entries, which
 * would match everywhere or nothing) are returned in `invalid` (the caller warns) and left out.
 */
export function compileRedactionPatterns(patterns: readonly unknown[]): { regexes: RegExp[]; sources: string[]; invalid: string[] } {
  const regexes: RegExp[] = [];
  const sources: string[] = [];
  const invalid: string[] = [];
  for (const p of patterns) {
    if (typeof p !== 'string' || p === '') {
      invalid.push(String(p));
      continue;
    }
    try {
      regexes.push(new RegExp(p, 'g'));
      sources.push(p);
    } catch {
      invalid.push(p);
    }
  }
  return { regexes, sources, invalid };
}

/** `text` with every match of `regexes` replaced by `[REDACTED]`. */
export function redactMatches(text: string, regexes: readonly RegExp[]): string {
  let s = text;
  for (const re of regexes) {
    re.lastIndex = 0;
    s = s.replace(re, REDACTED);
  }
  return s;
}

/** Replaces every match of `regexes` in every string value (attributes, event attributes, log bodies). */
export function redactStrings(value: unknown, regexes: readonly RegExp[]): void {
  if (Array.isArray(value)) {
    for (const v of value) redactStrings(v, regexes);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Obj;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'stringValue' && typeof v === 'string') {
      o[k] = redactMatches(v, regexes);
    } else if (typeof v === 'object' && v !== null) {
      redactStrings(v, regexes);
    }
  }
}
