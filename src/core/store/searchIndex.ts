/**
 * The store's full-text index and the bookkeeping filters need at write time. Three jobs:
 *
 * - At write time (cheap, in the write transaction): note which traces have spans to index
 *   (`pending`), which indexed spans changed (re-sent span, log records arriving after the span
 *   was indexed: "stale"), and each trace's GenAI badge keys (`store.trace_genai`, one row per
 *   distinct key and trace, plus one per distinct kind: `codec.ts kindOnlyKey`; flushed once per
 *   transaction).
 * - When the back end is idle (`indexSlice`, driven by src/core/search/indexScheduler.ts in slices
 *   of a few milliseconds): build each pending span's document (searchText.ts) and add it to the
 *   current full-text slot. Indexing costs ~100-250 µs per agent span, several times the insert
 *   itself, so it never runs inside ingest.
 * - At eviction and deletion (retention.ts calls `traceRemoved` in its transaction): the trace's
 *   `search_docs` rows and badge keys go at once, so its spans are never returned again.
 *
 * Why slots. The index is contentless FTS4 (`content=""`): it stores only the postings, not a
 * second copy of the text (measured over 102,400 agent spans: +1.0 KB per span contentless, +4.3
 * KB with an external-content table holding the text, on a 3.4 KB span). Contentless FTS4 cannot
 * delete a document, so documents are spread over `SEARCH_SLOTS` tables used in turn: new
 * documents go to the current slot; a slot all of whose documents are gone (their rows in
 * `search_docs` deleted: spans evicted, deleted, re-indexed) is dropped and created again at once
 * (in the evicting transaction, so retention sees the bytes freed), which frees its pages.
 * Retention evicts the oldest traces first, so older slots empty out in order.
 * The current slot moves on to an empty slot once it holds `max(MIN_SLOT_DOCS, live / (SLOTS-1))`
 * documents. When no slot is empty and an old slot's live documents are down to
 * `COMPACT_LIVE_FRACTION` of what it holds (a long-lived trace keeps it alive), its live documents
 * are indexed again into the current slot, then it is reset. Unreachable postings therefore cost
 * memory for a while (at most about one slot); they are counted in `indexBytes`.
 *
 * The index lives in the attached `search` database (schema.sql), so its bytes are exact:
 * `(page_count - freelist_count) * page_size` of that database; retention adds them to the
 * store's (`maxMegabytes` counts them). It is not in snapshots: after a restore every trace is
 * pending again.
 *
 * In-memory state follows the transactions: `begin` saves it, `rollback` restores it (the SQL
 * changes are rolled back too), and removals of pending traces apply on `commit`.
 *
 * Queries of the index (which spans or traces match) are searchMatches.ts.
 */
import type { IndexStatus } from '../../model/search';
import type { SpanId, TraceId } from '../../model/trace';
import { genaiKeyOf, kindOnlyKey } from './codec';
import type { StoreCounters } from './counters';
import type { QueryName, ScriptName, StoreSql } from './queries';
import { now } from './slicing';
import { spanDocumentText, type StoredLogText } from './searchText';
import type { Params } from './statement';

// ---------------------------------------------------------------------------------------------
// Tunables

/** Full-text slots (contentless FTS4 tables `search.search_fts_0…3`); see the module comment. */
export const SEARCH_SLOTS = 4;

/**
 * The current slot moves on after at least this many documents (and `live / (SLOTS - 1)`). Small
 * enough that a small store turns its slots over (postings of evicted spans are freed only with
 * their slot), large enough that slots are not reset and compacted all the time.
 */
export const MIN_SLOT_DOCS = 1_000;

/** An old slot is compacted (live documents moved, then reset) at or below this share of live documents, when no slot is empty. */
export const COMPACT_LIVE_FRACTION = 0.25;

/**
 * One step of segment merging (FTS4 `merge=X,Y`): at most 16 pages written, 4 segments of a level
 * at a time; run at the end of each slice that added documents, and in idle slices until nothing
 * is left to merge, so no level reaches the 16 segments at which FTS4 merges it whole inside one
 * commit. Measured over 102,400 agent spans (2-core VM, other tests running): slices p50 7.5 ms,
 * p99 13 ms, max 50-55 ms (a step that completes a merge deletes its input segments), where FTS4's
 * own merging gave commits of 40-250 ms; steps of 32 or 64 pages gave 60-100 ms slices.
 */
