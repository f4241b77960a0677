/**
 * Interning: the store's deduplication dictionaries, so that each distinct resource, scope and
 * GenAI badge name set is stored once and rows refer to it by a small integer id.
 *
 * - Resources and scopes: content JSON (or its SHA-256 digest when longer than
 *   `HASHED_KEY_MIN_CHARS`) → row (`store.resources`/`store.scopes`, inserted the first time a
 *   content is seen), and object identity → row as a shortcut (decoders share one
 *   resource/scope object across the spans of a ResourceSpans/ScopeSpans, which skips the
 *   JSON.stringify). One resource or scope is at most `MAX_RESOURCE_JSON_CHARS` of JSON: a larger
 *   one is stored cut (codec.ts `capResource`/`capScope`, with the marker of src/model/limits.ts),
 *   its span or log record kept.
 * - Reference counts: every row knows how many spans and log records use it, in memory. The write
 *   path adds one per stored span/record (`ref`: no SQL, a counter); retention releases them per
 *   deleted trace or batch of log records (`release`, from traceRefs.sql/oldestLogRefs.sql), and a
 *   row nothing uses any more is deleted in the same transaction (deleteResource/deleteScope.sql)
 *   and leaves the maps. So distinct resources (a new `process.pid` per process start, or an
 *   exporter sending a new one per request) live exactly as long as the data that uses them and
 *   count in `maxMegabytes` like it; before, they were never deleted and could outgrow the limit.
 * - Transactions: entries added, counts changed and rows deleted in a transaction that rolls back
 *   are undone (`rollback`): the maps always match the tables.
 * - `service.name` by resource id, for trace summaries and skeletons.
 * - GenAI badge names (`codec.ts badgeNamesKey`) by id, in memory; written to `store.genai_names`
 *   only before a snapshot (`persistGenaiNames`). Never rolled back: ids in rolled-back rows are
 *   simply unused.
 *
 * Everything is rebuilt from empty by `clear` and from the tables after a snapshot restore
 * (`restore`, which also deletes rows a snapshot holds for no span or log record: files written
 * before reference counting).
 */
import { createHash } from 'node:crypto';
import type { ResourceInfo, ScopeInfo } from '../../model/trace';
import { capResource, capScope, encodeResource, encodeScope, safely, serviceNameOf } from './codec';
import type { StoreSql } from './queries';

/** Most distinct GenAI badge names (model/agent/tool combinations) kept in the store's dictionary. */
export const MAX_GENAI_NAMES = 100_000;

/**
 * Largest resource or scope stored, in characters of its JSON (UTF-16 code units; ≈ bytes for
 * ASCII): 128 Ki. A larger one is stored cut (`capResource`/`capScope`: `service.name` first, the
 * attribute crossing the cap cut with the truncation marker, the rest dropped and counted in
 * `droppedAttributesCount`). Why this size: real resources are a few hundred bytes to a few KB; the
 * largest seen carry a whole command line (`process.command_line`/`command_args`, e.g. a Java
 * class path: tens of KB), which stays whole. Each distinct resource is stored in a row and
 * kept as a map key in memory, so a cap bounds what one exporter's resource can cost both.
 */
export const MAX_RESOURCE_JSON_CHARS = 131_072;

/**
 * Contents whose JSON is longer than this (characters) are keyed in memory by their SHA-256
 * digest (`dedupKey`) instead of the JSON itself, so the maps hold ~50 bytes per large resource
 * instead of a second copy of it (the row already holds one). Why 1 Ki: typical resources (a few
 * hundred bytes) keep the exact key and cost no hashing; the digest of a 128 Ki-character JSON
 * costs ~0.3 ms, paid once per resource object (the decoders share one per ResourceSpans).
 */
export const HASHED_KEY_MIN_CHARS = 1024;

/** The in-memory deduplication key of a JSON content: itself, or `#` + its SHA-256 digest when long (JSON never starts with `#`). */
function dedupKey(json: string): string {
  return json.length > HASHED_KEY_MIN_CHARS ? '#' + createHash('sha256').update(json).digest('base64') : json;
}

