/**
 * The text of the editor's trace facts (pure, so it is unit-tested): CodeLens titles such as
 * `chat gpt-4o-mini · 12 calls · p50 1.23s · $0.031 · 1 error`, and the error hover.
 */
import type { CodeLineError, CodeLineStats } from '../../model/source';
import { formatDuration } from '../../model/format';
import { formatUsd } from '../../model/cost';

/** Span groups shown per line; the rest are summed into one "+N more" lens. */
export const MAX_LENSES_PER_LINE = 3;

/** `chat gpt-4o-mini · 12 calls · p50 1.23s · 1 error`; cost when a pricing source filled it in. */
export function codeLensTitle(stat: CodeLineStats): string {
  const parts = [stat.spanName || '(unnamed span)', `${stat.count} ${stat.count === 1 ? 'call' : 'calls'}`, `p50 ${formatDuration(stat.p50DurationMs)}`];
  if (stat.costUsd !== undefined && Number.isFinite(stat.costUsd)) parts.push(formatUsd(stat.costUsd));
  if (stat.errorCount > 0) parts.push(`${stat.errorCount} ${stat.errorCount === 1 ? 'error' : 'errors'}`);
  return parts.join(' · ');
}

/** Tooltip of a lens: what clicking does. */
export function codeLensTooltip(stat: CodeLineStats): string {
  return `Open the latest trace at its "${stat.spanName}" span (${stat.count} span${stat.count === 1 ? '' : 's'} from this line in the retained traces)`;
}

/** Lens groups of one line: the first few as they are, the rest as one summary. */
export function linesToLenses(stats: readonly CodeLineStats[]): { line: number; stat: CodeLineStats; more?: number }[] {
  const byLine = new Map<number, CodeLineStats[]>();
  for (const s of stats) {
    const list = byLine.get(s.line) ?? [];
    list.push(s);
    byLine.set(s.line, list);
  }
  const out: { line: number; stat: CodeLineStats; more?: number }[] = [];
  for (const [line, list] of byLine) {
    list.sort((a, b) => b.count - a.count || a.spanName.localeCompare(b.spanName));
    list.slice(0, MAX_LENSES_PER_LINE).forEach((stat, i, shown) => {
      const rest = list.length - shown.length;
      out.push(i === shown.length - 1 && rest > 0 ? { line, stat, more: rest } : { line, stat });
    });
  }
  return out;
}

/** First line of the error hover: `3 errors on this line · latest in span "execute_tool …"`. */
export function errorHoverHeading(error: CodeLineError): string {
  const one = error.count === 1;
  const what = error.source === 'exception' ? (one ? 'exception thrown here' : 'exceptions thrown here') : one ? 'error span from this line' : 'error spans from this line';
  return `${error.count} ${what} · latest in span "${error.spanName}"`;
}
