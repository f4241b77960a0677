/**
 * Diagnostics of stored traces, kept up to date in the back end thread: each changed trace is
 * analysed again (throttled, in time slices so ingest keeps its turn), a trace that has its root
 * span and has been quiet for `COMPLETE_AFTER_QUIET_MS` is *complete* — it then joins its
 * baseline, is checked against it, and may raise a metric alert. Findings carry the source
 * locations of their spans (resolved against the workspace by the host).
 *
 * Inputs per trace: the store's summary and skeleton, the normalized GenAI spans and the priced
 * span costs of the usage index (one counting rule for everything, src/core/usage/README.md).
 * Detector definitions: ./README.md.
 */
import type { TraceId, TraceSummary } from '../../model/trace';
import {
  DEFAULT_ALERT_CONFIG,
  DEFAULT_DIAGNOSTICS_CONFIG,
  SEVERITY_RANK,
  baselineKeyId,
  type AlertConfig,
  type BaselineStats,
  type DiagnosticsConfig,
  type Finding,
  type FindingLocation,
  type LocatedFinding,
  type MetricAlert,
  type RunCheck,
  type TraceFindingsSummary,
  worstSeverity,
} from '../../model/diagnostics';
import { traceTitle } from '../../model/genaiFormat';
import { sourceTargetOf } from '../source/spanSource';
import type { TraceStore } from '../store/traceStore';
import type { UsageIndex } from '../usage/usageIndex';
import { analyzeRun, baselineKeyOf, type RunInput } from './analysis';
import { storedRunInput } from './storedRun';
import { AlertRateLimiter, checkMetricAlerts } from './alerts';
import { BaselineIndex, runSample } from './baseline';
import { detectRunFindings } from './detectors';

/** A trace with its root span and no change for this long is complete (ms). */
export const COMPLETE_AFTER_QUIET_MS = 3_000;
/** Changed traces are analysed at most this often (ms): spans of one run arrive in bursts. */
const ANALYSE_DELAY_MS = 300;
/** One slice of analysis work before yielding to other requests (ms). */
const SLICE_MS = 15;
/**
 * While ingest is busy (`busy()`): slices of this much work (ms), at most one per
 * `BUSY_INTERVAL_MS`, so analysis takes at most ~5% of the back end thread and never holds an
 * export request for long; the rest waits until ingest pauses (measured: analysing every changed
 * trace as it streamed in took a quarter of the thread at half the sustained rate and pushed the
 * OTLP response p99 to 300+ ms).
 */
const BUSY_SLICE_MS = 4;
const BUSY_INTERVAL_MS = 80;
/** While a request is being handled, analysis looks again this much later (ms). */
const SERVING_RETRY_MS = 20;
/**
 * Traces with more spans than this are analysed only while the back end is not busy: one analysis
 * reads the skeleton and up to 2,000 GenAI spans (a 10,000-span trace took 100+ ms), which would
 * hold every export request and query that arrives meanwhile.
 */
const BIG_TRACE_SPANS = 2_000;
/** Source locations looked up per finding (primary + related spans). */
const MAX_LOCATIONS_PER_FINDING = 8;
/** Traces whose findings are kept (the newest analysed; older ones are dropped with their trace). */
export const MAX_TRACES_WITH_FINDINGS = 5_000;

/** What the index tells the back end service. */
export interface DiagnosticsListener {
  /** Findings of these traces changed (added, updated or gone). */
  changed(traceIds: TraceId[]): void;
  /** A completed run crossed an alert threshold (already rate-limited). */
  alert(alert: MetricAlert): void;
  /** Analysis failed (a bug, or the store went away): the message for the log. Analysis goes on. */
  error?(message: string): void;
}

interface TraceState {
  /** `TraceSummary.updatedSeq` last analysed. */
  seq: number;
  /** When the trace last changed (ms, `now()`). */
  changedAt: number;
  complete: boolean;
  /** The version that joined the baseline (re-added when a completed trace changes). */
  baselineSeq: number | null;
  findings: LocatedFinding[];
}

export class DiagnosticsIndex {
  private config: DiagnosticsConfig = DEFAULT_DIAGNOSTICS_CONFIG;
  private alertConfig: AlertConfig = DEFAULT_ALERT_CONFIG;
  private readonly baselines = new BaselineIndex(DEFAULT_DIAGNOSTICS_CONFIG);
  private readonly limiter = new AlertRateLimiter(DEFAULT_ALERT_CONFIG);
  private readonly traces = new Map<TraceId, TraceState>();
  private readonly pending = new Set<TraceId>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private enabled = true;

