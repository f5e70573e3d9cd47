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

/**
 * The bytes [origin, origin + len) of a pattern.
 *
 * `{random: seed}` is xorshift32 (shifts 13, 17, 5) seeded with `seed` (0 becomes
 * 0x9e3779b9), one step per byte, each byte the low 8 bits of the state; byte 0 is the
 * first step's output. The stream starts at the pattern's origin.
 */
export function patternBytes(pattern: Pattern, origin: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (typeof pattern === "object" && "random" in pattern) {
    let x = (pattern.random >>> 0) || 0x9e3779b9;
    for (let i = 0; i < origin + len; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      if (i >= origin) out[i - origin] = x & 0xff;
    }
    return out;
  }
  if (pattern === "zero") return out;
  for (let i = 0; i < len; i++) out[i] = positional(pattern, origin + i);
  return out;
}
