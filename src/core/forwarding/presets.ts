/**
 * Backend presets: each knows its OTLP/HTTP path, default endpoint, auth headers, allowed body
 * formats, signals, and the rewrites it needs. `resolveTarget` turns a setting plus its secrets
 * into a `ResolvedTarget` (pure; runs on the extension host before `configureForwarding`).
 *
 * Sources (each vendor's OTLP ingestion documentation):
 * - Langfuse: `<base>/api/public/otel/v1/traces`, HTTP JSON or protobuf (no gRPC), Basic auth
 *   `public:secret`, `x-langfuse-ingestion-version: 4`, session/user ids on every span.
 * - Arize Phoenix: `<base>/v1/traces`, protobuf only (JSON → 415), no logs, project routing by the
 *   `openinference.project.name` resource attribute; `Authorization: Bearer <PHOENIX_API_KEY>`.
 * - LangSmith: `<base>/otel/v1/traces`, `x-api-key`, `Langsmith-Project`.
 * - Honeycomb `x-honeycomb-team`; Datadog OTLP intake `dd-api-key` + `dd-protocol: otlp`;
 *   New Relic `api-key`; Jaeger and Grafana Tempo plain OTLP/HTTP (traces).
 */
import type { OtlpSignal } from '../otlp/types';
import { parseOtlpHeaders } from './envImport';
import { compileRedactionPatterns } from './redaction';
import { displayUrl, isOwnReceiver, otlpRoot } from './urls';
import type { ForwardingProtocol, ForwardingTargetSetting, PresetId, ResolvedTarget, SecretSlotId } from './types';

export type { SecretSlotId };

/**
 * A secret a preset needs, kept in VS Code SecretStorage under `boundSecretKey(target, origin, slot)`
 * (`origin`: `secretOrigin` of the target's endpoint).
 */
export interface SecretSlot {
  id: SecretSlotId;
  label: string;
  required: boolean;
}


export interface Preset {
  id: PresetId;
  label: string;
  /** Used when the setting's `endpoint` is empty; '' = the user must give one. */
  defaultEndpoint: string;
  /** Path between the base URL and `/v1/<signal>`. */
  basePath: string;
  supportedSignals: readonly OtlpSignal[];
  defaultSignals: readonly OtlpSignal[];
  protocols: readonly ForwardingProtocol[];
  secrets: readonly SecretSlot[];
  /** Headers from the preset (auth from secrets, fixed protocol headers). */
  headers(secrets: SecretGetter, setting: ForwardingTargetSetting): Record<string, string>;
  propagateLangfuseIds?: boolean;
  /** Resource attributes the preset sets where missing. */
  resourceAttributes?(setting: ForwardingTargetSetting): Record<string, string>;
}

export type SecretGetter = (slot: SecretSlotId) => string | undefined;

/** Secret headers in the `OTEL_EXPORTER_OTLP_HEADERS` format; every preset has this optional slot. */
const HEADERS_SLOT: SecretSlot = { id: 'headers', label: 'Extra secret headers (key=value,key2=value2)', required: false };
const ALL_SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];
const TRACES: readonly OtlpSignal[] = ['traces'];
const BOTH: readonly ForwardingProtocol[] = ['http/protobuf', 'http/json'];

function header(name: string, value: string | undefined): Record<string, string> {
  return value ? { [name]: value } : {};
}

