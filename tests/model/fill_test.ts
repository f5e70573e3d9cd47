import assert from "node:assert/strict";
import { patternBytes } from "../../src/model/fill.ts";

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
