import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { Channel, ChannelClosedError, withTransfer, type Envelope } from '../../src/protocol/channel';

type Requests = {
  double: { params: { n: number }; result: number };
  fail: { params: Record<string, never>; result: null };
};

/** Two channel ends linked in memory, as host and webview are through postMessage. */
function linked() {
  const received: { type: string }[] = [];
  let toB: (e: Envelope) => void = () => undefined;
  let toA: (e: Envelope) => void = () => undefined;
  const a = new Channel<{ type: 'hello' }, { type: string }, Record<string, never>, Requests>((e) => toB(e), {}, (m) => received.push(m));
  const b = new Channel<{ type: 'ready' }, { type: string }, Requests, Record<string, never>>(
    (e) => toA(e),
    {
      double: ({ n }) => n * 2,
      fail: () => {
        throw new Error('boom');
      },
    },
    (m) => received.push(m),
  );
  toB = (e) => queueMicrotask(() => b.receive(JSON.parse(JSON.stringify(e))));
  toA = (e) => queueMicrotask(() => a.receive(JSON.parse(JSON.stringify(e))));
  return { a, b, received };
}

describe('Channel', () => {
  it('answers requests with typed results', async () => {
    const { a } = linked();
    await expect(a.request('double', { n: 21 })).resolves.toBe(42);
  });

  it('turns a throwing handler into an error reply, not a pending request', async () => {
    const { a } = linked();
    await expect(a.request('fail', {})).rejects.toThrow('boom');
    expect(a.pendingCount).toBe(0);
  });

  it('answers an unknown method with an error', async () => {
    const { a } = linked();
    await expect((a as unknown as Channel<never, never, never, Record<string, { params: unknown; result: unknown }>>).request('toString', {})).rejects.toThrow(/unknown request method/);
  });

  it('delivers fire-and-forget messages and ignores non-envelopes', async () => {
    const { a, b, received } = linked();
    b.receive('not an envelope');
    b.receive({ type: 'ready' });
    a.send({ type: 'hello' });
    await new Promise((r) => setTimeout(r, 0));
    expect(received).toEqual([{ type: 'hello' }]);
  });

  it('rejects pending requests when closed', async () => {
    const a = new Channel<{ type: 'x' }, { type: 'y' }, Record<string, never>, Requests>(() => undefined, {}, () => undefined);
    const pending = a.request('double', { n: 1 });
    a.close();
    await expect(pending).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('withTransfer: the answer moves its buffers through a real MessagePort (detached on the answering side); the caller sees the bare result', async () => {
    type Bulk = { bytes: { params: { n: number }; result: { data: Uint32Array; note: string }; transfers: true } };
    const { port1, port2 } = new MessageChannel();
    let sent: Uint32Array | undefined;
    const server = new Channel<never, never, Bulk, Record<string, never>>(
      (e, transfer) => port2.postMessage(e, transfer ?? []),
      {
        bytes: ({ n }) => {
          sent = Uint32Array.from({ length: n }, (_, i) => i * 3);
          return withTransfer({ data: sent, note: 'ok' }, [sent.buffer as ArrayBuffer]);
        },
      },
      () => undefined,
    );
    const client = new Channel<never, never, Record<string, never>, Bulk>((e, transfer) => port1.postMessage(e, transfer ?? []), {}, () => undefined);
    port1.on('message', (m) => client.receive(m));
    port2.on('message', (m) => server.receive(m));
    try {
      const result = await client.request('bytes', { n: 1000 });
      expect(result.note).toBe('ok');
      expect(result.data).toBeInstanceOf(Uint32Array);
      expect(result.data[999]).toBe(2997);
      expect(sent!.byteLength).toBe(0); // transferred, not copied
    } finally {
      port1.close();
    }
  });
});
