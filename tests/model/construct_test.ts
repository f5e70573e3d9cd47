import assert from "node:assert/strict";
import {
  importIovec,
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
  type UserIovec,
} from "../../src/model/construct.ts";
import { folioqPosition } from "../../src/model/kinds/folioq.ts";
import { fileSpec, kernelRegion, makeCtx, memSpec, origin, PAGE, userRegion } from "../_helpers.ts";

const EINVAL = -22;
const EFAULT = -14;
const MAX_RW_COUNT = 0x7ffff000;
const U = 0x7f0000000000n;

Deno.test("iovIterInit() sums segment lengths into count and starts at segment 0 offset 0", () => {
  const it = iovIterInit(origin("v", 7), "dest", [
    { base: U, len: 10 },
    { base: U + 100n, len: 0 },
    { base: U + 200n, len: 5 },
  ]);
  assert.equal(it.kind, "iovec");
  assert.equal(it.count, 15);
  assert.equal(it.iovOffset, 0);
  assert.equal(it.kind === "iovec" && it.idx, 0);
  assert.equal(it.dir, "dest");
  assert.equal(it.createdAt, 7);
  assert.equal(it.task, "t");
  assert.equal(it.nofault, false);
});

Deno.test("iovIterKvec()/iovIterBvec() sum lengths; iovIterUbuf() takes count as given", () => {
  const kv = iovIterKvec(origin(), "source", [{ base: 1n, len: 3 }, { base: 9n, len: 4 }]);
  assert.equal(kv.kind, "kvec");
  assert.equal(kv.count, 7);
  const bv = iovIterBvec(origin(), "source", [
    { pfn: 0x1000, offset: 5000, len: 6000 },
    { pfn: 0x2000, offset: 0, len: 0 },
  ]);
  assert.equal(bv.kind, "bvec");
  assert.equal(bv.count, 6000);
  const ub = iovIterUbuf(origin(), "dest", U + 3n, 77);
  assert.equal(ub.kind === "ubuf" && ub.ubuf, U + 3n);
  assert.equal(ub.count, 77);
  assert.equal(ub.iovOffset, 0);
});

Deno.test("iovIterXarray() trusts its count and keeps the start position", () => {
  const ctx = makeCtx(memSpec({ files: [fileSpec("f", 2 * PAGE)] }));
  // count larger than the file: constructors do not check
  const it = iovIterXarray(origin(), "dest", ctx.mem.regions.get("f")!, 100, 10 * PAGE);
  assert.equal(it.kind === "xarray" && it.xarrayStart, 100);
  assert.equal(it.count, 10 * PAGE);
});

Deno.test("iovIterDiscard() is always ITER_DEST", () => {
  const it = iovIterDiscard(origin(), 123);
  assert.equal(it.kind, "discard");
  assert.equal(it.dir, "dest");
  assert.equal(it.count, 123);
});

Deno.test("iovIterFolioQueue() lays the source's folios into slots and starts at (slot, offset)", () => {
  const ctx = makeCtx(memSpec({
    kernel: [
      kernelRegion("small", PAGE, { kind: "page_alloc" }),
      kernelRegion("big", 8 * PAGE, { kind: "page_alloc", folio_order: 1 }),
    ],
  }));
  const big = ctx.mem.regions.get("big")!;
  const it = iovIterFolioQueue(ctx, origin(), "source", big, {
    slot: 1,
    offset: 0x10,
    count: 3 * 2 * PAGE - 0x10,
    slotsPerSegment: 3,
  });
  assert.equal(it.kind, "folioq");
  if (it.kind !== "folioq") return;
  // "small" took 0x1000; "big" is aligned to 2 pages: 0x1002
  assert.deepEqual(it.slots, [
    { headPfn: 0x1002, size: 2 * PAGE },
    { headPfn: 0x1004, size: 2 * PAGE },
    { headPfn: 0x1006, size: 2 * PAGE },
    { headPfn: 0x1008, size: 2 * PAGE },
  ]);
  assert.equal(it.idx, 1);
  assert.equal(it.iovOffset, 0x10);
  assert.deepEqual(folioqPosition(it), { segment: 0, slot: 1 });
  it.idx = 3;
  assert.deepEqual(folioqPosition(it), { segment: 1, slot: 0 });
});

