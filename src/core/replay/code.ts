/**
 * Copy as Code: a replay request as a `curl` command and as Python and TypeScript programs using
 * the official SDKs' documented call shapes:
 * - OpenAI: `client.chat.completions.create(...)` (Python `openai`: `OpenAI(api_key=…,
 *   base_url=…)`; TypeScript `openai`: `new OpenAI({ apiKey, baseURL })`);
 * - Anthropic: `client.messages.create(...)` (Python `anthropic`: `anthropic.Anthropic(api_key=…,
 *   base_url=…)`; TypeScript `@anthropic-ai/sdk`: `new Anthropic({ apiKey, baseURL })`).
 * The body is the wire body (wire/openaiRequest.ts, wire/anthropicRequest.ts), not streamed. The
 * key is read from the environment (`OPENAI_API_KEY` / `ANTHROPIC_API_KEY`), never written into
 * the code. Escaping: the curl body is a quoted here-document (no shell expansion inside; no line
 * of pretty-printed JSON can equal its delimiter), the URL single-quoted; Python and TypeScript
 * strings are JSON string literals, which both languages read with the same meaning (Python
 * `\uXXXX`, `\n`, `\"`, `\\` escapes; UTF-8 source). Fields an SDK may not take as keyword
 * arguments go through Python's `extra_body` (Anthropic sampling parameters, which the 1.x
 * TypeScript SDK types no longer list, are spread in TypeScript with a cast). Pure.
 */
import type { ReplayProviderKind, ReplayRequest } from '../../model/replay';
import { anthropicRequestBody } from './wire/anthropicRequest';
import { openaiRequestBody } from './wire/openaiRequest';

/** The call in three languages. */
export interface ReplayCode {
  curl: string;
  python: string;
  typescript: string;
}

/** Where to send it and which model to ask (default: the request's model). */
export interface ReplayCodeOptions {
  /** API base URL; default `https://api.openai.com/v1` (openai) or `https://api.anthropic.com` (anthropic). */
  baseUrl?: string;
  model?: string;
}

export const DEFAULT_BASE_URLS: Readonly<Record<ReplayProviderKind, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** Environment variables the snippets read the key from. */
export const KEY_VARIABLES: Readonly<Record<ReplayProviderKind, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

/** The `anthropic-version` header of the Messages API. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Keyword arguments of the Python SDKs' `create` (others go through `extra_body`). */
const PYTHON_KWARGS: Readonly<Record<ReplayProviderKind, ReadonlySet<string>>> = {
  openai: new Set([
    'model', 'messages', 'tools', 'tool_choice', 'response_format', 'temperature', 'top_p', 'frequency_penalty', 'presence_penalty',
    'seed', 'user', 'logprobs', 'top_logprobs', 'parallel_tool_calls', 'reasoning_effort', 'service_tier', 'store', 'verbosity',
    'safety_identifier', 'prompt_cache_key', 'max_tokens', 'max_completion_tokens', 'stop', 'n', 'metadata', 'logit_bias',
    'prediction', 'audio', 'web_search_options', 'modalities',
  ]),
  anthropic: new Set(['model', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'stop_sequences', 'metadata', 'thinking', 'service_tier', 'output_config', 'container', 'inference_geo', 'cache_control']),
};

