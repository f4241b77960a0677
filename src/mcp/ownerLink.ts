/**
 * The MCP server's link to the store of the VS Code window that owns the Trace Lens receiver on
 * 127.0.0.1:<port>: store queries over the window channel (src/core/receiver/windowChannel.ts,
 * challenge–response with the per-user secret of windowSecret.ts), exactly as another VS Code
 * window reads the owner's traces.
 *
 * Every query starts afresh (secret read, owner's proof checked, signed query, signed answer), so
 * nothing is cached between calls: when the owner goes away mid-session, that call fails with a
 * sentence and the next call finds the new owner (or says again that there is none). A failure is
 * diagnosed once, after the fact, so a working link costs one challenge and one query per call:
 *
 * - nothing accepts connections on the port → no Trace Lens window (`noWindowMessage`);
 * - a program answers but not as Trace Lens → another program holds the port;
 * - Trace Lens answers but does not prove it knows this user's secret (or speaks another channel
 *   protocol) → the secret / OS user mismatch, naming the secret file;
 * - the secret file cannot be read or created → its reason, and the same-user rule;
 * - the owner proved itself and answered with an error → the owner's message.
 */
import { connect } from 'node:net';
import type { BackendRequests } from '../core/backend/protocol';
import { RemoteStoreClient, probeTraceLens, type RemoteQueryMethod } from '../core/receiver/windowChannel';
import { loadSecret, secretPath, type SecretLoad } from '../core/receiver/windowSecret';

/** A query that could not be answered, with the sentence to show the agent (an MCP tool error). */
export class OwnerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OwnerUnavailableError';
  }
}

/** `host:port` as the messages name it. */
const where = (port: number): string => `127.0.0.1:${port}`;

/** The answer when nothing listens on the port. */
export function noWindowMessage(port: number): string {
  return `No VS Code window with Trace Lens is listening on ${where(port)}. Open VS Code with Trace Lens (its receiver must be running) and try again.`;
}

/** The rule every secret problem ends with: who may read the owner's store. */
function sameUserRule(path: string): string {
  return `The MCP server must run as the same OS user as VS Code, with the same home folder, so that it reads the window secret VS Code uses (${path}).`;
}

/** What the link needs from the outside world (tests replace the secret loader). */
export interface OwnerLinkOptions {
  port: number;
  /** Reads the per-user secret; `loadSecret` by default. */
  loadSecret?: () => SecretLoad;
  /** Where the secret lives, for messages; `secretPath()` by default. */
  secretPath?: string;
  /** Per-query timeout (ms) of the channel; 10 s by default. */
  timeoutMs?: number;
  /** Diagnostic lines (stderr in the server). */
  log?: (line: string) => void;
}

/** Whether a TCP connection to 127.0.0.1:`port` is accepted within `timeoutMs`. */
function acceptsConnections(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The owner's store, one verified query at a time. */
export class OwnerLink {
  readonly port: number;
  private readonly load: () => SecretLoad;
  private readonly path: string;

  constructor(private readonly options: OwnerLinkOptions) {
    this.port = options.port;
    this.path = options.secretPath ?? secretPath();
    this.load = options.loadSecret ?? (() => loadSecret(this.path));
  }

  /**
   * Runs a store query in the owning window. Rejects with `OwnerUnavailableError` (a sentence for
   * the agent: no window, another program, secret mismatch, owner's error) and never with anything
   * else.
   */
  async query<M extends RemoteQueryMethod>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']> {
    const secret = this.load();
    if (!secret.ok) {
      throw new OwnerUnavailableError(`Trace Lens cannot use the window secret: ${secret.reason}. ${sameUserRule(this.path)}`);
    }
    try {
      return await new RemoteStoreClient(this.port, secret.secret, this.options.timeoutMs).request(method, params);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const message = await this.diagnose(secret.secret, detail);
      this.options.log?.(`${method}: ${message} (${detail})`);
      throw new OwnerUnavailableError(message);
    }
  }

  /** Why a query failed, as one or two sentences (see the module comment). */
  private async diagnose(secret: string, detail: string): Promise<string> {
    const probe = await probeTraceLens(this.port, { secret, timeoutMs: 1_500 });
    if (probe?.verified) {
      // The owner proves itself now: the query itself failed (its error, a timeout, or an owner
      // that went away and came back between the two).
      return `The Trace Lens window on ${where(this.port)} could not answer: ${detail}`;
    }
    if (probe) {
      const workspace = probe.identity.workspace ? ` (window "${probe.identity.workspace}", pid ${probe.identity.pid})` : ` (pid ${probe.identity.pid})`;
      return `A Trace Lens window is listening on ${where(this.port)}${workspace}, but the MCP server cannot read its traces: ${probe.reason}. ${sameUserRule(this.path)}`;
    }
    if (!(await acceptsConnections(this.port))) return noWindowMessage(this.port);
    return `Another program (not Trace Lens) is listening on ${where(this.port)}. Start VS Code with Trace Lens on a free port (setting traceLens.receiver.port) and give this MCP server that port (--port N or TRACE_LENS_PORT).`;
  }
}
