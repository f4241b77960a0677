/** Building findings: stable ids, bounded related-span lists, number formats for messages. */
import { MAX_RELATED_SPANS, type Finding } from '../../model/diagnostics';
import type { SpanId } from '../../model/trace';
import type { RunAnalysis } from './analysis';

/** Distributes over the `Finding` union: the fields a detector supplies. */
export type FindingFields = Finding extends infer F ? (F extends Finding ? Omit<F, 'id' | 'traceId' | 'sessionId' | 'relatedSpanIds'> : never) : never;

/**
 * A finding of run `a`: id `${detector}:${traceId}:${spanId}` (+ `:${suffix}`), stable across
 * re-evaluations while the trace grows; related spans deduplicated, without the primary span,
 * at most `MAX_RELATED_SPANS`.
 */
export function makeFinding(a: RunAnalysis, fields: FindingFields, related: readonly SpanId[] = [], suffix?: string): Finding {
  const ids: SpanId[] = [];
  const seen = new Set<SpanId>([fields.spanId]);
  for (const id of related) {
    if (ids.length >= MAX_RELATED_SPANS) break;
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  const id = `${fields.detector}:${a.run.traceId}:${fields.spanId}${suffix !== undefined ? `:${suffix}` : ''}`;
  const f = { id, traceId: a.run.traceId, relatedSpanIds: ids, ...fields } as Finding;
  if (a.sessionId !== undefined) f.sessionId = a.sessionId;
  return f;
}

/** `1,234` / `0.5` / `12.35`: grouped integers, at most two decimals. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Math.round(n * 100) / 100;
  const [int, frac] = String(Math.abs(rounded)).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** `87.5%`. */
export function pct(ratio: number): string {
  return `${String(Number((ratio * 100).toFixed(1)))}%`;
}

export function plural(n: number, word: string): string {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}
