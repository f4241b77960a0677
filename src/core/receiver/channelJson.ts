/**
 * The window channel's JSON (windowChannel.ts): plain JSON, except that typed arrays (the packed
 * trace skeleton's columns, src/model/skeletonCodec.ts) travel as
 * `{ "$typedArray": "<type>", "base64": "<little-endian bytes>" }` and come back as the same type,
 * instead of turning into objects keyed "0", "1", …. Pure.
 */

/** The typed arrays carried (every type the packed skeleton uses). */
const TYPED_ARRAYS = { Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array } as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

/** An encoded typed array. */
interface TypedArrayJson {
  $typedArray: TypedArrayName;
  base64: string;
}

/**
 * `JSON.stringify(value)` with typed arrays encoded (see the module comment).
 * @throws TypeError for a typed array of another type (Int8Array, Float32Array, …): never sent.
 */
export function toChannelJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!ArrayBuffer.isView(v) || v instanceof DataView) return v;
    const name = v.constructor.name;
    if (!Object.hasOwn(TYPED_ARRAYS, name)) throw new TypeError(`the window channel does not carry ${name}`);
    const encoded: TypedArrayJson = { $typedArray: name as TypedArrayName, base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    return encoded;
  });
}

/**
 * `JSON.parse(text)` with typed arrays decoded (each on a buffer of its own, aligned).
 * @throws SyntaxError when `text` is not JSON; TypeError for an encoded typed array of an unknown
 * type or whose byte length is not a whole number of elements.
 */
export function fromChannelJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isTypedArrayJson(v)) return v;
    const Type = TYPED_ARRAYS[v.$typedArray];
    const bytes = Buffer.from(v.base64, 'base64');
    if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new TypeError(`${v.$typedArray} of ${bytes.byteLength} bytes`);
    const out = new Type(bytes.byteLength / Type.BYTES_PER_ELEMENT);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  });
}

function isTypedArrayJson(v: unknown): v is TypedArrayJson {
  if (typeof v !== 'object' || v === null) return false;
  const { $typedArray: name, base64 } = v as Partial<TypedArrayJson>;
  if (typeof name !== 'string' || typeof base64 !== 'string') return false;
  if (!Object.hasOwn(TYPED_ARRAYS, name)) throw new TypeError(`the window channel does not carry ${name}`);
  return true;
}
