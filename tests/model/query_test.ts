import assert from "node:assert/strict";
import {
  iovIterAlignment,
  iovIterExtractWillPin,
  iovIterGapAlignment,
  iovIterIsAligned,
  iovIterNpages,
  iovIterSingleSegCount,
} from "../../src/model/query.ts";
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
import type { IovIter } from "../../src/model/iter.ts";
import { fileSpec, kernelRegion, makeCtx, memSpec, origin, PAGE } from "../_helpers.ts";

const U = 0x7f0000000000n;
const K = 0xffff888001000000n;

function ctxWithFile() {
  return makeCtx(memSpec({
    kernel: [kernelRegion("fo", 8 * PAGE, { kind: "page_alloc", folio_order: 2 })],
    files: [fileSpec("f", 16 * PAGE)],
  }));
}

function fq(ctx: ReturnType<typeof ctxWithFile>, offset: number, count: number): IovIter {
  return iovIterFolioQueue(ctx, origin(), "dest", ctx.mem.regions.get("fo")!, {
    slot: 0,
    offset,
    count,
    slotsPerSegment: 31,
  });
}

// ---------------------------------------------------------------------------------------
// npages

Deno.test("iovIterNpages() is 0 for every kind when count is 0", () => {
  const ctx = ctxWithFile();
  const its: IovIter[] = [
    iovIterUbuf(origin(), "dest", U + 0x10n, 0),
    iovIterInit(origin(), "dest", [{ base: U + 0x10n, len: 0x10 }]),
    iovIterBvec(origin(), "dest", [{ pfn: 0x1000, offset: 2, len: 0 }]),
    iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0x10, 0),
    fq(ctx, 0x10, 0),
    iovIterDiscard(origin(), 0),
  ];
  iovIterTruncate(its[1], 0);
  for (const it of its) assert.equal(iovIterNpages(ctx, it, 100), 0, it.kind);
});

Deno.test("iovIterNpages() on UBUF counts pages spanned by in-page offset + count, capped", () => {
  const ctx = makeCtx();
  const it = iovIterUbuf(origin(), "dest", U + 0xff0n, 0x20);
  assert.equal(iovIterNpages(ctx, it, 16), 2);
  assert.equal(iovIterNpages(ctx, it, 1), 1);
  iovIterAdvance(ctx, it, 0x10);
  assert.equal(iovIterNpages(ctx, it, 16), 1);
});

Deno.test("iovIterNpages() on IOVEC counts each segment separately: two sub-page segments in one page count 2", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [
    { base: U, len: 0x10 },
    { base: U + 0x123n, len: 0 }, // empty: skipped
    { base: U + 0x100n, len: 0x10 },
    { base: U + 0x1fffn, len: 2 }, // straddles a page boundary
  ]);
  assert.equal(iovIterNpages(ctx, it, 100), 4);
  assert.equal(iovIterNpages(ctx, it, 3), 3);
  iovIterTruncate(it, 0x11);
  assert.equal(iovIterNpages(ctx, it, 100), 2);
  const kv = iovIterKvec(origin(), "dest", [{ base: K + 0x800n, len: 0x1000 }]);
  assert.equal(iovIterNpages(ctx, kv, 100), 2);
});

Deno.test("iovIterNpages() on BVEC counts an empty bvec with a non-zero in-page offset as a page", () => {
  const ctx = makeCtx();
  // the KUnit table's leading (p0, 2, 0)
  const it = iovIterBvec(origin(), "dest", [
    { pfn: 0x1000, offset: 2, len: 0 },
    { pfn: 0x1001, offset: 0, len: PAGE },
  ]);
  assert.equal(iovIterNpages(ctx, it, 100), 2);
  // an empty bvec at offset 0 adds nothing
  const z = iovIterBvec(origin(), "dest", [
    { pfn: 0x1000, offset: 0, len: 0 },
    { pfn: 0x1001, offset: 0, len: PAGE },
  ]);
  assert.equal(iovIterNpages(ctx, z, 100), 1);
  // nor does an empty bvec after count is used up
  const tail = iovIterBvec(origin(), "dest", [
    { pfn: 0x1001, offset: 0, len: PAGE },
    { pfn: 0x1000, offset: 2, len: 0 },
  ]);
  assert.equal(iovIterNpages(ctx, tail, 100), 1);
  // the IOVEC equivalent skips the empty segment
  const iov = iovIterInit(origin(), "dest", [{ base: U + 2n, len: 0 }, {
    base: U + 0x1000n,
    len: PAGE,
  }]);
  assert.equal(iovIterNpages(ctx, iov, 100), 1);
});

