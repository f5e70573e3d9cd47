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
import { LINEAR_MAP_BASE, type Memory, VMALLOC_BASE } from "../../src/model/memory.ts";
import { vecOps } from "../../src/model/kinds/vec.ts";
import type { VecIter } from "../../src/model/iter.ts";

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

Deno.test("iov_npages (IOVEC/KVEC) counts each segment's pages from base + skip exactly, below and above 2^53", () => {
  // the walk's in-page offset is taken without BigInt arithmetic: against the BigInt
  // expression, on segments starting anywhere (kernel KVEC addresses included)
  const segArb = fc.record({ base: anyAddr, len: fc.integer({ min: 0, max: 3 * 65536 }) });
  fc.assert(
    fc.property(
      fc.array(segArb, { minLength: 1, maxLength: 6 }),
      fc.constantFrom(512, 4096, 16384, 65536),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 1, max: 64 }),
      (segs, ps, idxSeed, skipSeed, maxpages) => {
        const idx = idxSeed % segs.length;
        const skip = segs[idx].len ? skipSeed % segs[idx].len : 0;
        let count = -skip;
        for (let k = idx; k < segs.length; k++) count += segs[k].len;
        const it = {
          kind: "iovec",
          segs,
          idx,
          iovOffset: skip,
          count,
        } as unknown as VecIter;
        let want = 0, size = count, sk = skip;
        for (let k = idx; k < segs.length && size; k++, sk = 0) {
          let len = segs[k].len - sk;
          if (len <= 0) continue;
          if (len > size) len = size;
          const off = Number((segs[k].base + BigInt(sk)) % BigInt(ps));
          want += Math.ceil((off + len) / ps);
          if (want >= maxpages) {
            want = maxpages;
            break;
          }
          size -= len;
        }
        const mem = { pageSize: ps } as unknown as Memory;
        assert.equal(vecOps.npages(mem, it, maxpages), count ? want : 0);
      },
    ),
    runs,
  );
});