export const PRESETS: Readonly<Record<PresetId, Preset>> = {
  langfuse: {
    id: 'langfuse',
    label: 'Langfuse',
    defaultEndpoint: 'https://cloud.langfuse.com',
    basePath: '/api/public/otel',
    supportedSignals: TRACES,
    defaultSignals: TRACES,
    protocols: BOTH,
    secrets: [
      { id: 'publicKey', label: 'Langfuse public key (pk-lf-…)', required: true },
      { id: 'secretKey', label: 'Langfuse secret key (sk-lf-…)', required: true },
      HEADERS_SLOT,
    ],
    headers: (s) => {
      const pk = s('publicKey');
      const sk = s('secretKey');
      return {
        'x-langfuse-ingestion-version': '4',
        ...(pk && sk ? { authorization: `Basic ${Buffer.from(`${pk}:${sk}`, 'utf8').toString('base64')}` } : {}),
      };
    },
    propagateLangfuseIds: true,
  },
  phoenix: {
    id: 'phoenix',
    label: 'Arize Phoenix',
    defaultEndpoint: 'http://localhost:6006',
    basePath: '',
    supportedSignals: TRACES,
    defaultSignals: TRACES,
    protocols: ['http/protobuf'],
    secrets: [{ id: 'apiKey', label: 'Phoenix API key (PHOENIX_API_KEY; not needed for a local Phoenix)', required: false }, HEADERS_SLOT],
    headers: (s) => header('authorization', s('apiKey') ? `Bearer ${s('apiKey')}` : undefined),
    resourceAttributes: (t): Record<string, string> => (t.project ? { 'openinference.project.name': t.project } : {}),
  },
  jaeger: {
    id: 'jaeger',
    label: 'Jaeger',
    defaultEndpoint: 'http://localhost:4318',
    basePath: '',
    supportedSignals: TRACES,
    defaultSignals: TRACES,
    protocols: BOTH,
    secrets: [HEADERS_SLOT],
    headers: () => ({}),
  },
  tempo: {
    id: 'tempo',
    label: 'Grafana Tempo',
    defaultEndpoint: 'http://localhost:4318',
    basePath: '',
    supportedSignals: TRACES,
    defaultSignals: TRACES,
    protocols: BOTH,
    secrets: [HEADERS_SLOT],
    headers: () => ({}),
  },
  honeycomb: {
    id: 'honeycomb',
    label: 'Honeycomb',
    defaultEndpoint: 'https://api.honeycomb.io',
    basePath: '',
    supportedSignals: ALL_SIGNALS,
    defaultSignals: TRACES,
    protocols: BOTH,
    secrets: [{ id: 'apiKey', label: 'Honeycomb API key (x-honeycomb-team)', required: true }, HEADERS_SLOT],
    headers: (s) => header('x-honeycomb-team', s('apiKey')),
  },
  datadog: {
    id: 'datadog',
    label: 'Datadog',
    defaultEndpoint: 'https://otlp.datadoghq.com',
    basePath: '',
    supportedSignals: ALL_SIGNALS,
    defaultSignals: TRACES,
    protocols: BOTH,
    secrets: [{ id: 'apiKey', label: 'Datadog API key (DD-API-KEY)', required: true }, HEADERS_SLOT],
    headers: (s) => ({ 'dd-protocol': 'otlp', ...header('dd-api-key', s('apiKey')) }),
  },
  newrelic: {
    id: 'newrelic',
    label: 'New Relic',
    defaultEndpoint: 'https://otlp.nr-data.net',
    basePath: '',
    supportedSignals: ALL_SIGNALS,
    defaultSignals: ALL_SIGNALS,
    protocols: BOTH,
    secrets: [{ id: 'licenseKey', label: 'New Relic license key (api-key)', required: true }, HEADERS_SLOT],
    headers: (s) => header('api-key', s('licenseKey')),
  },
  langsmith: {
    id: 'langsmith',
    label: 'LangSmith',
    defaultEndpoint: 'https://api.smith.langchain.com',
    basePath: '/otel',
    supportedSignals: TRACES,
    defaultSignals: TRACES,
    protocols: BOTH,
    secrets: [{ id: 'apiKey', label: 'LangSmith API key (x-api-key)', required: true }, HEADERS_SLOT],
    headers: (s, t) => ({ ...header('x-api-key', s('apiKey')), ...header('Langsmith-Project', t.project) }),
  },
  otlp: {
    id: 'otlp',
    label: 'OTLP/HTTP (generic)',
    defaultEndpoint: '',
    basePath: '',
    supportedSignals: ALL_SIGNALS,
    defaultSignals: ALL_SIGNALS,
    protocols: BOTH,
    secrets: [HEADERS_SLOT],
    headers: () => ({}),
  },
};

