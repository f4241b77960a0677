/**
 * The window channel's wire format, written again from its specification (the header comment of
 * src/core/receiver/windowChannel.ts) with nothing but node:crypto and fetch, so the tests can
 * build valid, replayed and tampered requests byte by byte without trusting the code under test.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** `HMAC-SHA256(secret, JSON.stringify(fields))` as hex. */
export function mac(secret: string, fields: (string | number)[]): string {
  return createHmac('sha256', secret).update(JSON.stringify(fields)).digest('hex');
}

export const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A fresh challenge from the server on `port`: its nonce, and the client nonce it was issued for. */
export async function challenge(port: number): Promise<{ clientNonce: string; serverNonce: string; proof: string; answer: Record<string, unknown> }> {
  const clientNonce = randomBytes(16).toString('hex');
  const res = await fetch(`http://127.0.0.1:${port}/trace-lens/v1/identity?clientNonce=${clientNonce}`);
  const answer = (await res.json()) as Record<string, unknown>;
  return { clientNonce, serverNonce: String(answer.serverNonce), proof: String(answer.proof), answer };
}

/** The `Authorization` header of a query `body` signed for the challenge. */
export function authorization(secret: string, port: number, c: { clientNonce: string; serverNonce: string }, body: string): string {
  const m = mac(secret, ['trace-lens/2', 'client-query', `127.0.0.1:${port}`, c.serverNonce, c.clientNonce, sha256(body)]);
  return `TraceLens-HMAC-SHA256 serverNonce=${c.serverNonce}, clientNonce=${c.clientNonce}, mac=${m}`;
}

/** Sends a query `body` signed with `secret` for a fresh challenge (or the one given). */
export async function signedQuery(
  port: number,
  secret: string,
  body: string,
  options: { challenge?: { clientNonce: string; serverNonce: string }; headers?: Record<string, string>; sendBody?: string } = {},
): Promise<Response> {
  const c = options.challenge ?? (await challenge(port));
  return fetch(`http://127.0.0.1:${port}/trace-lens/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: authorization(secret, port, c, body), ...options.headers },
    body: options.sendBody ?? body,
  });
}
