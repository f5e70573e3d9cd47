import assert from "node:assert/strict";
import { accessibleBytes } from "../../src/model/access.ts";
import type { Piece } from "../../src/model/kinds/mod.ts";
import { kernelRegion, makeCtx, memSpec, PAGE, userRegion } from "../_helpers.ts";

const U = 0x7f0000000000n;

function setup() {
  const c = makeCtx(memSpec({
    user: [
      userRegion("rw", PAGE),
      userRegion("ro", PAGE, { prot: "r" }),
      userRegion("hole", PAGE, { vma: "unmapped" }),
    ],
    kernel: [kernelRegion("k", PAGE)],
  }));
  const piece = (name: string, inPage: number, len: number, user = true): Piece => {
    const r = c.mem.regions.get(name)!;
    return {
      addr: r.start === undefined ? undefined : r.start + BigInt(inPage),
      pfn: r.pfnOf(0),
      inPage,
      len,
      region: r,
      offset: inPage,
      user,
    };
  };
  return { c, piece };
}

Deno.test("accessibleBytes() grants a whole user piece with no fault", () => {
  const { c, piece } = setup();
  assert.equal(accessibleBytes(c, piece("rw", 0x10, 0x100), true), 0x100);
  assert.equal(accessibleBytes(c, piece("rw", 0x10, 0x100), false), 0x100);
});

Deno.test("accessibleBytes() stops at the earliest overlapping fault range", () => {
  const { c, piece } = setup();
  c.faults.push({ start: U + 0x80n, end: U + 0x90n }, { start: U + 0x40n, end: U + 0x41n });
  assert.equal(accessibleBytes(c, piece("rw", 0x10, 0x100), false), 0x30);
  // a fault range covering the start: nothing
  assert.equal(accessibleBytes(c, piece("rw", 0x40, 0x10), true), 0);
  // a range that ends exactly where the piece starts does not overlap
  assert.equal(accessibleBytes(c, piece("rw", 0x41, 0x3f), true), 0x3f);
});

Deno.test("accessibleBytes() refuses writes to read-only mappings but allows reads", () => {
  const { c, piece } = setup();
  assert.equal(accessibleBytes(c, piece("ro", 0, 8), true), 0);
  assert.equal(accessibleBytes(c, piece("ro", 0, 8), false), 8);
});

Deno.test("accessibleBytes() refuses unmapped VMAs, freed regions and untranslated addresses", () => {
  const { c, piece } = setup();
  assert.equal(accessibleBytes(c, piece("hole", 0, 8), false), 0);
  c.mem.regions.get("rw")!.alive = false;
  assert.equal(accessibleBytes(c, piece("rw", 0, 8), false), 0);
  const stray: Piece = {
    addr: U + 0x1000n,
    pfn: -1,
    inPage: 0,
    len: 8,
    region: undefined,
    offset: 0,
    user: true,
  };
  assert.equal(accessibleBytes(c, stray, false), 0);
});

Deno.test("accessibleBytes() grants kernel pieces fully, ignoring fault ranges, unless untranslated", () => {
  const { c, piece } = setup();
  const k = piece("k", 0, 0x20, false);
  c.faults.push({ start: 0n, end: 0xffffffffffffffffn });
  assert.equal(accessibleBytes(c, k, true), 0x20);
  assert.equal(accessibleBytes(c, { ...k, pfn: -1 }, true), 0);
});