/** Anthropic body fields the TypeScript SDK's types do not list (sent through a cast spread). */
const TS_UNTYPED_ANTHROPIC: ReadonlySet<string> = new Set(['temperature', 'top_p', 'top_k']);

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A shell word in single quotes (`'` written as `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A here-document delimiter that no line of `body` equals. */
function heredocDelimiter(body: string): string {
  const lines = new Set(body.split('\n'));
  let d = 'TRACE_LENS_JSON';
  while (lines.has(d)) d += '_';
  return d;
}

const PY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS: ReadonlySet<string> = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

/** A JSON value as a Python literal (`None`, `True`, `False`; strings as JSON string literals), indented by 4. */
export function pythonLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${pythonLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON value as a TypeScript literal (identifier keys unquoted, strings as JSON string literals), indented by 2. */
export function typescriptLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${typescriptLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JS_IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${typescriptLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

function curlOf(kind: ReplayProviderKind, baseUrl: string, body: Record<string, unknown>): string {
  const url = kind === 'openai' ? `${baseUrl}/chat/completions` : `${baseUrl}/v1/messages`;
  const json = JSON.stringify(body, null, 2);
  const delimiter = heredocDelimiter(json);
  const headers =
    kind === 'openai'
      ? [`-H "Authorization: Bearer $${KEY_VARIABLES.openai}"`]
      : [`-H "x-api-key: $${KEY_VARIABLES.anthropic}"`, `-H ${shellQuote(`anthropic-version: ${ANTHROPIC_VERSION}`)}`];
  return [`curl ${shellQuote(url)} \\`, `  -H 'Content-Type: application/json' \\`, ...headers.map((h) => `  ${h} \\`), `  --data-binary @- <<'${delimiter}'`, json, delimiter, ''].join('\n');
}

function pythonOf(kind: ReplayProviderKind, baseUrl: string | undefined, body: Record<string, unknown>): string {
  const kwargs: string[] = [];
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (PYTHON_KWARGS[kind].has(k) && PY_IDENTIFIER.test(k) && !PY_KEYWORDS.has(k)) kwargs.push(`    ${k}=${pythonLiteral(v, '    ')},`);
    else extra[k] = v;
  }
  if (Object.keys(extra).length) kwargs.push(`    extra_body=${pythonLiteral(extra, '    ')},`);
  const base = baseUrl !== undefined ? `, base_url=${JSON.stringify(baseUrl)}` : '';
  if (kind === 'openai') {
    return [
      'import os',
      '',
      'from openai import OpenAI',
      '',
      `client = OpenAI(api_key=os.environ[${JSON.stringify(KEY_VARIABLES.openai)}]${base})`,
      '',
      'completion = client.chat.completions.create(',
      ...kwargs,
      ')',
      'print(completion.choices[0].message)',
      '',
    ].join('\n');
  }
  return [
    'import os',
    '',
    'import anthropic',
    '',
    `client = anthropic.Anthropic(api_key=os.environ[${JSON.stringify(KEY_VARIABLES.anthropic)}]${base})`,
    '',
    'message = client.messages.create(',
    ...kwargs,
    ')',
    'print(message.content)',
    '',
  ].join('\n');
}

function typescriptOf(kind: ReplayProviderKind, baseUrl: string | undefined, body: Record<string, unknown>): string {
  const base = baseUrl !== undefined ? `, baseURL: ${JSON.stringify(baseUrl)}` : '';
  if (kind === 'openai') {
    return [
      "import OpenAI from 'openai';",
      '',
      `const client = new OpenAI({ apiKey: process.env.${KEY_VARIABLES.openai}${base} });`,
      '',
      `const completion = await client.chat.completions.create(${typescriptLiteral(body)});`,
      'console.log(completion.choices[0]?.message);',
      '',
    ].join('\n');
  }
  const typed: Record<string, unknown> = {};
  const untyped: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) (TS_UNTYPED_ANTHROPIC.has(k) ? untyped : typed)[k] = v;
  let literal = typescriptLiteral(typed);
  if (Object.keys(untyped).length) {
    const spread = `  // Sampling parameters as recorded: not in the SDK 1.x types, sent as they are.\n  ...(${typescriptLiteral(untyped, '  ')} as object),\n}`;
    literal = `${literal.slice(0, -1)}${spread}`;
  }
  return [
    "import Anthropic from '@anthropic-ai/sdk';",
    '',
    `const client = new Anthropic({ apiKey: process.env.${KEY_VARIABLES.anthropic}${base} });`,
    '',
    `const message = await client.messages.create(${literal});`,
    'console.log(message.content);',
    '',
  ].join('\n');
}

/**
 * The request as `curl`, Python and TypeScript for a provider of `kind` at `baseUrl` (omitted
 * from the SDK snippets when it is the default), asking `model` (default: the request's).
 */
export function replayCode(request: ReplayRequest, kind: ReplayProviderKind, options: ReplayCodeOptions = {}): ReplayCode {
  const wireOptions = { stream: false, ...(options.model !== undefined ? { model: options.model } : {}) };
  const body: Record<string, unknown> = kind === 'openai' ? { ...openaiRequestBody(request, wireOptions).body } : { ...anthropicRequestBody(request, wireOptions).body };
  const baseUrl = trimSlash(options.baseUrl?.trim() || DEFAULT_BASE_URLS[kind]);
  const sdkBase = baseUrl === DEFAULT_BASE_URLS[kind] ? undefined : baseUrl;
  return { curl: curlOf(kind, baseUrl, body), python: pythonOf(kind, sdkBase, body), typescript: typescriptOf(kind, sdkBase, body) };
}
