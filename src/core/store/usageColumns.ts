/**
 * Cost and tokens kept at write time, so a trace row's usage is read, not recomputed.
 *
 * Per span (schema.sql `spans.call` … `usage_more`): the cost facts of a span that is a model call
 * or carries usage or a cost (`CallFacts`, from the ingest annotator: src/core/genai/callFacts.ts),
 * priced once by the back end's pricer (`CallPricer`: src/core/pricing through src/core/usage).
 * Per trace (`traces.call_count`, `traces.usage`): the `TraceUsage` of list rows, each call
 * counted once (src/core/usage/README.md): a write adds the calls that start counting and removes
 * those that stop (usageMarks.ts decides which, usageSums.ts adds); a re-sent span, log records
 * that change a span's facts and new prices (usageRefresh.ts) sum the trace again in one go
 * (queries/traceUsage.sql).
 *
 * Differences from the on-demand computation of src/core/usage/traceUsage.ts, none on well-formed
 * traces: in a parent cycle (malformed) the candidates on the cycle do not count; unpriced labels
 * that first appear at the same instant are ordered by span id. (Both count every call: the
 * on-demand path reads GenAI spans past MAX_CONVERSATION_SPANS from these columns,
 * src/core/usage/columnViews.ts.)
 */
import type { CallCost, TraceUsage } from '../../model/cost';
import { MAX_UNPRICED_MODELS, roundUsd, unpricedLabel } from '../../model/cost';
import type { CallFacts, GenAiUsage } from '../../model/genai';
import type { LogRecordInfo, SpanId, SpanRecord, TraceId } from '../../model/trace';
import type { GenAiFacts, SpanAnnotation } from './genaiFacts';
import type { Interning } from './interning';
import type { StoreSql } from './queries';
import { logFromRow, spanFromRow } from './readMappers';
import { CALL_BELOW, CALL_CANDIDATE, CALL_IS, type UsageMarks, type WrittenSpan } from './usageMarks';

/** A trace's stored cost bookkeeping before a write (traceUsageState.sql). */
interface StoredUsage {
  callCount: number;
  usage: string | null;
}

/** A write's plan for one trace's cost bits (usageMarks.ts `plan`) and what was stored before it. */
export type TracePlan = ReturnType<UsageMarks['plan']> & { stored: StoredUsage };
import { addCall, emptyUsage } from './usageSums';

/**
 * Prices one call (src/core/pricing's `Pricer`, through src/core/usage): `startUnixNano` is the
 * span's start (dated prices). Never `status: 'sum'`.
 */
export type CallPricer = (facts: CallFacts, startUnixNano: string) => CallCost;

/** `spans.call` bits (schema.sql; the "candidate below" bit: usageMarks.ts). */
const CALL_MODEL = 2;
const STATUS_SHIFT = 2;
const STATUS_CODE = { unpriced: 0, priced: 1, reported: 2, sum: 0 } as const;

/** Prefix of unpriced labels in the store's name dictionary (never a badge key: those start with a model name or a separator). */
const LABEL_PREFIX = '\u0002';

/** The cost parameters of insertSpan.sql / updateSpan.sql / updateSpanCall.sql. */
export interface CallParams {
  call: number | null;
  cost_pico: number | null;
  cost_label: number | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_more: string | null;
  [key: string]: number | string | null;
}

/** The cost parameters of a span that is not a call. */
export const NO_CALL: Readonly<CallParams> = { call: null, cost_pico: null, cost_label: null, usage_input: null, usage_output: null, usage_more: null };

/** Write-side bookkeeping of the cost columns of one store (one instance per `TraceStore`). */
export class UsageColumns {
  /** Prices calls at write time; without one (store-only use), calls are stored unpriced. */
  pricer: CallPricer | undefined;
  /** Per write transaction: spans with correlated log records, by trace (`traceLogSpans.sql`). */
  private logSpans = new Map<TraceId, ReadonlySet<SpanId>>();

