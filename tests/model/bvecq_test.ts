/**
 * ITER_BVECQ (7.4): the walk, advance and revert across slots and queue segments, queries,
 * copies with real bytes, extraction (no pins; contiguity), get_pages refused, one sg entry
 * per bvec.
 */
import assert from "node:assert/strict";
import { kindOps } from "../../src/model/kinds/mod.ts";
import { bvecqPosition } from "../../src/model/kinds/bvecq.ts";
import { iovIterBvecQueue } from "../../src/model/construct.ts";
import { iovIterAdvance, iovIterRevert } from "../../src/model/advance.ts";
import { copyFromIter, copyToIter } from "../../src/model/copy.ts";
import { iovIterExtractPages, iovIterGetPages } from "../../src/model/extract.ts";
import { extractIterToSg } from "../../src/convert/to_sg.ts";
import { sgInitTable } from "../../src/convert/sg.ts";
import type { BvecqIter } from "../../src/model/iter.ts";
import { kernelRegion, makeCtx, memSpec, origin, PAGE, testBytes } from "../_helpers.ts";

function setup(dir: "source" | "dest" = "source") {
  const c = makeCtx(memSpec({ kernel: [kernelRegion("pg", 8 * PAGE, { kind: "page_alloc" })] }));
  const pg = c.mem.regions.get("pg")!;
  const p = (i: number) => pg.pfnOf(i);
  // segment 0: pg[0]+0x800 (0x800), pg[1] spanning into pg[2] (0x1800)
  // segment 1: NULL, pg[4] (0x1000), pg[6]+0x200 (0x100)
  const it = iovIterBvecQueue(
    origin("q"),
    dir,
    [
      {
        free: false,
        unpin: false,
        bvec: [{ pfn: p(0), offset: 0x800, len: 0x800 }, { pfn: p(1), offset: 0, len: 0x1800 }],
      },
      {
        free: true,
        unpin: false,
        bvec: [
          { pfn: undefined, offset: 0, len: 0x999 },
          { pfn: p(4), offset: 0, len: 0x1000 },
          { pfn: p(6), offset: 0x200, len: 0x100 },
        ],
      },
    ],
    0,
    0,
    0x3100,
  ) as BvecqIter;
  return { c, pg, p, it };
}

Deno.test("BVECQ: a NULL bv_page is an empty bvec; position is (segment, slot)", () => {
  const { it } = setup();
  assert.equal(it.segs[2].len, 0);
  assert.deepEqual(bvecqPosition(it), { segment: 0, slot: 0 });
  assert.equal(kindOps(it).described(it), 0x3100);
});

Deno.test("BVECQ: advance and revert hop slots and segments", () => {
  const { c, it } = setup();
  iovIterAdvance(c, it, 0x2000); // the end of segment 0 is slot 0 of segment 1
  assert.equal(it.count, 0x1100);
  assert.deepEqual(bvecqPosition(it), { segment: 1, slot: 0 });
  assert.equal(it.iovOffset, 0);
  iovIterAdvance(c, it, 0x800); // over the NULL slot into pg[4]
  assert.deepEqual(bvecqPosition(it), { segment: 1, slot: 1 });
  assert.equal(it.iovOffset, 0x800);
  iovIterRevert(c, it, 0x1000); // back across the segment boundary (prev)
  assert.deepEqual(bvecqPosition(it), { segment: 0, slot: 1 });
  assert.equal(it.iovOffset, 0x1000);
  assert.equal(it.count, 0x1900);
});

Deno.test("BVECQ: queries: npages per bvec, alignment ORs offsets and lengths, single_seg_count", () => {
  const { c, it } = setup();
  const ops = kindOps(it);
  // pg[0] half (1), pg[1]..pg[2] (2), NULL (0 pages: offset 0), pg[4] (1), pg[6] (1)
  assert.equal(ops.npages(c.mem, it, 100), 5);
  assert.equal(ops.alignment(c.mem, it), BigInt(0x800 | 0x800 | 0x1800 | 0x1000 | 0x200 | 0x100));
  assert.equal(ops.singleSegCount(it), 0x800);
  // iov_iter_single_seg_count hops from slot == nr_slots to the next segment, not over an
  // empty slot: the NULL bvec gives 0
  iovIterAdvance(c, it, 0x2000);
  assert.equal(ops.singleSegCount(it), 0, "the NULL bvec at segment 1, slot 0");
  iovIterAdvance(c, it, 0x800);
  assert.equal(ops.singleSegCount(it), 0x800, "the rest of pg[4]");
  iovIterAdvance(c, it, 0x900);
  assert.equal(ops.alignment(c.mem, it), 0n, "iov_iter_alignment_bvecq: nothing left");
});

Deno.test("BVECQ: copies move real bytes across slots and segments", () => {
  const { c, pg, it } = setup("dest");
  const data = testBytes(0x3100, 7);
  assert.equal(copyToIter(c, it, data), 0x3100);
  // iterate_bvecq stops when len runs out, before `skip = 0; slot++`: the position stays on
  // the last bvec with iov_offset == bv_len
  assert.deepEqual(bvecqPosition(it), { segment: 1, slot: 2 });
  assert.equal(it.iovOffset, 0x100);
  assert.deepEqual(c.mem.readRegion(pg, 0x800, 0x800), data.subarray(0, 0x800));
  assert.deepEqual(c.mem.readRegion(pg, 0x1000, 0x1800), data.subarray(0x800, 0x2000));
  assert.deepEqual(c.mem.readRegion(pg, 4 * PAGE, 0x1000), data.subarray(0x2000, 0x3000));
  assert.deepEqual(c.mem.readRegion(pg, 6 * PAGE + 0x200, 0x100), data.subarray(0x3000));
  const back = setup("source");
  back.c.mem.writeRegion(back.pg, 0, c.mem.readRegion(pg, 0, 8 * PAGE));
  assert.deepEqual(copyFromIter(back.c, back.it, 0x3100), data);
});

