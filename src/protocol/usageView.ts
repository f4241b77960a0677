/**
 * The whole contract of the Usage webview view (`traceLens.usage`, in the Trace Lens container):
 * totals, cost by model, tokens over time, latency distribution and run metrics for one scope.
 * Direction is in the name: `UsageViewEvent` host → webview, `UsageViewCommand` webview → host.
 * Only imports from `src/model`.
 */
import type { UsageReport } from '../model/cost';

/** Which scope the user picked in the view; `session` and `trace` follow the current selection. */
export type UsageScopeKind = 'all' | 'session' | 'trace';

/** A scope the view can offer, with a label for its picker (`undefined` when nothing is selected). */
export interface UsageScopeChoice {
  /** `Session 7f3a…` / the trace's label (first user message, agent or root span name). */
  label: string;
  id: string;
}

/** Host → webview, fire-and-forget. */
export type UsageViewEvent = {
  type: 'usage';
  /** The scope shown (may differ from the one asked for when, e.g., no trace is selected). */
  kind: UsageScopeKind;
  /** What `session` and `trace` would show now (the selected trace and its session), if anything. */
  session?: UsageScopeChoice;
  trace?: UsageScopeChoice;
  /**
   * The Traces view's filter, when `kind` is `all` and one is set: the report covers only the
   * matching traces (the picker says "Filtered traces").
   */
  filter?: string;
  /** `null` while the store is empty (the view shows its empty state). */
  report: UsageReport | null;
  /**
   * The scope the user picked, when it is not the one shown (`session`/`trace` with nothing
   * selected fell back to `all`); the view explains why.
   */
  requestedKind?: UsageScopeKind;
  /** Set when the report could not be computed; `report` is then the last one shown (or `null`). */
  error?: string;
};

/** Webview → host, fire-and-forget. */
export type UsageViewCommand =
  | { type: 'ready' }
  | { type: 'setScope'; kind: UsageScopeKind }
  /** Copies text (the CSV export) to the clipboard; `what` names it in the confirmation. */
  | { type: 'copyText'; text: string; what: string }
  /** Opens a trace (a chart point or a table row was activated), optionally at a span. */
  | { type: 'openTrace'; traceId: string; spanId?: string };
