/**
 * `detectRunFindings`: every detector over one run. Pure and deterministic: the same run state
 * gives the same findings with the same ids, so the back end thread re-runs it as spans arrive
 * and replaces the trace's findings. Cost: one `analyzeRun` pass (O(spans · depth)) plus a sort
 * per model and per tool; no detector is quadratic in the run's calls.
 *
 * While a trace is incomplete (`RunInput.complete` false) the detectors that judge the whole run
 * wait: tool skipping, expected tools, baseline anomalies. The others are monotone (a loop, a
 * retry storm, a swallowed error once followed by a model call stay found as spans arrive),
 * except token spikes, whose run median moves with the run's calls.
 */
import type { BaselineStats, DetectorId, DiagnosticsConfig, Finding } from '../../model/diagnostics';
import { analyzeRun, type RunAnalysis, type RunInput } from './analysis';
import { baselineAnomalies, runSample } from './baseline';
import { detectContextWindow, detectIterationLimit, detectOutputProblems, detectTokenSpikes } from './modelDetectors';
import { detectExpectedTools, detectLoops, detectRetryStorms, detectSwallowedErrors, detectToolSkipped } from './toolDetectors';

const SEVERITY_ORDER = { error: 0, warning: 1, information: 2 } as const;

/**
 * Findings of one run, most severe first, then by span start.
 * `baseline`: the run's baseline without the run itself (`BaselineIndex.baselineFor(run)`); when
 * given, token spikes also compare with its per-model medians, and a complete run is checked for
 * tool skipping and baseline anomalies. Detectors in `config.disabled` are skipped.
 */
export function detectRunFindings(run: RunInput | RunAnalysis, config: DiagnosticsConfig, baseline?: BaselineStats): Finding[] {
  const a = 'metrics' in run ? run : analyzeRun(run);
  const off = new Set<DetectorId>(config.disabled);
  const on = (id: DetectorId): boolean => !off.has(id);
  const out: Finding[] = [];
  if (on('loop')) out.push(...detectLoops(a, config));
  if (on('iteration-limit')) out.push(...detectIterationLimit(a, config));
  if (on('retry-storm')) out.push(...detectRetryStorms(a, config));
  if (on('swallowed-tool-error')) out.push(...detectSwallowedErrors(a));
  if (on('token-spike')) out.push(...detectTokenSpikes(a, config, baseline));
  if (on('context-window')) out.push(...detectContextWindow(a, config));
  out.push(...detectOutputProblems(a).filter((f) => on(f.detector)));
  if (a.run.complete) {
    if (on('expected-tool-missing')) out.push(...detectExpectedTools(a, config));
    if (on('tool-skipped')) out.push(...detectToolSkipped(a, config, baseline));
    if (on('baseline-anomaly') && baseline) {
      const sample = runSample(a);
      if (sample) out.push(...baselineAnomalies(a, sample, baseline, config));
    }
  }
  const start = new Map<string, number>();
  for (const s of a.run.spans) start.set(s.spanId, s.startOffsetMs);
  return out.sort(
    (x, y) =>
      SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] ||
      (start.get(x.spanId) ?? 0) - (start.get(y.spanId) ?? 0) ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
}