Deno.test("BVECQ: extraction pins nothing and stops where the run is no longer contiguous", () => {
  const { c, p, it } = setup();
  const o = { maxsize: 0x10000, maxpages: 16, step: 2 };
  // pg[0]+0x800 ends its page; pg[1], pg[2] start pages: one run of 3 pages
  const a = iovIterExtractPages(c, it, { ...o, p2pdma: false });
  assert.equal(a.ret, 0x2000);
  assert.equal(a.offset0, 0x800);
  assert.deepEqual(a.pfns, [p(0), p(1), p(2)]);
  assert.equal(a.retention, "none");
  assert.deepEqual(a.holds, []);
  // NULL skipped; pg[4] full page; pg[6]+0x200 does not start a page: stop before it
  const b = iovIterExtractPages(c, it, { ...o, p2pdma: false });
  assert.equal(b.ret, 0x1000);
  assert.deepEqual(b.pfns, [p(4)]);
  const d = iovIterExtractPages(c, it, { ...o, p2pdma: false });
  assert.equal(d.ret, 0x100);
  assert.equal(d.offset0, 0x200);
  assert.equal(it.count, 0);
  const e = iovIterExtractPages(c, it, { ...o, p2pdma: false });
  assert.equal(e.ret, 0);
});

Deno.test("BVECQ: maxpages 0 stores a page past the array; get_pages is refused with a WARN and -EFAULT", () => {
  const { c, it } = setup();
  // iter_count_bvecq_pages gives umin(count, 0) = 0 pages; the do/while still stores one
  const x = { ...it };
  assert.equal(
    iovIterExtractPages(c, x, { maxsize: 0x100, maxpages: 0, step: 2, p2pdma: false }).ret,
    0x100,
  );
  assert.ok(c.warnings.some((w) => w.code === "maxpages_unchecked" && w.severity === "hazard"));
  const g = iovIterGetPages(c, it, { maxsize: 0x1000, maxpages: 4, step: 3, advance: true });
  assert.equal(g.ret, -14);
  assert.equal(it.count, 0x3100);
  assert.ok(c.warnings.some((w) => w.code === "unsupported_kind" && /BVECQ/.test(w.message)));
});

Deno.test("BVECQ: extract_iter_to_sg gives one entry per bvec, not per page", () => {
  const { c, p, it } = setup();
  const t = {
    name: "s",
    entries: [],
    nents: 0,
    capacity: 8,
    origNents: 0,
  } as unknown as Parameters<typeof extractIterToSg>[2];
  const ret = extractIterToSg(
    c,
    it,
    t,
    { maxsize: 0x3100, sgMax: 8, step: 4, p2pdma: false },
    {
      take: () => {},
      drop: () => true,
    } as unknown as Parameters<typeof extractIterToSg>[4],
  );
  assert.equal(ret, 0x3100);
  assert.deepEqual(
    t.entries.slice(0, t.nents).map((e) => [e.pfn, e.offset, e.length]),
    [[p(0), 0x800, 0x800], [p(1), 0, 0x1800], [p(4), 0, 0x1000], [p(6), 0x200, 0x100]],
  );
});

Deno.test("BVECQ: an empty bvec with a page and an unaligned bv_offset ends the run", () => {
  const { c, p } = setup();
  const it = iovIterBvecQueue(
    origin("e"),
    "source",
    [{
      free: false,
      unpin: false,
      bvec: [
        { pfn: p(0), offset: 0, len: PAGE },
        { pfn: p(2), offset: 0x200, len: 0 }, // iter_count_bvecq_pages: !PAGE_ALIGNED(boff)
        { pfn: p(1), offset: 0, len: PAGE },
      ],
    }],
    0,
    0,
    2 * PAGE,
  );
  const r = iovIterExtractPages(c, it, { maxsize: 2 * PAGE, maxpages: 8, step: 2, p2pdma: false });
  assert.equal(r.ret, PAGE);
  assert.deepEqual(r.pfns, [p(0)]);
});

Deno.test("BVECQ: extract_iter_to_sg stops at the count (extract_bvecq_to_sg caps maxsize)", () => {
  const { c, it } = setup();
  const short = { ...it, count: 0x2800 };
  const t = sgInitTable("s", 8, 2);
  const holds = {
    take() {},
    drop: () => true,
    takeRun() {},
    dropRun: () => 0,
    takeThenDrop() {},
    miss() {},
  };
  const o = { maxsize: 0x10000, sgMax: 8, p2pdma: false, step: 2 };
  assert.equal(extractIterToSg(c, short, t, o, holds), 0x2800);
  assert.equal(short.count, 0);
  assert.deepEqual(t.entries.map((e) => e.length), [0x800, 0x1800, 0x800]);
  assert.deepEqual(c.warnings.map((w) => w.code), []);
});
