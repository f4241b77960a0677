/**
 * The write path: a received span (or log record) from `TraceStore.insertSpans`/`insertLogs` to
 * committed rows. Per call: transactions of at most `MAX_ROWS_PER_TRANSACTION` rows until the
 * time budget runs out, each followed by retention (slicing.ts, retention.ts). Per span: checked
 * (`codec.ts spanProblem`), annotated (genaiFacts.ts), its resource, scope and GenAI names
 * interned (interning.ts; their reference counts go up, in memory, once the row is stored),
 * inserted 32 at a time with multi-row INSERTs (rowsInsert.ts; a re-sent span is then updated), folded into its trace's delta (traceDelta.ts) and staged
 * in the code index. Per transaction: one upsertTrace.sql per trace, then the first user message
 * (genaiFacts.ts); counters change after COMMIT, and the traces written are spared by byte-driven
 * eviction until the next write (`Retention.protectFrom`).
 *
 * Hot path: no per-span closures beyond the JSON guard, one map lookup per span for its trace's
 * delta; statements come from `StoreSql.q` (prepared once by `TraceStore`).
 */
import type { LogRecordInfo, SpanRecord, TraceId } from '../../model/trace';
import type { CodeIndex } from '../source/codeIndex';
import {
  STATUS_ERROR,
  badgeNamesKey,
  encodeLogDetail,
  encodeSpanDetail,
  hasExceptionEvent,
  kindCode,
  logProblem,
  packBadge,
  safely,
  spanProblem,
  statusNumber,
} from './codec';
import type { NanosParts } from './nanos';
import type { StoreCounters } from './counters';
import type { GenAiFacts, SpanAnnotation } from './genaiFacts';
import type { Interned, Interning } from './interning';
import { ROWS_PER_INSERT, type StoreSql } from './queries';
import type { Retention } from './retention';
import type { SearchIndex } from './searchIndex';
import type { TracePlan, UsageColumns } from './usageColumns';
import type { WrittenSpan } from './usageMarks';
import type { CallColumns } from './usageSums';
import { ChangeSet, MAX_REJECT_REASONS, MAX_ROWS_PER_TRANSACTION, now, type InsertResult, type WriteOptions, type WriteTally } from './slicing';
import type { Params } from './statement';
import { foldIntoDelta, upsertTraceParams, type TraceDelta } from './traceDelta';

/** Encodes detail JSON for binding as UTF-8 bytes (see queries/insertSpanDetail.sql). */
const utf8 = new TextEncoder();

/**
 * `true` for a log record the GenAI view reads as an event of its span (src/core/genai/events.ts
 * `collectEvents`: a `gen_ai.*` event name, or `event.name` attribute).
 */
function isGenAiEvent(log: LogRecordInfo): boolean {
  const name = log.eventName || (typeof log.attributes?.['event.name'] === 'string' ? (log.attributes['event.name'] as string) : '');
  return name.startsWith('gen_ai.');
}

/** Rejection reason for rows holding values JSON cannot encode (BigInt, cycles). */
const UNSERIALIZABLE = 'value not serializable to JSON';

/** A valid span ready to be written (`WritePath.prepareSpan`); `detail_id` is set when it is written. */
interface PreparedSpan {
  span: SpanRecord;
  row: Params;
  detail: Uint8Array;
  resource: Interned;
  scope: Interned;
  isError: number;
  facts: SpanAnnotation | undefined;
  /** Its start and end times (bound as numbers: `row.start_sec` …; folded into its trace's delta). */
  start: NanosParts;
  end: NanosParts;
  /** Its cost columns and parent for usageMarks.ts (the same object as `row`'s cost columns). */
  written?: WrittenSpan;
}

/** One write's spans of one trace (usageColumns.ts). */
interface TraceWrite {
  /** Every valid prepared span of the trace in this slice. */
  spans: WrittenSpan[];
  /** Those inserted as new spans. */
  inserted: WrittenSpan[];
  /** Some were re-sent (replaced a stored span). */
  resent: boolean;
  /** The cost bits planned before writing. */
  plan: TracePlan | undefined;
}

