/**
 * The store's SQL statements, named once: `QUERY_SQL` maps each query name to its file in
 * `queries/` (one statement per file, `:name` parameters only), and the prepared-statement set
 * `Queries` is derived from that map. Adding a query = one import line + one map entry.
 *
 * Also `SNAPSHOT_SQL` (scripts run on the scratch databases of snapshots, never on the store's
 * connection), `SCRIPT_SQL` (multi-statement scripts run on the store's connection: clear, the
 * full-text slots' DDL, the snapshot migration) and `StoreSql`, the small runner interface through
 * which the store's modules use the statements: `TraceStore` owns the `Database`, prepares and frees the statements and runs
 * the transactions; the modules receive a `StoreSql` and never hold the database.
 */
import type { Database } from 'sql.js';
import { RowsInsert } from './rowsInsert';
import { PreparedQuery } from './statement';
import beginSql from './queries/begin.sql';
import commitSql from './queries/commit.sql';
import rollbackSql from './queries/rollback.sql';
import insertResourceSql from './queries/insertResource.sql';
import insertScopeSql from './queries/insertScope.sql';
import insertSpanSql from './queries/insertSpan.sql';
import insertSpanDetailSql from './queries/insertSpanDetail.sql';
import existingSpanSql from './queries/existingSpan.sql';
import updateSpanSql from './queries/updateSpan.sql';
import updateSpanDetailSql from './queries/updateSpanDetail.sql';
import upsertTraceSql from './queries/upsertTrace.sql';
import insertLogSql from './queries/insertLog.sql';
import oldestTracesSql from './queries/oldestTraces.sql';
import deleteTraceDetailsSql from './queries/deleteTraceDetails.sql';
import deleteTraceSpansSql from './queries/deleteTraceSpans.sql';
import deleteTraceLogsSql from './queries/deleteTraceLogs.sql';
import deleteTraceSummarySql from './queries/deleteTraceSummary.sql';
import deleteOldestLogsSql from './queries/deleteOldestLogs.sql';
import traceRefsSql from './queries/traceRefs.sql';
import traceRefsGroupedSql from './queries/traceRefsGrouped.sql';
import oldestLogRefsSql from './queries/oldestLogRefs.sql';
import deleteResourceSql from './queries/deleteResource.sql';
import deleteScopeSql from './queries/deleteScope.sql';
import internedCountsSql from './queries/internedCounts.sql';
import pageCountSql from './queries/pageCount.sql';
import freelistCountSql from './queries/freelistCount.sql';
import pageSizeSql from './queries/pageSize.sql';
import listTracesSql from './queries/listTraces.sql';
import traceSummarySql from './queries/traceSummary.sql';
import findTracesSql from './queries/findTraces.sql';
import traceSkeletonSql from './queries/traceSkeleton.sql';
import spanDetailSql from './queries/spanDetail.sql';
import spanLogsSql from './queries/spanLogs.sql';
import setFirstUserMessageSql from './queries/setFirstUserMessage.sql';
import traceUserLogsSql from './queries/traceUserLogs.sql';
import listSessionTracesSql from './queries/listSessionTraces.sql';
import listSessionsSql from './queries/listSessions.sql';
import sessionFirstTraceSql from './queries/sessionFirstTrace.sql';
import traceGenAiSpansSql from './queries/traceGenAiSpans.sql';
import traceHasGenAiSql from './queries/traceHasGenAi.sql';
import traceGenAiFactsSql from './queries/traceGenAiFacts.sql';
import traceLogsSql from './queries/traceLogs.sql';
import insertGenaiNameSql from './queries/insertGenaiName.sql';
import restoreResourcesSql from './queries/restoreResources.sql';
import restoreScopesSql from './queries/restoreScopes.sql';
import restoreRefsSql from './queries/restoreRefs.sql';
import restoreGenaiNamesSql from './queries/restoreGenaiNames.sql';
import restoreCountsSql from './queries/restoreCounts.sql';
import restoreCodeSpansSql from './queries/restoreCodeSpans.sql';
import snapshotTargetSql from './queries/snapshotTarget.sql';
import snapshotEmptySql from './queries/snapshotEmpty.sql';
import snapshotVersionSql from './queries/snapshotVersion.sql';
import snapshotCheckSql from './queries/snapshotCheck.sql';
import insertTraceGenaiSql from './queries/insertTraceGenai.sql';
import deleteTraceGenaiSql from './queries/deleteTraceGenai.sql';
import insertSearchDocSql from './queries/insertSearchDoc.sql';
import deleteSearchDocSql from './queries/deleteSearchDoc.sql';
import deleteTraceSearchDocsSql from './queries/deleteTraceSearchDocs.sql';
import insertSearchText0Sql from './queries/insertSearchText0.sql';
import insertSearchText1Sql from './queries/insertSearchText1.sql';
import insertSearchText2Sql from './queries/insertSearchText2.sql';
import insertSearchText3Sql from './queries/insertSearchText3.sql';
import searchTraceSpansSql from './queries/searchTraceSpans.sql';
import searchSpanSourceSql from './queries/searchSpanSource.sql';
import searchSpanLogsSql from './queries/searchSpanLogs.sql';
import searchMatchesSql from './queries/searchMatches.sql';
import searchMatchTracesSql from './queries/searchMatchTraces.sql';
import mergeSearchSlot0Sql from './queries/mergeSearchSlot0.sql';
import mergeSearchSlot1Sql from './queries/mergeSearchSlot1.sql';
import mergeSearchSlot2Sql from './queries/mergeSearchSlot2.sql';
import mergeSearchSlot3Sql from './queries/mergeSearchSlot3.sql';
import totalChangesSql from './queries/totalChanges.sql';
import searchSpanMatchesSql from './queries/searchSpanMatches.sql';
import searchSlotDocsSql from './queries/searchSlotDocs.sql';
import searchPageCountSql from './queries/searchPageCount.sql';
import searchFreelistCountSql from './queries/searchFreelistCount.sql';
import restoreTraceIdsSql from './queries/restoreTraceIds.sql';
import filterTraceIdsSql from './queries/filterTraceIds.sql';
import filterTraceCountSql from './queries/filterTraceCount.sql';
import filterTraceCountByBadgeSql from './queries/filterTraceCountByBadge.sql';
import filterTraceIdsByScanSql from './queries/filterTraceIdsByScan.sql';
import spanFactsSql from './queries/spanFacts.sql';
import traceSpanFactsSql from './queries/traceSpanFacts.sql';
import clearSql from './queries/clear.sql';
import resetSearchSlot0Sql from './queries/resetSearchSlot0.sql';
import resetSearchSlot1Sql from './queries/resetSearchSlot1.sql';
import resetSearchSlot2Sql from './queries/resetSearchSlot2.sql';
import resetSearchSlot3Sql from './queries/resetSearchSlot3.sql';
import migrateV1Sql from './queries/migrateV1.sql';
import migrateV2Sql from './queries/migrateV2.sql';
import traceUsageSql from './queries/traceUsage.sql';
import traceUsageLabelsSql from './queries/traceUsageLabels.sql';
import setTraceUsageSql from './queries/setTraceUsage.sql';
import updateSpanCallSql from './queries/updateSpanCall.sql';
import traceLogSpansSql from './queries/traceLogSpans.sql';
import nextUsagePendingSql from './queries/nextUsagePending.sql';
import markUsagePendingSql from './queries/markUsagePending.sql';
import clearUsagePendingSql from './queries/clearUsagePending.sql';
import refreshSpansSql from './queries/refreshSpans.sql';
import spanTreeNodeSql from './queries/spanTreeNode.sql';
import setSpansBelowSql from './queries/setSpansBelow.sql';
import traceCallTreeSql from './queries/traceCallTree.sql';
import traceUsageStateSql from './queries/traceUsageState.sql';
import touchTraceSql from './queries/touchTrace.sql';
import deleteTraceUsageSql from './queries/deleteTraceUsage.sql';

