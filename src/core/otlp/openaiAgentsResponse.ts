/**
 * Answers of the OpenAI Agents SDK trace ingest path (`POST /v1/traces/ingest`).
 *
 * What the exporters read (openai-agents-js `packages/agents-openai/src/openaiTracingExporter.ts`,
 * openai-agents-python `src/agents/tracing/processors.py` `BackendSpanExporter`): only the status.
 * A 2xx ends the export; a 4xx is logged (with the body's text, unless the app redacts model
 * data) and not retried; a 5xx is retried with backoff (3 attempts). So: 200 when the batch was
 * decoded (malformed objects are dropped one by one and named in the body, since resending the
 * same batch cannot fix them), 400 for a body that is not a batch, 503 when busy.
 *
 * Bodies are JSON: `{}` on full success; `{"partial_success":{"rejected":N,"error_message":"…"}}`
 * when objects were dropped (the OTLP partial-success idea, in this API's snake_case); errors in
 * the OpenAI API's error shape `{"error":{"message","type","param":null,"code":null}}`.
 */
import type { IngestResult } from './types';

const utf8 = new TextEncoder();

/** The 200 body for a decoded batch (`outcome.status === 'ok'`). */
export function encodeOpenAiAgentsSuccess(outcome: Extract<IngestResult, { status: 'ok' }>): Uint8Array {
  if (outcome.rejected === 0) return utf8.encode('{}');
  return utf8.encode(JSON.stringify({ partial_success: { rejected: outcome.rejected, error_message: outcome.errorMessage } }));
}

/**
 * An error body for HTTP `status`: type `server_error` for 5xx, else `invalid_request_error`
 * (the OpenAI API's names for the two families).
 */
export function encodeOpenAiAgentsError(status: number, message: string): Uint8Array {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  return utf8.encode(JSON.stringify({ error: { message, type, param: null, code: null } }));
}
