/**
 * One OTLP/HTTP POST to a target, the retry policy, and redaction of everything that reaches a
 * log line or an error message.
 *
 * Retry policy (OTLP/HTTP spec, https://opentelemetry.io/docs/specs/otlp/#failures-1, widened):
 * - 2xx: success.
 * - 429, 502, 503, 504: retryable; `Retry-After` (seconds or HTTP date) is honoured when present.
 * - 408 and any other 5xx (e.g. Langfuse answers 500 while its queue is unavailable): retryable
 *   with backoff. The spec treats 500 as final; a local debugging tool would rather retry a
 *   bounded queue than lose data to a transient server error.
 * - every other 4xx (400 bad data, 401/403 auth, 404 wrong path, 413, 415 wrong format): not
 *   retried; the batch is counted as rejected and the error shown.
 * - network errors and timeouts: retryable with backoff.
 * Backoff: `min(maxMs, baseMs·2^(n-1))` for the n-th consecutive failure, with jitter
 * (uniformly 50–100 % of that).
 */

export type SendOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status: number; retryAfterMs?: number; message: string }
  | { kind: 'reject'; status: number; message: string };

/** Longest `Retry-After` honoured (a broken server must not park a target for days). */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** `Retry-After` as milliseconds from `nowMs`; `undefined` when absent or unparsable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - nowMs), MAX_RETRY_AFTER_MS);
}

/** Delay before retry number `attempt` (1-based) with jitter in [50 %, 100 %]. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp * (0.5 + 0.5 * random()));
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Shorter values ("4", "otlp") are protocol switches, not secrets; replacing them would mangle messages. */
export const MIN_SECRET_CHARS = 6;

/** HTTP authentication scheme names (RFC 9110 §11 and the IANA registry's common ones). */
const AUTH_SCHEME = /^(basic|bearer|digest|negotiate|hoba|mutual|concealed|dpop|gnap|privatetoken)$/i;

/** Values that must never appear in a log line: header values and the credentials inside them. */
export function sensitiveStrings(headers: Record<string, string>): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_SECRET_CHARS) out.add(s);
  };
  for (const value of Object.values(headers)) {
    add(value);
    const parts = value.split(/\s+/);
    // The scheme word of `Authorization: Bearer …` names no secret (and appears in ordinary error text).
    for (const [i, p] of parts.entries()) if (!(i === 0 && parts.length > 1 && AUTH_SCHEME.test(p))) add(p);
    if (/^basic$/i.test(parts[0] ?? '') && parts[1]) {
      const decoded = Buffer.from(parts[1], 'base64').toString('utf8');
      add(decoded);
      for (const p of decoded.split(':')) add(p);
    }
  }
  // Longest first, so a value is replaced before any of its parts.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Parts of a URL that may be credentials: user info and query parameter values. */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(url);
    for (const v of [u.username, u.password]) if (v) out.push(v, decodeURIComponent(v));
    for (const [, v] of u.searchParams) out.push(v, encodeURIComponent(v));
    if (u.search.length > 1) out.push(u.search.slice(1));
  } catch {
    // not a URL: nothing to add
  }
  return out.filter((s) => s.length >= MIN_SECRET_CHARS);
}

/** What a secret is replaced with. */
export const REDACTED_SECRET = '***';

/**
 * A text cut at a length limit may end with the first characters of a secret; such an ending is
 * removed once it is this long (shorter beginnings, such as `sk-`, say nothing about a key).
 */
export const MIN_CUT_SECRET_PREFIX_CHARS = 4;

/**
 * Decoding rounds: a value escaped twice (`%252F`, `\\u002f`, JSON inside a JSON string) needs
 * two; a third covers one more layer. Each round is linear in the text.
 */
const DECODE_ROUNDS = 3;

/** Base64 alphabets: standard (Basic auth, most JSON) and URL-safe (JWTs, some tokens). */
const toBase64Url = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