export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

export function isPresetId(value: unknown): value is PresetId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, value);
}

/**
 * The SecretStorage key of one secret of one target *by name only*, as Trace Lens stored secrets
 * before they were bound to the endpoint's origin. Only read to offer moving such a secret to
 * `boundSecretKey` (src/extension/forwarding/forwardingController.ts); never written.
 */
export function secretKey(targetName: string, slot: SecretSlotId): string {
  return `traceLens.forwarding/${encodeURIComponent(targetName)}/${slot}`;
}

/**
 * The SecretStorage key of one secret of one target at one endpoint origin
 * (`traceLens.forwarding/<name>/<origin>/<slot>`, name and origin URI-encoded). Binding the key to
 * the origin means a target whose URL moves to another scheme, host or port (an edited or synced
 * setting, an import) does not take the key there: it has to be set again for the new origin.
 * Renaming a target orphans its secrets.
 */
export function boundSecretKey(targetName: string, origin: string, slot: SecretSlotId): string {
  return `traceLens.forwarding/${encodeURIComponent(targetName)}/${encodeURIComponent(origin)}/${slot}`;
}

/**
 * The origin a target's secrets are bound to: `scheme://host[:port]` of its endpoint (the preset's
 * default when empty) as the WHATWG URL parser normalizes it (lower-case host, IDN as punycode,
 * default port dropped; user info, path and query left out). `undefined` when the endpoint is not
 * an http(s) URL (such a target cannot be resolved anyway).
 */
export function secretOrigin(setting: Pick<ForwardingTargetSetting, 'preset' | 'endpoint'>): string | undefined {
  if (!isPresetId(setting.preset)) return undefined;
  const preset = PRESETS[setting.preset];
  const base = (typeof setting.endpoint === 'string' ? setting.endpoint.trim() : '') || preset.defaultEndpoint;
  if (!base) return undefined;
  try {
    return otlpRoot(base, preset.basePath).origin;
  } catch {
    return undefined;
  }
}

/** Header names that usually carry credentials (warned about when found in settings). */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret|password|x-honeycomb-team|cookie/i;

export interface ResolveOptions {
  /** Ports of Trace Lens's own receivers: a loopback target on one of them would forward to itself. */
  ownPorts?: readonly number[];
}

export type ResolveResult =
  | { ok: true; target: ResolvedTarget; warnings: string[] }
  | { ok: false; reason: string };

