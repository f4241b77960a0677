// OpenTelemetry setup for the demo agent: the real SDK (traces + logs), OTLP/HTTP protobuf
// exporters, and the real OpenAI instrumentation with message content capture on.
//
// The OpenAI instrumentation emits prompts/completions as OTLP *log records* (event names
// gen_ai.user.message, gen_ai.choice, …) through `InstrumentationBase.logger`, which it takes from
// the global logs API (`logs` in @opentelemetry/api ≥ 1.10) — we set the global LoggerProvider AND
// hand the providers to the instrumentation directly, so neither registration order matters.
//
// The exporters are wrapped so the program can report what was actually delivered (and exit
// non-zero when the receiver refused or was unreachable), instead of printing what it merely tried.
import { createRequire } from 'node:module';
import { context, logs, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { fileURLToPath } from 'node:url';
import { SourceLocationSpanProcessor } from './sourceLocation.mjs';

/**
 * Delivery bookkeeping shared by both wrapped exporters.
 * @typedef {{ batches: number, items: number, failedBatches: number, failedItems: number, errors: string[] }} Delivery
 */
const newDelivery = () => ({ batches: 0, items: 0, failedBatches: 0, failedItems: 0, errors: [] });

/**
 * Wraps a span or log exporter: counts delivered/failed items and remembers what was sent.
 * @template T
 * @param {{ export(items: T[], cb: (r: { code: number, error?: Error }) => void): void, shutdown(): Promise<void>, forceFlush?(): Promise<void> }} inner
 * @param {Delivery} delivery
 * @param {(items: T[]) => void} onDelivered
 */
function countingExporter(inner, delivery, onDelivered) {
  return {
    export(items, resultCallback) {
      inner.export(items, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          delivery.batches += 1;
          delivery.items += items.length;
          onDelivered(items);
        } else {
          delivery.failedBatches += 1;
          delivery.failedItems += items.length;
          delivery.errors.push(result.error?.message ?? 'export failed');
        }
        resultCallback(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * @param {{ endpoint: string, serviceName: string }} options
 *   endpoint: OTLP/HTTP base URL (…/v1/traces and …/v1/logs are appended, as the OTLP spec says
 *   for OTEL_EXPORTER_OTLP_ENDPOINT).
 */
export function setupTelemetry({ endpoint, serviceName }) {
  const base = endpoint.replace(/\/+$/, '');
  const resource = resourceFromAttributes({
    'service.name': serviceName,
    'service.version': '0.1.0',
    'deployment.environment.name': 'demo',
  });

  /** Spans and log records the receiver accepted (SDK objects; summarized by the caller). */
  const sentSpans = [];
  const sentLogs = [];
  const spanDelivery = newDelivery();
  const logDelivery = newDelivery();

  // OTEL_EXPORTER_OTLP_PROTOCOL=grpc sends OTLP/gRPC to the endpoint as given (e.g. :4317), as
  // the Python examples and agent frameworks do by default; anything else is OTLP/HTTP protobuf.
  const grpc = (process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim().toLowerCase() === 'grpc';
  const spanExporter = countingExporter(
    grpc ? new GrpcTraceExporter({ url: base }) : new OTLPTraceExporter({ url: `${base}/v1/traces` }),
    spanDelivery,
    (s) => sentSpans.push(...s),
  );
  const logExporter = countingExporter(
    grpc ? new GrpcLogExporter({ url: base }) : new OTLPLogExporter({ url: `${base}/v1/logs` }),
    logDelivery,
    (l) => sentLogs.push(...l),
  );

  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager.enable());

  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      // code.* attributes (where each span started), for Trace Lens' Go to Source and CodeLens.
      new SourceLocationSpanProcessor({ skipFiles: [fileURLToPath(import.meta.url)] }),
      new BatchSpanProcessor({ exporter: spanExporter, scheduledDelayMillis: 500 }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);

  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: logExporter, scheduledDelayMillis: 500 })],
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  // Constructing the instrumentation enables it: it hooks `require('openai')` from now on.
  const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setLoggerProvider(loggerProvider);

  // The instrumentation patches the CommonJS entry point (require-in-the-middle); an ESM `import`
  // would need the import-in-the-middle loader hook. `require` keeps `node main.mjs` hook-free.
  const require = createRequire(import.meta.url);
  /** @type {typeof import('openai').default} */
  const OpenAI = require('openai').OpenAI;

  return {
    OpenAI,
    tracer: trace.getTracer('demo-agent', '0.1.0'),
    sentSpans,
    sentLogs,
    spanDelivery,
    logDelivery,
    /**
     * Flushes everything that is buffered, then shuts the providers down. Never throws: export
     * failures are already counted in spanDelivery/logDelivery; other errors are returned.
     * @returns {Promise<string[]>} errors that were not export results
     */
    async shutdown() {
      const errors = [];
      const settle = async (what, fn) => {
        try {
          await fn();
        } catch (err) {
          const list = Array.isArray(err) ? err : [err];
          errors.push(`${what}: ${list.map((e) => e?.message ?? String(e)).join(', ')}`);
        }
      };
      await settle('flush traces', () => tracerProvider.forceFlush());
      await settle('flush logs', () => loggerProvider.forceFlush());
      await settle('shutdown traces', () => tracerProvider.shutdown());
      await settle('shutdown logs', () => loggerProvider.shutdown());
      instrumentation.disable();
      contextManager.disable();
      return errors;
    },
  };
}
