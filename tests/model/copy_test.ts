import assert from "node:assert/strict";
import {
  copyFromIter,
  copyFromIterFull,
  copyPageToIter,
  copyToIter,
  iovIterZero,
} from "../../src/model/copy.ts";
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
import type { IovIter } from "../../src/model/iter.ts";
import {
  fileSpec,
  kernelRegion,
  makeCtx,
  memSpec,
  origin,
  PAGE,
  testBytes,
  type TestCtx,
  userRegion,
} from "../_helpers.ts";

const U = 0x7f0000000000n;
const LIN = 0xffff888000000000n;
const VM = 0xffffc90000000000n;

/** User pages of "u" in address order, kernel "k" (linear), "v" (vmalloc), "fo" (order 2). */
const UPFNS = [0x5003, 0x5001, 0x5000, 0x5002];
const KPFNS = [0x6001, 0x6000];
const VPFNS = [0x6101, 0x6100];

function ctx(): TestCtx {
  return makeCtx(memSpec({
    user: [
      userRegion("u", 4 * PAGE, { pfns: UPFNS }),
      userRegion("ro", PAGE, { prot: "r", pfns: [0x5100] }),
    ],
    kernel: [
      kernelRegion("k", 2 * PAGE, { pfns: KPFNS }),
      kernelRegion("v", 2 * PAGE, { kind: "vmalloc", pfns: VPFNS }),
      kernelRegion("fo", 8 * PAGE, { kind: "page_alloc", folio_order: 2 }),
    ],
    files: [
      fileSpec("f", 4 * PAGE, {
        folios: [{ index: 0, order: 1, pfn: 0x7000 }, { index: 2, order: 1, pfn: 0x7004 }],
      }),
    ],
  }));
}

/** The concatenated contents of `pfns`, read page by page (independent of region lookups). */
function image(c: TestCtx, pfns: readonly number[]): Uint8Array {
  const out = new Uint8Array(pfns.length * PAGE);
  pfns.forEach((p, i) => out.set(c.mem.readPage(p, 0, PAGE), i * PAGE));
  return out;
}

function fillPages(c: TestCtx, pfns: readonly number[], seed: number): Uint8Array {
  const data = testBytes(pfns.length * PAGE, seed);
  pfns.forEach((p, i) => c.mem.writePage(p, 0, data.subarray(i * PAGE, (i + 1) * PAGE)));
  return data;
}

function state(it: IovIter) {
  return { count: it.count, off: it.iovOffset, idx: "idx" in it ? it.idx : -1 };
}

// ---------------------------------------------------------------------------------------
// copy_to_iter

Deno.test("copyToIter() on IOVEC writes the bytes at each segment's user address", () => {
  const c = ctx();
  const it = iovIterInit(origin(), "dest", [
    { base: U + 0xff0n, len: 0x20 },
    { base: U + 0x2000n, len: 0 },
    { base: U + 0x3ffcn, len: 4 },
    { base: U + 0x100n, len: 8 },
  ]);
  const data = testBytes(0x2c + 0x10, 3);
  // clamped to count
  assert.equal(copyToIter(c, it, data), 0x2c);
  assert.equal(it.count, 0);
  const want = new Uint8Array(4 * PAGE);
  want.set(data.subarray(0, 0x20), 0xff0);
  want.set(data.subarray(0x20, 0x24), 0x3ffc);
  want.set(data.subarray(0x24, 0x2c), 0x100);
  assert.deepEqual(image(c, UPFNS), want);
  assert.equal(c.warnings.length, 0);
});

Deno.test("copyToIter() on UBUF continues from the current offset", () => {
  const c = ctx();
  const it = iovIterUbuf(origin(), "dest", U + 0x1ff0n, 0x40);
  iovIterAdvance(c, it, 0x8);
  const data = testBytes(0x20, 4);
  assert.equal(copyToIter(c, it, data), 0x20);
  assert.equal(it.iovOffset, 0x28);
  assert.equal(it.count, 0x18);
  const want = new Uint8Array(4 * PAGE);
  want.set(data, 0x1ff8);
  assert.deepEqual(image(c, UPFNS), want);
});

