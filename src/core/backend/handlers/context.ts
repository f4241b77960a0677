/**
 * What the back end's request handlers share: the store, the usage cache, the change feed and
 * forwarding. Built once by `BackendService`; each handler group takes what it needs.
 */
import type { TraceStore } from '../../store/traceStore';
import type { StorePersistence } from '../../store/persistence';
import type { UsageIndex } from '../../usage/usageIndex';
import type { Forwarder } from '../../forwarding/forwarder';
import type { RequestHandlers } from '../../../protocol/channel';
import type { BackendRequests } from '../protocol';
import type { ChangeFeed } from '../changeFeed';

export interface BackendContext {
  readonly store: TraceStore;
  readonly usage: UsageIndex;
  readonly feed: ChangeFeed;
  readonly forwarder: Forwarder;
  /** Snapshots of the store; absent until the worker attaches them (tests that do not persist). */
  readonly persistence: () => StorePersistence | undefined;
}

/** The handlers of some of the back end's requests (`K`), typed by the protocol. */
export type HandlerGroup<K extends keyof BackendRequests> = Pick<RequestHandlers<BackendRequests>, K>;
