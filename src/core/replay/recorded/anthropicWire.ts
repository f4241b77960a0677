/**
 * Anthropic Messages answers built from a recorded call, as the official `@anthropic-ai/sdk`
 * parses them (https://docs.anthropic.com/en/api/messages and
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 * - `message`: `{id, type:'message', role:'assistant', model, content: [{type:'text', text,
 *   citations: null} | {type:'tool_use', id, name, input (object)}], stop_reason (`end_turn`,
 *   `max_tokens`, `stop_sequence`, `tool_use`, `refusal`, `pause_turn`), stop_sequence: null,
 *   usage {input_tokens (the uncached part), output_tokens, cache_creation_input_tokens,
 *   cache_read_input_tokens}}`;
 * - streaming: SSE events `message_start` (the message with empty content, `stop_reason: null`),
 *   `ping`, per content block `content_block_start` / `content_block_delta` (`text_delta` pieces, or
 *   `input_json_delta` pieces of the tool input's JSON) / `content_block_stop`, then
 *   `message_delta` (`stop_reason`, cumulative `usage`) and `message_stop`;
 * - errors: `{type:'error', error:{type, message}}`.
 * All output messages of the recording are one Anthropic message (its content blocks in order).
 * Pure.
 */
import type { RecordedCall } from '../../../model/replay';
import { answerModel, answerOf, anthropicStopReason, pieces, usageOf, type AnswerUsage, type FinishKind } from './answer';

/** One server-sent event: `event: <name>` + `data: <JSON>`. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The id of an answer: the recorded `gen_ai.response.id`, else a stable one from the call index. */
export function anthropicResponseId(call: RecordedCall): string {
  return call.responseId ?? `msg_tracelens_${call.index}`;
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; inputJson: string };

function blocksOf(call: RecordedCall): { blocks: Block[]; finish: FinishKind } {
  const answers = answerOf(call, 'toolu');
  const blocks: Block[] = [];
  for (const a of answers) {
    if (a.text !== '') blocks.push({ type: 'text', text: a.text });
    for (const c of a.toolCalls) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input, inputJson: JSON.stringify(c.input) });
  }
  // The last answer decides; a plain stop with tool calls is `tool_use`, as the API reports it.
  const last = answers[answers.length - 1]!.finish;
  const finish = last === 'stop' && blocks.some((b) => b.type === 'tool_use') ? 'tool_calls' : last;
  return { blocks, finish };
}

function usageBody(u: AnswerUsage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: u.uncachedInputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cacheReadTokens,
  };
}

/** The `message` body answering with `call`. */
export function anthropicMessage(call: RecordedCall, requestedModel: string | undefined): Record<string, unknown> {
  const { blocks, finish } = blocksOf(call);
  const usage = usageOf(call.usage);
  return {
    id: anthropicResponseId(call),
    type: 'message',
    role: 'assistant',
    model: answerModel(call, requestedModel),
    content: blocks.map((b) => (b.type === 'text' ? { type: 'text', text: b.text, citations: null } : { type: 'tool_use', id: b.id, name: b.name, input: b.input })),
    stop_reason: anthropicStopReason(finish),
    stop_sequence: null,
    usage: usageBody(usage, usage.outputTokens),
  };
}

/** The SSE events of a streamed answer, in order. */
export function anthropicEvents(call: RecordedCall, requestedModel: string | undefined): SseEvent[] {
  const { blocks, finish } = blocksOf(call);
  const usage = usageOf(call.usage);
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: anthropicResponseId(call),
          type: 'message',
          role: 'assistant',
          model: answerModel(call, requestedModel),
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usageBody(usage, 0),
        },
      },
    },
    { event: 'ping', data: { type: 'ping' } },
  ];
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } } });
      for (const piece of pieces(b.text)) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } } });
    } else {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } } });
      for (const piece of pieces(b.inputJson, 16)) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } } });
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: anthropicStopReason(finish), stop_sequence: null }, usage: usageBody(usage, usage.outputTokens) } });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

/** An error body in the Anthropic API's shape (`invalid_request_error`, `not_found_error`, `api_error`, …). */
export function anthropicError(message: string, type: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

/** `GET /v1/models` in the Anthropic API's shape (`data` of `model` objects, `has_more`, `first_id`, `last_id`). */
export function anthropicModelList(models: readonly string[], createdAt: string): Record<string, unknown> {
  return {
    data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: createdAt })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  };
}
