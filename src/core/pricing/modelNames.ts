/**
 * Spellings of one model name to try against the price data, most specific first. The price data
 * itself handles dated snapshots (`gpt-4o-mini-2024-07-18`, `-20240620` → `-2024-06-20`) and
 * Bedrock ids under the `aws` provider; this adds the spellings it does not know:
 *
 * - provider/path prefixes: `openai/gpt-4o`, `models/gemini-2.5-pro`,
 *   `accounts/fireworks/models/…`, Bedrock ARNs `arn:aws:bedrock:…:inference-profile/us.anthropic.…`;
 * - Vertex AI `@version`: `claude-3-5-sonnet@20240620` → `claude-3-5-sonnet-20240620`, `claude-3-5-sonnet`;
 * - Bedrock ids outside the `aws` provider: `us.anthropic.claude-3-5-sonnet-20240620-v1:0`
 *   → `anthropic.claude-…-v1:0` → `claude-3-5-sonnet-20240620-v1:0` → `claude-3-5-sonnet-20240620`.
 *
 * Dates are never stripped: a dated snapshot can have its own price (`gpt-4o-2024-05-13` costs
 * twice `gpt-4o`), so an unknown snapshot stays unknown rather than guessed.
 * Azure deployment names (`my-gpt4o-prod`) cannot be recognised; the response model usually
 * carries the real name, otherwise the user adds an override.
 */

/** Bedrock cross-region inference profile prefixes. */
const BEDROCK_REGION = /^(?:us|eu|apac|ap|jp|au|ca|us-gov|global)\./;
/** Bedrock model-vendor prefixes. */
const BEDROCK_VENDOR =
  /^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen|writer|twelvelabs|moonshot|moonshotai|google|minimax|nvidia)\./;
/** Bedrock version suffix: `-v1:0`, `-v2:0`, `-v1`. */
const BEDROCK_VERSION = /-v\d+(?::\d+)?$/;

export function modelNameCandidates(name: string): string[] {
  const out: string[] = [];
  const add = (n: string): void => {
    const t = n.trim();
    if (t && !out.includes(t)) out.push(t);
  };
  const raw = name.trim();
  add(raw);

  // Path-like prefixes: keep the last segment.
  const slash = raw.lastIndexOf('/');
  const last = slash >= 0 ? raw.slice(slash + 1) : raw;
  add(last);

  // Vertex `model@version`.
  const at = last.indexOf('@');
  if (at > 0) {
    add(`${last.slice(0, at)}-${last.slice(at + 1)}`);
    add(last.slice(0, at));
  }

  // Bedrock region / vendor / version parts.
  let bedrock = last;
  if (BEDROCK_REGION.test(bedrock)) {
    bedrock = bedrock.replace(BEDROCK_REGION, '');
    add(bedrock);
  }
  if (BEDROCK_VENDOR.test(bedrock)) {
    bedrock = bedrock.replace(BEDROCK_VENDOR, '');
    add(bedrock);
    if (BEDROCK_VERSION.test(bedrock)) add(bedrock.replace(BEDROCK_VERSION, ''));
  }
  return out;
}
