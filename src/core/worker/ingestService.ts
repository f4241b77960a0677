/**
 * The ingest worker's logic, apart from the thread plumbing so it can be unit-tested directly:
 * decompress (bounded) → decode → store, plus the store queries, plus throttled `storeChanged`
 * notifications to the host.
 */
import * as zlib from 'node:zlib';
import type { RequestHandlers } from '../../protocol/channel';
import type { TraceId } from '../../model/trace';
import { decodeLogs, decodeMetrics, decodeTraces } from '../otlp/decode';
import type { InsertResult, TraceStore } from '../store/traceStore';
import {
  CHANGE_NOTIFY_INTERVAL_MS,
  MAX_CHANGED_IDS,
  type IngestParams,
  type IngestResult,
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

  /** `handlers.ingest` etc.; passed to the worker's `Channel`. */
  readonly handlers: RequestHandlers<WorkerRequests>;

  constructor(private readonly store: TraceStore, private readonly emit: (event: WorkerEvent) => void) {
    this.handlers = {
      configure: async (config) => {
        const result = store.configure(config);
        this.noteRemoved(result.removedTraceIds);
        if (result.pending) this.noteRemoved((await store.applyRetention()).removedTraceIds);
        return null;
      },
      ingest: (params) => this.ingest(params),
      listTraces: ({ limit, offset }) => store.listTraces(limit, offset),
      listSessions: () => [],
      traceConversation: () => null,
      traceSummary: ({ traceId }) => store.traceSummary(traceId),
      findTraces: ({ prefix, limit }) => store.findTraces(prefix, limit),
      traceSkeleton: ({ traceId }) => store.traceSkeleton(traceId),
      spanDetail: ({ traceId, spanId }) => store.spanDetail(traceId, spanId),
      deleteTrace: ({ traceId }) => {
        const deleted = store.deleteTrace(traceId);
        if (deleted) this.noteRemoved([traceId]);
        return deleted;
      },
      clear: () => {
        store.clear();
        this.changed.clear();
        this.removed.clear();
        this.cleared = true;
        this.scheduleNotify();
        return null;
      },
      stats: () => this.stats(),
    };
  }

  /** Decompress, decode, store. Expected failures are values, never exceptions. */
  async ingest(params: IngestParams): Promise<IngestResult> {
    const inflated = decompress(params.body, params.encoding, params.maxBodyBytes);
    if (!inflated.ok) return { status: inflated.status, message: inflated.message };
    const body = inflated.data;
    switch (params.signal) {
      case 'traces': {
        const decoded = decodeTraces(body, params.format);
        if (!decoded.ok) return { status: 'invalid', message: decoded.message };
        // Time-sliced writes: queries from the UI get their turn between slices.
        const stored = await this.store.ingestSpans(decoded.items);
        return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
      }
      case 'logs': {
        const decoded = decodeLogs(body, params.format);
        if (!decoded.ok) return { status: 'invalid', message: decoded.message };
        const stored = await this.store.ingestLogs(decoded.items);
        return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
      }
      case 'metrics': {
        const decoded = decodeMetrics(body, params.format);
        if (!decoded.ok) return { status: 'invalid', message: decoded.message };
        this.store.addIngestCounts({ metricPointCount: decoded.dataPointCount, rejectedCount: decoded.rejected });
        this.scheduleNotify();
        return { status: 'ok', accepted: decoded.dataPointCount, rejected: decoded.rejected, errorMessage: decoded.rejectReasons.join('; ') };
      }
    }
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
