/**
 * Run-encoded entries against the per-page reference. Sg tables and page lists keep their
 * entries as runs of consecutive pages (src/model/entry_runs.ts) and release them run by
 * run; `setPerPageEntries(true)` makes the model build every entry as an object, as it did
 * before. Random traces (user buffers with contiguous, shuffled or partly unpopulated pfns,
 * read and write iovecs, extract_iter_to_sg into tables too small or too large,
 * iov_iter_extract_pages and get_pages2 lists, whole, indexed and ranged releases, double
 * releases, put_page on pins, state read at random points) replay `-q` (no change records)
 * both ways: every step's return value, warnings and errors, every state read, the summary
 * and the end warnings must be identical.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { EntryRuns } from "../../src/model/entry_runs.ts";
import { assertRunsShowPerPage, bufferTrace } from "./_runs_reference.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 9090);
const PAGES = 32, PS = 4096;

Deno.test("entry runs expand to exactly the entries pushed one by one", () => {
  type E = { pfn: number; a: number; b: boolean };
  const pushArb = fc.record({
    pfn: fc.integer({ min: 0, max: 40 }),
    a: fc.integer({ min: 0, max: 2 }),
    b: fc.boolean(),
    n: fc.integer({ min: 0, max: 5 }),
  });
  fc.assert(
    fc.property(fc.array(pushArb, { maxLength: 30 }), fc.nat(30), (pushes, expandAt) => {
      const runs = new EntryRuns<E>((x, y) => x.a === y.a && x.b === y.b);
      const naive: E[] = [];
      pushes.forEach((p, i) => {
        if (i === expandAt) runs.array();
        runs.push({ pfn: p.pfn, a: p.a, b: p.b }, p.n);
        for (let k = 0; k < p.n; k++) naive.push({ pfn: p.pfn + k, a: p.a, b: p.b });
        assert.equal(runs.length, naive.length);
      });
      const rs = runs.runs();
      if (rs) assert.equal(rs.reduce((s, r) => s + r.n, 0), naive.length);
      assert.deepEqual(runs.array(), naive);
    }),
    { seed, numRuns: 300 },
  );
});

Deno.test("entry runs with a field moving with the page expand and index like the pushed entries", () => {
  // an SGE-like entry: its address moves a page with the pfn, so runs join only where it does
  type E = { pfn: number; addr: number; a: number };
  const pushArb = fc.record({
    pfn: fc.integer({ min: 0, max: 30 }),
    addr: fc.integer({ min: 0, max: 30 }).map((x) => x * 10),
    a: fc.integer({ min: 0, max: 1 }),
    n: fc.integer({ min: 0, max: 5 }),
  });
  fc.assert(
    fc.property(fc.array(pushArb, { maxLength: 25 }), fc.nat(25), (pushes, expandAt) => {
      const runs = new EntryRuns<E>(
        (x, y, n) => x.a === y.a && y.addr === x.addr + n * 10,
        (t, i) => ({ ...t, pfn: t.pfn + i, addr: t.addr + i * 10 }),
      );
      const naive: E[] = [];
      pushes.forEach((p, i) => {
        if (i === expandAt) runs.array();
        runs.push({ pfn: p.pfn, addr: p.addr, a: p.a }, p.n);
        for (let k = 0; k < p.n; k++) naive.push({ pfn: p.pfn + k, addr: p.addr + k * 10, a: p.a });
        assert.equal(runs.length, naive.length);
      });
      for (let i = -1; i <= naive.length; i++) assert.deepEqual(runs.at(i), naive[i]);
      const rs = runs.runs();
      if (rs) {
        for (let i = 0; i < naive.length; i++) {
          const { run, at } = runs.locate(i);
          assert.ok(at >= 0 && at < rs[run].n);
          assert.equal(rs[run].tmpl.pfn + at, naive[i].pfn);
        }
      }
      assert.deepEqual(runs.array(), naive);
    }),
    { seed, numRuns: 300 },
  );
});

type Step =
  | { k: "sg"; cap: number; sgMax: number; seg: number; dir: boolean; part: number }
  | { k: "pages"; maxpages: number; seg: number; dir: boolean; get: boolean; part: number }
  | { k: "release"; v: number; how: "unpin" | "dirty" | "put" | "index" | "range"; i: number }
  | { k: "complete"; v: number }
  | { k: "free"; v: number }
  | { k: "peek" };

const segArb = fc.record({
  off: fc.integer({ min: 0, max: PAGES * PS - 1 }),
  len: fc.oneof(fc.integer({ min: 1, max: 3 * PS }), fc.integer({ min: 1, max: 20 * PS })),
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("sg" as const),
      cap: fc.integer({ min: 1, max: 48 }),
      sgMax: fc.integer({ min: 0, max: 48 }),
      seg: fc.nat(3),
      dir: fc.boolean(),
      part: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("pages" as const),
      maxpages: fc.integer({ min: 1, max: 40 }),
      seg: fc.nat(3),
      dir: fc.boolean(),
      get: fc.boolean(),
      part: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("release" as const),
      v: fc.nat(8),
      how: fc.constantFrom(
        "unpin" as const,
        "dirty" as const,
        "put" as const,
        "index" as const,
        "range" as const,
      ),
      i: fc.nat(6),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("complete" as const), v: fc.nat(8) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("free" as const), v: fc.nat(8) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("peek" as const) }) },
);

const layoutArb = fc.record({
  pfns: fc.oneof(
    fc.constant(undefined),
    // blocks of consecutive pfns in shuffled order: runs broken where the blocks meet
    fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 8, maxLength: 8 }).map((order) =>
      order.flatMap((b) => Array.from({ length: PAGES / 8 }, (_, i) => 0x5000 + b * 4 + i))
    ),
  ),
  populated: fc.boolean(),
  kernel: fc.constantFrom("6.3", "6.4", "6.6", "6.12", "6.18"),
  segs: fc.array(segArb, { minLength: 4, maxLength: 4 }),
});

/** The ops of a plan, with `peek` markers where the state is read. */
type Layout = typeof layoutArb extends fc.Arbitrary<infer T> ? T : never;

