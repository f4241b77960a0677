/**
 * Settings → `DiagnosticsConfig`: every field checked, a bad value replaced by its default with a
 * reason (the settings reader shows the reasons; nothing throws).
 */
import { ALERT_METRICS, DEFAULT_ALERT_CONFIG, DEFAULT_DIAGNOSTICS_CONFIG, DETECTOR_IDS, type AlertConfig, type AlertMetric, type DetectorId, type DiagnosticsConfig } from '../../model/diagnostics';

type NumericKey = Exclude<keyof DiagnosticsConfig, 'expectedTools' | 'disabled'>;

/** Allowed ranges (inclusive) and whether the value must be an integer. */
const RANGES: Record<NumericKey, { min: number; max: number; integer: boolean; setting: string }> = {
  loopRepeats: { min: 2, max: 1000, integer: true, setting: 'traceLens.diagnostics.loopRepeats' },
  maxIterations: { min: 1, max: 100_000, integer: true, setting: 'traceLens.diagnostics.maxIterations' },
  retryRepeats: { min: 2, max: 1000, integer: true, setting: 'traceLens.diagnostics.retryRepeats' },
  spikeFactor: { min: 1, max: 1_000_000, integer: false, setting: 'traceLens.diagnostics.spikeFactor' },
  contextThreshold: { min: 0.01, max: 1, integer: false, setting: 'traceLens.diagnostics.contextThreshold' },
  baselineRuns: { min: 2, max: 10_000, integer: true, setting: 'traceLens.diagnostics.baseline.runs' },
  baselineMinRuns: { min: 2, max: 10_000, integer: true, setting: 'traceLens.diagnostics.baseline.minRuns' },
  baselineThreshold: { min: 0.1, max: 100, integer: false, setting: 'traceLens.diagnostics.baseline.threshold' },
  toolSkipRate: { min: 0.01, max: 1, integer: false, setting: 'traceLens.diagnostics.toolSkipRate' },
};

/**
 * A complete config from partial raw settings: missing fields take their defaults, invalid ones
 * too (with a reason in `errors`). `baselineMinRuns` is capped at `baselineRuns`.
 * `expectedTools` must map names to string arrays (blank names and tools dropped);
 * `disabled` may list only known detector ids.
 */
export function resolveDiagnosticsConfig(raw: unknown): { config: DiagnosticsConfig; errors: string[] } {
  const errors: string[] = [];
  const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && raw !== null && input !== raw) errors.push('Diagnostics settings must be an object; using the defaults.');
  const config: DiagnosticsConfig = { ...DEFAULT_DIAGNOSTICS_CONFIG, expectedTools: {}, disabled: [] };

  for (const key of Object.keys(RANGES) as NumericKey[]) {
    const v = input[key];
    if (v === undefined) continue;
    const r = RANGES[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < r.min || v > r.max || (r.integer && !Number.isInteger(v))) {
      errors.push(`${r.setting} must be ${r.integer ? 'an integer' : 'a number'} from ${r.min} to ${r.max}; using ${DEFAULT_DIAGNOSTICS_CONFIG[key]}.`);
      continue;
    }
    config[key] = v;
  }
  if (config.baselineMinRuns > config.baselineRuns) {
    errors.push(`traceLens.diagnostics.baseline.minRuns (${config.baselineMinRuns}) exceeds baseline.runs (${config.baselineRuns}); using ${config.baselineRuns}.`);
    config.baselineMinRuns = config.baselineRuns;
  }

  const expected = input.expectedTools;
  if (expected !== undefined) {
    if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
      errors.push('traceLens.diagnostics.expectedTools must map an agent or root span name to a list of tool names.');
    } else {
      for (const [name, tools] of Object.entries(expected as Record<string, unknown>)) {
        if (name.trim() === '' || !Array.isArray(tools) || !tools.every((t) => typeof t === 'string')) {
          errors.push(`traceLens.diagnostics.expectedTools["${name}"] must be a list of tool names; ignored.`);
          continue;
        }
        const list = (tools as string[]).map((t) => t.trim()).filter((t) => t !== '');
        if (list.length > 0) config.expectedTools[name.trim()] = [...new Set(list)];
      }
    }
  }

  const disabled = input.disabled;
  if (disabled !== undefined) {
    if (!Array.isArray(disabled)) errors.push('traceLens.diagnostics.disabled must be a list of detector ids.');
    else {
      for (const d of disabled) {
        if (typeof d === 'string' && (DETECTOR_IDS as readonly string[]).includes(d)) {
          if (!config.disabled.includes(d as DetectorId)) config.disabled.push(d as DetectorId);
        } else errors.push(`traceLens.diagnostics.disabled: unknown detector ${JSON.stringify(d)} (known: ${DETECTOR_IDS.join(', ')}).`);
      }
    }
  }
  return { config, errors };
}

/**
 * Alert settings (`traceLens.diagnostics.alerts.*`) from raw values: `{enabled?: boolean,
 * thresholds?: {metric: number | null}, minIntervalMinutes?: number}`. Missing or invalid values
 * take their defaults (`DEFAULT_ALERT_CONFIG`), the invalid ones named in `errors`.
 */
export function resolveAlertConfig(raw: unknown): { config: AlertConfig; errors: string[] } {
  const errors: string[] = [];
  const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const config: AlertConfig = { ...DEFAULT_ALERT_CONFIG, thresholds: { ...DEFAULT_ALERT_CONFIG.thresholds } };
  if (input.enabled !== undefined) {
    if (typeof input.enabled === 'boolean') config.enabled = input.enabled;
    else errors.push('traceLens.diagnostics.alerts.enabled must be true or false.');
  }
  const thresholds = input.thresholds;
  if (thresholds !== undefined) {
    if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) errors.push('traceLens.diagnostics.alerts.thresholds must be an object of metric → number (or null to switch one off).');
    else {
      for (const [metric, value] of Object.entries(thresholds as Record<string, unknown>)) {
        if (!(ALERT_METRICS as readonly string[]).includes(metric)) {
          errors.push(`traceLens.diagnostics.alerts.thresholds: unknown metric "${metric}" (known: ${ALERT_METRICS.join(', ')}).`);
          continue;
        }
        if (value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0)) config.thresholds[metric as AlertMetric] = value;
        else errors.push(`traceLens.diagnostics.alerts.thresholds.${metric} must be a number ≥ 0 or null.`);
      }
    }
  }
  const minutes = input.minIntervalMinutes;
  if (minutes !== undefined) {
    if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes >= 0 && minutes <= 24 * 60) config.minIntervalMs = minutes * 60_000;
    else errors.push('traceLens.diagnostics.alerts.minIntervalMinutes must be a number of minutes from 0 to 1440.');
  }
  return { config, errors };
}
