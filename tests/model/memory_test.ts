import assert from "node:assert/strict";
import {
  FIRST_ALLOC_PFN,
  FIRST_PFN,
  LINEAR_MAP_BASE,
  Memory,
  USER_BASE,
  VMALLOC_BASE,
  ZERO_PFN,
} from "../../src/model/memory.ts";
import { fileSpec, kernelRegion, memSpec, PAGE, testBytes, userRegion } from "../_helpers.ts";

Deno.test("Memory constructor hands out pfns from 0x1000 in document order: user, kernel, files", () => {
  const mem = new Memory(memSpec({
    // declared kernel-first in the object, but user regions always come first
    kernel: [kernelRegion("k", 2 * PAGE)],
    user: [userRegion("u", 3 * PAGE)],
    files: [fileSpec("f", 2 * PAGE)],
  }));
  assert.equal(FIRST_PFN, 0x1000);
  const u = mem.regions.get("u")!, k = mem.regions.get("k")!, f = mem.regions.get("f")!;
  assert.deepEqual([0, 1, 2].map((i) => u.pfnOf(i)), [0x1000, 0x1001, 0x1002]);
  assert.deepEqual([0, 1].map((i) => k.pfnOf(i)), [0x1003, 0x1004]);
  assert.deepEqual([0, 1].map((i) => f.pfnOf(i)), [0x1005, 0x1006]);
  assert.deepEqual(mem.problems, []);
});

Deno.test("Memory constructor aligns each region's first pfn to its folio size", () => {
  const mem = new Memory(memSpec({
    user: [
      userRegion("a", PAGE),
      userRegion("b", 4 * PAGE, { folio_order: 2 }),
      userRegion("c", PAGE),
      userRegion("d", 8 * PAGE, { folio_order: 3 }),
    ],
  }));
  assert.equal(mem.regions.get("a")!.pfnOf(0), 0x1000);
  assert.equal(mem.regions.get("b")!.pfnOf(0), 0x1004);
  assert.equal(mem.regions.get("c")!.pfnOf(0), 0x1008);
  assert.equal(mem.regions.get("d")!.pfnOf(0), 0x1010);
  // folios of "d" are 8 pages, head at the aligned pfn
  const fo = mem.folioOfPfn(0x1015);
  assert.deepEqual(fo, { headPfn: 0x1010, headIndex: 0, order: 3 });
});

Deno.test("Memory constructor places user regions from 0x7f0000000000 with a one-page gap", () => {
  const mem = new Memory(memSpec({
    user: [
      userRegion("a", 2 * PAGE),
      userRegion("b", 100), // sub-page size still takes a page plus the gap
      userRegion("c", PAGE),
    ],
  }));
  assert.equal(USER_BASE, 0x7f0000000000n);
  assert.equal(mem.regions.get("a")!.start, 0x7f0000000000n);
  assert.equal(mem.regions.get("b")!.start, 0x7f0000003000n);
  assert.equal(mem.regions.get("c")!.start, 0x7f0000005000n);
  // the gap pages translate to nothing
  assert.equal(mem.translate(0x7f0000002000n, "t"), undefined);
  assert.equal(mem.translate(0x7f0000004fffn, "t"), undefined);
});

Deno.test("Memory constructor aligns user region addresses to their folio size", () => {
  const mem = new Memory(memSpec({
    user: [userRegion("a", PAGE), userRegion("huge", 512 * PAGE, { folio_order: 9 })],
  }));
  assert.equal(mem.regions.get("huge")!.start, 0x7f0000200000n);
});

Deno.test("Memory constructor keeps explicit user addresses and places others around them", () => {
  const mem = new Memory(memSpec({
    user: [
      userRegion("fixed", 2 * PAGE, { addr: 0x7f0000001000n }),
      userRegion("auto", PAGE),
    ],
  }));
  assert.equal(mem.regions.get("fixed")!.start, 0x7f0000001000n);
  const auto = mem.regions.get("auto")!.start!;
  // USER_BASE..+0x1000 ends where "fixed" begins: no overlap, so "auto" stays at USER_BASE
  assert.equal(auto, 0x7f0000000000n);
  assert.deepEqual(mem.problems, []);
  const mem2 = new Memory(memSpec({
    user: [
      userRegion("fixed", 2 * PAGE, { addr: 0x7f0000000000n }),
      userRegion("auto", PAGE),
    ],
  }));
  // overlapping USER_BASE: moved past the fixed region plus one page
  assert.equal(mem2.regions.get("auto")!.start, 0x7f0000003000n);
  assert.deepEqual(mem2.problems, []);
});

