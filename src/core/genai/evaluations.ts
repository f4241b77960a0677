/**
 * `gen_ai.evaluation.result` events → `GenAiEvaluation` (OTel docs/gen-ai/gen-ai-events.md, event
 * `gen_ai.evaluation.result`, Development, since v1.38): `gen_ai.evaluation.name` (required),
 * `gen_ai.evaluation.score.value` (double), `gen_ai.evaluation.score.label`,
 * `gen_ai.evaluation.explanation`, `gen_ai.response.id`, `error.type`. The event "SHOULD be
 * parented to GenAI operation span being evaluated when possible or set `gen_ai.response.id` when
 * span id is not available". Read from span events and correlated log records alike (attributes,
 * or a map body when the attributes do not have them).
 *
 * Langfuse scores are not read: the Langfuse SDKs send them through Langfuse's ingestion API
 * (`score-create` events: langfuse-python `ScoreIngestionConsumer`, langfuse-js `ScoreManager`),
 * never as span attributes, so they never reach an OTLP receiver.
 * Pure; never throws.
 */
import type { GenAiEvaluation } from '../../model/genai';
import { EVALUATION_EVENT, type GenAiEvent } from './events';
import { isRecord, num, str } from './values';

/** The event's fields: its attributes, over a map body's fields. */
export function eventFields(e: GenAiEvent): Record<string, unknown> {
  return isRecord(e.body) ? { ...e.body, ...e.attributes } : e.attributes;
}

/** Evaluations among a span's events, in time order; `undefined` when there are none. */
export function readEvaluations(events: readonly GenAiEvent[]): GenAiEvaluation[] | undefined {
  if (!events.some((x) => x.name === EVALUATION_EVENT)) return undefined;
  const out: GenAiEvaluation[] = [];
  for (const ev of inEventOrder(events.filter((x) => x.name === EVALUATION_EVENT))) {
    const f = eventFields(ev);
    const e: GenAiEvaluation = { name: str(f['gen_ai.evaluation.name']) ?? '', source: ev.source };
    const score = num(f['gen_ai.evaluation.score.value']);
    if (score !== undefined) e.scoreValue = score;
    const label = str(f['gen_ai.evaluation.score.label']);
    if (label !== undefined) e.scoreLabel = label;
    const explanation = str(f['gen_ai.evaluation.explanation']);
    if (explanation !== undefined) e.explanation = explanation;
    const responseId = str(f['gen_ai.response.id']);
    if (responseId !== undefined) e.responseId = responseId;
    const errorType = str(f['error.type']);
    if (errorType !== undefined) e.errorType = errorType;
    if (ev.timeUnixNano && ev.timeUnixNano !== '0') e.timeUnixNano = ev.timeUnixNano;
    out.push(e);
  }
  return out.length ? out : undefined;
}

/** Events sorted by time (stable; events without a time keep their place at the start). */
export function inEventOrder(events: readonly GenAiEvent[]): GenAiEvent[] {
  const t = (e: GenAiEvent) => (/^\d+$/.test(e.timeUnixNano) ? BigInt(e.timeUnixNano) : 0n);
  return events
    .map((e, i) => ({ e, i, t: t(e) }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i))
    .map((x) => x.e);
}
