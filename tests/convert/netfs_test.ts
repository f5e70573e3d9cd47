/**
 * netfs_extract_user_iter and netfs_limit_iter (fs/netfs/iterator.c) against values worked
 * out by hand from the kernel source: netfs_extract_user_iter's loop (one bvec per page
 * piece of each extraction, sized by iov_iter_npages), and netfs_limit_bvec / _kvec /
 * _xarray / _folioq (skip whole segments, then add min(n, seg - skip, max_size) per segment,
 * stopping at max_size or max_segs; WARN_ON(start_offset > n); n == 0 gives 0).
 */
import assert from "node:assert/strict";
import { origin, PAGE, type TestCtx } from "../_helpers.ts";
import { netfsWorld, pgPfn } from "./_netfs_world.ts";
import {
  iovIterBvec,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
} from "../../src/model/construct.ts";
import { netfsExtractUserIter } from "../../src/convert/netfs.ts";
import { netfsLimitIter } from "../../src/convert/netfs_limit.ts";

const addr = (c: TestCtx, region: string, off: number) =>
  c.mem.regions.get(region)!.start! + BigInt(off);
const pfnAt = (c: TestCtx, region: string, page: number) =>
  c.mem.translate(addr(c, region, page * PAGE))!.pfn;

Deno.test("netfs_extract_user_iter: one bvec per page piece of each segment, every page pinned", () => {
  const c = netfsWorld();
  // seg 0: 0x800 bytes from buf+0x100 (page 0); seg 1: 0x1e00 from buf+0x2200 (pages 2-3)
  const it = iovIterInit(origin("u"), "dest", [
    { base: addr(c, "buf", 0x100), len: 0x800 },
    { base: addr(c, "buf", 0x2200), len: 0x1e00 },
  ]);
  const r = netfsExtractUserIter(c, it, 0x10000, { p2pdma: false, step: 1 });
  // max_pages = iov_iter_npages = 1 + 2; first extraction: ret 0x800, offset 0x100, one page;
  // second: ret 0x1e00, offset 0x200, ret + offset = 0x2000: (0x1000 - 0x200) then 0x1000
  assert.equal(r.ret, 3);
  assert.deepEqual(r.bvec, [
    { pfn: pfnAt(c, "buf", 0), offset: 0x100, len: 0x800 },
    { pfn: pfnAt(c, "buf", 2), offset: 0x200, len: 0xe00 },
    { pfn: pfnAt(c, "buf", 3), offset: 0, len: 0x1000 },
  ]);
  // the new iterator's count is orig_len - count left over: all 0x2600 bytes were obtained
  assert.equal(r.count, 0x2600);
  assert.deepEqual(r.recorded, [pfnAt(c, "buf", 0), pfnAt(c, "buf", 2), pfnAt(c, "buf", 3)]);
  assert.deepEqual(r.leaked, []);
  assert.equal(it.count, 0);
  assert.deepEqual(c.warnings, []);
});

Deno.test("netfs_extract_user_iter: orig_len below the count stops inside a segment", () => {
  const c = netfsWorld();
  const it = iovIterInit(origin("u"), "source", [
    { base: addr(c, "buf", 0x100), len: 0x800 },
    { base: addr(c, "buf", 0x2200), len: 0x1e00 },
  ]);
  const r = netfsExtractUserIter(c, it, 0x900, { p2pdma: false, step: 1 });
  // 0x800 from seg 0, then maxsize = count = 0x100 from seg 1 at page offset 0x200
  assert.equal(r.ret, 2);
  assert.deepEqual(r.bvec, [
    { pfn: pfnAt(c, "buf", 0), offset: 0x100, len: 0x800 },
    { pfn: pfnAt(c, "buf", 2), offset: 0x200, len: 0x100 },
  ]);
  assert.equal(r.count, 0x900);
  assert.equal(it.count, 0x1d00);
  // a UBUF of 0x1800 from page offset 0xc00 spans three pages
  const c2 = netfsWorld();
  const u = iovIterUbuf(origin("ub"), "dest", addr(c2, "buf", 0x4c00), 0x1800);
  const r2 = netfsExtractUserIter(c2, u, 0x1800, { p2pdma: false, step: 1 });
  assert.deepEqual(r2.bvec.map((b) => [b.offset, b.len]), [[0xc00, 0x400], [0, 0x1000], [
    0,
    0x400,
  ]]);
});

Deno.test("netfs_extract_user_iter: a kernel iterator is refused with WARN_ON_ONCE and -EIO", () => {
  const c = netfsWorld();
  const it = iovIterKvec(origin("k"), "source", [{ base: addr(c, "core", 0), len: 0x1000 }]);
  const r = netfsExtractUserIter(c, it, 0x1000, { p2pdma: false, step: 1 });
  assert.equal(r.ret, -5);
  assert.deepEqual(r.bvec, []);
  assert.equal(it.count, 0x1000, "nothing extracted");
  assert.deepEqual(c.warnings.map((w) => [w.code, w.severity, w.fields]), [
    ["unsupported_kind", "warn", { fn: "netfs_extract_user_iter", iter: "k", kind: "kvec" }],
  ]);
});

