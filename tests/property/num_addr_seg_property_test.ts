/**
 * A replay keeps each imported iovec's address as a number (NumAddrSeg, src/model/iter.ts)
 * and import_iovec's access_ok and the user extraction read that number instead of the
 * BigInt. These properties hold both paths to the BigInt ones: the same segments given as
 * plain { base: bigint } objects and as NumAddrSegs import, count pages (iov_iter_npages) and
 * extract alike, in an era of each extraction (get_pages refs before 6.3, pins after), page by
 * page.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { importIovec } from "../../src/model/construct.ts";
import { iovIterExtractPages, iovIterGetPages } from "../../src/model/extract.ts";
import { type AddrSeg, addrSeg, numAddr, NumAddrSeg } from "../../src/model/iter.ts";
import { TASK_SIZE_MAX } from "../../src/profile.ts";
import { iovIterNpages } from "../../src/model/query.ts";
import { makeCtx, memSpec, origin, PAGE, userRegion } from "../_helpers.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4343);
const SIZE = 64 * PAGE;

/** The user region's start in a fresh context (both copies of a case read the same layout). */
function regionStart(): bigint {
  const ctx = ctxOf("6.18");
  return ctx.mem.regions.get("buf")!.start!;
}

function ctxOf(rel: string) {
  return makeCtx(memSpec({ user: [userRegion("buf", SIZE)] }), rel);
}

const segArb = fc.record({
  off: fc.integer({ min: 0, max: SIZE - 1 }),
  len: fc.integer({ min: 0, max: 6 * PAGE }),
});

Deno.test("addrSeg keeps an address below 2^52 as a number and gives the same base", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(), (base, len) => {
      const s = addrSeg(base, len);
      assert.equal(s.base, base);
      assert.equal(s.len, len);
      assert.equal(numAddr(s) !== undefined, base < 1n << 52n);
      if (numAddr(s) !== undefined) assert.equal(BigInt(numAddr(s)!), base);
    }),
    { seed, numRuns: 300 },
  );
});

Deno.test("import_iovec decides alike on NumAddrSegs and BigInt segments", () => {
  const near = fc.bigInt({ min: TASK_SIZE_MAX - 0x3000n, max: TASK_SIZE_MAX + 0x3000n });
  const any = fc.bigInt({ min: 0n, max: (1n << 52n) - 1n });
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ base: fc.oneof(near, any), len: fc.integer({ min: 0, max: 2 ** 31 }) }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      fc.constantFrom("6.3", "6.18"),
      fc.integer({ min: -2, max: 5 }),
      (given, rel, d) => {
        // most cases end the last segment within two bytes of TASK_SIZE_MAX
        const iov = given.map((v, i) =>
          i === given.length - 1 && d <= 2
            ? { ...v, base: TASK_SIZE_MAX - BigInt(v.len) + BigInt(d) }
            : v
        );
        const plain: AddrSeg[] = iov.map((v) => ({ base: v.base, len: v.len }));
        const nums = iov.map((v) => addrSeg(v.base, v.len));
        const a = importIovec(ctxOf(rel), origin(), "dest", plain);
        const b = importIovec(ctxOf(rel), origin(), "dest", nums);
        if ("errno" in a || "errno" in b) return assert.deepEqual(b, a);
        assert.equal(b.total, a.total);
        assert.equal(b.iter.kind, a.iter.kind);
        if (a.iter.kind === "iovec" && b.iter.kind === "iovec") {
          assert.deepEqual(
            b.iter.segs.map((s) => [s.base, s.len]),
            a.iter.segs.map((s) => [s.base, s.len]),
          );
          // a clipped segment stays a number
          for (const s of b.iter.segs) assert.ok(s instanceof NumAddrSeg);
        }
      },
    ),
    { seed, numRuns: 400 },
  );
});

Deno.test("user extraction from NumAddrSegs takes the same pages as from BigInt segments", () => {
  const start = regionStart();
  fc.assert(
    fc.property(
      fc.array(segArb, { minLength: 1, maxLength: 6 }),
      fc.constantFrom("6.2", "6.3", "6.18"),
      fc.integer({ min: 1, max: 8 }),
      (segs, rel, maxpages) => {
        const iov = segs.map((s) => ({ base: start + BigInt(s.off), len: s.len }));
        const runs = [iov.map((v) => ({ ...v })), iov.map((v) => addrSeg(v.base, v.len))].map(
          (list) => {
            const ctx = ctxOf(rel);
            const r = importIovec(ctx, origin(), "dest", list);
            if ("errno" in r) return [r.errno];
            const it = r.iter, got: unknown[] = [iovIterNpages(ctx, it, 1 << 20)];
            for (let k = 0; k < 64 && it.count; k++) {
              const o = { maxsize: it.count, maxpages, step: 1 };
              const x = rel === "6.2"
                ? iovIterGetPages(ctx, it, { ...o, advance: true })
                : iovIterExtractPages(ctx, it, { ...o, p2pdma: false });
              got.push([x.ret, x.offset0, [...x.pfns], [...x.holds], x.retention, it.count]);
              if (x.ret <= 0) break;
            }
            return got;
          },
        );
        assert.deepEqual(runs[1], runs[0]);
      },
    ),
    { seed, numRuns: 300 },
  );
});
