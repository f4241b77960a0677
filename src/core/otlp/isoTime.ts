/**
 * ISO 8601 / RFC 3339 date-times → Unix nanoseconds as a decimal string (the model's time form,
 * src/model/trace.ts). For formats that carry times as text, such as the OpenAI Agents SDK's
 * `started_at`/`ended_at`: JS `new Date().toISOString()` (`2026-08-22T12:34:56.123Z`), Python
 * `datetime.now(timezone.utc).isoformat()` (`2026-08-22T12:34:56.123456+00:00`).
 *
 * Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` (`T` or a space; 1–9 fraction
 * digits, more are cut at nanoseconds); without an offset the time is taken as UTC. Times before
 * 1970 or not a valid calendar date → `null`.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** `value` as Unix nanoseconds (decimal string), or `null` when it is not such a date-time. */
export function parseIsoTimeToUnixNano(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  const check = new Date(ms);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null; // 2026-02-30
  if (second === 60) ms += 1000; // a leap second: the next instant
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    ms -= sign * offsetMinutes * 60_000;
  }
  if (!Number.isFinite(ms) || ms < 0) return null;
  const nanosOfSecondPart = ((frac ?? '') + '000000000').slice(0, 9);
  // `ms` holds whole seconds only (no fraction was added); append the 9 fraction digits.
  const seconds = Math.floor(ms / 1000);
  if (seconds === 0) return String(Number(nanosOfSecondPart));
  return `${seconds}${nanosOfSecondPart}`;
}
