/**
 * Ingest-time GenAI facts: what the store keeps per span (`GenAiBadge`, for tree and waterfall
 * rows) and per trace (session id, outermost agent, first user message). Runs for EVERY span at
 * ingest, so it reads attributes by key only (no scans, no JSON parsing except Langfuse's small
 * usage JSON). The first user message is extracted lazily, only for the model calls that can
 * still improve a trace's summary (see TraceStore), and only looks at the keys that carry input.
 *
 * Key chains: docs/genai-conventions.md §0 (see fields.ts).
 */
import type { LogRecordInfo, SpanRecord } from '../../model/trace';
import type { CallFacts, GenAiBadge } from '../../model/genai';
import { callFactsOf } from './callFacts';
import { RESPONSE_MODEL_KEYS, SESSION_KEYS, detectKind, readAgentName, readProvider, readRequestModel, readSpanReads, readToolName, type KindInfo, type SpanReads } from './fields';
import { readTokens } from './usageFields';
import { firstUserTextOf, toMessage, toMessages } from './messages';
import { firstStr, isRecord, json, maybeJson, shorten, str } from './values';

/** Longest first user message kept in a trace summary (characters, ellipsis included). */
export const FIRST_USER_MESSAGE_MAX_CHARS = 120;

/**
 * Compact GenAI facts of one span for its tree/waterfall row, from attributes only; `undefined`
 * for a non-GenAI span. `model` is the requested model (shorter than the dated response model),
 * else the response model. `agentName`/`toolName` only on agent/tool spans.
 */
export function genaiBadge(span: SpanRecord): GenAiBadge | undefined {
  const info = detectKind(span);
  return info ? badgeOf(span, info) : undefined;
}

/** `genaiBadge` of a span whose kind is known; `read`: its `readSpanReads`, when the caller has it. */
function badgeOf(span: SpanRecord, info: KindInfo, read?: SpanReads): GenAiBadge {
  const a = span.attributes;
  const badge: GenAiBadge = { kind: info.kind };
  const model = read ? (read.requestModel ?? read.responseModel) : (readRequestModel(a) ?? firstStr(a, RESPONSE_MODEL_KEYS));
  if (model !== undefined) badge.model = model;
  if (info.kind === 'agent') {
    const name = readAgentName(a) ?? (a['langfuse.observation.type'] === 'agent' || a['openinference.span.kind'] !== undefined ? span.name : undefined);
    if (name !== undefined) badge.agentName = name;
  } else if (info.kind === 'tool') {
    const name = readToolName(a) ?? (a['langfuse.observation.type'] === 'tool' ? span.name : undefined);
    if (name !== undefined) badge.toolName = name;
  }
  const usage = readTokens(a, { scopeName: span.scope?.name, provider: read ? read.provider : readProvider(span) }, read?.counts);
  if (usage) {
    if (usage.inputTokens !== undefined) badge.inputTokens = usage.inputTokens;
    if (usage.outputTokens !== undefined) badge.outputTokens = usage.outputTokens;
    if (info.vercelOuter || info.kind === 'agent' || info.kind === 'workflow') badge.usageIsAggregate = true;
  }
  return badge;
}

/** What the store keeps from one span at ingest. */
export interface SpanGenAiFacts {
  badge?: GenAiBadge;
  /** `gen_ai.conversation.id`, `session.id`, … (also on non-GenAI spans). */
  sessionId?: string;
  /** Set on agent spans: the name the trace summary may show (outermost agent wins). */
  agentName?: string;
  /**
   * A model call (kind `llm`) whose attributes or events may hold input messages: a candidate
   * for the trace's first user message (`firstUserTextOfSpan`). Model calls whose content is
   * elsewhere (log records) or absent are not, so they cost no extraction attempt.
   */
  modelCall: boolean;
  /**
   * Cost facts of a GenAI span that is a model call or carries usage or a cost (`callFactsOf`,
   * without log records: the store asks again with them when the span has correlated records).
   */
  call?: CallFacts;
}

/** Constant keys that may hold a model call's input (§0 "Input messages"), checked without scanning. */
const INPUT_KEYS = [
  'gen_ai.input.messages',
  'llm.input_messages.0.message.role',
  'gen_ai.prompt.0.role',
  'gen_ai.prompt',
  'ai.prompt.messages',
  'ai.prompt',
  'events',
  'input.value',
  'langfuse.observation.input',
] as const;

/** `true` when the span may carry input messages itself (attributes or span events). */
function mayCarryInput(span: SpanRecord): boolean {
  const a = span.attributes;
  for (const key of INPUT_KEYS) if (a[key] !== undefined) return true;
  return (span.events?.length ?? 0) > 0;
}

/** Badge plus trace-level facts of one span; `undefined` when there is nothing to keep. */
export function spanGenAiFacts(span: SpanRecord): SpanGenAiFacts | undefined {
  const info = detectKind(span);
  // The keys badge and cost facts share, read once.
  const read = info ? readSpanReads(span) : undefined;
  const badge = info ? badgeOf(span, info, read) : undefined;
  const sessionId = firstStr(span.attributes, SESSION_KEYS);
  const call = info ? callFactsOf(span, [], info, read) : undefined;
  if (!badge && sessionId === undefined && !call) return undefined;
  const facts: SpanGenAiFacts = { modelCall: badge?.kind === 'llm' && mayCarryInput(span) };
  if (badge) facts.badge = badge;
  if (call) facts.call = call;
  if (sessionId !== undefined) facts.sessionId = sessionId;
  if (badge?.agentName !== undefined) facts.agentName = badge.agentName;
  return facts;
}

