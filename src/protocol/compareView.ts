/**
 * The whole contract of the compare webview (one panel per pair of runs, src/extension/compare):
 * the comparison of two traces (src/model/compare.ts). Direction is in the name:
 * `CompareViewEvent` host → webview, `CompareViewCommand` webview → host. Only imports from
 * `src/model`.
 */
import type { TraceComparison } from '../model/compare';

/** Host → webview, fire-and-forget. */
export type CompareViewEvent = {
  type: 'comparison';
  /** `null` when either trace is no longer stored (the view says so). */
  comparison: TraceComparison | null;
  /** Set when the comparison could not be computed. */
  error?: string;
};

/** Webview → host, fire-and-forget. */
export type CompareViewCommand =
  | { type: 'ready' }
  /** Opens a trace (a step or span was activated), at a span when given. */
  | { type: 'openTrace'; traceId: string; spanId?: string }
  /** Compares again with the sides swapped. */
  | { type: 'swap' };
