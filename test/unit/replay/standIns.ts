/**
 * Local stand-ins (node:http on 127.0.0.1) for an OpenAI-compatible and an Anthropic server.
 * Each test gives the handler; the stand-in records every request (method, path, headers, body)
 * and every request's end (`closed`), so a test can see that a cancel really closed the connection.
 *
 * The SSE bodies the tests send are written out by hand from the providers' documentation (OpenAI
 * API reference "The chat completion chunk object" / streaming guide; Anthropic "Streaming
 * Messages"), never produced by the code under test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface StandIn {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Resolves when the n-th request's connection has closed (1-based). */
  closed(n: number): Promise<void>;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  let handler: Handler = (_req, res) => {
    res.writeHead(500).end('no handler');
  };
  const requests: RecordedRequest[] = [];
  const closes: Promise<void>[] = [];
  const server: Server = createServer((req, res) => {
    closes.push(new Promise<void>((resolve) => res.once('close', () => resolve())));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { unparsed: text };
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    closed: async (n) => {
      for (let i = 0; i < 200 && closes.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      await closes[n - 1];
    },
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes an SSE response: status 200, `text/event-stream`, the frames in order, then ends. */
export function sse(res: ServerResponse, frames: readonly string[], headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  for (const f of frames) res.write(f);
  res.end();
}

/** Writes a JSON error response. */
export function jsonError(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
