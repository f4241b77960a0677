/**
 * Evaluations (`gen_ai.evaluation.result`, semantic-conventions-genai docs/gen-ai/gen-ai-events.md
 * §Event gen_ai.evaluation.result) and guardrails (docs/gen-ai/gen-ai-guardrails.md §Examples:
 * Amazon Bedrock Guardrails, Azure AI Content Safety, OpenAI Agents), with the attribute values
 * the spec gives as examples.
 */
import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { genaiBadge } from '../../../src/core/genai/badge';
import { buildConversation } from '../../../src/core/genai/conversation';
import type { ConversationItem } from '../../../src/model/genai';
import type { SpanRecord } from '../../../src/model/trace';
import { logRecord, nanos, spanEvent, spanId, spanRecord, traceId } from '../../support/builders';
import { normalizeAll } from '../../support/genai';

const T = traceId(31);
const mk = (name: string, attributes: SpanRecord['attributes'], extra: Partial<SpanRecord> = {}) => spanRecord({ traceId: T, spanId: spanId(), name, attributes, ...extra });
const chatAttrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4', 'gen_ai.response.id': 'chatcmpl-123' };
/** The example values of the event's attribute table. */
const EVAL = {
  'gen_ai.evaluation.name': 'Relevance',
  'gen_ai.evaluation.score.value': 4.0,
  'gen_ai.evaluation.score.label': 'relevant',
  'gen_ai.evaluation.explanation': 'The response is factually accurate but lacks sufficient detail to fully address the question.',
};

describe('gen_ai.evaluation.result', () => {
  it('from a span event on the evaluated call', () => {
    const chat = mk('chat gpt-4', chatAttrs, { events: [spanEvent({ name: 'gen_ai.evaluation.result', timeUnixNano: nanos(5), attributes: { ...EVAL, 'gen_ai.response.id': 'chatcmpl-123' } })] });
    expect(normalizeSpan(chat)!.evaluations).toEqual([
      {
        name: 'Relevance',
        scoreValue: 4,
        scoreLabel: 'relevant',
        explanation: 'The response is factually accurate but lacks sufficient detail to fully address the question.',
        responseId: 'chatcmpl-123',
        source: 'span-event',
        timeUnixNano: nanos(5),
      },
    ]);
  });

  it('from a correlated log record (event_name), in time order, with error.type', () => {
    const chat = mk('chat gpt-4', chatAttrs);
    const logs = [
      logRecord({ traceId: T, spanId: chat.spanId, eventName: 'gen_ai.evaluation.result', timeUnixNano: nanos(9), body: null, attributes: { 'gen_ai.evaluation.name': 'IntentResolution', 'error.type': 'timeout' } }),
      logRecord({ traceId: T, spanId: chat.spanId, eventName: 'gen_ai.evaluation.result', timeUnixNano: nanos(7), body: null, attributes: { 'gen_ai.evaluation.name': 'Correctness', 'gen_ai.evaluation.score.label': 'pass', 'gen_ai.evaluation.score.value': '1' } }),
    ];
    const view = normalizeSpan(chat, logs)!;
    expect(view.evaluations).toEqual([
      { name: 'Correctness', scoreLabel: 'pass', scoreValue: 1, source: 'log-record', timeUnixNano: nanos(7) },
      { name: 'IntentResolution', errorType: 'timeout', source: 'log-record', timeUnixNano: nanos(9) },
    ]);
    // Evaluation events are not message events: the call's content is still missing.
    expect(view.contentMissing).toBe(true);
  });

  it('a log record carried by another span moves to the call whose gen_ai.response.id it names', () => {
    const chat = mk('chat gpt-4', chatAttrs, { startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(10) });
    const judge = mk('evaluate relevance', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'judge-model' }, { startTimeUnixNano: nanos(20), endTimeUnixNano: nanos(30) });
    const log = logRecord({ traceId: T, spanId: judge.spanId, eventName: 'gen_ai.evaluation.result', timeUnixNano: nanos(29), attributes: { ...EVAL, 'gen_ai.response.id': 'chatcmpl-123' } });
    const conv = buildConversation(T, normalizeAll([chat, judge], [log]));
    const calls = conv.items.filter((i): i is Extract<ConversationItem, { type: 'modelCall' }> => i.type === 'modelCall');
    expect(calls.map((c) => [c.spanId, c.evaluations?.map((e) => [e.name, e.fromSpanId])])).toEqual([
      [chat.spanId, [['Relevance', judge.spanId]]],
      [judge.spanId, undefined],
    ]);
  });

  it('a span with only evaluation events (no GenAI attributes) is a view for the details, not a conversation item', () => {
    const plain = mk('score answer', { 'http.route': '/x' }, { events: [spanEvent({ name: 'gen_ai.evaluation.result', attributes: EVAL })] });
    const view = normalizeSpan(plain)!;
    expect(view.kind).toBe('other');
    expect(view.evaluations?.[0]?.name).toBe('Relevance');
    expect(genaiBadge(plain)).toBeUndefined();
  });
});