  constructor(
    private readonly store: TraceStore,
    private readonly usage: UsageIndex,
    private readonly listener: DiagnosticsListener,
    private readonly now: () => number = Date.now,
    /**
     * How busy the back end is: `serving` a request (analysis waits), `busy` with ingest or views
     * (analysis slows down), `idle`.
     */
    private readonly busy: () => 'idle' | 'busy' | 'serving' = () => 'idle',
  ) {}

  /** New settings: every stored trace is analysed again (baselines are rebuilt as traces complete). */
  configure(config: DiagnosticsConfig, alerts: AlertConfig, enabled: boolean): void {
    this.config = config;
    this.alertConfig = alerts;
    this.enabled = enabled;
    this.baselines.configure(config);
    this.limiter.configure(alerts);
    const had = [...this.traces.keys()];
    this.traces.clear();
    this.baselines.clear();
    this.pending.clear();
    if (had.length) this.listener.changed(had);
    if (enabled) this.tracesChanged(this.store.listTraces(MAX_TRACES_WITH_FINDINGS, 0).map((t) => t.traceId));
  }

  /** Traces added or changed (the change feed). */
  tracesChanged(ids: readonly TraceId[]): void {
    if (!this.enabled) return;
    for (const id of ids) this.pending.add(id);
    this.schedule(ANALYSE_DELAY_MS);
  }

  /** Traces evicted or deleted. */
  tracesRemoved(ids: readonly TraceId[]): void {
    const gone: TraceId[] = [];
    for (const id of ids) {
      this.pending.delete(id);
      this.baselines.remove(id);
      if (this.traces.delete(id)) gone.push(id);
    }
    if (gone.length) this.listener.changed(gone);
  }

  /** Stops scheduled work (the back end is shutting down). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  /** The store was cleared. */
  cleared(): void {
    const had = [...this.traces.keys()];
    this.traces.clear();
    this.pending.clear();
    this.baselines.clear();
    if (had.length) this.listener.changed(had);
  }

  /** Findings of the given traces (all traces when absent), worst first, then by trace. */
  findings(traceIds?: readonly TraceId[]): LocatedFinding[] {
    const out: LocatedFinding[] = [];
    if (traceIds) for (const id of traceIds) out.push(...(this.traces.get(id)?.findings ?? []));
    else for (const s of this.traces.values()) out.push(...s.findings);
    return out.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  }

  /** Adds `findings` (count and worst severity) to summaries of traces that have findings; in place. */
  withFindings<T extends TraceSummary>(summaries: T[]): T[] {
    for (const s of summaries) {
      const summary = this.summaryOf(s.traceId);
      if (summary) s.findings = summary;
    }
    return summaries;
  }

  /** Count and worst severity of a trace's findings, `undefined` without any. */
  summaryOf(traceId: TraceId): TraceFindingsSummary | undefined {
    const findings = this.traces.get(traceId)?.findings;
    if (!findings?.length) return undefined;
    return { count: findings.length, worst: worstSeverity(findings) };
  }

  /** Every baseline with its statistics (Show Baselines). */
  listBaselines(): BaselineStats[] {
    return this.baselines.list();
  }

  /** "Check Run Against Baseline" for one stored trace, analysed now; `null` when it is not stored. */
  checkRun(traceId: TraceId): RunCheck | null {
    const run = this.runInput(traceId);
    if (!run) return null;
    const analysis = analyzeRun(run);
    const baseline = this.baselines.stats(baselineKeyOf(analysis), traceId);
    const summary = this.store.traceSummary(traceId);
    const findings = this.locate(detectRunFindings(analysis, this.config, baseline), summary ? traceTitle(summary) : traceId);
    const sample = runSample(analysis);
    const out: RunCheck = { traceId, complete: run.complete, values: sample?.metrics ?? {}, findings };
    if (baseline) out.baseline = baseline;
    return out;
  }

