/**
 * Store configuration: the limits of settings `traceLens.store.*` and the persistence setting,
 * as the back end thread receives them from the host.
 */

/** Store limits; see settings `traceLens.store.*`. */
export interface StoreConfig {
  /** Oldest traces are evicted once more spans than this are stored. */
  maxSpans: number;
  /** Oldest traces are evicted once the database is larger than this (MiB). */
  maxMegabytes: number;
  /**
   * String and bytes attribute values (and log bodies) longer than this many characters are cut
   * at decode, with a marker that keeps the original length (src/model/limits.ts). Default
   * `DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH` (1 Mi characters).
   */
  maxAttributeValueLength?: number;
}

/**
 * Setting `traceLens.store.persistence` with the folder it applies to (the extension's workspace
 * storage, `ExtensionContext.storageUri`; `null` when VS Code has none, e.g. no folder open: then
 * nothing is persisted). See src/core/store/persistence.ts.
 */
export interface PersistenceConfig {
  mode: 'off' | 'workspace';
  dir: string | null;
  /** Between checks for a periodic snapshot (ms); default `SNAPSHOT_INTERVAL_MS` (30 s). */
  intervalMs?: number;
}

/** Outcome of a `snapshot` request. */
export interface SnapshotResult {
  /** `false` when persistence is off, the store did not change since the last snapshot, or writing failed (logged). */
  written: boolean;
  /** Size of the snapshot written (bytes), 0 when none. */
  bytes: number;
  /** The snapshot file, `null` when persistence is off. */
  path: string | null;
  durationMs: number;
}