Deno.test("iovIterNpages() on BVEC uses the offset within the page when bv_offset exceeds a page", () => {
  const ctx = makeCtx();
  const it = iovIterBvec(origin(), "dest", [{ pfn: 0x1000, offset: 0x1800, len: 0x1000 }]);
  assert.equal(iovIterNpages(ctx, it, 100), 2);
  iovIterAdvance(ctx, it, 0x800);
  assert.equal(iovIterNpages(ctx, it, 100), 1);
});

Deno.test("iovIterNpages() on XARRAY and FOLIOQ counts from the in-page position", () => {
  const ctx = ctxWithFile();
  const xa = iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0x800, 0x1000);
  assert.equal(iovIterNpages(ctx, xa, 100), 2);
  const q = fq(ctx, 0x1800, 0x1000);
  assert.equal(iovIterNpages(ctx, q, 100), 2);
  assert.equal(iovIterNpages(ctx, fq(ctx, 0x1000, 0x1000), 100), 1);
  assert.equal(iovIterNpages(ctx, iovIterDiscard(origin(), 0x5000), 100), 0);
});

// ---------------------------------------------------------------------------------------
// alignment

Deno.test("iovIterAlignment() on UBUF is addr|count, or 0 when count is 0", () => {
  const ctx = makeCtx();
  const it = iovIterUbuf(origin(), "dest", U + 0x200n, 0x400);
  assert.equal(iovIterAlignment(ctx, it), (U + 0x200n) | 0x400n);
  iovIterAdvance(ctx, it, 3);
  assert.equal(iovIterAlignment(ctx, it), (U + 0x203n) | 0x3fdn);
  iovIterAdvance(ctx, it, 0x3fd);
  assert.equal(iovIterAlignment(ctx, it), 0n);
});

Deno.test("iovIterAlignment() on IOVEC ORs position-adjusted starts and clipped lengths, ignoring empty segments", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [
    { base: U + 0x10n, len: 0x20 },
    { base: U + 0x3n, len: 0 },
    { base: U + 0x100n, len: 0x40 },
    { base: U + 0x1001n, len: 0x40 },
  ]);
  iovIterTruncate(it, 0x30);
  assert.equal(iovIterAlignment(ctx, it), (U + 0x10n) | 0x20n | (U + 0x100n) | 0x10n);
  iovIterAdvance(ctx, it, 8);
  assert.equal(iovIterAlignment(ctx, it), (U + 0x18n) | 0x18n | (U + 0x100n) | 0x10n);
});

Deno.test("iovIterAlignment() on BVEC ORs an empty bvec's offset", () => {
  const ctx = makeCtx();
  const it = iovIterBvec(origin(), "dest", [
    { pfn: 0x1000, offset: 0, len: 0x200 },
    { pfn: 0x1001, offset: 3, len: 0 },
    { pfn: 0x1002, offset: 0x400, len: 0x200 },
  ]);
  assert.equal(iovIterAlignment(ctx, it), 0x200n | 3n | 0x400n);
  iovIterAdvance(ctx, it, 0x10);
  assert.equal(iovIterAlignment(ctx, it), 0x10n | 0x1f0n | 3n | 0x400n | 0x200n);
});

Deno.test("iovIterAlignment() on XARRAY is (start+offset)|count, FOLIOQ offset|count, DISCARD 0", () => {
  const ctx = ctxWithFile();
  const xa = iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0x1000, 0x2000);
  iovIterAdvance(ctx, xa, 0x80);
  assert.equal(iovIterAlignment(ctx, xa), 0x1080n | 0x1f80n);
  const q = fq(ctx, 0x40, 0x800);
  assert.equal(iovIterAlignment(ctx, q), 0x40n | 0x800n);
  assert.equal(iovIterAlignment(ctx, iovIterDiscard(origin(), 0x123)), 0n);
});

