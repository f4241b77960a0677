/**
 * The `traceLens.replay.providers` setting: where a replayed model call is sent. Each entry names
 * a provider, the wire format it speaks (`openai`: OpenAI Chat Completions and every compatible
 * server — OpenAI, Azure OpenAI, Ollama, LM Studio, vLLM; `anthropic`: Anthropic Messages) and its
 * base URL. The API key lives in VS Code SecretStorage under a key bound to the provider's name
 * *and* its base URL's origin (like forwarding secrets, src/core/forwarding/presets.ts): a provider
 * whose URL moves to another host does not take its key there. Pure.
 */
import type { ReplayProviderConfig, ReplayProviderKind, ReplayRequest } from '../../model/replay';

/** Base URL used when an entry gives none (the official SDKs' defaults). */
export const DEFAULT_BASE_URLS: Readonly<Record<ReplayProviderKind, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** Recorded `gen_ai.provider.name` / `gen_ai.system` values served by each wire format without an explicit `matches`. */
const NATIVE_PROVIDERS: Readonly<Record<ReplayProviderKind, readonly string[]>> = {
  openai: ['openai', 'azure.ai.openai', 'azure_openai', 'azure'],
  anthropic: ['anthropic'],
};

/** The validated providers and one message per entry that was left out (with its position). */
export interface ReplayProvidersRead {
  providers: ReplayProviderConfig[];
  errors: string[];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/**
 * Reads the setting's value (any JSON). An entry needs a unique `name`, a `kind` of `openai` or
 * `anthropic` and, when given, an http(s) `baseUrl` without credentials in it; anything else is
 * left out with a reason in `errors`. Never throws.
 */
export function readReplayProviders(value: unknown): ReplayProvidersRead {
  const providers: ReplayProviderConfig[] = [];
  const errors: string[] = [];
  if (value === undefined || value === null) return { providers, errors };
  if (!Array.isArray(value)) return { providers, errors: ['traceLens.replay.providers must be an array'] };
  value.forEach((entry: unknown, i) => {
    const at = `traceLens.replay.providers[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`${at}: not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const name = text(e.name);
    if (!name) return void errors.push(`${at}: "name" is missing`);
    if (providers.some((p) => p.name === name)) return void errors.push(`${at}: the name "${name}" is used twice`);
    if (e.kind !== 'openai' && e.kind !== 'anthropic') return void errors.push(`${at} (${name}): "kind" must be "openai" or "anthropic"`);
    const baseUrl = text(e.baseUrl);
    if (baseUrl !== undefined) {
      let url: URL;
      try {
        url = new URL(baseUrl);
      } catch {
        return void errors.push(`${at} (${name}): "baseUrl" is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return void errors.push(`${at} (${name}): "baseUrl" must be http or https`);
      if (url.username || url.password) return void errors.push(`${at} (${name}): "baseUrl" must not contain credentials; set the key with Trace Lens: Set Replay Provider Key…`);
    }
    const matches = Array.isArray(e.matches) ? e.matches.filter((m): m is string => typeof m === 'string' && m.trim() !== '').map((m) => m.trim().toLowerCase()) : undefined;
    providers.push({
      name,
      kind: e.kind,
      ...(baseUrl ? { baseUrl } : {}),
      ...(text(e.defaultModel) ? { defaultModel: text(e.defaultModel) } : {}),
      ...(matches && matches.length > 0 ? { matches } : {}),
    });
  });
  return { providers, errors };
}

/** The base URL requests go to: the entry's, else the SDK default of its kind. */
export function providerBaseUrl(provider: Pick<ReplayProviderConfig, 'kind' | 'baseUrl'>): string {
  return provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind];
}

/** `scheme://host[:port]` of the provider's base URL (WHATWG-normalized), the origin its key is bound to. */
export function providerOrigin(provider: Pick<ReplayProviderConfig, 'kind' | 'baseUrl'>): string {
  return new URL(providerBaseUrl(provider)).origin;
}

/** SecretStorage key of a provider's API key: `traceLens.replay/<name>/<origin>` (both URI-encoded). */
export function replaySecretKey(provider: Pick<ReplayProviderConfig, 'name' | 'kind' | 'baseUrl'>): string {
  return `traceLens.replay/${encodeURIComponent(provider.name)}/${encodeURIComponent(providerOrigin(provider))}`;
}

/** True when a provider on this base URL may be used without a key (a local server: Ollama, LM Studio, vLLM, a stand-in). */
export function isLocalProvider(provider: Pick<ReplayProviderConfig, 'kind' | 'baseUrl'>): boolean {
  const host = new URL(providerBaseUrl(provider)).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

/**
 * The provider to preselect for a rebuilt request: the first entry whose `matches` lists the
 * recorded provider name; else the first of the same wire format that natively serves that
 * provider; else the first of the same wire format. `reason` says why nothing was chosen.
 */
export function preselectProvider(
  providers: readonly ReplayProviderConfig[],
  request: Pick<ReplayRequest, 'provider' | 'kind'>,
): { provider?: ReplayProviderConfig; reason?: string } {
  const recorded = request.provider?.toLowerCase();
  if (recorded) {
    const listed = providers.find((p) => p.matches?.includes(recorded));
    if (listed) return { provider: listed };
  }
  const sameKind = providers.filter((p) => p.kind === request.kind);
  const native = recorded ? sameKind.find((p) => !p.matches && NATIVE_PROVIDERS[p.kind].includes(recorded)) : undefined;
  if (native) return { provider: native };
  if (sameKind[0]) return { provider: sameKind[0] };
  if (providers.length === 0) return { reason: 'No replay provider is configured: add one to traceLens.replay.providers.' };
  return { reason: `No ${request.kind === 'anthropic' ? 'Anthropic' : 'OpenAI-compatible'} provider is configured for ${request.provider ?? 'this call'}; pick another one or add one.` };
}
