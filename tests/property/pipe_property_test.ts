/**
 * The PIPE position invariant (kernel-semantics.md 4.1) under random sequences of pipe
 * operations in both historic behaviours: after every operation the iterator's position is
 * the end of the pipe's data, the bytes in the pipe since start_head equal what the
 * iterator consumed, and the pipe never holds more than max_usage buffers.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fileSpec, makeCtx, memSpec, PAGE, testBytes } from "../_helpers.ts";
import { newPipe, pipeSanity } from "../../src/model/pipe.ts";
import type { IovIter, PipeIter } from "../../src/model/iter.ts";
import { copyPageToIter, copyToIter, iovIterZero } from "../../src/model/copy.ts";
import { iovIterRevert } from "../../src/model/advance.ts";
import { iovIterGetPages } from "../../src/model/extract.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 99);

type Op =
  | { k: "copy"; n: number }
  | { k: "zero"; n: number }
  | { k: "page"; page: number; off: number; n: number }
  | { k: "revert"; frac: number }
  | { k: "get"; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant("copy" as const), n: fc.integer({ min: 1, max: 3 * PAGE }) }),
  fc.record({ k: fc.constant("zero" as const), n: fc.integer({ min: 1, max: 2 * PAGE }) }),
  fc.record({
    k: fc.constant("page" as const),
    page: fc.nat(3),
    off: fc.nat(PAGE - 1),
    n: fc.integer({ min: 1, max: PAGE }),
  }),
  fc.record({
    k: fc.constant("revert" as const),
    frac: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({ k: fc.constant("get" as const), n: fc.integer({ min: 1, max: 3 * PAGE }) }),
);

for (const era of ["5.19", "6.1"]) {
  Deno.test(`PIPE position equals the end of the pipe's data after every op (${era})`, () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 2, max: 16 }),
        (plan, maxUsage) => {
          const ctx = makeCtx(memSpec({ files: [fileSpec("f", 4 * PAGE)] }), era);
          const pipe = newPipe("p", maxUsage);
          const count0 = 64 * PAGE;
          const it: PipeIter = {
            name: "pi",
            task: "t",
            createdAt: 0,
            dir: "dest",
            count: count0,
            iovOffset: 0,
            nofault: false,
            kind: "pipe",
            pipe,
            head: 0,
            startHead: 0,
            lastOffset: 0,
          };
          const file = ctx.mem.regions.get("f")!;
          for (const op of plan) {
            const written = count0 - it.count;
            switch (op.k) {
              case "copy":
                copyToIter(ctx, it as IovIter, testBytes(op.n));
                break;
              case "zero":
                iovIterZero(ctx, it as IovIter, op.n);
                break;
              case "page": {
                const n = Math.min(op.n, PAGE - op.off);
                copyPageToIter(ctx, it as IovIter, file.pfnOf(op.page), op.off, n);
                break;
              }
              case "revert":
                iovIterRevert(ctx, it as IovIter, Math.floor(written * op.frac));
                break;
              case "get":
                // only 6.0+ get_pages keeps the position in step; up to 5.19 the caller advances
                if (era === "6.1") {
                  iovIterGetPages(ctx, it as IovIter, {
                    maxsize: op.n,
                    maxpages: 16,
                    step: 1,
                    advance: true,
                  });
                }
                break;
            }
            assert.equal(pipeSanity(ctx, pipe, it), undefined, `after ${op.k}`);
            let data = 0;
            for (let h = it.startHead; h < pipe.head; h++) data += pipe.bufs.get(h)?.len ?? 0;
            assert.equal(data, count0 - it.count, `bytes in the pipe after ${op.k}`);
            assert.ok(pipe.head - pipe.tail <= maxUsage);
            assert.ok(it.head >= it.startHead && it.head <= pipe.head);
          }
          assert.deepEqual(ctx.warnings.filter((w) => w.code === "pipe_head_skew"), []);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
}

Deno.test("up to 5.19 a get_pages the caller does not advance past skews the position (pipe_head_skew)", () => {
  const ctx = makeCtx(memSpec({}), "5.19");
  const pipe = newPipe("p", 16);
  const it: PipeIter = {
    name: "pi",
    task: "t",
    createdAt: 0,
    dir: "dest",
    count: 8 * PAGE,
    iovOffset: 0,
    nofault: false,
    kind: "pipe",
    pipe,
    head: 0,
    startHead: 0,
    lastOffset: 0,
  };
  const r = iovIterGetPages(ctx, it as IovIter, {
    maxsize: 2 * PAGE,
    maxpages: 16,
    step: 1,
    advance: false,
  });
  assert.equal(r.ret, 2 * PAGE);
  assert.equal(pipe.head, 2);
  assert.equal(it.count, 8 * PAGE, "the iterator did not move");
  assert.equal(copyToIter(ctx, it as IovIter, testBytes(16)), 0);
  assert.deepEqual(ctx.warnings.map((w) => w.code), ["pipe_head_skew"]);
});
