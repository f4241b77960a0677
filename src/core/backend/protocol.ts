/**
 * The typed contract between the extension host thread and the back end thread
 * (`src/core/backend/backendWorker.ts`, bundled as `dist/worker.js`).
 *
 * The host sends raw OTLP bodies (transferred, not copied) and small queries; the worker
 * decodes, stores in sql.js and answers with small results. The worker pushes `storeChanged`
 * at most every `CHANGE_NOTIFY_INTERVAL_MS` while data arrives (the first change after a quiet
 * interval at once: changeFeed.ts).
 */
import type { IngestParams, IngestResult } from '../otlp/types';
import type { PersistenceConfig, SnapshotResult, StoreConfig } from '../store/config';
import type { TraceConversation } from '../../model/genai';
import type { FindInTraceResult, TraceFilterResult, TraceSearchResult } from '../../model/search';
import type { PackedSkeleton } from '../../model/skeletonCodec';
import type { CallCost, PriceOverride, UsageReport, UsageScope } from '../../model/cost';
import type { PriceCallInput } from '../pricing/priceCall';
import type { FileCodeStats } from '../../model/source';
import type { BaselineStats, LocatedFinding, MetricAlert, RunCheck } from '../../model/diagnostics';
import type { AgentGraph } from '../../model/agentGraph';
import type { ExportOtlpParams, ExportOtlpResult, ImportOtlpParams, ImportOtlpResult } from '../files/types';
import type { CompareRequest, TraceComparison } from '../../model/compare';
import type { RecordedCall, ReplayRequest } from '../../model/replay';
import type { ForwardingConfig, ForwardingStatus, ForwardTracesParams, ForwardTracesResult } from '../forwarding/types';
import type {
  SessionSummary,
  SpanDetail,
  StoreStats,
  TraceId,
  TraceSkeleton,
  TraceSummary,
  SpanId,
} from '../../model/trace';

