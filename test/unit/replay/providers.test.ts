import { describe, expect, it } from 'vitest';
import { isLocalProvider, preselectProvider, providerBaseUrl, readReplayProviders, replaySecretKey } from '../../../src/core/replay/providers';

describe('traceLens.replay.providers', () => {
  it('keeps valid entries and names what is wrong with the others', () => {
    const { providers, errors } = readReplayProviders([
      { name: 'OpenAI', kind: 'openai' },
      { name: 'Claude', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', defaultModel: 'claude-sonnet-4-5' },
      { name: 'OpenAI', kind: 'openai' },
      { name: 'Ollama', kind: 'ollama' },
      { kind: 'openai' },
      { name: 'Leaky', kind: 'openai', baseUrl: 'https://user:sk-secret@example.com/v1' },
      { name: 'Ftp', kind: 'openai', baseUrl: 'ftp://example.com' },
      'nope',
    ]);
    expect(providers.map((p) => p.name)).toEqual(['OpenAI', 'Claude']);
    expect(providers[1]).toEqual({ name: 'Claude', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', defaultModel: 'claude-sonnet-4-5' });
    expect(errors).toHaveLength(6);
    expect(errors.join('\n')).toMatch(/used twice/);
    expect(errors.join('\n')).toMatch(/"kind" must be/);
    expect(errors.join('\n')).toMatch(/must not contain credentials/);
    expect(errors.join('\n')).not.toMatch(/sk-secret/);
    expect(readReplayProviders({}).errors).toEqual(['traceLens.replay.providers must be an array']);
  });

  it('defaults base URLs to the official SDKs and binds the key to name and origin', () => {
    expect(providerBaseUrl({ kind: 'openai' })).toBe('https://api.openai.com/v1');
    expect(providerBaseUrl({ kind: 'anthropic' })).toBe('https://api.anthropic.com');
    const a = replaySecretKey({ name: 'Local', kind: 'openai', baseUrl: 'http://localhost:11434/v1' });
    const b = replaySecretKey({ name: 'Local', kind: 'openai', baseUrl: 'http://LOCALHOST:11434/other' });
    const c = replaySecretKey({ name: 'Local', kind: 'openai', baseUrl: 'http://evil.example:11434/v1' });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(isLocalProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:1234/v1' })).toBe(true);
    expect(isLocalProvider({ kind: 'openai' })).toBe(false);
  });

  it('preselects the provider that serves the recorded one', () => {
    const { providers } = readReplayProviders([
      { name: 'Ollama', kind: 'openai', baseUrl: 'http://localhost:11434/v1', matches: ['ollama'] },
      { name: 'OpenAI', kind: 'openai' },
      { name: 'Claude', kind: 'anthropic' },
    ]);
    expect(preselectProvider(providers, { provider: 'anthropic', kind: 'anthropic' }).provider?.name).toBe('Claude');
    expect(preselectProvider(providers, { provider: 'openai', kind: 'openai' }).provider?.name).toBe('OpenAI');
    expect(preselectProvider(providers, { provider: 'Ollama', kind: 'openai' }).provider?.name).toBe('Ollama');
    expect(preselectProvider(providers, { provider: 'groq', kind: 'openai' }).provider?.name).toBe('Ollama');
    expect(preselectProvider([], { kind: 'openai' }).reason).toMatch(/No replay provider is configured/);
    expect(preselectProvider(providers.slice(0, 2), { provider: 'anthropic', kind: 'anthropic' }).reason).toMatch(/No Anthropic provider/);
  });
});
