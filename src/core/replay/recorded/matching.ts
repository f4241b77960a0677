/**
 * Matching a re-run's model requests with a trace's recorded model calls ("Serve Recorded
 * Responses…", issue 21), and saying in words what differs.
 *
 * Request k of the re-run is expected to be the recorded call after the last one matched (at
 * first, call 0): it matches by **position** when its content agrees with that call. Otherwise the
 * other recorded calls not yet served are searched by content (the first agreeing call after the
 * expected one, else the nearest before it): a **content** match. Else **none**.
 *
 * "Content agrees" (./comparable.ts for the normal form): same system instructions text (when the
 * recording has any), same messages (role, text with whitespace collapsed, tool calls by name and
 * canonical arguments, tool results; tool-call ids ignored), same model (a dated snapshot such as
 * `gpt-4o-mini-2024-07-18` agrees with `gpt-4o-mini`; the request model or the response model of the
 * recording). An assistant message the recording does not have is tolerated when it repeats the
 * answer of an earlier recorded call (the app adds its previous answer, the recording left it
 * out). A recorded call without message content (capture off) agrees by position only and is
 * never found by content. Tools offered are reported when they differ but do not decide a match
 * (recordings often omit them). Pure.
 */
import type { RecordedCall } from '../../../model/replay';
import type { IncomingRequest } from './incoming';
import { changedSpan, comparableConversation, quote, sameMessage, type ComparableConversation, type ComparableMessage } from './comparable';

/** Most differences listed for one request; the rest are counted in a last line. */
export const MAX_DIFFERENCES = 8;

/** Where the matcher is in the recording. Positions index the `calls` array the matcher was built with. */
export interface MatchState {
  /** Position expected next: one past the last call matched (0 at first). */
  nextPosition: number;
  /** Positions already answered from the recording (not offered again). */
  served: ReadonlySet<number>;
}

/** A request compared with one recorded call. */
export interface CallComparison {
  agrees: boolean;
  /** Human-readable, recorded → re-run (`message 3 (user): text differs: 'Paris' → 'Lyon'`). */
  differences: string[];
}

/** How a request matched. */
export interface MatchOutcome {
  match: 'position' | 'content' | 'none';
  /** Position (in `calls`) of the agreeing call; absent for `none`. */
  position?: number;
  /** Position expected for this request (`state.nextPosition`), when the recording has a call there. */
  expectedPosition?: number;
  /** What differs from the expected call (empty for a `position` match). */
  differences: string[];
}

interface PreparedCall {
  conversation: ComparableConversation;
  /** The call recorded its input messages or system instructions. */
  hasContent: boolean;
  /** Its answer (output messages) in comparable form. */
  outputs: ComparableMessage[];
}

/** What may follow an alias in a snapshot name: a date (`2024-07-18`, `20250929`), a short version (`0613`), `latest`, `v1…`. */
const SNAPSHOT_SUFFIX = /^(\d{4}-\d{2}-\d{2}|\d{4}|\d{8}|latest|v\d[\w.:]*)([-:@.].*)?$/;

/**
 * `gpt-4o-mini` and `gpt-4o-mini-2024-07-18` agree (the alias and a dated snapshot of it; also
 * `claude-sonnet-4-5` / `claude-sonnet-4-5-20250929` or `…@20250929`), `gpt-4o` and `gpt-4o-mini`
 * do not. Case-insensitive.
 */
