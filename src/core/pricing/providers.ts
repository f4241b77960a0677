/**
 * Provider names as instrumentations write them (`gen_ai.provider.name`, the deprecated
 * `gen_ai.system`, OpenLLMetry's capitalised values, OpenInference `llm.provider`, Vercel AI SDK
 * `ai.model.provider` such as `openai.chat`) → genai-prices provider ids.
 * Sources: docs/genai-conventions.md §1.3 (well-known values) and §2.
 */

/** OTel / instrumentation provider name (lower case) → genai-prices provider id. */
const PROVIDER_IDS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  // AWS Bedrock
  'aws.bedrock': 'aws',
  aws_bedrock: 'aws',
  'aws-bedrock': 'aws',
  'amazon-bedrock': 'aws',
  bedrock: 'aws',
  aws: 'aws',
  // Google: Gemini API and Vertex AI share the `google` price list (with Anthropic models on Vertex).
  'gcp.vertex_ai': 'google',
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  'google-vertex': 'google',
  'google.vertex': 'google',
  'google.generative-ai': 'google',
  google_genai: 'google',
  'google-genai': 'google',
  gemini: 'google',
  google: 'google',
  // Azure OpenAI and Azure AI Inference (older `az.*` values before semconv v1.35).
  'azure.ai.openai': 'azure',
  'az.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.inference': 'azure',
  azure_openai: 'azure',
  'azure-openai': 'azure',
  azure: 'azure',
  // xAI: `x_ai` (provider.name), `xai` (deprecated gen_ai.system).
  x_ai: 'x-ai',
  xai: 'x-ai',
  'x-ai': 'x-ai',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  mistral: 'mistral',
  groq: 'groq',
  deepseek: 'deepseek',
  cohere: 'cohere',
  perplexity: 'perplexity',
  moonshot_ai: 'moonshotai',
  moonshotai: 'moonshotai',
  moonshot: 'moonshotai',
  openrouter: 'openrouter',
  together_ai: 'together',
  'together-ai': 'together',
  together: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  'fireworks-ai': 'fireworks',
  cerebras: 'cerebras',
  novita: 'novita',
};

/**
 * Local runtimes: no list price exists, and a model name such as `gpt-oss:20b` or `llama3.2`
 * must not be priced as some cloud provider's model. Unpriced unless an override prices them.
 */
const LOCAL_PROVIDERS: ReadonlySet<string> = new Set([
  'ollama',
  'lmstudio',
  'lm_studio',
  'lm-studio',
  'llama.cpp',
  'llama_cpp',
  'llama-cpp',
  'llamacpp',
  'llamafile',
  'localai',
  'local',
  'vllm',
  'jan',
  'gpt4all',
  'koboldcpp',
  'mlx',
  'mlx-lm',
  'text-generation-webui',
  'oobabooga',
]);

function normalize(provider: string): string {
  return provider.trim().toLowerCase();
}

/** First dot-separated segment (`openai.chat` → `openai`, `ollama.chat` → `ollama`). */
function head(provider: string): string {
  const dot = provider.indexOf('.');
  return dot > 0 ? provider.slice(0, dot) : provider;
}

/** `true` for Ollama, LM Studio, llama.cpp, vLLM and other local runtimes. */
export function isLocalProvider(provider: string | undefined): boolean {
  if (!provider) return false;
  const p = normalize(provider);
  return LOCAL_PROVIDERS.has(p) || LOCAL_PROVIDERS.has(head(p));
}

/**
 * The genai-prices provider id for an instrumentation's provider name, or `undefined` when the
 * name is not known here (the caller then lets genai-prices match it or detect the provider
 * from the model name).
 */
export function toPriceProviderId(provider: string | undefined): string | undefined {
  if (!provider) return undefined;
  const p = normalize(provider);
  return PROVIDER_IDS[p] ?? PROVIDER_IDS[head(p)];
}
