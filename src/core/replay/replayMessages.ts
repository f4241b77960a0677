/**
 * The messages of a replay in one canonical form, whatever convention recorded them (so both
 * wire formats, the recorded-response server's matching and a round trip through a provider body
 * see the same thing):
 * - the leading `system` / `developer` messages are the system instructions (`liftSystem`);
 * - every tool result is its own `tool` message with one `tool_call_response` part (Anthropic
 *   records them inside `user` messages, OpenAI as `tool` messages; OTel GenAI allows both);
 * - every tool call and tool result has an id: missing ones are synthesized
 *   (`call_replay_<n>`, valid for both OpenAI and Anthropic) and results are paired with calls in
 *   order.
 * Also the checks that flag what cannot be replayed as recorded: media without bytes or URL,
 * values cut by Trace Lens' limits. Pure; inputs are never modified.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../model/genai';
import type { ReplayGap } from '../../model/replay';
import { truncationOf } from '../../model/limits';

/** Prefix of synthesized tool call ids. */
export const SYNTHESIZED_ID_PREFIX = 'call_replay_';

/** Roles that carry system instructions. */
const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

/** A deep copy of JSON-safe messages. */
export function cloneMessages(messages: readonly GenAiMessage[] | undefined): GenAiMessage[] {
  return messages ? (structuredClone(messages) as GenAiMessage[]) : [];
}

/** The leading system/developer messages' parts (`system`) and the messages after them. */
export function liftSystem(messages: readonly GenAiMessage[]): { system: GenAiMessagePart[]; messages: GenAiMessage[] } {
  let i = 0;
  const system: GenAiMessagePart[] = [];
  while (i < messages.length && SYSTEM_ROLES.has(messages[i]!.role)) system.push(...messages[i++]!.parts);
  return { system, messages: messages.slice(i) };
}

/** Tool results as `tool` messages of one result each, the other parts of their message kept after them in its role. */
export function canonicalToolMessages(messages: readonly GenAiMessage[]): GenAiMessage[] {
  const out: GenAiMessage[] = [];
  for (const m of messages) {
    const results = m.parts.filter((p) => p.type === 'tool_call_response');
    if (results.length === 0 || (m.role === 'tool' && results.length === 1 && m.parts.length === 1)) {
      out.push(m);
      continue;
    }
    for (const r of results) {
      const t: GenAiMessage = { role: 'tool', parts: [r] };
      if (m.name !== undefined && m.role === 'tool') t.name = m.name;
      out.push(t);
    }
    const rest = m.parts.filter((p) => p.type !== 'tool_call_response');
    if (rest.length > 0) out.push({ ...m, role: m.role === 'tool' ? 'user' : m.role, parts: rest });
  }
  return out;
}

/**
 * Gives every tool call and tool result of `lists` (input then output, in order) an id: a call
 * without one gets `call_replay_<n>`; a result without one takes the id of the earliest call that
 * has no result yet (calls answered in order), else a new id. Modifies the given (copied) lists;
 * returns how many ids were synthesized.
 */
export function assignToolCallIds(lists: readonly GenAiMessage[][]): number {
  let synthesized = 0;
  let n = 0;
  const fresh = (): string => `${SYNTHESIZED_ID_PREFIX}${++n}`;
  const pending: string[] = [];
  const answered = new Set<string>();
  for (const list of lists) {
    for (const m of list) {
      for (const p of m.parts) {
        if (p.type === 'tool_call') {
          if (p.id === undefined || p.id === '') {
            p.id = fresh();
            synthesized++;
          }
          pending.push(p.id);
        } else if (p.type === 'tool_call_response') {
          if (p.id === undefined || p.id === '') {
            p.id = pending.find((id) => !answered.has(id)) ?? fresh();
            synthesized++;
          }
          answered.add(p.id);
        }
      }
    }
  }
  return synthesized;
}