Deno.test("netfs_limit_iter on BVEC: whole segments skipped, then capped by size and segments", () => {
  const c = netfsWorld();
  const bv = () =>
    iovIterBvec(origin("b"), "source", [
      { pfn: pgPfn(c, 0), offset: 0, len: 0x1000 },
      { pfn: pgPfn(c, 1), offset: 0, len: 0x3000 },
      { pfn: pgPfn(c, 4), offset: 0, len: 0x2000 },
    ]);
  // skip 0x1800: bvec 0 whole, 0x800 into bvec 1; spans 0x2800 + 0x2000
  assert.equal(netfsLimitIter(c, bv(), 0x1800, 0x100000, 16), 0x4800);
  assert.equal(netfsLimitIter(c, bv(), 0x1800, 0x100000, 1), 0x2800);
  assert.equal(netfsLimitIter(c, bv(), 0x1800, 0x1000, 16), 0x1000);
  assert.equal(netfsLimitIter(c, bv(), 0, 0x100000, 2), 0x4000);
  assert.deepEqual(c.warnings, []);
  // the iterator is left untouched
  const b = bv();
  netfsLimitIter(c, b, 0x1800, 0x100000, 16);
  assert.deepEqual([b.count, b.iovOffset], [0x6000, 0]);
});

Deno.test("netfs_limit_iter: start beyond the count WARNs and gives 0; an empty iterator gives 0 silently", () => {
  const c = netfsWorld();
  const b = iovIterBvec(origin("b"), "source", [{ pfn: pgPfn(c, 0), offset: 0, len: 0x1000 }]);
  assert.equal(netfsLimitIter(c, b, 0x1001, 0x100000, 16), 0);
  assert.deepEqual(c.warnings.map((w) => [w.code, w.severity]), [["unsupported_kind", "warn"]]);
  const empty = iovIterBvec(origin("e"), "source", []);
  assert.equal(netfsLimitIter(c, empty, 0, 0x100000, 16), 0);
  assert.equal(c.warnings.length, 1, "n == 0 returns without a WARN");
  // start == count is allowed: nothing is left, 0 without a WARN
  assert.equal(netfsLimitIter(c, b, 0x1000, 0x100000, 16), 0);
  assert.equal(c.warnings.length, 1);
});

Deno.test("netfs_limit_iter on KVEC: BUG() before 67e467a11f62 (7.0), netfs_limit_kvec after", () => {
  const kv = (c: TestCtx) =>
    iovIterKvec(origin("dump"), "source", [
      { base: addr(c, "core", 0), len: 0x3000 },
      { base: addr(c, "core", 0x8000), len: 0x5000 },
    ]);
  const old = netfsWorld("6.19");
  assert.equal(netfsLimitIter(old, kv(old), 0x1000, 0x100000, 16), 0);
  assert.deepEqual(old.warnings.map((w) => [w.code, w.severity]), [[
    "unsupported_kind_bug",
    "bug",
  ]]);
  // an empty KVEC BUG()s too: the dispatch comes before any count check
  const e = iovIterKvec(origin("e"), "source", []);
  assert.equal(netfsLimitIter(old, e, 0, 0x100000, 16), 0);
  assert.equal(old.warnings[1].code, "unsupported_kind_bug");
  const fixed = netfsWorld("7.0");
  assert.equal(netfsLimitIter(fixed, kv(fixed), 0x1000, 0x100000, 16), 0x7000);
  assert.equal(netfsLimitIter(fixed, kv(fixed), 0x1000, 0x100000, 1), 0x2000);
  assert.deepEqual(fixed.warnings, []);
});

Deno.test("netfs_limit_iter on XARRAY: whole folios from a folio-aligned start", () => {
  const c = netfsWorld();
  const f = c.mem.regions.get("f16k")!;
  // 16 KiB folios; count 0xa000 from 0: folio 0 and 1 are 0x8000, the third reaches max_size
  assert.equal(
    netfsLimitIter(c, iovIterXarray(origin("x"), "dest", f, 0, 0xa000), 0, 1 << 20, 2),
    0x8000,
  );
  assert.equal(
    netfsLimitIter(c, iovIterXarray(origin("x"), "dest", f, 0, 0xa000), 0, 1 << 20, 16),
    0xa000,
  );
  assert.equal(
    netfsLimitIter(c, iovIterXarray(origin("x"), "dest", f, 0x4000, 0xa000), 0, 0x5000, 16),
    0x5000,
  );
  assert.deepEqual(c.warnings, []);
});

Deno.test("netfs_limit_iter on FOLIOQ: slots from the iterator's slot and offset", () => {
  const c = netfsWorld();
  const data = c.mem.regions.get("data")!;
  const fq = () =>
    iovIterFolioQueue(c, origin("fq"), "source", data, {
      slot: 0,
      offset: 0x3000,
      count: 0x5000,
      slotsPerSegment: 3,
    });
  // slots 0x4000 (from 0x3000: 0x1000), 0x1000, 0x1000, 0x2000: 0x5000 in four segments
  assert.equal(netfsLimitIter(c, fq(), 0, 1 << 20, 16), 0x5000);
  assert.equal(netfsLimitIter(c, fq(), 0, 1 << 20, 3), 0x3000);
  // start 0x1800: max_size becomes 0x3800; 0x4800 in, slot 0 is skipped, 0x800 into slot 1
  assert.equal(netfsLimitIter(c, fq(), 0x1800, 1 << 20, 16), 0x3800);
  assert.equal(netfsLimitIter(c, fq(), 0x1800, 1 << 20, 2), 0x1800);
  assert.deepEqual(c.warnings, []);
});

Deno.test("netfs_limit_iter on a user iterator BUG()s", () => {
  const c = netfsWorld();
  const u = iovIterUbuf(origin("u"), "dest", addr(c, "buf", 0), 0x1000);
  assert.equal(netfsLimitIter(c, u, 0, 1 << 20, 16), 0);
  assert.deepEqual(c.warnings.map((w) => [w.code, w.fields]), [
    ["unsupported_kind_bug", { fn: "netfs_limit_iter", iter: "u", kind: "ubuf" }],
  ]);
});