Deno.test("copyToIter() on KVEC writes through the direct map and vmalloc page tables", () => {
  const c = ctx();
  const it = iovIterKvec(origin(), "dest", [
    { base: LIN + 0x6000n * 4096n + 0xff8n, len: 8 }, // k[1], last 8 bytes
    { base: VM + 0xff8n, len: 0x10 }, // v[0] tail, then v[1] head
  ]);
  const data = testBytes(0x18, 5);
  assert.equal(copyToIter(c, it, data), 0x18);
  const wantK = new Uint8Array(2 * PAGE);
  wantK.set(data.subarray(0, 8), PAGE + 0xff8); // pfn 0x6000 is k's second page
  assert.deepEqual(image(c, KPFNS), wantK);
  const wantV = new Uint8Array(2 * PAGE);
  wantV.set(data.subarray(8, 0x18), 0xff8);
  assert.deepEqual(image(c, VPFNS), wantV);
});

Deno.test("copyToIter() on BVEC writes at bv_offset into the physically following pages", () => {
  const c = ctx();
  const fo = c.mem.regions.get("fo")!;
  const base = fo.pfnOf(0);
  const it = iovIterBvec(origin(), "dest", [
    { pfn: base, offset: 0x1ff0, len: 0x20 },
    { pfn: base + 4, offset: 0, len: 0 },
    { pfn: base + 4, offset: 0x10, len: 0x10 },
  ]);
  const data = testBytes(0x30, 6);
  assert.equal(copyToIter(c, it, data), 0x30);
  const pfns = Array.from({ length: 8 }, (_, i) => base + i);
  const want = new Uint8Array(8 * PAGE);
  want.set(data.subarray(0, 0x20), 0x1ff0);
  want.set(data.subarray(0x20), 4 * PAGE + 0x10);
  assert.deepEqual(image(c, pfns), want);
});

Deno.test("copyToIter() on XARRAY writes the file's pages from the start position", () => {
  const c = ctx();
  const it = iovIterXarray(origin(), "dest", c.mem.regions.get("f")!, 0x1ff0, 0x1020);
  const data = testBytes(0x1020, 7);
  assert.equal(copyToIter(c, it, data), 0x1020);
  const want = new Uint8Array(4 * PAGE);
  want.set(data, 0x1ff0);
  assert.deepEqual(image(c, [0x7000, 0x7001, 0x7004, 0x7005]), want);
});

Deno.test("copyToIter() on FOLIOQ writes into the slots' folios from (slot, offset)", () => {
  const c = ctx();
  const fo = c.mem.regions.get("fo")!;
  const it = iovIterFolioQueue(c, origin(), "dest", fo, {
    slot: 0,
    offset: 4 * PAGE - 0x10,
    count: 0x20,
    slotsPerSegment: 1,
  });
  const data = testBytes(0x20, 8);
  assert.equal(copyToIter(c, it, data), 0x20);
  const pfns = Array.from({ length: 8 }, (_, i) => fo.pfnOf(i));
  const want = new Uint8Array(8 * PAGE);
  want.set(data, 4 * PAGE - 0x10);
  assert.deepEqual(image(c, pfns), want);
  assert.ok(it.kind === "folioq");
  assert.deepEqual([it.idx, it.iovOffset], [1, 0x10]);
});

Deno.test("copyToIter() on DISCARD counts the bytes and writes nothing", () => {
  const c = ctx();
  const it = iovIterDiscard(origin(), 0x100);
  assert.equal(copyToIter(c, it, testBytes(0x80)), 0x80);
  assert.equal(it.count, 0x80);
  assert.equal(copyToIter(c, it, testBytes(0x100)), 0x80);
  assert.equal(it.count, 0);
});

Deno.test("copyToIter() on UBUF stops at the first byte of a fault range", () => {
  const c = ctx();
  c.faults.push({ start: U + 0x1010n, end: U + 0x1020n });
  const it = iovIterUbuf(origin(), "dest", U + 0xff0n, 0x100);
  const data = testBytes(0x100, 9);
  assert.equal(copyToIter(c, it, data), 0x20);
  assert.equal(it.count, 0xe0);
  assert.equal(it.iovOffset, 0x20);
  const want = new Uint8Array(4 * PAGE);
  want.set(data.subarray(0, 0x20), 0xff0);
  assert.deepEqual(image(c, UPFNS), want);
});

