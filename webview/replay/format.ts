/**
 * Words and numbers of the replay playground: error titles a user acts on, token counts, cost
 * ("unknown" when the result has none, never a guess), durations. Pure.
 */
import { formatUsd } from '../../src/model/cost';
import { formatDuration, formatInteger } from '../../src/model/format';
import type { GenAiUsage } from '../../src/model/genai';
import type { ReplayError, ReplayGap } from '../../src/model/replay';

/** A short title for an error (`Authentication failed (401)`, `Rate limited (429) — retry after 20 s`). */
export function errorTitle(e: ReplayError): string {
  const status = e.status !== undefined ? ` (${e.status})` : '';
  const retry = e.retryAfterSeconds !== undefined ? ` — retry after ${e.retryAfterSeconds} s` : '';
  switch (e.kind) {
    case 'auth':
      return `Authentication failed${status}`;
    case 'rate_limit':
      return `Rate limited${status}${retry}`;
    case 'timeout':
      return 'Timed out';
    case 'network':
      return 'Could not reach the provider';
    case 'bad_request':
      return `Request refused${status}`;
    case 'not_found':
      return `Not found${status}`;
    case 'server':
      return `Provider error${status}${retry}`;
    case 'cancelled':
      return 'Cancelled';
    case 'other':
      return `Failed${status}`;
  }
}

/** The codicon of an error kind. */
export function errorIcon(e: ReplayError): string {
  switch (e.kind) {
    case 'auth':
      return 'key';
    case 'rate_limit':
      return 'watch';
    case 'timeout':
      return 'clock';
    case 'cancelled':
      return 'circle-slash';
    case 'network':
      return 'debug-disconnect';
    case 'bad_request':
    case 'not_found':
    case 'server':
    case 'other':
      return 'error';
  }
}

/** `1,234` or `—` when unknown. */
export function formatTokens(n: number | undefined): string {
  return n === undefined ? '—' : formatInteger(n);
}

/** Input / output tokens as one fact (`42 in · 17 out`). */
export function tokensText(u: GenAiUsage | undefined): string {
  return `${formatTokens(u?.inputTokens)} in · ${formatTokens(u?.outputTokens)} out`;
}

/** A cost, or `unknown` when absent (not priced: unknown model or no usage). */
export function costText(usd: number | undefined): string {
  return usd === undefined ? 'unknown' : formatUsd(usd);
}

/** A duration in ms, or `—`. */
export function durationText(ms: number | undefined): string {
  return ms === undefined ? '—' : formatDuration(ms);
}

/** Where a gap applies in the editor: its section, and the message index for `messages.<i>` / `messages[<i>]`. */
export function gapPlace(gap: ReplayGap): { section: string; index?: number } {
  const m = /^([A-Za-z_]+)(?:\.(\d+)|\[(\d+)\])?/.exec(gap.field.trim());
  if (!m) return { section: 'other' };
  const section = m[1];
  const index = m[2] ?? m[3];
  return index !== undefined ? { section, index: Number(index) } : { section };
}