/** One interned resource or scope: its row and how many stored rows use it. */
export interface Interned {
  /** Row id (`store.resources.id` / `store.scopes.id`). */
  readonly id: number;
  /** The deduplication key: the JSON stored in the row, or its digest when long (`dedupKey`). */
  readonly key: string;
  /** Spans and log records using the row, including the open transaction's changes. */
  refs: number;
  /** `false` once the row is deleted (or its insert rolled back): object-identity hits on it miss. */
  live: boolean;
  /** Transaction whose rollback restores `saved` (the one that last changed `refs`). */
  txn: number;
  /** `refs` at the start of transaction `txn`. */
  saved: number;
}

/** What a dictionary does with its table (resources or scopes). */
interface TableHooks<T> {
  /** The content's JSON (the dictionary caps it at `MAX_RESOURCE_JSON_CHARS`). */
  encode(value: T): string;
  /** `value` cut to at most `maxChars` of JSON. */
  cap(value: T, maxChars: number): T;
  /** Inserts the row of a new entry with its JSON (in the caller's transaction). */
  insert(entry: Interned, value: T, json: string): void;
  /** Deletes the row of an entry nothing uses any more (in the caller's transaction). */
  remove(id: number): void;
  /** The entry joined (`true`) or left (`false`) the maps. */
  shown?(entry: Interned, value: T | undefined, live: boolean): void;
}

/** The transaction counter shared by the dictionaries of one store, and the entries it changed. */
interface Clock {
  txn: number;
  /** Entries whose `refs` changed in transaction `txn` (their `saved` is the value to restore). */
  touched: Interned[];
}

/** One deduplication dictionary (resources or scopes) over its table. */
class Dictionary<T extends object> {
  private byKey = new Map<string, Interned>();
  private byId = new Map<number, Interned>();
  private byObject = new WeakMap<object, Interned>();
  private nextId = 1;
  /** Entries created / deleted in the open transaction (undone by `rollback`). */
  private created: Interned[] = [];
  private deleted: Interned[] = [];

  constructor(
    private readonly hooks: TableHooks<T>,
    private readonly clock: Clock,
  ) {}

  /** Distinct contents held (= rows of the table). */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * The entry of `value`, inserting its row the first time its content (capped) is seen;
   * `undefined` when it cannot be encoded as JSON. Its `refs` are not changed: see `ref`.
   */
  intern(value: T): Interned | undefined {
    const known = this.byObject.get(value);
    if (known !== undefined && known.live) return known;
    const hooks = this.hooks;
    let stored = value;
    let json = safely(() => hooks.encode(value));
    if (json === null) return undefined;
    if (json.length > MAX_RESOURCE_JSON_CHARS) {
      json = safely(() => hooks.encode((stored = hooks.cap(value, MAX_RESOURCE_JSON_CHARS))));
      if (json === null) return undefined;
    }
    const key = dedupKey(json);
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = { id: this.nextId++, key, refs: 0, live: true, txn: this.clock.txn, saved: 0 };
      hooks.insert(entry, stored, json);
      this.byKey.set(key, entry);
      this.byId.set(entry.id, entry);
      this.created.push(entry);
      hooks.shown?.(entry, stored, true);
    }
    this.byObject.set(value, entry);
    return entry;
  }

  /** `n` fewer rows use row `id`; at 0 the row is deleted and leaves the maps. Unknown ids are ignored. */
  release(id: number, n: number): void {
    const entry = this.byId.get(id);
    if (entry === undefined) return;
    touch(entry, this.clock);
    entry.refs -= n;
    if (entry.refs <= 0) this.drop(entry);
  }

  /** Deletes the row of an entry no row uses (a span refused after its resource was interned). */
  dropIfUnused(entry: Interned): void {
    if (entry.live && entry.refs <= 0) this.drop(entry);
  }

  private drop(entry: Interned): void {
    touch(entry, this.clock);
    entry.refs = 0;
    this.hooks.remove(entry.id);
    this.unmap(entry);
    this.deleted.push(entry);
  }

  private unmap(entry: Interned): void {
    if (this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
    this.byId.delete(entry.id);
    entry.live = false;
    this.hooks.shown?.(entry, undefined, false);
  }

  /** After ROLLBACK: rows deleted in it are back, rows inserted in it are gone (counts: `Interning.rollback`). */
  rollback(): void {
    for (const entry of this.deleted) {
      entry.live = true;
      this.byKey.set(entry.key, entry);
      this.byId.set(entry.id, entry);
      this.hooks.shown?.(entry, undefined, true);
    }
    for (const entry of this.created) this.unmap(entry);
  }

  /** End of a transaction, committed or rolled back. */
  endTransaction(): void {
    if (this.created.length > 0) this.created = [];
    if (this.deleted.length > 0) this.deleted = [];
  }

  /** Empty, ids from 1 (after `clear.sql`). */
  clear(): void {
    this.byKey = new Map();
    this.byId = new Map();
    this.byObject = new WeakMap();
    this.nextId = 1;
    this.created = [];
    this.deleted = [];
  }

  /**
   * An entry read back from a restored table with `refs` users (> 0). Next ids continue after the
   * largest id seen (rows without users included, so their ids are not reused).
   */
  restoreEntry(id: number, json: string, refs: number): Interned | undefined {
    if (id >= this.nextId) this.nextId = id + 1;
    if (refs <= 0) return undefined;
    const key = dedupKey(json);
    // txn 0: no transaction has changed it yet (transactions count from 1).
    const entry: Interned = { id, key, refs, live: true, txn: 0, saved: refs };
    this.byKey.set(key, entry);
    this.byId.set(id, entry);
    return entry;
  }
}

