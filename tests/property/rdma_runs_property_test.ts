/**
 * The RDMA path as runs against the per-page reference. netfs_extract_user_iter keeps its
 * bvec array as runs (src/model/bvec_runs.ts), smb_extract_iter_to_rdma appends SGEs as runs
 * (src/convert/rdma.ts) and the DMA ledger counts mappings as runs (src/convert/dma.ts);
 * `setPerPageEntries(true)` makes the model build every bvec and SGE as an object and map
 * them one by one, as it did before. Random traces (user buffers with contiguous, shuffled or
 * partly unpopulated pfns, with and without an IOMMU; iovecs pinned into BVECs, mapped into
 * SGE lists with reserved slots, small max_sge, appends and injected mapping failures; the
 * BVECs advanced, reverted, extracted from and counted (iov_iter_npages,
 * iov_iter_single_seg_count); unpins and frees; state read at random points)
 * replay `-q` both ways: every step's return value, warnings and errors, every state read,
 * the summary and the end warnings must be identical.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { DmaMapper } from "../../src/convert/dma.ts";
import { assertRunsShowPerPage, bufferTrace } from "./_runs_reference.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);
const PAGES = 48, PS = 4096;

Deno.test("DmaMapper's run ledger agrees with a count per (address, length)", () => {
  type Op =
    | { k: "map"; pfn: number; off: number; len: number; n: number }
    | { k: "unmap" | "mapped"; pick: number; shift: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      k: fc.constant("map" as const),
      pfn: fc.integer({ min: 0, max: 40 }),
      off: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * PS })),
      len: fc.oneof(fc.constant(PS), fc.integer({ min: 0, max: 2 * PS })),
      n: fc.integer({ min: 1, max: 6 }),
    }),
    fc.record({
      k: fc.constantFrom("unmap" as const, "mapped" as const),
      pick: fc.nat(),
      shift: fc.integer({ min: -1, max: 1 }),
    }),
  );
  fc.assert(
    fc.property(fc.boolean(), fc.array(opArb, { maxLength: 40 }), (iommu, ops) => {
      const runs = new DmaMapper(iommu, PS), single = new DmaMapper(iommu, PS);
      const ref = new Map<string, number>();
      const made: { addr: number; len: number }[] = [];
      for (const op of ops) {
        if (op.k === "map") {
          // a run is mapped as n single mappings would be, or refused whole
          const first = runs.mapRun(op.pfn, op.off, op.len, op.n);
          const addrs = Array.from(
            { length: op.n },
            (_, i) => single.map(op.pfn + i, op.off, op.len),
          );
          if (first === undefined) {
            assert.ok(iommu && (op.off % PS) + op.len > PS);
            for (let i = 0; i < op.n; i++) runs.map(op.pfn + i, op.off, op.len);
          } else addrs.forEach((a, i) => assert.equal(a, first + i * PS));
          for (const addr of addrs) {
            ref.set(`${addr}+${op.len}`, (ref.get(`${addr}+${op.len}`) ?? 0) + 1);
            made.push({ addr, len: op.len });
          }
        } else if (made.length) {
          const m = made[op.pick % made.length];
          const addr = m.addr + op.shift * PS, k = `${addr}+${m.len}`;
          const live = ref.get(k) ?? 0;
          if (op.k === "mapped") assert.equal(runs.mapped(addr, m.len), live > 0);
          else {
            assert.equal(runs.unmap(addr, m.len), live > 0);
            if (live) ref.set(k, live - 1);
          }
        }
      }
    }),
    { seed, numRuns: 400 },
  );
});

type Step =
  | { k: "netfs"; segs: number; dir: boolean; part: number }
  | {
    k: "rdma";
    v: number;
    list: number;
    part: number;
    maxSge: number;
    reserve: number;
    fail: number | undefined;
  }
  | { k: "advance" | "revert"; v: number; bytes: number }
  | { k: "extract"; v: number; maxpages: number; part: number }
  | { k: "unpin" | "free"; v: number }
  | { k: "npages"; v: number; maxpages: number }
  | { k: "single"; v: number }
  | { k: "peek" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("netfs" as const),
      segs: fc.nat(3),
      dir: fc.boolean(),
      part: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant("rdma" as const),
      v: fc.nat(6),
      list: fc.nat(3),
      part: fc.integer({ min: 0, max: 5 }),
      maxSge: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 80 })),
      reserve: fc.integer({ min: 0, max: 2 }),
      fail: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined, freq: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constantFrom("advance" as const, "revert" as const),
      v: fc.nat(6),
      bytes: fc.oneof(fc.integer({ min: 0, max: 3 * PS }), fc.constantFrom(PS, 2 * PS, 8 * PS)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("extract" as const),
      v: fc.nat(6),
      maxpages: fc.integer({ min: 1, max: 12 }),
      part: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constantFrom("unpin" as const, "free" as const), v: fc.nat(6) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("peek" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("npages" as const),
      v: fc.nat(6),
      maxpages: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(0x7fffffff)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("single" as const), v: fc.nat(6) }) },
);

const segArb = fc.record({
  off: fc.oneof(
    fc.integer({ min: 0, max: PAGES - 1 }).map((p) => p * PS),
    fc.integer({ min: 0, max: PAGES * PS - 1 }),
  ),
  len: fc.oneof(fc.integer({ min: 1, max: 3 * PS }), fc.integer({ min: 1, max: 24 * PS })),
});

const layoutArb = fc.record({
  pfns: fc.oneof(
    fc.constant(undefined),
    // blocks of consecutive pfns in shuffled order: runs broken where the blocks meet
    fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }).map((order) =>
      order.flatMap((b) => Array.from({ length: PAGES / 6 }, (_, i) => 0x7000 + b * 9 + i))
    ),
  ),
  populated: fc.boolean(),
  iommu: fc.boolean(),
  kernel: fc.constantFrom("6.4", "6.6", "6.12", "6.18"),
  segs: fc.array(segArb, { minLength: 4, maxLength: 4 }),
});

type Layout = typeof layoutArb extends fc.Arbitrary<infer T> ? T : never;

function traceOf(l: Layout, plan: Step[]) {
  const ops: Record<string, unknown>[] = [];
  const peeks = new Set<number>();
  const bvs: { name: string; count: number }[] = [];
  plan.forEach((p, n) => {
    const bv = bvs.length ? bvs[(p as { v?: number }).v! % bvs.length] : undefined;
    if (p.k === "netfs") {
      const iov = [];
      for (let s = 0; s <= p.segs; s++) {
        const g = l.segs[(n + s) % 4];
        iov.push({ base: `buf+0x${g.off.toString(16)}`, len: Math.min(g.len, PAGES * PS - g.off) });
      }
      const total = iov.reduce((s, x) => s + x.len, 0);
      const len = p.part === 5 ? total + PS : Math.max(1, Math.floor(total * p.part / 4));
      ops.push({ op: "import_iovec", iter: `it${n}`, dir: p.dir ? "dest" : "source", iov });
      ops.push({ op: "netfs_extract_user_iter", iter: `it${n}`, len, new: `bv${n}` });
      bvs.push({ name: `bv${n}`, count: Math.min(len, total) });
    } else if (p.k === "peek") peeks.add(ops.length);
    else if (bv) {
      if (p.k === "rdma") {
        ops.push({
          op: "smb_extract_iter_to_rdma",
          iter: bv.name,
          len: p.part === 0 ? PS : Math.max(1, Math.floor(bv.count * p.part / 4)),
          rdma: `r${p.list}`,
          max_sge: p.maxSge,
          lkey: 7,
          dma_dir: "to_device",
          reserve: p.reserve,
          ...(p.fail === undefined ? {} : { fail_map_at: p.fail }),
        });
      } else if (p.k === "advance" || p.k === "revert") {
        ops.push({ op: `iov_iter_${p.k}`, iter: bv.name, bytes: p.bytes });
      } else if (p.k === "extract") {
        ops.push({
          op: "iov_iter_extract_pages",
          iter: bv.name,
          maxsize: Math.max(1, Math.floor(bv.count * p.part / 4)),
          maxpages: p.maxpages,
          as: `x${n}`,
        });
      } else if (p.k === "npages") {
        ops.push({ op: "iov_iter_npages", iter: bv.name, maxpages: p.maxpages });
      } else if (p.k === "single") ops.push({ op: "iov_iter_single_seg_count", iter: bv.name });
      else if (p.k === "unpin") ops.push({ op: "unpin_user_pages", pages: bv.name });
      else {
        ops.push({ op: "free", var: bv.name });
        bvs.splice(bvs.indexOf(bv), 1);
      }
    }
  });
  return { doc: bufferTrace("rdma-runs", l, PAGES * PS, ops, { dma: { iommu: l.iommu } }), peeks };
}

Deno.test("replay -q of BVECs and SGE lists as runs shows exactly what the per-page model shows", () => {
  fc.assert(
    fc.property(layoutArb, fc.array(stepArb, { minLength: 1, maxLength: 14 }), (l, plan) => {
      const { doc, peeks } = traceOf(l, plan);
      assertRunsShowPerPage(doc, peeks);
    }),
    { seed, numRuns: 250 },
  );
});
