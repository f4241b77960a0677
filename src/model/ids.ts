/** Trace and span ids as the model carries them (OTLP `trace_id` / `span_id`, hex-encoded). */

/** 32 lowercase hex characters (16 bytes), never all zeros. */
export type TraceId = string;
/** 16 lowercase hex characters (8 bytes), never all zeros. */
export type SpanId = string;