/**
 * SQL text of every prepared query, by file name (without `.sql`); exported for the golden tests
 * of the query files. `clear.sql` is not here: it is a multi-statement script run with `db.run`.
 */
export const QUERY_SQL = {
  begin: beginSql,
  commit: commitSql,
  rollback: rollbackSql,
  insertResource: insertResourceSql,
  insertScope: insertScopeSql,
  insertSpan: insertSpanSql,
  insertSpanDetail: insertSpanDetailSql,
  existingSpan: existingSpanSql,
  updateSpan: updateSpanSql,
  updateSpanDetail: updateSpanDetailSql,
  upsertTrace: upsertTraceSql,
  insertLog: insertLogSql,
  oldestTraces: oldestTracesSql,
  deleteTraceDetails: deleteTraceDetailsSql,
  deleteTraceSpans: deleteTraceSpansSql,
  deleteTraceLogs: deleteTraceLogsSql,
  deleteTraceSummary: deleteTraceSummarySql,
  deleteOldestLogs: deleteOldestLogsSql,
  traceRefs: traceRefsSql,
  traceRefsGrouped: traceRefsGroupedSql,
  oldestLogRefs: oldestLogRefsSql,
  deleteResource: deleteResourceSql,
  deleteScope: deleteScopeSql,
  internedCounts: internedCountsSql,
  pageCount: pageCountSql,
  freelistCount: freelistCountSql,
  pageSize: pageSizeSql,
  listTraces: listTracesSql,
  traceSummary: traceSummarySql,
  findTraces: findTracesSql,
  traceSkeleton: traceSkeletonSql,
  spanDetail: spanDetailSql,
  spanLogs: spanLogsSql,
  setFirstUserMessage: setFirstUserMessageSql,
  traceUserLogs: traceUserLogsSql,
  listSessionTraces: listSessionTracesSql,
  listSessions: listSessionsSql,
  sessionFirstTrace: sessionFirstTraceSql,
  traceGenAiSpans: traceGenAiSpansSql,
  traceHasGenAi: traceHasGenAiSql,
  traceGenAiFacts: traceGenAiFactsSql,
  traceLogs: traceLogsSql,
  insertGenaiName: insertGenaiNameSql,
  restoreResources: restoreResourcesSql,
  restoreScopes: restoreScopesSql,
  restoreRefs: restoreRefsSql,
  restoreGenaiNames: restoreGenaiNamesSql,
  restoreCounts: restoreCountsSql,
  restoreCodeSpans: restoreCodeSpansSql,
  // Full-text index and filters (searchIndex.ts, src/core/search).
  insertTraceGenai: insertTraceGenaiSql,
  deleteTraceGenai: deleteTraceGenaiSql,
  insertSearchDoc: insertSearchDocSql,
  deleteSearchDoc: deleteSearchDocSql,
  deleteTraceSearchDocs: deleteTraceSearchDocsSql,
  insertSearchText0: insertSearchText0Sql,
  insertSearchText1: insertSearchText1Sql,
  insertSearchText2: insertSearchText2Sql,
  insertSearchText3: insertSearchText3Sql,
  searchTraceSpans: searchTraceSpansSql,
  searchSpanSource: searchSpanSourceSql,
  searchSpanLogs: searchSpanLogsSql,
  searchMatches: searchMatchesSql,
  searchMatchTraces: searchMatchTracesSql,
  mergeSearchSlot0: mergeSearchSlot0Sql,
  mergeSearchSlot1: mergeSearchSlot1Sql,
  mergeSearchSlot2: mergeSearchSlot2Sql,
  mergeSearchSlot3: mergeSearchSlot3Sql,
  totalChanges: totalChangesSql,
  searchSpanMatches: searchSpanMatchesSql,
  searchSlotDocs: searchSlotDocsSql,
  searchPageCount: searchPageCountSql,
  searchFreelistCount: searchFreelistCountSql,
  restoreTraceIds: restoreTraceIdsSql,
  filterTraceIds: filterTraceIdsSql,
  filterTraceCount: filterTraceCountSql,
  filterTraceCountByBadge: filterTraceCountByBadgeSql,
  filterTraceIdsByScan: filterTraceIdsByScanSql,
  spanFacts: spanFactsSql,
  traceSpanFacts: traceSpanFactsSql,
  // Cost columns (usageColumns.ts, usageRefresh.ts).
  traceUsage: traceUsageSql,
  traceUsageLabels: traceUsageLabelsSql,
  setTraceUsage: setTraceUsageSql,
  updateSpanCall: updateSpanCallSql,
  traceLogSpans: traceLogSpansSql,
  nextUsagePending: nextUsagePendingSql,
  markUsagePending: markUsagePendingSql,
  clearUsagePending: clearUsagePendingSql,
  refreshSpans: refreshSpansSql,
  spanTreeNode: spanTreeNodeSql,
  setSpansBelow: setSpansBelowSql,
  traceCallTree: traceCallTreeSql,
  traceUsageState: traceUsageStateSql,
  touchTrace: touchTraceSql,
  deleteTraceUsage: deleteTraceUsageSql,
} as const;

