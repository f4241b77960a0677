/**
 * What a replay provider's `baseUrl` says, without any SDK: where the request goes, how it is
 * described in messages (never with credentials), which Azure OpenAI flavour it is, and the OTel
 * GenAI `gen_ai.provider.name` it stands for. Pure; used by the clients and by replayTrace.ts.
 *
 * Base URL conventions (src/model/replay.ts `ReplayProviderConfig.baseUrl`):
 * - `openai`: the Chat Completions base, `POST {baseUrl}/chat/completions`
 *   (default `https://api.openai.com/v1`; Ollama `http://localhost:11434/v1`, LM Studio
 *   `http://localhost:1234/v1`, vLLM `http://localhost:8000/v1`).
 * - `anthropic`: the API root, `POST {baseUrl}/v1/messages` (default `https://api.anthropic.com`);
 *   a trailing `/v1` is dropped because the SDK adds it.
 * - Azure OpenAI (host `*.openai.azure.com` or `*.cognitiveservices.azure.com`):
 *   `https://{resource}.openai.azure.com/openai/v1` (the v1 API, plain OpenAI client, no
 *   api-version), or the resource root / `…/openai` / `…/openai/deployments/{deployment}` with an
 *   optional `?api-version=` (the `AzureOpenAI` client, `api-key` header, deployment = the
 *   request's model unless the URL names one; default api-version `AZURE_DEFAULT_API_VERSION`).
 */
import type { ReplayProviderKind } from '../../../model/replay';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Latest GA data-plane inference api-version of Azure OpenAI (learn.microsoft.com "API version lifecycle"). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/** How the OpenAI SDK is to be set up for a base URL. */
export type OpenAiEndpoint =
  | { flavour: 'openai'; baseURL: string }
  /** Azure OpenAI v1 API (`/openai/v1`): the plain client; the key also goes in `api-key`. */
  | { flavour: 'azure-v1'; baseURL: string }
  /** Azure OpenAI deployments API: `AzureOpenAI` with `baseURL` ending in `/openai` or `/openai/deployments/{name}`. */
  | { flavour: 'azure'; baseURL: string; apiVersion: string };

function parse(baseUrl: string): URL | undefined {
  try {
    const u = new URL(baseUrl);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

/** `true` for an Azure OpenAI resource host. */
export function isAzureOpenAiHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h.endsWith('.openai.azure.com') || h.endsWith('.cognitiveservices.azure.com');
}

/**
 * The base URL as it may appear in a message, a trace or a log: scheme, host, port and path;
 * no user name, password, query or fragment (they can carry credentials). Unparseable → `'(invalid URL)'`.
 */
export function describeEndpoint(baseUrl: string): string {
  const u = parse(baseUrl);
  if (!u) return '(invalid URL)';
  return `${u.protocol}//${u.host}${trimSlashes(u.pathname)}`;
}

/**
 * The OpenAI SDK setup for `baseUrl` (empty → OpenAI's). Query parameters other than Azure's
 * `api-version` are dropped; user info in the URL is dropped (keys go in headers only).
 * Throws `Error` with a message naming the problem for a URL that is not http(s).
 */
export function openAiEndpoint(baseUrl: string | undefined): OpenAiEndpoint {
  const raw = baseUrl?.trim() || OPENAI_DEFAULT_BASE_URL;
  const u = parse(raw);
  if (!u) throw new Error(`The base URL "${describeEndpoint(raw)}" is not an http(s) URL.`);
  const origin = `${u.protocol}//${u.host}`;
  const path = trimSlashes(u.pathname);
  if (!isAzureOpenAiHost(u.hostname)) return { flavour: 'openai', baseURL: origin + path };
  if (/\/openai\/v1$/i.test(path)) return { flavour: 'azure-v1', baseURL: origin + path };
  const apiVersion = u.searchParams.get('api-version')?.trim() || AZURE_DEFAULT_API_VERSION;
  const deployment = /\/openai\/deployments\/[^/]+/i.exec(path)?.[0];
  return { flavour: 'azure', baseURL: origin + (deployment ?? '/openai'), apiVersion };
}

/** The Anthropic SDK `baseURL` for `baseUrl` (empty → Anthropic's): no trailing `/` or `/v1`, no query. */
export function anthropicBaseUrl(baseUrl: string | undefined): string {
  const raw = baseUrl?.trim() || ANTHROPIC_DEFAULT_BASE_URL;
  const u = parse(raw);
  if (!u) throw new Error(`The base URL "${describeEndpoint(raw)}" is not an http(s) URL.`);
  return `${u.protocol}//${u.host}${trimSlashes(u.pathname).replace(/\/v1$/i, '')}`;
}

/** The full URL a replay request goes to, for messages (`…/chat/completions`, `…/v1/messages`). */
export function requestUrlForMessages(kind: ReplayProviderKind, baseUrl: string | undefined): string {
  try {
    if (kind === 'anthropic') return `${anthropicBaseUrl(baseUrl)}/v1/messages`;
    const e = openAiEndpoint(baseUrl);
    return e.flavour === 'azure' && !e.baseURL.includes('/deployments/')
      ? `${e.baseURL}/deployments/{model}/chat/completions`
      : `${e.baseURL}/chat/completions`;
  } catch {
    return describeEndpoint(baseUrl ?? '');
  }
}

/** Known API hosts → OTel GenAI `gen_ai.provider.name` well-known values (semconv v1.41 §gen-ai registry). */
const HOST_PROVIDERS: readonly [RegExp, string][] = [
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/(^|\.)api\.anthropic\.com$/, 'anthropic'],
  [/\.openai\.azure\.com$|\.cognitiveservices\.azure\.com$/, 'azure.ai.openai'],
  [/(^|\.)api\.groq\.com$/, 'groq'],
  [/(^|\.)api\.deepseek\.com$/, 'deepseek'],
  [/(^|\.)api\.x\.ai$/, 'x_ai'],
  [/(^|\.)api\.mistral\.ai$/, 'mistral_ai'],
  [/(^|\.)api\.perplexity\.ai$/, 'perplexity'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
];

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * The `gen_ai.provider.name` of a replay endpoint, by its host: the well-known value for a known
 * API host; on the loopback interface `ollama` for port 11434 and `lmstudio` for port 1234
 * (their default ports; the pricing treats both as local, unpriced); otherwise `kind`
 * (`openai` for any other OpenAI-compatible server, `anthropic`).
 */
export function genAiProviderName(kind: ReplayProviderKind, baseUrl: string | undefined): string {
  const u = parse(baseUrl?.trim() || (kind === 'anthropic' ? ANTHROPIC_DEFAULT_BASE_URL : OPENAI_DEFAULT_BASE_URL));
  if (!u) return kind;
  const host = u.hostname.toLowerCase();
  for (const [re, name] of HOST_PROVIDERS) if (re.test(host)) return name;
  if (LOOPBACK.test(host)) {
    if (u.port === '11434') return 'ollama';
    if (u.port === '1234') return 'lmstudio';
  }
  return kind;
}

/** `server.address` / `server.port` of a base URL (host and port only), when it parses. */
export function serverOf(baseUrl: string | undefined): { address: string; port: number } | undefined {
  const u = baseUrl ? parse(baseUrl) : undefined;
  if (!u) return undefined;
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { address: u.hostname.replace(/^\[|\]$/g, ''), port };
}
