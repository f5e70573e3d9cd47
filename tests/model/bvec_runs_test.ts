/**
 * BVECs kept as runs (src/model/bvec_runs.ts) against the same bvecs as a plain array: random
 * bvec lists (runs of like bvecs on consecutive pages, empty bvecs, offsets past a page) built
 * both ways, then random advances and conversion walks with and without runs of pieces; the
 * positions, the pieces and the bytes must agree at every step.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { makeCtx, origin, PAGE } from "../_helpers.ts";
import { iovIterBvec, iovIterBvecRuns } from "../../src/model/construct.ts";
import { bvecRunsOf, newBvecRuns } from "../../src/model/bvec_runs.ts";
import { iovIterAdvance } from "../../src/model/advance.ts";
import { nrSegs } from "../../src/model/iter.ts";
import type { BvecIter, BvecSeg } from "../../src/model/iter.ts";
import { walkPieces } from "../../src/convert/_pieces.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 5151);

const runArb = fc.record({
  pfn: fc.integer({ min: 0, max: 60 }),
  offset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * PAGE })),
  len: fc.oneof(fc.constant(PAGE), fc.constant(0), fc.integer({ min: 1, max: 2 * PAGE })),
  n: fc.integer({ min: 1, max: 5 }),
});
const opArb = fc.oneof(
  fc.record({ k: fc.constant("advance" as const), bytes: fc.integer({ min: 0, max: 6 * PAGE }) }),
  fc.record({
    k: fc.constant("walk" as const),
    bytes: fc.integer({ min: 0, max: 8 * PAGE }),
    cap: fc.integer({ min: 1, max: 12 }),
  }),
);

Deno.test("a BVEC as runs advances and walks exactly as the same bvecs in an array", () => {
  fc.assert(
    fc.property(
      fc.array(runArb, { maxLength: 8 }),
      fc.array(opArb, { maxLength: 10 }),
      (rs, ops) => {
        const plain: BvecSeg[] = [];
        const store = newBvecRuns();
        for (const r of rs) {
          store.push({ pfn: r.pfn, offset: r.offset, len: r.len }, r.n);
          for (let i = 0; i < r.n; i++) {
            plain.push({
              pfn: r.pfn + i,
              offset: r.offset,
              len: r.len,
            });
          }
        }
        const count = plain.reduce((s, b) => s + b.len, 0);
        const ctx = makeCtx();
        const a = iovIterBvecRuns(origin("a"), "source", store, count) as BvecIter;
        const b = iovIterBvec(origin("b"), "source", plain) as BvecIter;
        for (const op of ops) {
          if (op.k === "advance") {
            iovIterAdvance(ctx, a, op.bytes);
            iovIterAdvance(ctx, b, op.bytes);
          } else {
            // a target of `cap` entries: pieces one by one, or runs of them where offered
            const got: [number, number, number][] = [], want: [number, number, number][] = [];
            const emit =
              (out: [number, number, number][]) => (pfn: number, off: number, len: number) => {
                out.push([pfn, off, len]);
                return out.length >= op.cap;
              };
            const ra = walkPieces(ctx, a, op.bytes, emit(got), {
              emitRun(pfn, off, len, n) {
                const taken = Math.min(n, Math.max(1, op.cap - got.length));
                for (let i = 0; i < taken; i++) got.push([pfn + i, off, len]);
                return { taken, full: got.length >= op.cap };
              },
            });
            const rb = walkPieces(ctx, b, op.bytes, emit(want));
            assert.equal(ra, rb);
            assert.deepEqual(got, want);
          }
          assert.deepEqual([a.idx, a.iovOffset, a.count, nrSegs(a)], [
            b.idx,
            b.iovOffset,
            b.count,
            nrSegs(b),
          ]);
        }
        // nothing above read the bvecs one by one: they are still runs, and expand to the array
        assert.ok(!rs.length || bvecRunsOf(a));
        assert.deepEqual(a.segs, plain);
      },
    ),
    { seed, numRuns: 500 },
  );
});
