/**
 * The ingest worker's logic, apart from the thread plumbing so it can be unit-tested directly:
 * decompress (bounded) → decode → store, plus the store queries, plus throttled `storeChanged`
 * notifications to the host.
 */
import * as zlib from 'node:zlib';
import type { RequestHandlers } from '../../protocol/channel';
import type { SpanDetail, SpanId, TraceId } from '../../model/trace';
import type { TraceConversation } from '../../model/genai';
import { buildConversation, genaiIngestAnnotator, normalizeSpan } from '../genai';
import { decodeLogs, decodeMetrics, decodeTraces, type DecodeOptions } from '../otlp/decode';
import type { InsertResult, TraceStore } from '../store/traceStore';
import { Forwarder } from '../forwarding/forwarder';
import type { StorePersistence } from './persistence';
import { UsageIndex } from './usageIndex';
import { packSkeleton } from '../../model/skeletonCodec';
import {
  CHANGE_NOTIFY_INTERVAL_MS,
  MAX_CHANGED_IDS,
  type IngestParams,
  type IngestResult,
  type StoreConfig,
  type WorkerEvent,
  type WorkerRequests,
} from './protocol';

/** Decompresses `body`; `tooLarge` when the output would exceed `maxBytes` (checked while inflating, never allocated). */
export function decompress(
  body: Uint8Array,
  encoding: IngestParams['encoding'],
  maxBytes: number,
): { ok: true; data: Uint8Array } | { ok: false; status: 'invalid' | 'tooLarge'; message: string } {
  if (encoding === 'identity') {
    return body.byteLength > maxBytes
      ? { ok: false, status: 'tooLarge', message: `body of ${body.byteLength} bytes exceeds the limit of ${maxBytes} bytes` }
      : { ok: true, data: body };
  }
  try {
    const options = { maxOutputLength: maxBytes };
    const data = encoding === 'gzip' ? zlib.gunzipSync(body, options) : inflateAny(body, options);
    return { ok: true, data };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, status: 'tooLarge', message: `decompressed body exceeds the limit of ${maxBytes} bytes` };
    }
    return { ok: false, status: 'invalid', message: `cannot decompress ${encoding} body: ${(error as Error).message}` };
  }
}