/**
 * The parts of `secret`'s base64 encoding that do not depend on what surrounds it, at each of the
 * three byte alignments it can have inside a longer base64 text (a backend echoing a whole header
 * line or JSON document in base64): the groups of four characters made only of the secret's bytes.
 * Parts shorter than `MIN_SECRET_CHARS` + 2 are left out (too short to be telling).
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let align = 0; align < 3; align++) {
    const lead = (3 - align) % 3; // secret bytes that complete the group a prefix started
    const whole = Math.floor((bytes.length - lead) / 3) * 3;
    if (whole <= 0) continue;
    const core = bytes.subarray(lead, lead + whole).toString('base64');
    if (core.length >= MIN_SECRET_CHARS + 2) out.push(core, toBase64Url(core));
  }
  return out;
}

/** A text and, per UTF-16 unit, the range `[start, end)` of the original text it came from. */
interface Mapped {
  text: string;
  start: number[];
  end: number[];
}

const HEX2 = /^[0-9a-f]{2}$/i;
const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** Length of a UTF-8 sequence from its first byte; 0 for a byte that cannot start one. */
function utf8Length(b: number): number {
  return b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
}

/**
 * One round of undoing the encodings a backend may put around an echoed value, lower-cased:
 * `%XX` runs (as UTF-8), `\uXXXX`, backslash escapes (`\/`, `\"`, `\\`, `\'`), and HTML
 * character references (`&#47;`, `&#x2f;`, `&quot;`…). Each output unit keeps the original range
 * it stands for, so a match in the decoded text replaces exactly the encoded characters.
 */
function decodeRound(input: Mapped): Mapped {
  const s = input.text;
  const out: Mapped = { text: '', start: [], end: [] };
  const parts: string[] = [];
  const emit = (text: string, from: number, to: number) => {
    const lower = text.toLowerCase();
    parts.push(lower);
    for (let k = 0; k < lower.length; k++) {
      out.start.push(input.start[from]!);
      out.end.push(input.end[to - 1]!);
    }
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '%' && HEX2.test(s.slice(i + 1, i + 3))) {
      const first = parseInt(s.slice(i + 1, i + 3), 16);
      const n = utf8Length(first);
      const bytes = [first];
      for (let k = 1; k < n && s[i + 3 * k] === '%' && HEX2.test(s.slice(i + 3 * k + 1, i + 3 * k + 3)); k++) {
        const b = parseInt(s.slice(i + 3 * k + 1, i + 3 * k + 3), 16);
        if ((b & 0xc0) !== 0x80) break;
        bytes.push(b);
      }
      if (n > 0 && bytes.length === n) {
        emit(Buffer.from(bytes).toString('utf8'), i, i + 3 * n);
        i += 3 * n;
        continue;
      }
    } else if (c === '\\') {
      const u = /^u([0-9a-f]{4})/i.exec(s.slice(i + 1, i + 6));
      if (u) {
        emit(String.fromCharCode(parseInt(u[1]!, 16)), i, i + 6);
        i += 6;
        continue;
      }
      if (i + 1 < s.length && '/"\\\''.includes(s[i + 1]!)) {
        emit(s[i + 1]!, i, i + 2);
        i += 2;
        continue;
      }
    } else if (c === '&') {
      const ref = /^&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,4}));/i.exec(s.slice(i, i + 12));
      const code = ref?.[1] ? Number(ref[1]) : ref?.[2] ? parseInt(ref[2], 16) : undefined;
      const named = ref?.[3] ? NAMED_REFERENCES[ref[3].toLowerCase()] : undefined;
      if (ref && ((code !== undefined && code <= 0x10ffff) || named)) {
        emit(named ?? String.fromCodePoint(code as number), i, i + ref[0].length);
        i += ref[0].length;
        continue;
      }
    }
    // One code point as is (a surrogate pair stays together for toLowerCase).
    const cp = s.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    emit(s.slice(i, i + width), i, i + width);
    i += width;
  }
  out.text = parts.join('');
  return out;
}

/** `text` with each unit mapped to itself. */
function identityMapped(text: string): Mapped {
  const start = new Array<number>(text.length);
  const end = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) {
    start[i] = i;
    end[i] = i + 1;
  }
  return { text, start, end };
}

