import assert from "node:assert/strict";
import {
  dupIter,
  iovIterAdvance,
  iovIterReexpand,
  iovIterRestore,
  iovIterRevert,
  iovIterSaveState,
  iovIterTruncate,
} from "../../src/model/advance.ts";
import {
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
} from "../../src/model/construct.ts";
import { type IovIter, nrSegs } from "../../src/model/iter.ts";
import { fileSpec, kernelRegion, makeCtx, memSpec, origin, PAGE } from "../_helpers.ts";

const U = 0x7f0000000000n;
const K = 0xffff888001000000n;
const MAX_RW_COUNT = 0x7ffff000;

/** (idx, iovOffset, count, nrSegs) of a vector-like iterator. */
function pos(it: IovIter): [number, number, number, number] {
  const idx = "idx" in it ? it.idx : -1;
  return [idx, it.iovOffset, it.count, nrSegs(it)];
}

function iovec(lens: number[], dir: "source" | "dest" = "dest") {
  let base = U;
  return iovIterInit(
    origin(),
    dir,
    lens.map((len) => {
      const s = { base, len };
      base += 0x10000n;
      return s;
    }),
  );
}

function folioq(sizesInPages: number[], slotsPerSegment: number, offset = 0) {
  // a kernel region whose folios have the given sizes, laid out one after another
  const ctx = makeCtx(memSpec({
    kernel: sizesInPages.map((n, i) =>
      kernelRegion(`r${i}`, n * PAGE, { kind: "page_alloc", folio_order: Math.log2(n) })
    ),
  }));
  // build the slot list by hand from region folios: one region per folio
  const slots = sizesInPages.map((n, i) => ({
    headPfn: ctx.mem.regions.get(`r${i}`)!.pfnOf(0),
    size: n * PAGE,
  }));
  const total = slots.reduce((a, s) => a + s.size, 0);
  const it = iovIterFolioQueue(ctx, origin(), "dest", ctx.mem.regions.get("r0")!, {
    slot: 0,
    offset,
    count: total - offset,
    slotsPerSegment,
  });
  // iovIterFolioQueue takes one source region: splice in the multi-region slots
  return { ctx, it: { ...it, slots } as IovIter };
}

// ---------------------------------------------------------------------------------------
// advance

Deno.test("iovIterAdvance() skips zero-length iovec segments", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0, 0, 0x20]);
  iovIterAdvance(ctx, it, 0x10);
  assert.deepEqual(pos(it), [3, 0, 0x20, 1]);
});

Deno.test("iovIterAdvance() landing exactly on a segment end moves to the next segment, offset 0", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20, 0x30]);
  iovIterAdvance(ctx, it, 0x30);
  assert.deepEqual(pos(it), [2, 0, 0x30, 1]);
});

Deno.test("iovIterAdvance() within and across IOVEC segments keeps the offset in the current one", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20, 0x30]);
  iovIterAdvance(ctx, it, 5);
  assert.deepEqual(pos(it), [0, 5, 0x5b, 3]);
  iovIterAdvance(ctx, it, 0x10);
  assert.deepEqual(pos(it), [1, 5, 0x4b, 2]);
  iovIterAdvance(ctx, it, 0x1b + 0x2f);
  assert.deepEqual(pos(it), [2, 0x2f, 1, 1]);
});

Deno.test("iovIterAdvance() clamps to count and consumes to the end of the array", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20, 0]);
  iovIterAdvance(ctx, it, 0x1000);
  assert.deepEqual(pos(it), [3, 0, 0, 0]);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterAdvance() is a no-op on an IOVEC whose count is 0, even at an empty segment", () => {
  const ctx = makeCtx();
  const it = iovec([0, 0x10]);
  iovIterTruncate(it, 0);
  iovIterAdvance(ctx, it, 0);
  assert.deepEqual(pos(it), [0, 0, 0, 2]);
});

Deno.test("iovIterAdvance() by 0 with count > 0 skips leading empty IOVEC segments", () => {
  const ctx = makeCtx();
  const it = iovec([0, 0, 0x10]);
  iovIterAdvance(ctx, it, 0);
  assert.deepEqual(pos(it), [2, 0, 0x10, 1]);
});

