/**
 * Import forwarding targets from environment variables users already have (process environment
 * or a workspace `.env` file). Pure: the caller reads the file and stores what comes back
 * (targets into settings, secrets into SecretStorage).
 *
 * Variables read:
 * - `OTEL_TARGETS` — comma-separated `LANGFUSE,PHOENIX,GENERIC` (agent-server convention; `OTLP`
 *   is an alias of `GENERIC`). Without it, a target is created for each backend whose variables
 *   are present.
 * - Langfuse: `LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY` (secrets), `LANGFUSE_BASE_URL`, else
 *   `LANGFUSE_HOST` (endpoint; default Langfuse Cloud).
 * - Phoenix: `PHOENIX_COLLECTOR_ENDPOINT` (base URL or the full `/v1/traces` URL),
 *   `PHOENIX_PROJECT_NAME`, `PHOENIX_API_KEY` (secret), `PHOENIX_CLIENT_HEADERS` (secret headers).
 * - Generic: `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/json` or
 *   `http/protobuf`; `grpc` falls back to `http/protobuf` with a warning),
 *   `OTEL_EXPORTER_OTLP_HEADERS` (always stored as a secret: it usually carries credentials).
 */
import { displayUrl, isOwnReceiver, otlpRoot } from './urls';
import type { ForwardingTargetSetting, SecretSlotId } from './types';

// ───────────────────────────── .env parsing ─────────────────────────────

export interface DotenvResult {
  values: Record<string, string>;
  /** Lines that could not be parsed (1-based line numbers; no values, they may be secrets). */
  errors: { line: number; message: string }[];
}

/**
 * Parses `.env` text with the usual dotenv rules:
 * - `KEY=value`, optional `export ` prefix, spaces around `=` ignored; keys `[A-Za-z_][A-Za-z0-9_.-]*`;
 * - blank lines and lines starting with `#` are skipped;
 * - unquoted values are trimmed and end at ` #` (a `#` preceded by whitespace starts a comment;
 *   `a#b` stays `a#b`);
 * - `'single'` quotes are literal; `"double"` quotes expand `\n`, `\r`, `\t`, `\"` and `\\`;
 *   `` `backtick` `` quotes are literal; quoted values may span lines; text after the closing
 *   quote must be blank or a comment;
 * - a later assignment of the same key wins; no `${VAR}` expansion.
 */
export function parseDotenv(text: string): DotenvResult {
  const values: Record<string, string> = {};
  const errors: DotenvResult['errors'] = [];
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  const n = src.length;

  const skipToEol = () => {
    while (i < n && src[i] !== '\n') i++;
  };

  while (i < n) {
    const lineStart = line;
    // leading whitespace
    while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;
    if (i >= n) break;
    if (src[i] === '\n') {
      i++;
      line++;
      continue;
    }
    if (src[i] === '#') {
      skipToEol();
      continue;
    }
    if (src.startsWith('export', i) && (src[i + 6] === ' ' || src[i + 6] === '\t')) {
      i += 6;
      while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;
    }
    const keyMatch = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i, i + 256));
    if (!keyMatch) {
      errors.push({ line: lineStart, message: 'expected KEY=value' });
      skipToEol();
      continue;
    }
    const key = keyMatch[0];
    i += key.length;
    while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;
    if (src[i] !== '=') {
      errors.push({ line: lineStart, message: `expected "=" after ${key}` });
      skipToEol();
      continue;
    }
    i++;
    while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;

    const quote = src[i];
    if (quote === '"' || quote === "'" || quote === '`') {
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < n) {
        const c = src[j];
        if (c === quote) {
          closed = true;
          break;
        }
        if (c === '\\' && quote === '"' && j + 1 < n) {
          const e = src[j + 1];
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
          if (map[e] !== undefined) {
            value += map[e];
            j += 2;
            continue;
          }
        }
        if (c === '\n') line++;
        value += c;
        j++;
      }
      if (!closed) {
        errors.push({ line: lineStart, message: `unterminated ${quote} quote for ${key}` });
        // Restart after the opening line, so one bad quote does not swallow the rest of the file.
        line = lineStart;
        skipToEol();
        continue;
      }
      i = j + 1;
      // After the closing quote: only blanks or a comment.
      while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;
      if (i < n && src[i] !== '\n' && src[i] !== '#') {
        errors.push({ line, message: `unexpected text after the quoted value of ${key}` });
      }
      skipToEol();
      values[key] = value;
      continue;
    }

    const start = i;
    while (i < n && src[i] !== '\n') {
      if (src[i] === '#' && (src[i - 1] === ' ' || src[i - 1] === '\t')) break;
      i++;
    }
    values[key] = src.slice(start, i).trim();
    skipToEol();
  }
  return { values, errors };
}

/**
 * Parses the `OTEL_EXPORTER_OTLP_HEADERS` format: `key1=value1,key2=value2`, whitespace around
 * entries trimmed, values percent-decoded (as the OTel spec requires). Malformed entries are skipped.
 */
export function parseOtlpHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of text.split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq).trim();
    const raw = entry.slice(eq + 1).trim();
    if (!key || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key)) continue;
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // keep the raw value
    }
    out[key] = value;
  }
  return out;
}

// ───────────────────────────── targets from variables ─────────────────────────────

export interface ImportedSecret {
  target: string;
  slot: SecretSlotId;
  value: string;
}

