/**
 * Ingest of the back end: decompress (bounded) → decode → store, one OTLP export request at a
 * time, and the store limits (`configure`). Expected failures are values (`IngestResult`), never
 * exceptions. Accepted requests are offered to forwarding before they are stored. Decoding and
 * storing both run in time slices, so queries are answered while a huge request is handled.
 *
 * OpenAI Agents SDK batches (`dialect: 'openai-agents'`, src/core/otlp/openaiAgents.ts) are
 * decoded here too, with the per-trace memory that joins trace objects and spans across
 * requests. They are not forwarded: they are not OTLP bytes, and their root span is re-sent as
 * the trace's spans arrive; "Send Trace to…" sends the converted trace once it is stored.
 */
import type { IngestParams, IngestResult } from '../../otlp/types';
import type { StoreConfig } from '../../store/config';
import type { InsertResult } from '../../store/traceStore';
import { decodeLogsSliced, decodeMetrics, decodeTracesSliced } from '../../otlp/decode';
import { OpenAiAgentsTraceBook, decodeOpenAiAgents } from '../../otlp/openaiAgents';
import type { DecodeOptions } from '../../otlp/shared';
import { decompress } from '../decompress';
import type { BackendContext, HandlerGroup } from './context';

/** Decodes and stores export requests; holds the decode limits of the current store configuration. */
export class Ingest {
  /** Limits applied while decoding (`StoreConfig.maxAttributeValueLength`); file imports use them too. */
  private options: DecodeOptions = {};
  /** Trace objects and span extents of OpenAI Agents SDK traces, across requests. */
  private readonly agentsTraces = new OpenAiAgentsTraceBook();

  constructor(private readonly ctx: BackendContext) {}

  /** Handlers of `configure` and `ingest`. */
  handlers(): HandlerGroup<'configure' | 'ingest'> {
    const { store, feed } = this.ctx;
    return {
      configure: async (config) => {
        const result = store.configure(config);
        this.configureDecoding(config);
        feed.removedTraces(result.removedTraceIds);
        if (result.pending) feed.removedTraces((await store.applyRetention()).removedTraceIds);
        return null;
      },
      ingest: (params) => this.ingest(params),
    };
  }

  /**
   * Takes the decode limits of a store configuration (`maxAttributeValueLength`; absent: the
   * default). Applies to requests decoded from now on.
   */
  configureDecoding(config: Pick<StoreConfig, 'maxAttributeValueLength'>): void {
    this.options = { maxAttributeValueLength: config.maxAttributeValueLength };
  }

  /** The decode limits of the current store configuration. */
  get decodeOptions(): DecodeOptions {
    return this.options;
  }

  /** Forgets the OpenAI Agents trace objects and extents (the store was cleared). */
  forgetAgentsTraces(): void {
    this.agentsTraces.clear();
  }

  /** Decompress, decode, store. */
  async ingest(params: IngestParams): Promise<IngestResult> {
    const { store, forwarder, feed } = this.ctx;
    const inflated = decompress(params.body, params.encoding, params.maxBodyBytes);
    if (!inflated.ok) return { status: inflated.status, message: inflated.message };
    const body = inflated.data;
    if (params.dialect === 'openai-agents') {
      const decoded = decodeOpenAiAgents(body, this.agentsTraces, this.options);
      if (!decoded.ok) return { status: decoded.status ?? 'invalid', message: decoded.message };
      const stored = await store.ingestSpans(decoded.items);
      return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
    }
    switch (params.signal) {
      case 'traces': {
        // Sliced: a huge request yields to queued queries; an SDK batch decodes in one slice.
        const decoded = await decodeTracesSliced(body, params.format, this.options);
        if (!decoded.ok) return { status: decoded.status ?? 'invalid', message: decoded.message };
        forwarder.offer('traces', params.format, body, decoded.items.length);
        // Time-sliced writes: queries from the UI get their turn between slices.
        const stored = await store.ingestSpans(decoded.items);
        return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
      }
      case 'logs': {
        const decoded = await decodeLogsSliced(body, params.format, this.options);
        if (!decoded.ok) return { status: decoded.status ?? 'invalid', message: decoded.message };
        forwarder.offer('logs', params.format, body, decoded.items.length);
        const stored = await store.ingestLogs(decoded.items);
        return this.afterWrite(stored, decoded.rejected, decoded.rejectReasons);
      }
      case 'metrics': {
        const decoded = decodeMetrics(body, params.format);
        if (!decoded.ok) return { status: decoded.status ?? 'invalid', message: decoded.message };
        forwarder.offer('metrics', params.format, body, decoded.dataPointCount);
        store.addIngestCounts({ metricPointCount: decoded.dataPointCount, rejectedCount: decoded.rejected });
        feed.countersChanged();
        return { status: 'ok', accepted: decoded.dataPointCount, rejected: decoded.rejected, errorMessage: decoded.rejectReasons.join('; ') };
      }
    }
  }

  /**
   * Folds decoder and store rejections into one OTLP partial-success answer, notes what changed,
   * and finishes retention the write left pending.
   */
  private async afterWrite(stored: InsertResult, decodeRejected: number, decodeReasons: string[]): Promise<IngestResult> {
    const { store, feed } = this.ctx;
    store.addIngestCounts({ rejectedCount: decodeRejected });
    feed.changedTraces(stored.changedTraceIds);
    feed.removedTraces(stored.removedTraceIds);
    if (stored.retentionPending) feed.removedTraces((await store.applyRetention()).removedTraceIds);
    const rejected = decodeRejected + stored.rejected;
    if (rejected > 0) feed.countersChanged();
    const reasons = [...new Set([...decodeReasons, ...stored.rejectReasons])];
    return { status: 'ok', accepted: stored.inserted + stored.updated, rejected, errorMessage: reasons.join('; ') };
  }
}