/** One transaction over `rows[from…to)`; returns the index of the first row not processed. */
type Transaction = (from: number, to: number, deadline: number, tally: WriteTally, changes: ChangeSet) => number;

/** The synchronous writes of one store (one instance per `TraceStore`). */
export class WritePath {
  /** Told of every stored span and correlated log record (full-text index, badge keys); set by `TraceStore`. */
  search: SearchIndex | undefined;
  /** Scratch lists of `spanTransaction`, reused across chunks. */
  private readonly chunk: PreparedSpan[] = [];
  private readonly spanRows: Params[] = [];
  private readonly detailRows: Params[] = [];

  constructor(
    private readonly sql: StoreSql,
    private readonly interning: Interning,
    private readonly counters: StoreCounters,
    private readonly code: CodeIndex,
    private readonly retention: Retention,
    private readonly genai: GenAiFacts,
    private readonly usage: UsageColumns,
  ) {}

  /** `TraceStore.insertSpans` once the store is known to be open (same contract). */
  insertSpans(spans: readonly SpanRecord[], options: WriteOptions): InsertResult {
    return this.write(spans, options, (from, to, deadline, tally, changes) =>
      this.spanTransaction(spans, from, to, deadline, tally, changes),
    );
  }

  /** `TraceStore.insertLogs` once the store is known to be open (same contract). */
  insertLogs(logs: readonly LogRecordInfo[], options: WriteOptions): InsertResult {
    return this.write(logs, options, (from, to, deadline, tally, changes) =>
      this.logTransaction(logs, from, to, deadline, tally, changes),
    );
  }

  /** Shared loop of insertSpans/insertLogs: transactions of ≤ MAX_ROWS rows, then retention. */
  private write(rows: readonly unknown[], options: WriteOptions, transaction: Transaction): InsertResult {
    const deadline = now() + (options.budgetMs ?? Infinity);
    const tally: WriteTally = { inserted: 0, updated: 0, rejected: 0, reasons: new Set() };
    const changes = new ChangeSet();
    let offset = Math.max(0, Math.floor(options.offset ?? 0));
    let retentionPending: boolean;
    do {
      if (offset < rows.length) {
        const to = Math.min(rows.length, offset + MAX_ROWS_PER_TRANSACTION);
        offset = transaction(offset, to, deadline, tally, changes);
      }
      // Also with nothing to write: lowered limits are honoured on the next write.
      retentionPending = this.retention.evictionTransaction(deadline, changes).pending;
    } while (offset < rows.length && now() < deadline);
    return {
      seq: this.counters.seq,
      nextOffset: offset,
      inserted: tally.inserted,
      updated: tally.updated,
      rejected: tally.rejected,
      rejectReasons: [...tally.reasons],
      changedTraceIds: [...changes.changed],
      removedTraceIds: [...changes.removed],
      retentionPending,
    };
  }

  private reject(tally: WriteTally, reason: string): void {
    tally.rejected += 1;
    this.counters.rejectedCount += 1;
    if (tally.reasons.size < MAX_REJECT_REASONS) tally.reasons.add(reason);
  }

  /**
   * A valid span's `insertSpan.sql`/`updateSpan.sql` parameters and detail JSON (inserting its
   * resource and scope if new), or the reason to refuse it. JSON-unsafe values (BigInt,
   * cycles) break the model's contract; they refuse the span instead of failing the slice.
   */
  private prepareSpan(span: SpanRecord): PreparedSpan | string {
    const start: NanosParts = { sec: 0, nsec: 0 };
    const end: NanosParts = { sec: 0, nsec: 0 };
    const problem = spanProblem(span, start, end);
    if (problem !== null) return problem;
    const facts = this.genai.annotate(span);
    const badge = facts?.badge ? packBadge(facts.badge, this.interning.genaiNameId(badgeNamesKey(facts.badge))) : undefined;
    const detail = safely(() => encodeSpanDetail(span));
    if (detail === null) return UNSERIALIZABLE;
    const resource = this.interning.resource(span.resource);
    const scope = this.interning.scope(span.scope);
    if (resource === undefined || scope === undefined) return this.unserializable(resource, scope);
    const statusCode = statusNumber(span.status.code)!;
    const events = span.events ?? [];
    const call = this.usage.spanParams(span, facts, this.counters.logCount > 0);
    return {
      span,
      detail: utf8.encode(detail),
      resource,
      scope,
      isError: statusCode === STATUS_ERROR ? 1 : 0,
      facts,
      start,
      end,
      row: {
        trace_id: span.traceId,
        span_id: span.spanId,
        parent_span_id: span.parentSpanId,
        name: span.name,
        kind: kindCode(span.kind)!,
        status_code: statusCode,
        start_sec: start.sec,
        start_nsec: start.nsec,
        end_sec: end.sec,
        end_nsec: end.nsec,
        resource_id: resource.id,
        scope_id: scope.id,
        event_count: events.length,
        has_exception: hasExceptionEvent(events) ? 1 : 0,
        detail_id: this.counters.nextDetailId,
        genai: badge ? badge.genai : null,
        genai_tokens: badge ? badge.tokens : null,
        call: call.call,
        cost_pico: call.cost_pico,
        cost_label: call.cost_label,
        usage_input: call.usage_input,
        usage_output: call.usage_output,
        usage_more: call.usage_more,
      },
    };
  }