  // ── analysis ───────────────────────────────────────────────────────────────────────────────

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Never throw out of a timer in the back end thread; a closed store ends the work.
      if (this.store.isClosed) return;
      try {
        this.slice();
      } catch (error) {
        if (!this.store.isClosed) this.listener.error?.(`diagnostics: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, delayMs);
  }

  /**
   * Analyses pending traces for up to `SLICE_MS` (`BUSY_SLICE_MS` while ingest is busy), then
   * completes quiet ones; reschedules itself.
   */
  private slice(): void {
    const level = this.busy();
    if (level === 'serving') {
      // A request is being handled (and yields between its slices): not in its gaps.
      this.schedule(SERVING_RETRY_MS);
      return;
    }
    const start = performance.now();
    const busy = level === 'busy';
    const budget = busy ? BUSY_SLICE_MS : SLICE_MS;
    const changed: TraceId[] = [];
    for (const id of this.pending) {
      if (changed.length > 0 && performance.now() - start > budget) break;
      if (busy && this.isBig(id)) continue; // stays pending until the back end is not busy
      this.pending.delete(id);
      if (this.analyse(id, false)) changed.push(id);
    }
    // Completion: quiet traces with a root.
    const now = this.now();
    let nextDue = Infinity;
    for (const [id, state] of this.traces) {
      if (state.complete) continue;
      const due = state.changedAt + COMPLETE_AFTER_QUIET_MS;
      if (due > now) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      if (performance.now() - start > budget) {
        nextDue = now;
        break;
      }
      if (busy && this.isBig(id)) {
        nextDue = Math.min(nextDue, now + BUSY_INTERVAL_MS);
        continue;
      }
      if (this.analyse(id, true)) changed.push(id);
    }
    if (changed.length) this.listener.changed(changed);
    if (this.pending.size > 0) this.schedule(busy ? BUSY_INTERVAL_MS : 0);
    else if (nextDue !== Infinity) this.schedule(Math.max(busy ? BUSY_INTERVAL_MS : 0, nextDue - now));
  }

  /**
   * Analyses one trace; `complete` marks a quiet trace (joins its baseline when it has a root).
   * Returns whether its findings changed.
   */
  private analyse(traceId: TraceId, quiet: boolean): boolean {
    const summary = this.store.traceSummary(traceId);
    if (!summary) return this.traces.delete(traceId);
    let state = this.traces.get(traceId);
    if (!state) {
      if (this.traces.size >= MAX_TRACES_WITH_FINDINGS) this.dropOldest();
      state = { seq: -1, changedAt: this.now(), complete: false, baselineSeq: null, findings: [] };
      this.traces.set(traceId, state);
    }
    if (!quiet && state.seq !== summary.updatedSeq && state.seq !== -1) {
      // New spans: the run is not complete (again) until it has been quiet.
      state.changedAt = this.now();
      state.complete = false;
    }
    const complete = quiet && summary.hasRoot;
    if (quiet) state.complete = true; // quiet without a root: nothing more to wait for until it changes
    if (!complete && state.seq === summary.updatedSeq) return false;
    const run = this.runInput(traceId, summary, complete);
    if (!run) return false;
    const analysis = analyzeRun(run);
    if (complete && state.baselineSeq !== summary.updatedSeq) {
      // The run joins its baseline after being checked against it (never against itself).
      const baseline = this.baselines.stats(baselineKeyOf(analysis), traceId);
      state.findings = this.locate(detectRunFindings(analysis, this.config, baseline), traceTitle(summary));
      this.baselines.addRun(analysis);
      state.baselineSeq = summary.updatedSeq;
      if (this.alertConfig.enabled) this.raiseAlerts(analysis.metrics, traceId, baselineKeyId(baselineKeyOf(analysis)));
    } else {
      const baseline = this.baselines.stats(baselineKeyOf(analysis), traceId);
      state.findings = this.locate(detectRunFindings(analysis, this.config, baseline), traceTitle(summary));
    }
    state.seq = summary.updatedSeq;
    return true;
  }

  private raiseAlerts(metrics: Parameters<typeof checkMetricAlerts>[0], traceId: TraceId, keyId: string): void {
    const now = this.now();
    for (const alert of checkMetricAlerts(metrics, traceId, keyId, this.alertConfig)) {
      if (this.limiter.allow(alert, now)) this.listener.alert(alert);
    }
  }

  private dropOldest(): void {
    const oldest = this.traces.keys().next().value;
    if (oldest !== undefined) this.traces.delete(oldest);
  }

  /** `true` for a trace analysed only while the back end is not busy (`BIG_TRACE_SPANS`). */
  private isBig(traceId: TraceId): boolean {
    return (this.store.traceSummary(traceId)?.spanCount ?? 0) > BIG_TRACE_SPANS;
  }

  /** The detectors' input for one stored trace, from the store and the usage index. */
  private runInput(traceId: TraceId, summary = this.store.traceSummary(traceId), complete?: boolean): RunInput | null {
    return storedRunInput(this.store, this.usage, traceId, summary, complete ?? this.traces.get(traceId)?.complete === true);
  }

  /** Adds the source locations of each finding's spans (primary first). */
  private locate(findings: Finding[], title: string): LocatedFinding[] {
    return findings.map((f) => {
      const locations: FindingLocation[] = [];
      for (const spanId of [f.spanId, ...f.relatedSpanIds].slice(0, MAX_LOCATIONS_PER_FINDING)) {
        const detail = this.store.spanDetail(f.traceId, spanId);
        const target = detail ? sourceTargetOf(detail) : null;
        if (!detail || !target) continue;
        locations.push({ spanId, spanName: detail.span.name, path: target.path, line: target.line, column: target.column, hints: { ...target.hints } });
      }
      return { ...f, locations, traceTitle: title };
    });
  }
}