/** Tool calls of `messages` that no later message answers (OpenAI and Anthropic both refuse such a history). */
export function unansweredToolCalls(messages: readonly GenAiMessage[]): string[] {
  const answered = new Set<string>();
  for (const m of messages) for (const p of m.parts) if (p.type === 'tool_call_response' && p.id !== undefined) answered.add(p.id);
  const out: string[] = [];
  for (const m of messages) for (const p of m.parts) if (p.type === 'tool_call' && p.id !== undefined && !answered.has(p.id)) out.push(p.name || p.id);
  return out;
}

/** `true` when a conversation uses tools (a tool call or a tool result anywhere). */
export function usesTools(...lists: readonly (readonly GenAiMessage[] | undefined)[]): boolean {
  return lists.some((l) => l?.some((m) => m.parts.some((p) => p.type === 'tool_call' || p.type === 'tool_call_response')));
}

type MediaPart = Extract<GenAiMessagePart, { type: 'media' }>;

/** Whether a media part can be sent: its bytes (`dataUri`) or a remote URL. */
export function mediaSendable(p: MediaPart): 'inline' | 'url' | 'file-id' | 'none' {
  if (p.dataUri) return 'inline';
  if (p.uri && /^https?:\/\//i.test(p.uri)) return 'url';
  if (p.fileId) return 'file-id';
  return 'none';
}

/** Gaps for media parts not recorded with their bytes: by URL only, by provider file id only, or with neither. */
export function mediaGaps(messages: readonly GenAiMessage[], system: readonly GenAiMessagePart[] = []): ReplayGap[] {
  let byFileId = 0;
  let byUrl = 0;
  let missing = 0;
  const notes = new Set<string>();
  const visit = (p: GenAiMessagePart): void => {
    if (p.type !== 'media') return;
    const s = mediaSendable(p);
    if (s === 'file-id') byFileId++;
    else if (s === 'url') byUrl++;
    else if (s === 'none') {
      missing++;
      const what = p.localNote ?? p.note ?? (p.uri ? `URI ${p.uri}` : undefined);
      if (what) notes.add(what);
    }
  };
  for (const m of messages) m.parts.forEach(visit);
  system.forEach(visit);
  const gaps: ReplayGap[] = [];
  if (byUrl) gaps.push({ field: 'media', note: `${byUrl} media part${byUrl === 1 ? ' was' : 's were'} recorded by URL only: the provider fetches ${byUrl === 1 ? 'it' : 'them'} again, and the content may have changed or be out of its reach.` });
  if (byFileId) gaps.push({ field: 'media', note: `${byFileId} media part${byFileId === 1 ? ' is' : 's are'} known only by a provider file id: it works only with the same provider account.` });
  if (missing) {
    const detail = notes.size ? ` (${[...notes].slice(0, 3).join('; ')})` : '';
    gaps.push({ field: 'media', note: `${missing} media part${missing === 1 ? ' was' : 's were'} recorded without their bytes or a URL${detail}: sent as a text placeholder.` });
  }
  return gaps;
}

/** Strings in a JSON-safe value that Trace Lens cut (`truncateValue` markers), counted. */
function countTruncated(value: unknown, depth = 0): number {
  if (depth > 64) return 0;
  if (typeof value === 'string') return truncationOf(value) ? 1 : 0;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countTruncated(v, depth + 1), 0);
  if (typeof value === 'object' && value !== null) return Object.values(value).reduce<number>((n, v) => n + countTruncated(v, depth + 1), 0);
  return 0;
}

/** A gap when message content was cut by `traceLens.store.maxAttributeValueLength`. */
export function truncationGap(messages: readonly GenAiMessage[], system: readonly GenAiMessagePart[] = []): ReplayGap | undefined {
  const n = countTruncated(messages) + countTruncated(system);
  return n > 0
    ? { field: 'truncated', note: `${n} value${n === 1 ? ' was' : 's were'} cut when stored (setting traceLens.store.maxAttributeValueLength): the replay sends the kept part with the marker.` }
    : undefined;
}
