/**
 * What a run offered its model: tool definitions (`GenAiSpanView.toolDefinitions`) and request
 * parameters, read in a convention-independent form so two runs from different instrumentations
 * compare:
 * - OTel GenAI `gen_ai.request.*` (temperature, top_p, top_k, max_tokens, frequency_penalty,
 *   presence_penalty, seed, stop_sequences, choice.count; `gen_ai.request.model` → `model`),
 *   also written by OpenLLMetry/Traceloop;
 * - OpenInference `llm.invocation_parameters` (a JSON object: its keys as they are, `model`
 *   included);
 * - Vercel AI SDK `ai.settings.*` (camelCase turned to snake_case: `maxTokens` → `max_tokens`).
 * Tool definitions are reduced to name, description and parameter schema (OpenAI's
 * `{type:'function', function:{…}}`, Anthropic's `input_schema`, MCP's `inputSchema`). Pure.
 */
import type { ParameterChange, ToolDefinitionChange } from '../../model/compare';
import type { GenAiSpanView } from '../../model/genai';
import type { Attributes } from '../../model/trace';
import { canonicalText, diffTexts } from './textDiff';

/** The settings of one model call: parameter name → value text, tool name → canonical definition. */
export interface CallSettings {
  parameters: Map<string, string>;
  tools: Map<string, string>;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function valueText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A tool definition's name and canonical text (name, description, parameter schema); `undefined` without a name. */
export function toolDefinitionOf(def: unknown): { name: string; text: string } | undefined {
  const d = record(typeof def === 'string' ? safeParse(def) : def);
  if (!d) return undefined;
  const f = record(d.function) ?? record(d.toolSpec) ?? d;
  const name = typeof f.name === 'string' ? f.name : undefined;
  if (!name) return undefined;
  const canonical: Record<string, unknown> = { name };
  if (typeof f.description === 'string') canonical.description = f.description;
  const schema = f.parameters ?? f.input_schema ?? f.inputSchema ?? record(f.inputSchema)?.json;
  if (schema !== undefined) canonical.parameters = typeof schema === 'string' ? safeParse(schema) ?? schema : schema;
  return { name, text: canonicalText(canonical) ?? name };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The settings of one model call span: its attributes and its normalized view. */
export function callSettings(attributes: Attributes, view: GenAiSpanView | null): CallSettings {
  const parameters = new Map<string, string>();
  const set = (name: string, v: unknown): void => {
    const t = valueText(v);
    if (t !== undefined && !parameters.has(name)) parameters.set(name, t);
  };
  for (const [key, v] of Object.entries(attributes)) {
    if (key.startsWith('gen_ai.request.')) set(key.slice('gen_ai.request.'.length), v);
    else if (key.startsWith('ai.settings.')) set(snake(key.slice('ai.settings.'.length)), v);
  }
  const invocation = attributes['llm.invocation_parameters'];
  const parsed = record(typeof invocation === 'string' ? safeParse(invocation) : undefined);
  for (const [k, v] of Object.entries(parsed ?? {})) {
    // Messages and tools are compared as steps and tool definitions, not as parameters.
    if (k !== 'messages' && k !== 'tools' && k !== 'functions' && k !== 'stream_options') set(k, v);
  }
  if (!parameters.has('model') && view?.requestModel) parameters.set('model', view.requestModel);
  const tools = new Map<string, string>();
  for (const def of view?.toolDefinitions ?? []) {
    const t = toolDefinitionOf(def);
    if (t && !tools.has(t.name)) tools.set(t.name, t.text);
  }
  return { parameters, tools };
}

/** The settings of a run: each parameter's distinct values (in first-seen order) and each tool's first definition. */
export interface RunSettings {
  parameters: Map<string, string[]>;
  tools: Map<string, string>;
}

/** Merges the settings of a run's model calls (in start order). */
export function runSettings(calls: readonly CallSettings[]): RunSettings {
  const parameters = new Map<string, string[]>();
  const tools = new Map<string, string>();
  for (const c of calls) {
    for (const [k, v] of c.parameters) {
      const list = parameters.get(k) ?? [];
      if (!list.includes(v)) list.push(v);
      parameters.set(k, list);
    }
    for (const [k, v] of c.tools) if (!tools.has(k)) tools.set(k, v);
  }
  return { parameters, tools };
}

/** Parameters whose values differ (sorted by name). */
export function parameterChanges(left: RunSettings, right: RunSettings): ParameterChange[] {
  const names = [...new Set([...left.parameters.keys(), ...right.parameters.keys()])].sort();
  const out: ParameterChange[] = [];
  for (const name of names) {
    const l = left.parameters.get(name)?.join(', ');
    const r = right.parameters.get(name)?.join(', ');
    if (l === r) continue;
    const change: ParameterChange = { name };
    if (l !== undefined) change.left = l;
    if (r !== undefined) change.right = r;
    out.push(change);
  }
  return out;
}

/** Tool definitions added, removed or changed (sorted by name), each with its text diff. */
export function toolDefinitionChanges(left: RunSettings, right: RunSettings): ToolDefinitionChange[] {
  const names = [...new Set([...left.tools.keys(), ...right.tools.keys()])].sort();
  const out: ToolDefinitionChange[] = [];
  for (const name of names) {
    const l = left.tools.get(name);
    const r = right.tools.get(name);
    if (l === r) continue;
    out.push({ name, change: l === undefined ? 'added' : r === undefined ? 'removed' : 'changed', diff: diffTexts('definition', l, r) });
  }
  return out;
}
