/**
 * What a trace panel answers its webview (`TraceViewRequests`, src/protocol/traceView.ts) and the
 * `traceLoaded` message it sends, apart from the panel's `vscode` plumbing (tracePanel.ts) so the
 * benchmark (bench/traceViewHost.ts) drives the very same code against a real back end.
 *
 * A click on a span asks `spanDetail` and, for a span with a code location or a stack trace,
 * `sourceInfo`; both need the span's detail. The panel keeps the last `DETAIL_CACHE_SIZE` detail
 * answers (promises, so a `sourceInfo` sent while its `spanDetail` is still in flight shares the
 * one back end query); the cache is cleared whenever the panel sends the trace again (it changed).
 */
import type { RequestHandlers } from '../../protocol/channel';
import type { TraceViewEvent, TraceViewRequests } from '../../protocol/traceView';
import type { BackendRequests } from '../../core/backend/protocol';
import type { FrameRef, GoToSourceResult, SpanSourceInfo } from '../../model/source';
import type { SpanDetail, SpanId, TraceId } from '../../model/trace';
import { toFrameRef } from '../../core/source/spanSource';

/** Span details kept per panel (a click, then its source info; going back and forth). */
export const DETAIL_CACHE_SIZE = 16;

/** The back end queries a panel runs (`TraceRepository.query`). */
export type TraceQuery = <M extends keyof BackendRequests & string>(method: M, params: BackendRequests[M]['params']) => Promise<BackendRequests[M]['result']>;

/** "Go to Source" as the panel uses it (src/extension/source/sourceNavigator.ts). */
export interface TraceViewSource {
  /** Source info of a span whose detail is given (`null`: the span is not stored). */
  sourceInfo(traceId: TraceId, spanId: SpanId, detail: SpanDetail | null): Promise<SpanSourceInfo | null>;
  goToSpan(traceId: TraceId, spanId: SpanId, frame: FrameRef | null, options: { beside?: boolean }): Promise<GoToSourceResult>;
}

/** The requests of one panel's webview, and the panel's span detail cache. */
export class TraceViewRequestHandlers {
  private readonly details = new Map<SpanId, Promise<SpanDetail | null>>();
  readonly handlers: RequestHandlers<TraceViewRequests>;

  constructor(
    private traceId: TraceId,
    private readonly query: TraceQuery,
    private readonly source: TraceViewSource,
  ) {
    // Params come from the webview: checked, and the trace id is always this panel's own (the one
    // shown when the request arrives: a preview panel changes trace, `showTrace`).
    this.handlers = {
      spanDetail: ({ spanId }) => {
        if (typeof spanId !== 'string') throw new Error('spanDetail needs a spanId');
        return this.detail(spanId);
      },
      traceConversation: () => this.query('traceConversation', { traceId: this.traceId }),
      sourceInfo: async ({ spanId }) => {
        if (typeof spanId !== 'string') throw new Error('sourceInfo needs a spanId');
        return this.source.sourceInfo(this.traceId, spanId, await this.detail(spanId));
      },
      goToSource: ({ spanId, frame }) => {
        if (typeof spanId !== 'string') throw new Error('goToSource needs a spanId');
        const ref = frame === undefined || frame === null ? null : toFrameRef(frame);
        if (frame !== undefined && frame !== null && !ref) throw new Error('goToSource: invalid frame');
        return this.source.goToSpan(this.traceId, spanId, ref, { beside: true });
      },
      findInTrace: ({ query }) => {
        if (typeof query !== 'string') throw new Error('findInTrace needs a query');
        return this.query('findInTrace', { traceId: this.traceId, query });
      },
      traceGraph: () => this.query('traceGraph', { traceId: this.traceId }),
      // The session is this trace's own (read here, never taken from the webview).
      sessionGraph: async () => {
        const traceId = this.traceId;
        const summary = await this.query('traceSummary', { traceId });
        return summary?.sessionId ? this.query('sessionGraph', { sessionId: summary.sessionId, focusTraceId: traceId }) : null;
      },
    };
  }

  /** Answers for another trace from now on (a preview panel shows it); forgets the cached span details. */
  showTrace(traceId: TraceId): void {
    this.traceId = traceId;
    this.clear();
  }

  /** Forgets the cached span details (the trace changed). */
  clear(): void {
    this.details.clear();
  }

  /**
   * The `traceLoaded` message for this panel's trace (the skeleton packed in the worker, its
   * columns typed arrays that VS Code posts as binary), or `null` when the trace is gone.
   * Clears the detail cache: the trace may have changed.
   */
  async traceLoaded(selectSpanId: SpanId | null): Promise<Extract<TraceViewEvent, { type: 'traceLoaded' }> | null> {
    this.clear();
    const traceId = this.traceId;
    const [trace, summary, findings] = await Promise.all([
      this.query('packedTraceSkeleton', { traceId }),
      this.query('traceSummary', { traceId }),
      this.query('listFindings', { traceIds: [traceId] }).catch(() => []),
    ]);
    if (!trace) return null;
    return {
      type: 'traceLoaded',
      trace,
      summary,
      selectSpanId,
      findings: findings.map((f) => ({ detector: f.detector, severity: f.severity, message: f.message, spanId: f.spanId })),
    };
  }

  private detail(spanId: SpanId): Promise<SpanDetail | null> {
    let detail = this.details.get(spanId);
    if (detail) {
      // Most recently used last.
      this.details.delete(spanId);
    } else {
      detail = this.query('spanDetail', { traceId: this.traceId, spanId });
      // A failed query is not kept: the next request asks again.
      detail.catch(() => this.details.get(spanId) === detail && this.details.delete(spanId));
    }
    this.details.set(spanId, detail);
    if (this.details.size > DETAIL_CACHE_SIZE) this.details.delete(this.details.keys().next().value!);
    return detail;
  }
}
