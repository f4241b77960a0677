/**
 * The back end thread's service, apart from the thread plumbing (backendWorker.ts) so it can be
 * unit-tested directly: it builds the shared context (store, usage cache, change feed,
 * forwarding) and composes the handler groups, one per concern, into the `BackendRequests`
 * table. The compiler checks that every request has exactly one handler.
 */
import { MAX_USAGE_FINDINGS } from '../../model/cost';
import type { TraceSummary } from '../../model/trace';
import { DiagnosticsIndex } from '../diagnostics/diagnosticsIndex';
import { diagnosticsHandlers } from './handlers/diagnosticsHandlers';
import type { RequestHandlers } from '../../protocol/channel';
import type { TraceStore } from '../store/traceStore';
import type { StorePersistence } from '../store/persistence';
import type { StoreConfig } from '../store/config';
import type { IngestParams, IngestResult } from '../otlp/types';
import { genaiIngestAnnotator } from '../genai/badge';
import { Forwarder } from '../forwarding/forwarder';
import { UsageIndex } from '../usage/usageIndex';
import type { BackendEvent, BackendRequests } from './protocol';
import { ChangeFeed } from './changeFeed';
import type { BackendContext } from './handlers/context';
import { Ingest, type IngestWrite } from './handlers/ingestHandlers';
import { storeHandlers } from './handlers/storeHandlers';
import { usageHandlers } from './handlers/usageHandlers';
import { forwardingHandlers } from './handlers/forwardingHandlers';
import { persistenceHandlers } from './handlers/persistenceHandlers';
import { searchHandlers } from './handlers/searchHandlers';
import { graphHandlers } from './handlers/graphHandlers';
import { fileHandlers } from './handlers/fileHandlers';
import { TraceSources } from '../files/storeImport';
import { compareHandlers } from './handlers/compareHandlers';
import { replayHandlers } from './handlers/replayHandlers';
import { SearchEngine } from '../search/searchEngine';
import { IndexScheduler } from '../search/indexScheduler';
import { WriteBacklog } from './writeBacklog';

/** After an ingest request, and after any request, the back end counts as busy for this long (ms): see `ingestBusy`. */
export const INGEST_BUSY_MS = 250;
export const REQUEST_BUSY_MS = 100;

/** Serves `BackendRequests` from one `TraceStore`. */
export class BackendService {
  /** `handlers.ingest` etc.; passed to the worker's `Channel`. */
  readonly handlers: RequestHandlers<BackendRequests>;

  /** Fans accepted requests out to remote targets (src/core/forwarding); idle until configured. */
  readonly forwarder: Forwarder;

  /** Cost, tokens and run metrics per trace, cached per trace version. */
  readonly usage: UsageIndex;

  /** Findings and baselines of agent runs (src/core/diagnostics). */
  readonly diagnostics: DiagnosticsIndex;

  /** Search, filters and Find (src/core/search). */
  readonly search: SearchEngine;

  /** Fills the full-text index while no ingest request runs. */
  readonly indexer: IndexScheduler;

  private readonly ingester: Ingest;
  /** Export requests answered before they were stored (writeBacklog.ts). */
  private readonly backlog: WriteBacklog;
  private persistence: StorePersistence | undefined;
  /** Ingest requests being handled, when the last one ended and when any request last arrived (`performance.now()` ms). */
  private ingestInFlight = 0;
  private lastIngestEnd = -Infinity;
  private lastRequest = -Infinity;
  /** Requests whose handler has not settled yet (an async handler yields between its slices). */
  private requestsInFlight = 0;
  /** Writes queued with `setImmediate` and not started yet (`store`). */
  private waitingWrites = 0;
  /** Logs an error on the host's output channel. */
  private readonly emitLog: (message: string) => void;

