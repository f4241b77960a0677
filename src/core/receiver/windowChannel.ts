/**
 * The query channel between VS Code windows. Only one window can listen on the OTLP port; it owns
 * the receiver and the store. Its OTLP/HTTP receiver also serves, under `/trace-lens/v1/`, a
 * challenge–response protocol (channel protocol 2) in which the per-user secret (./windowSecret.ts)
 * never crosses the wire and each side proves it knows it before the other trusts anything:
 *
 * 1. `GET /trace-lens/v1/identity?clientNonce=<32 hex>` → `TraceLensIdentity` (JSON) plus
 *    `serverNonce` (32 hex, fresh, single use, valid `CHALLENGE_TTL_MS`) and
 *    `proof = HMAC(secret, ["trace-lens/2", "server-hello", endpoint, clientNonce, serverNonce,
 *    instanceId, pid, workspace])`. The client checks the proof before it sends anything else, so
 *    a program that took the port without the secret (another local user's "squatter") learns no
 *    query and cannot pass for the owner. Without `clientNonce` the identity alone is answered (no
 *    proof, no nonce): enough for older windows to see a newer protocol and stay away.
 * 2. `POST /trace-lens/v1/query`, body `{ "method": "listTraces", "params": {…} }`,
 *    `Authorization: TraceLens-HMAC-SHA256 serverNonce=<hex>, clientNonce=<hex>, mac=<hex>` with
 *    `mac = HMAC(secret, ["trace-lens/2", "client-query", endpoint, serverNonce, clientNonce,
 *    sha256(body)])`. The server takes the nonce out of its book (unknown, used or expired → 403),
 *    checks the MAC (→ 403), and answers `{ "ok": true, "result": … }` or `{ "ok": false,
 *    "error": "…" }` with `X-Trace-Lens-Answer-Mac: HMAC(secret, ["trace-lens/2", "server-answer",
 *    endpoint, serverNonce, clientNonce, sha256(request body), status, sha256(answer body)])`. The
 *    client ignores any answer without a valid MAC (no fake traces). Only the store queries in
 *    `REMOTE_QUERY_METHODS` are served.
 *
 * Notation: `HMAC` is HMAC-SHA256 keyed with the secret's text (UTF-8) over `JSON.stringify` of the
 * array shown (one unambiguous encoding of the fields), as lowercase hex; `sha256` is lowercase hex;
 * `endpoint` is `127.0.0.1:<port>`, the address and port the request reached (the server reads its
 * own socket), so a program on another port cannot relay one window's handshake to the real owner.
 * Labels separate the three MACs, so no side's MAC is ever valid as another's. MACs are compared
 * in constant time. A captured request is worthless: its nonce is single use and belongs to the
 * receiver that issued it (a fresh book per `WindowChannelServerOptions` object, and the receiver
 * controller gives each receiver it starts its own), and its MAC covers the exact body.
 *
 * Web pages never reach the channel: any request with an `Origin` header is refused outright (the
 * receiver's Host check already stops DNS rebinding).
 */
import type * as http from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BackendRequests } from '../backend/protocol';
import { fromChannelJson, toChannelJson } from './channelJson';

/** Path prefix of the channel on the OTLP/HTTP port (kept across protocol versions: old windows find the identity and see the version). */
export const WINDOW_CHANNEL_PREFIX = '/trace-lens/v1/';

/** What `GET /trace-lens/v1/identity` answers (plus `serverNonce` and `proof` when asked with a `clientNonce`). */
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

/**
 * Channel protocol version. 2: challenge–response with HMAC-SHA256 (this file's header). Version 1
 * sent the secret itself as a Bearer token; windows of either version see the other's number in
 * the identity and neither queries nor serves the other (they fail closed).
 */
export const WINDOW_CHANNEL_PROTOCOL = 2;

/** First field of every MAC: the protocol, so a MAC of one version is never valid in another. */
const MAC_DOMAIN = `trace-lens/${WINDOW_CHANNEL_PROTOCOL}`;

