import assert from "node:assert/strict";
import { kindOps } from "../../src/model/kinds/mod.ts";
import { folioqPosition } from "../../src/model/kinds/folioq.ts";
import {
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
} from "../../src/model/construct.ts";
import { iovIterAdvance, iovIterTruncate } from "../../src/model/advance.ts";
import { fileSpec, kernelRegion, makeCtx, memSpec, origin, PAGE } from "../_helpers.ts";

const U = 0x7f0000000000n;

function ctx() {
  return makeCtx(memSpec({
    kernel: [kernelRegion("fo", 8 * PAGE, { kind: "page_alloc", folio_order: 1 })],
    files: [fileSpec("f", 4 * PAGE)],
  }));
}

Deno.test("KindOps.segs() of IOVEC/KVEC shows the remaining segments, the first position-adjusted", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [
    { base: U, len: 0x10 },
    { base: U + 0x100n, len: 0x20 },
    { base: U + 0x200n, len: 0 },
  ]);
  iovIterAdvance(c, it, 0x14);
  assert.deepEqual(kindOps(it).segs(c.mem, it), [
    { base: "0x7f0000000104", len: 0x1c },
    { base: "0x7f0000000200", len: 0 },
  ]);
  const kv = iovIterKvec(origin(), "dest", [{ base: 0xffff888000001000n, len: 4 }]);
  assert.deepEqual(kindOps(kv).segs(c.mem, kv), [{ base: "0xffff888000001000", len: 4 }]);
});

Deno.test("KindOps.segs() of BVEC names pages and adds the skip to the first offset", () => {
  const c = ctx();
  const fo = c.mem.regions.get("fo")!;
  const it = iovIterBvec(origin(), "dest", [
    { pfn: fo.pfnOf(0), offset: 0x100, len: 0x2000 },
    { pfn: fo.pfnOf(4), offset: 0, len: 0x10 },
  ]);
  iovIterAdvance(c, it, 0x1000);
  assert.deepEqual(kindOps(it).segs(c.mem, it), [
    { page: "fo[0]", offset: 0x1100, len: 0x1000 },
    { page: "fo[4]", offset: 0, len: 0x10 },
  ]);
});

Deno.test("KindOps.segs() of UBUF, XARRAY, FOLIOQ and DISCARD", () => {
  const c = ctx();
  const ub = iovIterUbuf(origin(), "dest", U, 0x100);
  iovIterAdvance(c, ub, 0x10);
  assert.deepEqual(kindOps(ub).segs(c.mem, ub), [{ base: "0x7f0000000010", len: 0xf0 }]);
  const xa = iovIterXarray(origin(), "dest", c.mem.regions.get("f")!, 0x100, 0x1000);
  iovIterAdvance(c, xa, 0x10);
  assert.deepEqual(kindOps(xa).segs(c.mem, xa), [{ file: "f", start: 0x110, len: 0xff0 }]);
  const fq = iovIterFolioQueue(c, origin(), "dest", c.mem.regions.get("fo")!, {
    slot: 2,
    offset: 0x800,
    count: 2 * 2 * PAGE - 0x800,
    slotsPerSegment: 3,
  });
  assert.deepEqual(kindOps(fq).segs(c.mem, fq), [
    { page: "fo[4]", offset: 0x800, len: 2 * PAGE - 0x800 },
    { page: "fo[6]", offset: 0, len: 2 * PAGE },
  ]);
  const d = iovIterDiscard(origin(), 5);
  assert.deepEqual(kindOps(d).segs(c.mem, d), []);
});

Deno.test("KindOps.described() counts the bytes the remaining segments describe, not count", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [{ base: U, len: 0x10 }, { base: U, len: 0x20 }]);
  iovIterAdvance(c, it, 4);
  iovIterTruncate(it, 3);
  assert.equal(kindOps(it).described(it), 0x2c);
  const bv = iovIterBvec(origin(), "dest", [{ pfn: 0x1000, offset: 7, len: 0x30 }]);
  bv.count = 0x1000; // reexpanded past the array
  assert.equal(kindOps(bv).described(bv), 0x30);
  const fq = iovIterFolioQueue(c, origin(), "dest", c.mem.regions.get("fo")!, {
    slot: 1,
    offset: 0x10,
    count: 5,
    slotsPerSegment: 31,
  });
  assert.equal(kindOps(fq).described(fq), 3 * 2 * PAGE - 0x10);
  const ub = iovIterUbuf(origin(), "dest", U, 0x100);
  assert.equal(kindOps(ub).described(ub), 0x100);
});

Deno.test("folioqPosition() keeps an end-of-queue position on the last segment's slot count", () => {
  const c = ctx();
  const fq = iovIterFolioQueue(c, origin(), "dest", c.mem.regions.get("fo")!, {
    slot: 0,
    offset: 0,
    count: 8 * PAGE,
    slotsPerSegment: 2,
  });
  assert.ok(fq.kind === "folioq");
  assert.deepEqual(folioqPosition(fq), { segment: 0, slot: 0 });
  iovIterAdvance(c, fq, 2 * PAGE);
  assert.deepEqual(folioqPosition(fq), { segment: 0, slot: 1 });
  iovIterAdvance(c, fq, 2 * PAGE);
  assert.deepEqual(folioqPosition(fq), { segment: 1, slot: 0 });
  // past the last folio: the kernel stays on the last folio_queue with slot == nr_slots
  iovIterAdvance(c, fq, 4 * PAGE);
  assert.equal(fq.idx, 4);
  assert.deepEqual(folioqPosition(fq), { segment: 1, slot: 2 });
});
