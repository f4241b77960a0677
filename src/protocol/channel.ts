/**
 * A typed message channel used between the extension host and each webview, and between the
 * extension host and the back end thread. Transport-agnostic: it takes a `post` function and is
 * fed incoming messages through `receive`, so both ends can be linked in memory in tests.
 *
 * Contract (see ARCHITECTURE.md, "Host ↔ webview protocol"):
 * - events and commands are fire-and-forget `{ type: … }` bodies;
 * - requests are answered exactly once, with a result or an error string; a handler that
 *   throws becomes an error reply, never a request left pending;
 * - payloads must be structured-clone / JSON safe;
 * - a handler may answer `withTransfer(result, buffers)`: the result is posted with those
 *   buffers transferred instead of copied (worker transports; the buffers are detached on the
 *   answering side afterwards), and the caller sees `result` alone.
 */

/**
 * Method name → params and result of the requests one side answers. `transfers: true`: the
 * handler may answer `withTransfer(result, buffers)`.
 */
export type RequestMap = Record<string, { params: unknown; result: unknown; transfers?: true }>;

/** What crosses the wire. */
export type Envelope =
  | { kind: 'message'; body: { type: string } }
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

/** A request's result to post with `transfer` moved, not copied (see `withTransfer`). */
export class TransferableResult<T> {
  constructor(
    readonly result: T,
    readonly transfer: readonly ArrayBuffer[],
  ) {}
}

/**
 * Answers a request with `result`, posting the array buffers in `transfer` as transferred (the
 * buffers of `result`'s typed arrays, say): they become unusable on this side. The caller's
 * promise resolves with `result` as usual. Transports without transfer (webviews) copy them.
 */
export function withTransfer<T>(result: T, transfer: readonly ArrayBuffer[]): TransferableResult<T> {
  return new TransferableResult(result, transfer);
}

/** What a handler of a request with result `T` returns: the result, possibly later. */
export type HandlerResult<T> = T | Promise<T>;

/** What a handler of a request declared with `transfers: true` returns: the result or `withTransfer` of it, possibly later. */
export type TransferringHandlerResult<T> = HandlerResult<T | TransferableResult<T>>;

/** The answering side: one handler per request method, enforced by the compiler. */
export type RequestHandlers<R extends RequestMap> = {
  [M in keyof R]: (params: R[M]['params']) => R[M] extends { transfers: true } ? TransferringHandlerResult<R[M]['result']> : HandlerResult<R[M]['result']>;
};

/** A request that was never answered because the channel closed. */
export class ChannelClosedError extends Error {
  constructor() {
    super('channel closed');
    this.name = 'ChannelClosedError';
  }
}

/** `true` when `value` looks like an `Envelope` (messages from webviews are untrusted shapes). */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'message' || kind === 'request' || kind === 'response';
}

/**
 * One end of a channel.
 * - `Out`: messages this end sends; `In`: messages it receives.
 * - `Serves`: requests this end answers; `Calls`: requests it sends.
 */
export class Channel<Out extends { type: string }, In extends { type: string }, Serves extends RequestMap, Calls extends RequestMap> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;

  /**
   * @param post sends one envelope (plus optional transferables, for worker transports).
   * @param handlers answers the requests of `Serves`.
   * @param onMessage receives each incoming fire-and-forget message.
   */
  constructor(
    private readonly post: (envelope: Envelope, transfer?: ArrayBuffer[]) => void,
    private readonly handlers: RequestHandlers<Serves>,
    private readonly onMessage: (message: In) => void,
  ) {}

  /** Sends a fire-and-forget message. */
  send(message: Out, transfer?: ArrayBuffer[]): void {
    if (!this.closed) this.post({ kind: 'message', body: message }, transfer);
  }

  /** Sends a request; resolves with its result or rejects with the remote error message. */
  request<M extends keyof Calls & string>(method: M, params: Calls[M]['params'], transfer?: ArrayBuffer[]): Promise<Calls[M]['result']> {
    if (this.closed) return Promise.reject(new ChannelClosedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ kind: 'request', id, method, params }, transfer);
    });
  }

  /** Number of requests sent and not yet answered. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Feeds one incoming envelope; anything that is not an envelope is ignored. */
  receive(data: unknown): void {
    if (!isEnvelope(data) || this.closed) return;
    switch (data.kind) {
      case 'message':
        this.onMessage(data.body as In);
        return;
      case 'request':
        void this.answer(data.id, data.method, data.params);
        return;
      case 'response': {
        const waiter = this.pending.get(data.id);
        if (!waiter) return;
        this.pending.delete(data.id);
        if (data.ok) waiter.resolve(data.result);
        else waiter.reject(new Error(data.error));
        return;
      }
      default:
        assertNever(data);
    }
  }

  /** Rejects every pending request and stops sending. */
  close(): void {
    this.closed = true;
    for (const waiter of this.pending.values()) waiter.reject(new ChannelClosedError());
    this.pending.clear();
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[method];
    try {
      if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(this.handlers, method)) {
        throw new Error(`unknown request method: ${method}`);
      }
      const answer = await handler.call(this.handlers, params);
      if (this.closed) return;
      if (answer instanceof TransferableResult) this.post({ kind: 'response', id, ok: true, result: answer.result as unknown }, [...answer.transfer]);
      else this.post({ kind: 'response', id, ok: true, result: answer });
    } catch (error) {
      if (!this.closed) this.post({ kind: 'response', id, ok: false, error: errorMessage(error) });
    }
  }
}

/** A one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Compile-time exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