/** Name of a prepared query (= its file name in `queries/` without `.sql`). */
export type QueryName = keyof typeof QUERY_SQL;

/** Every prepared statement of the store, by query name (prepared by `prepareQueries`). */
export type Queries = { readonly [K in QueryName]: PreparedQuery };

/**
 * Scripts run on the scratch databases of snapshots (not on the store's connection), by file
 * name (exported for the golden tests).
 */
export const SNAPSHOT_SQL = {
  snapshotTarget: snapshotTargetSql,
  snapshotEmpty: snapshotEmptySql,
  snapshotVersion: snapshotVersionSql,
  snapshotCheck: snapshotCheckSql,
} as const;

/**
 * Multi-statement scripts run on the store's connection with `StoreSql.runScript` (not prepared:
 * DDL, or several statements), by file name (exported for the golden tests).
 */
export const SCRIPT_SQL = {
  clear: clearSql,
  resetSearchSlot0: resetSearchSlot0Sql,
  resetSearchSlot1: resetSearchSlot1Sql,
  resetSearchSlot2: resetSearchSlot2Sql,
  resetSearchSlot3: resetSearchSlot3Sql,
  migrateV1: migrateV1Sql,
  migrateV2: migrateV2Sql,
} as const;

/** Name of a script of `SCRIPT_SQL`. */
export type ScriptName = keyof typeof SCRIPT_SQL;

