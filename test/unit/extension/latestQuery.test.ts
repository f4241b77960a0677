/**
 * Search-as-you-type: requests are debounced, one query is in flight at a time, and only the
 * answer to the latest request reaches the quick pick (stale answers are dropped, never shown).
 * Fake timers; the back end is a list of promises the test resolves by hand.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LatestQueryRunner, type LatestQueryOutcome } from '../../../src/extension/search/latestQuery';

interface Pending {
  query: string;
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

function setup() {
  const sent: Pending[] = [];
  const delivered: LatestQueryOutcome<string>[] = [];
  const busy: boolean[] = [];
  const runner = new LatestQueryRunner<string>({
    run: (query) =>
      new Promise<string>((resolve, reject) => {
        sent.push({ query, resolve, reject });
      }),
    deliver: (outcome) => delivered.push(outcome),
    onBusy: (b) => busy.push(b),
    debounceMs: 150,
  });
  return { runner, sent, delivered, busy };
}

/** Lets promise callbacks run. */
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('LatestQueryRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends one query 150 ms after the last keystroke and delivers its answer', async () => {
    const { runner, sent, delivered, busy } = setup();
    runner.request('t');
    await vi.advanceTimersByTimeAsync(100);
    runner.request('ti');
    await vi.advanceTimersByTimeAsync(100);
    runner.request('tim');
    await vi.advanceTimersByTimeAsync(149);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => s.query)).toEqual(['tim']);
    sent[0]!.resolve('answer to tim');
    await flush();
    expect(delivered).toEqual([{ query: 'tim', result: 'answer to tim' }]);
    expect(busy).toEqual([true, false]);
  });

  it('keeps one request in flight: a query typed meanwhile waits, and the older answer is dropped', async () => {
    const { runner, sent, delivered } = setup();
    runner.request('a');
    await vi.advanceTimersByTimeAsync(150);
    runner.request('ab');
    await vi.advanceTimersByTimeAsync(150);
    runner.request('abc');
    await vi.advanceTimersByTimeAsync(150);
    expect(sent.map((s) => s.query)).toEqual(['a']);
    sent[0]!.resolve('A');
    await flush();
    // 'ab' was replaced by 'abc' while waiting: only 'abc' is sent next.
    expect(sent.map((s) => s.query)).toEqual(['a', 'abc']);
    expect(delivered).toEqual([]);
    sent[1]!.resolve('ABC');
    await flush();
    expect(delivered).toEqual([{ query: 'abc', result: 'ABC' }]);
  });

  it('drops an answer that arrives after a newer request, even before that one is sent', async () => {
    const { runner, sent, delivered } = setup();
    runner.request('old');
    await vi.advanceTimersByTimeAsync(150);
    runner.request('new');
    sent[0]!.resolve('OLD');
    await flush();
    expect(delivered).toEqual([]);
    await vi.advanceTimersByTimeAsync(150);
    expect(sent.map((s) => s.query)).toEqual(['old', 'new']);
    sent[1]!.resolve('NEW');
    await flush();
    expect(delivered).toEqual([{ query: 'new', result: 'NEW' }]);
  });

  it('cancel: the answer in flight is dropped and the runner is idle', async () => {
    const { runner, sent, delivered, busy } = setup();
    runner.request('q');
    await vi.advanceTimersByTimeAsync(150);
    runner.cancel();
    sent[0]!.resolve('Q');
    await flush();
    expect(delivered).toEqual([]);
    expect(busy.at(-1)).toBe(false);
  });

  it('a failed request is delivered as an error; an immediate re-run (delay 0) skips the debounce', async () => {
    const { runner, sent, delivered } = setup();
    runner.request('x');
    await vi.advanceTimersByTimeAsync(150);
    const boom = new Error('back end restarting');
    sent[0]!.reject(boom);
    await flush();
    expect(delivered).toEqual([{ query: 'x', error: boom }]);
    runner.request('x', 0);
    await flush();
    expect(sent.map((s) => s.query)).toEqual(['x', 'x']);
  });

  it('after dispose nothing is sent or delivered', async () => {
    const { runner, sent, delivered } = setup();
    runner.request('q');
    runner.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    runner.request('r');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([]);
    expect(delivered).toEqual([]);
  });
});
