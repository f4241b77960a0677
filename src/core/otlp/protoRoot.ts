/**
 * The vendored OTLP schema (`proto/opentelemetry/proto/**`, see `proto/README.md`) as a protobufjs
 * Root, built lazily once. No filesystem access: the bundler (esbuild `text` loader; the same
 * loader in vitest) inlines each `.proto` file as a string.
 *
 * Not used on the decode hot path (the decoders read the wire format directly); this is the schema
 * of record for tests (independent oracle), re-encoding and tooling. Keep it out of the extension
 * host bundle: importing this module pulls in protobufjs.
 */
import protobuf from 'protobufjs';
import logsServiceProto from './proto/opentelemetry/proto/collector/logs/v1/logs_service.proto';
import metricsServiceProto from './proto/opentelemetry/proto/collector/metrics/v1/metrics_service.proto';
import traceServiceProto from './proto/opentelemetry/proto/collector/trace/v1/trace_service.proto';
import commonProto from './proto/opentelemetry/proto/common/v1/common.proto';
import logsProto from './proto/opentelemetry/proto/logs/v1/logs.proto';
import metricsProto from './proto/opentelemetry/proto/metrics/v1/metrics.proto';
import resourceProto from './proto/opentelemetry/proto/resource/v1/resource.proto';
import traceProto from './proto/opentelemetry/proto/trace/v1/trace.proto';

/** The vendored files in dependency order (path relative to `proto/`, text). */
export const OTLP_PROTO_FILES: readonly (readonly [path: string, text: string])[] = [
  ['opentelemetry/proto/common/v1/common.proto', commonProto],
  ['opentelemetry/proto/resource/v1/resource.proto', resourceProto],
  ['opentelemetry/proto/trace/v1/trace.proto', traceProto],
  ['opentelemetry/proto/logs/v1/logs.proto', logsProto],
  ['opentelemetry/proto/metrics/v1/metrics.proto', metricsProto],
  ['opentelemetry/proto/collector/trace/v1/trace_service.proto', traceServiceProto],
  ['opentelemetry/proto/collector/logs/v1/logs_service.proto', logsServiceProto],
  ['opentelemetry/proto/collector/metrics/v1/metrics_service.proto', metricsServiceProto],
];

/** Fully qualified names of the OTLP/HTTP request and response messages. */
export const OTLP_MESSAGES = {
  traceRequest: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  traceResponse: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
  logsRequest: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
  logsResponse: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
  metricsRequest: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  metricsResponse: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
} as const;

let root: protobuf.Root | undefined;

/**
 * The resolved Root of all vendored OTLP files (field names camelCase, `keepCase: false`).
 * Parsed on first call (a few ms), then cached.
 */
export function getOtlpRoot(): protobuf.Root {
  if (root === undefined) {
    const r = new protobuf.Root();
    for (const [, text] of OTLP_PROTO_FILES) protobuf.parse(text, r, { keepCase: false });
    r.resolveAll();
    root = r;
  }
  return root;
}

/** A message type of the OTLP Root, e.g. `otlpType(OTLP_MESSAGES.traceRequest)`. */
export function otlpType(name: string): protobuf.Type {
  return getOtlpRoot().lookupType(name);
}