Deno.test("copyToIter() on IOVEC short at a fault leaves the position inside the faulting segment", () => {
  const c = ctx();
  c.faults.push({ start: U + 0x2008n, end: U + 0x2009n });
  const it = iovIterInit(origin(), "dest", [
    { base: U + 0x100n, len: 0x10 },
    { base: U + 0x2000n, len: 0x20 },
    { base: U + 0x3000n, len: 0x20 },
  ]);
  const data = testBytes(0x50, 10);
  assert.equal(copyToIter(c, it, data), 0x18);
  assert.deepEqual(state(it), { count: 0x38, off: 8, idx: 1 });
  const want = new Uint8Array(4 * PAGE);
  want.set(data.subarray(0, 0x10), 0x100);
  want.set(data.subarray(0x10, 0x18), 0x2000);
  assert.deepEqual(image(c, UPFNS), want);
});

Deno.test("copyToIter() copies nothing to a read-only user mapping or an unmapped gap", () => {
  const c = ctx();
  const ro = c.mem.regions.get("ro")!;
  const it = iovIterUbuf(origin(), "dest", ro.start!, 0x10);
  assert.equal(copyToIter(c, it, testBytes(0x10)), 0);
  assert.equal(it.count, 0x10);
  assert.deepEqual(c.mem.readPage(0x5100, 0, 0x10), new Uint8Array(0x10));
  // the gap page between "u" and "ro"
  const gap = iovIterUbuf(origin(), "dest", U + 0x3ff0n, 0x20);
  assert.equal(copyToIter(c, gap, testBytes(0x20)), 0x10);
});

Deno.test("copyToIter() copies nothing into a freed user region", () => {
  const c = ctx();
  c.mem.regions.get("u")!.alive = false;
  const it = iovIterUbuf(origin(), "dest", U, 0x10);
  assert.equal(copyToIter(c, it, testBytes(0x10)), 0);
});

Deno.test("copyToIter() on kernel kinds ignores user fault ranges and copies fully", () => {
  const c = ctx();
  const kaddr = LIN + 0x6001n * 4096n;
  c.faults.push({ start: kaddr, end: kaddr + 0x1000n });
  const it = iovIterKvec(origin(), "dest", [{ base: kaddr, len: 0x10 }]);
  assert.equal(copyToIter(c, it, testBytes(0x10, 2)), 0x10);
  assert.deepEqual(c.mem.readPage(0x6001, 0, 0x10), testBytes(0x10, 2));
});

// Kernel: copy_to_user_iter()/copy_from_user_iter() (lib/iov_iter.c) copy only when
// access_ok(addr, len) holds and otherwise return len, i.e. nothing copied; on x86-64
// access_ok rejects anything at or above TASK_SIZE_MAX (0x7ffffffff000), so a UBUF/IOVEC
// built by iov_iter_ubuf()/iov_iter_init() (which trust their arguments) over a kernel
// address copies 0 bytes. (Found failing: accessibleBytes() used to copy into the
// kmalloc/vmalloc memory behind the address; fixed in 3be803e.)
Deno.test("copyToIter()/copyFromIter() on a user-backed iterator over a kernel address copy nothing", () => {
  const c = ctx();
  const kaddr = LIN + 0x6001n * 4096n;
  const to = iovIterUbuf(origin(), "dest", kaddr, 0x10);
  assert.equal(copyToIter(c, to, testBytes(0x10, 3)), 0);
  assert.deepEqual(c.mem.readPage(0x6001, 0, 0x10), new Uint8Array(0x10));
  const from = iovIterInit(origin(), "source", [{ base: VM, len: 0x10 }]);
  assert.equal(copyFromIter(c, from, 0x10).length, 0);
});

// ---------------------------------------------------------------------------------------
// copy_from_iter

Deno.test("copyFromIter() on IOVEC returns the bytes at each segment's user address", () => {
  const c = ctx();
  const mem = fillPages(c, UPFNS, 11);
  const it = iovIterInit(origin(), "source", [
    { base: U + 0x3ff0n, len: 0x10 },
    { base: U, len: 0 },
    { base: U + 0xffcn, len: 8 },
  ]);
  const got = copyFromIter(c, it, 0x100);
  const want = new Uint8Array([...mem.subarray(0x3ff0, 0x4000), ...mem.subarray(0xffc, 0x1004)]);
  assert.deepEqual(got, want);
  assert.equal(it.count, 0);
});