const MERGE_COMMAND = 'merge=16,4';

/** Bytes of a page of the `search` database (schema.sql). */
const SEARCH_PAGE_SIZE = 4096;

// ---------------------------------------------------------------------------------------------

const INSERT_TEXT: readonly QueryName[] = ['insertSearchText0', 'insertSearchText1', 'insertSearchText2', 'insertSearchText3'];
const MERGE_SLOT: readonly QueryName[] = ['mergeSearchSlot0', 'mergeSearchSlot1', 'mergeSearchSlot2', 'mergeSearchSlot3'];
/** The scripts that create (or reset) each full-text slot; `TraceStore.open` runs them after schema.sql. */
export const SEARCH_SLOT_SCRIPTS: readonly ScriptName[] = ['resetSearchSlot0', 'resetSearchSlot1', 'resetSearchSlot2', 'resetSearchSlot3'];

const utf8 = new TextEncoder();

/** Documents of one slot: ids `first…last` (0: empty), how many were added, how many are still live; segments left to merge. */
interface Slot {
  first: number;
  last: number;
  docs: number;
  live: number;
  merging: boolean;
}

/** A trace being indexed: its spans still to do, and the changed spans to index again. */
interface Work {
  traceId: TraceId;
  todo: Array<{ spanId: SpanId; docid: number | null }>;
  next: number;
  /** Spans that changed after being indexed (from `pending` when the work was taken). */
  stale: ReadonlySet<SpanId>;
}

/** In-memory state saved at `begin` and restored on `rollback`. */
interface Saved {
  slots: Slot[];
  current: number;
  liveDocs: number;
  work: Work | undefined;
  workNext: number;
}

/** What one `indexSlice` did. */
export interface IndexSliceResult {
  /** Documents added (new spans, changed spans, documents moved out of a slot). */
  indexed: number;
  /** More to do: call again. */
  pending: boolean;
}

const emptySlot = (): Slot => ({ first: 0, last: 0, docs: 0, live: 0, merging: false });

/** The full-text index of one store (one instance per `TraceStore`). */
export class SearchIndex {
  /** Traces with spans to index; the set holds spans to index again although they have a document. */
  private pending = new Map<TraceId, Set<SpanId>>();
  private work: Work | undefined;
  private liveDocs = 0;
  private nextDocid = 1;
  private current = 0;
  private slots: Slot[] = Array.from({ length: SEARCH_SLOTS }, emptySlot);
  /** Badge keys per trace written in the open transaction (flushed to trace_genai before COMMIT). */
  private writeKeys = new Map<TraceId, Set<number>>();
  private saved: Saved | undefined;
  /** Traces removed in the open transaction: no longer pending once it commits. */
  private removed: TraceId[] = [];
  /** Traces taken from `pending` in the open transaction (given back on rollback). */
  private taken: Work[] = [];

