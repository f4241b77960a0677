import { describe, expect, it } from 'vitest';
import { isLocalProvider, toPriceProviderId } from '../../../src/core/pricing/providers';
import { modelNameCandidates } from '../../../src/core/pricing/modelNames';
import { parsePriceOverrides } from '../../../src/core/pricing/overrides';
import { PRICE_DATA_INFO } from '../../../src/core/pricing/dataInfo';

describe('parsePriceOverrides', () => {
  it('keeps valid entries and explains the invalid ones', () => {
    const { overrides, errors } = parsePriceOverrides([
      { match: 'llama3.2', provider: 'ollama', inputPerMTok: 0, outputPerMTok: 0 },
      { match: '/^acme-/i', inputPerMTok: 1, outputPerMTok: 2, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25, reasoningPerMTok: 3, contextWindow: 8192 },
      { match: 'bad-rate', inputPerMTok: -1, outputPerMTok: 1 },
      { match: '/([/', inputPerMTok: 1, outputPerMTok: 1 },
      { match: '', inputPerMTok: 1, outputPerMTok: 1 },
      'nope',
      { match: 'partial', inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 'cheap', contextWindow: 0.5 },
    ]);
    expect(overrides).toEqual([
      { match: 'llama3.2', provider: 'ollama', inputPerMTok: 0, outputPerMTok: 0 },
      { match: '/^acme-/i', inputPerMTok: 1, outputPerMTok: 2, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25, reasoningPerMTok: 3, contextWindow: 8192 },
      { match: 'partial', inputPerMTok: 1, outputPerMTok: 1 },
    ]);
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatch(/\[2\].*inputPerMTok/);
    expect(errors[1]).toMatch(/\[3\].*invalid regex/);
    expect(errors.join('\n')).toMatch(/\[6\].*cacheReadPerMTok/);
    expect(errors.join('\n')).toMatch(/\[6\].*contextWindow/);
  });

  it('accepts an absent setting and refuses a non-array', () => {
    expect(parsePriceOverrides(undefined)).toEqual({ overrides: [], errors: [] });
    expect(parsePriceOverrides({ match: 'x' }).errors).toHaveLength(1);
  });
});

describe('names', () => {
  it('spells Bedrock, Vertex and prefixed names the ways the price data knows', () => {
    expect(modelNameCandidates('openai/gpt-4o')).toEqual(['openai/gpt-4o', 'gpt-4o']);
    expect(modelNameCandidates('claude-3-5-sonnet@20240620')).toEqual([
      'claude-3-5-sonnet@20240620',
      'claude-3-5-sonnet-20240620',
      'claude-3-5-sonnet',
    ]);
    expect(modelNameCandidates('us.anthropic.claude-3-5-sonnet-20240620-v1:0')).toEqual([
      'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'claude-3-5-sonnet-20240620-v1:0',
      'claude-3-5-sonnet-20240620',
    ]);
    expect(modelNameCandidates('arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0')).toContain(
      'claude-3-haiku-20240307',
    );
    expect(modelNameCandidates('gpt-4o-mini-2024-07-18')).toEqual(['gpt-4o-mini-2024-07-18']);
  });

  it('maps OTel provider names to price-data providers', () => {
    const map: Record<string, string | undefined> = {
      openai: 'openai',
      anthropic: 'anthropic',
      'aws.bedrock': 'aws',
      'gcp.vertex_ai': 'google',
      'gcp.gemini': 'google',
      'azure.ai.openai': 'azure',
      'az.ai.openai': 'azure',
      x_ai: 'x-ai',
      mistral_ai: 'mistral',
      groq: 'groq',
      deepseek: 'deepseek',
      MistralAI: 'mistral',
      'anthropic.messages': 'anthropic',
      'ibm.watsonx.ai': undefined,
    };
    for (const [otel, id] of Object.entries(map)) expect(toPriceProviderId(otel), otel).toBe(id);
    expect(isLocalProvider('ollama')).toBe(true);
    expect(isLocalProvider('ollama.chat')).toBe(true);
    expect(isLocalProvider('LMStudio')).toBe(true);
    expect(isLocalProvider('openai')).toBe(false);
    expect(isLocalProvider(undefined)).toBe(false);
  });

  it('records which price data is bundled (scripts/refresh-prices.mjs)', () => {
    expect(PRICE_DATA_INFO.package).toBe('@pydantic/genai-prices');
    expect(PRICE_DATA_INFO.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(PRICE_DATA_INFO.modelCount).toBeGreaterThan(500);
  });
});
