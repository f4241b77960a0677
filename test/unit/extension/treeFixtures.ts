/**
 * Shared fixtures of the Traces tree tests: trace summaries numbered `n` (trace id `n` in hex, one
 * second apart, newest = highest) and an in-memory `vscode.Memento` for the workspace state.
 */
import type { TraceSummary } from '../../../src/model/trace';

/** The trace id of trace `n`: `n` in hex, 32 digits. */
export const traceIdOf = (n: number): string => n.toString(16).padStart(32, '0');

/** The summary of trace `n`: root span `run n`, 2 spans, 5 ms, no errors; `extra` overrides fields. */
export function summary(n: number, extra: Partial<TraceSummary> = {}): TraceSummary {
  return {
    traceId: traceIdOf(n),
    rootName: `run ${n}`,
    hasRoot: true,
    serviceName: 'svc',
    startTimeUnixNano: String(1_732_190_400_000_000_000n + BigInt(n) * 1_000_000_000n),
    endTimeUnixNano: String(1_732_190_400_000_000_000n + BigInt(n) * 1_000_000_000n + 5_000_000n),
    durationMs: 5,
    spanCount: 2,
    errorCount: 0,
    updatedSeq: n,
    ...extra,
  };
}

/** A `vscode.Memento` over a map, starting with `initial`. */
export function memento(initial: Record<string, unknown> = {}) {
  const values = new Map(Object.entries(initial));
  return { keys: () => [...values.keys()], get: <T>(k: string, d?: T) => (values.has(k) ? (values.get(k) as T) : d), update: async (k: string, v: unknown) => void values.set(k, v) };
}