/** `Authorization` scheme of a query. */
const AUTH_SCHEME = 'TraceLens-HMAC-SHA256';

/** Header carrying the server's MAC over its answer. */
export const ANSWER_MAC_HEADER = 'x-trace-lens-answer-mac';

/**
 * Store queries another window may run (reads, plus Clear and Delete Trace of the same user).
 * Answers travel as JSON with typed arrays kept (channelJson.ts: the packed skeleton's columns).
 */
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
  'searchTraces',
  'filterTraces',
  'findInTrace',
  'listFindings',
  'listBaselines',
  'checkRun',
  'traceGraph',
  'sessionGraph',
  'compareTraces',
  'previousRun',
  'replayRequest',
  'recordedCalls',
  'priceCall',
] as const satisfies readonly (keyof BackendRequests)[];

/** A method of `REMOTE_QUERY_METHODS`. */
export type RemoteQueryMethod = (typeof REMOTE_QUERY_METHODS)[number];

/** Largest query body accepted (bytes); queries are small JSON objects. */
const MAX_QUERY_BYTES = 64 * 1024;

/**
 * How long a server nonce may wait for its query (milliseconds). A client sends the query right
 * after the challenge (one loopback round trip, well under 10 ms); 10 s leaves room for a stalled
 * extension host while keeping an unused challenge short-lived.
 */
export const CHALLENGE_TTL_MS = 10_000;

/**
 * Most challenges open at once per receiver; past it the oldest is dropped. Each other window uses
 * about two a second (its poll and the views' queries), so 1,024 is far above real use and bounds
 * the book to about 100 KB when someone floods the identity endpoint.
 */
const MAX_OPEN_CHALLENGES = 1_024;

/** Random bytes in a nonce (128 bits: never repeats, never guessed). */
const NONCE_BYTES = 16;
const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const MAC_PATTERN = /^[0-9a-f]{64}$/;

/** What the owner's side of the channel needs. Challenges are kept per object: give each receiver its own. */
export interface WindowChannelServerOptions {
  identity: TraceLensIdentity;
  /** The per-user secret (read lazily; `undefined` turns queries off and identity proofs off). */
  secret: () => string | undefined;
  /** Runs one query against the owner's store (the back end thread). */
  query: (method: RemoteQueryMethod, params: unknown) => Promise<unknown>;
  /** Lifetime of a challenge (ms); `CHALLENGE_TTL_MS` unless a test shortens it. */
  challengeTtlMs?: number;
}

/** HMAC-SHA256 over `JSON.stringify(fields)`, keyed with the secret's UTF-8 bytes. */
function channelMac(secret: string, fields: readonly (string | number)[]): Buffer {
  return createHmac('sha256', secret).update(JSON.stringify([MAC_DOMAIN, ...fields])).digest();
}

function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Constant-time comparison of a MAC with a hex string from the wire (any malformed value is unequal). */
function sameMac(expected: Buffer, givenHex: string | null | undefined): boolean {
  if (typeof givenHex !== 'string' || !MAC_PATTERN.test(givenHex)) return false;
  return timingSafeEqual(expected, Buffer.from(givenHex, 'hex'));
}

const newNonce = (): string => randomBytes(NONCE_BYTES).toString('hex');

/** The endpoint as the server saw it: `127.0.0.1:<port>` for a loopback connection (IPv4-mapped form unwrapped). */
function endpointOf(req: http.IncomingMessage): string {
  const address = (req.socket.localAddress ?? '').replace(/^::ffff:/i, '');
  return `${address}:${req.socket.localPort ?? 0}`;
}

/** The endpoint a client means when it connects to `port`. */
const clientEndpoint = (port: number): string => `127.0.0.1:${port}`;