Deno.test("iovIterFolioQueue() over a file skips holes and uses each cached folio's order", () => {
  const ctx = makeCtx(memSpec({
    files: [fileSpec("f", 8 * PAGE, {
      folios: [{ index: 0, order: 0, pfn: 0x7000 }, { index: 4, order: 2, pfn: 0x7100 }],
    })],
  }));
  const it = iovIterFolioQueue(ctx, origin(), "dest", ctx.mem.regions.get("f")!, {
    slot: 0,
    offset: 0,
    count: 5 * PAGE,
    slotsPerSegment: 31,
  });
  assert.ok(it.kind === "folioq");
  assert.deepEqual(it.slots, [
    { headPfn: 0x7000, size: PAGE },
    { headPfn: 0x7100, size: 4 * PAGE },
  ]);
});

function seg(base: bigint, len: number): UserIovec {
  return { base, len };
}

Deno.test("importIovec() with zero segments succeeds with an empty IOVEC", () => {
  for (const rel of ["6.3", "6.4", "latest"]) {
    const ctx = makeCtx(memSpec({}), rel);
    const r = importIovec(ctx, origin(), "dest", []);
    assert.ok("iter" in r, rel);
    assert.equal(r.total, 0);
    assert.equal(r.iter.kind, "iovec");
    assert.equal(r.iter.count, 0);
  }
});

Deno.test("importIovec() rejects more than UIO_MAXIOV (1024) segments with -EINVAL", () => {
  const ctx = makeCtx();
  const ok = importIovec(ctx, origin(), "dest", Array.from({ length: 1024 }, () => seg(U, 1)));
  assert.ok("iter" in ok);
  assert.equal(ok.total, 1024);
  const bad = importIovec(ctx, origin(), "dest", Array.from({ length: 1025 }, () => seg(U, 1)));
  assert.deepEqual(bad, { errno: EINVAL });
});

Deno.test("importIovec() rejects a negative length with -EINVAL before any access_ok check", () => {
  const ctx = makeCtx();
  // the first segment would fail access_ok, but the whole array is copied (and lengths
  // checked for sign) before access_ok runs on any segment
  const r = importIovec(ctx, origin(), "dest", [seg(0xffff800000000000n, 8), seg(U, -1)]);
  assert.deepEqual(r, { errno: EINVAL });
  for (const rel of ["6.3", "6.4"]) {
    const one = importIovec(makeCtx(memSpec({}), rel), origin(), "dest", [seg(U, -5)]);
    assert.deepEqual(one, { errno: EINVAL }, rel);
  }
});

Deno.test("importIovec() fails access_ok with -EFAULT for ranges above 0x7ffffffff000", () => {
  const ctx = makeCtx();
  assert.deepEqual(
    importIovec(ctx, origin(), "dest", [seg(U, 8), seg(0x7ffffffff001n, 1)]),
    { errno: EFAULT },
  );
  // start below, end above TASK_SIZE_MAX
  assert.deepEqual(
    importIovec(ctx, origin(), "dest", [seg(U, 8), seg(0x7fffffffe000n, 0x2000 + 1)]),
    { errno: EFAULT },
  );
  // ending exactly at TASK_SIZE_MAX is fine
  const ok = importIovec(ctx, origin(), "dest", [seg(U, 8), seg(0x7fffffffe000n, 0x1000)]);
  assert.ok("iter" in ok);
  // a kernel address
  assert.deepEqual(
    importIovec(ctx, origin(), "dest", [seg(0xffff888000001000n, 8), seg(U, 8)]),
    { errno: EFAULT },
  );
});

