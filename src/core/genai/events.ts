/**
 * GenAI events of a span: correlated OTLP log records and span events (OTel GenAI §1.7: the
 * v1.28–v1.36 per-message events, `gen_ai.choice`, the `gen_ai.client.inference.operation.details`
 * event; v1.38+ `gen_ai.evaluation.result`, `gen_ai.guardrail.result`,
 * `gen_ai.content.storage.result`), read into one shape, and the messages of the per-message events.
 * Pure; malformed JSON bodies go to the `RawSink` with a note.
 */
import type { Attributes, LogRecordInfo, SpanEvent, SpanRecord } from '../../model/trace';
import type { GenAiMessage } from '../../model/genai';
import { toMessage } from './messages';
import { isRecord, json, str, tryParse, type RawSink } from './values';

/** Log/event names of the v1.28–v1.36 per-message events (§1.7b) → role. */
export const MESSAGE_EVENT_ROLES: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
export const CHOICE_EVENT = 'gen_ai.choice';
export const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
/** `gen_ai.evaluation.result` (docs/gen-ai/gen-ai-events.md). */
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';
/** `gen_ai.guardrail.result` (docs/gen-ai/gen-ai-guardrails.md). */
export const GUARDRAIL_EVENT = 'gen_ai.guardrail.result';
/** `gen_ai.content.storage.result` (opentelemetry-util-genai upload hook). */
export const STORAGE_EVENT = 'gen_ai.content.storage.result';

/** Span events read as GenAI events (log records: every `gen_ai.*` name). */
const SPAN_EVENT_NAMES: ReadonlySet<string> = new Set([...Object.keys(MESSAGE_EVENT_ROLES), CHOICE_EVENT, DETAILS_EVENT, EVALUATION_EVENT, GUARDRAIL_EVENT, STORAGE_EVENT]);

/** Events that carry messages (a span with only these and no GenAI attributes is a model call). */
export function isMessageEvent(name: string): boolean {
  return MESSAGE_EVENT_ROLES[name] !== undefined || name === CHOICE_EVENT || name === DETAILS_EVENT;
}

/** One GenAI event from a log record or a span event: name and body (attributes when no body). */
export interface GenAiEvent {
  name: string;
  body: unknown;
  attributes: Attributes;
  timeUnixNano: string;
  /** Carried by a correlated log record or by a span event (or a span attribute holding events). */
  source: 'log-record' | 'span-event';
}

function eventBody(body: unknown, key: string, raw: RawSink): unknown {
  if (typeof body === 'string') {
    const t = body.trimStart();
    if (t[0] === '{' || t[0] === '[') {
      const parsed = tryParse(body);
      if (parsed.ok) return parsed.value;
      raw.add(key, body, `event body is not valid JSON (${parsed.message}); shown as received`);
      return undefined;
    }
  }
  return body;
}

/** GenAI events of a span: correlated log records (by time) and span events with the same names. */
export function collectEvents(span: SpanRecord, logs: readonly LogRecordInfo[], raw: RawSink): GenAiEvent[] {
  const events: GenAiEvent[] = [];
  for (const log of logs) {
    const name = log.eventName || (typeof log.attributes?.['event.name'] === 'string' ? (log.attributes['event.name'] as string) : '');
    if (!name.startsWith('gen_ai.')) continue;
    events.push({ name, body: eventBody(log.body, name, raw), attributes: log.attributes ?? {}, timeUnixNano: log.timeUnixNano || log.observedTimeUnixNano, source: 'log-record' });
  }
  for (const e of span.events ?? []) {
    if (!SPAN_EVENT_NAMES.has(e.name)) continue;
    events.push({ name: e.name, body: spanEventBody(e, raw), attributes: e.attributes ?? {}, timeUnixNano: e.timeUnixNano, source: 'span-event' });
  }
  return events;
}

/** Span-event carrier of the message events: the body fields are attributes (or one JSON attribute). */
function spanEventBody(e: SpanEvent, raw: RawSink): unknown {
  const a = e.attributes ?? {};
  for (const key of ['gen_ai.event.content', 'body', 'content_json']) {
    if (typeof a[key] === 'string') {
      const parsed = json(a[key], `${e.name} ${key}`, raw);
      if (parsed !== undefined) return parsed;
    }
  }
  return a;
}

/** Messages from the v1.28 message events (§1.7b): inputs in order, choices by index. */
export function messagesFromEvents(events: readonly GenAiEvent[]): { input?: GenAiMessage[]; output?: GenAiMessage[]; provider?: string } {
  const input: GenAiMessage[] = [];
  const choices: { index: number; message: GenAiMessage }[] = [];
  let provider: string | undefined;
  for (const e of events) {
    provider ??= str(e.attributes['gen_ai.system']) ?? str(e.attributes['gen_ai.provider.name']);
    const role = MESSAGE_EVENT_ROLES[e.name];
    if (role !== undefined) {
      const body: Record<string, unknown> = isRecord(e.body) ? { ...e.body } : { content: e.body };
      if (role === 'tool' && body.tool_call_id === undefined && body.id !== undefined) body.tool_call_id = body.id;
      const m = toMessage(body, role);
      if (m) input.push(m);
    } else if (e.name === CHOICE_EVENT) {
      const body = isRecord(e.body) ? e.body : { message: { content: e.body } };
      const m = toMessage(isRecord(body.message) ? { role: 'assistant', ...body.message } : { role: 'assistant', content: body.message }, 'assistant');
      if (!m) continue;
      const finish = str(body.finish_reason);
      if (finish) m.finishReason = finish;
      choices.push({ index: typeof body.index === 'number' ? body.index : choices.length, message: m });
    }
  }
  choices.sort((a, b) => a.index - b.index);
  const out: { input?: GenAiMessage[]; output?: GenAiMessage[]; provider?: string } = {};
  if (input.length) out.input = input;
  if (choices.length) out.output = choices.map((c) => c.message);
  if (provider) out.provider = provider;
  return out;
}

/** pydantic-ai v1 `events` attribute (§1.7 variant): a JSON array of event bodies with `event.name`. */
export function eventsFromLogfireAttribute(a: Attributes, raw: RawSink): GenAiEvent[] | undefined {
  if (a['events'] === undefined) return undefined;
  const list = json(a['events'], 'events', raw);
  if (!Array.isArray(list)) return undefined;
  const events: GenAiEvent[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const name = str(item['event.name']);
    if (!name) continue;
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item)) if (k !== 'event.name' && !k.startsWith('gen_ai.')) body[k] = v;
    events.push({ name, body, attributes: {}, timeUnixNano: '', source: 'span-event' });
  }
  return events;
}

