/**
 * Formatting of the compare view's deltas: signed counts, USD and durations, and which way is
 * better (fewer tokens, lower cost, shorter latency, fewer errors). Pure.
 */
import { formatUsd } from '../../src/model/cost';
import { formatDuration, formatInteger } from '../../src/model/format';

/** `+12` / `−3` / `±0` (U+2212 minus). */
export function signedCount(n: number): string {
  return n > 0 ? `+${formatInteger(n)}` : n < 0 ? `−${formatInteger(-n)}` : '±0';
}

/** `+$0.0012` / `−$0.0003`. */
export function signedUsd(usd: number): string {
  return usd > 0 ? `+${formatUsd(usd)}` : usd < 0 ? `−${formatUsd(-usd)}` : '±$0';
}

/** `+1.2 s` / `−300 ms`. */
export function signedDuration(ms: number): string {
  return ms > 0 ? `+${formatDuration(ms)}` : ms < 0 ? `−${formatDuration(-ms)}` : '±0 ms';
}

/** `worse` when the measure grew (more is worse for all compared measures), `better` when it shrank. */
export function direction(n: number): 'worse' | 'better' | 'even' {
  return n > 0 ? 'worse' : n < 0 ? 'better' : 'even';
}
