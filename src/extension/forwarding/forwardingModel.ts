/**
 * Forwarding UI logic without `vscode` (unit-tested in plain Node): the target view model,
 * status texts, detail rows, settings sanitizing/merging, and command-argument parsing.
 */
import { isPresetId, PRESETS, type SecretSlotId } from '../../core/forwarding/presets';
import type { ForwardingTargetSetting, ForwardingTargetStatus } from '../../core/forwarding/types';
import type { OtlpSignal } from '../../core/otlp/types';

/** One configured target as the UI shows it. */
export interface TargetView {
  setting: ForwardingTargetSetting;
  /** Why the target cannot be used (missing secret, bad endpoint…); `undefined` when usable. */
  problem?: string;
  warnings: string[];
  /** Which secret slots have a value (never the values). */
  secretsSet: Partial<Record<SecretSlotId, boolean>>;
  /** From the worker; absent until the first status arrives or when the target has a problem. */
  status?: ForwardingTargetStatus;
}

/** A target is "failing" when its last attempt failed or it cannot be configured. */
export function isFailing(view: TargetView, masterEnabled: boolean): boolean {
  const on = masterEnabled && view.setting.enabled !== false;
  if (!on) return false;
  if (view.problem) return true;
  const s = view.status;
  return !!s && (s.consecutiveFailures > 0 || (s.lastErrorAtMs ?? 0) > (s.lastSuccessAtMs ?? 0));
}

export type ForwardingNode = { kind: 'target'; view: TargetView } | { kind: 'detail'; label: string; description?: string; icon?: string; tooltip?: string };

const UNIT: Readonly<Record<string, string>> = { traces: 'spans', logs: 'log records', metrics: 'data points' };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatAgo(atMs: number | undefined, nowMs: number): string {
  if (atMs === undefined) return 'never';
  const s = Math.max(0, Math.round((nowMs - atMs) / 1000));
  const when = new Date(atMs).toLocaleTimeString();
  if (s < 60) return `${when} (${s} s ago)`;
  if (s < 3600) return `${when} (${Math.round(s / 60)} min ago)`;
  return `${new Date(atMs).toLocaleString()}`;
}

/** One line for a target: state and the most telling counter. */
export function targetSummary(view: TargetView, masterEnabled: boolean, nowMs = Date.now()): string {
  const preset = PRESETS[view.setting.preset].label;
  if (view.problem) return `${preset} · not configured: ${view.problem}`;
  const s = view.status;
  if (!masterEnabled) return `${preset} · off (forwarding is off)`;
  if (view.setting.enabled === false) return `${preset} · off`;
  if (!s) return `${preset} · starting`;
  const parts = [preset, `${s.sentItems.toLocaleString()} sent`];
  if (s.queuedItems > 0) parts.push(`${s.queuedItems.toLocaleString()} queued`);
  if (s.droppedItems > 0) parts.push(`${s.droppedItems.toLocaleString()} dropped`);
  if (s.rejectedItems > 0) parts.push(`${s.rejectedItems.toLocaleString()} rejected`);
  if (s.state === 'retrying' && s.nextRetryAtMs) parts.push(`retry in ${Math.max(0, Math.ceil((s.nextRetryAtMs - nowMs) / 1000))} s`);
  return parts.join(' · ');
}

export function detailRows(view: TargetView, nowMs = Date.now()): Extract<ForwardingNode, { kind: 'detail' }>[] {
  const rows: Extract<ForwardingNode, { kind: 'detail' }>[] = [];
  const preset = PRESETS[view.setting.preset];
  if (view.problem) rows.push({ kind: 'detail', label: 'Problem', description: view.problem, icon: 'error', tooltip: view.problem });
  const s: ForwardingTargetStatus | undefined = view.status;
  rows.push({ kind: 'detail', label: 'Endpoint', description: s?.endpoint ?? (view.setting.endpoint || preset.defaultEndpoint || '(none)'), icon: 'link' });
  const signals = s?.signals ?? view.setting.signals ?? [...preset.defaultSignals];
  rows.push({ kind: 'detail', label: 'Signals', description: signals.join(', '), icon: 'symbol-event' });
  const unit = signals.length === 1 ? UNIT[signals[0]] : 'items';
  if (s) {
    rows.push({ kind: 'detail', label: 'Sent', description: `${s.sentItems.toLocaleString()} ${unit} in ${s.sentRequests.toLocaleString()} requests`, icon: 'check' });
    rows.push({ kind: 'detail', label: 'Queued', description: `${s.queuedItems.toLocaleString()} ${unit} (${formatBytes(s.queuedBytes)})`, icon: 'inbox' });
    rows.push({ kind: 'detail', label: 'Dropped', description: `${s.droppedItems.toLocaleString()} (queue full)`, icon: s.droppedItems > 0 ? 'warning' : 'circle-outline' });
    rows.push({ kind: 'detail', label: 'Rejected', description: `${s.rejectedItems.toLocaleString()} (refused by the backend, not retried)`, icon: s.rejectedItems > 0 ? 'warning' : 'circle-outline' });
    rows.push({ kind: 'detail', label: 'Last success', description: formatAgo(s.lastSuccessAtMs, nowMs), icon: 'pass' });
    if (s.lastError) rows.push({ kind: 'detail', label: 'Last error', description: `${s.lastError} — ${formatAgo(s.lastErrorAtMs, nowMs)}`, icon: 'error', tooltip: s.lastError });
    if (s.state === 'retrying' && s.nextRetryAtMs) rows.push({ kind: 'detail', label: 'Next retry', description: `in ${Math.max(0, Math.ceil((s.nextRetryAtMs - nowMs) / 1000))} s (attempt ${s.consecutiveFailures + 1})`, icon: 'sync' });
  }
  const missing = preset.secrets.filter((slot) => slot.required && !view.secretsSet[slot.id]);
  const set = preset.secrets.filter((slot) => view.secretsSet[slot.id]).map((slot) => slot.id);
  rows.push({ kind: 'detail', label: 'Secrets', description: `${set.length > 0 ? `set: ${set.join(', ')}` : 'none set'}${missing.length > 0 ? ` · missing: ${missing.map((m) => m.id).join(', ')}` : ''}`, icon: 'key' });
  for (const w of view.warnings) rows.push({ kind: 'detail', label: 'Note', description: w, icon: 'info', tooltip: w });
  return rows;
}