  /**
   * @param minSlotDocs `MIN_SLOT_DOCS` unless given (tests use small slots to see them turn over).
   */
  constructor(
    private readonly sql: StoreSql,
    private readonly counters: StoreCounters,
    private readonly minSlotDocs: number = MIN_SLOT_DOCS,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Transactions (called by TraceStore.transaction)

  /** A transaction began: save what a rollback restores. */
  begin(): void {
    this.saved = {
      slots: this.slots.map((s) => ({ ...s })),
      current: this.current,
      liveDocs: this.liveDocs,
      work: this.work,
      workNext: this.work?.next ?? 0,
    };
    this.removed = [];
    this.taken = [];
  }

  /** Before COMMIT, inside the transaction: the badge keys of the spans written in it. */
  beforeCommit(): void {
    if (this.writeKeys.size === 0) return;
    const rows: Params[] = [];
    for (const [traceId, keys] of this.writeKeys) {
      for (const key of keys) rows.push({ genai_key: key, trace_id: traceId });
    }
    this.sql.rows.insertTraceGenai.run(rows, 0, rows.length, this.sql.rowsModified);
    this.writeKeys.clear();
  }

  /** After COMMIT: removed traces stop being pending. */
  commit(): void {
    for (const traceId of this.removed) {
      this.pending.delete(traceId);
      if (this.work?.traceId === traceId) this.work = undefined;
    }
    this.removed = [];
    this.saved = undefined;
    this.taken = [];
  }

  /** After ROLLBACK: the in-memory state of `begin`; work taken meanwhile is pending again. */
  rollback(): void {
    const s = this.saved;
    if (s) {
      this.slots = s.slots;
      this.current = s.current;
      this.liveDocs = s.liveDocs;
      this.work = s.work;
      if (s.work) s.work.next = s.workNext;
    }
    for (const w of this.taken) this.markPending(w.traceId, w.stale);
    this.writeKeys.clear();
    this.removed = [];
    this.saved = undefined;
    this.taken = [];
  }

  // -------------------------------------------------------------------------------------------
  // Write-path hooks (writePath.ts, retention.ts)

  /**
   * A span was written (in the open transaction): its trace has something to index; a re-sent
   * span (`isNew` false) is indexed again; its badge (`spans.genai`, or null) is noted for
   * trace_genai.
   */
  spanStored(traceId: TraceId, spanId: SpanId, genai: number | null, isNew: boolean): void {
    let set = this.pending.get(traceId);
    if (!set) this.pending.set(traceId, (set = new Set()));
    if (!isNew) set.add(spanId);
    if (genai !== null) {
      let keys = this.writeKeys.get(traceId);
      if (!keys) this.writeKeys.set(traceId, (keys = new Set()));
      const key = genaiKeyOf(genai);
      keys.add(key);
      keys.add(kindOnlyKey(key)); // "a span of this kind", whatever its names (kind: alone)
    }
  }

  /** A log record correlated with a span was written: the span's document is built again (it includes its logs). */
  logStored(traceId: TraceId, spanId: SpanId): void {
    let set = this.pending.get(traceId);
    if (!set) this.pending.set(traceId, (set = new Set()));
    set.add(spanId);
  }

  /**
   * A trace is being deleted (in the caller's transaction): its documents' rows and badge keys go
   * now (its postings stay unreachable in their slots until those are reset).
   */
  traceRemoved(traceId: TraceId): void {
    const q = this.sql.q;
    // Collected first: a slot reset (DDL) cannot run while the DELETE … RETURNING is active.
    for (const row of q.deleteTraceSearchDocs.all({ trace_id: traceId })) this.dropDoc(row[0] as number);
    q.deleteTraceGenai.run({ trace_id: traceId });
    this.writeKeys.delete(traceId);
    this.removed.push(traceId);
  }

  /** After `clear.sql` (in its transaction): every slot empty, nothing pending. */
  clear(): void {
    for (const script of SEARCH_SLOT_SCRIPTS) this.sql.runScript(script);
    this.pending = new Map();
    this.work = undefined;
    this.liveDocs = 0;
    this.slots = Array.from({ length: SEARCH_SLOTS }, emptySlot);
    this.current = 0;
    this.writeKeys.clear();
  }

  /** After a snapshot was restored: the index is empty and every stored trace is pending. */
  restore(): void {
    this.sql.q.restoreTraceIds.each({}, (row) => this.markPending(row[0] as string));
  }

  // -------------------------------------------------------------------------------------------
  // Background indexing

  /** `true` while spans wait to be indexed (or changed spans to be indexed again) or a slot to be compacted. */
  get hasWork(): boolean {
    return this.pending.size > 0 || this.work !== undefined || this.compactionCandidate() !== undefined || this.resettableSlot() !== undefined || this.slots.some((s) => s.merging);
  }

  /**
   * One slice of background work in one transaction until `now() >= deadline` (at least one
   * document when there is work): reset empty slots, move the current slot on, compact, index
   * pending spans trace by trace (oldest pending first), then one merge step of the slot written;
   * with nothing left to index, merge steps until the deadline.
   * @throws Error on SQLite failure (the slice is rolled back; its traces stay pending).
   */
  indexSlice(deadline: number): IndexSliceResult {
    let indexed = 0;
    this.sql.transaction(() => {
      this.maintainSlots();
      let first = true;
      let idle = false;
      while (first || now() < deadline) {
        first = false;
        if (this.compactStep()) {
          indexed++;
          continue;
        }
        const item = this.nextSpan();
        if (!item) {
          idle = true;
          break;
        }
        if (this.indexSpan(item.traceId, item.spanId, item.docid)) indexed++;
      }
      if (indexed > 0) this.mergeStep(this.current);
      if (idle) {
        for (let i = this.mergingSlot(); i !== undefined && now() < deadline; i = this.mergingSlot()) this.mergeStep(i);
      }
    });
    return { indexed, pending: this.hasWork };
  }

  private mergingSlot(): number | undefined {
    const i = this.slots.findIndex((s) => s.merging);
    return i >= 0 ? i : undefined;
  }

  /** One `MERGE_COMMAND` step on slot `i`; the slot stays `merging` while a step does work. */
  private mergeStep(i: number): void {
    const q = this.sql.q;
    const before = q.totalChanges.first()![0] as number;
    q[MERGE_SLOT[i]!].run({ command: MERGE_COMMAND });
    const after = q.totalChanges.first()![0] as number;
    this.slots[i]!.merging = after - before >= 2;
  }

  /** Drops slots without live documents (not the current one) and moves the current slot on when it is full. */
  private maintainSlots(): void {
    for (let i = this.resettableSlot(); i !== undefined; i = this.resettableSlot()) this.resetSlot(i);
    const target = Math.max(this.minSlotDocs, Math.ceil(this.liveDocs / (SEARCH_SLOTS - 1)));
    if (this.slots[this.current]!.docs >= target) {
      const empty = this.slots.findIndex((s, i) => i !== this.current && s.docs === 0);
      if (empty >= 0) this.current = empty;
    }
  }

  private resettableSlot(): number | undefined {
    const i = this.slots.findIndex((s) => s.docs > 0 && s.live === 0);
    return i >= 0 ? i : undefined;
  }

  /** An old slot to compact: no slot is empty, and its live share is at or below `COMPACT_LIVE_FRACTION`. */
  private compactionCandidate(): number | undefined {
    if (this.slots.some((s, i) => i !== this.current && s.docs === 0)) return undefined;
    let best: number | undefined;
    let bestShare = COMPACT_LIVE_FRACTION;
    this.slots.forEach((s, i) => {
      if (i === this.current || s.docs === 0 || s.live === 0) return;
      const share = s.live / s.docs;
      if (share <= bestShare) {
        best = i;
        bestShare = share;
      }
    });
    return best;
  }

  /** Moves one live document out of the slot being compacted; `false` when there is none to move. */
  private compactStep(): boolean {
    const i = this.compactionCandidate();
    if (i === undefined) return false;
    const slot = this.slots[i]!;
    const row = this.sql.q.searchSlotDocs.first({ first: slot.first, last: slot.last, limit: 1 });
    if (!row) {
      // Counts drifted (should not happen): the slot holds nothing live.
      this.liveDocs -= slot.live;
      slot.live = 0;
      return false;
    }
    return this.indexSpan(row[1] as string, row[2] as string, row[0] as number);
  }

  /** The next span to (re)index, taking the oldest pending trace when the current one is done. */
  private nextSpan(): { traceId: TraceId; spanId: SpanId; docid: number | null } | undefined {
    for (;;) {
      const w = this.work;
      if (w && w.next < w.todo.length) {
        const item = w.todo[w.next++]!;
        return { traceId: w.traceId, ...item };
      }
      this.work = undefined;
      const first = this.pending.entries().next();
      if (first.done) return undefined;
      const [traceId, stale] = first.value;
      this.pending.delete(traceId);
      const todo: Work['todo'] = [];
      this.sql.q.searchTraceSpans.each({ trace_id: traceId }, (row) => {
        const spanId = row[0] as string;
        const docid = row[1] as number | null;
        if (docid === null || stale.has(spanId)) todo.push({ spanId, docid });
      });
      this.work = { traceId, todo, next: 0, stale };
      this.taken.push(this.work);
    }
  }

  /**
   * Indexes one span into the current slot, replacing its document `docid` (if any).
   * @returns `false` when the span is no longer stored (nothing indexed).
   */
  private indexSpan(traceId: TraceId, spanId: SpanId, docid: number | null): boolean {
    const q = this.sql.q;
    const key = { trace_id: traceId, span_id: spanId };
    if (docid !== null) {
      q.deleteSearchDoc.run({ docid });
      if (this.sql.rowsModified() > 0) this.dropDoc(docid);
    }
    const source = q.searchSpanSource.first(key);
    if (!source) return false;
    const logs: StoredLogText[] = [];
    q.searchSpanLogs.each(key, (row) => logs.push({ eventName: row[0] as string, detail: row[1] as string }));
    const text = spanDocumentText(source[0] as string, source[1] as string, logs);
    const id = this.nextDocid++;
    q[INSERT_TEXT[this.current]!].run({ docid: id, body: utf8.encode(text) });
    q.insertSearchDoc.run({ docid: id, trace_id: traceId, span_id: spanId });
    const slot = this.slots[this.current]!;
    if (slot.first === 0) slot.first = id;
    slot.last = id;
    slot.docs++;
    slot.live++;
    this.liveDocs++;
    return true;
  }

  /**
   * A document's row was deleted: one live document less in its slot; a slot left without live
   * documents is reset at once (its pages freed), so eviction reclaims the index's bytes too.
   * Never called while a statement is active (the reset is DDL).
   */
  private dropDoc(docid: number): void {
    const i = this.slots.findIndex((slot) => slot.first !== 0 && docid >= slot.first && docid <= slot.last);
    const slot = this.slots[i];
    if (slot) {
      slot.live = Math.max(0, slot.live - 1);
      if (slot.live === 0) this.resetSlot(i);
    }
    this.liveDocs = Math.max(0, this.liveDocs - 1);
  }

  /** Drops and creates slot `i` again (empty); it stays current if it was. */
  private resetSlot(i: number): void {
    this.sql.runScript(SEARCH_SLOT_SCRIPTS[i]!);
    this.slots[i] = emptySlot();
  }

  private markPending(traceId: TraceId, stale?: ReadonlySet<SpanId>): void {
    let set = this.pending.get(traceId);
    if (!set) this.pending.set(traceId, (set = new Set()));
    if (stale) for (const s of stale) set.add(s);
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  /** Bytes of the index database's pages in use (exact: `search` holds nothing else). */
  usedBytes(): number {
    const q = this.sql.q;
    const pages = q.searchPageCount.first()![0] as number;
    const free = q.searchFreelistCount.first()![0] as number;
    return (pages - free) * SEARCH_PAGE_SIZE;
  }

  /** Bytes of the index database's pages, free ones included (memory it holds). */
  heldBytes(): number {
    return (this.sql.q.searchPageCount.first()![0] as number) * SEARCH_PAGE_SIZE;
  }

  /** How far the index lags behind the store (`IndexStatus`, src/model/search.ts). */
  status(): IndexStatus {
    const spans = this.counters.spanCount;
    const pendingSpans = this.pending.size > 0 || this.work !== undefined ? Math.max(0, spans - this.liveDocs) : 0;
    return { pendingSpans, indexedSpans: this.liveDocs, indexBytes: this.usedBytes() };
  }

  /**
   * Spans of a trace whose document is missing or out of date (not indexed yet, or changed since):
   * Find scans these directly. Ids in primary-key order.
   */
  unindexedSpans(traceId: TraceId): SpanId[] {
    const stale = new Set<SpanId>(this.pending.get(traceId));
    const w = this.work;
    if (w?.traceId === traceId) {
      for (const s of w.stale) stale.add(s);
      for (let i = w.next; i < w.todo.length; i++) stale.add(w.todo[i]!.spanId);
    }
    const out: SpanId[] = [];
    this.sql.q.searchTraceSpans.each({ trace_id: traceId }, (row) => {
      const spanId = row[0] as string;
      if (row[1] === null || stale.has(spanId)) out.push(spanId);
    });
    return out;
  }
}
