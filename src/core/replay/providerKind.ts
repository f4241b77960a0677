/**
 * Which wire format replays a recorded call: the recorded provider name (`gen_ai.provider.name`
 * / `gen_ai.system` / `llm.provider` / `ai.model.provider`, docs/genai-conventions.md §0
 * "Provider"; well-known values §1.3, OpenLLMetry's capitalised ≤0.4 values §2.2) → `anthropic`
 * (Anthropic Messages) or `openai` (OpenAI Chat Completions, also served by Azure OpenAI, Groq,
 * DeepSeek, xAI, Mistral, Together, Fireworks, OpenRouter, Ollama, LM Studio, vLLM, …).
 * Providers with their own API (Bedrock, Vertex AI, Gemini, Cohere, watsonx, Azure AI Inference)
 * are replayed as `openai` (or `anthropic` for a Claude model) with a note. Pure.
 */
import type { ReplayProviderKind } from '../../model/replay';

/** Provider names (lower case) whose API is OpenAI Chat Completions or compatible with it. */
const OPENAI_COMPATIBLE: ReadonlySet<string> = new Set([
  'openai', 'azure.ai.openai', 'az.ai.openai', 'azure', 'azure-openai', 'azure_openai', 'azureopenai', 'groq', 'deepseek',
  'x_ai', 'xai', 'mistral_ai', 'mistralai', 'mistral', 'perplexity', 'together', 'togetherai', 'together_ai', 'fireworks',
  'fireworks_ai', 'openrouter', 'ollama', 'lmstudio', 'lm_studio', 'vllm', 'deepinfra', 'moonshot_ai', 'moonshot', 'cerebras',
  'litellm', 'openai-compatible', 'openai_compatible', 'nvidia', 'sambanova', 'hyperbolic',
]);

/** Provider names (lower case) with an API of their own (neither Chat Completions nor Anthropic Messages). */
const OWN_API: Readonly<Record<string, string>> = {
  'aws.bedrock': 'AWS Bedrock', aws: 'AWS Bedrock', bedrock: 'AWS Bedrock', 'amazon-bedrock': 'AWS Bedrock', amazon_bedrock: 'AWS Bedrock',
  'gcp.vertex_ai': 'Google Vertex AI', vertexai: 'Google Vertex AI', vertex_ai: 'Google Vertex AI', 'google-vertex': 'Google Vertex AI',
  'gcp.gemini': 'Google Gemini', 'gcp.gen_ai': 'Google Gen AI', google: 'Google', gemini: 'Google Gemini', 'google-generative-ai': 'Google Gemini',
  cohere: 'Cohere', 'ibm.watsonx.ai': 'IBM watsonx.ai', watsonx: 'IBM watsonx.ai', 'azure.ai.inference': 'Azure AI Inference',
  'az.ai.inference': 'Azure AI Inference', huggingface: 'Hugging Face', replicate: 'Replicate', alephalpha: 'Aleph Alpha',
};

/** `true` for a Claude model name (`claude-…`, Bedrock `anthropic.claude-…`, Vertex `claude-…@date`). */
export function isClaudeModel(model: string | undefined): boolean {
  return model !== undefined && /(^|[./:])claude/i.test(model);
}

/**
 * The wire kind for a recorded provider (any case) and model, and a note when the replay cannot
 * use the recorded provider's own API or the provider was not recorded.
 */
export function replayKindOf(provider: string | undefined, model: string | undefined): { kind: ReplayProviderKind; note?: string } {
  const p = provider?.trim().toLowerCase();
  if (p === 'anthropic' || p === 'claude') return { kind: 'anthropic' };
  if (p !== undefined && p !== '' && OPENAI_COMPATIBLE.has(p)) return { kind: 'openai' };
  const claude = isClaudeModel(model);
  const own = p ? OWN_API[p] : undefined;
  if (own) {
    return claude
      ? { kind: 'anthropic', note: `Recorded on ${own} (provider ${provider}): replayed with the Anthropic Messages API; the model id may need the Anthropic name.` }
      : { kind: 'openai', note: `Recorded on ${own} (provider ${provider}), whose API is not OpenAI Chat Completions: replay through an OpenAI-compatible gateway for it, or choose another provider and model.` };
  }
  if (!p) {
    return claude
      ? { kind: 'anthropic', note: 'The provider was not recorded: Anthropic assumed from the Claude model name.' }
      : { kind: 'openai', note: 'The provider was not recorded: an OpenAI-compatible API is assumed.' };
  }
  return claude
    ? { kind: 'anthropic', note: `Unknown provider ${provider}: Anthropic assumed from the Claude model name.` }
    : { kind: 'openai', note: `Unknown provider ${provider}: an OpenAI-compatible API is assumed.` };
}