/** Open challenges of one receiver: server nonce → the client nonce it answered and when it expires. */
class ChallengeBook {
  /** In issue order, so the oldest (and first to expire: one TTL for all) come first. */
  private readonly open = new Map<string, { clientNonce: string; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  issue(clientNonce: string): string {
    const now = performance.now();
    for (const [nonce, c] of this.open) {
      if (c.expiresAt > now && this.open.size < MAX_OPEN_CHALLENGES) break;
      this.open.delete(nonce);
    }
    const serverNonce = newNonce();
    this.open.set(serverNonce, { clientNonce, expiresAt: now + this.ttlMs });
    return serverNonce;
  }

  /** Removes the challenge (single use, whatever comes next) and says whether it was usable. */
  take(serverNonce: string, clientNonce: string): 'ok' | 'unknown' | 'expired' {
    const c = this.open.get(serverNonce);
    if (!c) return 'unknown';
    this.open.delete(serverNonce);
    if (c.expiresAt <= performance.now()) return 'expired';
    return c.clientNonce === clientNonce ? 'ok' : 'unknown';
  }
}

const books = new WeakMap<WindowChannelServerOptions, ChallengeBook>();

function bookOf(options: WindowChannelServerOptions): ChallengeBook {
  let book = books.get(options);
  if (!book) books.set(options, (book = new ChallengeBook(options.challengeTtlMs ?? CHALLENGE_TTL_MS)));
  return book;
}

/** `serverNonce`, `clientNonce` and `mac` of an `Authorization: TraceLens-HMAC-SHA256 …` header, or `undefined`. */
function parseAuthorization(header: string | undefined): { serverNonce: string; clientNonce: string; mac: string } | undefined {
  const m = /^TraceLens-HMAC-SHA256 serverNonce=([0-9a-f]{32}), clientNonce=([0-9a-f]{32}), mac=([0-9a-f]{64})$/.exec(header ?? '');
  return m ? { serverNonce: m[1], clientNonce: m[2], mac: m[3] } : undefined;
}

/**
 * Handles a request under `WINDOW_CHANNEL_PREFIX` (the receiver routes them here after its Host
 * check). Answers 403 to browsers (`Origin` present), to a missing, malformed, unknown, used or
 * expired challenge and to a wrong MAC; 404 to other paths and methods; 413 past 64 KiB; 400 to a
 * malformed client nonce, body or a method not served (those last two signed, as are all answers
 * to an authenticated query).
 */
export function handleWindowChannel(options: WindowChannelServerOptions, req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers }).end(JSON.stringify(body));
    if (!req.complete) req.resume();
  };
  if (req.headers.origin !== undefined) return reply(403, { ok: false, error: 'not available to web pages' });
  if (path === `${WINDOW_CHANNEL_PREFIX}identity` && req.method === 'GET') return answerIdentity(options, req, reply);
  if (path !== `${WINDOW_CHANNEL_PREFIX}query` || req.method !== 'POST') return reply(404, { ok: false, error: `no ${req.method} ${path}` });
  const secret = options.secret();
  if (!secret) return reply(403, { ok: false, error: 'this window has no usable window secret' });
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) return reply(403, { ok: false, error: `wrong or missing secret: expected Authorization: ${AUTH_SCHEME} serverNonce=…, clientNonce=…, mac=…` });
  const challenge = bookOf(options).take(auth.serverNonce, auth.clientNonce);
  if (challenge !== 'ok') return reply(403, { ok: false, error: `${challenge === 'expired' ? 'expired' : 'unknown or used'} challenge: ask /trace-lens/v1/identity for a new one` });

  const endpoint = endpointOf(req);
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
    const body = Buffer.concat(chunks);
    const bodyHash = sha256Hex(body);
    if (!sameMac(channelMac(secret, ['client-query', endpoint, auth.serverNonce, auth.clientNonce, bodyHash]), auth.mac)) {
      return reply(403, { ok: false, error: 'wrong or missing secret: the request MAC does not match' });
    }
    const signed = (status: number, answer: unknown): void => {
      const bytes = toChannelJson(answer);
      const mac = channelMac(secret, ['server-answer', endpoint, auth.serverNonce, auth.clientNonce, bodyHash, status, sha256Hex(bytes)]);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', [ANSWER_MAC_HEADER]: mac.toString('hex') }).end(bytes);
    };
    let parsed: { method?: unknown; params?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      return signed(400, { ok: false, error: 'body is not JSON' });
    }
    const method = parsed?.method;
    if (typeof method !== 'string' || !(REMOTE_QUERY_METHODS as readonly string[]).includes(method)) {
      return signed(400, { ok: false, error: `method ${JSON.stringify(method)} is not served to other windows` });
    }
    options
      .query(method as RemoteQueryMethod, parsed.params ?? {})
      .then((result) => signed(200, { ok: true, result: result ?? null }))
      .catch((error: unknown) => signed(200, { ok: false, error: error instanceof Error ? error.message : String(error) }));
  });
  req.on('error', () => undefined);
}