function clip(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = shorten(text, FIRST_USER_MESSAGE_MAX_CHARS);
  return t === '' ? undefined : t;
}

function userTextOfValue(value: unknown, defaultRole = 'user'): string | undefined {
  return firstUserTextOf(toMessages(value, defaultRole));
}

/**
 * The first user text of a model call's input (shortened to `FIRST_USER_MESSAGE_MAX_CHARS`), from
 * the span's own attributes and events; `undefined` when the span carries no user text. Looks at
 * the input keys of §0 "Input messages" directly (flattened keys by index, no key scan).
 */
export function firstUserTextOfSpan(span: SpanRecord): string | undefined {
  const a = span.attributes;
  let v: unknown = a['gen_ai.input.messages'];
  if (v !== undefined) return clip(userTextOfValue(json(v, '')));
  for (const prefix of ['llm.input_messages.', 'gen_ai.prompt.']) {
    const oi = prefix === 'llm.input_messages.';
    for (let i = 0; i < 1000; i++) {
      const base = oi ? `${prefix}${i}.message.` : `${prefix}${i}.`;
      const role = a[`${base}role`];
      if (role === undefined) break;
      if (role !== 'user') continue;
      const content = a[`${base}content`] ?? a[`${base}contents.0.message_content.text`];
      const text = typeof content === 'string' ? firstUserTextOf(toMessages([{ role: 'user', content }], 'user')) : undefined;
      if (text !== undefined) return clip(text);
    }
  }
  for (const key of ['gen_ai.prompt', 'ai.prompt.messages']) {
    v = a[key];
    if (v !== undefined) {
      const text = userTextOfValue(json(v, key));
      if (text !== undefined) return clip(text);
    }
  }
  v = a['ai.prompt'];
  if (v !== undefined) {
    const p = maybeJson(v).value;
    if (isRecord(p)) {
      if (typeof p.prompt === 'string') return clip(p.prompt);
      if (p.prompt !== undefined) {
        const text = firstUserTextOf(toMessages([{ role: 'user', content: p.prompt }], 'user'));
        if (text !== undefined) return clip(text);
      }
      const text = userTextOfValue(p.messages);
      if (text !== undefined) return clip(text);
    } else if (typeof p === 'string') return clip(p);
  }
  for (const e of span.events ?? []) {
    if (e.name === 'gen_ai.user.message') {
      const body = typeof e.attributes?.['gen_ai.event.content'] === 'string' ? maybeJson(e.attributes['gen_ai.event.content']).value : e.attributes;
      const m = toMessage(isRecord(body) ? body : { content: body }, 'user');
      const text = m ? firstUserTextOf([m]) : undefined;
      if (text !== undefined) return clip(text);
    } else if (e.name === 'gen_ai.content.prompt' && e.attributes?.['gen_ai.prompt'] !== undefined) {
      const text = userTextOfValue(json(e.attributes['gen_ai.prompt'], ''));
      if (text !== undefined) return clip(text);
    }
  }
  v = a['events'];
  if (v !== undefined) {
    const list = json(v, '');
    if (Array.isArray(list)) {
      for (const item of list) {
        if (isRecord(item) && item['event.name'] === 'gen_ai.user.message') {
          const m = toMessage(item, 'user');
          const text = m ? firstUserTextOf([m]) : undefined;
          if (text !== undefined) return clip(text);
        }
      }
    }
  }
  for (const key of ['input.value', 'langfuse.observation.input']) {
    v = a[key];
    if (v !== undefined) {
      const text = userTextOfValue(maybeJson(v).value);
      if (text !== undefined) return clip(text);
    }
  }
  return undefined;
}

/**
 * The user text carried by a GenAI log record: `gen_ai.user.message` (§1.7b, body `{content}`),
 * or the input messages of `gen_ai.client.inference.operation.details` (§1.7c). Shortened.
 */
export function firstUserTextOfLog(log: LogRecordInfo): string | undefined {
  const name = log.eventName || str(log.attributes?.['event.name']);
  if (name === 'gen_ai.user.message') {
    const body = typeof log.body === 'string' ? maybeJson(log.body).value : log.body;
    const m = toMessage(isRecord(body) ? body : { content: body }, 'user');
    return clip(m && m.role === 'user' ? firstUserTextOf([m]) : undefined);
  }
  if (name === 'gen_ai.client.inference.operation.details') {
    const v = log.attributes?.['gen_ai.input.messages'] ?? (isRecord(log.body) ? log.body['gen_ai.input.messages'] : undefined);
    return clip(userTextOfValue(json(v, '')));
  }
  return undefined;
}

/** The GenAI hooks the store calls at ingest (see `IngestAnnotator` in src/core/store/genaiFacts.ts). */
export const genaiIngestAnnotator = {
  span: spanGenAiFacts,
  /** A span's cost facts with its correlated log records (the store calls it when records exist). */
  callFacts: callFactsOf,
  firstUserText: firstUserTextOfSpan,
  logFirstUserText: firstUserTextOfLog,
  /** Log event names that may carry user text (the store skips other records). */
  userTextEventNames: ['gen_ai.user.message', 'gen_ai.client.inference.operation.details'] as const,
};
