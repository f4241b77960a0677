/**
 * The whole contract of the trace webview (waterfall + span details).
 * Direction is in the name: `TraceViewEvent` host → webview, `TraceViewCommand` and
 * `TraceViewRequests` webview → host. Only imports from `src/model`.
 */
import type { SpanDetail, SpanId, TraceId, TraceSummary } from '../model/trace';
import type { TraceConversation } from '../model/genai';
import type { PackedSkeleton } from '../model/skeletonCodec';
import type { FrameRef, GoToSourceResult, SpanSourceInfo } from '../model/source';
import type { FindInTraceResult } from '../model/search';
import type { AgentGraph } from '../model/agentGraph';

/** Host → webview, fire-and-forget. */
/** One finding as the trace header lists it. */
export interface TraceFindingView {
  detector: string;
  severity: 'error' | 'warning' | 'information';
  message: string;
  spanId: SpanId;
}

export type TraceViewEvent =
  /**
   * The full skeleton, packed (src/model/skeletonCodec.ts: ~0.5 MB for a 10,000-span agent trace
   * instead of ~2.3 MB of JSON), its columns typed arrays (sent as binary by VS Code); sent after
   * `ready` and again whenever the trace changed.
   */
  | {
      type: 'traceLoaded';
      trace: PackedSkeleton;
      summary: TraceSummary | null;
      selectSpanId: SpanId | null;
      /** The diagnostics' findings in this trace (src/core/diagnostics), worst first; shown in the header. */
      findings?: TraceFindingView[];
    }
  /** The trace was deleted, cleared or evicted. */
  | { type: 'traceRemoved'; traceId: TraceId }
  /** Ask the webview to select and scroll to a span. */
  | { type: 'revealSpan'; spanId: SpanId };

/** Webview → host, fire-and-forget. */
export type TraceViewCommand =
  | { type: 'ready' }
  | { type: 'copyText'; text: string; what: string }
  /**
   * Open a local file named by the telemetry (a `file://` content reference or media part) in an
   * editor. The host opens only absolute paths of existing regular files.
   */
  | { type: 'openLocalFile'; path: string }
  /** Replay Model Call… on a model-call span (span details, conversation header): opens the playground. */
  | { type: 'replayModelCall'; spanId: SpanId };

/** Webview → host, answered. */
export type TraceViewRequests = {
  spanDetail: { params: { traceId: TraceId; spanId: SpanId }; result: SpanDetail | null };
  /** The whole trace as a conversation (Conversation tab). */
  traceConversation: { params: { traceId: TraceId }; result: TraceConversation | null };
  /**
   * A span's code location and stack traces with each frame resolved against the workspace
   * (workspace / library / outside / missing), for "Go to Source" and clickable frames.
   * `null` when the span is no longer stored.
   */
  sourceInfo: { params: { spanId: SpanId }; result: SpanSourceInfo | null };
  /**
   * Opens the span's source in an editor beside the trace: its `code.*` location (else the
   * innermost app frame of its stack trace), or with `frame`, that stack frame. The host
   * re-derives the path from the stored span; answered once opened, refused or declined.
   */
  goToSource: { params: { spanId: SpanId; frame?: FrameRef }; result: GoToSourceResult };
  /** Find in this trace: the spans matching `query` (the search query language), in start-time order. */
  findInTrace: { params: { query: string }; result: FindInTraceResult };
  /** The agent graph of this trace (Graph tab); `null` when the trace is no longer stored. */
  traceGraph: { params: Record<string, never>; result: AgentGraph | null };
  /**
   * The agent graph of this trace's session (its newest traces; node span ids of this trace);
   * `null` when the trace has no session or the session no stored trace.
   */
  sessionGraph: { params: Record<string, never>; result: AgentGraph | null };
};

/** Requests the webview answers: none. */
export type TraceViewHostRequests = Record<string, never>;
