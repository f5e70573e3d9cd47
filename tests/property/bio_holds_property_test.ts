/**
 * A bio's holds a run at a time against the same holds page by page. Under `replay -q` (no
 * change records) bio_iov_iter_get_pages takes an extraction's pins or refs one run at a
 * time and bio_release_pages drops each bvec's pages as one run; a replay that records
 * changes takes and drops them page by page. Random traces (user buffers with consecutive,
 * shuffled or partly unpopulated pfns, some next to the shared zero page; read and write
 * iovecs with segments one after another, overlapping or apart, unaligned; bios too small for the
 * iterator; double releases; releases without completion) replay both ways in eras from
 * refs (6.1) through merging (6.3-6.19) to one bvec per run (7.0+): every step's return value,
 * warnings and errors, the summary, the end warnings and the final state must be identical.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { bufferTrace, replayShows } from "./_runs_reference.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 1212);
const PAGES = 24, PS = 4096;

type Step =
  | {
    k: "bio";
    segs: number[];
    chain: boolean;
    dir: boolean;
    maxVecs: number;
    lbs: number;
    again: boolean;
  }
  | { k: "complete"; v: number }
  | { k: "release"; v: number; dirty: boolean }
  | { k: "free"; v: number };

const segArb = fc.record({
  off: fc.oneof(
    fc.integer({ min: 0, max: PAGES * PS - 1 }),
    fc.integer({ min: 0, max: PAGES * 8 - 1 }).map((x) => x * 512),
  ),
  len: fc.oneof(
    fc.integer({ min: 1, max: 3 * PS }),
    fc.integer({ min: 1, max: 16 }).map((x) => x * 512),
  ),
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("bio" as const),
      segs: fc.array(fc.nat(7), { minLength: 1, maxLength: 5 }),
      chain: fc.boolean(),
      dir: fc.boolean(),
      maxVecs: fc.integer({ min: 1, max: 12 }),
      lbs: fc.constantFrom(512, 4096),
      again: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("complete" as const), v: fc.nat(8) }) },
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant("release" as const), v: fc.nat(8), dirty: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("free" as const), v: fc.nat(8) }) },
);

const block = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);

const layoutArb = fc.record({
  pfns: fc.oneof(
    fc.constant(undefined),
    // blocks of consecutive pfns in shuffled order
    fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }).map((order) =>
      order.flatMap((b) => block(0x5000 + b * 8, PAGES / 6))
    ),
    // right after the zero page (0xfff): a read fault's zero page and the next frame are
    // physically contiguous, so a bvec may span both
    fc.constant(block(0x1000, PAGES)),
    fc.constant([...block(0xff0 - PAGES / 2, PAGES / 2), ...block(0x1000, PAGES / 2)]),
  ),
  populated: fc.boolean(),
  kernel: fc.constantFrom("6.1", "6.3", "6.6", "6.12", "6.18", "7.0", "7.3"),
  segs: fc.array(segArb, { minLength: 8, maxLength: 8 }),
});

type Layout = typeof layoutArb extends fc.Arbitrary<infer T> ? T : never;

function traceOf(l: Layout, plan: Step[]) {
  const ops: Record<string, unknown>[] = [];
  const bios: string[] = [];
  plan.forEach((p, n) => {
    if (p.k === "bio") {
      // segments where the layout puts them, or (chain) one after another, as a vectored
      // I/O's buffers often are, so that a segment starts in the page the last one ended in
      let at = l.segs[p.segs[0]].off;
      const iov = p.segs.map((s) => {
        const g = l.segs[s];
        const off = p.chain ? at : g.off;
        const len = Math.max(1, Math.min(g.len, PAGES * PS - off));
        at = Math.min(off + len, PAGES * PS - 1);
        return { base: `buf+0x${off.toString(16)}`, len };
      });
      ops.push({ op: "import_iovec", iter: `it${n}`, dir: p.dir ? "dest" : "source", iov });
      const get = { op: "bio_iov_iter_get_pages", iter: `it${n}`, bio: `b${n}` };
      ops.push({ ...get, max_vecs: p.maxVecs, lbs: p.lbs });
      // a second call fills the same bio from where the first stopped
      if (p.again) ops.push({ ...get, max_vecs: p.maxVecs, lbs: p.lbs });
      bios.push(`b${n}`);
    } else if (bios.length) {
      const b = bios[p.v % bios.length];
      if (p.k === "complete") ops.push({ op: "io_complete", of: b });
      else if (p.k === "release") ops.push({ op: "bio_release_pages", bio: b, dirty: p.dirty });
      else {
        ops.push({ op: "free", var: b });
        bios.splice(bios.indexOf(b), 1);
      }
    }
  });
  return bufferTrace("bio", l, PAGES * PS, ops);
}

Deno.test("a bio's holds taken and dropped a run at a time show what page by page shows", () => {
  fc.assert(
    fc.property(layoutArb, fc.array(stepArb, { minLength: 1, maxLength: 14 }), (l, plan) => {
      const doc = traceOf(l, plan);
      assert.deepEqual(replayShows(doc, { changes: false }), replayShows(doc, { changes: true }));
    }),
    { seed, numRuns: 400 },
  );
});

Deno.test("a bio gives back a long tail of P2P pages as page by page does", () => {
  // one user page, then a P2P BAR right after it: one extraction of 64 pages crosses into
  // the BAR, the bio keeps the first page and gives the other 63 back (more than Took keeps
  // in its short list)
  const doc = {
    itertrace: 1,
    name: "p2p-tail",
    kernel: "6.18",
    memory: {
      user: [
        { region: "mem", addr: "0x7f0000000000", size: "4K", vma: "anon", prot: "rw" },
        { region: "bar", addr: "0x7f0000001000", size: "252K", vma: "p2p", prot: "rw" },
      ],
    },
    ops: [
      { op: "iov_iter_ubuf", iter: "u", dir: "source", addr: "mem+0x200", len: 0x3f000 },
      { op: "bio_iov_iter_get_pages", iter: "u", bio: "b", max_vecs: 256, lbs: 512, p2p: true },
      { op: "bio_release_pages", bio: "b", dirty: false },
    ],
  };
  const q = replayShows(doc, { changes: false });
  assert.deepEqual(q, replayShows(doc, { changes: true }));
  // 64 pages pinned, 63 of them given back at once and the bio's one released with it
  assert.match(JSON.stringify(q), /"pins":\{"acquired":64,"released":64,"outstanding":0\}/);
});
