/**
 * The run-encoded hold store (src/model/pin_runs.ts) against a naive per-page reference (a
 * map from pfn to its list of steps, oldest first) under random takes and drops of ranges
 * that cross bucket boundaries, overlap, and miss: every page's count, the total, what each
 * drop reports, and the full per-page listing must agree.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { HoldRuns } from "../../src/model/pin_runs.ts";
import { PinLedger } from "../../src/model/pin.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);

/** Pfns around a bucket boundary (4096) and near 0, where -1 is the model's "no page". */
const pfnArb = fc.oneof(fc.integer({ min: 4080, max: 4110 }), fc.integer({ min: -2, max: 12 }));

type Op = { add: boolean; first: number; n: number };
const opArb: fc.Arbitrary<Op> = fc.record({
  add: fc.boolean(),
  first: pfnArb,
  n: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 })),
});

class Naive {
  readonly held = new Map<number, number[]>();
  add(first: number, n: number, step: number) {
    for (let p = first; p < first + n; p++) {
      const l = this.held.get(p);
      if (l) l.push(step);
      else this.held.set(p, [step]);
    }
  }
  remove(first: number, n: number): number {
    let d = 0;
    for (let p = first; p < first + n; p++) {
      const l = this.held.get(p);
      if (!l?.length) continue;
      l.shift();
      d++;
      if (!l.length) this.held.delete(p);
    }
    return d;
  }
  pages() {
    return [...this.held.keys()].sort((a, b) => a - b).map((pfn) => ({
      pfn,
      steps: this.held.get(pfn)!,
    }));
  }
}

Deno.test("hold runs agree with a per-page reference on random range takes and drops", () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (plan) => {
      const runs = new HoldRuns(), naive = new Naive();
      plan.forEach((o, step) => {
        if (o.add) {
          runs.add(o.first, o.n, step % 3);
          naive.add(o.first, o.n, step % 3);
        } else assert.equal(runs.remove(o.first, o.n), naive.remove(o.first, o.n));
        let total = 0;
        for (const l of naive.held.values()) total += l.length;
        assert.equal(runs.total, total);
      });
      for (let p = -3; p < 4120; p++) {
        assert.equal(runs.count(p), naive.held.get(p)?.length ?? 0, `pfn ${p}`);
      }
      assert.deepEqual(
        [...runs.pages()].map((x) => ({ pfn: x.pfn, steps: [...x.steps] })),
        naive.pages(),
      );
    }),
    { seed, numRuns: 300 },
  );
});

Deno.test("ledger: a run take and drop is the same as page-by-page takes and drops", () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (plan) => {
      const a = new PinLedger(), b = new PinLedger();
      plan.forEach((o, step) => {
        if (o.add) {
          a.takeRun("pin", o.first, o.n, step);
          for (let p = o.first; p < o.first + o.n; p++) b.take("pin", p, step);
        } else {
          const d = a.dropRun("pin", o.first, o.n);
          let e = 0;
          for (let p = o.first; p < o.first + o.n; p++) if (b.drop("pin", p)) e++;
          assert.equal(d, e);
        }
      });
      assert.deepEqual(a.outstanding("pin"), b.outstanding("pin"));
      assert.deepEqual(a.pins, b.pins);
      assert.equal(a.total("pin"), b.total("pin"));
    }),
    { seed, numRuns: 200 },
  );
});

Deno.test("ledger: takeThenDrop leaves what its takes then its drops page by page leave", () => {
  // a call's runs (may overlap, repeat, or follow one another) and, among the pages they took,
  // those given back (each listed page at most once), after random earlier holds
  const callArb = fc.array(
    fc.record({ first: pfnArb, n: fc.integer({ min: 1, max: 6 }), back: fc.array(fc.nat(5)) }),
    { minLength: 1, maxLength: 8 },
  );
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 12 }), callArb, (before, call) => {
      const a = new PinLedger(), b = new PinLedger();
      before.forEach((o, step) => {
        for (const l of [a, b]) {
          if (o.add) l.takeRun("pin", o.first, o.n, step);
          else l.dropRun("pin", o.first, o.n);
        }
      });
      const step = before.length;
      const runs = call.map(({ first, n }) => ({ first, n }));
      const drops = call.flatMap(({ first, n, back }) =>
        [...new Set(back.filter((k) => k < n))].map((k) => first + k)
      );
      a.takeThenDrop("pin", runs, drops, step);
      for (const r of runs) for (let k = 0; k < r.n; k++) b.take("pin", r.first + k, step);
      for (const p of drops) assert.ok(b.drop("pin", p));
      assert.deepEqual(a.outstanding("pin"), b.outstanding("pin"));
      assert.deepEqual(a.pins, b.pins);
      assert.equal(a.total("pin"), b.total("pin"));
    }),
    { seed, numRuns: 300 },
  );
});
