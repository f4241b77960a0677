/**
 * Ingest of the back end: decompress (bounded) → decode → store, one OTLP export request at a
 * time, and the store limits (`configure`). Expected failures are values (`IngestResult`), never
 * exceptions. Accepted requests are offered to forwarding before they are stored. Decoding and
 * storing both run in time slices, so queries are answered while a huge request is handled.
 * `start` settles once a request is decoded, with the answer known before storing and the write
 * (which answer the receivers get: writeBacklog.ts).
 *
 * OpenAI Agents SDK batches (`dialect: 'openai-agents'`, src/core/otlp/openaiAgents.ts) are
 * decoded here too, with the per-trace memory that joins trace objects and spans across
 * requests. They are not forwarded: they are not OTLP bytes, and their root span is re-sent as
 * the trace's spans arrive; "Send Trace to…" sends the converted trace once it is stored.
 */
import type { IngestParams, IngestResult } from '../../otlp/types';
import type { StoreConfig } from '../../store/config';
import type { InsertResult } from '../../store/traceStore';
import { logProblem, spanProblem } from '../../store/codec';
import { MAX_REJECT_REASONS } from '../../store/slicing';
import { decodeLogsSliced, decodeMetrics, decodeTracesSliced } from '../../otlp/decode';
import { OpenAiAgentsTraceBook, decodeOpenAiAgents } from '../../otlp/openaiAgents';
import type { DecodeOptions } from '../../otlp/shared';
import { decompress } from '../decompress';
import type { BackendContext, HandlerGroup } from './context';

/**
 * One decoded export request, ready to be stored (`Ingest.start`).
 * - `items`: spans or log records to store (0: nothing to store; `store` only returns the answer).
 * - `early()`: the answer before storing: decoder refusals plus the items the store will refuse.
 * - `store()`: writes them (in slices) and settles with the answer from the store's own counts;
 *   rejects when the write fails. Call it once.
 */
export interface IngestWrite {
  items: number;
  early: () => IngestResult;
  store: () => Promise<IngestResult>;
}

/** A request answered without a write (not decodable, too large, metrics). */
function settled(result: IngestResult): IngestWrite {
  return { items: 0, early: () => result, store: () => Promise.resolve(result) };
}

/** Decodes and stores export requests; holds the decode limits of the current store configuration. */
export class Ingest {
  /** Limits applied while decoding (`StoreConfig.maxAttributeValueLength`); file imports use them too. */
  private options: DecodeOptions = {};
  /** Trace objects and span extents of OpenAI Agents SDK traces, across requests. */
  private readonly agentsTraces = new OpenAiAgentsTraceBook();

  constructor(private readonly ctx: BackendContext) {}

  /**
   * The handler of `configure`. `ingest` is `BackendService`'s: it decides when a request is
   * answered (writeBacklog.ts) around `start`.
   */
  handlers(): HandlerGroup<'configure'> {
    const { store, feed } = this.ctx;
    return {
      configure: async (config) => {
        const result = store.configure(config);
        this.configureDecoding(config);
        feed.removedTraces(result.removedTraceIds);
        if (result.pending) feed.removedTraces((await store.applyRetention()).removedTraceIds);
        return null;
      },
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

  /**
   * Decompress and decode one export request and hand what it carries to forwarding. Settles once
   * decoded, with the answer known before storing (`early`) and the write (`store`). See
   * writeBacklog.ts for when the receivers get which answer.
   */
  async start(params: IngestParams): Promise<IngestWrite> {
    const { store, forwarder, feed } = this.ctx;
    const inflated = decompress(params.body, params.encoding, params.maxBodyBytes);
    if (!inflated.ok) return settled({ status: inflated.status, message: inflated.message });
    const body = inflated.data;
    if (params.dialect === 'openai-agents') {
      const decoded = decodeOpenAiAgents(body, this.agentsTraces, this.options);
      if (!decoded.ok) return settled({ status: decoded.status ?? 'invalid', message: decoded.message });
      return this.write(decoded.items, spanProblem, () => store.ingestSpans(decoded.items), decoded.rejected, decoded.rejectReasons);
    }
    switch (params.signal) {
      case 'traces': {
        // Sliced: a huge request yields to queued queries; an SDK batch decodes in one slice.
        const decoded = await decodeTracesSliced(body, params.format, this.options);
        if (!decoded.ok) return settled({ status: decoded.status ?? 'invalid', message: decoded.message });
        forwarder.offer('traces', params.format, body, decoded.items.length);
        // Time-sliced writes: queries from the UI get their turn between slices.
        return this.write(decoded.items, spanProblem, () => store.ingestSpans(decoded.items), decoded.rejected, decoded.rejectReasons);
      }
      case 'logs': {
        const decoded = await decodeLogsSliced(body, params.format, this.options);
        if (!decoded.ok) return settled({ status: decoded.status ?? 'invalid', message: decoded.message });
        forwarder.offer('logs', params.format, body, decoded.items.length);
        return this.write(decoded.items, logProblem, () => store.ingestLogs(decoded.items), decoded.rejected, decoded.rejectReasons);
      }
      case 'metrics': {
        const decoded = decodeMetrics(body, params.format);
        if (!decoded.ok) return settled({ status: decoded.status ?? 'invalid', message: decoded.message });
        forwarder.offer('metrics', params.format, body, decoded.dataPointCount);
        store.addIngestCounts({ metricPointCount: decoded.dataPointCount, rejectedCount: decoded.rejected });
        feed.countersChanged();
        return settled({ status: 'ok', accepted: decoded.dataPointCount, rejected: decoded.rejected, errorMessage: decoded.rejectReasons.join('; ') });
      }
    }
  }

  /**
   * The write of `items`. The early answer counts the items `problem` refuses, as the store's
   * write will (codec.ts `spanProblem`/`logProblem`; the decoders produce no value JSON cannot
   * encode, the store's only other refusal).
   */
  private write<T>(
    items: readonly T[],
    problem: (item: T) => string | null,
    write: () => Promise<InsertResult>,
    decodeRejected: number,
    decodeReasons: string[],
  ): IngestWrite {
    return {
      items: items.length,
      early: () => {
        const reasons = new Set(decodeReasons);
        let refused = 0;
        for (const item of items) {
          const reason = problem(item);
          if (reason === null) continue;
          refused++;
          if (reasons.size < MAX_REJECT_REASONS) reasons.add(reason);
        }
        return { status: 'ok', accepted: items.length - refused, rejected: decodeRejected + refused, errorMessage: [...reasons].join('; ') };
      },
      store: async () => this.afterWrite(await write(), decodeRejected, decodeReasons),
    };
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