export function sameModel(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  const sep = long[short.length];
  return long.startsWith(short) && (sep === '-' || sep === '@') && SNAPSHOT_SUFFIX.test(long.slice(short.length + 1));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Matches requests with the recorded calls given at construction (in start order). */
export class RecordedCallMatcher {
  private readonly prepared: PreparedCall[];

  constructor(readonly calls: readonly RecordedCall[]) {
    this.prepared = calls.map((c) => {
      const conversation = comparableConversation(c.system, c.inputMessages);
      return {
        conversation,
        hasContent: conversation.messages.length > 0 || conversation.system !== '',
        outputs: comparableConversation(undefined, c.outputMessages).messages.filter((m) => m.role === 'assistant'),
      };
    });
  }

  /** Compares `request` with the call at `position` (recorded → re-run differences). */
  compare(request: IncomingRequest, position: number): CallComparison {
    const call = this.calls[position]!;
    const recorded = this.prepared[position]!;
    const differences: string[] = [];
    const recordedModel = call.requestModel ?? call.responseModel;
    if (recordedModel !== undefined) {
      const agrees = request.model !== undefined && [call.requestModel, call.responseModel].some((m) => m !== undefined && sameModel(m, request.model!));
      if (!agrees) differences.push(`model ${recordedModel} → ${request.model ?? '(none)'}`);
    }
    if (!recorded.hasContent) return { agrees: differences.length === 0, differences };
    const incoming = comparableConversation(request.system, request.messages);
    if (recorded.conversation.system !== '' && recorded.conversation.system !== incoming.system) {
      differences.push(
        incoming.system === ''
          ? `system instructions missing (recorded: ${quote(recorded.conversation.system)})`
          : `system instructions differ: ${changedSpan(recorded.conversation.system, incoming.system)}`,
      );
    }
    const earlierOutputs = this.prepared.slice(0, position).flatMap((p) => p.outputs);
    const messages = withoutRepeatedAnswers(incoming.messages, recorded.conversation.messages, earlierOutputs);
    differences.push(...messageDifferences(recorded.conversation.messages, messages));
    const agrees = differences.length === 0;
    if (call.toolNames.length > 0) {
      const offered = new Set(request.toolNames);
      const recordedNames = new Set(call.toolNames);
      const added = request.toolNames.filter((n) => !recordedNames.has(n));
      const removed = call.toolNames.filter((n) => !offered.has(n));
      if (added.length > 0 || removed.length > 0) {
        differences.push(`tools offered differ (not used for matching): ${[...added.map((n) => `+ ${n}`), ...removed.map((n) => `− ${n}`)].join(', ')}`);
      }
    }
    return { agrees, differences: capped(differences) };
  }

  /**
   * Matches `request` given the matcher's `state`; `eligible(position)` says which calls may
   * answer from the recording (default all; the server excludes calls after the live point).
   */
  match(request: IncomingRequest, state: MatchState, eligible: (position: number) => boolean = () => true): MatchOutcome {
    const expected = state.nextPosition < this.calls.length ? state.nextPosition : undefined;
    const expectedComparison = expected !== undefined ? this.compare(request, expected) : undefined;
    const available = (p: number): boolean => !state.served.has(p) && eligible(p);
    if (expected !== undefined && expectedComparison!.agrees && available(expected)) {
      return { match: 'position', position: expected, expectedPosition: expected, differences: expectedComparison!.differences };
    }
    const found = this.findByContent(request, state.nextPosition, expected, available);
    const differences: string[] = [];
    if (expected === undefined) {
      differences.push(`no recorded call at this position: the recording has ${plural(this.calls.length, 'model call')}`);
    } else {
      if (found !== undefined) differences.push(`matched recorded call ${this.calls[found]!.index} by content instead of call ${this.calls[expected]!.index}, expected at this position`);
      else if (expectedComparison!.agrees) differences.push(`recorded call ${this.calls[expected]!.index} agrees but was already served`);
      differences.push(...expectedComparison!.differences);
    }
    const outcome: MatchOutcome = { match: found !== undefined ? 'content' : 'none', differences };
    if (found !== undefined) outcome.position = found;
    if (expected !== undefined) outcome.expectedPosition = expected;
    return outcome;
  }

  /** The first agreeing call at or after `from`, else the nearest before it (skipping `expected`, unavailable and content-less calls). */
  private findByContent(request: IncomingRequest, from: number, expected: number | undefined, available: (p: number) => boolean): number | undefined {
    const agrees = (p: number): boolean => p !== expected && available(p) && this.prepared[p]!.hasContent && this.compare(request, p).agrees;
    for (let p = from; p < this.calls.length; p++) if (agrees(p)) return p;
    for (let p = Math.min(from, this.calls.length) - 1; p >= 0; p--) if (agrees(p)) return p;
    return undefined;
  }
}

/**
 * The incoming messages without assistant messages the recording lacks at that place when they
 * repeat an earlier recorded call's answer.
 */
function withoutRepeatedAnswers(incoming: readonly ComparableMessage[], recorded: readonly ComparableMessage[], earlierOutputs: readonly ComparableMessage[]): ComparableMessage[] {
  const kept: ComparableMessage[] = [];
  let j = 0;
  for (const m of incoming) {
    const r = recorded[j];
    if (r !== undefined && sameMessage(m, r)) {
      kept.push(m);
      j++;
    } else if (m.role === 'assistant' && r?.role !== 'assistant' && earlierOutputs.some((o) => sameMessage(o, m))) {
      // Tolerated: the app added its previous answer, the recording did not keep it.
    } else {
      kept.push(m);
      j++;
    }
  }
  return kept;
}

function toolCallList(m: ComparableMessage): string {
  return m.toolCalls.length === 0 ? '(none)' : m.toolCalls.map((c) => c.name).join(', ');
}

/** Message-by-message differences, recorded → re-run; messages numbered from 1 after the system instructions. */
function messageDifferences(recorded: readonly ComparableMessage[], incoming: readonly ComparableMessage[]): string[] {
  const out: string[] = [];
  const n = Math.min(recorded.length, incoming.length);
  for (let k = 0; k < n; k++) {
    const r = recorded[k]!;
    const m = incoming[k]!;
    if (sameMessage(r, m)) continue;
    const label = `message ${k + 1} (${m.role})`;
    if (r.role !== m.role) out.push(`message ${k + 1}: role ${r.role} → ${m.role}`);
    if (r.text !== m.text) {
      if (r.text === '') out.push(`${label}: text added: ${quote(m.text)}`);
      else if (m.text === '') out.push(`${label}: text missing (recorded: ${quote(r.text)})`);
      else out.push(`${label}: text differs: ${changedSpan(r.text, m.text)}`);
    }
    if (r.toolResult !== m.toolResult && r.role === m.role) out.push(`${label}: tool result differs: ${changedSpan(r.toolResult ?? '', m.toolResult ?? '')}`);
    const sameNames = r.toolCalls.length === m.toolCalls.length && r.toolCalls.every((c, i) => c.name === m.toolCalls[i]!.name);
    if (!sameNames) out.push(`${label}: tool calls differ: ${toolCallList(r)} → ${toolCallList(m)}`);
    else {
      r.toolCalls.forEach((c, i) => {
        const other = m.toolCalls[i]!;
        if (c.args !== other.args) out.push(`${label}: ${c.name} arguments differ: ${changedSpan(c.args, other.args)}`);
      });
    }
  }
  if (incoming.length > recorded.length) {
    const extra = incoming.length - recorded.length;
    out.push(`${plural(extra, 'more message')} than recorded (from message ${recorded.length + 1}, ${incoming[recorded.length]!.role})`);
  } else if (recorded.length > incoming.length) {
    const missing = recorded.length - incoming.length;
    out.push(`${missing} message${missing === 1 ? '' : 's'} fewer than recorded (from message ${incoming.length + 1}, ${recorded[incoming.length]!.role})`);
  }
  return out;
}

function capped(differences: string[]): string[] {
  if (differences.length <= MAX_DIFFERENCES) return differences;
  return [...differences.slice(0, MAX_DIFFERENCES - 1), `… and ${differences.length - (MAX_DIFFERENCES - 1)} more differences`];
}
