/**
 * Interning: the store's deduplication dictionaries, so that each distinct resource, scope and
 * GenAI badge name set is stored once and rows refer to it by a small integer id.
 *
 * - Resources and scopes: content JSON → row id (`store.resources`/`store.scopes`, inserted the
 *   first time a content is seen), and object identity → row id as a shortcut (decoders share one
 *   resource/scope object across the spans of a ResourceSpans/ScopeSpans, which skips the
 *   JSON.stringify). Entries added in a transaction that rolls back are dropped again
 *   (`rollback`): their rows are gone.
 * - `service.name` by resource id, for trace summaries and skeletons.
 * - GenAI badge names (`codec.ts badgeNamesKey`) by id, in memory; written to `store.genai_names`
 *   only before a snapshot (`persistGenaiNames`). Never rolled back: ids in rolled-back rows are
 *   simply unused.
 *
 * Everything is rebuilt from empty by `clear` and from the tables after a snapshot restore
 * (`restore`).
 */
import type { SpanRecord } from '../../model/trace';
import { encodeResource, encodeScope, safely, serviceNameOf } from './codec';
import type { StoreSql } from './queries';

/** Most distinct GenAI badge names (model/agent/tool combinations) kept in the store's dictionary. */
export const MAX_GENAI_NAMES = 100_000;

/** The dictionaries of one store (one instance per `TraceStore`). */
export class Interning {
  /**
   * `service.name` by resource id (index). Replaced (not emptied) by `clear`: read it through
   * this object at the start of each call, do not keep it across calls.
   */
  serviceNames: string[] = [];
  /** GenAI badge names by id (`codec.ts badgeNamesKey`; id 0 = none). Replaced by `clear`, like `serviceNames`. */
  genaiNames: string[] = [''];
  private genaiNameIds = new Map<string, number>();
  /** GenAI names already written to `store.genai_names` (ids below this; see `persistGenaiNames`). */
  private persistedGenaiNames = 1;

  private resourceIds = new Map<string, number>();
  private resourceIdsByObject = new WeakMap<object, number>();
  private scopeIds = new Map<string, number>();
  private scopeIdsByObject = new WeakMap<object, number>();
  private nextResourceId = 1;
  private nextScopeId = 1;
  /** Cache entries added in the open transaction, dropped again if it rolls back. */
  private pendingResourceKeys: string[] = [];
  private pendingScopeKeys: string[] = [];

  constructor(private readonly sql: StoreSql) {}

  /**
   * Row id of a resource, inserting it (insertResource.sql, in the caller's transaction) the
   * first time its content is seen; `undefined` when it cannot be encoded as JSON.
   */
  resourceId(resource: SpanRecord['resource']): number | undefined {
    const known = this.resourceIdsByObject.get(resource);
    if (known !== undefined) return known;
    const json = safely(() => encodeResource(resource));
    if (json === null) return undefined;
    let id = this.resourceIds.get(json);
    if (id === undefined) {
      id = this.nextResourceId++;
      const serviceName = serviceNameOf(resource);
      this.sql.q.insertResource.run({ id, service_name: serviceName, json });
      this.resourceIds.set(json, id);
      this.pendingResourceKeys.push(json);
      this.serviceNames[id] = serviceName;
    }
    this.resourceIdsByObject.set(resource, id);
    return id;
  }

  /** Row id of a scope (insertScope.sql), like `resourceId`. */
  scopeId(scope: SpanRecord['scope']): number | undefined {
    const known = this.scopeIdsByObject.get(scope);
    if (known !== undefined) return known;
    const json = safely(() => encodeScope(scope));
    if (json === null) return undefined;
    let id = this.scopeIds.get(json);
    if (id === undefined) {
      id = this.nextScopeId++;
      this.sql.q.insertScope.run({ id, json });
      this.scopeIds.set(json, id);
      this.pendingScopeKeys.push(json);
    }
    this.scopeIdsByObject.set(scope, id);
    return id;
  }

  /**
   * Id of a badge's names (model/agent/tool) in the in-memory dictionary `genaiNames` (0: no
   * names). The dictionary only grows (ids in rolled-back rows are simply unused) and is reset by
   * clear(); past `MAX_GENAI_NAMES` distinct names, new ones are stored without names.
   */
  genaiNameId(key: string): number {
    if (key === '') return 0;
    let id = this.genaiNameIds.get(key);
    if (id === undefined) {
      if (this.genaiNames.length > MAX_GENAI_NAMES) return 0;
      id = this.genaiNames.length;
      this.genaiNames.push(key);
      this.genaiNameIds.set(key, id);
    }
    return id;
  }

  /**
   * After a ROLLBACK: forgets the resources and scopes the transaction added (their rows are
   * gone). Object-identity entries may point at rolled-back ids, so those caches start afresh.
   */
  rollback(): void {
    for (const key of this.pendingResourceKeys) this.resourceIds.delete(key);
    for (const key of this.pendingScopeKeys) this.scopeIds.delete(key);
    if (this.pendingResourceKeys.length > 0) this.resourceIdsByObject = new WeakMap();
    if (this.pendingScopeKeys.length > 0) this.scopeIdsByObject = new WeakMap();
  }

  /** End of a transaction, committed or rolled back: its entries are settled. */
  endTransaction(): void {
    this.pendingResourceKeys = [];
    this.pendingScopeKeys = [];
  }

  /** Writes the GenAI names interned since the last call to `store.genai_names` (own transaction). */
  persistGenaiNames(): void {
    if (this.persistedGenaiNames >= this.genaiNames.length) return;
    this.sql.transaction(() => {
      for (let id = this.persistedGenaiNames; id < this.genaiNames.length; id++) {
        this.sql.q.insertGenaiName.run({ id, key: this.genaiNames[id]! });
      }
    });
    this.persistedGenaiNames = this.genaiNames.length;
  }

  /** After the tables were emptied (`clear.sql`): every dictionary starts from empty. */
  clear(): void {
    this.genaiNames = [''];
    this.genaiNameIds = new Map();
    this.persistedGenaiNames = 1;
    this.resourceIds = new Map();
    this.resourceIdsByObject = new WeakMap();
    this.scopeIds = new Map();
    this.scopeIdsByObject = new WeakMap();
    this.serviceNames = [];
    this.nextResourceId = 1;
    this.nextScopeId = 1;
  }

  /**
   * After a snapshot was copied in: the dictionaries and next ids from `store.resources`,
   * `store.scopes` and `store.genai_names` (restoreResources/Scopes/GenaiNames.sql). The names
   * read back count as persisted.
   */
  restore(): void {
    const q = this.sql.q;
    q.restoreResources.each({}, (row) => {
      const id = row[0] as number;
      this.resourceIds.set(row[2] as string, id);
      this.serviceNames[id] = row[1] as string;
      if (id >= this.nextResourceId) this.nextResourceId = id + 1;
    });
    q.restoreScopes.each({}, (row) => {
      const id = row[0] as number;
      this.scopeIds.set(row[1] as string, id);
      if (id >= this.nextScopeId) this.nextScopeId = id + 1;
    });
    q.restoreGenaiNames.each({}, (row) => {
      const id = row[0] as number;
      while (this.genaiNames.length < id) this.genaiNames.push('');
      this.genaiNames[id] = row[1] as string;
      this.genaiNameIds.set(row[1] as string, id);
    });
    this.persistedGenaiNames = this.genaiNames.length;
  }
}