Deno.test("iovIterAdvance() stops at the truncated count inside a KVEC segment", () => {
  const ctx = makeCtx();
  const it = iovIterKvec(origin(), "source", [{ base: K, len: 0x100 }, {
    base: K + 0x1000n,
    len: 0x100,
  }]);
  iovIterTruncate(it, 0x180);
  iovIterAdvance(ctx, it, 0x1000);
  assert.deepEqual(pos(it), [1, 0x80, 0, 1]);
});

Deno.test("iovIterAdvance() on BVEC skips empty bvecs and measures offset from the bvec start", () => {
  const ctx = makeCtx();
  const it = iovIterBvec(origin(), "source", [
    { pfn: 0x1000, offset: 0x800, len: 0x1000 },
    { pfn: 0x2000, offset: 0x10, len: 0 },
    { pfn: 0x3000, offset: 0x5000, len: 0x2000 },
  ]);
  iovIterAdvance(ctx, it, 0x1000);
  assert.deepEqual(pos(it), [2, 0, 0x2000, 1]);
  iovIterAdvance(ctx, it, 0x1234);
  assert.deepEqual(pos(it), [2, 0x1234, 0xdcc, 1]);
});

Deno.test("iovIterAdvance() on UBUF and XARRAY only moves iov_offset", () => {
  const ctx = makeCtx(memSpec({ files: [fileSpec("f", 4 * PAGE)] }));
  const ub = iovIterUbuf(origin(), "dest", U, 0x3000);
  iovIterAdvance(ctx, ub, 0x1234);
  assert.equal(ub.iovOffset, 0x1234);
  assert.equal(ub.count, 0x3000 - 0x1234);
  iovIterAdvance(ctx, ub, 0x10000);
  assert.equal(ub.iovOffset, 0x3000);
  assert.equal(ub.count, 0);
  const xa = iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0x800, 0x2000);
  iovIterAdvance(ctx, xa, 0x900);
  assert.equal(xa.iovOffset, 0x900);
  assert.equal(xa.count, 0x1700);
  assert.equal(xa.kind === "xarray" && xa.xarrayStart, 0x800);
});

Deno.test("iovIterAdvance() on DISCARD only reduces count", () => {
  const ctx = makeCtx();
  const it = iovIterDiscard(origin(), 100);
  iovIterAdvance(ctx, it, 30);
  assert.equal(it.count, 70);
  assert.equal(it.iovOffset, 0);
  iovIterAdvance(ctx, it, 1000);
  assert.equal(it.count, 0);
});

Deno.test("iovIterAdvance() on FOLIOQ moves over folios of different sizes and into later segments", () => {
  const { ctx, it } = folioq([1, 4, 2, 1], 2);
  assert.equal(it.count, 8 * PAGE);
  iovIterAdvance(ctx, it, PAGE + 0x10);
  assert.deepEqual(pos(it).slice(0, 3), [1, 0x10, 7 * PAGE - 0x10]);
  // to exactly the end of slot 1: next slot (the first of the second segment), offset 0
  iovIterAdvance(ctx, it, 4 * PAGE - 0x10);
  assert.deepEqual(pos(it).slice(0, 3), [2, 0, 3 * PAGE]);
  iovIterAdvance(ctx, it, 2 * PAGE + 5);
  assert.deepEqual(pos(it).slice(0, 3), [3, 5, PAGE - 5]);
});

// ---------------------------------------------------------------------------------------
// revert

Deno.test("iovIterRevert() by 0 does nothing", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20]);
  iovIterAdvance(ctx, it, 0x18);
  iovIterRevert(ctx, it, 0);
  assert.deepEqual(pos(it), [1, 8, 0x18, 1]);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterRevert() beyond MAX_RW_COUNT WARNs and leaves the iterator untouched", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20]);
  iovIterAdvance(ctx, it, 0x18);
  iovIterRevert(ctx, it, MAX_RW_COUNT + 1);
  assert.deepEqual(pos(it), [1, 8, 0x18, 1]);
  assert.equal(ctx.warnings.length, 1);
  assert.equal(ctx.warnings[0].code, "revert_too_large");
  assert.equal(ctx.warnings[0].severity, "warn");
  assert.deepEqual(ctx.warnings[0].fields, { iter: "it", unroll: MAX_RW_COUNT + 1 });
  // exactly MAX_RW_COUNT is allowed (and, on DISCARD, only grows count)
  const d = iovIterDiscard(origin(), 0);
  iovIterRevert(ctx, d, MAX_RW_COUNT);
  assert.equal(d.count, MAX_RW_COUNT);
  assert.equal(ctx.warnings.length, 1);
});