/**
 * Prepares every query of `QUERY_SQL` on `db` (each labelled `<name>.sql` in errors).
 * @throws Error when a file does not compile or uses a parameter style other than `:name`; the
 * statements prepared until then are freed.
 */
export function prepareQueries(db: Database): Queries {
  const prepared: Partial<Record<QueryName, PreparedQuery>> = {};
  try {
    for (const [name, sql] of Object.entries(QUERY_SQL) as [QueryName, string][]) {
      prepared[name] = new PreparedQuery(db, sql, `${name}.sql`);
    }
  } catch (error) {
    freeQueries(prepared);
    throw error;
  }
  return prepared as Queries;
}

/** Frees every statement of a set made by `prepareQueries`. */
export function freeQueries(queries: Partial<Queries>): void {
  for (const query of Object.values(queries)) query.free();
}

/** Most rows per execution of a multi-row INSERT (rowsInsert.ts). */
export const ROWS_PER_INSERT = 32;

/** The one-row INSERT files that the write path also runs for many rows at once (rowsInsert.ts). */
export interface RowInserts {
  readonly insertSpan: RowsInsert;
  readonly insertSpanDetail: RowsInsert;
  readonly insertTraceGenai: RowsInsert;
}

/** Prepares `RowInserts` on `db` (one row count now, the others on first use). */
export function prepareRowInserts(db: Database): RowInserts {
  const made: RowsInsert[] = [];
  const make = (name: 'insertSpan' | 'insertSpanDetail' | 'insertTraceGenai'): RowsInsert => {
    const r = new RowsInsert(db, QUERY_SQL[name], `${name}.sql`, ROWS_PER_INSERT);
    made.push(r);
    return r;
  };
  try {
    return { insertSpan: make('insertSpan'), insertSpanDetail: make('insertSpanDetail'), insertTraceGenai: make('insertTraceGenai') };
  } catch (error) {
    for (const r of made) r.free();
    throw error;
  }
}

/** Frees a set made by `prepareRowInserts`. */
export function freeRowInserts(rows: RowInserts): void {
  for (const r of Object.values(rows)) r.free();
}

/**
 * What the store's modules may do with SQL, implemented by `TraceStore` (the only owner of the
 * `Database`): use the prepared statements, read the change count, and run a transaction.
 */
export interface StoreSql {
  /** The prepared statements (owned, and freed on close, by `TraceStore`). */
  readonly q: Queries;
  /** Multi-row versions of some INSERTs (owned, and freed on close, by `TraceStore`). */
  readonly rows: RowInserts;
  /** Rows changed by the last INSERT, UPDATE or DELETE on the connection (`sqlite3_changes`). */
  rowsModified(): number;
  /**
   * Runs `body` in one transaction and returns its result. COMMIT when it returns (the code
   * index's staged changes then apply); when it throws: ROLLBACK, the staged code-index changes
   * are dropped, the deduplication maps return to their state before it (entries added dropped,
   * entries deleted back, reference counts restored), and the error is rethrown.
   */
  transaction<T>(body: () => T): T;
  /**
   * Runs a script of `SCRIPT_SQL` (in the caller's transaction, if any). Statements that refer to
   * a table the script drops and creates again are prepared again by SQLite on their next use.
   */
  runScript(name: ScriptName): void;
}
