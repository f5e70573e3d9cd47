/**
 * import_iovec's access_ok (src/model/construct.ts) decides with one conversion of the address
 * to a number and a number sum; this property holds it to the exact BigInt rule, ptr + len <=
 * TASK_SIZE_MAX, for addresses around TASK_SIZE_MAX, 2^53 and the top of the 64-bit space
 * and lengths up to 2^31, one segment (UBUF from 6.4, IOVEC before) and several (IOVEC).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { importIovec } from "../../src/model/construct.ts";
import { TASK_SIZE_MAX } from "../../src/profile.ts";
import { makeCtx, origin } from "../_helpers.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);
const around = (c: bigint) => fc.bigInt({ min: c - 0x3000n, max: c + 0x3000n });
const baseArb = fc.oneof(
  around(TASK_SIZE_MAX),
  around(1n << 53n),
  fc.bigInt({ min: (1n << 64n) - 0x3000n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);
const lenArb = fc.oneof(fc.integer({ min: 0, max: 0x4000 }), fc.integer({ min: 0, max: 2 ** 31 }));

Deno.test("import_iovec's access_ok agrees with ptr + len <= TASK_SIZE_MAX in BigInt", () => {
  for (const rel of ["6.3", "6.18"]) {
    const ctx = makeCtx(undefined, rel);
    fc.assert(
      fc.property(
        baseArb,
        lenArb,
        fc.boolean(),
        fc.integer({ min: -2, max: 2 }),
        (b, len, alone, d) => {
          // half the cases end within two bytes of TASK_SIZE_MAX
          const base = d % 2 === 0 ? TASK_SIZE_MAX - BigInt(len) + BigInt(d) : b;
          const segs = alone ? [{ base, len }] : [{ base: 0x7f0000000000n, len: 8 }, { base, len }];
          const r = importIovec(ctx, origin(), "dest", segs);
          // one segment from 6.4 is clipped to MAX_RW_COUNT before its check (import_ubuf)
          const checked = alone && rel === "6.18" ? Math.min(len, 0x7ffff000) : len;
          const fits = base + BigInt(checked) <= TASK_SIZE_MAX;
          assert.equal("errno" in r ? r.errno : 0, fits ? 0 : -14, `${rel} ${base} + ${len}`);
        },
      ),
      { seed, numRuns: 500 },
    );
  }
});
