/**
 * Golden checks of the SQL files: each compiles against schema.sql, has the expected named
 * parameters and result columns, executes, and the UI-path queries use their indexes.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schemaSql from '../../../src/core/store/schema.sql';
import { PreparedQuery, parameterNames, type Params } from '../../../src/core/store/statement';
import { QUERY_SQL, SCRIPT_SQL, SNAPSHOT_SQL, STORE_SCHEMA_VERSION } from '../../../src/core/store/traceStore';
import { traceFilterParams } from '../../../src/core/store/traceFilter';
import { openRawDatabase } from '../../support/storeHarness';

const SUMMARY_COLUMNS = ['trace_id', 'root_name', 'has_root', 'root_service', 'start_unix_nano', 'end_unix_nano', 'duration_ms', 'span_count', 'error_count', 'updated_seq', 'session_id', 'agent_name', 'first_user_message', 'usage'];
const CALL_PARAMS = ['call', 'cost_pico', 'cost_label', 'usage_input', 'usage_output', 'usage_more'];
const SPAN_DETAIL_COLUMNS = ['trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'status_code', 'start_unix_nano', 'end_unix_nano', 'detail', 'resource_json', 'scope_json'];
const LOG_COLUMNS = ['trace_id', 'span_id', 'time_unix_nano', 'observed_unix_nano', 'severity_number', 'severity_text', 'event_name', 'flags', 'detail', 'resource_json', 'scope_json'];

const FILTER_PARAMS = ['traces', 'exclude', 'services', 'session_id', 'min_duration_ns', 'max_duration_ns', 'since_ns', 'trace_prefix', 'trace_prefix_end', 'error', 'genai_keys', 'error_genai_keys', 'has_genai'];
const SPAN_FACT_COLUMNS = ['status_code', 'has_exception', 'genai', 'genai_tokens', 'resource_id', 'start_offset_ns', 'duration_ns'];
const SLOT_SCRIPTS = ['resetSearchSlot0', 'resetSearchSlot1', 'resetSearchSlot2', 'resetSearchSlot3'] as const;

/** File → expected parameters (binding order) and result columns. */
const GOLDEN: Record<keyof typeof QUERY_SQL, { params: string[]; columns: string[] }> = {
  begin: { params: [], columns: [] },
  commit: { params: [], columns: [] },
  rollback: { params: [], columns: [] },
  insertResource: { params: ['id', 'service_name', 'json'], columns: [] },
  insertScope: { params: ['id', 'json'], columns: [] },
  insertSpan: {
    params: ['trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'status_code', 'start_sec', 'start_nsec', 'end_sec', 'end_nsec', 'resource_id', 'scope_id', 'event_count', 'has_exception', 'detail_id', 'genai', 'genai_tokens', ...CALL_PARAMS],
    columns: [],
  },
  insertSpanDetail: { params: ['id', 'detail'], columns: [] },
  existingSpan: { params: ['trace_id', 'span_id'], columns: ['status_code', 'detail_id', 'resource_id', 'scope_id'] },
  updateSpan: {
    params: ['parent_span_id', 'name', 'kind', 'status_code', 'start_sec', 'start_nsec', 'end_sec', 'end_nsec', 'resource_id', 'scope_id', 'event_count', 'has_exception', 'genai', 'genai_tokens', ...CALL_PARAMS, 'trace_id', 'span_id'],
    columns: [],
  },
  updateSpanDetail: { params: ['detail', 'id'], columns: [] },
  upsertTrace: {
    params: [
      'trace_id', 'start_sec', 'start_nsec', 'end_sec', 'end_nsec', 'span_delta', 'error_delta', 'root_name', 'root_service',
      'root_start_sec', 'root_start_nsec', 'has_root', 'seq', 'session_id', 'agent_name', 'agent_start_sec', 'agent_start_nsec',
    ],
    columns: ['span_count', 'first_user_ns'],
  },
  insertLog: {
    params: ['trace_id', 'span_id', 'time_ns', 'observed_ns', 'severity_number', 'severity_text', 'event_name', 'flags', 'resource_id', 'scope_id', 'detail'],
    columns: [],
  },
  oldestTraces: { params: ['protected_seq', 'limit'], columns: ['trace_id'] },
  deleteTraceDetails: { params: ['trace_id'], columns: [] },
  deleteTraceSpans: { params: ['trace_id'], columns: [] },
  deleteTraceLogs: { params: ['trace_id'], columns: [] },
  deleteTraceSummary: { params: ['trace_id'], columns: [] },
  deleteOldestLogs: { params: ['limit'], columns: [] },
  traceRefs: { params: ['trace_id'], columns: ['resource_id', 'scope_id', 'n', 'max_resource_id', 'max_scope_id'] },
  traceRefsGrouped: { params: ['trace_id'], columns: ['resource_id', 'scope_id', 'n'] },
  oldestLogRefs: { params: ['limit'], columns: ['resource_id', 'scope_id', 'n'] },
  deleteResource: { params: ['id'], columns: [] },
  deleteScope: { params: ['id'], columns: [] },
  internedCounts: { params: [], columns: ['resource_rows', 'scope_rows'] },
  pageCount: { params: [], columns: ['page_count'] },
  freelistCount: { params: [], columns: ['freelist_count'] },
  pageSize: { params: [], columns: ['page_size'] },
  listTraces: { params: ['limit', 'offset'], columns: SUMMARY_COLUMNS },
  traceSummary: { params: ['trace_id'], columns: SUMMARY_COLUMNS },
  findTraces: { params: ['prefix', 'prefix_end', 'limit'], columns: SUMMARY_COLUMNS },
  traceSkeleton: { params: ['trace_id'], columns: ['span_ids', 'parent_span_ids', 'names', 'bits', 'resource_ids', 'start_offsets_ns', 'durations_ns', 'genai', 'genai_tokens', 'calls', 'costs_pico'] },
  spanDetail: {
    params: ['trace_id', 'span_id'],
    columns: ['trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'status_code', 'start_unix_nano', 'end_unix_nano', 'detail', 'resource_json', 'scope_json'],
  },
  spanLogs: {
    params: ['trace_id', 'span_id'],
    columns: LOG_COLUMNS,
  },
  setFirstUserMessage: { params: ['text', 'first_user_ns', 'seq', 'trace_id'], columns: [] },
  traceUserLogs: { params: ['trace_id'], columns: ['time_unix_nano', 'observed_unix_nano', 'event_name', 'detail'] },
  listSessionTraces: { params: ['session_id', 'limit', 'offset'], columns: SUMMARY_COLUMNS },
  listSessions: { params: ['limit'], columns: ['session_id', 'trace_count', 'start_unix_nano', 'end_unix_nano', 'error_count'] },
  sessionFirstTrace: { params: ['session_id'], columns: ['agent_name', 'first_user_message', 'root_name'] },
  traceGenAiSpans: { params: ['trace_id', 'limit'], columns: [...SPAN_DETAIL_COLUMNS, 'start_offset_ms', 'duration_ms'] },
  traceLogs: { params: ['trace_id', 'limit'], columns: LOG_COLUMNS },
  traceHasGenAi: { params: ['trace_id'], columns: ['has_genai'] },
  traceGenAiFacts: { params: ['trace_id'], columns: ['span_ids', 'genai', 'genai_tokens', 'calls', 'costs_pico', 'usage_input', 'usage_output', 'usage_more'] },
  insertGenaiName: { params: ['id', 'key'], columns: [] },
  restoreResources: { params: [], columns: ['id', 'service_name', 'json'] },
  restoreScopes: { params: [], columns: ['id', 'json'] },
  restoreRefs: { params: [], columns: ['resource_id', 'scope_id', 'n'] },
  restoreGenaiNames: { params: [], columns: ['id', 'key'] },
  restoreCounts: { params: [], columns: ['trace_count', 'span_count', 'log_count', 'max_detail_id', 'max_seq'] },
  restoreCodeSpans: { params: [], columns: SPAN_DETAIL_COLUMNS },
  insertTraceGenai: { params: ['genai_key', 'trace_id'], columns: [] },
  deleteTraceGenai: { params: ['trace_id'], columns: [] },
  insertSearchDoc: { params: ['docid', 'trace_id', 'span_id'], columns: [] },
  deleteSearchDoc: { params: ['docid'], columns: [] },
  deleteTraceSearchDocs: { params: ['trace_id'], columns: ['docid'] },
  insertSearchText0: { params: ['docid', 'body'], columns: [] },
  insertSearchText1: { params: ['docid', 'body'], columns: [] },
  insertSearchText2: { params: ['docid', 'body'], columns: [] },
  insertSearchText3: { params: ['docid', 'body'], columns: [] },
  searchTraceSpans: { params: ['trace_id'], columns: ['span_id', 'docid'] },
  searchSpanSource: { params: ['trace_id', 'span_id'], columns: ['name', 'detail'] },
  searchSpanLogs: { params: ['trace_id', 'span_id'], columns: ['event_name', 'detail'] },
  searchMatches: { params: ['match', 'traces', 'limit'], columns: ['docid', 'trace_id', 'span_id'] },
  searchMatchTraces: { params: ['match', 'traces', 'limit'], columns: ['trace_id'] },
  searchSpanMatches: { params: ['match', 'traces', 'error', 'genai_keys', 'limit'], columns: ['docid', 'trace_id', 'span_id'] },
  mergeSearchSlot0: { params: ['command'], columns: [] },
  mergeSearchSlot1: { params: ['command'], columns: [] },
  mergeSearchSlot2: { params: ['command'], columns: [] },
  mergeSearchSlot3: { params: ['command'], columns: [] },
  totalChanges: { params: [], columns: ['total_changes'] },
  searchSlotDocs: { params: ['first', 'last', 'limit'], columns: ['docid', 'trace_id', 'span_id'] },
  searchPageCount: { params: [], columns: ['page_count'] },
  searchFreelistCount: { params: [], columns: ['freelist_count'] },
  restoreTraceIds: { params: [], columns: ['trace_id'] },
  filterTraceIds: { params: [...FILTER_PARAMS, 'limit', 'offset'], columns: ['trace_id'] },
  filterTraceCount: { params: FILTER_PARAMS, columns: ['total'] },
  filterTraceCountByBadge: { params: ['genai_keys'], columns: ['badge_traces', 'traces'] },
  filterTraceIdsByScan: { params: [...FILTER_PARAMS, 'limit', 'offset'], columns: ['trace_id'] },
  spanFacts: { params: ['trace_id', 'span_id'], columns: SPAN_FACT_COLUMNS },
  traceSpanFacts: { params: ['trace_id'], columns: ['span_id', ...SPAN_FACT_COLUMNS] },
  traceUsage: {
    params: ['trace_id'],
    columns: ['calls', 'counted', 'model_calls', 'input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total', 'cost_pico', 'priced', 'reported', 'unpriced'],
  },
  traceUsageLabels: { params: ['trace_id'], columns: ['cost_label'] },
  setTraceUsage: { params: ['trace_id', 'call_count', 'usage', 'usage_marks'], columns: [] },
  touchTrace: { params: ['seq', 'pending', 'trace_id'], columns: [] },
  deleteTraceUsage: { params: ['trace_id'], columns: [] },
  updateSpanCall: { params: [...CALL_PARAMS, 'trace_id', 'span_id'], columns: [] },
  traceLogSpans: { params: ['trace_id'], columns: ['span_id'] },
  nextUsagePending: { params: [], columns: ['trace_id', 'usage_pending'] },
  markUsagePending: { params: [], columns: [] },
  clearUsagePending: { params: ['trace_id'], columns: [] },
  refreshSpans: { params: ['trace_id', 'after', 'calls_only', 'limit'], columns: SPAN_DETAIL_COLUMNS },
  spanTreeNode: { params: ['trace_id', 'span_id'], columns: ['parent_span_id', 'call', 'cost_pico', 'usage_input', 'usage_output', 'usage_more'] },
  setSpansBelow: { params: ['below', 'trace_id', 'span_ids'], columns: [] },
  traceCallTree: { params: ['trace_id'], columns: ['span_id', 'parent_span_id', 'call'] },
  traceUsageState: { params: ['trace_id'], columns: ['call_count', 'usage', 'usage_marks'] },
};

/** Plausible values for every parameter name used by the SQL files. */
const SAMPLE: Params = {
  id: 1,
  service_name: 'svc',
  json: '{}',
  trace_id: 'a'.repeat(32),
  span_id: 'b'.repeat(16),
  parent_span_id: null,
  name: 'n',
  kind: 1,
  status_code: 0,
  // Times of the span and trace writes: seconds and nanoseconds (codec.ts NanosParts).
  start_sec: 1_732_200_000,
  start_nsec: 123_456_789,
  end_sec: 1_732_200_000,
  end_nsec: 223_456_789,
  resource_id: 1,
  scope_id: 1,
  event_count: 0,
  has_exception: 0,
  detail_id: 1,
  genai: 32,
  genai_tokens: 2 ** 26 * 11 + 3,
  session_id: 'sess-1',
  agent_name: 'agent',
  agent_start_sec: 1_732_200_000,
  agent_start_nsec: 123_456_789,
  text: 'hello',
  first_user_ns: '1732200000123456789',
  detail: '{}',
  span_delta: 1,
  error_delta: 0,
  root_name: 'n',
  root_service: 'svc',
  root_start_sec: 1_732_200_000,
  root_start_nsec: 123_456_789,
  has_root: 1,
  seq: 1,
  time_ns: '1732200000123456789',
  observed_ns: '1732200000123456789',
  severity_number: 9,
  severity_text: 'INFO',
  event_name: '',
  flags: 0,
  limit: 10,
  offset: 0,
  protected_seq: 1000,
  prefix: 'a',
  prefix_end: 'a\u{10FFFF}',
  key: 'gpt-4o\u001f\u001f',
  genai_key: 16,
  docid: 1,
  body: 'hello world',
  match: '"hello"',
  first: 1,
  last: 10,
  command: 'merge=16,4',
  call: 21,
  cost_pico: 100_000_000,
  below: 1,
  span_ids: JSON.stringify(['c'.repeat(16)]),
  cost_label: null,
  usage_input: 100,
  usage_output: 20,
  usage_more: null,
  call_count: 1,
  usage: null,
  usage_marks: null,
  after: '',
  calls_only: 1,
  pending: 0,
};

/** SAMPLE with the filter parameters (no filter, except the sample's session). */
const FILTER_SAMPLE: Params = { ...traceFilterParams({}), ...SAMPLE };

let db: Database;

beforeAll(async () => {
  db = await openRawDatabase();
  db.run(schemaSql);
  for (const script of SLOT_SCRIPTS) db.run(SCRIPT_SQL[script]);
});

afterAll(() => {
  db.close();
});

/** The `detail` column of EXPLAIN QUERY PLAN, one line per step. */
function plan(sql: string, params: Params): string {
  const query = new PreparedQuery(db, `EXPLAIN QUERY PLAN ${sql}`, 'plan');
  try {
    return query.all(params).map((row) => String(row[query.column('detail')])).join('\n');
  } finally {
    query.free();
  }
}

describe('SQL files', () => {
  it('every file in queries/ is prepared by the store or run as a script', () => {
    const dir = fileURLToPath(new URL('../../../src/core/store/queries/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
    expect(files.sort()).toEqual([...Object.keys(QUERY_SQL), ...Object.keys(SNAPSHOT_SQL), ...Object.keys(SCRIPT_SQL)].sort());
  });

  // Executed in this order so that the writes find rows and the reads return some.
  const order: (keyof typeof QUERY_SQL)[] = [
    'pageSize', 'pageCount', 'freelistCount', 'begin', 'insertResource', 'insertScope', 'insertSpan', 'insertSpanDetail',
    'upsertTrace', 'insertLog', 'existingSpan', 'updateSpan', 'updateSpanDetail', 'setFirstUserMessage', 'updateSpanCall', 'traceUsage',
    'traceUsageLabels', 'setTraceUsage', 'spanTreeNode', 'setSpansBelow', 'traceCallTree', 'traceUsageState', 'touchTrace', 'traceLogSpans', 'markUsagePending', 'nextUsagePending', 'refreshSpans', 'clearUsagePending', 'commit', 'listTraces', 'traceSummary',
    'findTraces', 'traceSkeleton', 'spanDetail', 'spanLogs', 'traceUserLogs', 'listSessionTraces', 'listSessions', 'sessionFirstTrace',
    'traceGenAiSpans', 'traceHasGenAi', 'traceGenAiFacts', 'traceLogs', 'insertGenaiName', 'restoreResources', 'restoreScopes', 'restoreGenaiNames', 'restoreCounts',
    'restoreCodeSpans', 'restoreRefs', 'internedCounts', 'insertTraceGenai', 'insertSearchDoc', 'insertSearchText0', 'insertSearchText1', 'insertSearchText2',
    'insertSearchText3', 'searchTraceSpans', 'searchSpanSource', 'searchSpanLogs', 'searchMatches', 'searchMatchTraces', 'searchSpanMatches',
    'mergeSearchSlot0', 'mergeSearchSlot1', 'mergeSearchSlot2', 'mergeSearchSlot3', 'totalChanges', 'searchSlotDocs',
    'searchPageCount', 'searchFreelistCount', 'restoreTraceIds', 'filterTraceIds', 'filterTraceCount', 'filterTraceCountByBadge', 'filterTraceIdsByScan', 'spanFacts',
    'traceSpanFacts', 'deleteTraceSearchDocs', 'deleteSearchDoc', 'deleteTraceGenai', 'oldestTraces', 'traceRefs', 'traceRefsGrouped', 'oldestLogRefs', 'deleteTraceDetails', 'deleteTraceSpans',
    'deleteTraceLogs', 'deleteTraceSummary', 'deleteTraceUsage', 'deleteOldestLogs', 'deleteResource', 'deleteScope', 'begin', 'rollback',
  ];

  it.each(order.map((name, i) => [`${i}:${name}`, name] as const))('%s compiles, matches its golden shape and runs', (_, name) => {
    const query = new PreparedQuery(db, QUERY_SQL[name], `${name}.sql`);
    try {
      expect([...query.parameterNames]).toEqual(GOLDEN[name].params);
      expect([...query.columnNames]).toEqual(GOLDEN[name].columns);
      const rows = query.all(FILTER_SAMPLE);
      if (['listTraces', 'traceSummary', 'findTraces', 'traceSkeleton', 'spanDetail', 'spanLogs', 'existingSpan', 'oldestTraces', 'upsertTrace', 'listSessionTraces', 'listSessions', 'sessionFirstTrace', 'traceGenAiSpans', 'restoreResources', 'restoreScopes', 'restoreGenaiNames', 'restoreCounts', 'searchTraceSpans', 'searchSpanSource', 'searchSlotDocs', 'restoreTraceIds', 'filterTraceIds', 'filterTraceIdsByScan', 'spanFacts', 'traceSpanFacts', 'deleteTraceSearchDocs'].includes(name)) {
        expect(rows.length, `${name} returns the sample row`).toBe(1);
      }
      if (name === 'listTraces') {
        expect(rows[0]![query.column('start_unix_nano')]).toBe('1732200000123456789');
        expect(rows[0]![query.column('duration_ms')]).toBe(100);
        expect(rows[0]![query.column('session_id')]).toBe('sess-1');
        expect(rows[0]![query.column('agent_name')]).toBe('agent');
        expect(rows[0]![query.column('first_user_message')]).toBe('hello');
      }
      if (name === 'listSessions') expect(rows[0]).toEqual(['sess-1', 1, '1732200000123456789', '1732200000223456789', 0]);
      if (name === 'restoreCounts') expect(rows[0]).toEqual([1, 1, 1, 1, 1]);
      // The sample span and log record both use resource 1 and scope 1.
      if (name === 'restoreRefs') expect(rows).toEqual([[1, 1, 2]]);
      if (name === 'traceRefs') expect(rows).toEqual([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]);
      if (name === 'traceRefsGrouped') expect(rows).toEqual([[1, 1, 1], [1, 1, 1]]);
      if (name === 'oldestLogRefs') expect(rows).toEqual([[1, 1, 1]]);
      if (name === 'internedCounts') expect(rows).toEqual([[1, 1]]);
      if (name === 'searchTraceSpans') expect(rows[0]).toEqual(['b'.repeat(16), 1]);
      // Docid 1 was inserted into each of the four slots above: one match per slot.
      if (name === 'searchMatches') expect(rows).toEqual(Array(4).fill([1, 'a'.repeat(32), 'b'.repeat(16)]));
      if (name === 'filterTraceCount') expect(rows[0]).toEqual([1]);
      if (name === 'searchMatchTraces') expect(rows).toEqual([['a'.repeat(32)]]);
      if (name === 'searchSpanMatches') expect(rows.length).toBe(4); // docid 1 in each slot, on the sample span
      if (name === 'spanFacts') expect(rows[0]).toEqual([0, 0, 32, 2 ** 26 * 11 + 3, 1, 0, 100_000_000]);
      if (name === 'traceSkeleton') expect(rows[0]).toEqual([`["${'b'.repeat(16)}"]`, '[null]', '["n"]', '[1]', '[1]', '[0]', '[100000000]', '[32]', `[${2 ** 26 * 11 + 3}]`, '[21]', '[100000000]']);
      // The sample span is one counted, priced call of 100 input and 20 output tokens.
      if (name === 'traceUsage') expect(rows[0]).toEqual([1, 1, 0, 100, 20, 0, 0, 0, 120, 100_000_000, 1, 0, 0]);
      if (name === 'traceUsageLabels') expect(rows).toEqual([]);
      if (name === 'spanTreeNode') expect(rows).toEqual([[null, 21, 100_000_000, 100, 20, null]]);
      if (name === 'traceCallTree') expect(rows).toEqual([['b'.repeat(16), null, 21]]);
      if (name === 'traceUsageState') expect(rows).toEqual([[1, null, null]]);
      if (name === 'traceLogSpans') expect(rows).toEqual([['b'.repeat(16)]]);
      if (name === 'nextUsagePending') expect(rows).toEqual([['a'.repeat(32), 1]]);
      if (name === 'refreshSpans') expect(rows.map((r) => r[1])).toEqual(['b'.repeat(16)]);
    } finally {
      query.free();
    }
  });

  it('the snapshot scripts run on a scratch database', async () => {
    const scratch = await openRawDatabase();
    try {
      scratch.run(SNAPSHOT_SQL.snapshotEmpty);
      scratch.run(SNAPSHOT_SQL.snapshotTarget);
      expect(scratch.exec(SNAPSHOT_SQL.snapshotVersion)[0]!.values).toEqual([[0]]);
      expect(scratch.exec(SNAPSHOT_SQL.snapshotCheck)[0]!.values).toEqual([['ok']]);
      expect(scratch.export().byteLength).toBe(4096);
    } finally {
      scratch.close();
    }
  });

  it('clear.sql and the slot scripts run', () => {
    db.run(SCRIPT_SQL.clear);
    for (const script of SLOT_SCRIPTS) db.run(SCRIPT_SQL[script]);
    expect(db.exec('SELECT count(*) FROM store.spans')[0]!.values[0]![0]).toBe(0);
    expect(db.exec('SELECT count(*) FROM search.search_docs')[0]!.values[0]![0]).toBe(0);
    expect(db.exec("SELECT count(*) FROM search.search_fts_0 WHERE search_fts_0 MATCH 'hello'")[0]!.values[0]![0]).toBe(0);
  });

  it('schema.sql puts every table in the attached :memory: database', () => {
    const main = db.exec("SELECT name FROM main.sqlite_schema WHERE type = 'table'");
    expect(main).toEqual([]);
    const store = db.exec("SELECT name FROM store.sqlite_schema WHERE type = 'table' ORDER BY name")[0]!.values.flat();
    expect(store).toEqual(['genai_names', 'logs', 'resources', 'scopes', 'span_details', 'spans', 'trace_genai', 'trace_usage', 'traces']);
    const search = db.exec("SELECT name FROM search.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'search_fts_%' ORDER BY name")[0]!.values.flat();
    expect(search).toEqual(['search_docs']);
    expect(db.exec("SELECT count(*) FROM search.sqlite_schema WHERE name IN ('search_fts_0', 'search_fts_1', 'search_fts_2', 'search_fts_3')")[0]!.values[0]![0]).toBe(4);
    expect(db.exec('PRAGMA store.user_version')[0]!.values[0]![0]).toBe(STORE_SCHEMA_VERSION);
    expect(db.exec("SELECT file FROM pragma_database_list WHERE name = 'store'")[0]!.values[0]![0]).toBe('');
  });
});

describe('query plans', () => {
  it('listTraces and oldestTraces walk traces_by_start without sorting', () => {
    for (const name of ['listTraces', 'oldestTraces'] as const) {
      const p = plan(QUERY_SQL[name], SAMPLE);
      expect(p, name).toContain('traces_by_start');
      expect(p, name).not.toContain('TEMP B-TREE');
    }
  });

  it('findTraces, traceSummary, traceSkeleton and spanDetail use primary keys, not scans', () => {
    for (const name of ['findTraces', 'traceSummary', 'traceSkeleton', 'spanDetail', 'existingSpan'] as const) {
      const p = plan(QUERY_SQL[name], SAMPLE);
      expect(p, name).not.toMatch(/SCAN (store\.)?(spans|traces)\b(?! USING)/);
      expect(p, name).toMatch(/SEARCH/);
    }
  });

  it('traceRefs(Grouped) read one trace by primary key and its logs by logs_by_span; traceRefs sorts nothing', () => {
    for (const name of ['traceRefs', 'traceRefsGrouped'] as const) {
      const p = plan(QUERY_SQL[name], SAMPLE);
      expect(p, name).not.toMatch(/SCAN (store\.)?(spans|traces)\b(?! USING)/);
      expect(p, name).toContain('logs_by_span');
    }
    expect(plan(QUERY_SQL.traceRefs, SAMPLE)).not.toContain('TEMP B-TREE');
  });

  it('oldestTraces skips protected traces without a sort (a row lookup per skipped trace)', () => {
    expect(plan(QUERY_SQL.oldestTraces, SAMPLE)).toMatch(/SCAN (store\.)?traces USING (COVERING )?INDEX traces_by_start/);
  });

  it('spanLogs and deleteTraceLogs use logs_by_span', () => {
    expect(plan(QUERY_SQL.spanLogs, SAMPLE)).toContain('logs_by_span');
    expect(plan(QUERY_SQL.deleteTraceLogs, SAMPLE)).toContain('logs_by_span');
    expect(plan(QUERY_SQL.traceUserLogs, SAMPLE)).toContain('logs_by_span');
    expect(plan(QUERY_SQL.traceLogs, SAMPLE)).toContain('logs_by_span');
  });

  it('the session queries walk traces_by_session: no scan of all traces, no sort for grouping or per-session lists', () => {
    for (const name of ['listSessionTraces', 'sessionFirstTrace'] as const) {
      const p = plan(QUERY_SQL[name], SAMPLE);
      expect(p, name).toContain('traces_by_session');
      expect(p, name).not.toContain('TEMP B-TREE');
    }
    const sessions = plan(QUERY_SQL.listSessions, SAMPLE);
    expect(sessions).toContain('traces_by_session');
    expect(sessions).not.toContain('GROUP BY'); // only the groups are sorted (ORDER BY max(end_ns))
  });

  it('the cost bookkeeping reads one trace by primary key; the trace lists read its usage by primary key, without a sort', () => {
    for (const name of ['traceUsage', 'traceUsageLabels', 'traceCallTree', 'traceGenAiFacts', 'traceUsageState', 'spanTreeNode', 'setSpansBelow'] as const) {
      expect(plan(QUERY_SQL[name], FILTER_SAMPLE), name).not.toMatch(/SCAN (spans|trace_usage)\b/);
    }
    const list = plan(QUERY_SQL.listTraces, SAMPLE);
    expect(list).toMatch(/SEARCH u USING PRIMARY KEY/);
    expect(list).not.toMatch(/TEMP B-TREE/);
    expect(plan(QUERY_SQL.nextUsagePending, SAMPLE)).toMatch(/traces_usage_pending/);
  });

  it('traceGenAiSpans reads one trace by primary key', () => {
    const p = plan(QUERY_SQL.traceGenAiSpans, SAMPLE);
    expect(p).not.toMatch(/SCAN (store\.)?(spans|traces)\b(?! USING)/);
  });
});

describe('search and filter query plans', () => {
  it('filters walk the traces summary (newest first, no sort) and read error and badge lists from their indexes', () => {
    const params = { ...traceFilterParams({ error: true, genaiKeys: [16], errorGenaiKeys: [16], hasGenai: true, traceIds: ['a'] }), limit: 10, offset: 0 };
    const page = plan(QUERY_SQL.filterTraceIds, params);
    expect(page).toContain('SCAN t USING INDEX traces_by_start');
    expect(page).not.toContain('TEMP B-TREE');
    expect(page).toContain('SEARCH s USING COVERING INDEX spans_errors (trace_id=?)');
    expect(page).toContain('SCAN s USING COVERING INDEX spans_exceptions');
    expect(plan(QUERY_SQL.filterTraceCount, params)).toContain('SCAN s USING COVERING INDEX spans_errors');
    expect(page).toContain('SEARCH g USING COVERING INDEX trace_genai_by_trace (trace_id=?)');
    expect(plan(QUERY_SQL.filterTraceCount, params)).toContain('SEARCH g USING PRIMARY KEY (genai_key=?)');
    expect(page).not.toMatch(/SCAN (store\.)?spans\b(?! USING)/);
    expect(plan(QUERY_SQL.filterTraceCount, params)).not.toMatch(/SCAN (store\.)?spans\b(?! USING)/);
    // The badge count reads trace_genai's primary key only (one key: a range; several: their ranges).
    for (const keys of ['[16]', '[16,32]']) {
      const badge = plan(QUERY_SQL.filterTraceCountByBadge, { genai_keys: keys });
      expect(badge).toContain('SEARCH store.trace_genai USING PRIMARY KEY (genai_key=?)');
      expect(badge).not.toMatch(/SCAN (store\.)?(trace_genai|spans)\b/);
    }
    const scan = plan(QUERY_SQL.filterTraceIdsByScan, params);
    expect(scan).toMatch(/SCAN t\b(?! USING)/);
    expect(scan).toContain('TEMP B-TREE FOR ORDER BY');
  });

  it('the three filter statements have the same conditions (the page walk probes badges with EXISTS)', () => {
    const where = (sql: string) => sql.slice(sql.indexOf('WHERE (:traces')).split('\nORDER BY')[0]!.trim();
    expect(where(QUERY_SQL.filterTraceIdsByScan)).toBe(where(QUERY_SQL.filterTraceCount));
    /** The conditions one by one, with the badge ones reduced to their parameter. */
    const conditions = (sql: string) =>
      where(sql)
        .split(/\n\s*AND \(/)
        .map((c) => (c.includes(':genai_keys') ? ':genai_keys' : c.includes(':error_genai_keys') ? ':error_genai_keys' : c.replace(/\s+/g, ' ')));
    expect(conditions(QUERY_SQL.filterTraceIds)).toEqual(conditions(QUERY_SQL.filterTraceCount));
    expect(conditions(QUERY_SQL.filterTraceIds)).toHaveLength(12);
  });

  it('the full-text queries read the slots first, then one search_docs row (and span) per match', () => {
    for (const name of ['searchMatches', 'searchMatchTraces', 'searchSpanMatches'] as const) {
      const p = plan(QUERY_SQL[name], FILTER_SAMPLE);
      for (let i = 0; i < 4; i++) expect(p, name).toContain(`search_fts_${i} VIRTUAL TABLE INDEX 3`);
      expect(p, name).toContain('SEARCH d USING INTEGER PRIMARY KEY');
    }
    expect(plan(QUERY_SQL.searchSpanMatches, FILTER_SAMPLE)).toContain('SEARCH s USING PRIMARY KEY (trace_id=? AND span_id=?)');
  });

  it("a trace's documents and badge keys are found by trace, not by a scan", () => {
    expect(plan(QUERY_SQL.searchTraceSpans, SAMPLE)).toContain('search_docs_by_span');
    expect(plan(QUERY_SQL.deleteTraceSearchDocs, SAMPLE)).toContain('search_docs_by_span');
    expect(plan(QUERY_SQL.deleteTraceGenai, SAMPLE)).toContain('trace_genai_by_trace');
    expect(plan(QUERY_SQL.traceSpanFacts, SAMPLE)).not.toMatch(/SCAN (store\.)?(spans|traces)\b(?! USING)/);
  });
});

describe('parameterNames', () => {
  it('lists :names in order of first appearance', () => {
    expect(parameterNames('SELECT :b, :a, :b_2, :b')).toEqual(['b', 'a', 'b_2']);
  });

  it('ignores literals, quoted identifiers and comments', () => {
    expect(parameterNames(`SELECT ':x', ":y", \`:z\`, [:w], 'it''s :v' -- :c\n /* :d */ , :real`)).toEqual(['real']);
  });

  it('refuses other parameter styles', () => {
    expect(() => parameterNames('SELECT ?')).toThrow(/:name/);
    expect(() => parameterNames('SELECT @x')).toThrow(/:name/);
    expect(() => parameterNames('SELECT $x')).toThrow(/:name/);
  });
});

describe('PreparedQuery', () => {
  it('reports a missing parameter and an unknown column', () => {
    const query = new PreparedQuery(db, 'SELECT :a AS x', 'test.sql');
    try {
      expect(() => query.first({})).toThrow('test.sql: missing parameter :a');
      expect(() => query.column('y')).toThrow('test.sql: no result column "y"');
      expect(query.first({ a: 'v' })).toEqual(['v']);
    } finally {
      query.free();
    }
  });

  it('names the file when SQL does not compile', () => {
    expect(() => new PreparedQuery(db, 'SELEC 1', 'broken.sql')).toThrow(/^broken\.sql: /);
  });
});
