/**
 * Guardrails → `GenAiGuardrail` (OTel docs/gen-ai/gen-ai-guardrails.md, Development,
 * semantic-conventions-genai @f5e3733b): the `apply_guardrail` client span
 * (`gen_ai.operation.name` = `apply_guardrail`, name `apply_guardrail {component}`) with
 * `gen_ai.guardrail.{component.name, policy.id, policy.version, source, result.type,
 * result.value, result.reason}`, and `gen_ai.guardrail.result` events (on that span or on any other,
 * e.g. OpenAI Agents emits them without a guardrail span) that add `gen_ai.guardrail.risk.category`,
 * `.risk.score`, `.policy.rule.id` and the opt-in `.content.input.value` / `.content.output.value`.
 * Values stay provider-native: no allow/deny verdict is derived (the convention forbids it).
 * Pure; never throws.
 */
import type { Attributes } from '../../model/trace';
import type { GenAiGuardrail, GenAiGuardrailResult } from '../../model/genai';
import { GUARDRAIL_EVENT, type GenAiEvent } from './events';
import { eventFields, inEventOrder } from './evaluations';
import { json, num, str } from './values';

const STRING_FIELDS: readonly [keyof GenAiGuardrailResult, string][] = [
  ['componentName', 'gen_ai.guardrail.component.name'],
  ['policyId', 'gen_ai.guardrail.policy.id'],
  ['policyVersion', 'gen_ai.guardrail.policy.version'],
  ['ruleId', 'gen_ai.guardrail.policy.rule.id'],
  ['source', 'gen_ai.guardrail.source'],
  ['resultType', 'gen_ai.guardrail.result.type'],
  ['resultValue', 'gen_ai.guardrail.result.value'],
  ['reason', 'gen_ai.guardrail.result.reason'],
  ['riskCategory', 'gen_ai.guardrail.risk.category'],
  ['provider', 'gen_ai.provider.name'],
  ['errorType', 'error.type'],
];

const CONTENT_FIELDS: readonly (readonly ['inputContent' | 'outputContent', string])[] = [
  ['inputContent', 'gen_ai.guardrail.content.input.value'],
  ['outputContent', 'gen_ai.guardrail.content.output.value'],
];

/** Span attributes that make a span carry a guardrail result (checked first: every span is read). */
const SPAN_GUARDRAIL_KEYS = ['gen_ai.guardrail.component.name', 'gen_ai.guardrail.policy.id', 'gen_ai.guardrail.result.type', 'gen_ai.guardrail.result.value', 'gen_ai.guardrail.result.reason'] as const;

/** One result from attributes (span or event); `undefined` when no `gen_ai.guardrail.*` key is set. */
function readResult(f: Readonly<Record<string, unknown>>): GenAiGuardrailResult | undefined {
  const r: GenAiGuardrailResult = {};
  let any = false;
  for (const [field, key] of STRING_FIELDS) {
    const v = str(f[key]);
    if (v === undefined) continue;
    (r as Record<string, unknown>)[field] = v;
    if (key.startsWith('gen_ai.guardrail.')) any = true;
  }
  const score = num(f['gen_ai.guardrail.risk.score']);
  if (score !== undefined) {
    r.riskScore = score;
    any = true;
  }
  for (const [field, key] of CONTENT_FIELDS) {
    const v = f[key];
    if (v === undefined || v === null || v === '') continue;
    r[field] = typeof v === 'string' && /^\s*[[{]/.test(v) ? (json(v, key) ?? v) : v;
    any = true;
  }
  return any ? r : undefined;
}

/**
 * The guardrail of a span: its own `gen_ai.guardrail.*` attributes (an `apply_guardrail` span) and
 * its `gen_ai.guardrail.result` events in time order. `undefined` when there is neither, unless
 * `isGuardrailSpan` (then an empty guardrail, so the span still shows as one).
 */
export function readGuardrail(a: Attributes, events: readonly GenAiEvent[], isGuardrailSpan: boolean): GenAiGuardrail | undefined {
  const hasEvents = events.some((e) => e.name === GUARDRAIL_EVENT);
  if (!isGuardrailSpan && !hasEvents && !SPAN_GUARDRAIL_KEYS.some((k) => a[k] !== undefined)) return undefined;
  const own = readResult(a);
  const results = hasEvents ? inEventOrder(events.filter((e) => e.name === GUARDRAIL_EVENT)).map((e) => readResult(eventFields(e)) ?? {}) : [];
  if (!own && results.length === 0 && !isGuardrailSpan) return undefined;
  return { ...(own ?? {}), results };
}
