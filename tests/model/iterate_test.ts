import assert from "node:assert/strict";
import { iterateAndAdvance } from "../../src/model/iterate.ts";
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
import type { Piece } from "../../src/model/kinds/mod.ts";
import {
  fileSpec,
  kernelRegion,
  makeCtx,
  memSpec,
  mergeRanges,
  origin,
  PAGE,
  recorder,
  userRegion,
} from "../_helpers.ts";

const U = 0x7f0000000000n;
const LIN = 0xffff888000000000n;
const VM = 0xffffc90000000000n;

function simple(p: Piece) {
  return { pfn: p.pfn, inPage: p.inPage, len: p.len };
}

function ctx() {
  return makeCtx(memSpec({
    user: [userRegion("u", 4 * PAGE, { pfns: [0x5003, 0x5001, 0x5000, 0x5002] })],
    kernel: [
      kernelRegion("k", 2 * PAGE, { pfns: [0x6001, 0x6000] }),
      kernelRegion("v", 2 * PAGE, { kind: "vmalloc", pfns: [0x6101, 0x6100] }),
      kernelRegion("fo", 8 * PAGE, {
        kind: "page_alloc",
        folio_order: 2,
        pfns: [0x6200, 0x6201, 0x6202, 0x6203, 0x6300, 0x6301, 0x6302, 0x6303],
      }),
    ],
    files: [fileSpec("f", 6 * PAGE, {
      folios: [
        { index: 0, order: 1, pfn: 0x7000 },
        { index: 2, order: 0, pfn: 0x7010 },
        // index 3 is a hole
        { index: 4, order: 1, pfn: 0x7020 },
      ],
    })],
  }));
}

Deno.test("iterateAndAdvance() clamps the length to count and returns 0 without calling the step when empty", () => {
  const c = ctx();
  const it = iovIterUbuf(origin(), "dest", U, 0x10);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x100, r.step), 0x10);
  assert.equal(it.count, 0);
  assert.equal(iterateAndAdvance(c.mem, it, 0x100, r.step), 0);
  assert.equal(r.pieces.length, 1);
  const it2 = iovIterUbuf(origin(), "dest", U, 0x10);
  assert.equal(iterateAndAdvance(c.mem, it2, 0, r.step), 0);
  assert.equal(r.pieces.length, 1);
  assert.equal(it2.count, 0x10);
});

Deno.test("iterateAndAdvance() on UBUF splits at page boundaries and translates each page", () => {
  const c = ctx();
  const it = iovIterUbuf(origin(), "dest", U + 0xff0n, 0x2020);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x2020, r.step), 0x2020);
  assert.deepEqual(r.pieces.map(simple), [
    { pfn: 0x5003, inPage: 0xff0, len: 0x10 },
    { pfn: 0x5001, inPage: 0, len: PAGE },
    { pfn: 0x5000, inPage: 0, len: PAGE },
    { pfn: 0x5002, inPage: 0, len: 0x10 },
  ]);
  assert.ok(r.pieces.every((p) => p.user && p.region?.name === "u"));
  assert.equal(r.pieces[1].addr, U + 0x1000n);
  assert.equal(r.pieces[1].offset, 0x1000);
  assert.equal(it.iovOffset, 0x2020);
});

Deno.test("iterateAndAdvance() passes the running progress to each step", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [
    { base: U + 0xff0n, len: 0x20 },
    { base: U + 0x3000n, len: 0x8 },
  ]);
  const progress: number[] = [];
  iterateAndAdvance(c.mem, it, 0x28, (_p, prog) => {
    progress.push(prog);
    return 0;
  });
  assert.deepEqual(progress, [0, 0x10, 0x20]);
});

Deno.test("iterateAndAdvance() on IOVEC never hands an empty segment to the step", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [
    { base: U, len: 0 },
    { base: U + 0x10n, len: 0x10 },
    { base: U + 0x100n, len: 0 },
    { base: U + 0x200n, len: 0x10 },
  ]);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x20, r.step), 0x20);
  assert.deepEqual(r.pieces.map(simple), [
    { pfn: 0x5003, inPage: 0x10, len: 0x10 },
    { pfn: 0x5003, inPage: 0x200, len: 0x10 },
  ]);
  assert.ok(it.kind === "iovec" && it.idx === 4);
});

