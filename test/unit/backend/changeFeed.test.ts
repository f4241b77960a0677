/**
 * The `storeChanged` feed's rhythm: the first change after a quiet interval goes out at once, later
 * ones at most every CHANGE_NOTIFY_INTERVAL_MS, and the changes of one task make one event.
 * Fake timers (setTimeout and performance.now) so the test does not depend on the machine's speed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeFeed } from '../../../src/core/backend/changeFeed';
import { CHANGE_NOTIFY_INTERVAL_MS, type BackendEvent } from '../../../src/core/backend/protocol';
import type { StoreStats } from '../../../src/model/trace';

type StoreChanged = Extract<BackendEvent, { type: 'storeChanged' }>;

describe('ChangeFeed', () => {
  let events: StoreChanged[];
  let sentAt: number[];
  let feed: ChangeFeed;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(10_000); // a quiet past
    events = [];
    sentAt = [];
    feed = new ChangeFeed(
      () => ({}) as StoreStats,
      (event) => {
        events.push(event as StoreChanged);
        sentAt.push(performance.now());
      },
      () => {},
    );
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first change after a quiet interval at once, with every change of the same task', () => {
    feed.changedTraces(['a']);
    feed.changedTraces(['b']);
    expect(events).toHaveLength(0); // not inside the task that stored the spans
    vi.advanceTimersByTime(0);
    expect(events.map((e) => e.changedTraceIds)).toEqual([['a', 'b']]);
  });

  it('sends later changes at most once per interval while data keeps arriving', () => {
    feed.changedTraces(['a']);
    vi.advanceTimersByTime(0);
    expect(events).toHaveLength(1);
    // Changes every 20 ms for one second: one event per interval, none lost.
    const sent = new Set<string>(['a']);
    for (let t = 20; t <= 1000; t += 20) {
      vi.advanceTimersByTime(20);
      feed.changedTraces([`t${t}`]);
      sent.add(`t${t}`);
    }
    vi.advanceTimersByTime(CHANGE_NOTIFY_INTERVAL_MS);
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    for (const gap of gaps) expect(gap).toBe(CHANGE_NOTIFY_INTERVAL_MS);
    expect(new Set(events.flatMap((e) => e.changedTraceIds))).toEqual(sent);
  });

  it('waits out the rest of the interval after an event, then is immediate again once quiet', () => {
    feed.changedTraces(['a']);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(50);
    feed.removedTraces(['old']);
    vi.advanceTimersByTime(CHANGE_NOTIFY_INTERVAL_MS - 51);
    expect(events).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(events).toHaveLength(2);
    expect(events[1]!.removedTraceIds).toEqual(['old']);
    vi.advanceTimersByTime(CHANGE_NOTIFY_INTERVAL_MS);
    feed.countersChanged();
    vi.advanceTimersByTime(0);
    expect(events).toHaveLength(3);
  });

  it('sends nothing once the store is closed', () => {
    let closed = false;
    feed = new ChangeFeed(
      () => ({}) as StoreStats,
      (event) => events.push(event as StoreChanged),
      () => {},
      { isClosed: () => closed },
    );
    feed.changedTraces(['a']);
    closed = true;
    vi.advanceTimersByTime(CHANGE_NOTIFY_INTERVAL_MS);
    expect(events).toHaveLength(0);
  });
});
