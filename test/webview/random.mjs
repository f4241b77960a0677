// @ts-check
// Deterministic random data for the harness fixtures (fixtures.mjs, usageFixtures.mjs). Plain ESM
// with no imports: it runs in Node (the checks) and in the page (the fake hosts).

/**
 * A deterministic PRNG (mulberry32): a function returning numbers in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `len` lowercase hex digits from `rand`, never all zeros (an invalid OTLP trace or span id).
 * @param {() => number} rand
 * @param {number} len
 */
export function hex(rand, len) {
  let s = '';
  while (s.length < len) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  s = s.slice(0, len);
  return /^0+$/.test(s) ? `1${s.slice(1)}` : s;
}