/** Requests the worker answers. */
export type BackendRequests = {
  configure: { params: StoreConfig; result: null };
  ingest: { params: IngestParams; result: IngestResult };
  /** Newest first by trace start time; with `sessionId`, only that session's traces. */
  listTraces: { params: { limit: number; offset: number; sessionId?: string }; result: TraceSummary[] };
  /** Sessions, most recently active first; traces without a session are not listed. */
  listSessions: { params: { limit: number }; result: SessionSummary[] };
  /** The trace as a conversation timeline (model calls, tool calls, agent steps), normalized. */
  traceConversation: { params: { traceId: TraceId }; result: TraceConversation | null };
  traceSummary: { params: { traceId: TraceId }; result: TraceSummary | null };
  /**
   * Full-text search and filters over every stored trace (query language: src/core/search, the
   * README's "Search and filter"), newest first, at most `limit` hits.
   */
  searchTraces: { params: { query: string; limit: number }; result: TraceSearchResult };
  /** The Traces view's filter (same query language): one page of matching traces and the total. */
  filterTraces: { params: { query: string; limit: number; offset: number; sessionId?: string }; result: TraceFilterResult };
  /** Spans of one trace that match the query (the trace webview's Find), in start-time order. */
  findInTrace: { params: { traceId: TraceId; query: string }; result: FindInTraceResult };
  /** Trace ids that start with `prefix` (lowercase hex), newest first, at most `limit`. */
  findTraces: { params: { prefix: string; limit: number }; result: TraceSummary[] };
  traceSkeleton: { params: { traceId: TraceId }; result: TraceSkeleton | null };
  /**
   * The same skeleton packed for the trace webview (src/model/skeletonCodec.ts), packed here so the
   * host only relays it; its typed-array columns are transferred, not copied (the window channel
   * carries them too: src/core/receiver/channelJson.ts).
   */
  packedTraceSkeleton: { params: { traceId: TraceId }; result: PackedSkeleton | null; transfers: true };
  spanDetail: { params: { traceId: TraceId; spanId: SpanId }; result: SpanDetail | null };
  deleteTrace: { params: { traceId: TraceId }; result: boolean };
  clear: { params: Record<string, never>; result: null };
  stats: { params: Record<string, never>; result: StoreStats };
  /**
   * CodeLens facts and error lines of one source file, looked up under every index key it may
   * be stored under (`documentKeyCandidates`, src/core/source/resolve.ts). Source navigation.
   */
  codeStatsForFile: { params: { keys: string[] }; result: FileCodeStats };
  /**
   * The user's price overrides (`traceLens.pricing.models`, already validated): every computed
   * cost is recomputed with them; a `storeChanged` (all traces) follows so views refresh.
   */
  configurePricing: { params: { overrides: PriceOverride[] }; result: null };
  /** Cost, tokens and run metrics of every stored trace (newest 2,000), a session or a trace (Usage view). */
  usageReport: { params: { scope: UsageScope }; result: UsageReport | null };
  /** Forwarding targets (with their credentials, in memory only) and limits; see src/core/forwarding. */
  configureForwarding: { params: ForwardingConfig; result: null };
  /** Per-target counters; `configId` -1 means the worker has no forwarding configuration (e.g. it restarted). */
  forwardingStatus: { params: Record<string, never>; result: ForwardingStatus };
  /** Sends stored traces (or a session's) to the named targets now ("Send Trace to…"). */
  forwardTraces: { params: ForwardTracesParams; result: ForwardTracesResult };
  /** The agent graph of a trace (src/core/graph); `null` when it is not stored. */
  traceGraph: { params: { traceId: TraceId }; result: AgentGraph | null };
  /** The agent graph of a session's newest traces; node span ids of `focusTraceId`; `null` without traces. */
  sessionGraph: { params: { sessionId: string; focusTraceId?: TraceId }; result: AgentGraph | null };
  /** Persistence setting changed: start or stop snapshots (`off` deletes the snapshot file). */
  configurePersistence: { params: PersistenceConfig; result: null };
  /** Writes a snapshot now if persistence is on and the store changed (the host asks on shutdown). */
  snapshot: { params: Record<string, never>; result: SnapshotResult };
  /**
   * Diagnostics settings (`traceLens.diagnostics.*`, raw values; invalid ones fall back to their
   * defaults and are named in `errors`): every stored trace is analysed again.
   */
  configureDiagnostics: { params: { enabled: boolean; settings: unknown; alerts: unknown }; result: { errors: string[] } };
  /** Findings with their spans' source locations: of the given traces, or of every trace; worst first. */
  listFindings: { params: { traceIds?: TraceId[] }; result: LocatedFinding[] };
  /** Every baseline (per service and agent or root span name) with mean and σ per metric. */
  listBaselines: { params: Record<string, never>; result: BaselineStats[] };
  /** One run against its baseline, analysed now ("Check Run Against Baseline"); `null` when not stored. */
  checkRun: { params: { traceId: TraceId }; result: RunCheck | null };
  /**
   * Stored traces as OTLP/JSON Lines (src/core/files/otlpFileWriter.ts): bounded replies, ask again
   * from `nextIndex` until it is `null`.
   */
  exportOtlp: { params: ExportOtlpParams; result: ExportOtlpResult };
  /** One part of an OTLP file (whole lines, or a whole JSON / protobuf file) read into the store (src/core/files/storeImport.ts). */
  importOtlp: { params: ImportOtlpParams; result: ImportOtlpResult };
  /** The file each of these traces was opened from, for those that were (in memory since the back end started). */
  traceSources: { params: { traceIds: TraceId[] }; result: Record<TraceId, string> };
  /** Two stored runs compared step by step (src/core/compare; left = the older, base run); `null` when either is not stored. */
  compareTraces: { params: CompareRequest; result: TraceComparison | null };
  /** The latest run started before this one of the same service and agent (or root span name); `null` when none is stored. */
  previousRun: { params: { traceId: TraceId }; result: TraceSummary | null };
  /**
   * The request a stored model call span received, rebuilt for replay from every span that
   * recorded the call (src/core/replay/request.ts), with what was not recorded in `missing` and
   * the original answer priced like the call; `null` when the span is not a stored model call.
   */
  replayRequest: { params: { traceId: TraceId; spanId: SpanId }; result: ReplayRequest | null };
  /** A trace's model calls in start order, each counted once (src/core/replay/recordedCalls.ts); `[]` when not stored. */
  recordedCalls: { params: { traceId: TraceId }; result: RecordedCall[] };
  /** Prices one call (a replay's answer) with the bundled data and the user's overrides, like every stored call. `timestamp`: ms since the epoch. */
  priceCall: { params: Omit<PriceCallInput, 'timestamp'> & { timestamp?: number }; result: CallCost };
};

/** Messages the worker pushes to the host. */
export type BackendEvent =
  | {
      type: 'storeChanged';
      stats: StoreStats;
      /** Traces added or changed since the last event (at most `MAX_CHANGED_IDS`, else `truncated`). */
      changedTraceIds: TraceId[];
      truncated: boolean;
      /** Traces evicted or deleted since the last event. */
      removedTraceIds: TraceId[];
      cleared: boolean;
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /**
   * The saved traces could not be restored (`message`, one line): the file was moved to
   * `movedTo` (`null`: it could not be moved and was deleted) and the store started empty.
   */
  | { type: 'persistence'; kind: 'restoreFailed'; message: string; path: string; movedTo: string | null }
  /** The findings of these traces changed (added, updated or gone): the host asks `listFindings`. */
  | { type: 'diagnosticsChanged'; traceIds: TraceId[] }
  /** A completed run crossed a `traceLens.diagnostics.alerts` threshold (rate-limited in the back end). */
  | { type: 'diagnosticsAlert'; alert: MetricAlert };

/** The host sends no fire-and-forget messages to the back end (`never`: every call is a request). */
export type HostToBackendMessage = never;

/** The host never answers requests from the worker. */
export type HostRequests = Record<string, never>;

export const CHANGE_NOTIFY_INTERVAL_MS = 200;
export const MAX_CHANGED_IDS = 200;