Deno.test("copyFromIter() on BVEC, XARRAY and KVEC reads the bytes they describe", () => {
  const c = ctx();
  const f = fillPages(c, [0x7000, 0x7001, 0x7004, 0x7005], 12);
  const xa = iovIterXarray(origin(), "source", c.mem.regions.get("f")!, 0x1800, 0x1000);
  assert.deepEqual(copyFromIter(c, xa, 0x1000), f.subarray(0x1800, 0x2800));
  const k = fillPages(c, KPFNS, 13);
  const kv = iovIterKvec(origin(), "source", [{ base: LIN + 0x6001n * 4096n + 0x10n, len: 0x20 }]);
  assert.deepEqual(copyFromIter(c, kv, 0x20), k.subarray(0x10, 0x30));
  const bv = iovIterBvec(origin(), "source", [{ pfn: 0x7004, offset: 0xff0, len: 0x20 }]);
  assert.deepEqual(copyFromIter(c, bv, 0x20), f.subarray(0x2ff0, 0x3010));
});

Deno.test("copyFromIter() on UBUF stops at a fault range and advances by the bytes copied", () => {
  const c = ctx();
  const mem = fillPages(c, UPFNS, 14);
  c.faults.push({ start: U + 0x1000n, end: U + 0x2000n });
  const it = iovIterUbuf(origin(), "source", U + 0xf00n, 0x200);
  const got = copyFromIter(c, it, 0x200);
  assert.deepEqual(got, mem.subarray(0xf00, 0x1000));
  assert.equal(it.count, 0x100);
  assert.equal(it.iovOffset, 0x100);
});

Deno.test("copyFromIter() reads a read-only user mapping", () => {
  const c = ctx();
  c.mem.writePage(0x5100, 0, testBytes(0x10, 15));
  const it = iovIterUbuf(origin(), "source", c.mem.regions.get("ro")!.start!, 0x10);
  assert.deepEqual(copyFromIter(c, it, 0x10), testBytes(0x10, 15));
});

Deno.test("copyFromIterFull() returns ok with all bytes when the copy completes", () => {
  const c = ctx();
  const mem = fillPages(c, UPFNS, 16);
  const it = iovIterUbuf(origin(), "source", U + 0x10n, 0x100);
  const r = copyFromIterFull(c, it, 0x80);
  assert.equal(r.ok, true);
  assert.deepEqual(r.data, mem.subarray(0x10, 0x90));
  assert.equal(it.count, 0x80);
});

Deno.test("copyFromIterFull() short at a fault reverts the iterator and reports failure", () => {
  const c = ctx();
  const mem = fillPages(c, UPFNS, 17);
  c.faults.push({ start: U + 0x2010n, end: U + 0x2011n });
  const it = iovIterInit(origin(), "source", [
    { base: U + 0x1000n, len: 0x20 },
    { base: U + 0x2000n, len: 0x20 },
  ]);
  iovIterAdvance(c, it, 4);
  const before = state(it);
  const r = copyFromIterFull(c, it, 0x30);
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.data,
    new Uint8Array([...mem.subarray(0x1004, 0x1020), ...mem.subarray(0x2000, 0x2010)]),
  );
  assert.deepEqual(state(it), before);
  // asking for more than count is short too
  const r2 = copyFromIterFull(c, iovIterUbuf(origin(), "source", U, 0x10), 0x11);
  assert.equal(r2.ok, false);
});

// ---------------------------------------------------------------------------------------
// direction

Deno.test("copyToIter() on an ITER_SOURCE iterator WARNs direction_mismatch and copies nothing", () => {
  const c = ctx();
  const it = iovIterUbuf(origin("src", 4), "source", U, 0x10);
  assert.equal(copyToIter(c, it, testBytes(0x10)), 0);
  assert.equal(it.count, 0x10);
  assert.deepEqual(image(c, UPFNS), new Uint8Array(4 * PAGE));
  assert.equal(c.warnings.length, 1);
  assert.equal(c.warnings[0].code, "direction_mismatch");
  assert.equal(c.warnings[0].cause, 4);
});

