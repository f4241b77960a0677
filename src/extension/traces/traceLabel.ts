/**
 * How a trace is named in lists of the extension host (Traces view rows, Search Traces… items):
 * pure, no `vscode` import.
 */
import { shortenText, traceTitle } from '../../model/genaiFormat';
import type { TraceSummary } from '../../model/trace';

/** Trace and session labels made from a user message are cut to this many characters. */
export const LABEL_MAX_CHARS = 80;

/** A trace's row label: `traceTitle` on one line, cut to `LABEL_MAX_CHARS` with `…`. The root span name stays in the tooltip and the accessible label. */
export function traceLabel(summary: Pick<TraceSummary, 'firstUserMessage' | 'agentName' | 'rootName'>): string {
  return shortenText(traceTitle(summary), LABEL_MAX_CHARS);
}