Deno.test("iovIterRevert() within the current offset only lowers iov_offset", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20]);
  iovIterAdvance(ctx, it, 0x18);
  iovIterRevert(ctx, it, 8);
  assert.deepEqual(pos(it), [1, 0, 0x20, 1]);
});

Deno.test("iovIterRevert() walks back across IOVEC segments, including empty ones, re-adding nr_segs", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0, 0x20, 0, 0x30]);
  iovIterAdvance(ctx, it, 0x10 + 0x20 + 4);
  assert.deepEqual(pos(it), [4, 4, 0x2c, 1]);
  iovIterRevert(ctx, it, 4 + 0x20 + 3);
  assert.deepEqual(pos(it), [0, 0xd, 0x53, 5]);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterRevert() of a whole segment lands at that segment's start, not the previous end", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20, 0x30]);
  iovIterAdvance(ctx, it, 0x30);
  assert.deepEqual(pos(it), [2, 0, 0x30, 1]);
  iovIterRevert(ctx, it, 0x20);
  assert.deepEqual(pos(it), [1, 0, 0x50, 2]);
});

Deno.test("iovIterRevert() after advancing past trailing empty segments restores the byte position", () => {
  const ctx = makeCtx();
  const it = iovec([0, 0x10, 0, 0, 0x10]);
  iovIterAdvance(ctx, it, 0x10);
  assert.deepEqual(pos(it), [4, 0, 0x10, 1]);
  iovIterRevert(ctx, it, 0x10);
  // the kernel lands on the first non-empty segment (index 1), not on index 0
  assert.deepEqual(pos(it), [1, 0, 0x20, 4]);
});

Deno.test("iovIterRevert() on BVEC walks back by bv_len", () => {
  const ctx = makeCtx();
  const it = iovIterBvec(origin(), "source", [
    { pfn: 0x1000, offset: 0x800, len: 0x1000 },
    { pfn: 0x2000, offset: 0x10, len: 0 },
    { pfn: 0x3000, offset: 0x5000, len: 0x2000 },
  ]);
  iovIterAdvance(ctx, it, 0x1100);
  iovIterRevert(ctx, it, 0x200);
  assert.deepEqual(pos(it), [0, 0xf00, 0x2100, 3]);
});

Deno.test("iovIterRevert() before the start of a vector's array is flagged as undefined behaviour", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20]);
  iovIterAdvance(ctx, it, 0x14);
  iovIterRevert(ctx, it, 0x20);
  assert.equal(it.count, 0x3c); // count grows unchecked, past the 0x30 described
  assert.equal(ctx.warnings.length, 1);
  assert.equal(ctx.warnings[0].code, "revert_beyond_origin");
  assert.equal(ctx.warnings[0].severity, "bug");
  assert.match(ctx.warnings[0].message, /before the start of its segment array/);
  // advanced 0x14 = all of seg 0 (0x10) + 4 of seg 1; 0x20 back goes 0x20 - 4 past seg 1's start
  assert.deepEqual(ctx.warnings[0].fields, {
    iter: "it",
    kind: "iovec",
    unroll: 0x20,
    beyond: 0x1c,
  });
});