/** `GET …/identity`: the identity, with a fresh challenge and the server's proof when a client nonce came. */
function answerIdentity(options: WindowChannelServerOptions, req: http.IncomingMessage, reply: (status: number, body: unknown) => void): void {
  const identity = options.identity;
  const clientNonce = new URL(req.url ?? '/', 'http://loopback').searchParams.get('clientNonce');
  if (clientNonce === null) return reply(200, identity);
  if (!NONCE_PATTERN.test(clientNonce)) return reply(400, { ok: false, error: 'clientNonce must be 32 lowercase hex digits' });
  const secret = options.secret();
  if (!secret) return reply(200, identity);
  const serverNonce = bookOf(options).issue(clientNonce);
  const proof = channelMac(secret, ['server-hello', endpointOf(req), clientNonce, serverNonce, identity.instanceId, identity.pid, identity.workspace]);
  reply(200, { ...identity, serverNonce, proof: proof.toString('hex') });
}

/**
 * What `probeTraceLens` found on a port that answers like Trace Lens: `verified` when it proved it
 * knows this user's secret (so it is this user's Trace Lens, speaking this protocol); otherwise
 * `reason` says why not (another protocol version, no proof: another user's Trace Lens or a
 * program posing as it, or no secret here to check with).
 */
export type OwnerProbe =
  | { verified: true; identity: TraceLensIdentity }
  | { verified: false; identity: TraceLensIdentity; reason: string };

/** A verified identity answer: the identity and the challenge it carries. */
interface Hello {
  identity: TraceLensIdentity;
  serverNonce: string;
}

type HelloResult = { ok: true; hello: Hello } | { ok: false; identity?: TraceLensIdentity; reason: string };

