/**
 * The query channel between VS Code windows. Only one window can listen on the OTLP port; it owns
 * the receiver and the store. Its OTLP/HTTP receiver also serves, under `/trace-lens/v1/`:
 *
 * - `GET /trace-lens/v1/identity` → `TraceLensIdentity` (JSON). No secret needed: it is how a
 *   second window tells "another Trace Lens window has the port" from "a foreign program has it".
 * - `POST /trace-lens/v1/query` with `Authorization: Bearer <secret>` and a JSON body
 *   `{ "method": "listTraces", "params": {…} }` → `{ "ok": true, "result": … }` or
 *   `{ "ok": false, "error": "…" }`. Only the store queries in `REMOTE_QUERY_METHODS` are served.
 *
 * The secret is per user (a 0600 file in the user's home, see src/extension/receiver/windowOwnership.ts):
 * other local users cannot read it, and web pages cannot either — any request with an `Origin`
 * header is refused outright, so a page cannot even try (the receiver's Host check already stops
 * DNS rebinding). Secrets are compared in constant time.
 */
import type * as http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { BackendRequests } from '../backend/protocol';

/** Path prefix of the channel on the OTLP/HTTP port. */
export const WINDOW_CHANNEL_PREFIX = '/trace-lens/v1/';

/** What `GET /trace-lens/v1/identity` answers. */
export interface TraceLensIdentity {
  product: 'trace-lens';
  /** Channel protocol version; a window only queries an owner with the same version. */
  protocol: number;
  /** Random id of the owning extension host (a window never treats itself as "another window"). */
  instanceId: string;
  /** Process id of the owning extension host. */
  pid: number;
  /** Name of the owner's workspace, for "traces are in window <name>". */
  workspace: string;
}

export const WINDOW_CHANNEL_PROTOCOL = 1;

/** Store queries another window may run (reads, plus Clear and Delete Trace of the same user). */
export const REMOTE_QUERY_METHODS = [
  'listTraces',
  'listSessions',
  'traceConversation',
  'traceSummary',
  'findTraces',
  'traceSkeleton',
  'packedTraceSkeleton',
  'spanDetail',
  'deleteTrace',
  'clear',
  'stats',
  'codeStatsForFile',
  'usageReport',
] as const satisfies readonly (keyof BackendRequests)[];

/** A method of `REMOTE_QUERY_METHODS`. */
export type RemoteQueryMethod = (typeof REMOTE_QUERY_METHODS)[number];

/** Largest query body accepted (bytes); queries are small JSON objects. */
const MAX_QUERY_BYTES = 64 * 1024;

/** What the owner's side of the channel needs. */
export interface WindowChannelServerOptions {
  identity: TraceLensIdentity;
  /** The per-user secret (read lazily, so a missing file only disables queries). */
  secret: () => string | undefined;
  /** Runs one query against the owner's store (the back end thread). */
  query: (method: RemoteQueryMethod, params: unknown) => Promise<unknown>;
}

/**
 * Handles a request under `WINDOW_CHANNEL_PREFIX` (the receiver routes them here after its Host
 * check). Answers 403 to browsers (`Origin` present) and to a missing or wrong secret, 404 to
 * other paths and methods, 413 past 64 KiB, 400 to malformed bodies or methods not served.
 */
export function handleWindowChannel(options: WindowChannelServerOptions, req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  const reply = (status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
    if (!req.complete) req.resume();
  };
  if (req.headers.origin !== undefined) return reply(403, { ok: false, error: 'not available to web pages' });
  if (path === `${WINDOW_CHANNEL_PREFIX}identity` && req.method === 'GET') return reply(200, options.identity);
  if (path !== `${WINDOW_CHANNEL_PREFIX}query` || req.method !== 'POST') return reply(404, { ok: false, error: `no ${req.method} ${path}` });
  const secret = options.secret();
  if (!secret || !sameSecret(req.headers.authorization, secret)) return reply(403, { ok: false, error: 'wrong or missing secret' });

  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_QUERY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return reply(413, { ok: false, error: `query larger than ${MAX_QUERY_BYTES} bytes` });
    let parsed: { method?: unknown; params?: unknown };
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof parsed;
    } catch {
      return reply(400, { ok: false, error: 'body is not JSON' });
    }
    const method = parsed?.method;
    if (typeof method !== 'string' || !(REMOTE_QUERY_METHODS as readonly string[]).includes(method)) {
      return reply(400, { ok: false, error: `method ${JSON.stringify(method)} is not served to other windows` });
    }
    options
      .query(method as RemoteQueryMethod, parsed.params ?? {})
      .then((result) => reply(200, { ok: true, result: result ?? null }))
      .catch((error: unknown) => reply(200, { ok: false, error: error instanceof Error ? error.message : String(error) }));
  });
  req.on('error', () => undefined);
}

function sameSecret(header: string | undefined, secret: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '', 'utf8');
  const want = Buffer.from(secret, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Asks `http://127.0.0.1:port` who it is. Resolves with the identity when a Trace Lens window
 * owns the port, `undefined` for anything else (a foreign program, no answer within `timeoutMs`).
 */
export async function probeTraceLens(port: number, timeoutMs = 1_500): Promise<TraceLensIdentity | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${WINDOW_CHANNEL_PREFIX}identity`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as Partial<TraceLensIdentity>;
    return body?.product === 'trace-lens' && typeof body.instanceId === 'string' ? (body as TraceLensIdentity) : undefined;
  } catch {
    return undefined;
  }
}

/** A window's client for the owner's store: `request` has the shape of `BackendClient.request`. */
export class RemoteStoreClient {
  constructor(
    readonly port: number,
    private readonly secret: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * Runs a store query in the owning window. Rejects when the owner is gone, refuses the secret,
   * or the query failed there (with its message).
   */
  async request<M extends RemoteQueryMethod>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']> {
    const res = await fetch(`http://127.0.0.1:${this.port}${WINDOW_CHANNEL_PREFIX}query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.secret}` },
      body: JSON.stringify({ method, params }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }))) as { ok: boolean; result?: unknown; error?: string };
    if (!body.ok) throw new Error(`the Trace Lens window that owns port ${this.port} answered: ${body.error ?? `HTTP ${res.status}`}`);
    return body.result as BackendRequests[M]['result'];
  }
}