  constructor(
    private readonly sql: StoreSql,
    private readonly interning: Interning,
    private readonly genai: GenAiFacts,
    private readonly marks: UsageMarks,
  ) {}

  /** Starts a write transaction's bookkeeping (forgets the log lookups of the previous one). */
  begin(): void {
    if (this.logSpans.size > 0) this.logSpans = new Map();
  }

  /**
   * The cost parameters of a span being written: `annotation` from the annotator (facts read
   * without log records). Only GenAI spans (with a badge) are calls; when `haveLogs` and such a
   * span has correlated log records stored, its facts are read again with them (a details event
   * may carry the usage, models or provider).
   */
  spanParams(span: SpanRecord, annotation: SpanAnnotation | undefined, haveLogs: boolean): CallParams {
    if (!annotation?.badge) return NO_CALL;
    let facts = annotation.call;
    if (haveLogs && this.genai.annotator?.callFacts && this.hasLogs(span.traceId, span.spanId)) {
      facts = this.genai.callFactsWithLogs(span, this.spanLogs(span.traceId, span.spanId));
    }
    return facts ? this.params(facts, span.startTimeUnixNano) : NO_CALL;
  }

  /** Columns of one call, priced now. */
  params(facts: CallFacts, startUnixNano: string): CallParams {
    let cost: CallCost;
    try {
      cost = this.pricer ? this.pricer(facts, startUnixNano) : unpricedWithoutPricer(facts);
    } catch {
      cost = unpricedWithoutPricer(facts);
    }
    const status = STATUS_CODE[cost.status];
    const u = facts.usage;
    const more = u ? moreJson(u) : null;
    return {
      call: CALL_IS | (facts.aggregate ? 0 : CALL_CANDIDATE) | (facts.modelCall ? CALL_MODEL : 0) | (status << STATUS_SHIFT),
      cost_pico: cost.status === 'priced' || cost.status === 'reported' ? Math.round(cost.costUsd * 1e12) : null,
      cost_label: cost.status === 'unpriced' ? this.interning.genaiNameId(LABEL_PREFIX + unpricedLabel(cost)) : null,
      usage_input: u?.inputTokens ?? null,
      usage_output: u?.outputTokens ?? null,
      usage_more: more,
    };
  }

  /**
   * After log records of `spans` (trace id, span id) were inserted: reads each stored span's cost
   * facts again with all its records, stores them, and sums its trace again.
   * @returns the traces whose cost columns were rewritten.
   */
  logsStored(spans: ReadonlyMap<TraceId, ReadonlySet<SpanId>>, seq: number): TraceId[] {
    if (!this.genai.annotator?.callFacts) return [];
    const q = this.sql.q;
    const traces: TraceId[] = [];
    for (const [traceId, spanIds] of spans) {
      let any = false;
      for (const spanId of spanIds) {
        const row = q.spanDetail.first({ trace_id: traceId, span_id: spanId });
        if (!row) continue;
        const span = spanFromRow(q.spanDetail, row);
        const facts = this.genai.callFactsWithLogs(span, this.spanLogs(traceId, spanId));
        q.updateSpanCall.run({ ...(facts ? this.params(facts, span.startTimeUnixNano) : NO_CALL), trace_id: traceId, span_id: spanId });
        any = true;
      }
      if (any) {
        this.sumTrace(traceId, seq, this.marks.rebuild(traceId));
        traces.push(traceId);
      }
    }
    return traces;
  }

  /**
   * Before a write inserts `spans` of one trace: their "candidate below" bits and those of stored
   * ancestors (usageMarks.ts `plan`). Reads the trace's marks (traceUsageMarks.sql).
   */
  planTrace(traceId: TraceId, spans: readonly WrittenSpan[]): TracePlan {
    const state = this.sql.q.traceUsageState.first({ trace_id: traceId });
    const stored: StoredUsage = { callCount: (state?.[0] as number | undefined) ?? 0, usage: (state?.[1] as string | null | undefined) ?? null };
    return { ...this.marks.plan(traceId, spans, (state?.[2] as string | null | undefined) ?? null), stored };
  }

