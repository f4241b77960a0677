/**
 * Pure formatting shared by the extension host and the webviews: durations, axis ticks, timestamps.
 * Units: every `…Ms` is milliseconds (may be fractional); `…UnixNano` is a decimal string.
 */

/** A compact duration for bar labels and the header: `850µs`, `12.3ms`, `1.25s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0ms';
  if (ms < 1) {
    const us = ms * 1000;
    return us < 1 ? `${Math.round(us * 1000)}ns` : `${trim3(us)}µs`;
  }
  if (ms < 1000) return `${trim3(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim3(s)}s`;
  const totalS = Math.round(s);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m ${pad2(totalS % 60)}s`;
  const totalM = Math.round(totalS / 60);
  return `${Math.floor(totalM / 60)}h ${pad2(totalM % 60)}m`;
}

/** Three significant digits without trailing zeros: 1.23, 12.3, 123. */
function trim3(x: number): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `+12.3ms` style offset; negative offsets keep their sign. */
export function formatOffset(ms: number): string {
  return ms < 0 ? `−${formatDuration(-ms)}` : `+${formatDuration(ms)}`;
}

/**
 * "Nice" tick positions (1, 2 or 5 × 10^n ms) covering `[0, spanMs]` with roughly
 * `targetCount` intervals. Always starts with 0.
 */
export function niceTicks(spanMs: number, targetCount: number): { stepMs: number; ticksMs: number[] } {
  if (!(spanMs > 0)) return { stepMs: 1, ticksMs: [0] };
  const raw = spanMs / Math.max(1, targetCount);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / pow;
  const stepMs = (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * pow;
  const ticksMs: number[] = [];
  for (let i = 0; i * stepMs <= spanMs * 1.000001 && i < 1000; i++) ticksMs.push(i * stepMs);
  return { stepMs, ticksMs };
}

/** An axis label whose precision follows the tick step (so `0.5s, 1s, 1.5s` not `1.25s`). */
export function formatTick(ms: number, stepMs: number): string {
  if (ms === 0) return '0';
  if (stepMs < 1) {
    const decimals = Math.max(0, -Math.floor(Math.log10(stepMs * 1000) + 1e-9));
    return `${(ms * 1000).toFixed(decimals)}µs`;
  }
  if (stepMs < 1000 && ms < 1000) {
    const decimals = Math.max(0, -Math.floor(Math.log10(stepMs) + 1e-9));
    return `${ms.toFixed(decimals)}ms`;
  }
  if (stepMs < 60_000) {
    const decimals = Math.max(0, -Math.floor(Math.log10(stepMs / 1000) + 1e-9));
    return `${(ms / 1000).toFixed(decimals)}s`;
  }
  return formatDuration(ms);
}

/** Milliseconds between two `…UnixNano` strings (`b - a`), exact to the nanosecond before rounding. */
export function nanoDiffMs(aUnixNano: string, bUnixNano: string): number {
  try {
    return Number(BigInt(bUnixNano) - BigInt(aUnixNano)) / 1e6;
  } catch {
    return NaN;
  }
}

/** Local wall-clock time `YYYY-MM-DD HH:MM:SS.mmm` (plus µs when present) for a `…UnixNano` string. */
export function formatLocalTime(unixNano: string, withDate = true): string {
  let ns: bigint;
  try {
    ns = BigInt(unixNano);
  } catch {
    return '—';
  }
  if (ns <= 0n) return '—';
  const ms = Number(ns / 1_000_000n);
  const subMsUs = Number((ns % 1_000_000n) / 1000n);
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  const us = subMsUs ? String(subMsUs).padStart(3, '0') : '';
  return withDate ? `${date} ${time}${us}` : `${time}${us}`;
}

/**
 * `n` as `toLocaleString('en-US')` writes it (`1,234,567`, `-9,876`, `1,234.568`), grouping whole
 * numbers by hand: the first `toLocaleString`/`Intl.NumberFormat` of a page loads ICU's number
 * data (25–90 ms measured in a fresh Chromium page), which must not happen while a webview paints
 * its first rows. Numbers that are not safe integers go to `toLocaleString('en-US')`.
 */
export function formatInteger(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** `1.2 KB`-style size of a string's UTF-16 length (close enough for a "show more" hint). */
export function formatSize(chars: number): string {
  if (chars < 1024) return `${chars} chars`;
  if (chars < 1024 * 1024) return `${(chars / 1024).toFixed(1)} KB`;
  return `${(chars / 1024 / 1024).toFixed(1)} MB`;
}

/** OTLP severity number → name (logs.proto `SeverityNumber` ranges). */
export function severityName(severityNumber: number, severityText: string): string {
  if (severityText) return severityText.toUpperCase();
  if (severityNumber <= 0) return 'UNSPECIFIED';
  const names = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  const i = Math.min(5, Math.floor((severityNumber - 1) / 4));
  const sub = (severityNumber - 1) % 4;
  return sub === 0 ? names[i]! : `${names[i]}${sub + 1}`;
}

/** CSS class suffix for a severity: `trace|debug|info|warn|error|fatal|unspecified`. */
export function severityClass(severityNumber: number, severityText: string): string {
  if (severityNumber > 0) {
    return ['trace', 'debug', 'info', 'warn', 'error', 'fatal'][Math.min(5, Math.floor((severityNumber - 1) / 4))]!;
  }
  const t = severityText.toLowerCase();
  if (t.startsWith('warn')) return 'warn';
  if (t.startsWith('err')) return 'error';
  if (t.startsWith('fatal') || t.startsWith('crit')) return 'fatal';
  if (t.startsWith('debug')) return 'debug';
  if (t.startsWith('trace')) return 'trace';
  if (t.startsWith('info')) return 'info';
  return 'unspecified';
}
