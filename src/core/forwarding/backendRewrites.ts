/**
 * Per-backend rewrites of plain requests (`plainRequest.ts`) before forwarding: extra resource
 * attributes (e.g. Phoenix's project routing by `openinference.project.name`, set by its preset)
 * and Langfuse's trace-level session and user ids on every span, remembered across batches
 * (`TraceIdMemory`). Applied in place by `applyRewrites` (`otlpTransform.ts`).
 */
import { anyValueText, asArray, attributesOf, findAttr, type KeyValue, type Obj } from './plainRequest';

/**
 * Adds each of `extra` (key, string value) to every resource's attributes, unless the resource
 * already has that key.
 */
export function addResourceAttributes(resources: readonly Obj[], extra: readonly (readonly [string, string])[]): void {
  for (const rs of resources) {
    const resource = (rs.resource ??= {}) as Obj;
    const attrs = (Array.isArray(resource.attributes) ? resource.attributes : (resource.attributes = [])) as KeyValue[];
    for (const [key, value] of extra) if (!findAttr(attrs, key)) attrs.push({ key, value: { stringValue: value } });
  }
}

/** Trace id (base64) → session and user ids seen so far; bounded, oldest forgotten first. */
export class TraceIdMemory {
  private readonly map = new Map<string, { sessionId?: string; userId?: string }>();
  constructor(private readonly capacity = 10_000) {}

  get(traceId: string): { sessionId?: string; userId?: string } | undefined {
    return this.map.get(traceId);
  }

  set(traceId: string, ids: { sessionId?: string; userId?: string }): void {
    this.map.delete(traceId);
    this.map.set(traceId, ids);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

export const LANGFUSE_SESSION_ID = 'langfuse.session.id';
export const LANGFUSE_USER_ID = 'langfuse.user.id';
/** Where a session id is looked for, in order (span attributes first, then resource attributes). */
export const SESSION_ID_SOURCES = [LANGFUSE_SESSION_ID, 'session.id', 'gen_ai.conversation.id'] as const;
export const USER_ID_SOURCES = [LANGFUSE_USER_ID, 'user.id', 'enduser.id'] as const;

function firstId(attrsList: readonly (readonly KeyValue[])[], keys: readonly string[]): string | undefined {
  for (const key of keys) {
    for (const attrs of attrsList) {
      const found = anyValueText(findAttr(attrs, key)?.value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Langfuse wants trace-level ids on every span. Per trace (ids found on any of its spans in this
 * request, else remembered from earlier requests): spans without `langfuse.session.id` get the
 * trace's session id (from `langfuse.session.id`, `session.id`, `gen_ai.conversation.id`, on the
 * span or its resource), spans without `langfuse.user.id` the user id (`langfuse.user.id`,
 * `user.id`, `enduser.id`). Values are copied as strings; nothing else is changed.
 */
export function propagateLangfuseIds(resources: readonly Obj[], memory: TraceIdMemory): void {
  type Found = { sessionId?: string; userId?: string };
  const found = new Map<string, Found>();
  const spans: { span: Obj; traceId: string }[] = [];
  for (const rs of resources) {
    const resourceAttrs = attributesOf(rs.resource as Obj | undefined);
    for (const ss of asArray(rs.scopeSpans)) {
      for (const span of asArray(ss.spans)) {
        const traceId = typeof span.traceId === 'string' ? span.traceId : '';
        spans.push({ span, traceId });
        const attrs = attributesOf(span);
        const f = found.get(traceId) ?? {};
        f.sessionId ??= firstId([attrs, resourceAttrs], SESSION_ID_SOURCES);
        f.userId ??= firstId([attrs, resourceAttrs], USER_ID_SOURCES);
        found.set(traceId, f);
      }
    }
  }
  for (const [traceId, f] of found) {
    const remembered = memory.get(traceId) ?? {};
    const merged = { sessionId: remembered.sessionId ?? f.sessionId, userId: remembered.userId ?? f.userId };
    if (merged.sessionId !== undefined || merged.userId !== undefined) memory.set(traceId, merged);
    found.set(traceId, merged);
  }
  for (const { span, traceId } of spans) {
    const ids = found.get(traceId);
    if (!ids) continue;
    const attrs = (Array.isArray(span.attributes) ? span.attributes : (span.attributes = [])) as KeyValue[];
    if (ids.sessionId !== undefined && !findAttr(attrs, LANGFUSE_SESSION_ID)) attrs.push({ key: LANGFUSE_SESSION_ID, value: { stringValue: ids.sessionId } });
    if (ids.userId !== undefined && !findAttr(attrs, LANGFUSE_USER_ID)) attrs.push({ key: LANGFUSE_USER_ID, value: { stringValue: ids.userId } });
  }
}