/** Remembers an entry's count before the open transaction changes it (once per transaction). */
function touch(entry: Interned, clock: Clock): void {
  if (entry.txn !== clock.txn) {
    entry.txn = clock.txn;
    entry.saved = entry.refs;
    clock.touched.push(entry);
  }
}

/** The dictionaries of one store (one instance per `TraceStore`). */
export class Interning {
  /**
   * `service.name` by resource id (index), for live resources. Replaced (not emptied) by `clear`:
   * read it through this object at the start of each call, do not keep it across calls.
   */
  serviceNames: string[] = [];
  /** GenAI badge names by id (`codec.ts badgeNamesKey`; id 0 = none). Replaced by `clear`, like `serviceNames`. */
  genaiNames: string[] = [''];
  private genaiNameIds = new Map<string, number>();
  /** GenAI names already written to `store.genai_names` (ids below this; see `persistGenaiNames`). */
  private persistedGenaiNames = 1;

  /** Transactions count from 1 (0: an entry no transaction has changed yet). */
  private readonly clock: Clock = { txn: 1, touched: [] };
  /** Service names of resources deleted in the open transaction, restored if it rolls back. */
  private removedServiceNames = new Map<number, string>();
  private readonly resources: Dictionary<ResourceInfo>;
  private readonly scopes: Dictionary<ScopeInfo>;

  constructor(private readonly sql: StoreSql) {
    const q = sql.q;
    this.resources = new Dictionary<ResourceInfo>(
      {
        encode: encodeResource,
        cap: capResource,
        insert: (entry, resource, json) => q.insertResource.run({ id: entry.id, service_name: serviceNameOf(resource), json }),
        remove: (id) => q.deleteResource.run({ id }),
        shown: (entry, resource, live) => {
          if (live) {
            const name = resource ? serviceNameOf(resource) : this.removedServiceNames.get(entry.id);
            this.serviceNames[entry.id] = name ?? '';
          } else {
            const name = this.serviceNames[entry.id];
            if (name !== undefined) this.removedServiceNames.set(entry.id, name);
            delete this.serviceNames[entry.id];
          }
        },
      },
      this.clock,
    );
    this.scopes = new Dictionary<ScopeInfo>(
      {
        encode: encodeScope,
        cap: capScope,
        insert: (entry, _scope, json) => q.insertScope.run({ id: entry.id, json }),
        remove: (id) => q.deleteScope.run({ id }),
      },
      this.clock,
    );
  }

  /**
   * The resource's entry (`entry.id` is its row id), inserting its row (insertResource.sql, in the
   * caller's transaction; cut to `MAX_RESOURCE_JSON_CHARS`) the first time its content is seen;
   * `undefined` when it cannot be encoded as JSON. Call `ref` once a row using it is stored.
   */
  resource(resource: ResourceInfo): Interned | undefined {
    return this.resources.intern(resource);
  }