Deno.test("iovIterRevert() of UBUF or XARRAY before the start is a BUG()", () => {
  const ctx = makeCtx(memSpec({ files: [fileSpec("f", 4 * PAGE)] }));
  const ub = iovIterUbuf(origin("ub"), "dest", U, 0x100);
  iovIterAdvance(ctx, ub, 0x10);
  iovIterRevert(ctx, ub, 0x10); // back to the start: fine
  assert.equal(ub.iovOffset, 0);
  assert.equal(ctx.warnings.length, 0);
  iovIterRevert(ctx, ub, 1);
  assert.equal(ctx.warnings.length, 1);
  assert.equal(ctx.warnings[0].severity, "bug");
  assert.match(ctx.warnings[0].message, /BUG\(\)/);
  const xa = iovIterXarray(origin("xa"), "dest", ctx.mem.regions.get("f")!, PAGE, 0x100);
  iovIterRevert(ctx, xa, 1);
  assert.equal(ctx.warnings.length, 2);
  assert.equal(ctx.warnings[1].severity, "bug");
});

Deno.test("iovIterRevert() on DISCARD only grows count", () => {
  const ctx = makeCtx();
  const it = iovIterDiscard(origin(), 10);
  iovIterRevert(ctx, it, 1000);
  assert.equal(it.count, 1010);
  assert.equal(it.iovOffset, 0);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterRevert() on FOLIOQ steps back over slots and queue segments", () => {
  const { ctx, it } = folioq([1, 4, 2, 1], 2);
  iovIterAdvance(ctx, it, 7 * PAGE + 3);
  assert.deepEqual(pos(it).slice(0, 3), [3, 3, PAGE - 3]);
  iovIterRevert(ctx, it, 3 + 2 * PAGE + 1);
  assert.deepEqual(pos(it).slice(0, 3), [1, 4 * PAGE - 1, 2 * PAGE + PAGE + 1]);
  iovIterRevert(ctx, it, 4 * PAGE - 1);
  assert.deepEqual(pos(it).slice(0, 3), [1, 0, 7 * PAGE]);
  assert.equal(ctx.warnings.length, 0);
});

// ---------------------------------------------------------------------------------------
// truncate / reexpand

Deno.test("iovIterTruncate() only ever lowers count", () => {
  const it = iovec([0x10, 0x20]);
  iovIterTruncate(it, 0x100);
  assert.equal(it.count, 0x30);
  iovIterTruncate(it, 0x18);
  assert.equal(it.count, 0x18);
  iovIterTruncate(it, 0x20);
  assert.equal(it.count, 0x18);
});

Deno.test("iovIterReexpand() sets count unchecked, beyond what the segments describe", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20]);
  iovIterTruncate(it, 0x8);
  iovIterAdvance(ctx, it, 0x8);
  iovIterReexpand(it, 0x30 - 0x8);
  assert.deepEqual(pos(it), [0, 8, 0x28, 2]);
  iovIterReexpand(it, 0x1000);
  assert.equal(it.count, 0x1000);
});

// ---------------------------------------------------------------------------------------
// save / restore

Deno.test("iovIterSaveState() records iov_offset, count and nr_segs", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20, 0x30]);
  iovIterAdvance(ctx, it, 0x14);
  assert.deepEqual(iovIterSaveState(it), { iovOffset: 4, count: 0x4c, nrSegs: 2, iter: "it" });
});

Deno.test("iovIterRestore() rewinds IOVEC and BVEC by the nr_segs difference", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0, 0x20, 0x30]);
  iovIterAdvance(ctx, it, 0x14);
  const st = iovIterSaveState(it);
  iovIterAdvance(ctx, it, 0x30);
  assert.deepEqual(pos(it), [3, 0x14, 0x1c, 1]);
  iovIterRestore(ctx, it, st);
  assert.deepEqual(pos(it), [2, 4, 0x4c, 2]);
  const bv = iovIterBvec(origin(), "dest", [
    { pfn: 0x1000, offset: 0, len: 0x100 },
    { pfn: 0x1001, offset: 0, len: 0x100 },
  ]);
  const s0 = iovIterSaveState(bv);
  iovIterAdvance(ctx, bv, 0x180);
  iovIterRestore(ctx, bv, s0);
  assert.deepEqual(pos(bv), [0, 0, 0x200, 2]);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterRestore() puts a UBUF's offset and count back", () => {
  const ctx = makeCtx();
  const it = iovIterUbuf(origin(), "dest", U, 0x100);
  iovIterAdvance(ctx, it, 0x10);
  const st = iovIterSaveState(it);
  iovIterAdvance(ctx, it, 0x50);
  iovIterRestore(ctx, it, st);
  assert.equal(it.iovOffset, 0x10);
  assert.equal(it.count, 0xf0);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterRestore() on KVEC trips the WARN but still restores", () => {
  const ctx = makeCtx();
  const it = iovIterKvec(origin(), "source", [{ base: K, len: 0x10 }, {
    base: K + 0x100n,
    len: 0x10,
  }]);
  const st = iovIterSaveState(it);
  iovIterAdvance(ctx, it, 0x18);
  iovIterRestore(ctx, it, st);
  assert.deepEqual(pos(it), [0, 0, 0x20, 2]);
  assert.equal(ctx.warnings.length, 1);
  assert.equal(ctx.warnings[0].code, "unsupported_kind");
});