  /**
   * A span or log record whose resource or scope cannot be encoded as JSON is refused; the other one,
   * if it was just inserted for it, is deleted again (no row uses it).
   */
  private unserializable(resource: Interned | undefined, scope: Interned | undefined): string {
    this.interning.dropIfUnused(resource, scope);
    return UNSERIALIZABLE;
  }

  /**
   * One transaction over `spans[from…to)`, stopping early at the deadline (after ≥ 1 span).
   * @returns the index of the first span not processed.
   */
  private spanTransaction(
    spans: readonly SpanRecord[],
    from: number,
    to: number,
    deadline: number,
    tally: WriteTally,
    changes: ChangeSet,
  ): number {
    const counters = this.counters;
    const genai = this.genai;
    const seq = counters.seq + 1;
    const deltas = new Map<TraceId, TraceDelta>();
    let inserted = 0;
    let updated = 0;
    let newTraces = 0;
    let next = from;
    const sql = this.sql;
    const q = sql.q;
    const interning = this.interning;
    const usage = this.usage;
    sql.transaction(() => {
      usage.begin();
      // Replaced only by clear(), never during a transaction.
      const services = interning.serviceNames;
      // 1. Every span of the slice prepared (checks, GenAI facts, price, interning), so that the
      //    cost bits are known before the rows are written (usageMarks.ts: no second write).
      //    Preparing stops at half the time left, so that little of it is redone by the next slice.
      const prepared = new Array<PreparedSpan | string>(to - from);
      const byTrace = new Map<TraceId, TraceWrite>();
      const start = now();
      const prepareUntil = start + (deadline - start) / 2;
      for (let i = from; i < to; i++) {
        const p = this.prepareSpan(spans[i]!);
        prepared[i - from] = p;
        if (now() >= prepareUntil) to = i + 1;
        if (typeof p === 'string') continue;
        const span = spans[i]!;
        let w = byTrace.get(span.traceId);
        if (!w) byTrace.set(span.traceId, (w = { spans: [], inserted: [], resent: false, plan: undefined }));
        p.written = { spanId: span.spanId, parentSpanId: span.parentSpanId, columns: p.row as unknown as CallColumns };
        w.spans.push(p.written);
      }
      for (const [traceId, w] of byTrace) w.plan = usage.planTrace(traceId, w.spans);
      // 2. The rows, in chunks of multi-row INSERTs (rowsInsert.ts), until the time budget runs
      //    out (the rest comes with the next slice).
      while (next < to) {
        const end = Math.min(to, next + ROWS_PER_INSERT);
        const chunk = this.chunk;
        chunk.length = 0;
        for (let i = next; i < end; i++) {
          const entry = prepared[i - from]!;
          if (typeof entry === 'string') this.reject(tally, entry);
          else chunk.push(entry);
        }
        next = end;
        if (chunk.length > 0) {
          const fresh = this.writeChunk(chunk);
          for (let k = 0; k < chunk.length; k++) {
            const entry = chunk[k]!;
            const span = entry.span;
            const w = byTrace.get(span.traceId)!;
            let spanDelta = 0;
            let errorDelta: number;
            if (fresh[k]) {
              interning.ref(entry.resource);
              interning.ref(entry.scope);
              spanDelta = 1;
              errorDelta = entry.isError;
              inserted++;
              w.inserted.push(entry.written!);
            } else {
              errorDelta = this.replaceSpan(entry);
              updated++;
              w.resent = true;
            }
            foldIntoDelta(deltas, span, entry.start, entry.end, services, entry.resource.id, spanDelta, errorDelta, entry.facts);
            if (entry.row.call !== null) deltas.get(span.traceId)!.calls++;
            this.search?.spanStored(span.traceId, span.spanId, entry.row.genai as number | null, spanDelta > 0);
            // A re-sent span keeps its first indexing (SDK retries resend the same span).
            if (spanDelta > 0) this.code.add(span);
          }
        }
        if (now() >= deadline) break;
      }
      // Prepared but not written: resources and scopes interned only for them go again.
      for (let i = next; i < to; i++) {
        const entry = prepared[i - from]!;
        if (typeof entry !== 'string') interning.dropIfUnused(entry.resource, entry.scope);
      }
      for (const [traceId, d] of deltas) {
        const spanDelta = d.spanDelta;
        const returned = q.upsertTrace.first(upsertTraceParams(traceId, d, seq));
        const created = spanDelta > 0 && returned?.[0] === spanDelta;
        if (created) newTraces++;
        if (genai.annotator && (d.modelCalls !== null || (created && genai.hasPendingLogs(traceId)))) {
          genai.updateFirstUserMessage(traceId, d.modelCalls, (returned?.[1] as string | null | undefined) ?? null, created, seq);
        }
        // Cost and tokens: kept up to date when this write or the stored trace has calls.
        const w = byTrace.get(traceId)!;
        if (d.calls > 0 || w.plan!.stored.callCount > 0) usage.traceWritten(traceId, w.plan!, w.spans, w.inserted, w.resent, seq);
      }
    });
    tally.inserted += inserted;
    tally.updated += updated;
    counters.spanCount += inserted;
    counters.traceCount += newTraces;
    if (deltas.size > 0) {
      counters.seq = seq;
      // The traces just written are not evicted for bytes until a later write (retention.ts).
      this.retention.protectFrom(seq);
      for (const traceId of deltas.keys()) changes.change(traceId);
    }
    return next;
  }

