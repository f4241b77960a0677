/** "Use Port N" when a foreign program holds the OTLP port: the port offered can really be bound. */
import * as net from 'node:net';
import { expect, it } from 'vitest';
import { OtlpHttpReceiver, findFreePort } from '../../../src/core/receiver/otlpHttpReceiver';

it('offers a port just above the busy one, and the receiver listens on it', async () => {
  const foreign = net.createServer();
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const busy = (foreign.address() as net.AddressInfo).port;
  const receiverOn = (port: number) =>
    new OtlpHttpReceiver({ host: '127.0.0.1', port, maxBodyBytes: 1024, corsAllowedOrigins: [], ingest: async () => ({ status: 'ok', accepted: 0, rejected: 0, errorMessage: '' }), isOverloaded: () => false });
  try {
    expect(await receiverOn(busy).start()).toMatchObject({ ok: false, reason: 'portBusy' });
    const offered = await findFreePort('127.0.0.1', busy);
    expect(offered).not.toBe(busy);
    expect(offered).toBeGreaterThan(0);
    const receiver = receiverOn(offered);
    expect(await receiver.start()).toMatchObject({ ok: true, port: offered });
    await receiver.stop();
  } finally {
    await new Promise((resolve) => foreign.close(resolve));
  }
});
