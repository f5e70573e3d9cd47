/**
 * netfs_limit_iter where the kernel's arithmetic is not count - start_offset (see
 * src/convert/netfs_limit.ts), with values worked out by hand from netfs_limit_bvec /
 * netfs_limit_kvec / netfs_limit_xarray in 6.12.118's and mainline's fs/netfs/iterator.c:
 * BVEC/KVEC bound the span by n = count less every whole segment skipped (bytes before
 * iov_offset included, a size_t that can wrap); XARRAY walks from xarray_start + iov_offset
 * whatever start_offset is, taking that position's offset in every folio.
 */
import assert from "node:assert/strict";
import { origin, type TestCtx } from "../_helpers.ts";
import { netfsWorld, pgPfn } from "./_netfs_world.ts";
import { iovIterBvec, iovIterKvec, iovIterXarray } from "../../src/model/construct.ts";
import { iovIterAdvance, iovIterTruncate } from "../../src/model/advance.ts";
import { netfsLimitIter } from "../../src/convert/netfs_limit.ts";

const bvecs = (c: TestCtx, lens: number[]) =>
  iovIterBvec(
    origin("b"),
    "source",
    lens.map((len, i) => ({ pfn: pgPfn(c, 2 * i), offset: 0, len })),
  );

Deno.test("netfs_limit_bvec: a start that skips a segment of an advanced iterator comes out short by iov_offset", () => {
  const c = netfsWorld();
  const it = bvecs(c, [0x1000, 0x1000]);
  iovIterAdvance(c, it, 0x100); // iov_offset 0x100, count 0x1f00
  // skip = 0x100 + 0xf00 = 0x1000: bvec 0 skipped whole, n = 0x1f00 - 0x1000 = 0xf00, and
  // bvec 1 gives min3(0xf00, 0x1000, max) = 0xf00 (count - start_offset would be 0x1000)
  assert.equal(netfsLimitIter(c, it, 0xf00, 1 << 20, 16), 0xf00);
  // no segment skipped: n stays the count and the segments end first, as expected
  assert.equal(netfsLimitIter(c, it, 0xe00, 1 << 20, 16), 0x1100);
  assert.deepEqual(c.warnings, []);
});

Deno.test("netfs_limit_bvec: on a truncated iterator the span runs past count - start_offset", () => {
  const c = netfsWorld();
  const it = bvecs(c, [0x3000]);
  iovIterTruncate(it, 0x1000);
  // skip 0x800 stays inside bvec 0: n = count = 0x1000 bounds min3(0x1000, 0x2800, max)
  assert.equal(netfsLimitIter(c, it, 0x800, 1 << 20, 16), 0x1000);
  assert.equal(netfsLimitIter(c, it, 0x800, 0xc00, 16), 0xc00, "max_size still caps it");
  assert.equal(netfsLimitIter(c, it, 0, 1 << 20, 16), 0x1000);
});

Deno.test("netfs_limit_bvec: skipping a segment longer than the count wraps n, which then bounds nothing", () => {
  const c = netfsWorld();
  const it = bvecs(c, [0x1000, 0x1000, 0x1000]);
  iovIterAdvance(c, it, 0xf00); // iov_offset 0xf00, count 0x2100
  iovIterTruncate(it, 0x200);
  // skip = 0xf00 + 0x100 = 0x1000: n = 0x200 - 0x1000 wraps to 2^64 - 0xe00; bvecs 1 and 2
  // then give 0x1000 each: 0x2000 from an iterator with 0x100 left after start_offset
  assert.equal(netfsLimitIter(c, it, 0x100, 1 << 20, 16), 0x2000);
  assert.equal(netfsLimitIter(c, it, 0x100, 1 << 20, 1), 0x1000);
});

Deno.test("netfs_limit_kvec (7.0+) keeps the same n as netfs_limit_bvec", () => {
  const c = netfsWorld("7.0");
  const core = c.mem.regions.get("core")!.start!;
  const it = iovIterKvec(origin("k"), "source", [
    { base: core, len: 0x1000 },
    { base: core + 0x4000n, len: 0x2000 },
  ]);
  iovIterAdvance(c, it, 0x200);
  // skip 0x1000 drops kvec 0 whole: n = 0x2e00 - 0x1000 = 0x1e00 < kvec 1's 0x2000
  assert.equal(netfsLimitIter(c, it, 0xe00, 1 << 20, 16), 0x1e00);
  assert.deepEqual(c.warnings, []);
});

Deno.test("netfs_limit_xarray: start_offset shrinks max_size but does not move the walk", () => {
  const c = netfsWorld();
  const f = c.mem.regions.get("f16k")!;
  const x = () => iovIterXarray(origin("x"), "dest", f, 0, 0xa000);
  // pos = 0: folios 0 and 1 whole (0x8000); max_size = min(1M, 0xa000 - 0x1000) = 0x9000
  assert.equal(netfsLimitIter(c, x(), 0x1000, 1 << 20, 2), 0x8000);
  assert.equal(netfsLimitIter(c, x(), 0x1000, 1 << 20, 16), 0x9000);
  assert.equal(netfsLimitIter(c, x(), 0x5000, 1 << 20, 1), 0x4000);
});

Deno.test("netfs_limit_xarray: every folio is taken from the start position's offset in it", () => {
  const c = netfsWorld();
  const f = c.mem.regions.get("f16k")!;
  // pos 0x1800: offset 0x1800 in each 16 KiB folio, so 0x2800 per folio, three folios 0x7800
  assert.equal(
    netfsLimitIter(c, iovIterXarray(origin("x"), "dest", f, 0x1800, 0x9000), 0, 1 << 20, 3),
    0x7800,
  );
  // mixed sizes from pos 0xc00: folio 0 (16 KiB) 0x4000 - 0xc00, folios 4 and 5 (4 KiB)
  // 0x1000 - 0xc00 each, then past the hole at 6-7 folio 8 (8 KiB) 0x2000 - 0xc00
  const m = c.mem.regions.get("data")!;
  assert.equal(
    netfsLimitIter(c, iovIterXarray(origin("m"), "dest", m, 0xc00, 0x8000), 0, 1 << 20, 4),
    0x3400 + 0x400 + 0x400 + 0x1400,
  );
  assert.deepEqual(c.warnings, []);
});
