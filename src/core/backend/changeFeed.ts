/**
 * The `storeChanged` feed of the back end: collects which traces changed or went away and pushes
 * one event at most every `CHANGE_NOTIFY_INTERVAL_MS` (200 ms) while data arrives, so the host
 * refreshes its views in batches instead of once per request. The first change after a quiet
 * interval goes out at once (in the next timer turn, so the changes of one task still make one
 * event): a new trace shows without waiting out the interval, and under a steady stream the
 * events keep their 200 ms rhythm.
 */
import type { StoreStats, TraceId } from '../../model/trace';
import { CHANGE_NOTIFY_INTERVAL_MS, MAX_CHANGED_IDS, type BackendEvent } from './protocol';

export class ChangeFeed {
  private changed = new Set<TraceId>();
  private removed = new Set<TraceId>();
  private truncated = false;
  private cleared = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last event went out (`performance.now()` ms). */
  private lastEmitAt = -Infinity;

  /**
   * @param stats the store counters sent with every event.
   * @param emit sends the event to the host.
   * @param onRemoved told at once of removed traces (the usage cache forgets them).
   * @param observer told at once of changed traces and of a cleared store (the diagnostics);
   *   `isClosed` ends the feed (no event once the store is closed: the back end is going away).
   */
  constructor(
    private readonly stats: () => StoreStats,
    private readonly emit: (event: BackendEvent) => void,
    private readonly onRemoved: (ids: readonly TraceId[]) => void,
    private readonly observer: { changed?(ids: readonly TraceId[]): void; cleared?(): void; isClosed?(): boolean } = {},
  ) {}

  /** Traces added or changed; past `MAX_CHANGED_IDS` the event says `truncated` (refresh all). */
  changedTraces(ids: readonly TraceId[]): void {
    if (ids.length > 0) this.observer.changed?.(ids);
    for (const id of ids) {
      if (this.changed.size >= MAX_CHANGED_IDS) {
        this.truncated = true;
        break;
      }
      this.changed.add(id);
    }
    if (ids.length > 0) this.schedule();
  }

  /**
   * Traces whose derived facts changed (their findings), not their spans: the views reload their
   * rows; the observer is not told (it derived them).
   */
  derivedChanged(ids: readonly TraceId[]): void {
    for (const id of ids) {
      if (this.changed.size >= MAX_CHANGED_IDS) {
        this.truncated = true;
        break;
      }
      this.changed.add(id);
    }
    if (ids.length > 0) this.schedule();
  }

  /** Traces evicted or deleted. */
  removedTraces(ids: readonly TraceId[]): void {
    this.onRemoved(ids);
    for (const id of ids) {
      this.removed.add(id);
      this.changed.delete(id);
    }
    if (ids.length > 0) this.schedule();
  }

  /** Everything may have changed (e.g. new prices): views refresh everything. */
  everything(): void {
    this.truncated = true;
    this.schedule();
  }

  /** The store was cleared: pending ids are moot. */
  storeCleared(): void {
    this.observer.cleared?.();
    this.changed.clear();
    this.removed.clear();
    this.cleared = true;
    this.schedule();
  }

  /** Only the counters changed (rejected items, metric points). */
  countersChanged(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastEmitAt + CHANGE_NOTIFY_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.observer.isClosed?.()) return;
      const event: BackendEvent = {
        type: 'storeChanged',
        stats: this.stats(),
        changedTraceIds: [...this.changed],
        truncated: this.truncated,
        removedTraceIds: [...this.removed].slice(0, MAX_CHANGED_IDS),
        cleared: this.cleared,
      };
      this.changed.clear();
      this.removed.clear();
      this.truncated = false;
      this.cleared = false;
      this.lastEmitAt = performance.now();
      this.emit(event);
    }, wait);
  }
}
