/**
 * User price overrides (`traceLens.pricing.models`): validation of the raw setting and matching.
 * An override's `match` is a model name (case-insensitive, exact; also matches the name without
 * a provider/path prefix, so `llama3.2` matches `ollama/llama3.2`) or `/regex/flags`, tested on
 * the raw span model name.
 */
import type { PriceOverride } from '../../model/cost';
import { modelNameCandidates } from './modelNames';

export interface CompiledOverride {
  override: PriceOverride;
  /** `true` when the override applies to this model name and provider. */
  matches(modelName: string, provider: string | undefined): boolean;
}

const REGEX_FORM = /^\/(.+)\/([a-z]*)$/s;

/** Parses `/body/flags`; `undefined` when `match` is not in regex form. Throws on a bad regex. */
function parseRegex(match: string): RegExp | undefined {
  const m = REGEX_FORM.exec(match.trim());
  if (!m) return undefined;
  // `g`/`y` make `test` stateful; drop them.
  return new RegExp(m[1] as string, (m[2] as string).replace(/[gy]/g, ''));
}

export function compileOverride(override: PriceOverride): CompiledOverride {
  const regex = parseRegex(override.match);
  const exact = override.match.trim().toLowerCase();
  const provider = override.provider?.trim().toLowerCase();
  return {
    override,
    matches(modelName, spanProvider) {
      if (provider && provider !== (spanProvider ?? '').trim().toLowerCase()) return false;
      if (regex) return regex.test(modelName);
      return modelNameCandidates(modelName).some((c) => c.toLowerCase() === exact);
    },
  };
}

const OPTIONAL_RATE_KEYS = ['cacheReadPerMTok', 'cacheWritePerMTok', 'reasoningPerMTok'] as const;

function isRate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * Validates the raw `traceLens.pricing.models` value. Invalid entries are skipped and described
 * in `errors` (for a warning in the log), so one typo does not disable the other overrides.
 */
export function parsePriceOverrides(raw: unknown): { overrides: PriceOverride[]; errors: string[] } {
  const overrides: PriceOverride[] = [];
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { overrides, errors };
  if (!Array.isArray(raw)) return { overrides, errors: ['traceLens.pricing.models must be an array'] };
  raw.forEach((entry: unknown, i) => {
    const where = `traceLens.pricing.models[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`${where}: expected an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.match !== 'string' || e.match.trim() === '') {
      errors.push(`${where}: "match" must be a model name or /regex/`);
      return;
    }
    try {
      parseRegex(e.match);
    } catch (err) {
      errors.push(`${where}: invalid regex ${e.match}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!isRate(e.inputPerMTok) || !isRate(e.outputPerMTok)) {
      errors.push(`${where}: "inputPerMTok" and "outputPerMTok" must be non-negative numbers (USD per 1M tokens)`);
      return;
    }
    const o: PriceOverride = { match: e.match, inputPerMTok: e.inputPerMTok, outputPerMTok: e.outputPerMTok };
    for (const k of OPTIONAL_RATE_KEYS) {
      const v = e[k];
      if (v === undefined) continue;
      if (!isRate(v)) {
        errors.push(`${where}: "${k}" must be a non-negative number; ignored`);
        continue;
      }
      o[k] = v;
    }
    if (e.provider !== undefined) {
      if (typeof e.provider === 'string' && e.provider.trim() !== '') o.provider = e.provider;
      else errors.push(`${where}: "provider" must be a non-empty string; ignored`);
    }
    if (e.contextWindow !== undefined) {
      if (typeof e.contextWindow === 'number' && Number.isInteger(e.contextWindow) && e.contextWindow > 0) {
        o.contextWindow = e.contextWindow;
      } else {
        errors.push(`${where}: "contextWindow" must be a positive integer; ignored`);
      }
    }
    overrides.push(o);
  });
  return { overrides, errors };
}

/**
 * Compiles overrides, skipping any whose regex does not compile (entries that went through
 * `parsePriceOverrides` always compile).
 */
export function compileOverrides(overrides: readonly PriceOverride[]): CompiledOverride[] {
  const out: CompiledOverride[] = [];
  for (const o of overrides) {
    try {
      out.push(compileOverride(o));
    } catch {
      // Invalid regex: reported by parsePriceOverrides; never fatal here.
    }
  }
  return out;
}