  /**
   * @param options.maxUnstoredItems spans or log records that may be answered before they are
   *   stored (writeBacklog.ts; default `DEFAULT_MAX_UNSTORED_ITEMS`, 0: every request is answered
   *   once stored).
   */
  constructor(store: TraceStore, emit: (event: BackendEvent) => void, options: { maxUnstoredItems?: number } = {}) {
    this.backlog = new WriteBacklog(options.maxUnstoredItems);
    this.emitLog = (message) => emit({ type: 'log', level: 'error', message });
    // GenAI facts at ingest: span badges, trace session/agent/first user message (src/core/genai).
    store.setAnnotator(genaiIngestAnnotator);
    // Removed traces leave the usage cache at once; the feed tells the host in batches.
    const feed = new ChangeFeed(
      () => store.stats(),
      emit,
      (ids) => {
        this.usage.forget(ids);
        this.diagnostics.tracesRemoved(ids);
      },
      { changed: (ids) => this.diagnostics.tracesChanged(ids), cleared: () => this.diagnostics.cleared(), isClosed: () => store.isClosed },
    );
    // Usage computed in the background (a list request ran out of budget): those rows reload.
    this.usage = new UsageIndex(store, (ids) => feed.changedTraces(ids));
    // Findings per trace, baselines per agent (src/core/diagnostics); analysed as traces change.
    this.diagnostics = new DiagnosticsIndex(store, this.usage, {
      changed: (traceIds) => {
        emit({ type: 'diagnosticsChanged', traceIds });
        // Trace rows show the findings' count: the views reload those rows.
        feed.derivedChanged(traceIds);
      },
      alert: (alert) => emit({ type: 'diagnosticsAlert', alert }),
      error: (message) => emit({ type: 'log', level: 'error', message }),
    }, Date.now, () => this.ingestBusy());
    this.forwarder = new Forwarder({ log: (level, message) => emit({ type: 'log', level, message }) });
    store.setLog((level, message) => emit({ type: 'log', level, message }));
    const ctx: BackendContext = { store, usage: this.usage, feed, forwarder: this.forwarder, persistence: () => this.persistence };
    this.ingester = new Ingest(ctx);
    this.search = new SearchEngine(store, this.usage);
    this.usage.setFilteredTraces((query, max) => this.search.filteredSummaries(query, max));
    this.indexer = new IndexScheduler(store, (ids) => feed.removedTraces(ids), (message) => emit({ type: 'log', level: 'warn', message }));
    const queries = storeHandlers(ctx);
    // Which traces were opened from which file (src/core/files), beside the data.
    const sources = new TraceSources();
    /** Trace rows say which file a trace was opened from. */
    const withSources = <T extends TraceSummary>(summaries: T[]): T[] => {
      const of = sources.of(summaries.map((x) => x.traceId));
      for (const x of summaries) if (of[x.traceId]) x.sourceFile = of[x.traceId];
      return summaries;
    };
    const handlers: RequestHandlers<BackendRequests> = {
      ...this.ingester.handlers(),
      // Answered once decoded, checked and queued for storing, while the backlog has room (writeBacklog.ts).
      ingest: (params) => this.answerIngest(params),
      ...queries,
      // Clearing forgets the OpenAI Agents traces too (a trace continued after a clear starts afresh).
      clear: (params) => {
        const done = queries.clear(params);
        this.ingester.forgetAgentsTraces();
        sources.clear();
        return done;
      },
      // A deletion may leave a full-text slot to reset.
      deleteTrace: (params) => {
        const deleted = queries.deleteTrace(params);
        this.indexer.kick();
        return deleted;
      },
      ...usageHandlers(ctx),
      ...forwardingHandlers(ctx, queries.listTraces),
      ...persistenceHandlers(ctx),
      ...searchHandlers(this.search),
      ...graphHandlers(ctx),
      ...fileHandlers(ctx, sources, () => this.ingester.decodeOptions),
      ...diagnosticsHandlers(this.diagnostics),
      ...compareHandlers(ctx),
      ...replayHandlers(ctx),
      // The Usage view lists the findings of its scope's traces.
      usageReport: async (params) => {
        const report = await this.usage.report(params.scope);
        if (!report) return report;
        const traceIds = [...new Set(report.points.map((p) => p.traceId))];
        if (params.scope.kind === 'trace') traceIds.push(params.scope.traceId);
        const findings = this.diagnostics.findings([...new Set(traceIds)]);
        if (findings.length) {
          report.findingCount = findings.length;
          report.findings = findings.slice(0, MAX_USAGE_FINDINGS).map((f) => ({ traceId: f.traceId, traceTitle: f.traceTitle, spanId: f.spanId, detector: f.detector, severity: f.severity, message: f.message }));
        }
        return report;
      },
      // Trace rows carry their findings (count and worst severity).
      listTraces: async (params) => withSources(this.diagnostics.withFindings(await queries.listTraces(params))),
      filterTraces: async (params) => {
        const result = await this.search.filter(params.query, params.limit, params.offset, params.sessionId);
        if (result.ok) withSources(this.diagnostics.withFindings(result.traces));
        return result;
      },
      traceSummary: async (params) => {
        const s = await queries.traceSummary(params);
        return s ? (withSources(this.diagnostics.withFindings([s]))[0] ?? null) : null;
      },
    };
    // Any request postpones background indexing and slows background analysis (the back end is not idle).
    this.handlers = withActivity(
      afterAnsweredWrites(handlers, this.backlog),
      () => {
        this.lastRequest = performance.now();
        this.requestsInFlight++;
        this.indexer.noteActivity();
      },
      () => {
        this.requestsInFlight--;
        this.lastRequest = performance.now();
      },
    );
    // A restored snapshot leaves every trace to index.
    this.indexer.kick();
  }

  /** Serves `configurePersistence` and `snapshot` with `persistence` from now on. */
  attachPersistence(persistence: StorePersistence): void {
    this.persistence = persistence;
  }

