/** Loads GenAI fixtures through the project's own OTLP decoders and normalizes them. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLogs, decodeTraces } from '../../src/core/otlp/decode';
import { normalizeSpan } from '../../src/core/genai/normalize';
import type { ConversationSpan } from '../../src/core/genai/conversation';
import type { LogRecordInfo, SpanRecord, TraceSkeleton } from '../../src/model/trace';
import type { GenAiMessage, GenAiSpanView } from '../../src/model/genai';

const HERE = dirname(fileURLToPath(import.meta.url));
export const GENAI_FIXTURES = join(HERE, '..', 'fixtures', 'genai');
export const OTLP_FIXTURES = join(HERE, '..', 'fixtures', 'otlp');

function body(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Spans of an OTLP/JSON (or `.binpb`) trace fixture, decoded by src/core/otlp, in start order. */
export function loadSpans(path: string): SpanRecord[] {
  const decoded = decodeTraces(body(path), path.endsWith('.binpb') ? 'protobuf' : 'json');
  if (!decoded.ok) throw new Error(`${path}: ${decoded.message}`);
  if (decoded.rejected) throw new Error(`${path}: ${decoded.rejected} spans rejected`);
  return [...decoded.items].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
}

export function loadLogs(path: string): LogRecordInfo[] {
  const decoded = decodeLogs(body(path), path.endsWith('.binpb') ? 'protobuf' : 'json');
  if (!decoded.ok) throw new Error(`${path}: ${decoded.message}`);
  return decoded.items;
}

export function genai(name: string): string {
  return join(GENAI_FIXTURES, name);
}

export function otlp(name: string): string {
  return join(OTLP_FIXTURES, name);
}

/** Each span with its correlated logs and normalized view, plus offsets from the first span. */
export function normalizeAll(spans: SpanRecord[], logs: LogRecordInfo[] = []): ConversationSpan[] {
  const start = spans.reduce((min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min), BigInt(spans[0]!.startTimeUnixNano));
  return spans.map((span) => {
    const own = logs.filter((l) => l.spanId === span.spanId && l.traceId === span.traceId);
    return {
      span,
      logs: own,
      view: normalizeSpan(span, own),
      startOffsetMs: Number(BigInt(span.startTimeUnixNano) - start) / 1e6,
      durationMs: Math.max(0, Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6),
    };
  });
}

/** Views of the spans of one kind, in start order. */
export function viewsOf(all: ConversationSpan[], kind: GenAiSpanView['kind']): GenAiSpanView[] {
  return all.filter((s) => s.view?.kind === kind).map((s) => s.view!);
}

/** Messages as `role: text | tool_call name(id) args | tool_result(id) value` lines, for compact assertions. */
export function summarize(messages: readonly GenAiMessage[] | undefined): string[] {
  return (messages ?? []).map((m) =>
    `${m.role}: ${m.parts
      .map((p) => {
        switch (p.type) {
          case 'text':
            return p.content;
          case 'tool_call':
            return `tool_call ${p.name}(${p.id ?? ''}) ${typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments)}`;
          case 'tool_call_response':
            return `tool_result(${p.id ?? ''}) ${typeof p.response === 'string' ? p.response : JSON.stringify(p.response)}`;
          case 'reasoning':
            return `reasoning ${p.content}`;
          case 'media':
            return `media ${p.modality ?? ''} ${p.uri ?? p.fileId ?? p.note ?? ''}`;
          case 'other':
            return `other ${JSON.stringify(p.raw)}`;
        }
      })
      .join(' + ')}`,
  );
}

/** A skeleton of normalized fixture spans (parents, names, statuses, offsets), for `computeTraceUsage`. */
export function skeletonOf(all: ConversationSpan[]): TraceSkeleton {
  const start = all.reduce((min, s) => (BigInt(s.span.startTimeUnixNano) < min ? BigInt(s.span.startTimeUnixNano) : min), BigInt(all[0]!.span.startTimeUnixNano));
  const end = all.reduce((max, s) => (BigInt(s.span.endTimeUnixNano) > max ? BigInt(s.span.endTimeUnixNano) : max), start);
  return {
    traceId: all[0]!.span.traceId,
    startTimeUnixNano: start.toString(),
    durationMs: Number(end - start) / 1e6,
    spans: all.map((s) => ({
      spanId: s.span.spanId,
      parentSpanId: s.span.parentSpanId,
      name: s.span.name,
      kind: s.span.kind,
      statusCode: s.span.status?.code ?? 'unset',
      serviceName: String(s.span.resource?.attributes?.['service.name'] ?? ''),
      startOffsetMs: s.startOffsetMs,
      durationMs: s.durationMs,
      eventCount: s.span.events?.length ?? 0,
      hasException: (s.span.events ?? []).some((e) => e.name === 'exception'),
    })),
  };
}