Deno.test("iovIterRestore() on XARRAY, FOLIOQ and DISCARD WARNs and leaves them untouched", () => {
  const ctx = makeCtx(memSpec({ files: [fileSpec("f", 4 * PAGE)] }));
  const xa = iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0, 0x2000);
  const { it: fq } = folioq([1, 1], 31);
  const d = iovIterDiscard(origin(), 0x100);
  for (const it of [xa, fq, d]) {
    const st = iovIterSaveState(it);
    iovIterAdvance(ctx, it, 0x10);
    const before = pos(it);
    iovIterRestore(ctx, it, st);
    assert.deepEqual(pos(it), before, it.kind);
  }
  assert.deepEqual(ctx.warnings.map((w) => w.code), [
    "unsupported_kind",
    "unsupported_kind",
    "unsupported_kind",
  ]);
});

// ---------------------------------------------------------------------------------------
// dup_iter

Deno.test("dupIter() duplicates the remaining IOVEC/KVEC/BVEC segments and the copy is independent", () => {
  const ctx = makeCtx();
  const it = iovec([0x10, 0x20, 0x30]);
  iovIterAdvance(ctx, it, 0x14);
  const { iter: d, dup } = dupIter(it, "copy", 9);
  assert.equal(dup, true);
  assert.equal(d.name, "copy");
  assert.equal(d.createdAt, 9);
  assert.ok(d.kind === "iovec" && it.kind === "iovec");
  assert.deepEqual(d.segs, it.segs.slice(1));
  assert.notEqual(d.segs, it.segs);
  assert.deepEqual(pos(d), [0, 4, 0x4c, 2]);
  iovIterAdvance(ctx, d, 0x30);
  assert.deepEqual(pos(it), [1, 4, 0x4c, 2]);
  // the duplicate starts at the current segment: reverting it into the original's earlier
  // segments walks off the front of its own array
  iovIterRevert(ctx, d, 0x30 + 4 + 1);
  assert.equal(ctx.warnings.at(-1)?.code, "revert_beyond_origin");
  for (
    const kv of [
      iovIterKvec(origin(), "source", [{ base: K, len: 1 }, { base: K, len: 2 }]),
      iovIterBvec(origin(), "source", [{ pfn: 0x1000, offset: 0, len: 1 }]),
    ]
  ) {
    assert.equal(dupIter(kv, "c", 1).dup, true, kv.kind);
  }
});

Deno.test("dupIter() returns a struct copy and no array for UBUF, XARRAY, FOLIOQ and DISCARD", () => {
  const ctx = makeCtx(memSpec({ files: [fileSpec("f", 4 * PAGE)] }));
  const { it: fq } = folioq([1, 1], 31);
  const its = [
    iovIterUbuf(origin(), "dest", U, 0x100),
    iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0, 0x2000),
    fq,
    iovIterDiscard(origin(), 0x100),
  ];
  for (const it of its) {
    iovIterAdvance(ctx, it, 0x10);
    const { iter: d, dup } = dupIter(it, "c", 3);
    assert.equal(dup, false, it.kind);
    assert.equal(d.kind, it.kind);
    assert.equal(d.count, it.count);
    assert.equal(d.iovOffset, it.iovOffset);
    assert.equal(d.name, "c");
    iovIterAdvance(ctx, d, 1);
    assert.equal(d.count, it.count - 1, it.kind);
  }
});