// Kernel: iov_iter_alignment_iovec()/_bvec() are do { } while (size) loops (and, before
// 6.9, for-loops that OR the start before testing size), so with count 0 and a non-empty
// current segment the current start (base + iov_offset, or bv_offset + iov_offset) is still
// ORed in; only UBUF has an explicit "count ? ... : 0". (Found failing; fixed in d010688.)
Deno.test("iovIterAlignment() on IOVEC/BVEC with count 0 still ORs the current segment's start", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [{ base: U + 0x10n, len: 0x100 }]);
  iovIterAdvance(ctx, it, 4);
  iovIterTruncate(it, 0);
  assert.equal(iovIterAlignment(ctx, it), U + 0x14n);
  const bv = iovIterBvec(origin(), "dest", [{ pfn: 0x1000, offset: 0x30, len: 0x100 }]);
  iovIterTruncate(bv, 0);
  assert.equal(iovIterAlignment(ctx, bv), 0x30n);
});

// ---------------------------------------------------------------------------------------
// gap_alignment

Deno.test("iovIterGapAlignment() on UBUF is 0 without a warning", () => {
  const ctx = makeCtx();
  assert.equal(iovIterGapAlignment(ctx, iovIterUbuf(origin(), "dest", U + 1n, 3)), 0n);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterGapAlignment() on non-IOVEC kinds WARNs and returns ~0U", () => {
  const ctx = ctxWithFile();
  const its: IovIter[] = [
    iovIterKvec(origin(), "dest", [{ base: K, len: 0x10 }]),
    iovIterBvec(origin(), "dest", [{ pfn: 0x1000, offset: 0, len: 0x10 }]),
    iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0, 0x10),
    fq(ctx, 0, 0x10),
    iovIterDiscard(origin(), 0x10),
  ];
  for (const it of its) assert.equal(iovIterGapAlignment(ctx, it), 0xffffffffn, it.kind);
  assert.equal(ctx.warnings.length, its.length);
  assert.ok(ctx.warnings.every((w) => w.code === "unsupported_kind"));
});

Deno.test("iovIterGapAlignment() on IOVEC ORs each later start with the previous end, skipping empty segments", () => {
  const ctx = makeCtx();
  const A = U + 0x1000n, C = U + 0x5000n, D = U + 0x7000n;
  const it = iovIterInit(origin(), "dest", [
    { base: A, len: 0x1000 },
    { base: U + 0x3003n, len: 0 },
    { base: C, len: 0x800 },
    { base: D, len: 0x100 },
  ]);
  const want = (C | (A + 0x1000n)) | (D | (C + 0x800n));
  assert.equal(iovIterGapAlignment(ctx, it), want);
  assert.equal(ctx.warnings.length, 0);
});

Deno.test("iovIterGapAlignment() ignores iov_offset and stops once count is covered", () => {
  const ctx = makeCtx();
  const A = U + 0x1000n, C = U + 0x5000n;
  const it = iovIterInit(origin(), "dest", [
    { base: A, len: 0x1000 },
    { base: C, len: 0x800 },
  ]);
  iovIterAdvance(ctx, it, 0x10);
  // iov_offset is not applied to the first segment's start (it has no "previous end" anyway)
  assert.equal(iovIterGapAlignment(ctx, it), C | (A + 0x1000n));
  // count 0xff0 is compared with the full first iov_len: covered, so no gap is ORed
  iovIterTruncate(it, 0xff0);
  assert.equal(iovIterGapAlignment(ctx, it), 0n);
});

// ---------------------------------------------------------------------------------------
// is_aligned

Deno.test("iovIterIsAligned() on UBUF tests (addr + offset) and count once", () => {
  const ctx = makeCtx();
  const it = iovIterUbuf(origin(), "dest", U + 0x200n, 0x400);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0x1ffn), true);
  assert.equal(iovIterIsAligned(ctx, it, 0x3ffn, 0x1ffn), false);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0x3ffn), true);
  iovIterAdvance(ctx, it, 0x100);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0n), false);
  assert.equal(iovIterIsAligned(ctx, it, 0xffn, 0xffn), true);
});