/** Applies the preset and the secrets to one setting. Expected problems are `{ ok: false }`. */
export function resolveTarget(setting: ForwardingTargetSetting, secrets: SecretGetter, options: ResolveOptions = {}): ResolveResult {
  const name = typeof setting.name === 'string' ? setting.name.trim() : '';
  if (!name) return { ok: false, reason: 'the target has no name' };
  if (!isPresetId(setting.preset)) return { ok: false, reason: `unknown preset "${String(setting.preset)}"` };
  const preset = PRESETS[setting.preset];
  const warnings: string[] = [];

  const base = (setting.endpoint ?? '').trim() || preset.defaultEndpoint;
  if (!base) return { ok: false, reason: `${preset.label} needs an endpoint` };
  let root: URL;
  try {
    root = otlpRoot(base, preset.basePath);
  } catch {
    return { ok: false, reason: `the endpoint "${displayUrl(base)}" is not a valid http(s) URL` };
  }
  if (isOwnReceiver(root, options.ownPorts ?? [])) {
    return { ok: false, reason: `the endpoint ${displayUrl(root.href)} is Trace Lens's own receiver (forwarding would loop)` };
  }

  const requested = Array.isArray(setting.signals) && setting.signals.length > 0 ? setting.signals : preset.defaultSignals;
  const signals = [...new Set(requested)].filter((s) => preset.supportedSignals.includes(s));
  for (const s of requested) {
    if (!preset.supportedSignals.includes(s)) warnings.push(`${preset.label} does not accept ${s}; not forwarded`);
  }
  if (signals.length === 0) return { ok: false, reason: `${preset.label} accepts none of the selected signals` };
  // Credentials in the URL (`https://user:pass@host`) become a Basic auth header: fetch refuses
  // URLs with user info, and a URL is shown in the UI and logs.
  const userInfoAuth: Record<string, string> = {};
  if (root.username || root.password) {
    const user = decodeURIComponent(root.username);
    const pass = decodeURIComponent(root.password);
    userInfoAuth.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
    root.username = '';
    root.password = '';
  }
  const urls: ResolvedTarget['urls'] = {};
  for (const s of signals) urls[s] = signalUrl(root, s);

  let protocol: ForwardingProtocol = setting.protocol === 'http/json' || setting.protocol === 'http/protobuf' ? setting.protocol : preset.protocols[0];
  if (!preset.protocols.includes(protocol)) {
    warnings.push(`${preset.label} accepts only ${preset.protocols.join(', ')}; sending ${preset.protocols[0]}`);
    protocol = preset.protocols[0];
  }

  const missing = preset.secrets.filter((slot) => slot.required && !secrets(slot.id));
  if (missing.length > 0) {
    return { ok: false, reason: `missing secret: ${missing.map((m) => m.label).join(', ')} (run "Trace Lens: Set Forwarding Secret…")` };
  }

  const settingHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(setting.headers ?? {})) {
    if (typeof v !== 'string' || !isHeaderName(k)) {
      warnings.push(`header "${k}" ignored (not a valid header)`);
      continue;
    }
    if (CREDENTIAL_HEADER.test(k)) warnings.push(`header "${k}" in settings looks like a credential; store it with "Set Forwarding Secret…" instead`);
    settingHeaders[k] = v;
  }
  const secretHeaders = parseOtlpHeaders(secrets('headers') ?? '');
  const headers = mergeHeaders(userInfoAuth, preset.headers(secrets, setting), settingHeaders, secretHeaders);
  for (const [k, v] of Object.entries(headers)) {
    // fetch() throws on these; refuse them here instead of retrying a request that can never be made.
    if (!isHeaderName(k) || !/^[\t\x20-\x7e\x80-\xff]*$/.test(v)) {
      delete headers[k];
      warnings.push(`header "${isHeaderName(k) ? k : '(invalid name)'}" ignored (its value has line breaks, control or non-Latin-1 characters)`);
    }
  }

  const compiled = compileRedactionPatterns(setting.redaction?.patterns ?? []);
  const patterns = compiled.sources;
  for (const p of compiled.invalid) warnings.push(`redaction pattern ignored (invalid regular expression): ${p}`);

  return {
    ok: true,
    warnings,
    target: {
      name,
      preset: preset.id,
      enabled: setting.enabled !== false,
      urls,
      protocol,
      headers,
      compression: setting.compression === 'gzip' ? 'gzip' : 'none',
      rewrites: {
        propagateLangfuseIds: preset.propagateLangfuseIds === true,
        resourceAttributes: preset.resourceAttributes?.(setting) ?? {},
        redaction: { dropContent: setting.redaction?.dropContent === true, patterns },
      },
    },
  };
}

/** `root` + `/v1/<signal>`, keeping a query string (some backends take a token there). */
function signalUrl(root: URL, signal: OtlpSignal): string {
  const u = new URL(root.href);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return u.href;
}

function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

/** Later sources win; names compare case-insensitively (the last spelling is kept). */
function mergeHeaders(...sources: Record<string, string>[]): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const source of sources) for (const [k, v] of Object.entries(source)) byLower.set(k.toLowerCase(), [k, v]);
  return Object.fromEntries([...byLower.values()]);
}
