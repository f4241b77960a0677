/**
 * Pass-through batching for forwarding: several received request bodies of one signal and format
 * joined into one request body without decoding them, so every byte (numbers, fields unknown to
 * the vendored protos) reaches the target as sent. Used by `buildBody` (`otlpTransform.ts`) when
 * no rewrite applies and the target takes the bodies' format.
 */
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import { TOP_LEVEL_KEY } from './plainRequest';

const TOP_LEVEL_SNAKE: Readonly<Record<OtlpSignal, string>> = {
  traces: 'resource_spans',
  logs: 'resource_logs',
  metrics: 'resource_metrics',
};

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Pass-through batching, no decode: binary protobuf requests concatenate into one valid request
 * (a repeated field's entries simply accumulate); OTLP/JSON requests are spliced at the text level
 * (`{"resourceSpans":[…a…,…b…]}`), so numbers and unknown fields stay exactly as sent. Returns
 * `null` when a JSON body does not have the expected top-level shape (the caller re-encodes).
 */
export function concatBodies(signal: OtlpSignal, format: OtlpFormat, bodies: readonly Uint8Array[]): Uint8Array | null {
  if (bodies.length === 1) return bodies[0];
  if (format === 'protobuf') {
    const total = bodies.reduce((n, b) => n + b.byteLength, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const b of bodies) {
      out.set(b, offset);
      offset += b.byteLength;
    }
    return out;
  }
  const inners: string[] = [];
  for (const body of bodies) {
    const inner = topLevelArrayInner(utf8Decoder.decode(body), [TOP_LEVEL_KEY[signal], TOP_LEVEL_SNAKE[signal]]);
    if (inner === null) return null;
    if (inner !== '') inners.push(inner);
  }
  return utf8.encode(`{"${TOP_LEVEL_KEY[signal]}":[${inners.join(',')}]}`);
}

/**
 * The text between the brackets of the top-level array under one of `keys` of a JSON object
 * ('' when absent or empty); `null` when `text` is not a JSON object this scanner can walk.
 * Only the top level is tokenized; nested values are skipped by bracket matching.
 */
export function topLevelArrayInner(text: string, keys: readonly string[]): string | null {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = (): boolean => {
    // at '"'
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return true;
      } else i++;
    }
    return false;
  };
  const skipValue = (): boolean => {
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < n) {
        const d = text[i];
        if (d === '"') {
          if (!skipString()) return false;
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return true;
          }
        }
        i++;
      }
      return false;
    }
    const start = i;
    while (i < n && !',}] \n\r\t'.includes(text[i])) i++;
    return i > start;
  };

  ws();
  if (text[i] !== '{') return null;
  i++;
  let found = '';
  for (;;) {
    ws();
    if (text[i] === '}') break;
    if (text[i] !== '"') return null;
    const keyStart = i;
    if (!skipString()) return null;
    let key: string;
    try {
      key = JSON.parse(text.slice(keyStart, i)) as string;
    } catch {
      return null;
    }
    ws();
    if (text[i] !== ':') return null;
    i++;
    ws();
    const valueStart = i;
    if (!skipValue()) return null;
    if (keys.includes(key)) {
      if (text[valueStart] === '[') found = text.slice(valueStart + 1, i - 1).trim();
      else if (text.slice(valueStart, i) !== 'null') return null;
    }
    ws();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') break;
    return null;
  }
  i++;
  ws();
  return i === n ? found : null;
}