Deno.test("iovIterIsAligned() on IOVEC tests each start and each length clipped to count", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [
    { base: U, len: 0x200 },
    { base: U + 0x1000n, len: 0x300 },
  ]);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0x1ffn), false); // 0x300
  iovIterTruncate(it, 0x400);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0x1ffn), true); // 0x200 + 0x200
  iovIterAdvance(ctx, it, 0x10);
  assert.equal(iovIterIsAligned(ctx, it, 0xfn, 0xfn), true);
  assert.equal(iovIterIsAligned(ctx, it, 0x1fn, 0n), false); // start U + 0x10
});

function shettyBvec(ctx: ReturnType<typeof makeCtx>): IovIter {
  // Nitesh Shetty's 2025 report: iov_offset 3584, bv_offset 256, bv_len 3840, count 512
  const it = iovIterBvec(origin(), "dest", [
    { pfn: 0x1000, offset: 256, len: 3840 },
    { pfn: 0x1001, offset: 0, len: PAGE },
  ]);
  iovIterAdvance(ctx, it, 3584);
  iovIterTruncate(it, 512);
  return it;
}

Deno.test("iovIterIsAligned() on BVEC tests bv_len - skip for the first segment in 6.8 and 6.17", () => {
  for (const rel of ["6.8", "6.17"]) {
    const ctx = makeCtx(memSpec({}), rel);
    const it = shettyBvec(ctx);
    // first piece is 256 bytes (misaligned to 512), then 256 bytes of the next bvec
    assert.equal(iovIterIsAligned(ctx, it, 3n, 511n), false, rel);
    assert.equal(iovIterIsAligned(ctx, it, 3n, 255n), true, rel);
    // the start is position-adjusted: 256 + 3584 = 0xf00
    assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0n), false, rel);
  }
});

// Kernel: between Jens Axboe's "iov_iter: streamline iovec/bvec alignment iteration"
// (Jan 2024, first in 6.9) and Nitesh Shetty's fix "iov_iter: Use iov_offset for length
// calculation in iov_iter_aligned_bvec" (Apr 2025, before the 6.18 removal, whose patch
// shows `bv_len - skip` again) iov_iter_aligned_bvec() took `len = bvec->bv_len`, so the
// first segment's full length, clipped to count, was tested (kernel-semantics.md 1.4 quirk).
// (Found failing when the model used bv_len - skip in every era; fixed in 6ca4718.)
Deno.test("iovIterIsAligned() on BVEC in 6.12 tests the first segment's full bv_len (6.9-6.14 quirk)", () => {
  const ctx = makeCtx(memSpec({}), "6.12");
  const it = shettyBvec(ctx);
  // min(bv_len 3840, count 512) = 512 passes the 511 mask; addr 0xf00 passes mask 3
  assert.equal(iovIterIsAligned(ctx, it, 3n, 511n), true);
});

Deno.test("iovIterIsAligned() on XARRAY and FOLIOQ tests (position, count) once; DISCARD is aligned", () => {
  const ctx = ctxWithFile();
  const xa = iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0x1000, 0x2000);
  assert.equal(iovIterIsAligned(ctx, xa, 0xfffn, 0xfffn), true);
  iovIterAdvance(ctx, xa, 0x200);
  assert.equal(iovIterIsAligned(ctx, xa, 0x1ffn, 0x1ffn), true);
  assert.equal(iovIterIsAligned(ctx, xa, 0x3ffn, 0n), false);
  assert.equal(iovIterIsAligned(ctx, xa, 0n, 0x3ffn), false);
  const q = fq(ctx, 0x200, 0x400);
  assert.equal(iovIterIsAligned(ctx, q, 0x1ffn, 0x1ffn), true);
  assert.equal(iovIterIsAligned(ctx, q, 0x3ffn, 0n), false);
  assert.equal(iovIterIsAligned(ctx, iovIterDiscard(origin(), 3), 0xffn, 0xffn), true);
});

// Kernel: iov_iter_aligned_iovec() (6.0 to 6.17, both the for-loop and the 6.9 do/while
// text) has no `if (len)` guard: an empty iovec's length (0) passes the length mask but its
// iov_base is still tested against addr_mask. (Found failing; fixed in d010688.)
Deno.test("iovIterIsAligned() on IOVEC tests the base of an empty segment against addr_mask", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [
    { base: U, len: 0x200 },
    { base: U + 0x1001n, len: 0 },
    { base: U + 0x2000n, len: 0x200 },
  ]);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0x1ffn), false);
});

