/**
 * Loads the selected span's details into the details pane: from a small cache (most recently used
 * `DETAIL_CACHE_SIZE`), else by a `spanDetail` request whose answer is dropped when a newer
 * selection came in meanwhile; keyboard selection waits `KEYBOARD_DETAIL_DELAY_MS` so holding an
 * arrow key does not send a request per row. A loaded detail also gives the row its event ticks.
 *
 * Prefetch (`prefetch`): a span the pointer rests on, and the rows next to a selection once it
 * settles (a click, or a key after `KEYBOARD_DETAIL_DELAY_MS`), are requested ahead into the
 * cache, so the click or key that follows shows the details at once instead of after a round trip
 * to the extension host and its worker. A request in flight is shared (a click during its
 * prefetch waits for that answer, it does not ask again); at most `MAX_PREFETCHES` prefetches are
 * in flight, further ones replace the queued one.
 */
import { nanoDiffMs } from '../../src/model/format';
import type { SkeletonSpan, SpanDetail, SpanId } from '../../src/model/trace';
import type { DetailsPane } from './details';
import { afterNextPaint } from './timing';
import type { TraceTree } from './tree';
import type { SelectOrigin } from './waterfall';

const KEYBOARD_DETAIL_DELAY_MS = 120;
const DETAIL_CACHE_SIZE = 64;
/** Prefetch requests in flight at most (each answer is up to tens of KB of span detail). */
const MAX_PREFETCHES = 2;

export interface DetailLoaderHost {
  details: DetailsPane;
  tree(): TraceTree | null;
  traceId(): string | undefined;
  skeletonOf(spanId: SpanId): SkeletonSpan | null;
  request(traceId: string, spanId: SpanId): Promise<SpanDetail | null>;
  /** Event ticks for a span's bar: 0–1 positions, exception events marked. */
  setEventMarks(spanId: SpanId, marks: { at: number; exception: boolean }[]): void;
  /** The spans of the rows above and below a span's row (prefetched when a selection settles). */
  neighbours?(spanId: SpanId): SpanId[];
  /** A selected span's details are shown (`cached`: from the cache, no request waited for). */
  shown?(spanId: SpanId, cached: boolean): void;
}

export class DetailLoader {
  private readonly cache = new Map<SpanId, SpanDetail>();
  /** Requests in flight by span (a selection's or a prefetch's), with the cache generation they were sent in. */
  private readonly inFlight = new Map<SpanId, { answer: Promise<SpanDetail | null>; generation: number }>();
  private prefetching = 0;
  private queuedPrefetch: SpanId | null = null;
  /** Bumped by `clear` and `forget`: an answer to an older request is not cached. */
  private generation = 0;
  private token = 0;
  private timer = 0;

  constructor(private readonly host: DetailLoaderHost) {}

  /** Forgets every cached detail (another trace, or it was removed). */
  clear(): void {
    this.cache.clear();
    this.inFlight.clear();
    this.queuedPrefetch = null;
    this.generation++;
  }

  /** Forgets one span's cached detail (it changed). */
  forget(spanId: SpanId): void {
    this.cache.delete(spanId);
    this.inFlight.delete(spanId);
    this.generation++;
  }

  /** `true` when the span's detail is cached or being requested. */
  has(spanId: SpanId): boolean {
    return this.cache.has(spanId) || this.inFlight.has(spanId);
  }

  /**
   * Requests a span's detail into the cache without showing it (see the module comment); does
   * nothing for a cached, requested or placeholder span.
   */
  prefetch(spanId: SpanId): void {
    if (this.has(spanId) || !this.host.traceId() || !this.host.skeletonOf(spanId) || this.host.tree()?.isPlaceholder(spanId)) return;
    if (this.prefetching >= MAX_PREFETCHES) {
      this.queuedPrefetch = spanId;
      return;
    }
    this.prefetching++;
    const done = () => {
      this.prefetching--;
      const next = this.queuedPrefetch;
      this.queuedPrefetch = null;
      if (next) this.prefetch(next);
    };
    this.request(spanId).then(done, done);
  }