  /**
   * After a write of one trace with calls: `planned` (the spans `planTrace` was given), `inserted`
   * (those inserted as new spans, as planned; the others were re-sent, or not reached: the write's
   * time ran out and they come with the next one). Adds the calls that start counting to the
   * trace's stored sums (`plan.stored`) and removes those that stop (usageSums.ts), and stores the
   * marks. After a re-sent span (`resent`: its parent or facts may differ) the trace's bits are set
   * again and its sums made from scratch.
   */
  traceWritten(traceId: TraceId, plan: TracePlan, planned: readonly WrittenSpan[], inserted: readonly WrittenSpan[], resent: boolean, seq: number): void {
    const stored = plan.stored;
    if (resent || (stored.callCount > 0 && stored.usage === null)) {
      this.sumTrace(traceId, seq, this.marks.rebuild(traceId));
      return;
    }
    // Planned spans not written yet that got the bit wait for it in the marks (none re-sent here,
    // so the planned spans not inserted are those not reached).
    if (inserted.length < planned.length) {
      const done = new Set(inserted);
      for (const s of planned) if (!done.has(s) && (s.columns.call ?? 0) & CALL_BELOW) plan.marks.add(s.spanId);
    }
    const usage = stored.usage === null ? emptyUsage() : (JSON.parse(stored.usage) as TraceUsage);
    let labels = false;
    for (const c of plan.uncounted) labels = addCall(usage, c, -1) || labels;
    let calls = stored.callCount;
    for (const s of inserted) {
      const call = s.columns.call;
      if (call === null || !(call & CALL_IS)) continue;
      calls++;
      if ((call & (CALL_CANDIDATE | CALL_BELOW)) === CALL_CANDIDATE) labels = addCall(usage, s.columns, 1) || labels;
    }
    if (labels) usage.cost.unpricedModels = this.unpricedLabels(traceId);
    const marks = plan.marks.size > 0 ? JSON.stringify([...plan.marks]) : null;
    this.sql.q.setTraceUsage.run({ trace_id: traceId, call_count: calls, usage: calls > 0 ? JSON.stringify(usage) : null, usage_marks: marks });
    // Calls written without a pricer are priced when the store gets one (usageRefresh.ts).
    if (calls > 0 && !this.pricer) this.sql.q.touchTrace.run({ trace_id: traceId, seq, pending: 1 });
  }

  /**
   * Sums a trace's cost and tokens from its spans' cost columns (traceUsage.sql, labels of unpriced
   * calls from traceUsageLabels.sql) and stores them with the trace's `marks` (usageMarks.ts)
   * (setTraceUsage.sql); when they changed, the trace's `updated_seq` moves to `seq`.
   */
  sumTrace(traceId: TraceId, seq: number, marks: string | null): void {
    const q = this.sql.q;
    const before = (q.traceUsageState.first({ trace_id: traceId })?.[1] as string | null | undefined) ?? null;
    const r = q.traceUsage.first({ trace_id: traceId });
    if (!r) return;
    const calls = r[0] as number;
    const modelCalls = r[2] as number;
    const priced = r[10] as number;
    const reported = r[11] as number;
    const unpriced = r[12] as number;
    const total = r[8] as number;
    // Kept whenever the trace has calls (the sums go on from it); rows show it when `showsUsage`.
    let usage: string | null = null;
    if (calls > 0) {
      const value: TraceUsage = {
        cost: {
          costUsd: roundUsd(((r[9] as number | null) ?? 0) / 1e12),
          isLowerBound: unpriced > 0,
          unpricedModels: unpriced > 0 ? this.unpricedLabels(traceId) : [],
          reportedCount: reported,
          pricedCount: priced,
          unpricedCount: unpriced,
        },
        tokens: { input: r[3] as number, output: r[4] as number, cacheRead: r[5] as number, cacheWrite: r[6] as number, reasoning: r[7] as number, total },
        modelCalls,
      };
      usage = JSON.stringify(value);
    }
    q.setTraceUsage.run({ trace_id: traceId, call_count: calls, usage, usage_marks: marks });
    // Calls written without a pricer are priced when the store gets one (usageRefresh.ts).
    const pending = calls > 0 && !this.pricer ? 1 : 0;
    if (usage !== before || pending) q.touchTrace.run({ trace_id: traceId, seq, pending });
  }

