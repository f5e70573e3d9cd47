/**
 * Fill patterns of trace-format.md section 4, as byte generators.
 *
 * @module
 */

/** A fill pattern. */
export type Pattern =
  | "zero"
  | "index"
  | "index_sum"
  | { readonly byte: number }
  | { readonly random: number };

/**
 * The byte of `pattern` at offset `o` from the pattern's origin, for the position-based
 * patterns. `random` is a stream, see {@link patternBytes}.
 */
function positional(pattern: Exclude<Pattern, { random: number }>, o: number): number {
  if (pattern === "zero") return 0;
  if (pattern === "index") return o & 0xff;
  if (pattern === "index_sum") {
    return ((o & 0xff) + ((o >>> 8) & 0xff) + ((o >>> 16) & 0xff)) & 0xff;
  }
  return pattern.byte & 0xff;
}

/** One xorshift32 step (shifts 13, 17, 5). */
function xorshift(x: number): number {
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/**
 * xorshift32 is linear over GF(2): a step is a 32x32 bit matrix, stored as its 32 columns
 * (the images of the unit vectors). JUMPS[k] is the matrix of 2^k steps, so the state after
 * n steps costs one matrix-vector product per set bit of n instead of n steps: reading a
 * random fill at a large offset is as cheap as at offset 0. Built on first use (about 4 ms
 * of every start-up otherwise, for traces that never jump).
 */
let JUMPS: Uint32Array[] | undefined;

function jumps(): Uint32Array[] {
  return JUMPS ??= squarings();
}

function squarings(): Uint32Array[] {
  const step = new Uint32Array(32);
  for (let j = 0; j < 32; j++) step[j] = xorshift((1 << j) >>> 0);
  const out = [step];
  for (let k = 1; k < 53; k++) {
    const m = out[k - 1], sq = new Uint32Array(32);
    for (let j = 0; j < 32; j++) sq[j] = apply(m, m[j]);
    out.push(sq);
  }
  return out;
}

function apply(m: Uint32Array, v: number): number {
  let r = 0;
  for (let j = 0; v; j++, v >>>= 1) if (v & 1) r ^= m[j];
  return r >>> 0;
}

/** The xorshift32 state after `n` steps from `x` (n a safe integer). */
export function xorshiftJump(x: number, n: number): number {
  if (n <= 0) return x >>> 0;
  const m = jumps();
  for (let k = 0; n > 0; k++, n = Math.floor(n / 2)) if (n % 2) x = apply(m[k], x);
  return x >>> 0;
}

/**
 * The bytes [origin, origin + len) of a pattern.
 *
 * `{random: seed}` is xorshift32 (shifts 13, 17, 5) seeded with `seed` (0 becomes
 * 0x9e3779b9), one step per byte, each byte the low 8 bits of the state; byte 0 is the
 * first step's output. The stream starts at the pattern's origin; bytes from `origin` cost
 * O(len + log origin).
 */
export function patternBytes(pattern: Pattern, origin: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (typeof pattern === "object" && "random" in pattern) {
    let x = xorshiftJump((pattern.random >>> 0) || 0x9e3779b9, origin);
    for (let i = 0; i < len; i++) {
      // xorshift(x), written out: this loop makes every byte of a random fill
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  }
  if (pattern === "zero") return out;
  for (let i = 0; i < len; i++) out[i] = positional(pattern, origin + i);
  return out;
}