/** Asks `port` for its identity with a fresh client nonce and checks the proof with `secret`. */
async function hello(port: number, secret: string | undefined, signal: AbortSignal, clientNonce = newNonce()): Promise<HelloResult> {
  let body: Partial<TraceLensIdentity> & { serverNonce?: unknown; proof?: unknown };
  try {
    const res = await fetch(`http://127.0.0.1:${port}${WINDOW_CHANNEL_PREFIX}identity?clientNonce=${clientNonce}`, { signal });
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status} from the identity check` };
    body = (await res.json()) as typeof body;
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (body?.product !== 'trace-lens' || typeof body.instanceId !== 'string') return { ok: false, reason: 'not Trace Lens' };
  const identity: TraceLensIdentity = {
    product: 'trace-lens',
    protocol: Number(body.protocol),
    instanceId: body.instanceId,
    pid: typeof body.pid === 'number' ? body.pid : 0,
    workspace: typeof body.workspace === 'string' ? body.workspace : '',
  };
  if (identity.protocol !== WINDOW_CHANNEL_PROTOCOL) {
    return { ok: false, identity, reason: `it speaks window channel protocol ${body.protocol}, this window ${WINDOW_CHANNEL_PROTOCOL} (a different Trace Lens version; update both windows)` };
  }
  if (!secret) return { ok: false, identity, reason: 'this window has no usable window secret to check it with (see the lines above)' };
  const serverNonce = typeof body.serverNonce === 'string' && NONCE_PATTERN.test(body.serverNonce) ? body.serverNonce : undefined;
  const proof = typeof body.proof === 'string' ? body.proof : undefined;
  const expected = serverNonce && channelMac(secret, ['server-hello', clientEndpoint(port), clientNonce, serverNonce, identity.instanceId, identity.pid, identity.workspace]);
  if (!serverNonce || !expected || !sameMac(expected, proof)) {
    return { ok: false, identity, reason: "it does not prove it knows this user's window secret (another user's Trace Lens, or a program posing as Trace Lens)" };
  }
  return { ok: true, hello: { identity, serverNonce } };
}

/**
 * Asks `http://127.0.0.1:port` who it is. `undefined` for anything that is not Trace Lens (a
 * foreign program, no answer within `timeoutMs`); otherwise the identity, `verified` only when it
 * proved, for a fresh nonce, that it knows `secret` (this user's window secret).
 */
export async function probeTraceLens(port: number, options: { secret?: string; timeoutMs?: number } = {}): Promise<OwnerProbe | undefined> {
  const result = await hello(port, options.secret, AbortSignal.timeout(options.timeoutMs ?? 1_500));
  if (result.ok) return { verified: true, identity: result.hello.identity };
  return result.identity ? { verified: false, identity: result.identity, reason: result.reason } : undefined;
}

/** A window's client for the owner's store: `request` has the shape of `BackendClient.request`. */
export class RemoteStoreClient {
  constructor(
    readonly port: number,
    private readonly secret: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * Runs a store query in the owning window: a fresh challenge (the owner's proof checked before
   * anything else is sent), the signed query, the owner's signed answer. Rejects when the port's
   * program does not prove it knows the secret (nothing is sent), when an answer is not signed by
   * it (the answer is ignored), when the owner is gone, or with the owner's error message.
   */
  async request<M extends RemoteQueryMethod>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const clientNonce = newNonce();
    const greeted = await hello(this.port, this.secret, signal, clientNonce);
    if (!greeted.ok) {
      const why = greeted.identity ? greeted.reason : `no Trace Lens answered (${greeted.reason})`;
      throw new Error(`port ${this.port}: ${why}; nothing was sent (a wrong or missing secret in this window looks the same)`);
    }
    const { serverNonce } = greeted.hello;
    const endpoint = clientEndpoint(this.port);
    const body = JSON.stringify({ method, params });
    const bodyHash = sha256Hex(body);
    const mac = channelMac(this.secret, ['client-query', endpoint, serverNonce, clientNonce, bodyHash]).toString('hex');
    const res = await fetch(`http://127.0.0.1:${this.port}${WINDOW_CHANNEL_PREFIX}query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `${AUTH_SCHEME} serverNonce=${serverNonce}, clientNonce=${clientNonce}, mac=${mac}` },
      body,
      signal,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const expected = channelMac(this.secret, ['server-answer', endpoint, serverNonce, clientNonce, bodyHash, res.status, sha256Hex(bytes)]);
    if (!sameMac(expected, res.headers.get(ANSWER_MAC_HEADER))) {
      throw new Error(`the program on port ${this.port} answered HTTP ${res.status} without proving it knows this user's window secret; the answer was ignored`);
    }
    let answer: { ok?: unknown; result?: unknown; error?: unknown };
    try {
      answer = fromChannelJson(bytes.toString('utf8')) as typeof answer;
    } catch {
      answer = { ok: false, error: `HTTP ${res.status}, body not JSON` };
    }
    if (answer?.ok !== true) throw new Error(`the Trace Lens window that owns port ${this.port} answered: ${typeof answer?.error === 'string' ? answer.error : `HTTP ${res.status}`}`);
    return answer.result as BackendRequests[M]['result'];
  }
}
