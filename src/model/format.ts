/**
 * Human-readable formatting shared by the extension host and the webviews (pure, no DOM/node).
 */

/**
 * Formats a duration given in milliseconds the way trace UIs do: `850 µs`, `12.3 ms`, `1.24 s`,
 * `2m 05s`. Negative or non-finite input is shown as `0 ms`… except NaN, shown as `—`.
 */
export function formatDuration(ms: number): string {
  if (Number.isNaN(ms)) return '—';
  if (!Number.isFinite(ms) || ms <= 0) return '0 ms';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${trim(ms.toFixed(2))} ms`;
  if (ms < 1000) return `${trim(ms.toFixed(1))} ms`;
  if (ms < 60_000) return `${trim((ms / 1000).toFixed(2))} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
