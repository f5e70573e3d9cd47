/**
 * The number fast paths of address arithmetic (src/model/addr_math.ts) against the BigInt
 * expressions they stand for, on addresses around every boundary that matters: 0, page
 * boundaries, TASK_SIZE_MAX, 2^47, 2^52, 2^53 (where numbers stop being exact) and the
 * kernel's direct map and vmalloc space far above it.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { addrDiff, endsBeyond, pageOffset } from "../../src/model/addr_math.ts";
import { TASK_SIZE_MAX } from "../../src/profile.ts";
import { LINEAR_MAP_BASE, VMALLOC_BASE } from "../../src/model/memory.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 5353);
const runs = { seed, numRuns: 3000 };

const BASES = [
  0n,
  4096n,
  TASK_SIZE_MAX,
  1n << 47n,
  1n << 52n,
  (1n << 53n) - 1n,
  1n << 53n,
  (1n << 53n) + 1n,
  1n << 60n,
  LINEAR_MAP_BASE,
  VMALLOC_BASE,
  (1n << 64n) - 1n,
];

/** An address near one of BASES (never negative, below 2^64). */
const addrArb = fc.tuple(fc.constantFrom(...BASES), fc.bigInt({ min: -70000n, max: 70000n }))
  .map(([b, d]) => {
    const a = b + d;
    return a < 0n ? -a : a >= 1n << 64n ? (1n << 64n) - 1n - (a - (1n << 64n)) : a;
  });
const anyAddr = fc.oneof(addrArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));

Deno.test("pageOffset is Number(addr % BigInt(ps)), below and above 2^53", () => {
  fc.assert(
    fc.property(anyAddr, fc.constantFrom(512, 4096, 16384, 65536), (a, ps) => {
      assert.equal(pageOffset(a, ps), Number(a % BigInt(ps)));
    }),
    runs,
  );
});

Deno.test("endsBeyond is start + BigInt(bytes) > limit, below and above 2^53", () => {
  const bytesArb = fc.oneof(
    fc.integer({ min: 0, max: 1 << 30 }),
    fc.integer({ min: 0, max: 2 ** 40 }).map((n) => n * 4096),
  );
  const limitArb = fc.oneof(fc.constant(TASK_SIZE_MAX), addrArb);
  fc.assert(
    fc.property(anyAddr, bytesArb, limitArb, (start, bytes, limit) => {
      assert.equal(endsBeyond(start, bytes, limit), start + BigInt(bytes) > limit);
    }),
    runs,
  );
});

Deno.test("addrDiff is Number(a - b) for a >= b, below and above 2^53", () => {
  fc.assert(
    fc.property(anyAddr, fc.bigInt({ min: 0n, max: 1n << 40n }), (b, d) => {
      const a = b + d;
      assert.equal(addrDiff(a, b), Number(a - b));
    }),
    runs,
  );
  fc.assert(
    fc.property(anyAddr, anyAddr, (x, y) => {
      const [a, b] = x >= y ? [x, y] : [y, x];
      assert.equal(addrDiff(a, b), Number(a - b));
    }),
    runs,
  );
});