  /** Shows a span's details: placeholder, cached, or loading (delayed for keyboard selection). */
  show(spanId: SpanId, origin: SelectOrigin): void {
    const { details } = this.host;
    const skeleton = this.host.skeletonOf(spanId);
    const tree = this.host.tree();
    if (!skeleton || !tree) return;
    window.clearTimeout(this.timer);
    const node = tree.nodes[tree.indexBySpanId.get(spanId)!]!;
    if (node.placeholder) {
      // Nothing to load: the span was never received.
      this.token++;
      details.show({ kind: 'missingParent', skeleton, childCount: node.childCount });
      return;
    }
    const keyboard = origin === 'keyboard';
    const cached = this.cache.get(spanId);
    const delayed = !cached && keyboard && !this.inFlight.has(spanId);
    if (cached) {
      this.token++;
      details.show({ kind: 'loaded', skeleton, detail: cached });
      this.host.shown?.(spanId, true);
    } else if (delayed) {
      details.show({ kind: 'loading', skeleton });
    } else {
      // A trace just opened ('restore'): its rows paint first, the loading state a frame later.
      this.load(spanId, false, origin === 'restore');
    }
    // Once a selection by the user settles: its request if it waited (keyboard), and the rows
    // next to it ahead (the ↑ / ↓ that often follows shows them at once).
    if (keyboard || origin === 'click') {
      this.timer = window.setTimeout(() => {
        if (delayed) this.load(spanId, false);
        for (const id of this.host.neighbours?.(spanId) ?? []) this.prefetch(id);
      }, KEYBOARD_DETAIL_DELAY_MS);
    }
  }

  /**
   * Requests one span's details; `quiet` keeps the current content until the answer arrives.
   * `afterPaint`: the loading state is rendered after the next frame (when the trace's first rows
   * are being built in this task: rendering it there cost ~10% of the time to the first rows),
   * unless the answer came first.
   */
  load(spanId: SpanId, quiet: boolean, afterPaint = false): void {
    const skeleton = this.host.skeletonOf(spanId);
    if (!this.host.traceId() || !skeleton || this.host.tree()?.isPlaceholder(spanId)) return;
    const token = ++this.token;
    const { details } = this.host;
    // The request goes out first: rendering the loading state must not delay it.
    const answer = this.request(spanId);
    let answered = false;
    if (!quiet && !afterPaint) details.show({ kind: 'loading', skeleton });
    else if (!quiet) {
      afterNextPaint(() => {
        if (token === this.token && !answered) details.show({ kind: 'loading', skeleton: this.host.skeletonOf(spanId) ?? skeleton });
      });
    }
    answer.then(
      (detail) => {
        answered = true;
        if (token !== this.token) return;
        const sk = this.host.skeletonOf(spanId) ?? skeleton;
        if (!detail) {
          details.show({ kind: 'missing', skeleton: sk });
          return;
        }
        details.show({ kind: 'loaded', skeleton: sk, detail });
        this.host.shown?.(spanId, false);
      },
      (error: unknown) => {
        answered = true;
        if (token !== this.token) return;
        const message = error instanceof Error ? error.message : String(error);
        details.show({ kind: 'error', skeleton: this.host.skeletonOf(spanId) ?? skeleton, message });
      },
    );
  }

  /** The span's detail from the back end (a request in flight is shared); cached when it arrives. */
  private request(spanId: SpanId): Promise<SpanDetail | null> {
    const pending = this.inFlight.get(spanId);
    if (pending) return pending.answer;
    const traceId = this.host.traceId()!;
    const generation = this.generation;
    const answer = this.host.request(traceId, spanId);
    const entry = { answer, generation };
    this.inFlight.set(spanId, entry);
    const settle = () => {
      if (this.inFlight.get(spanId) === entry) this.inFlight.delete(spanId);
    };
    answer.then((detail) => {
      settle();
      if (detail && generation === this.generation) this.remember(spanId, detail);
    }, settle);
    return answer;
  }

  private remember(spanId: SpanId, detail: SpanDetail): void {
    this.cache.delete(spanId);
    this.cache.set(spanId, detail);
    if (this.cache.size > DETAIL_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    // Event ticks on the bar: the skeleton has counts only, the details have times.
    const span = detail.span;
    const durationMs = nanoDiffMs(span.startTimeUnixNano, span.endTimeUnixNano);
    const marks = span.events
      .map((ev) => ({ at: durationMs > 0 ? nanoDiffMs(span.startTimeUnixNano, ev.timeUnixNano) / durationMs : 0, exception: ev.name === 'exception' }))
      .filter((m) => Number.isFinite(m.at));
    this.host.setEventMarks(spanId, marks);
  }
}