Deno.test("Memory constructor places each task's user regions from USER_BASE independently", () => {
  const mem = new Memory(memSpec({
    tasks: [
      { name: "p1", user: [userRegion("p1buf", PAGE)] },
      { name: "p2", user: [userRegion("p2buf", PAGE)] },
    ],
  }));
  const a = mem.regions.get("p1buf")!, b = mem.regions.get("p2buf")!;
  assert.equal(a.start, USER_BASE);
  assert.equal(b.start, USER_BASE);
  assert.notEqual(a.pfnOf(0), b.pfnOf(0));
  assert.equal(mem.translate(USER_BASE + 5n, "p1")!.pfn, a.pfnOf(0));
  assert.equal(mem.translate(USER_BASE + 5n, "p2")!.pfn, b.pfnOf(0));
  assert.equal(mem.translate(USER_BASE + 5n, "p2")!.region.name, "p2buf");
  assert.equal(mem.translate(USER_BASE + 5n, "nobody"), undefined);
});

Deno.test("Memory.translate() maps a user address through the region's per-page pfns", () => {
  const mem = new Memory(memSpec({
    user: [userRegion("u", 3 * PAGE, { pfns: [0x5002, 0x5000, 0x5007] })],
  }));
  const t = mem.translate(USER_BASE + 0x1234n, "t")!;
  assert.equal(t.region.name, "u");
  assert.equal(t.offset, 0x1234);
  assert.equal(t.pfn, 0x5000);
  assert.equal(mem.translate(USER_BASE + 0x2fffn, "t")!.pfn, 0x5007);
  assert.equal(mem.translate(USER_BASE + 0x3000n, "t"), undefined);
  assert.equal(mem.pageName(0x5007), "u[2]");
});

Deno.test("Memory.virtAddr()/translate() put linear-map kernel regions at LINEAR_MAP_BASE + pfn * PAGE", () => {
  const mem = new Memory(memSpec({
    kernel: [kernelRegion("k", 2 * PAGE, { pfns: [0x2345, 0x2000] })],
  }));
  const k = mem.regions.get("k")!;
  assert.equal(k.start, undefined);
  assert.equal(LINEAR_MAP_BASE, 0xffff888000000000n);
  assert.equal(mem.virtAddr(k, 0x10), 0xffff888000000000n + 0x2345n * 4096n + 0x10n);
  assert.equal(mem.virtAddr(k, PAGE + 7), 0xffff888000000000n + 0x2000n * 4096n + 7n);
  const t = mem.translate(0xffff888000000000n + 0x2000n * 4096n + 7n)!;
  assert.equal(t.region.name, "k");
  assert.equal(t.pfn, 0x2000);
  assert.equal(t.offset, PAGE + 7);
  // a direct-map address of a frame nobody declares
  assert.equal(mem.translate(LINEAR_MAP_BASE + 0x9999n * 4096n), undefined);
});

Deno.test("Memory constructor places vmalloc-space regions from VMALLOC_BASE with a guard page", () => {
  const mem = new Memory(memSpec({
    kernel: [
      kernelRegion("v1", 2 * PAGE, { kind: "vmalloc", pfns: [0x3001, 0x3000] }),
      kernelRegion("lin", PAGE, { kind: "page_alloc" }),
      kernelRegion("mod", PAGE, { kind: "module" }),
      kernelRegion("stk", 100, { kind: "stack" }),
    ],
  }));
  assert.equal(VMALLOC_BASE, 0xffffc90000000000n);
  assert.equal(mem.regions.get("v1")!.start, 0xffffc90000000000n);
  assert.equal(mem.regions.get("lin")!.start, undefined);
  assert.equal(mem.regions.get("mod")!.start, 0xffffc90000003000n);
  assert.equal(mem.regions.get("stk")!.start, 0xffffc90000005000n);
  // page-table translation, not pfn arithmetic: v1's second page is pfn 0x3000
  const t = mem.translate(0xffffc90000001010n)!;
  assert.equal(t.region.name, "v1");
  assert.equal(t.pfn, 0x3000);
  assert.equal(t.offset, 0x1010);
  assert.equal(mem.translate(0xffffc90000002000n), undefined); // guard page
  assert.equal(mem.virtAddr(mem.regions.get("v1")!, 0x1010), 0xffffc90000001010n);
});