  /** The scope's entry (insertScope.sql), like `resource`. */
  scope(scope: ScopeInfo): Interned | undefined {
    return this.scopes.intern(scope);
  }

  /** One more stored span or log record uses `entry` (a resource or scope). In memory only: no SQL. */
  ref(entry: Interned): void {
    if (entry.txn !== this.clock.txn) touch(entry, this.clock);
    entry.refs++;
  }

  /**
   * `n` stored spans or log records using resource `resourceId` and scope `scopeId` were deleted
   * (or replaced): rows nothing uses any more are deleted now (in the caller's transaction).
   */
  release(resourceId: number, scopeId: number, n: number): void {
    this.resources.release(resourceId, n);
    this.scopes.release(scopeId, n);
  }

  /** After a span or record was refused although its resource/scope was interned: deletes them if unused. */
  dropIfUnused(resource: Interned | undefined, scope: Interned | undefined): void {
    if (resource) this.resources.dropIfUnused(resource);
    if (scope) this.scopes.dropIfUnused(scope);
  }

  /** Distinct resources and scopes held in memory (each has a row). */
  sizes(): { resources: number; scopes: number } {
    return { resources: this.resources.size, scopes: this.scopes.size };
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
   * After a ROLLBACK: reference counts as they were before the transaction, resources and scopes
   * it deleted back in the maps, those it added gone (their rows are gone).
   */
  rollback(): void {
    for (const entry of this.clock.touched) entry.refs = entry.saved;
    this.resources.rollback();
    this.scopes.rollback();
  }

  /** End of a transaction, committed or rolled back: its changes are settled. */
  endTransaction(): void {
    this.clock.txn++;
    if (this.clock.touched.length > 0) this.clock.touched = [];
    if (this.removedServiceNames.size > 0) this.removedServiceNames = new Map();
    this.resources.endTransaction();
    this.scopes.endTransaction();
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
    this.resources.clear();
    this.scopes.clear();
    this.serviceNames = [];
    this.removedServiceNames = new Map();
    this.clock.touched = [];
  }

  /**
   * After a snapshot was copied in: the dictionaries, reference counts and next ids from
   * `store.resources`, `store.scopes`, `store.genai_names` and the rows that use them
   * (restoreResources/Scopes/GenaiNames/Refs.sql); resources and scopes no span or log record
   * uses (snapshots written before reference counting kept them forever) are deleted (own
   * transaction). The names read back count as persisted.
   */
  restore(): void {
    const q = this.sql.q;
    const resourceRefs = new Map<number, number>();
    const scopeRefs = new Map<number, number>();
    q.restoreRefs.each({}, (row) => {
      const n = row[2] as number;
      resourceRefs.set(row[0] as number, (resourceRefs.get(row[0] as number) ?? 0) + n);
      scopeRefs.set(row[1] as number, (scopeRefs.get(row[1] as number) ?? 0) + n);
    });
    const unusedResources: number[] = [];
    const unusedScopes: number[] = [];
    q.restoreResources.each({}, (row) => {
      const id = row[0] as number;
      if (this.resources.restoreEntry(id, row[2] as string, resourceRefs.get(id) ?? 0)) this.serviceNames[id] = row[1] as string;
      else unusedResources.push(id);
    });
    q.restoreScopes.each({}, (row) => {
      const id = row[0] as number;
      if (!this.scopes.restoreEntry(id, row[1] as string, scopeRefs.get(id) ?? 0)) unusedScopes.push(id);
    });
    if (unusedResources.length > 0 || unusedScopes.length > 0) {
      this.sql.transaction(() => {
        for (const id of unusedResources) q.deleteResource.run({ id });
        for (const id of unusedScopes) q.deleteScope.run({ id });
      });
    }
    q.restoreGenaiNames.each({}, (row) => {
      const id = row[0] as number;
      while (this.genaiNames.length < id) this.genaiNames.push('');
      this.genaiNames[id] = row[1] as string;
      this.genaiNameIds.set(row[1] as string, id);
    });
    this.persistedGenaiNames = this.genaiNames.length;
  }
}