/** `m` lower-cased code point by code point, keeping the map (a few letters change length). */
function lowerRound(m: Mapped): Mapped {
  const out: Mapped = { text: '', start: [], end: [] };
  const parts: string[] = [];
  for (let i = 0; i < m.text.length; ) {
    const width = (m.text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    const lower = m.text.slice(i, i + width).toLowerCase();
    parts.push(lower);
    for (let k = 0; k < lower.length; k++) {
      out.start.push(m.start[i]!);
      out.end.push(m.end[i + width - 1]!);
    }
    i += width;
  }
  out.text = parts.join('');
  return out;
}

/**
 * The views of a text that secrets are looked for in: lower-cased, then decoded once, twice…
 * (`decodeRound`), as long as decoding changes something, at most `DECODE_ROUNDS` times.
 */
function decodedViews(text: string): Mapped[] {
  const views = [lowerRound(identityMapped(text))];
  for (let r = 0; r < DECODE_ROUNDS; r++) {
    const next = decodeRound(views[views.length - 1]!);
    if (next.text === views[views.length - 1]!.text) break;
    views.push(next);
  }
  return views;
}

/** `secrets` as the lower-case strings to look for: each secret and its base64 parts, in every decoded view. */
function searchForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_CHARS) continue;
    for (const f of [s, ...base64Cores(s)]) for (const v of decodedViews(f)) if (v.text.length >= MIN_SECRET_CHARS) forms.add(v.text);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Replaces secrets in a text; with `endsCut`, the text was cut at a length limit, and an ending
 * that is the beginning of a secret (`MIN_CUT_SECRET_PREFIX_CHARS` or more) is replaced too.
 */
export type Redactor = (text: string, endsCut?: boolean) => string;

/**
 * Compiles `secrets` into one `Redactor` for log lines, status messages and echoed response bodies.
 * A secret is found in any letter case, JSON- or JavaScript-escaped (`\/`, `\u00e9`),
 * URL-encoded (once or twice), as HTML character references, and inside base64 (the Basic auth
 * value `base64(public:secret)` is itself one of the secrets; `base64Cores` finds it, and every
 * secret, inside a longer base64 text too), also when these are combined (up to
 * `DECODE_ROUNDS` layers). Every occurrence becomes `***`. Secrets shorter than
 * `MIN_SECRET_CHARS` are ignored. Cost: a few decoding passes over the text and one `indexOf`
 * scan per secret form; nothing when there are no secrets.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = searchForms(secrets);
  if (forms.length === 0) return (text) => text;
  return (text, endsCut = false) => {
    const ranges: [number, number][] = [];
    for (const view of decodedViews(text)) {
      for (const f of forms) {
        for (let at = view.text.indexOf(f); at >= 0; at = view.text.indexOf(f, at + 1)) {
          ranges.push([view.start[at]!, view.end[at + f.length - 1]!]);
        }
        if (!endsCut) continue;
        for (let k = Math.min(f.length - 1, view.text.length); k >= MIN_CUT_SECRET_PREFIX_CHARS; k--) {
          if (view.text.endsWith(f.slice(0, k))) {
            ranges.push([view.start[view.text.length - k]!, text.length]);
            break;
          }
        }
      }
    }
    return replaceRanges(text, ranges);
  };
}

/** `text` with each of `ranges` (merged where they overlap) replaced by `***`. */
function replaceRanges(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let pos = 0;
  let open: [number, number] | undefined;
  for (const r of ranges) {
    if (open && r[0] < open[1]) {
      open[1] = Math.max(open[1], r[1]);
      continue;
    }
    if (open) {
      out += text.slice(pos, open[0]) + REDACTED_SECRET;
      pos = open[1];
    }
    open = [r[0], r[1]];
  }
  if (open) out += text.slice(pos, open[0]) + REDACTED_SECRET + text.slice(open[1]);
  else out += text.slice(pos);
  return out;
}