Deno.test("Memory file regions: explicit folios leave holes with pfn -1 and no folio", () => {
  const mem = new Memory(memSpec({
    files: [
      fileSpec("f", 8 * PAGE, {
        folios: [{ index: 4, order: 2, pfn: 0x4000 }, { index: 0, order: 0 }],
      }),
    ],
  }));
  const f = mem.regions.get("f")!;
  assert.equal(f.pfnOf(0), 0x1000); // taken from the cursor
  assert.equal(f.pfnOf(1), -1);
  assert.equal(f.folioOf(2), undefined);
  assert.equal(f.pfnOf(6), 0x4002);
  assert.deepEqual(f.folioOf(7), { headIndex: 4, order: 2, headPfn: 0x4000 });
  assert.equal(mem.pageName(0x4003), "f[7]");
  assert.deepEqual(mem.folioOfPfn(0x4003), { headIndex: 4, order: 2, headPfn: 0x4000 });
});

Deno.test("Memory constructor reports overlapping explicit pfns as layout problems", () => {
  const mem = new Memory(memSpec({
    user: [userRegion("a", PAGE, { pfns: [0x2000] })],
    kernel: [kernelRegion("b", PAGE, { pfns: [0x2000] })],
  }));
  assert.equal(mem.problems.length, 1);
  assert.match(mem.problems[0].message, /0x2000/);
});

Deno.test("Memory.allocPages() hands out pfns from 0x100000 named owner:n", () => {
  const mem = new Memory(memSpec({ user: [userRegion("u", PAGE)] }));
  assert.equal(FIRST_ALLOC_PFN, 0x100000);
  const a = mem.allocPages("pipe", 2);
  const b = mem.allocPages("bounce", 1);
  const c = mem.allocPages("pipe", 1);
  assert.deepEqual(a, [0x100000, 0x100001]);
  assert.deepEqual(b, [0x100002]);
  assert.deepEqual(c, [0x100003]);
  assert.equal(mem.pageName(0x100001), "pipe:1");
  assert.equal(mem.pageName(0x100003), "pipe:2");
  assert.equal(mem.pageName(0x100002), "bounce:0");
  assert.equal(mem.pageName(ZERO_PFN), "zero_page");
  assert.equal(mem.pageName(0x777777), "pfn 0x777777");
});

Deno.test("Memory.readPage() reads unwritten bytes as zero and writePage() stores real bytes", () => {
  const mem = new Memory(memSpec({ user: [userRegion("u", PAGE)] }));
  assert.deepEqual(mem.readPage(0x1000, 10, 4), new Uint8Array(4));
  mem.writePage(0x1000, 100, new Uint8Array([1, 2, 3]));
  assert.deepEqual(mem.readPage(0x1000, 99, 5), new Uint8Array([0, 1, 2, 3, 0]));
  // the zero page never changes
  mem.writePage(ZERO_PFN, 0, new Uint8Array([9]));
  assert.deepEqual(mem.readPage(ZERO_PFN, 0, 1), new Uint8Array([0]));
});

Deno.test("Memory.writeRegion()/readRegion() go page by page through scattered pfns", () => {
  const mem = new Memory(memSpec({
    kernel: [kernelRegion("k", 3 * PAGE, { pfns: [0x2002, 0x2000, 0x2001] })],
  }));
  const k = mem.regions.get("k")!;
  const data = testBytes(2 * PAGE, 5);
  mem.writeRegion(k, PAGE - 16, data);
  assert.deepEqual(mem.readRegion(k, PAGE - 16, data.length), data);
  // byte 0 of the region's page 1 lives in pfn 0x2000
  assert.equal(mem.readPage(0x2000, 0, 1)[0], data[16]);
  assert.equal(mem.readPage(0x2002, PAGE - 16, 1)[0], data[0]);
  assert.equal(mem.readPage(0x2001, PAGE - 17, 1)[0], data[2 * PAGE - 1]);
});

Deno.test("Memory.isPopulated() is false for a non-populated user page until it is written", () => {
  const mem = new Memory(memSpec({ user: [userRegion("u", 2 * PAGE, { populated: false })] }));
  const u = mem.regions.get("u")!;
  assert.equal(mem.isPopulated(u, 0), false);
  mem.writePage(u.pfnOf(1), 0, new Uint8Array([0])); // even a zero write populates
  assert.equal(mem.isPopulated(u, 1), true);
  assert.equal(mem.isPopulated(u, 0), false);
});
