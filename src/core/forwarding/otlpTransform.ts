/**
 * OTLP request bodies for forwarding, one batch → one body for one target: byte-for-byte when
 * possible (`passthrough.ts`), otherwise decoded into plain requests (`plainRequest.ts`,
 * `otlpCodec.ts`), merged, rewritten for the target and re-encoded in its format. Runs in the
 * back end thread (it pulls in protobufjs through `protoRoot.ts`).
 *
 * The per-target rewrites, in order (`applyRewrites`): extra resource attributes and Langfuse id
 * propagation (`backendRewrites.ts`), then redaction (`redaction.ts`).
 */
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import type { TargetRewrites } from './types';
import { TOP_LEVEL_KEY, asArray, type PlainRequest } from './plainRequest';
import { decodeRequest, encodeRequest, mergeRequests } from './otlpCodec';
import { concatBodies } from './passthrough';
import { addResourceAttributes, propagateLangfuseIds, TraceIdMemory } from './backendRewrites';
import { dropContentFrom, redactStrings } from './redaction';

/** `true` when `rewrites` change anything (otherwise bodies may pass through untouched). */
export function needsRewrite(signal: OtlpSignal, rewrites: TargetRewrites): boolean {
  return (
    (signal === 'traces' && rewrites.propagateLangfuseIds) ||
    Object.keys(rewrites.resourceAttributes).length > 0 ||
    rewrites.redaction.dropContent ||
    rewrites.redaction.patterns.length > 0
  );
}

/**
 * Applies `rewrites` to `request` in place (the request is a private copy made by `decodeRequest`;
 * stored data is never touched). `memory` carries Langfuse ids across batches of one target.
 */
export function applyRewrites(signal: OtlpSignal, request: PlainRequest, rewrites: TargetRewrites, memory?: TraceIdMemory): void {
  const resources = asArray(request[TOP_LEVEL_KEY[signal]]);

  const extra = Object.entries(rewrites.resourceAttributes);
  if (extra.length > 0) addResourceAttributes(resources, extra);

  if (signal === 'traces' && rewrites.propagateLangfuseIds) propagateLangfuseIds(resources, memory ?? new TraceIdMemory());

  const { dropContent, patterns } = rewrites.redaction;
  if (dropContent) dropContentFrom(signal, resources);
  if (patterns.length > 0) {
    const regexes = patterns.map((p) => new RegExp(p, 'g'));
    redactStrings(request, regexes);
  }
}

/** One queued request body, as `buildBody` takes it. */
export interface BodySource {
  format: OtlpFormat;
  /** Decompressed request body as received. */
  body: Uint8Array;
}

/**
 * One request body for `target` from queued request bodies of one signal: byte-for-byte (protobuf
 * concatenated, JSON spliced) when the formats match and no rewrite applies, otherwise decoded,
 * merged, rewritten and re-encoded. Throws when a body cannot be decoded (the caller drops it).
 */
export function buildBody(
  signal: OtlpSignal,
  sources: readonly BodySource[],
  out: OtlpFormat,
  rewrites: TargetRewrites,
  memory?: TraceIdMemory,
): { body: Uint8Array; reencoded: boolean } {
  if (!needsRewrite(signal, rewrites) && sources.every((s) => s.format === out)) {
    const passthrough = concatBodies(signal, out, sources.map((s) => s.body));
    if (passthrough) return { body: passthrough, reencoded: false };
  }
  const merged = mergeRequests(signal, sources.map((s) => decodeRequest(signal, s.format, s.body)));
  applyRewrites(signal, merged, rewrites, memory);
  return { body: encodeRequest(signal, out, merged), reencoded: true };
}