export interface EnvImportResult {
  targets: ForwardingTargetSetting[];
  /** To store in SecretStorage; never in settings. */
  secrets: ImportedSecret[];
  /** For the user; never contain secret values. */
  warnings: string[];
}

export interface EnvImportOptions {
  /** Ports of Trace Lens's own receivers: an endpoint pointing there is skipped (it would loop). */
  ownPorts?: readonly number[];
}

type Env = Readonly<Record<string, string | undefined>>;

function get(env: Env, key: string): string | undefined {
  const v = env[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Builds targets (and their secrets) from `env`. */
export function targetsFromEnvironment(env: Env, options: EnvImportOptions = {}): EnvImportResult {
  const result: EnvImportResult = { targets: [], secrets: [], warnings: [] };
  const listed = get(env, 'OTEL_TARGETS');
  const kinds = new Set<string>();
  if (listed) {
    for (const raw of listed.split(',')) {
      const k = raw.trim().toUpperCase();
      if (!k) continue;
      if (k === 'LANGFUSE' || k === 'PHOENIX') kinds.add(k);
      else if (k === 'GENERIC' || k === 'OTLP') kinds.add('GENERIC');
      else result.warnings.push(`OTEL_TARGETS: unknown target "${raw.trim()}" (known: LANGFUSE, PHOENIX, GENERIC)`);
    }
  } else {
    if (get(env, 'LANGFUSE_PUBLIC_KEY') || get(env, 'LANGFUSE_SECRET_KEY')) kinds.add('LANGFUSE');
    if (get(env, 'PHOENIX_COLLECTOR_ENDPOINT')) kinds.add('PHOENIX');
    if (get(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')) kinds.add('GENERIC');
  }
  const ownPorts = options.ownPorts ?? [];

  if (kinds.has('LANGFUSE')) {
    const target: ForwardingTargetSetting = { name: 'Langfuse', preset: 'langfuse', enabled: true };
    const endpoint = get(env, 'LANGFUSE_BASE_URL') ?? get(env, 'LANGFUSE_HOST');
    if (endpoint) target.endpoint = endpoint;
    const pk = get(env, 'LANGFUSE_PUBLIC_KEY');
    const sk = get(env, 'LANGFUSE_SECRET_KEY');
    if (pk) result.secrets.push({ target: target.name, slot: 'publicKey', value: pk });
    if (sk) result.secrets.push({ target: target.name, slot: 'secretKey', value: sk });
    if (!pk || !sk) result.warnings.push('Langfuse: LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are both needed; set the missing one with "Set Forwarding Secret…"');
    addIfNotLoop(result, target, ownPorts);
  }

  if (kinds.has('PHOENIX')) {
    const target: ForwardingTargetSetting = { name: 'Phoenix', preset: 'phoenix', protocol: 'http/protobuf', enabled: true };
    const endpoint = get(env, 'PHOENIX_COLLECTOR_ENDPOINT');
    if (endpoint) target.endpoint = endpoint;
    const project = get(env, 'PHOENIX_PROJECT_NAME');
    if (project) target.project = project;
    const apiKey = get(env, 'PHOENIX_API_KEY');
    if (apiKey) result.secrets.push({ target: target.name, slot: 'apiKey', value: apiKey });
    const headers = get(env, 'PHOENIX_CLIENT_HEADERS');
    if (headers) result.secrets.push({ target: target.name, slot: 'headers', value: headers });
    addIfNotLoop(result, target, ownPorts);
  }

  if (kinds.has('GENERIC')) {
    const endpoint = get(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    if (!endpoint) {
      result.warnings.push('GENERIC: OTEL_EXPORTER_OTLP_ENDPOINT is not set; no generic target created');
    } else {
      const target: ForwardingTargetSetting = { name: 'OTLP', preset: 'otlp', endpoint, enabled: true };
      const protocol = get(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
      if (protocol === 'http/json' || protocol === 'http/protobuf') target.protocol = protocol;
      else if (protocol) {
        result.warnings.push(`OTLP: protocol "${protocol}" is not supported for forwarding; using http/protobuf (check the endpoint's port: 4318 is OTLP/HTTP)`);
        target.protocol = 'http/protobuf';
      }
      const headers = get(env, 'OTEL_EXPORTER_OTLP_HEADERS');
      if (headers) result.secrets.push({ target: target.name, slot: 'headers', value: headers });
      addIfNotLoop(result, target, ownPorts);
    }
  }

  if (kinds.size === 0) {
    result.warnings.push('no forwarding variables found (OTEL_TARGETS, LANGFUSE_*, PHOENIX_COLLECTOR_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT)');
  }
  return result;
}

function addIfNotLoop(result: EnvImportResult, target: ForwardingTargetSetting, ownPorts: readonly number[]): void {
  if (target.endpoint) {
    let url: URL;
    try {
      url = otlpRoot(target.endpoint, '');
    } catch {
      result.warnings.push(`${target.name}: the endpoint "${displayUrl(target.endpoint)}" is not a valid http(s) URL; skipped`);
      result.secrets = result.secrets.filter((s) => s.target !== target.name);
      return;
    }
    if (isOwnReceiver(url, ownPorts)) {
      result.warnings.push(`${target.name}: ${displayUrl(url.href)} is Trace Lens's own receiver (the app already sends here); skipped`);
      result.secrets = result.secrets.filter((s) => s.target !== target.name);
      return;
    }
  }
  result.targets.push(target);
}