  /** Decode limits of a store configuration (see `Ingest.configureDecoding`). */
  configureDecoding(config: Pick<StoreConfig, 'maxAttributeValueLength'>): void {
    this.ingester.configureDecoding(config);
  }

  /**
   * Decompress, decode, store one export request; settles once it is stored, with the store's
   * counts (in-process callers: tests, benchmarks). Indexing waits meanwhile.
   */
  async ingest(params: IngestParams): Promise<IngestResult> {
    const write = await this.decode(params);
    return this.store(write, false);
  }

  /**
   * The `ingest` handler: while the backlog of answered writes has room, settles once the request
   * is decoded and its items checked, with the answer known before storing, and stores it from the
   * next turn on (so the answer leaves first); else settles once stored (writeBacklog.ts).
   */
  async answerIngest(params: IngestParams): Promise<IngestResult> {
    const write = await this.decode(params);
    if (write.items === 0 || !this.backlog.hasRoom(write.items)) return this.store(write, false);
    const stored = this.store(write, true);
    this.backlog.add(write.items, stored, (error) => this.emitLog(`storing an export request that was already answered failed: ${error instanceof Error ? error.message : String(error)}`));
    return write.early();
  }

  /** Decodes one request (`Ingest.start`); indexing waits from now until it is stored (`store`). */
  private async decode(params: IngestParams): Promise<IngestWrite> {
    this.indexer.ingestStarted();
    this.ingestInFlight++;
    try {
      return await this.ingester.start(params);
    } catch (error) {
      this.ingestEnded();
      throw error;
    }
  }

  /**
   * Stores a decoded request; settles once stored. Writes start in the order their requests were
   * decoded (a re-sent span's last version wins): a `deferred` one from the next event-loop turn
   * (`setImmediate`, whose callbacks run in order), and any write while one is waiting to start
   * too. Its first slice runs inside that callback: a task of its own, not a continuation.
   * Writes then interleave by slices as before (a huge request does not hold the small ones back).
   */
  private store(write: IngestWrite, deferred: boolean): Promise<IngestResult> {
    let stored: Promise<IngestResult>;
    if (!deferred && this.waitingWrites === 0) stored = write.store();
    else {
      this.waitingWrites++;
      stored = new Promise<IngestResult>((resolve, reject) =>
        setImmediate(() => {
          this.waitingWrites--;
          write.store().then(resolve, reject);
        }),
      );
    }
    stored.then(this.ingestEnded, this.ingestEnded);
    return stored;
  }

  /** One request's write settled (or its decode failed). */
  private readonly ingestEnded = (): void => {
    this.ingestInFlight--;
    this.lastIngestEnd = performance.now();
    this.indexer.ingestEnded();
  };

  /**
   * `serving` while a request is being handled (an async handler yields between its slices, and
   * background analysis must not run in those gaps); `busy` while export requests are being
   * stored, or one ended less than `INGEST_BUSY_MS` ago (exporters send batch after batch), or any
   * request was handled less than `REQUEST_BUSY_MS` ago (a view is loading): background analysis
   * then yields most of the thread.
   */
  ingestBusy(): 'idle' | 'busy' | 'serving' {
    if (this.requestsInFlight > 0) return 'serving';
    const now = performance.now();
    return this.ingestInFlight > 0 || now - this.lastIngestEnd < INGEST_BUSY_MS || now - this.lastRequest < REQUEST_BUSY_MS ? 'busy' : 'idle';
  }
}

/**
 * `handlers` with every request but `ingest` run once the writes answered before it arrived are
 * stored (read your writes: writeBacklog.ts); at once, in the same turn, when none is pending.
 */
function afterAnsweredWrites(handlers: RequestHandlers<BackendRequests>, backlog: WriteBacklog): RequestHandlers<BackendRequests> {
  const wrapped: Record<string, (params: unknown) => unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (params: unknown) => unknown][]) {
    wrapped[name] =
      name === 'ingest'
        ? handler
        : (params) => {
            const drained = backlog.drained();
            return drained ? drained.then(() => handler(params)) : handler(params);
          };
  }
  return wrapped as RequestHandlers<BackendRequests>;
}

/** `handlers` with `onRequest` called as each request arrives and `onSettled` when its answer is ready. */
function withActivity(handlers: RequestHandlers<BackendRequests>, onRequest: () => void, onSettled: () => void): RequestHandlers<BackendRequests> {
  const wrapped: Record<string, (params: unknown) => unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (params: unknown) => unknown][]) {
    wrapped[name] = (params) => {
      onRequest();
      let result: unknown;
      try {
        result = handler(params);
      } catch (error) {
        onSettled();
        throw error;
      }
      if (result instanceof Promise) return result.finally(onSettled);
      onSettled();
      return result;
    };
  }
  return wrapped as RequestHandlers<BackendRequests>;
}
