/**
 * The paths the OTLP/HTTP receiver answers, and the 404 hint for the others.
 *
 * - OTLP/HTTP (OTLP spec "OTLP/HTTP Request"): `/v1/traces`, `/v1/logs`, `/v1/metrics`.
 * - The same under the prefixes vendor SDKs build from their base URL, so an app whose base URL
 *   points at the receiver sends here without code changes (see docs/vendor-endpoints.md):
 *   - Langfuse SDKs (`LANGFUSE_BASE_URL`): `<base>/api/public/otel/v1/traces` (Langfuse also
 *     answers `…/v1/metrics` and discards it; it has no logs endpoint);
 *   - LangSmith (`OTEL_EXPORTER_OTLP_ENDPOINT=<LANGSMITH_ENDPOINT>/otel`, set by the LangSmith SDK
 *     when `LANGSMITH_OTEL_ENABLED`): `<base>/otel/v1/traces`.
 *   The OTel SDKs append `/v1/logs` and `/v1/metrics` to the same base for the other signals, so
 *   all three are accepted under both prefixes.
 * - The OpenAI Agents SDK's tracing exporter (`OpenAITracingExporter` in `@openai/agents-openai`,
 *   `BackendSpanExporter` in `openai-agents` for Python): default endpoint
 *   `https://api.openai.com/v1/traces/ingest`; `/traces/ingest` too, for an endpoint built as
 *   `<base>/traces/ingest` from a base URL that has no `/v1`.
 */
import type { IngestDialect, OtlpSignal } from '../otlp/types';

/** What a path leads to: a signal, and the wire format family of its bodies. */
export interface Route {
  signal: OtlpSignal;
  dialect: IngestDialect;
}

/** Prefixes under which `/v1/{traces,logs,metrics}` are accepted ('' is plain OTLP). */
export const OTLP_PATH_PREFIXES: readonly string[] = ['', '/api/public/otel', '/otel'];

/** Paths of the OpenAI Agents SDK's trace ingest. */
export const OPENAI_AGENTS_PATHS: readonly string[] = ['/v1/traces/ingest', '/traces/ingest'];

const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

const ROUTES: ReadonlyMap<string, Route> = (() => {
  const routes = new Map<string, Route>();
  for (const prefix of OTLP_PATH_PREFIXES) {
    for (const signal of SIGNALS) routes.set(`${prefix}/v1/${signal}`, { signal, dialect: 'otlp' });
  }
  for (const path of OPENAI_AGENTS_PATHS) routes.set(path, { signal: 'traces', dialect: 'openai-agents' });
  return routes;
})();

/** The route of a request path (no query string, no trailing `/`), or `undefined` (→ 404). */
export function routeOf(path: string): Route | undefined {
  return ROUTES.get(path);
}

/**
 * The 404 message for a path no route takes: every accepted path, and a hint for the usual
 * mistakes (a base URL without the signal path, a singular signal name, a vendor base URL given
 * as the full endpoint).
 */
export function notFoundMessage(path: string): string {
  let hint = '';
  const prefix = OTLP_PATH_PREFIXES.find((p) => p !== '' && (path === p || path === `${p}/v1`));
  if (path === '/' || path === '/v1') {
    hint = ' An SDK given OTEL_EXPORTER_OTLP_ENDPOINT appends /v1/traces itself; one given OTEL_EXPORTER_OTLP_TRACES_ENDPOINT needs the full path.';
  } else if (prefix !== undefined) {
    hint = ` A base URL of ${prefix} needs /v1/traces (or /v1/logs, /v1/metrics) after it.`;
  } else if (/^(?:\/api\/public\/otel|\/otel)?\/v1\/(trace|log|metric|span)s?$/.test(path)) {
    hint = ' Check the spelling: the paths are plural.';
  } else if (/\/ingest$/.test(path) || /^\/(?:v1\/)?traces?\/?ingest/.test(path)) {
    hint = ' The OpenAI Agents SDK exporter posts to /v1/traces/ingest.';
  }
  return `no OTLP endpoint at ${path}; POST to /v1/traces, /v1/logs or /v1/metrics ` +
    `(also under /api/public/otel for Langfuse SDKs and /otel for LangSmith), ` +
    `or OpenAI Agents SDK traces to /v1/traces/ingest.${hint}`;
}
