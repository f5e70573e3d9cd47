/**
 * Address arithmetic on the hot paths (GUP, extraction, translation) in plain numbers when
 * that is exact, BigInt otherwise: addresses are BigInts (a kernel address is above 2^53),
 * but a user address is below 2^47, and a BigInt sum or remainder allocates while a number's
 * does not. Each function gives exactly what the BigInt expression in its comment gives.
 *
 * @module
 */

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * a % ps for a safe integer a >= 0 and ps > 0, by a floor division: `%` of a number above
 * 2^31 is a floating-point remainder, which V8 computes with a call.
 */
export function numPageOffset(a: number, ps: number): number {
  return a - Math.floor(a / ps) * ps;
}

/** Number(addr % BigInt(ps)) for addr >= 0 and ps > 0. */
export function pageOffset(addr: bigint, ps: number): number {
  const a = Number(addr);
  return a <= SAFE && a >= 0 ? numPageOffset(a, ps) : Number(addr % BigInt(ps));
}

/** start + BigInt(bytes) > limit, for start >= 0 and bytes a safe integer >= 0. */
export function endsBeyond(start: bigint, bytes: number, limit: bigint): boolean {
  const s = Number(start);
  // below 2^52 both terms are exact and so is their sum (below 2^53); a limit rounded to a
  // number still compares the same with it
  return s < 2 ** 52 && s >= 0 && bytes < 2 ** 52
    ? s + bytes > Number(limit)
    : start + BigInt(bytes) > limit;
}

/** Number(a - b), for a >= b. */
export function addrDiff(a: bigint, b: bigint): number {
  const x = Number(a), y = Number(b);
  return x <= SAFE && y <= SAFE && y >= 0 ? x - y : Number(a - b);
}