describe('guardrails', () => {
  it('Amazon Bedrock Guardrails: the apply_guardrail client span (guardrails.md §Examples)', () => {
    const span = mk(
      'apply_guardrail Amazon Bedrock Guardrails',
      {
        'gen_ai.operation.name': 'apply_guardrail',
        'gen_ai.provider.name': 'aws.bedrock',
        'gen_ai.guardrail.component.name': 'Amazon Bedrock Guardrails',
        'gen_ai.guardrail.policy.id': 'gr-abc123',
        'gen_ai.guardrail.policy.version': '1',
        'gen_ai.guardrail.source': 'INPUT',
        'gen_ai.guardrail.result.type': 'action',
        'gen_ai.guardrail.result.value': 'GUARDRAIL_INTERVENED',
        'gen_ai.guardrail.result.reason': 'Guardrail policy blocked the requested topic',
      },
      { kind: 'client' },
    );
    expect(genaiBadge(span)?.kind).toBe('guardrail');
    const view = normalizeSpan(span)!;
    expect(view.kind).toBe('guardrail');
    expect(view.guardrail).toEqual({
      componentName: 'Amazon Bedrock Guardrails',
      policyId: 'gr-abc123',
      policyVersion: '1',
      source: 'INPUT',
      resultType: 'action',
      resultValue: 'GUARDRAIL_INTERVENED',
      reason: 'Guardrail policy blocked the requested topic',
      provider: 'aws.bedrock',
      results: [],
    });
    const items = buildConversation(T, normalizeAll([span])).items;
    expect(items).toEqual([{ type: 'guardrail', spanId: span.spanId, startOffsetMs: 0, durationMs: 1, name: 'apply_guardrail Amazon Bedrock Guardrails', guardrail: view.guardrail }]);
  });

  it('Azure AI Content Safety: one gen_ai.guardrail.result event per category, scores kept as reported', () => {
    const ev = (category: string, severity: number, at: number) =>
      spanEvent({
        name: 'gen_ai.guardrail.result',
        timeUnixNano: nanos(at),
        attributes: {
          'gen_ai.guardrail.component.name': 'Azure AI Content Safety',
          'gen_ai.provider.name': 'azure.ai.content_safety',
          'gen_ai.guardrail.result.type': 'severity',
          'gen_ai.guardrail.result.value': String(severity),
          'gen_ai.guardrail.risk.category': category,
          'gen_ai.guardrail.risk.score': severity,
        },
      });
    const span = mk('apply_guardrail Azure AI Content Safety', { 'gen_ai.operation.name': 'apply_guardrail', 'gen_ai.provider.name': 'azure.ai.content_safety' }, { events: [ev('Violence', 6, 2), ev('HATE', 0, 1)] });
    const g = normalizeSpan(span)!.guardrail!;
    expect(g.results.map((r) => [r.riskCategory, r.riskScore, r.resultValue])).toEqual([
      ['HATE', 0, '0'],
      ['Violence', 6, '6'],
    ]);
    // No gen_ai.guardrail.* attribute on the span itself: no span-level fields, not even the provider.
    expect(Object.keys(g)).toEqual(['results']);
  });

  it('OpenAI Agents: result events without a guardrail span add a guardrail item after the agent', () => {
    const agent = mk('invoke_agent triage', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage' }, {
      events: [
        spanEvent({
          name: 'gen_ai.guardrail.result',
          attributes: { 'gen_ai.guardrail.component.name': 'math_homework_guardrail', 'gen_ai.guardrail.source': 'input', 'gen_ai.guardrail.result.type': 'tripwire_triggered', 'gen_ai.guardrail.result.value': 'true' },
        }),
      ],
    });
    const items = buildConversation(T, normalizeAll([agent])).items;
    expect(items.map((i) => i.type)).toEqual(['agent', 'guardrail']);
    const g = items[1] as Extract<ConversationItem, { type: 'guardrail' }>;
    expect(g.guardrail.results).toEqual([{ componentName: 'math_homework_guardrail', source: 'input', resultType: 'tripwire_triggered', resultValue: 'true' }]);
  });
});