  /**
   * Inserts `chunk`'s spans with multi-row INSERTs, and the details of those that were new.
   * Each span gets the next detail id; a re-sent span (already stored: its INSERT does nothing)
   * leaves its id unused, so detail ids increase but may have gaps.
   * @returns per span of `chunk`: `true` when it was inserted, `false` when it was already stored
   * (the caller replaces it: `replaceSpan`).
   */
  private writeChunk(chunk: readonly PreparedSpan[]): boolean[] {
    const counters = this.counters;
    const rows = this.sql.rows;
    const first = counters.nextDetailId;
    const n = chunk.length;
    const spanRows = this.spanRows;
    spanRows.length = n;
    for (let k = 0; k < n; k++) {
      const row = chunk[k]!.row;
      row.detail_id = first + k;
      spanRows[k] = row;
    }
    counters.nextDetailId = first + n;
    const changed = rows.insertSpan.run(spanRows, 0, n, this.sql.rowsModified);
    const fresh = new Array<boolean>(n).fill(true);
    const details = this.detailRows;
    details.length = 0;
    if (changed === n) {
      for (let k = 0; k < n; k++) details.push({ id: first + k, detail: chunk[k]!.detail });
    } else {
      // Some were stored already (rare: SDK retries): the span row holds the detail id of
      // whichever version was inserted; ours means this one is new.
      const existing = this.sql.q.existingSpan;
      for (let k = 0; k < n; k++) {
        const span = chunk[k]!.span;
        const stored = existing.first({ trace_id: span.traceId, span_id: span.spanId });
        if (stored?.[1] === first + k) details.push({ id: first + k, detail: chunk[k]!.detail });
        else fresh[k] = false;
      }
    }
    rows.insertSpanDetail.run(details, 0, details.length, this.sql.rowsModified);
    return fresh;
  }

