/**
 * The "counted once" rule kept at write time (src/core/usage/README.md): a call counts toward its
 * trace's cost and tokens unless a usage candidate (a call that is not an aggregate) is below it.
 * Instead of walking the whole trace whenever it changes, every span carries a bit "a candidate is
 * below" (`spans.call & CALL_BELOW`), set once, as spans arrive, by walking up from each new
 * candidate until an ancestor that already has it. Spans arrive in any order: an ancestor that is
 * not stored yet is remembered in the trace's marks (`traces.usage_marks`), and gets its bit,
 * and passes it on upwards, when it arrives. The walk is linear in the ancestors newly marked, and
 * the parents of a write's own spans are known without SQL; other parents cost one primary-key
 * lookup each.
 *
 * A re-sent span (its parent or its facts may have changed) and new facts from log records make
 * the bits of its trace be set again from scratch (`rebuild`, one range scan of the trace).
 * In a parent cycle (malformed), the candidates on the cycle are below each other and do not
 * count (src/core/usage/runMetrics.ts counts one of them, depending on order).
 */
import type { SpanId, TraceId } from '../../model/trace';
import type { StoreSql } from './queries';
import type { CallColumns } from './usageSums';

/** `spans.call` bits (schema.sql): the span is a call (has cost facts). */
export const CALL_IS = 16;
/** A usage candidate (a call that is not an aggregate). */
export const CALL_CANDIDATE = 1;
/** A usage candidate is below this span (any span, call or not). */
export const CALL_BELOW = 32;

/** One span of a write, as the walk needs it. */
export interface WrittenSpan {
  spanId: SpanId;
  parentSpanId: SpanId | null;
  /** The cost columns it is written with (`call` null: not a call); `plan` adds the bit to them. */
  columns: CallColumns;
}

interface TreeNode {
  parent: SpanId | null;
  call: number | null;
  /** Cost columns of a stored span read by the walk (to take it out of the sums). */
  columns?: CallColumns;
}



const isCandidate = (call: number | null): boolean => call !== null && (call & (CALL_IS | CALL_CANDIDATE)) === (CALL_IS | CALL_CANDIDATE);

/** Sets the "candidate below" bits of one store's spans. */
export class UsageMarks {
  constructor(private readonly sql: StoreSql) {}

  /**
   * Before a write inserts `spans` of one trace (in any order), whose marks were `marksJson`:
   * gives the "candidate below" bit to the written spans that get it (in their `columns.call`, so
   * they are inserted with it: no second write) and to stored ancestors (one UPDATE for all), walking
   * up from each candidate and from each span that was marked while missing. @returns the marks
   * left (ancestors not stored and not in this write) and the stored calls that stop counting.
   */
  plan(traceId: TraceId, spans: readonly WrittenSpan[], marksJson: string | null): { marks: Set<SpanId>; uncounted: CallColumns[] } {
    const marks = new Set<SpanId>(marksJson ? (JSON.parse(marksJson) as SpanId[]) : []);
    // The write's own spans are their own tree nodes (their bit lives in `columns.call`); stored
    // ones are read when the walk reaches them.
    const written = new Map<SpanId, WrittenSpan>();
    for (const s of spans) written.set(s.spanId, s);
    const storedNodes = new Map<SpanId, TreeNode>();
    const stored = new Set<SpanId>();
    const uncounted: CallColumns[] = [];
    const storedNode = (id: SpanId): TreeNode | undefined => {
      let n = storedNodes.get(id);
      if (n === undefined) {
        const row = this.sql.q.spanTreeNode.first({ trace_id: traceId, span_id: id });
        if (!row) return undefined;
        const call = row[1] as number | null;
        n = { parent: row[0] as SpanId | null, call };
        if (isCandidate(call)) n.columns = { call, cost_pico: row[2] as number | null, usage_input: row[3] as number | null, usage_output: row[4] as number | null, usage_more: row[5] as string | null };
        storedNodes.set(id, n);
      }
      return n;
    };
    /** Walks up from `from`'s parent, giving the bit to each ancestor until one has it. */
    const walkUp = (from: WrittenSpan): void => {
      let p = from.parentSpanId === from.spanId ? null : from.parentSpanId;
      while (p !== null) {
        const w = written.get(p);
        if (w !== undefined) {
          const call = w.columns.call ?? 0;
          if (call & CALL_BELOW) return;
          w.columns.call = call | CALL_BELOW;
          p = w.parentSpanId === p ? null : w.parentSpanId;
          continue;
        }
        const n = storedNode(p);
        if (!n) {
          marks.add(p);
          return;
        }
        if ((n.call ?? 0) & CALL_BELOW) return;
        n.call = (n.call ?? 0) | CALL_BELOW;
        stored.add(p);
        // A stored call that counted (a candidate without the bit) stops counting.
        if (n.columns) uncounted.push(n.columns);
        p = n.parent === p ? null : n.parent;
      }
    };
    if (marks.size > 0) {
      for (const s of spans) {
        if (marks.delete(s.spanId)) {
          // The span written last under this id (as the walk sees it).
          const w = written.get(s.spanId)!;
          w.columns.call = (w.columns.call ?? 0) | CALL_BELOW;
          walkUp(w);
        }
      }
    }
    for (const s of spans) if (isCandidate(s.columns.call)) walkUp(written.get(s.spanId)!);
    if (stored.size > 0) this.sql.q.setSpansBelow.run({ below: 1, trace_id: traceId, span_ids: JSON.stringify([...stored]) });
    return { marks, uncounted };
  }

  /**
   * Sets the bits of a whole trace again from its stored spans (after a re-sent span or new
   * facts): the same walks, from every candidate. @returns the trace's marks (as `afterWrite`).
   */
  rebuild(traceId: TraceId): string | null {
    const rows = this.sql.q.traceCallTree.all({ trace_id: traceId });
    const nodes = new Map<SpanId, TreeNode & { was: number | null }>();
    for (const r of rows) {
      const call = r[2] as number | null;
      nodes.set(r[0] as SpanId, { parent: r[1] as SpanId | null, call: call === null ? null : call & ~CALL_BELOW, was: call });
    }
    const marks = new Set<SpanId>();
    for (const [id, start] of nodes) {
      if (!isCandidate(start.call)) continue;
      let p = start.parent === id ? null : start.parent;
      while (p !== null) {
        const n = nodes.get(p);
        if (!n) {
          marks.add(p);
          break;
        }
        if ((n.call ?? 0) & CALL_BELOW) break;
        n.call = (n.call ?? 0) | CALL_BELOW;
        p = n.parent === p ? null : n.parent;
      }
    }
    const set: SpanId[] = [];
    const cleared: SpanId[] = [];
    for (const [id, n] of nodes) {
      const below = ((n.call ?? 0) & CALL_BELOW) !== 0;
      if (below !== (((n.was ?? 0) & CALL_BELOW) !== 0)) (below ? set : cleared).push(id);
    }
    const q = this.sql.q.setSpansBelow;
    if (set.length > 0) q.run({ below: 1, trace_id: traceId, span_ids: JSON.stringify(set) });
    if (cleared.length > 0) q.run({ below: 0, trace_id: traceId, span_ids: JSON.stringify(cleared) });
    return marks.size > 0 ? JSON.stringify([...marks]) : null;
  }
}