Deno.test("iterateAndAdvance() ending at an IOVEC segment end moves one segment on, not past later empty ones", () => {
  const c = ctx();
  const segs = [
    { base: U, len: 0x10 },
    { base: U + 0x100n, len: 0 },
    { base: U + 0x200n, len: 0x10 },
  ];
  const walked = iovIterInit(origin(), "dest", segs);
  iterateAndAdvance(c.mem, walked, 0x10, recorder().step);
  assert.ok(walked.kind === "iovec");
  assert.deepEqual([walked.idx, walked.iovOffset, walked.count], [1, 0, 0x10]);
  // iov_iter_advance skips the empty segment too
  const advanced = iovIterInit(origin(), "dest", segs);
  iovIterAdvance(c, advanced, 0x10);
  assert.ok(advanced.kind === "iovec");
  assert.deepEqual([advanced.idx, advanced.iovOffset, advanced.count], [2, 0, 0x10]);
});

Deno.test("iterateAndAdvance() stops where the step leaves a remainder and advances by the progress", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [
    { base: U + 0xf00n, len: 0x200 },
    { base: U + 0x3000n, len: 0x100 },
  ]);
  let calls = 0;
  // process the first piece fully, then only 0x30 bytes of the second
  const n = iterateAndAdvance(c.mem, it, 0x300, (p) => {
    calls++;
    return calls === 1 ? 0 : p.len - 0x30;
  });
  assert.equal(n, 0x130);
  assert.equal(calls, 2);
  assert.ok(it.kind === "iovec");
  assert.deepEqual([it.idx, it.iovOffset, it.count], [0, 0x130, 0x1d0]);
});

Deno.test("iterateAndAdvance() on KVEC translates linear-map and vmalloc addresses as kernel pieces", () => {
  const c = ctx();
  const it = iovIterKvec(origin(), "source", [
    { base: LIN + 0x6000n * 4096n + 0xff8n, len: 0x10 }, // k[1] then whatever follows 0x6000
    { base: VM + 0xff8n, len: 0x10 }, // v[0] -> 0x6101, v[1] -> 0x6100
  ]);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x20, r.step), 0x20);
  assert.deepEqual(r.pieces.map(simple), [
    { pfn: 0x6000, inPage: 0xff8, len: 8 },
    { pfn: 0x6001, inPage: 0, len: 8 },
    { pfn: 0x6101, inPage: 0xff8, len: 8 },
    { pfn: 0x6100, inPage: 0, len: 8 },
  ]);
  assert.ok(r.pieces.every((p) => !p.user));
  assert.equal(r.pieces[3].region?.name, "v");
  assert.equal(r.pieces[3].offset, 0x1000);
});

Deno.test("iterateAndAdvance() on BVEC follows bv_offset past the first page and spans later pfns", () => {
  const c = ctx();
  const it = iovIterBvec(origin(), "dest", [
    { pfn: 0x6200, offset: 0x1ff0, len: 0x20 },
    { pfn: 0x6300, offset: 0x10, len: 0 },
    { pfn: 0x6300, offset: 0x10, len: 0x10 },
  ]);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x30, r.step), 0x30);
  assert.deepEqual(r.pieces.map(simple), [
    { pfn: 0x6201, inPage: 0xff0, len: 0x10 },
    { pfn: 0x6202, inPage: 0, len: 0x10 },
    { pfn: 0x6300, inPage: 0x10, len: 0x10 },
  ]);
  assert.equal(r.pieces[0].region?.name, "fo");
  assert.equal(r.pieces[0].offset, PAGE + 0xff0);
});

Deno.test("iterateAndAdvance() on XARRAY reads the file's folios from the start position", () => {
  const c = ctx();
  const it = iovIterXarray(origin(), "dest", c.mem.regions.get("f")!, 0xff0, 0x2010);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x2010, r.step), 0x2010);
  assert.deepEqual(r.pieces.map(simple), [
    { pfn: 0x7000, inPage: 0xff0, len: 0x10 },
    { pfn: 0x7001, inPage: 0, len: PAGE },
    { pfn: 0x7010, inPage: 0, len: PAGE },
  ]);
  assert.equal(r.pieces[2].offset, 0x2000);
});