function traceOf(l: Layout, plan: Step[]) {
  const ops: Record<string, unknown>[] = [];
  const peeks = new Set<number>();
  const vars: string[] = [];
  const iov = (seg: number) => {
    const out = [];
    for (let s = 0; s <= seg % 3; s++) {
      const g = l.segs[(seg + s) % 4];
      out.push({ base: `buf+0x${g.off.toString(16)}`, len: Math.min(g.len, PAGES * PS - g.off) });
    }
    return out;
  };
  plan.forEach((p, n) => {
    if (p.k === "sg" || p.k === "pages") {
      const dir = p.dir ? "dest" : "source";
      const v = iov(p.seg);
      // a quarter to all of the iterator, or (part 5) more than it holds
      const total = v.reduce((s, x) => s + x.len, 0);
      const maxsize = p.part === 5 ? total + PS : Math.max(1, Math.floor(total * p.part / 4));
      ops.push({ op: "import_iovec", iter: `it${n}`, dir, iov: v });
      if (p.k === "sg") {
        ops.push({ op: "sg_init_table", sgt: `v${n}`, nents: p.cap });
        ops.push({
          op: "extract_iter_to_sg",
          iter: `it${n}`,
          maxsize,
          sgt: `v${n}`,
          sg_max: p.sgMax,
        });
      } else {
        ops.push({
          op: p.get ? "iov_iter_get_pages2" : "iov_iter_extract_pages",
          iter: `it${n}`,
          maxsize,
          maxpages: p.maxpages,
          as: `v${n}`,
        });
      }
      vars.push(`v${n}`);
    } else if (p.k === "peek") peeks.add(ops.length);
    else if (vars.length) {
      const v = vars[p.v % vars.length];
      if (p.k === "complete") ops.push({ op: "io_complete", of: v });
      else if (p.k === "free") {
        ops.push({ op: "free", var: v });
        vars.splice(vars.indexOf(v), 1);
      } else {
        const op = p.how === "put"
          ? "put_page"
          : p.how === "dirty"
          ? "unpin_user_pages_dirty_lock"
          : "unpin_user_pages";
        ops.push({
          op,
          pages: v,
          ...(p.how === "dirty" ? { dirty: true } : {}),
          ...(p.how === "index" ? { index: p.i } : {}),
          ...(p.how === "range" ? { range: [p.i >> 1, p.i] } : {}),
        });
      }
    }
  });
  return { doc: bufferTrace("runs", l, PAGES * PS, ops), peeks };
}

Deno.test("replay -q with run-encoded entries shows exactly what the per-page model shows", () => {
  fc.assert(
    fc.property(layoutArb, fc.array(stepArb, { minLength: 1, maxLength: 16 }), (l, plan) => {
      const { doc, peeks } = traceOf(l, plan);
      assertRunsShowPerPage(doc, peeks);
    }),
    { seed, numRuns: 250 },
  );
});