// Kernel: the same loops run at least once (do/while; or for k < nr_segs with the size test
// at the bottom), so with count 0 the current segment's start is still tested against
// addr_mask. (Found failing; fixed in d010688.)
Deno.test("iovIterIsAligned() on IOVEC with count 0 still tests the current segment's start", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [{ base: U + 1n, len: 0x200 }]);
  iovIterTruncate(it, 0);
  assert.equal(iovIterIsAligned(ctx, it, 0x1ffn, 0x1ffn), false);
});

// ---------------------------------------------------------------------------------------
// single_seg_count, extract_will_pin

Deno.test("iovIterSingleSegCount() on vectors with >1 segment is min(count, current remainder)", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [{ base: U, len: 0x10 }, { base: U, len: 0x20 }]);
  assert.equal(iovIterSingleSegCount(it), 0x10);
  iovIterAdvance(ctx, it, 4);
  assert.equal(iovIterSingleSegCount(it), 0xc);
  iovIterTruncate(it, 5);
  assert.equal(iovIterSingleSegCount(it), 5);
  const bv = iovIterBvec(origin(), "dest", [
    { pfn: 0x1000, offset: 0x10, len: 0x100 },
    { pfn: 0x1001, offset: 0, len: 0x100 },
  ]);
  iovIterAdvance(ctx, bv, 0x30);
  assert.equal(iovIterSingleSegCount(bv), 0xd0);
});

Deno.test("iovIterSingleSegCount() on the last vector segment is count", () => {
  const ctx = makeCtx();
  const it = iovIterInit(origin(), "dest", [{ base: U, len: 0x10 }, { base: U, len: 0x20 }]);
  iovIterAdvance(ctx, it, 0x14);
  assert.equal(iovIterSingleSegCount(it), 0x1c);
  // with count beyond what is described, still count (nr_segs == 1)
  const kv = iovIterKvec(origin(), "dest", [{ base: K, len: 0x10 }]);
  kv.count = 0x100;
  assert.equal(iovIterSingleSegCount(kv), 0x100);
});

Deno.test("iovIterSingleSegCount() on FOLIOQ is min(count, folio size), ignoring the offset", () => {
  const ctx = ctxWithFile();
  // folios of 4 pages; start 0x100 into the first
  const q = fq(ctx, 0x100, 8 * PAGE - 0x100);
  assert.equal(iovIterSingleSegCount(q), 4 * PAGE);
  assert.equal(iovIterSingleSegCount(fq(ctx, 0x100, 0x80)), 0x80);
  assert.equal(iovIterSingleSegCount(fq(ctx, 0x100, 0)), 0);
});

Deno.test("iovIterSingleSegCount() on UBUF, XARRAY and DISCARD is count", () => {
  const ctx = ctxWithFile();
  assert.equal(iovIterSingleSegCount(iovIterUbuf(origin(), "dest", U, 0x1234)), 0x1234);
  assert.equal(
    iovIterSingleSegCount(iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 0, 0x5000)),
    0x5000,
  );
  assert.equal(iovIterSingleSegCount(iovIterDiscard(origin(), 7)), 7);
});

Deno.test("iovIterExtractWillPin() is true for user-backed kinds in either direction only", () => {
  const ctx = ctxWithFile();
  assert.equal(iovIterExtractWillPin(iovIterUbuf(origin(), "source", U, 1)), true);
  assert.equal(iovIterExtractWillPin(iovIterInit(origin(), "dest", [{ base: U, len: 1 }])), true);
  assert.equal(iovIterExtractWillPin(iovIterKvec(origin(), "dest", [{ base: K, len: 1 }])), false);
  assert.equal(
    iovIterExtractWillPin(iovIterBvec(origin(), "source", [{ pfn: 0x1000, offset: 0, len: 1 }])),
    false,
  );
  assert.equal(iovIterExtractWillPin(fq(ctx, 0, 1)), false);
  assert.equal(iovIterExtractWillPin(iovIterDiscard(origin(), 1)), false);
});