// iterate_xarray() walks with xas_for_each(), which visits present entries only: a hole is
// skipped and the bytes for file position P go to the next present folio at
// offset_in_folio(folio, P), i.e. misplaced (kernel-semantics.md 1.1 says "holes end walks",
// which the kernel text does not do). The walk ends when no folio follows.
Deno.test("iterateAndAdvance() on XARRAY skips a page-cache hole into the next folio at offset_in_folio", () => {
  const c = ctx();
  // folios: [0,1] order 1 at 0x7000, [2] at 0x7010, hole at 3, [4,5] order 1 at 0x7020
  const it = iovIterXarray(origin(), "dest", c.mem.regions.get("f")!, 0x2800, 0x2000);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x2000, r.step), 0x1800);
  assert.equal(it.count, 0x800);
  assert.equal(it.iovOffset, 0x1800);
  assert.deepEqual(mergeRanges(r.pieces.map(simple)), [
    { pfn: 0x7010, inPage: 0x800, len: 0x800 },
    // position 0x3000 (the hole) lands at offset 0x3000 % 0x2000 = 0x1000 of folio 4: pfn 0x7021
    { pfn: 0x7021, inPage: 0, len: 0x1000 },
  ]);
});

Deno.test("iterateAndAdvance() on XARRAY starting in a hole begins at the next present folio", () => {
  const c = ctx();
  const it = iovIterXarray(origin(), "dest", c.mem.regions.get("f")!, 0x3100, 0x100);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x100, r.step), 0x100);
  // offset_in_folio(folio 4 of 2 pages, 0x3100) = 0x1100
  assert.deepEqual(r.pieces.map(simple), [{ pfn: 0x7021, inPage: 0x100, len: 0x100 }]);
});

Deno.test("iterateAndAdvance() on FOLIOQ walks pages of large folios and moves to the next slot at a folio end", () => {
  const c = ctx();
  const it = iovIterFolioQueue(c, origin(), "dest", c.mem.regions.get("fo")!, {
    slot: 0,
    offset: 3 * PAGE + 0x800,
    count: 0x1000,
    slotsPerSegment: 1,
  });
  assert.ok(it.kind === "folioq");
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x800, r.step), 0x800);
  assert.deepEqual(r.pieces.map(simple), [{ pfn: 0x6203, inPage: 0x800, len: 0x800 }]);
  assert.deepEqual([it.idx, it.iovOffset], [1, 0]);
  assert.equal(iterateAndAdvance(c.mem, it, 0x800, r.step), 0x800);
  assert.deepEqual(simple(r.pieces[1]), { pfn: 0x6300, inPage: 0, len: 0x800 });
});

Deno.test("iterateAndAdvance() on DISCARD counts without calling the step", () => {
  const c = ctx();
  const it = iovIterDiscard(origin(), 0x5000);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x3000, r.step), 0x3000);
  assert.equal(it.count, 0x2000);
  assert.equal(r.pieces.length, 0);
});

Deno.test("iterateAndAdvance() hands an untranslatable user address to the step with pfn -1", () => {
  const c = ctx();
  const it = iovIterUbuf(origin(), "dest", U + 0x4000n, 0x10); // the gap page after "u"
  const r = recorder();
  iterateAndAdvance(c.mem, it, 0x10, r.step);
  assert.equal(r.pieces[0].pfn, -1);
  assert.equal(r.pieces[0].region, undefined);
});

Deno.test("iterateAndAdvance() respects a truncated count on vectors", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [{ base: U, len: 0x100 }, {
    base: U + 0x1000n,
    len: 0x100,
  }]);
  iovIterTruncate(it, 0x180);
  const r = recorder();
  assert.equal(iterateAndAdvance(c.mem, it, 0x1000, r.step), 0x180);
  assert.deepEqual(mergeRanges(r.pieces.map(simple)), [
    { pfn: 0x5003, inPage: 0, len: 0x100 },
    { pfn: 0x5001, inPage: 0, len: 0x80 },
  ]);
  assert.ok(it.kind === "iovec");
  assert.deepEqual([it.idx, it.iovOffset, it.count], [1, 0x80, 0]);
});