/** Replaces every occurrence of the secrets in `text`, in any form `createRedactor` knows, with `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  return createRedactor(secrets)(text);
}

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  /** Aborts the request (target removed, forwarding turned off). */
  signal?: AbortSignal;
  /**
   * Hides the target's secrets in an error body before it is cut to `MAX_ERROR_DETAIL_CHARS`
   * (a key cut in half would no longer be recognized). The caller redacts the whole message again.
   */
  redact?: Redactor;
}

/** Bytes of an error response read for the message (a backend's error page can be large). */
const MAX_ERROR_BODY_BYTES = 2048;
/** Characters of an error body kept in the message: one line in the log and the Forwarding view. */
export const MAX_ERROR_DETAIL_CHARS = 200;

/**
 * The message of a 401 or 403: the body is dropped unread, since an authentication error is where
 * a backend echoes the credentials it got (in forms no redaction can foresee).
 */
export function authFailureMessage(status: 401 | 403): string {
  return status === 401 ? 'unauthorized (401); check the key' : 'forbidden (403); check the key';
}

/**
 * POSTs one body; never throws. A non-2xx answer's message is `HTTP <status> <reason>: <body>`,
 * the body read up to `MAX_ERROR_BODY_BYTES`, redacted with `request.redact`, then cut to
 * `MAX_ERROR_DETAIL_CHARS`; 401 and 403 say only `authFailureMessage` (the caller redacts the
 * message again as a whole).
 */
export async function postOtlp(request: PostRequest, nowMs: () => number = Date.now): Promise<SendOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      // Our bodies live on ordinary ArrayBuffers (never shared memory): a view, not a copy.
      body: new Uint8Array(request.body.buffer as ArrayBuffer, request.body.byteOffset, request.body.byteLength),
      signal: controller.signal,
      redirect: 'error',
    });
    const status = response.status;
    if (status === 401 || status === 403) {
      void response.body?.cancel().catch(() => undefined);
      return { kind: 'reject', status, message: authFailureMessage(status) };
    }
    const body = await readSome(response);
    if (status >= 200 && status < 300) return { kind: 'ok', status };
    const redact = request.redact ?? ((t: string) => t);
    // Redacted whole, then cut: a secret straddling the cut must be recognized before it is halved.
    const redacted = redact(body.text, body.cut).trim().replace(/\s+/g, ' ');
    const detail = redacted.length > MAX_ERROR_DETAIL_CHARS ? `${redacted.slice(0, MAX_ERROR_DETAIL_CHARS)}…` : redacted;
    const message = redact(`HTTP ${status}${response.statusText ? ' ' + response.statusText : ''}${detail ? `: ${detail}` : ''}`);
    if (isRetryableStatus(status)) {
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), nowMs()) : undefined;
      return { kind: 'retry', status, retryAfterMs, message };
    }
    return { kind: 'reject', status, message };
  } catch (error) {
    if (timedOut) return { kind: 'retry', status: 0, message: `no answer within ${Math.round(request.timeoutMs / 100) / 10} s` };
    if (request.signal?.aborted) return { kind: 'retry', status: 0, message: 'cancelled' };
    return { kind: 'retry', status: 0, message: describeNetworkError(error) };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Reads at most `MAX_ERROR_BODY_BYTES` of a response body, then lets the connection go.
 * `cut`: the body was longer (its text may end inside a secret).
 */
async function readSome(response: Response): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: '', cut: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  try {
    while (total <= MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // a body cut short is fine: the status decides
    ended = true;
  } finally {
    if (!ended) void reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES);
  // A protobuf google.rpc.Status is binary; keep only printable text.
  return { text: all.toString('utf8').replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' '), cut: total > MAX_ERROR_BODY_BYTES };
}

/** `fetch failed` says nothing; the cause's code does (ECONNREFUSED, ENOTFOUND, certificate errors…). */
export function describeNetworkError(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code;
  const friendly: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
  };
  if (code) return `${friendly[code] ?? e.cause?.message ?? 'network error'} (${code})`;
  return e?.cause?.message ?? e?.message ?? String(error);
}