  /** The labels of a trace's counted unpriced calls, first-seen order (traceUsageLabels.sql). */
  private unpricedLabels(traceId: TraceId): string[] {
    return this.sql.q.traceUsageLabels
      .all({ trace_id: traceId })
      .map((l) => this.labelOf(l[0] as number | null))
      .slice(0, MAX_UNPRICED_MODELS);
  }

  /** An unpriced call's label from its dictionary id (`(unknown model)` when the dictionary was full). */
  private labelOf(id: number | null): string {
    const key = id === null ? undefined : this.interning.genaiNames[id];
    return key?.startsWith(LABEL_PREFIX) ? key.slice(LABEL_PREFIX.length) : '(unknown model)';
  }

  private hasLogs(traceId: TraceId, spanId: SpanId): boolean {
    let spans = this.logSpans.get(traceId);
    if (!spans) {
      spans = new Set(this.sql.q.traceLogSpans.all({ trace_id: traceId }).map((r) => r[0] as string));
      this.logSpans.set(traceId, spans);
    }
    return spans.has(spanId);
  }

  private spanLogs(traceId: TraceId, spanId: SpanId): LogRecordInfo[] {
    const lq = this.sql.q.spanLogs;
    return lq.all({ trace_id: traceId, span_id: spanId }).map((r) => logFromRow(lq, r));
  }
}

/**
 * `spans.usage_more` of a call's usage: `JSON.stringify({ t, r, w, z })` of its total, cache read,
 * cache write and reasoning tokens (absent ones left out), or `null` when it has none of them.
 * Written out by hand for counts that are numbers (a finite number's JSON is its `String`; others
 * are JSON `null`), as JSON.stringify writes them.
 */
export function moreJson(u: GenAiUsage): string | null {
  const t = u.totalTokens;
  const r = u.cacheReadTokens;
  const w = u.cacheWriteTokens;
  const z = u.reasoningTokens;
  if (r === undefined && w === undefined && z === undefined) {
    // The common case: only the total (input + output).
    if (t === undefined) return null;
    if (typeof t === 'number') return '{"t":' + jsonNumber(t) + '}';
  }
  if (!isCountOrAbsent(t) || !isCountOrAbsent(r) || !isCountOrAbsent(w) || !isCountOrAbsent(z)) return JSON.stringify({ t, r, w, z });
  let json = '';
  if (t !== undefined) json += `,"t":${jsonNumber(t)}`;
  if (r !== undefined) json += `,"r":${jsonNumber(r)}`;
  if (w !== undefined) json += `,"w":${jsonNumber(w)}`;
  if (z !== undefined) json += `,"z":${jsonNumber(z)}`;
  return `{${json.slice(1)}}`;
}

function isCountOrAbsent(v: unknown): boolean {
  return v === undefined || typeof v === 'number';
}

/** JSON text of a number (`null` for NaN and infinities, as JSON.stringify). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** A call stored without a pricer: unpriced, labelled by its model. */
function unpricedWithoutPricer(facts: CallFacts): CallCost {
  const cost: CallCost = { status: 'unpriced', reason: 'no-usage', detail: 'This call was not priced.' };
  const model = facts.responseModel ?? facts.requestModel;
  if (model !== undefined) cost.model = model;
  if (facts.provider !== undefined) cost.provider = facts.provider;
  return cost;
}