/** `deflate` means zlib-wrapped deflate (RFC 9110); some clients send raw deflate, accept both. */
function inflateAny(body: Uint8Array, options: zlib.ZlibOptions): Buffer {
  try {
    return zlib.inflateSync(body, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error;
    return zlib.inflateRawSync(body, options);
  }
}

/** Serves `WorkerRequests` from one `TraceStore`. */
export class IngestService {
  private changed = new Set<TraceId>();
  private removed = new Set<TraceId>();
  private truncated = false;
  private cleared = false;
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Limits applied while decoding (`StoreConfig.maxAttributeValueLength`). */
  private decodeOptions: DecodeOptions = {};
  /** Snapshots of the store (the worker attaches it; absent in tests that do not persist). */
  private persistence: StorePersistence | undefined;

  /** `handlers.ingest` etc.; passed to the worker's `Channel`. */
  readonly handlers: RequestHandlers<WorkerRequests>;

  /** Fans accepted requests out to remote targets (src/core/forwarding); idle until configured. */
  readonly forwarder: Forwarder;

  /** Cost, tokens and run metrics per trace, cached per trace version. */
  readonly usage: UsageIndex;

  constructor(private readonly store: TraceStore, private readonly emit: (event: WorkerEvent) => void, forwarder?: Forwarder) {
    // GenAI facts at ingest: span badges, trace session/agent/first user message (src/core/genai).
    store.setAnnotator(genaiIngestAnnotator);
    // Usage computed in the background (a list request ran out of budget): those rows reload.
    this.usage = new UsageIndex(store, (ids) => this.noteChanged(ids));
    this.forwarder = forwarder ?? new Forwarder({ log: (level, message) => emit({ type: 'log', level, message }) });
    this.handlers = {
      configure: async (config) => {
        const result = store.configure(config);
        this.configureDecoding(config);
        this.noteRemoved(result.removedTraceIds);
        if (result.pending) this.noteRemoved((await store.applyRetention()).removedTraceIds);
        return null;
      },
      ingest: (params) => this.ingest(params),
      listTraces: ({ limit, offset, sessionId }) => this.usage.withUsage(store.listTraces(limit, offset, sessionId)),
      listSessions: ({ limit }) => this.usage.withSessionUsage(store.listSessions(limit)),
      traceConversation: ({ traceId }) => this.traceConversation(traceId),
      traceSummary: ({ traceId }) => {
        const summary = store.traceSummary(traceId);
        return summary ? (this.usage.withUsage([summary])[0] ?? null) : null;
      },
      findTraces: ({ prefix, limit }) => this.usage.withUsage(store.findTraces(prefix, limit)),
      traceSkeleton: ({ traceId }) => this.usage.withSpanCosts(store.traceSkeleton(traceId)),
      packedTraceSkeleton: ({ traceId }) => {
        const skeleton = this.usage.withSpanCosts(store.traceSkeleton(traceId));
        return skeleton ? packSkeleton(skeleton) : null;
      },
      spanDetail: ({ traceId, spanId }) => this.spanDetail(traceId, spanId),
      deleteTrace: ({ traceId }) => {
        const deleted = store.deleteTrace(traceId);
        if (deleted) this.noteRemoved([traceId]);
        return deleted;
      },
      clear: () => {
        store.clear();
        this.usage.clear();
        this.changed.clear();
        this.removed.clear();
        this.cleared = true;
        this.scheduleNotify();
        return null;
      },
      stats: () => this.stats(),
      codeStatsForFile: ({ keys }) => store.codeStatsForFile(keys),
      configurePricing: ({ overrides }) => {
        this.usage.setOverrides(overrides);
        // Every cost may have changed: views refresh everything.
        this.truncated = true;
        this.scheduleNotify();
        return null;
      },
      usageReport: ({ scope }) => this.usage.report(scope),
      configureForwarding: (config) => {
        this.forwarder.configure(config);
        return null;
      },
      forwardingStatus: () => this.forwarder.status(),
      forwardTraces: (params) =>
        this.forwarder.sendStored(params, {
          traceSkeleton: (traceId) => store.traceSkeleton(traceId),
          spanDetail: (traceId, spanId) => store.spanDetail(traceId, spanId),
          traceIdsOfSession: async (sessionId) =>
            (await this.handlers.listTraces({ limit: 10_000, offset: 0, sessionId })).filter((t) => t.sessionId === sessionId).map((t) => t.traceId),
        }),
      configurePersistence: (config) => {
        this.persistence?.configure(config);
        return null;
      },
      snapshot: () => this.persistence?.snapshotIfChanged() ?? { written: false, bytes: 0, path: null, durationMs: 0 },
    };
  }

  /** Serves `configurePersistence` and `snapshot` with `persistence` from now on. */
  attachPersistence(persistence: StorePersistence): void {
    this.persistence = persistence;
  }

  /**
   * Takes the decode limits of a store configuration (`maxAttributeValueLength`; absent: the
   * default). Applies to requests decoded from now on.
   */
  configureDecoding(config: Pick<StoreConfig, 'maxAttributeValueLength'>): void {
    this.decodeOptions = { maxAttributeValueLength: config.maxAttributeValueLength };
  }

  /** Decompress, decode, store. Expected failures are values, never exceptions. */
  async ingest(params: IngestParams): Promise<IngestResult> {
    const inflated = decompress(params.body, params.encoding, params.maxBodyBytes);
    if (!inflated.ok) return { status: inflated.status, message: inflated.message };
    const body = inflated.data;
    switch (params.signal) {
      case 'traces': {
        const decoded = decodeTraces(body, params.format, this.decodeOptions);
        if (!decoded.ok) return { status: 'invalid', message: decoded.message };
        this.forwarder.offer('traces', params.format, body, decoded.items.length);
        // Time-sliced writes: queries from the UI get their turn between slices.
        const stored = await this.store.ingestSpans(decoded.items);
        return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
      }
      case 'logs': {
        const decoded = decodeLogs(body, params.format, this.decodeOptions);
        if (!decoded.ok) return { status: 'invalid', message: decoded.message };
        this.forwarder.offer('logs', params.format, body, decoded.items.length);
        const stored = await this.store.ingestLogs(decoded.items);
        return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
      }
      case 'metrics': {
        const decoded = decodeMetrics(body, params.format);
        if (!decoded.ok) return { status: 'invalid', message: decoded.message };
        this.forwarder.offer('metrics', params.format, body, decoded.dataPointCount);
        this.store.addIngestCounts({ metricPointCount: decoded.dataPointCount, rejectedCount: decoded.rejected });
        this.scheduleNotify();
        return { status: 'ok', accepted: decoded.dataPointCount, rejected: decoded.rejected, errorMessage: decoded.rejectReasons.join('; ') };
      }
    }
  }

  /** One span's detail with its GenAI view (`normalizeSpan` over the span and its correlated logs). */
  spanDetail(traceId: TraceId, spanId: SpanId): SpanDetail | null {
    const detail = this.store.spanDetail(traceId, spanId);
    if (!detail) return detail;
    detail.genai = normalizeSpan(detail.span, detail.logs);
    const cost = this.usage.spanCost(traceId, spanId);
    if (cost) detail.cost = cost;
    return detail;
  }

  /**
   * The trace as a conversation: its GenAI spans (at most `MAX_CONVERSATION_SPANS`, earliest
   * first; `truncated` when more exist) with their log records, normalized and ordered by
   * `buildConversation`. `null` when the trace is not stored.
   */
  traceConversation(traceId: TraceId): TraceConversation | null {
    const loaded = this.store.traceGenAiSpans(traceId);
    if (!loaded) return null;
    const conversation = buildConversation(
      traceId,
      loaded.spans.map((s) => ({ ...s, view: normalizeSpan(s.span, s.logs) })),
    );
    if (loaded.truncated) conversation.truncated = true;
    const costs = this.usage.spanCosts(traceId);
    if (costs) {
      for (const item of conversation.items) {
        const cost = item.type === 'modelCall' ? costs.get(item.spanId) : undefined;
        if (cost && item.type === 'modelCall') item.cost = cost;
      }
    }
    return conversation;
  }

  /** Store counters (the store also counts what the decoders rejected). */
  stats(): ReturnType<TraceStore['stats']> {
    return this.store.stats();
  }

  /**
   * Folds decoder and store rejections into one OTLP partial-success answer, notes what changed,
   * and finishes retention the write left pending.
   */
  private async afterWrite(stored: InsertResult, decodeRejected: number, decodeReasons: string[]): Promise<IngestResult> {
    this.store.addIngestCounts({ rejectedCount: decodeRejected });
    this.noteChanged(stored.changedTraceIds);
    this.noteRemoved(stored.removedTraceIds);
    if (stored.retentionPending) this.noteRemoved((await this.store.applyRetention()).removedTraceIds);
    const rejected = decodeRejected + stored.rejected;
    if (rejected > 0) this.scheduleNotify();
    const reasons = [...new Set([...decodeReasons, ...stored.rejectReasons])];
    return { status: 'ok', accepted: stored.inserted + stored.updated, rejected, errorMessage: reasons.join('; ') };
  }

  private noteChanged(ids: readonly TraceId[]): void {
    for (const id of ids) {
      if (this.changed.size >= MAX_CHANGED_IDS) {
        this.truncated = true;
        break;
      }
      this.changed.add(id);
    }
    if (ids.length > 0) this.scheduleNotify();
  }

  private noteRemoved(ids: readonly TraceId[]): void {
    this.usage.forget(ids);
    for (const id of ids) {
      this.removed.add(id);
      this.changed.delete(id);
    }
    if (ids.length > 0) this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      const event: WorkerEvent = {
        type: 'storeChanged',
        stats: this.stats(),
        changedTraceIds: [...this.changed],
        truncated: this.truncated,
        removedTraceIds: [...this.removed].slice(0, MAX_CHANGED_IDS),
        cleared: this.cleared,
      };
      this.changed.clear();
      this.removed.clear();
      this.truncated = false;
      this.cleared = false;
      this.emit(event);
    }, CHANGE_NOTIFY_INTERVAL_MS);
  }
}
