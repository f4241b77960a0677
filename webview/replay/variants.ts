/**
 * The playground's variant columns: each one's overrides (provider, model, sampling parameters
 * on top of the edited request) and its current run, advanced by the host's events
 * (src/protocol/replayView.ts). A run has its own id (`<column>.<n>`), so events of a cancelled or
 * superseded run are ignored. JSON-safe (kept with `setState`). Pure.
 */
import type { ReplayError, ReplayParameters, ReplayRequest, ReplayResult, ReplayToolCall } from '../../src/model/replay';
import type { ReplayViewEvent } from '../../src/protocol/replayView';

/** The parameters a variant may override (the editor's number inputs). */
export const OVERRIDABLE: ReadonlyArray<{ name: string; integer: boolean }> = [
  { name: 'temperature', integer: false },
  { name: 'max_tokens', integer: true },
  { name: 'top_p', integer: false },
  { name: 'seed', integer: true },
];

export type RunStatus = 'sending' | 'streaming' | 'done' | 'error' | 'cancelled';

/** One send of a variant, as far as it got. */
export interface RunState {
  /** The `variantId` of the protocol. */
  id: string;
  provider: string;
  model: string;
  status: RunStatus;
  /** Text streamed so far (the result's text once `done`). */
  text: string;
  /** Tool calls streamed so far, by index (the result's once `done`). */
  toolCalls: ReplayToolCall[];
  result?: ReplayResult;
  error?: ReplayError;
  /** The trace the replay was recorded as. */
  traceId?: string;
  /** A short description of the overrides used (`temperature 0.9`), for the column header. */
  overrides: string;
}

export interface Variant {
  /** Column id (`v1`). */
  id: string;
  /** Shown name (`Variant 1`). */
  label: string;
  /** Provider name; absent = the top bar's. */
  provider?: string;
  /** Model; empty = the top bar's. */
  model: string;
  /** Override texts by parameter name; empty = the request's value. */
  params: Record<string, string>;
  /** Runs sent so far (numbers the run ids). */
  runs: number;
  run?: RunState;
  /** Whether the finished answer shows its diff against the original (else plain text). */
  showDiff: boolean;
  /** Whether the overrides form is open. */
  editing: boolean;
}

/** A new column. */
export function newVariant(n: number, editing = false): Variant {
  return { id: `v${n}`, label: `Variant ${n}`, model: '', params: {}, runs: 0, showDiff: true, editing };
}

/** `true` while a run of the variant waits for its answer. */
export const isRunning = (v: Variant): boolean => v.run?.status === 'sending' || v.run?.status === 'streaming';

/** An override's problem (`temperature must be a number`), or undefined. */
export function overrideError(name: string, text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) return `${name} must be a number`;
  if (OVERRIDABLE.find((o) => o.name === name)?.integer && !Number.isInteger(n)) return `${name} must be a whole number`;
  return undefined;
}

/** What a variant sends: provider, model and the request with its overrides applied, or why it cannot. */
export type VariantSend = { ok: true; provider: string; model: string; request: ReplayRequest; overrides: string } | { ok: false; error: string };

/**
 * The request of one variant: `request` (the edited one) with the variant's model and parameter
 * overrides; provider and model fall back to the top bar's.
 */
export function variantSend(v: Variant, request: ReplayRequest, top: { provider?: string; model: string }): VariantSend {
  const provider = v.provider ?? top.provider;
  if (!provider) return { ok: false, error: 'no provider selected' };
  const model = v.model.trim() || top.model.trim();
  if (!model) return { ok: false, error: 'no model given' };
  const parameters: ReplayParameters = { ...request.parameters };
  const used: string[] = [];
  for (const { name } of OVERRIDABLE) {
    const text = (v.params[name] ?? '').trim();
    if (!text) continue;
    const error = overrideError(name, text);
    if (error) return { ok: false, error };
    parameters[name] = Number(text);
    used.push(`${name} ${text}`);
  }
  return { ok: true, provider, model, request: { ...request, model, parameters }, overrides: used.join(', ') };
}

/** Starts a new run of `v` (its previous run, if any, is forgotten); returns the run id. */
export function startRun(v: Variant, send: Extract<VariantSend, { ok: true }>): string {
  v.runs += 1;
  const id = `${v.id}.${v.runs}`;
  v.run = { id, provider: send.provider, model: send.model, status: 'sending', text: '', toolCalls: [], overrides: send.overrides };
  return id;
}

/** The variant whose current run is `runId`, if any. */
export function variantOfRun(variants: readonly Variant[], runId: string): Variant | undefined {
  return variants.find((v) => v.run?.id === runId);
}

/**
 * Applies one run event of the host to its variant; returns the variant changed, or undefined
 * when the event is about no current run (cancelled, superseded, removed column) or the run has
 * already ended (a late delta after `done` or an error).
 */
export function applyRunEvent(variants: readonly Variant[], e: Extract<ReplayViewEvent, { variantId: string }>): Variant | undefined {
  const v = variantOfRun(variants, e.variantId);
  const run = v?.run;
  if (!v || !run) return undefined;
  switch (e.type) {
    case 'replayStarted':
      if (run.status !== 'sending') return undefined;
      run.status = 'streaming';
      return v;
    case 'replayTraced':
      run.traceId = e.traceId;
      return v;
    case 'replayError':
      if (run.status === 'done' || run.status === 'cancelled' || run.status === 'error') return undefined;
      run.status = e.error.kind === 'cancelled' ? 'cancelled' : 'error';
      run.error = e.error;
      return v;
    case 'replayEvent': {
      if (run.status !== 'sending' && run.status !== 'streaming') return undefined;
      run.status = 'streaming';
      const ev = e.event;
      switch (ev.type) {
        case 'text':
          run.text += ev.delta;
          return v;
        case 'tool_call': {
          while (run.toolCalls.length <= ev.index) run.toolCalls.push({ name: '', arguments: '' });
          const call = run.toolCalls[ev.index];
          if (ev.id !== undefined) call.id = ev.id;
          if (ev.name !== undefined) call.name = ev.name;
          call.arguments += ev.argumentsDelta;
          return v;
        }
        case 'done':
          run.result = ev.result;
          run.text = ev.result.text;
          run.toolCalls = ev.result.toolCalls;
          if (ev.result.error) {
            run.error = ev.result.error;
            run.status = ev.result.error.kind === 'cancelled' ? 'cancelled' : 'error';
          } else run.status = 'done';
          return v;
      }
    }
  }
}

/** Marks the run cancelled by the user (the host's `replayError` for it is then ignored). */
export function cancelRun(v: Variant): void {
  if (v.run && isRunning(v)) {
    v.run.status = 'cancelled';
    v.run.error = { kind: 'cancelled', message: 'Cancelled.' };
  }
}

/** After a reload of the view: a run still waiting can no longer receive its events. */
export function interruptRuns(variants: readonly Variant[]): void {
  for (const v of variants) {
    if (v.run && isRunning(v)) {
      v.run.status = 'error';
      v.run.error = { kind: 'other', message: 'Interrupted: the view was reloaded while this replay ran. Send it again.' };
    }
  }
}
