/**
 * Loads the selected span's details into the details pane: from a small cache (most recently used
 * `DETAIL_CACHE_SIZE`), else by a `spanDetail` request whose answer is dropped when a newer
 * selection came in meanwhile; keyboard selection waits `KEYBOARD_DETAIL_DELAY_MS` so holding an
 * arrow key does not send a request per row. A loaded detail also gives the row its event ticks.
 */
import { nanoDiffMs } from '../../src/model/format';
import type { SkeletonSpan, SpanDetail, SpanId } from '../../src/model/trace';
import type { DetailsPane } from './details';
import type { TraceTree } from './tree';
import type { SelectOrigin } from './waterfall';

const KEYBOARD_DETAIL_DELAY_MS = 120;
const DETAIL_CACHE_SIZE = 64;

export interface DetailLoaderHost {
  details: DetailsPane;
  tree(): TraceTree | null;
  traceId(): string | undefined;
  skeletonOf(spanId: SpanId): SkeletonSpan | null;
  request(traceId: string, spanId: SpanId): Promise<SpanDetail | null>;
  /** Event ticks for a span's bar: 0–1 positions, exception events marked. */
  setEventMarks(spanId: SpanId, marks: { at: number; exception: boolean }[]): void;
}

export class DetailLoader {
  private readonly cache = new Map<SpanId, SpanDetail>();
  private token = 0;
  private timer = 0;

  constructor(private readonly host: DetailLoaderHost) {}

  /** Forgets every cached detail (another trace, or it was removed). */
  clear(): void {
    this.cache.clear();
  }

  /** Forgets one span's cached detail (it changed). */
  forget(spanId: SpanId): void {
    this.cache.delete(spanId);
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
    const cached = this.cache.get(spanId);
    if (cached) {
      this.token++;
      details.show({ kind: 'loaded', skeleton, detail: cached });
      return;
    }
    details.show({ kind: 'loading', skeleton });
    if (origin === 'keyboard') this.timer = window.setTimeout(() => this.load(spanId, false), KEYBOARD_DETAIL_DELAY_MS);
    else this.load(spanId, false);
  }

  /** Requests one span's details; `quiet` keeps the current content until the answer arrives. */
  load(spanId: SpanId, quiet: boolean): void {
    const traceId = this.host.traceId();
    const skeleton = this.host.skeletonOf(spanId);
    if (!traceId || !skeleton || this.host.tree()?.isPlaceholder(spanId)) return;
    const token = ++this.token;
    const { details } = this.host;
    if (!quiet) details.show({ kind: 'loading', skeleton });
    this.host.request(traceId, spanId).then(
      (detail) => {
        if (token !== this.token) return;
        const sk = this.host.skeletonOf(spanId) ?? skeleton;
        if (!detail) {
          details.show({ kind: 'missing', skeleton: sk });
          return;
        }
        this.remember(spanId, detail);
        details.show({ kind: 'loaded', skeleton: sk, detail });
      },
      (error: unknown) => {
        if (token !== this.token) return;
        const message = error instanceof Error ? error.message : String(error);
        details.show({ kind: 'error', skeleton: this.host.skeletonOf(spanId) ?? skeleton, message });
      },
    );
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
