/**
 * What the back end remembers between OpenAI Agents SDK requests, per trace: its trace object
 * (for the root span) and the extent of its spans seen so far (the root's start and end). The
 * SDK sends a trace object when the trace starts and each span when it ends, batched by time
 * and size, so they arrive in any grouping of requests (openaiAgents.ts).
 *
 * Bounded: at most `maxTraces` traces and about `maxChars` characters of root attributes, the
 * least recently touched forgotten first. A forgotten trace whose spans keep coming is stored
 * without a further root update (its root keeps the extent it had); one whose trace object comes
 * after it was forgotten gets a root spanning only the spans seen since.
 */
import type { Attributes } from '../../model/trace';

/** Compares two decimal strings of non-negative integers without leading zeros (as `parseIsoTimeToUnixNano` makes). */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A trace object, ready to become a root span. */
export interface AgentsTraceInfo {
  /** 32 lowercase hex. */
  traceId: string;
  /** 16 lowercase hex. */
  rootSpanId: string;
  /** `workflow_name`, or the SDK's trace id when it has none. */
  name: string;
  attributes: Attributes;
}

/** One remembered trace: its trace object once seen, and the extent of its spans (`null` before the first). */
export interface AgentsTraceEntry {
  info: AgentsTraceInfo | null;
  startNs: string | null;
  endNs: string | null;
  /** Characters counted against `maxChars`. */
  chars: number;
}

/** Default bounds: enough for every run of a debugging session, far below the store's memory. */
export const AGENTS_TRACE_BOOK_MAX_TRACES = 4_096;
export const AGENTS_TRACE_BOOK_MAX_CHARS = 32 * 1024 * 1024;

/** The per-trace memory of the OpenAI Agents ingest (one per back end). */
export class OpenAiAgentsTraceBook {
  private readonly entries = new Map<string, AgentsTraceEntry>();
  private chars = 0;

  constructor(
    private readonly maxTraces = AGENTS_TRACE_BOOK_MAX_TRACES,
    private readonly maxChars = AGENTS_TRACE_BOOK_MAX_CHARS,
  ) {}

  /** Traces remembered now. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry of a trace (32 hex), if remembered. */
  get(traceId: string): AgentsTraceEntry | undefined {
    return this.entries.get(traceId);
  }

  /** Remembers (or replaces) a trace object. */
  noteTrace(info: AgentsTraceInfo): void {
    const entry = this.touch(info.traceId);
    const chars = info.name.length + JSON.stringify(info.attributes).length;
    this.chars += chars - entry.chars;
    entry.chars = chars;
    entry.info = info;
    this.evict(info.traceId);
  }

  /** Widens a trace's extent to cover one span (times: decimal Unix nanoseconds). */
  noteSpan(traceId: string, startNs: string, endNs: string): void {
    const entry = this.touch(traceId);
    if (entry.startNs === null || compareDecimal(startNs, entry.startNs) < 0) entry.startNs = startNs;
    if (entry.endNs === null || compareDecimal(endNs, entry.endNs) > 0) entry.endNs = endNs;
    this.evict(traceId);
  }

  /** Forgets everything (the store was cleared). */
  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }

  /** The entry of `traceId`, created if new, moved to the most recently used end. */
  private touch(traceId: string): AgentsTraceEntry {
    let entry = this.entries.get(traceId);
    if (entry) this.entries.delete(traceId);
    else entry = { info: null, startNs: null, endNs: null, chars: 0 };
    this.entries.set(traceId, entry);
    return entry;
  }

  /** Forgets the least recently used traces past the bounds, never `keep`. */
  private evict(keep: string): void {
    for (const [traceId, entry] of this.entries) {
      if (this.entries.size <= this.maxTraces && this.chars <= this.maxChars) return;
      if (traceId === keep) continue;
      this.entries.delete(traceId);
      this.chars -= entry.chars;
    }
  }
}
