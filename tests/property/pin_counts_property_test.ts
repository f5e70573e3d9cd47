/**
 * The run-encoded page counts (src/model/pin_counts.ts, the DMA mapping ledger's store)
 * against a naive per-page reference (a map from page to count) under random adds and removes
 * of ranges that cross bucket boundaries, overlap, repeat and miss: every page's count, the
 * total, what each remove reports and the full listing must agree, and the runs must stay
 * maximal (no two touching runs with one count), which is what keeps the store small.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { CountRuns } from "../../src/model/pin_counts.ts";
import { DmaMapper } from "../../src/convert/dma.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);

/** Pages around a bucket boundary (4096) and near 0. */
const pageArb = fc.oneof(fc.integer({ min: 4080, max: 4110 }), fc.integer({ min: -2, max: 12 }));

type Op = { add: boolean; first: number; n: number };
const opArb: fc.Arbitrary<Op> = fc.record({
  add: fc.oneof(fc.boolean(), fc.constant(true)),
  first: pageArb,
  n: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 })),
});

Deno.test("page counts agree with a per-page reference on random range adds and removes", () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (plan) => {
      const runs = new CountRuns(), naive = new Map<number, number>();
      for (const o of plan) {
        if (o.add) {
          runs.add(o.first, o.n);
          for (let p = o.first; p < o.first + o.n; p++) naive.set(p, (naive.get(p) ?? 0) + 1);
        } else {
          let d = 0;
          for (let p = o.first; p < o.first + o.n; p++) {
            const c = naive.get(p) ?? 0;
            if (!c) continue;
            d++;
            if (c === 1) naive.delete(p);
            else naive.set(p, c - 1);
          }
          assert.equal(runs.remove(o.first, o.n), d);
        }
        let total = 0;
        for (const c of naive.values()) total += c;
        assert.equal(runs.total, total);
      }
      for (let p = -3; p < 4120; p++) assert.equal(runs.count(p), naive.get(p) ?? 0, `page ${p}`);
      assert.deepEqual(
        [...runs.pages()],
        [...naive.keys()].sort((a, b) => a - b).map((page) => ({ page, count: naive.get(page) })),
      );
      // maximal runs: runs never touch with the same count
      const rs = [...runs.runs()];
      for (let i = 0; i < rs.length; i++) {
        assert.ok(rs[i].start < rs[i].end && rs[i].count > 0, "a run holds pages and counts");
        if (!i) continue;
        assert.ok(rs[i - 1].end <= rs[i].start, "sorted and disjoint");
        // a run may stop at a bucket boundary (1024 pages) even when the next counts alike
        assert.ok(
          rs[i - 1].end < rs[i].start || rs[i - 1].count !== rs[i].count ||
            rs[i].start % 1024 === 0,
          `runs ${i - 1} and ${i} should have merged`,
        );
      }
    }),
    { seed, numRuns: 400 },
  );
});

Deno.test("DMA ledger: a mapping is live until unmapped as often as it was mapped", () => {
  const mapArb = fc.record({
    unmap: fc.boolean(),
    pfn: fc.integer({ min: 0x1000, max: 0x1006 }),
    offset: fc.constantFrom(0, 512, 4096, 4608),
    length: fc.constantFrom(512, 1024),
  });
  fc.assert(
    fc.property(fc.array(mapArb, { maxLength: 50 }), (plan) => {
      const dma = new DmaMapper(false, 4096), live = new Map<string, number>();
      for (const m of plan) {
        const addr = (m.pfn + Math.floor(m.offset / 4096)) * 4096 + m.offset % 4096;
        const k = `${addr}/${m.length}`;
        if (m.unmap) {
          assert.equal(dma.unmap(addr, m.length), (live.get(k) ?? 0) > 0);
          if (live.get(k)) live.set(k, live.get(k)! - 1);
        } else {
          assert.equal(dma.map(m.pfn, m.offset, m.length), addr);
          live.set(k, (live.get(k) ?? 0) + 1);
        }
        for (const [key, c] of live) {
          const [a, l] = key.split("/").map(Number);
          assert.equal(dma.mapped(a, l), c > 0, key);
        }
      }
    }),
    { seed, numRuns: 200 },
  );
});
