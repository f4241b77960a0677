/**
 * Pure pieces of the OTLP/HTTP receiver: reading request headers (`Content-Type`,
 * `Content-Encoding`, `Host`, CORS origin patterns), log-safe paths, answer helpers, and a free
 * port search. Used by `otlpHttpReceiver.ts` (which re-exports the public ones).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContentEncoding, OtlpFormat } from '../otlp/types';

/**
 * `true` for addresses that only this machine can reach: `localhost`, `::1` and the IPv4
 * literals 127.x.y.z (a DNS name such as `127.example.com` is not loopback).
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function contentTypeOf(format: OtlpFormat): string {
  return format === 'json' ? 'application/json' : 'application/x-protobuf';
}

export function sendBytes(res: http.ServerResponse, status: number, contentType: string, body: Uint8Array): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.byteLength });
  res.end(body);
}

/**
 * The request path for log lines, without its query string (`?…` marks one): a query may carry a
 * credential (`?api_key=`), and log lines never carry credentials.
 */
export function pathOf(req: http.IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}

/** Maps `Content-Type` to an OTLP format; parameters such as `charset` are ignored. */
export function parseContentType(header: string | undefined): OtlpFormat | undefined {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** Maps `Content-Encoding` to a supported encoding; `undefined` when unsupported. */
export function parseContentEncoding(header: string | undefined): ContentEncoding | undefined {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return undefined;
}

export function tooLargeMessage(size: number, limit: number): string {
  return `request body of ${size} bytes exceeds the limit of ${limit} bytes (setting traceLens.receiver.maxBodyMegabytes)`;
}

export function originPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * A port near `preferred` that `host` can listen on now (tries `preferred + 1 … + tries`, then
 * any free port the OS picks). For "Use Port N" when a foreign program holds the OTLP port.
 * Resolves with 0 only if nothing can be bound at all.
 */
export async function findFreePort(host: string, preferred: number, tries = 20): Promise<number> {
  const tryPort = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const server = http.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, host, () => {
        const bound = (server.address() as AddressInfo).port;
        server.close(() => resolve(bound));
      });
    });
  for (let port = preferred + 1; port <= Math.min(65_535, preferred + tries); port++) {
    const ok = await tryPort(port);
    if (ok) return ok;
  }
  return (await tryPort(0)) ?? 0;
}
