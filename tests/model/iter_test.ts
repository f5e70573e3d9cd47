import assert from "node:assert/strict";
import { cloneIter, type IovIter, nrSegs, userBacked } from "../../src/model/iter.ts";
import {
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
} from "../../src/model/construct.ts";
import { iovIterAdvance } from "../../src/model/advance.ts";
import { fileSpec, kernelRegion, makeCtx, memSpec, origin, PAGE, userRegion } from "../_helpers.ts";

const U = 0x7f0000000000n;

function allKinds(): IovIter[] {
  const ctx = makeCtx(memSpec({
    user: [userRegion("u", 4 * PAGE)],
    kernel: [kernelRegion("k", 4 * PAGE, { kind: "page_alloc" })],
    files: [fileSpec("f", 4 * PAGE)],
  }));
  const f = ctx.mem.regions.get("f")!;
  const k = ctx.mem.regions.get("k")!;
  return [
    iovIterUbuf(origin("ubuf"), "dest", U, 10),
    iovIterInit(origin("iovec"), "dest", [{ base: U, len: 1 }, { base: U, len: 2 }]),
    iovIterKvec(origin("kvec"), "source", [{ base: 0xffff888000000000n, len: 3 }]),
    iovIterBvec(origin("bvec"), "source", [{ pfn: 0x1000, offset: 0, len: 3 }]),
    iovIterXarray(origin("xarray"), "dest", f, 0, 5),
    iovIterFolioQueue(ctx, origin("folioq"), "dest", k, {
      slot: 0,
      offset: 0,
      count: 5,
      slotsPerSegment: 2,
    }),
    iovIterDiscard(origin("discard"), 5),
  ];
}

Deno.test("userBacked() is true exactly for UBUF and IOVEC", () => {
  const got = allKinds().map((it) => [it.kind, userBacked(it)]);
  assert.deepEqual(got, [
    ["ubuf", true],
    ["iovec", true],
    ["kvec", false],
    ["bvec", false],
    ["xarray", false],
    ["folioq", false],
    ["discard", false],
  ]);
});

Deno.test("nrSegs() is the remaining array length for vector kinds, 1 for UBUF, 0 otherwise", () => {
  const got = allKinds().map((it) => [it.kind, nrSegs(it)]);
  assert.deepEqual(got, [
    ["ubuf", 1],
    ["iovec", 2],
    ["kvec", 1],
    ["bvec", 1],
    ["xarray", 0],
    ["folioq", 0],
    ["discard", 0],
  ]);
});

Deno.test("nrSegs() drops as an IOVEC advances past segments", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [
    { base: U, len: 4 },
    { base: U, len: 4 },
    { base: U, len: 4 },
  ]);
  iovIterAdvance(ctx, it, 5);
  assert.equal(nrSegs(it), 2);
  iovIterAdvance(ctx, it, 3);
  assert.equal(nrSegs(it), 1);
});

Deno.test("cloneIter() copies position fields so the clone moves independently", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin("a"), "dest", [{ base: U, len: 4 }, { base: U + 8n, len: 4 }]);
  const c = cloneIter(it, "b");
  assert.equal(c.name, "b");
  iovIterAdvance(ctx, c, 6);
  assert.equal(it.count, 8);
  assert.equal(it.kind === "iovec" && it.idx, 0);
  assert.equal(c.count, 2);
  assert.equal(c.kind === "iovec" && c.idx, 1);
  assert.equal(c.iovOffset, 2);
  // the segment array itself is shared, as the kernel's struct copy shares the pointer
  assert.ok(it.kind === "iovec" && c.kind === "iovec" && it.segs === c.segs);
});
