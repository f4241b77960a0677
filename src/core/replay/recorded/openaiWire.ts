/**
 * OpenAI Chat Completions answers built from a recorded call, as the official `openai` SDK parses
 * them (https://platform.openai.com/docs/api-reference/chat/object and
 * https://platform.openai.com/docs/api-reference/chat/streaming):
 * - `chat.completion`: `choices[i].message {role:'assistant', content (null when only tool calls),
 *   refusal: null, tool_calls?: [{id, type:'function', function:{name, arguments (JSON text)}}]}`,
 *   `finish_reason` (`stop`, `length`, `tool_calls`, `content_filter`), `usage {prompt_tokens,
 *   completion_tokens, total_tokens, prompt_tokens_details.cached_tokens,
 *   completion_tokens_details.reasoning_tokens}` (`prompt_tokens` includes cached tokens);
 * - streaming: `chat.completion.chunk` objects, one per SSE `data:` line — first the role, then
 *   content pieces, tool calls (first delta with `index`, `id`, `type`, `function.name` and empty
 *   arguments, then argument pieces), a last chunk per choice with `finish_reason`; with
 *   `stream_options.include_usage` every chunk has `usage: null` and a final chunk with
 *   `choices: []` carries the usage; then `data: [DONE]`.
 * - errors: `{error: {message, type, param, code}}`.
 * Pure.
 */
import type { RecordedCall } from '../../../model/replay';
import { answerModel, answerOf, openAIFinishReason, pieces, usageOf, type AnswerUsage } from './answer';

/** The id of an answer: the recorded `gen_ai.response.id`, else a stable one from the call index. */
export function openAIResponseId(call: RecordedCall): string {
  return call.responseId ?? `chatcmpl-tracelens-${call.index}`;
}

function usageBody(u: AnswerUsage): Record<string, unknown> {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.totalTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

/** The `chat.completion` body answering with `call` (`requestedModel` names the model when the recording has none). */
export function openAICompletion(call: RecordedCall, requestedModel: string | undefined, createdSeconds: number): Record<string, unknown> {
  const usage = usageOf(call.usage);
  const body: Record<string, unknown> = {
    id: openAIResponseId(call),
    object: 'chat.completion',
    created: createdSeconds,
    model: answerModel(call, requestedModel),
    choices: answerOf(call, 'call').map((choice, index) => {
      const message: Record<string, unknown> = {
        role: 'assistant',
        content: choice.text === '' && choice.toolCalls.length > 0 ? null : choice.text,
        refusal: null,
      };
      if (choice.toolCalls.length > 0) {
        message.tool_calls = choice.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.argumentsJson } }));
      }
      return { index, message, logprobs: null, finish_reason: openAIFinishReason(choice.finish) };
    }),
  };
  if (usage.known) body.usage = usageBody(usage);
  return body;
}

/**
 * The `chat.completion.chunk` objects of a streamed answer (without the `[DONE]` sentinel).
 * `includeUsage` adds `usage: null` to every chunk and a last `choices: []` chunk with the usage
 * (zeros when the recording has none, as the API always reports usage there).
 */
export function openAIChunks(call: RecordedCall, requestedModel: string | undefined, createdSeconds: number, includeUsage: boolean): Record<string, unknown>[] {
  const base = { id: openAIResponseId(call), object: 'chat.completion.chunk', created: createdSeconds, model: answerModel(call, requestedModel) };
  const chunks: Record<string, unknown>[] = [];
  const push = (choices: unknown[]): void => {
    const chunk: Record<string, unknown> = { ...base, choices };
    if (includeUsage) chunk.usage = null;
    chunks.push(chunk);
  };
  const choice = (index: number, delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({ index, delta, logprobs: null, finish_reason: finish });
  answerOf(call, 'call').forEach((answer, index) => {
    const textOnly = answer.text !== '' || answer.toolCalls.length === 0;
    push([choice(index, { role: 'assistant', content: textOnly ? '' : null, refusal: null })]);
    for (const piece of pieces(answer.text)) push([choice(index, { content: piece })]);
    answer.toolCalls.forEach((c, i) => {
      push([choice(index, { tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] })]);
      for (const piece of pieces(c.argumentsJson, 16)) push([choice(index, { tool_calls: [{ index: i, function: { arguments: piece } }] })]);
    });
    push([choice(index, {}, openAIFinishReason(answer.finish))]);
  });
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usageBody(usageOf(call.usage)) });
  return chunks;
}

/** An error body in the OpenAI API's shape. */
export function openAIError(message: string, type: string, code: string | null = null): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

/** `GET /v1/models` (OpenAI `list` of `model` objects). */
export function openAIModelList(models: readonly string[], createdSeconds: number): Record<string, unknown> {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: createdSeconds, owned_by: 'trace-lens-recording' })) };
}