  /**
   * Replaces a stored span by its re-sent version (last write wins; its detail row is reused).
   * @returns the change in the trace's error count.
   */
  private replaceSpan(entry: PreparedSpan): number {
    const { row, detail, resource, scope, isError, span } = entry;
    const q = this.sql.q;
    const old = q.existingSpan.first({ trace_id: span.traceId, span_id: span.spanId });
    if (!old) throw new Error('insertSpan.sql: conflict without a stored span');
    q.updateSpan.run(row);
    q.updateSpanDetail.run({ id: old[1] as number, detail });
    if (old[2] !== resource.id || old[3] !== scope.id) {
      // Moved to another resource or scope: the old ones lose a user (and go if it was the last).
      this.interning.ref(resource);
      this.interning.ref(scope);
      this.interning.release(old[2] as number, old[3] as number, 1);
    }
    return isError - (old[0] === STATUS_ERROR ? 1 : 0);
  }

  /** A valid log record's `insertLog.sql` parameters, or the reason to refuse it. */
  private prepareLog(log: LogRecordInfo): { row: Params; resource: Interned; scope: Interned } | string {
    const problem = logProblem(log);
    if (problem !== null) return problem;
    const detail = safely(() => encodeLogDetail(log));
    if (detail === null) return UNSERIALIZABLE;
    const resource = this.interning.resource(log.resource);
    const scope = this.interning.scope(log.scope);
    if (resource === undefined || scope === undefined) return this.unserializable(resource, scope);
    const row = {
      trace_id: log.traceId,
      span_id: log.spanId,
      time_ns: log.timeUnixNano,
      observed_ns: log.observedTimeUnixNano,
      severity_number: log.severityNumber ?? 0,
      severity_text: log.severityText ?? '',
      event_name: log.eventName ?? '',
      flags: log.flags ?? 0,
      resource_id: resource.id,
      scope_id: scope.id,
      detail: utf8.encode(detail),
    };
    return { row, resource, scope };
  }

  /** One transaction over `logs[from…to)`; see spanTransaction. */
  private logTransaction(
    logs: readonly LogRecordInfo[],
    from: number,
    to: number,
    deadline: number,
    tally: WriteTally,
    changes: ChangeSet,
  ): number {
    let inserted = 0;
    let next = from;
    const traces = new Set<TraceId>();
    // GenAI: records that may carry the trace's first user message, by trace.
    let userLogs: Map<TraceId, LogRecordInfo[]> | undefined;
    // GenAI events of spans (they may change a span's cost facts), by trace.
    let eventSpans: Map<TraceId, Set<string>> | undefined;
    const userEvents = this.genai.annotator?.userTextEventNames;
    this.sql.transaction(() => {
      this.usage.begin();
      while (next < to) {
        const log = logs[next++]!;
        const prepared = this.prepareLog(log);
        if (typeof prepared === 'string') {
          this.reject(tally, prepared);
        } else {
          this.sql.q.insertLog.run(prepared.row);
          this.interning.ref(prepared.resource);
          this.interning.ref(prepared.scope);
          inserted++;
          if (log.traceId !== null) {
            traces.add(log.traceId);
            if (log.spanId !== null) {
              this.search?.logStored(log.traceId, log.spanId);
              if (isGenAiEvent(log)) {
                eventSpans ??= new Map();
                const set = eventSpans.get(log.traceId);
                if (set) set.add(log.spanId);
                else eventSpans.set(log.traceId, new Set([log.spanId]));
              }
            }
            if (userEvents?.includes(log.eventName)) {
              userLogs ??= new Map();
              const list = userLogs.get(log.traceId);
              if (list) list.push(log);
              else userLogs.set(log.traceId, [log]);
            }
          }
        }
        if (now() >= deadline) break;
      }
      if (userLogs) this.genai.correlateLogs(userLogs, this.counters.seq + 1);
      if (eventSpans) this.usage.logsStored(eventSpans, this.counters.seq + 1);
    });
    tally.inserted += inserted;
    this.counters.logCount += inserted;
    if (inserted > 0) {
      this.counters.seq += 1;
      for (const traceId of traces) changes.change(traceId);
    }
    return next;
  }
}
