/**
 * The open connections of one receiver, capped. A connection is *busy* while it has a request
 * (HTTP) or call (gRPC) in progress, else *idle* (including one that has sent nothing yet). At
 * the cap, a new connection closes the connection that has been idle longest and takes its
 * place; when every connection is busy, the new one is refused (closed at once, nothing read).
 * So idle sockets — abandoned keep-alives, or a flood of connections that never send a
 * request — can never lock exporters out, and the number of descriptors the receiver holds is
 * bounded (the extension host shares its descriptor limit with the rest of VS Code).
 *
 * Connections are found again by their peer address (`remoteAddress|remotePort`), which is how
 * a gRPC call names its connection (`ServerInterceptingCall.getConnectionInfo()`).
 */
import type { Socket } from 'node:net';

/** What `admit` did with a new connection. */
export type Admission =
  | { kind: 'admitted' }
  /** Admitted after closing `evicted`, the longest-idle connection. */
  | { kind: 'evictedIdle'; evicted: string }
  /** Closed at once: `open` connections are open and all busy. */
  | { kind: 'refused'; open: number };

interface Entry {
  socket: Socket;
  key: string;
  /** Requests or calls in progress. */
  active: number;
}

/** `remoteAddress|remotePort`: one TCP connection to one listening address. */
export function peerKey(remoteAddress: string | undefined, remotePort: number | undefined): string {
  return `${remoteAddress ?? '?'}|${remotePort ?? '?'}`;
}

/** The capped table of open connections (see the module comment). */
export class ConnectionTable {
  /** Insertion order is "idle since" order: a connection that goes idle moves to the end. */
  private readonly entries = new Map<Socket, Entry>();
  private readonly byKey = new Map<string, Entry>();

  /** @param maxConnections most connections open at once (≥ 1). */
  constructor(private readonly maxConnections: number) {}

  /** Connections open right now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds a just-accepted socket, making room at the cap by closing the longest-idle connection,
   * or closing `socket` itself when every open connection is busy. The entry leaves the table
   * when the socket closes.
   */
  admit(socket: Socket): Admission {
    let admission: Admission = { kind: 'admitted' };
    if (this.entries.size >= this.maxConnections) {
      const idle = this.longestIdle();
      if (!idle) {
        socket.destroy();
        return { kind: 'refused', open: this.entries.size };
      }
      this.remove(idle);
      idle.socket.destroy();
      admission = { kind: 'evictedIdle', evicted: idle.key };
    }
    const entry: Entry = { socket, key: peerKey(socket.remoteAddress, socket.remotePort), active: 0 };
    this.entries.set(socket, entry);
    this.byKey.set(entry.key, entry);
    socket.once('close', () => this.remove(entry));
    return admission;
  }

  /** The socket of the connection with this peer key, if open. */
  socketOf(key: string): Socket | undefined {
    return this.byKey.get(key)?.socket;
  }

  /** One more request or call in progress on `socket` (by socket or peer key). */
  busy(which: Socket | string): void {
    const entry = this.find(which);
    if (entry) entry.active++;
  }

  /** One request or call on `socket` ended; at zero the connection is idle from now. */
  idle(which: Socket | string): void {
    const entry = this.find(which);
    if (!entry || entry.active === 0) return;
    entry.active--;
    if (entry.active === 0 && this.entries.get(entry.socket) === entry) {
      this.entries.delete(entry.socket);
      this.entries.set(entry.socket, entry);
    }
  }

  /** Closes every open connection at once. */
  destroyAll(): void {
    for (const entry of [...this.entries.values()]) entry.socket.destroy();
  }

  private find(which: Socket | string): Entry | undefined {
    return typeof which === 'string' ? this.byKey.get(which) : this.entries.get(which);
  }

  private longestIdle(): Entry | undefined {
    for (const entry of this.entries.values()) if (entry.active === 0) return entry;
    return undefined;
  }

  private remove(entry: Entry): void {
    if (this.entries.get(entry.socket) === entry) this.entries.delete(entry.socket);
    if (this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
  }
}