Deno.test("copyFromIter() on an ITER_DEST iterator WARNs direction_mismatch and copies nothing", () => {
  const c = ctx();
  fillPages(c, UPFNS, 18);
  const it = iovIterInit(origin(), "dest", [{ base: U, len: 0x10 }]);
  assert.equal(copyFromIter(c, it, 0x10).length, 0);
  assert.equal(it.count, 0x10);
  assert.deepEqual(c.warnings.map((w) => w.code), ["direction_mismatch"]);
  const d = iovIterDiscard(origin(), 0x10);
  assert.equal(copyFromIter(c, d, 0x10).length, 0);
  assert.equal(d.count, 0x10);
  assert.equal(c.warnings.length, 2);
});

// ---------------------------------------------------------------------------------------
// copy_page_to_iter, iov_iter_zero

Deno.test("copyPageToIter() copies a range of a large folio page by page", () => {
  const c = ctx();
  const fo = c.mem.regions.get("fo")!;
  const src = fillPages(c, [fo.pfnOf(0), fo.pfnOf(1), fo.pfnOf(2), fo.pfnOf(3)], 19);
  const it = iovIterUbuf(origin(), "dest", U, 0x3000);
  // from page 1 of the folio, offset 0x1800 (= page 2 + 0x800), 0x1000 bytes
  assert.equal(copyPageToIter(c, it, fo.pfnOf(1), 0x1800, 0x1000), 0x1000);
  const want = new Uint8Array(4 * PAGE);
  want.set(src.subarray(PAGE + 0x1800, PAGE + 0x2800), 0);
  assert.deepEqual(image(c, UPFNS), want);
  assert.equal(it.count, 0x2000);
});

Deno.test("copyPageToIter() beyond the folio WARNs page_copy_range and copies nothing", () => {
  const c = ctx();
  const fo = c.mem.regions.get("fo")!;
  const it = iovIterUbuf(origin(), "dest", U, 0x3000);
  // tail page 3 of a 4-page folio: only one page left
  assert.equal(copyPageToIter(c, it, fo.pfnOf(3), 0x800, 0x900), 0);
  assert.equal(it.count, 0x3000);
  assert.deepEqual(c.warnings.map((w) => w.code), ["page_copy_range"]);
  // exactly to the folio end is fine
  assert.equal(copyPageToIter(c, it, fo.pfnOf(3), 0x800, 0x800), 0x800);
  assert.equal(c.warnings.length, 1);
});

Deno.test("copyPageToIter() on an ITER_SOURCE iterator WARNs direction_mismatch", () => {
  const c = ctx();
  const it = iovIterUbuf(origin(), "source", U, 0x100);
  assert.equal(copyPageToIter(c, it, 0x6000, 0, 0x10), 0);
  assert.deepEqual(c.warnings.map((w) => w.code), ["direction_mismatch"]);
});

Deno.test("copyPageToIter() stops at a user fault", () => {
  const c = ctx();
  c.faults.push({ start: U + 0x1000n, end: U + 0x2000n });
  const it = iovIterUbuf(origin(), "dest", U + 0xf00n, 0x1000);
  const fo = c.mem.regions.get("fo")!;
  assert.equal(copyPageToIter(c, it, fo.pfnOf(0), 0, 0x1000), 0x100);
  assert.equal(it.count, 0xf00);
});

Deno.test("iovIterZero() clears memory whatever the direction", () => {
  const c = ctx();
  fillPages(c, UPFNS, 20);
  const it = iovIterUbuf(origin(), "source", U + 0x10n, 0x20);
  assert.equal(iovIterZero(c, it, 0x100), 0x20);
  assert.deepEqual(c.mem.readPage(0x5003, 0x10, 0x20), new Uint8Array(0x20));
  assert.notDeepEqual(c.mem.readPage(0x5003, 0x30, 1), new Uint8Array(1));
  assert.equal(c.warnings.length, 0);
  const d = iovIterDiscard(origin(), 0x40);
  assert.equal(iovIterZero(c, d, 0x30), 0x30);
  assert.equal(d.count, 0x10);
});