Deno.test("importIovec() clips lengths so the total stays within MAX_RW_COUNT", () => {
  const ctx = makeCtx();
  const r = importIovec(ctx, origin(), "source", [
    seg(U, MAX_RW_COUNT - 0x1000),
    seg(U + 0x100000000n, 0x3000),
    seg(U + 0x200000000n, 0x100),
  ]);
  assert.ok("iter" in r);
  assert.equal(r.total, MAX_RW_COUNT);
  assert.equal(r.iter.count, MAX_RW_COUNT);
  assert.ok(r.iter.kind === "iovec");
  assert.deepEqual(r.iter.segs.map((s) => s.len), [MAX_RW_COUNT - 0x1000, 0x1000, 0]);
});

Deno.test("importIovec() makes a single segment ITER_UBUF from 6.4 but ITER_IOVEC in 6.3", () => {
  const v = [seg(U + 0x10n, 0x2000)];
  const r63 = importIovec(makeCtx(memSpec({}), "6.3"), origin(), "dest", v);
  const r64 = importIovec(makeCtx(memSpec({}), "6.4"), origin(), "dest", v);
  const rl = importIovec(makeCtx(memSpec({}), "latest"), origin(), "dest", v);
  assert.ok("iter" in r63 && "iter" in r64 && "iter" in rl);
  assert.equal(r63.iter.kind, "iovec");
  assert.equal(r64.iter.kind, "ubuf");
  assert.equal(rl.iter.kind, "ubuf");
  assert.equal(r64.iter.kind === "ubuf" && r64.iter.ubuf, U + 0x10n);
  assert.equal(r63.total, 0x2000);
  assert.equal(r64.total, 0x2000);
  // two segments stay IOVEC in every era
  const two = importIovec(makeCtx(memSpec({}), "6.4"), origin(), "dest", [...v, ...v]);
  assert.ok("iter" in two && two.iter.kind === "iovec");
});

Deno.test("importIovec() single segment: UBUF (6.4) checks access_ok after clipping, IOVEC (6.3) before", () => {
  // base + MAX_RW_COUNT is exactly TASK_SIZE_MAX; the unclipped length runs past it
  const base = 0x7ffffffff000n - BigInt(MAX_RW_COUNT);
  const v = [seg(base, 0x80000000)];
  const r64 = importIovec(makeCtx(memSpec({}), "6.4"), origin(), "dest", v);
  assert.ok("iter" in r64);
  assert.equal(r64.iter.kind, "ubuf");
  assert.equal(r64.total, MAX_RW_COUNT);
  const r63 = importIovec(makeCtx(memSpec({}), "6.3"), origin(), "dest", v);
  assert.deepEqual(r63, { errno: EFAULT });
  // in range either way: clipped to MAX_RW_COUNT in both eras
  const v2 = [seg(U, 0x90000000)];
  const a = importIovec(makeCtx(memSpec({}), "6.3"), origin(), "dest", v2);
  const b = importIovec(makeCtx(memSpec({}), "6.4"), origin(), "dest", v2);
  assert.ok("iter" in a && "iter" in b);
  assert.equal(a.total, MAX_RW_COUNT);
  assert.equal(b.total, MAX_RW_COUNT);
  assert.ok(a.iter.kind === "iovec" && a.iter.segs[0].len === MAX_RW_COUNT);
});

Deno.test("importIovec() single segment above TASK_SIZE_MAX is -EFAULT in both eras", () => {
  for (const rel of ["6.3", "6.4"]) {
    const r = importIovec(makeCtx(memSpec({}), rel), origin(), "dest", [seg(0x800000000000n, 1)]);
    assert.deepEqual(r, { errno: EFAULT }, rel);
  }
});

Deno.test("importIovec() keeps zero-length segments in the IOVEC array", () => {
  const ctx = makeCtx(memSpec({ user: [userRegion("u", PAGE)] }));
  const r = importIovec(ctx, origin(), "dest", [seg(U, 0), seg(U + 8n, 4), seg(U, 0)]);
  assert.ok("iter" in r && r.iter.kind === "iovec");
  assert.equal(r.iter.segs.length, 3);
  assert.equal(r.total, 4);
});
