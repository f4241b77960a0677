/**
 * What a run offered its model: tool definitions (`GenAiSpanView.toolDefinitions`) and request
 * parameters, read in a convention-independent form so two runs from different instrumentations
 * compare: parameters under OTel GenAI `gen_ai.request.*` names from OTel GenAI, OpenLLMetry,
 * OpenInference `llm.invocation_parameters`, Vercel `ai.settings.*`, Langfuse and recorded request
 * bodies (src/core/genai/requestSettings.ts, shared with the replay), plus `model`. Tool
 * definitions are reduced to name, description and parameter schema (`toolSpecOf`: OpenAI's
 * `{type:'function', function:{…}}`, Anthropic's `input_schema`, MCP's `inputSchema`). Pure.
 */
import type { ParameterChange, ToolDefinitionChange } from '../../model/compare';
import type { GenAiSpanView } from '../../model/genai';
import type { Attributes } from '../../model/trace';
import { readRequestSettings, toolSpecOf } from '../genai/requestSettings';
import { canonicalText, diffTexts } from './textDiff';

/** The settings of one model call: parameter name → value text, tool name → canonical definition. */
export interface CallSettings {
  parameters: Map<string, string>;
  tools: Map<string, string>;
}

function valueText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A tool definition's name and canonical text (name, description, parameter schema); `undefined` without a name. */
export function toolDefinitionOf(def: unknown): { name: string; text: string } | undefined {
  const spec = toolSpecOf(def);
  if (!spec) return undefined;
  const canonical: Record<string, unknown> = { name: spec.name };
  if (spec.description !== undefined) canonical.description = spec.description;
  if (spec.parameters !== undefined) canonical.parameters = spec.parameters;
  return { name: spec.name, text: canonicalText(canonical) ?? spec.name };
}

/**
 * The settings of one model call span: its attributes and its normalized view. Parameters as
 * src/core/genai/requestSettings.ts reads them (canonical names), plus the model, the response
 * format and the tool choice; tools from the view's definitions (else a recorded request body).
 */
export function callSettings(attributes: Attributes, view: GenAiSpanView | null): CallSettings {
  const parameters = new Map<string, string>();
  const set = (name: string, v: unknown): void => {
    const t = valueText(v);
    if (t !== undefined && !parameters.has(name)) parameters.set(name, t);
  };
  const recorded = readRequestSettings(attributes);
  set('model', attributes['gen_ai.request.model'] ?? recorded.model ?? view?.requestModel);
  for (const [k, v] of Object.entries(recorded.parameters)) set(k, v);
  for (const [k, v] of Object.entries(recorded.objectParameters)) set(k, v);
  set('response_format', recorded.responseFormat);
  set('tool_choice', recorded.toolChoice);
  const tools = new Map<string, string>();
  for (const def of view?.toolDefinitions ?? recorded.tools ?? []) {
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
