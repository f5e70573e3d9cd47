import assert from "node:assert/strict";
import { patternBytes, xorshiftJump } from "../../src/model/fill.ts";
import { Memory } from "../../src/model/memory.ts";
import { setLimits } from "../../src/limits.ts";
import { kernelRegion, memSpec } from "../_helpers.ts";

/** Reference xorshift32 (13, 17, 5) on a Uint32Array cell; returns the first n low bytes. */
function xorshiftRef(seed: number, n: number): number[] {
  const s = new Uint32Array([seed >>> 0 || 0x9e3779b9]);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s[0] = s[0] ^ (s[0] << 13);
    s[0] = s[0] ^ (s[0] >>> 17);
    s[0] = s[0] ^ (s[0] << 5);
    out.push(s[0] & 0xff);
  }
  return out;
}

Deno.test("patternBytes() zero gives zero bytes", () => {
  assert.deepEqual(patternBytes("zero", 123, 5), new Uint8Array(5));
});

Deno.test("patternBytes() index gives (origin + i) & 0xff", () => {
  assert.deepEqual(
    patternBytes("index", 250, 10),
    new Uint8Array([250, 251, 252, 253, 254, 255, 0, 1, 2, 3]),
  );
  assert.deepEqual(patternBytes("index", 0x1234, 1), new Uint8Array([0x34]));
});

Deno.test("patternBytes() index_sum adds the low three bytes of the offset", () => {
  assert.deepEqual(patternBytes("index_sum", 0x010203, 1), new Uint8Array([6]));
  assert.deepEqual(patternBytes("index_sum", 0x1ff, 2), new Uint8Array([0, 2]));
  assert.deepEqual(patternBytes("index_sum", 0xffffff, 1), new Uint8Array([0xfd]));
  // the fourth byte does not count
  assert.deepEqual(patternBytes("index_sum", 0x7f000001, 1), new Uint8Array([1]));
});

Deno.test("patternBytes() {byte} repeats the low 8 bits of the byte", () => {
  assert.deepEqual(patternBytes({ byte: 0x1ab }, 9, 3), new Uint8Array([0xab, 0xab, 0xab]));
});

Deno.test("patternBytes() {random} is xorshift32 (13,17,5), one step per byte, low byte", () => {
  // xorshift32 from state 1: first output 270369 = 0x42021
  assert.equal(patternBytes({ random: 1 }, 0, 1)[0], 0x21);
  assert.deepEqual([...patternBytes({ random: 1 }, 0, 64)], xorshiftRef(1, 64));
  assert.deepEqual([...patternBytes({ random: 0xdeadbeef }, 0, 32)], xorshiftRef(0xdeadbeef, 32));
});

Deno.test("patternBytes() {random: 0} is seeded with 0x9e3779b9", () => {
  assert.deepEqual([...patternBytes({ random: 0 }, 0, 16)], xorshiftRef(0x9e3779b9, 16));
  assert.deepEqual(patternBytes({ random: 0 }, 0, 16), patternBytes({ random: 0x9e3779b9 }, 0, 16));
});

Deno.test("patternBytes() {random} from an origin continues the same stream", () => {
  const whole = patternBytes({ random: 42 }, 0, 100);
  assert.deepEqual(patternBytes({ random: 42 }, 37, 63), whole.subarray(37));
  assert.notDeepEqual(patternBytes({ random: 43 }, 0, 16), whole.subarray(0, 16));
});

Deno.test("patternBytes() random from any origin equals the stream from 0 (xorshift jump-ahead)", () => {
  for (const seed of [0, 1, 0xdeadbeef, -7]) {
    const whole = patternBytes({ random: seed }, 0, 70000);
    for (const o of [1, 4095, 4096, 65537]) {
      assert.deepEqual(patternBytes({ random: seed }, o, 300), whole.subarray(o, o + 300));
    }
  }
  assert.deepEqual(
    Array.from(patternBytes({ random: 5 }, 0, 9)),
    xorshiftRef(5, 9),
  );
  assert.equal(xorshiftJump(0x1234, 0), 0x1234);
});

Deno.test("Memory.fillRegion() reads as the eager bytes; partial writes, zero fills and page_data still hold", () => {
  setLimits(undefined);
  const ps = 4096;
  const mem = new Memory(memSpec({ kernel: [kernelRegion("k", 8 * ps, { kind: "vmalloc" })] }));
  const k = mem.regions.get("k")!;
  const pattern = { random: 3 } as const;
  // from mid-page 0 to mid-page 7: pages 1..6 patterned, the ends written
  mem.fillRegion(k, 100, 7 * ps, pattern, 100);
  const want = new Uint8Array(8 * ps);
  want.set(patternBytes(pattern, 100, 7 * ps), 100);
  assert.deepEqual(mem.readRegion(k, 0, 8 * ps), want);
  // a write into a patterned page keeps the rest of its pattern
  mem.writeRegion(k, 3 * ps + 10, new Uint8Array([1, 2, 3]));
  want.set([1, 2, 3], 3 * ps + 10);
  assert.deepEqual(mem.readRegion(k, 0, 8 * ps), want);
  // a zero fill over whole pages, written or patterned, clears them
  mem.fillRegion(k, 2 * ps, 3 * ps, "zero", 0);
  want.fill(0, 2 * ps, 5 * ps);
  assert.deepEqual(mem.readRegion(k, 0, 8 * ps), want);
  // patterned pages count against page_data like written ones
  setLimits("page_data=16K");
  try {
    const m2 = new Memory(memSpec({ kernel: [kernelRegion("k", 8 * ps, { kind: "vmalloc" })] }));
    const k2 = m2.regions.get("k")!;
    m2.fillRegion(k2, 0, 4 * ps, "index", 0);
    assert.throws(() => m2.fillRegion(k2, 4 * ps, ps, "index", 0), /page data/);
    // refilling pages already held needs nothing more
    m2.fillRegion(k2, 0, 4 * ps, { byte: 9 }, 0);
    assert.deepEqual(m2.readPage(k2.pfnOf(2), 0, 2), new Uint8Array([9, 9]));
  } finally {
    setLimits(undefined);
  }
});

Deno.test("Memory.fillRegion() of the whole page_data limit holds patterns, not 256 MiB of bytes", () => {
  setLimits(undefined);
  const size = 256 * 2 ** 20;
  const mem = new Memory(memSpec({ kernel: [kernelRegion("k", size, { kind: "vmalloc" })] }));
  const k = mem.regions.get("k")!;
  const before = Deno.memoryUsage();
  mem.fillRegion(k, 0, size, { random: 11 }, 0);
  const after = Deno.memoryUsage();
  const grew = after.external + after.heapUsed - before.external - before.heapUsed;
  assert.ok(grew < 64 * 2 ** 20, `a 256 MiB fill grew the heap by ${grew} bytes`);
  // its last bytes read as the stream at that offset
  assert.deepEqual(
    mem.readRegion(k, size - 16, 16),
    patternBytes({ random: 11 }, size - 16, 16),
  );
});