/** `$(cloud-upload) 2 targets`, `$(cloud-upload) off`, `$(warning) Langfuse failing`. */
export function forwardingStatusText(targets: readonly TargetView[], master: boolean): { text: string; warning: boolean } | undefined {
  if (targets.length === 0) return undefined;
  if (!master) return { text: '$(cloud-upload) forwarding off', warning: false };
  const on = targets.filter((t) => t.setting.enabled !== false);
  if (on.length === 0) return { text: '$(cloud-upload) no targets on', warning: false };
  const failing = on.filter((t) => isFailing(t, master));
  if (failing.length > 0) {
    const names = failing.length === 1 ? failing[0].setting.name : `${failing.length} targets`;
    return { text: `$(warning) ${names} failing`, warning: true };
  }
  const queued = on.reduce((n, t) => n + (t.status?.queuedItems ?? 0), 0);
  const label = on.length === 1 ? on[0].setting.name : `${on.length} targets`;
  return { text: `$(cloud-upload) ${label}${queued > 0 ? ` · ${queued.toLocaleString()} queued` : ''}`, warning: false };
}

const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

/** Keeps well-formed entries (a hand-edited settings.json may hold anything). */
export function sanitizeTargets(value: unknown): ForwardingTargetSetting[] {
  if (!Array.isArray(value)) return [];
  const out: ForwardingTargetSetting[] = [];
  for (const raw of value) {
    if (raw === null || typeof raw !== 'object') continue;
    const t = raw as Record<string, unknown>;
    if (typeof t.name !== 'string' || !t.name.trim() || !isPresetId(t.preset)) continue;
    const target: ForwardingTargetSetting = { name: t.name.trim(), preset: t.preset };
    if (typeof t.endpoint === 'string') target.endpoint = t.endpoint;
    if (t.protocol === 'http/protobuf' || t.protocol === 'http/json') target.protocol = t.protocol;
    if (t.headers && typeof t.headers === 'object' && !Array.isArray(t.headers)) {
      target.headers = Object.fromEntries(Object.entries(t.headers as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
    if (Array.isArray(t.signals)) target.signals = t.signals.filter((s): s is OtlpSignal => SIGNALS.includes(s as OtlpSignal));
    if (typeof t.enabled === 'boolean') target.enabled = t.enabled;
    if (typeof t.project === 'string' && t.project) target.project = t.project;
    if (t.compression === 'gzip' || t.compression === 'none') target.compression = t.compression;
    if (t.redaction && typeof t.redaction === 'object') {
      const r = t.redaction as Record<string, unknown>;
      target.redaction = {
        dropContent: r.dropContent === true,
        patterns: Array.isArray(r.patterns) ? r.patterns.filter((p): p is string => typeof p === 'string') : [],
      };
    }
    out.push(target);
  }
  return out;
}

/** Adds or replaces (same name) targets, keeping the order of the existing ones. */
export function mergeTargets(existing: readonly ForwardingTargetSetting[], incoming: readonly ForwardingTargetSetting[]): ForwardingTargetSetting[] {
  const byName = new Map(incoming.map((t) => [t.name, t]));
  const merged = existing.map((t) => byName.get(t.name) ?? t);
  for (const t of incoming) if (!existing.some((e) => e.name === t.name)) merged.push(t);
  return merged;
}

/** A trace id, or a Traces-tree node (trace or span row), or a webview payload with `traceId`. */
export function traceIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg === null || typeof arg !== 'object') return undefined;
  const o = arg as { traceId?: unknown; summary?: { traceId?: unknown } };
  if (typeof o.summary?.traceId === 'string') return o.summary.traceId;
  if (typeof o.traceId === 'string') return o.traceId;
  return undefined;
}

/** A session id, or a tree node carrying one (`sessionId`, `session.sessionId`, `summary.sessionId`). */
export function sessionIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg === null || typeof arg !== 'object') return undefined;
  const o = arg as { sessionId?: unknown; session?: { sessionId?: unknown }; summary?: { sessionId?: unknown } };
  for (const v of [o.sessionId, o.session?.sessionId, o.summary?.sessionId]) if (typeof v === 'string' && v) return v;
  return undefined;
}
