/**
 * Memory.translateUser (a user address as a number, GUP's walk) against Memory.translate (the
 * same address as a BigInt): the same region, offset and pfn for every address, over random
 * layouts of several mms whose regions may share addresses, with vmalloc-space kernel regions
 * (starts above 2^53) among the ranges searched.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Memory, USER_BASE } from "../../src/model/memory.ts";
import { kernelRegion, memSpec, PAGE, userRegion } from "../_helpers.ts";

/** A region of a task: placed by the model, or at an explicit page of a small window. */
const regionArb = fc.record({
  pages: fc.integer({ min: 1, max: 6 }),
  at: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  order: fc.constantFrom(0, 0, 1, 2),
});

const layoutArb = fc.record({
  tasks: fc.array(fc.array(regionArb, { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 3,
  }),
  vmallocs: fc.integer({ min: 0, max: 2 }),
});

Deno.test("translateUser finds what translate finds, for every user address, in every mm", () => {
  fc.assert(
    fc.property(
      layoutArb,
      fc.array(fc.integer({ min: -2, max: 70 * PAGE }), { maxLength: 40 }),
      (l, offs) => {
        let n = 0;
        const tasks = l.tasks.map((regions, t) => ({
          name: `t${t}`,
          user: regions.map((r) =>
            userRegion(`r${n++}`, r.pages * PAGE, {
              folio_order: r.order,
              ...(r.at === undefined ? {} : { addr: USER_BASE + BigInt(r.at * PAGE) }),
            })
          ),
        }));
        const kernel = Array.from(
          { length: l.vmallocs },
          (_, i) => kernelRegion(`v${i}`, 2 * PAGE, { kind: "vmalloc" }),
        );
        const mem = new Memory(memSpec({ tasks, kernel }));
        // overlapping regions of one mm are refused at load; compare the layouts that load
        fc.pre(mem.problems.length === 0);
        for (const off of offs) {
          const addr = Number(USER_BASE) + off;
          for (const t of tasks) {
            assert.deepEqual(
              mem.translateUser(addr, t.name),
              mem.translate(BigInt(addr), t.name),
              `${addr.toString(16)} in ${t.name}`,
            );
          }
        }
      },
    ),
  );
});
