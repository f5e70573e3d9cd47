/**
 * Property tests: random iterators of every kind over a fixed memory layout, driven by random
 * operation sequences, checked after every step against an independent model of the bytes
 * each iterator describes (built here from the segment list, not from the model's walkers).
 *
 * Reproduce a failure with FC_SEED=<seed> (printed by fast-check in the failure message);
 * FC_RUNS overrides the number of runs per kind.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
} from "../../src/model/construct.ts";
import {
  iovIterAdvance,
  iovIterReexpand,
  iovIterRestore,
  iovIterRevert,
  iovIterSaveState,
  iovIterTruncate,
} from "../../src/model/advance.ts";
import { copyFromIter, copyToIter } from "../../src/model/copy.ts";
import { iterateAndAdvance } from "../../src/model/iterate.ts";
import { cloneIter, type IovIter, nrSegs } from "../../src/model/iter.ts";
import { kindOps } from "../../src/model/kinds/mod.ts";
import {
  fileSpec,
  kernelRegion,
  makeCtx,
  memSpec,
  mergeRanges,
  origin,
  PAGE,
  type PageRange,
  physRanges,
  readRanges,
  recorder,
  sliceRanges,
  testBytes,
  type TestCtx,
  userRegion,
} from "../_helpers.ts";

// ---------------------------------------------------------------------------------------
// The fixed memory layout

const U = 0x7f0000000000n;
const LIN = 0xffff888000000000n;
const VM = 0xffffc90000000000n;

const UPAGES = 24;
/** User pages: a fixed permutation, so address order and pfn order differ. */
const UPFNS = Array.from({ length: UPAGES }, (_, i) => 0x8000 + ((i * 7) % UPAGES));
const KPAGES = 8;
const KBASE = 0x9000; // kmalloc, contiguous (direct map)
const VPAGES = 8;
const VPFNS = Array.from({ length: VPAGES }, (_, i) => 0xa000 + ((i * 3) % VPAGES));
const BPAGES = 32;
const BBASE = 0xb000; // page_alloc, contiguous: bvec pages
/** Page-cache folios of the file behind XARRAY and FOLIOQ: (index, order, pfn), no holes. */
const FOLIOS = [
  { index: 0, order: 0, pfn: 0xc000 },
  { index: 1, order: 0, pfn: 0xc010 },
  { index: 2, order: 1, pfn: 0xc020 },
  { index: 4, order: 2, pfn: 0xc040 },
  { index: 8, order: 0, pfn: 0xc050 },
  { index: 9, order: 0, pfn: 0xc060 },
  { index: 10, order: 1, pfn: 0xc070 },
  { index: 12, order: 2, pfn: 0xc080 },
];
const FPAGES = 16;

const ALL_PFNS = [
  ...UPFNS,
  ...Array.from({ length: KPAGES }, (_, i) => KBASE + i),
  ...VPFNS,
  ...Array.from({ length: BPAGES }, (_, i) => BBASE + i),
  ...FOLIOS.flatMap((f) => Array.from({ length: 2 ** f.order }, (_, i) => f.pfn + i)),
];

function newCtx(): TestCtx {
  return makeCtx(memSpec({
    user: [userRegion("u", UPAGES * PAGE, { pfns: UPFNS })],
    kernel: [
      kernelRegion("k", KPAGES * PAGE, {
        pfns: Array.from({ length: KPAGES }, (_, i) => KBASE + i),
      }),
      kernelRegion("v", VPAGES * PAGE, { kind: "vmalloc", pfns: VPFNS }),
      kernelRegion("pa", BPAGES * PAGE, {
        kind: "page_alloc",
        pfns: Array.from({ length: BPAGES }, (_, i) => BBASE + i),
      }),
    ],
    files: [fileSpec("file", FPAGES * PAGE, { folios: FOLIOS })],
  }));
}

// ---------------------------------------------------------------------------------------
// Iterator specs and their independent byte expansion

type Dir = "source" | "dest";
interface AddrSegSpec {
  readonly page: number;
  readonly inPage: number;
  readonly len: number;
}
interface KvecSegSpec extends AddrSegSpec {
  readonly space: "lin" | "vm";
}
interface BvecSegSpec {
  readonly page: number;
  readonly offset: number;
  readonly len: number;
}
type IterSpec =
  | { readonly kind: "iovec"; readonly dir: Dir; readonly segs: readonly AddrSegSpec[] }
  | { readonly kind: "kvec"; readonly dir: Dir; readonly segs: readonly KvecSegSpec[] }
  | { readonly kind: "bvec"; readonly dir: Dir; readonly segs: readonly BvecSegSpec[] }
  | { readonly kind: "ubuf"; readonly dir: Dir; readonly seg: AddrSegSpec }
  | { readonly kind: "xarray"; readonly dir: Dir; readonly start: number; readonly count: number }
  | {
    readonly kind: "folioq";
    readonly dir: Dir;
    readonly slot: number;
    readonly offset: number;
    readonly spp: number;
  }
  | { readonly kind: "discard"; readonly count: number };

/** The folio_queue slots of the file, in index order: (head pfn, size). */
const SLOTS = FOLIOS.map((f) => ({ headPfn: f.pfn, size: PAGE * 2 ** f.order }));

/** Page ranges of a user/vmalloc-style address range over per-page pfns. */
function pagedRanges(pfns: readonly number[], page: number, inPage: number, len: number) {
  const out: PageRange[] = [];
  let done = 0;
  while (done < len) {
    const o = page * PAGE + inPage + done;
    const ip = o % PAGE;
    const n = Math.min(len - done, PAGE - ip);
    out.push({ pfn: pfns[Math.floor(o / PAGE)], inPage: ip, len: n });
    done += n;
  }
  return out;
}

function filePfn(index: number): number {
  for (const f of FOLIOS) {
    if (index >= f.index && index < f.index + 2 ** f.order) return f.pfn + index - f.index;
  }
  throw new Error(`file page ${index} is not cached`);
}

/** Segment lengths in order (vector kinds and FOLIOQ from the start slot). */
function segLens(s: IterSpec): number[] {
  switch (s.kind) {
    case "iovec":
    case "kvec":
    case "bvec":
      return s.segs.map((g) => g.len);
    case "folioq":
      return SLOTS.slice(s.slot).map((sl, k) => k === 0 ? sl.size - s.offset : sl.size);
    case "ubuf":
      return [s.seg.len];
    case "xarray":
      return [s.count];
    case "discard":
      return [s.count];
  }
}

/** Every byte the iterator describes from its creation, as page ranges, in order. */
function expand(s: IterSpec): PageRange[] {
  switch (s.kind) {
    case "iovec":
      return s.segs.flatMap((g) => pagedRanges(UPFNS, g.page, g.inPage, g.len));
    case "ubuf":
      return pagedRanges(UPFNS, s.seg.page, s.seg.inPage, s.seg.len);
    case "kvec":
      return s.segs.flatMap((g) =>
        g.space === "lin"
          ? physRanges(KBASE + g.page, g.inPage, g.len)
          : pagedRanges(VPFNS, g.page, g.inPage, g.len)
      );
    case "bvec":
      return s.segs.flatMap((g) => physRanges(BBASE + g.page, g.offset, g.len));
    case "xarray": {
      const out: PageRange[] = [];
      for (let p = s.start; p < s.start + s.count;) {
        const ip = p % PAGE;
        const n = Math.min(s.start + s.count - p, PAGE - ip);
        out.push({ pfn: filePfn(Math.floor(p / PAGE)), inPage: ip, len: n });
        p += n;
      }
      return out;
    }
    case "folioq":
      return SLOTS.slice(s.slot).flatMap((sl, k) =>
        physRanges(sl.headPfn, k === 0 ? s.offset : 0, k === 0 ? sl.size - s.offset : sl.size)
      );
    case "discard":
      return [];
  }
}

function total(s: IterSpec): number {
  return segLens(s).reduce((a, b) => a + b, 0);
}

function build(ctx: TestCtx, s: IterSpec): IovIter {
  const o = origin("it", 1);
  switch (s.kind) {
    case "iovec":
      return iovIterInit(
        o,
        s.dir,
        s.segs.map((g) => ({ base: U + BigInt(g.page * PAGE + g.inPage), len: g.len })),
      );
    case "ubuf":
      return iovIterUbuf(o, s.dir, U + BigInt(s.seg.page * PAGE + s.seg.inPage), s.seg.len);
    case "kvec":
      return iovIterKvec(
        o,
        s.dir,
        s.segs.map((g) => ({
          base: g.space === "lin"
            ? LIN + BigInt((KBASE + g.page) * PAGE + g.inPage)
            : VM + BigInt(g.page * PAGE + g.inPage),
          len: g.len,
        })),
      );
    case "bvec":
      return iovIterBvec(
        o,
        s.dir,
        s.segs.map((g) => ({ pfn: BBASE + g.page, offset: g.offset, len: g.len })),
      );
    case "xarray":
      return iovIterXarray(o, s.dir, ctx.mem.regions.get("file")!, s.start, s.count);
    case "folioq": {
      const it = iovIterFolioQueue(ctx, o, s.dir, ctx.mem.regions.get("file")!, {
        slot: s.slot,
        offset: s.offset,
        count: total(s),
        slotsPerSegment: s.spp,
      });
      assert.ok(it.kind === "folioq");
      assert.deepEqual(it.slots, SLOTS, "folio_queue slots");
      return it;
    }
    case "discard":
      return iovIterDiscard(o, s.count);
  }
}

/** Bytes consumed since creation, from the iterator's position fields and the spec alone. */
function positionOf(s: IterSpec, it: IovIter): number | undefined {
  switch (s.kind) {
    case "iovec":
    case "kvec":
    case "bvec": {
      assert.ok("idx" in it);
      let p = it.iovOffset;
      for (let k = 0; k < it.idx; k++) p += s.segs[k].len;
      return p;
    }
    case "folioq": {
      assert.ok(it.kind === "folioq");
      let p = it.iovOffset - s.offset;
      for (let k = s.slot; k < it.idx; k++) p += SLOTS[k].size;
      return p;
    }
    case "ubuf":
    case "xarray":
      return it.iovOffset;
    case "discard":
      return undefined;
  }
}

/** Byte offsets (from creation) of every segment end. */
function boundaries(s: IterSpec): number[] {
  const out: number[] = [];
  let acc = 0;
  for (const l of segLens(s)) out.push(acc += l);
  return out;
}

// ---------------------------------------------------------------------------------------
// Arbitraries

const segLen = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 64 }), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 3 * PAGE }), weight: 3 },
  { arbitrary: fc.constantFrom(PAGE, 2 * PAGE, PAGE - 1, PAGE + 1), weight: 1 },
);
const inPage = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: PAGE - 1 }));
const dir = fc.constantFrom<Dir>("source", "dest");

function addrSeg(npages: number): fc.Arbitrary<AddrSegSpec> {
  return fc.record({ page: fc.integer({ min: 0, max: npages - 1 }), inPage, len: segLen })
    .map((g) => ({ ...g, len: Math.min(g.len, (npages - g.page) * PAGE - g.inPage) }));
}

const iovecSpec = fc.record({
  kind: fc.constant("iovec" as const),
  dir,
  segs: fc.array(addrSeg(UPAGES), { minLength: 0, maxLength: 6 }),
});
const kvecSpec = fc.record({
  kind: fc.constant("kvec" as const),
  dir,
  segs: fc.array(
    fc.tuple(fc.constantFrom<"lin" | "vm">("lin", "vm"), addrSeg(KPAGES))
      .map(([space, g]) => ({ space, ...g })),
    { minLength: 0, maxLength: 6 },
  ),
});
const bvecSpec = fc.record({
  kind: fc.constant("bvec" as const),
  dir,
  segs: fc.array(
    fc.record({
      page: fc.integer({ min: 0, max: BPAGES - 4 }),
      offset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * PAGE - 1 })),
      len: segLen,
    }),
    { minLength: 0, maxLength: 6 },
  ),
});
const ubufSpec = fc.record({ kind: fc.constant("ubuf" as const), dir, seg: addrSeg(UPAGES) });
const xarraySpec = fc.record({
  kind: fc.constant("xarray" as const),
  dir,
  start: fc.integer({ min: 0, max: FPAGES * PAGE }),
  count: fc.integer({ min: 0, max: FPAGES * PAGE }),
}).map((s) => ({ ...s, count: Math.min(s.count, FPAGES * PAGE - s.start) }));
const folioqSpec = fc.record({
  kind: fc.constant("folioq" as const),
  dir,
  slot: fc.integer({ min: 0, max: SLOTS.length }),
  offset: fc.integer({ min: 0, max: 4 * PAGE - 1 }),
  spp: fc.integer({ min: 1, max: 4 }),
}).map((s) => ({
  ...s,
  offset: s.slot < SLOTS.length ? s.offset % SLOTS[s.slot].size : 0,
}));
const discardSpec = fc.record({
  kind: fc.constant("discard" as const),
  count: fc.integer({ min: 0, max: 8 * PAGE }),
});

/** Operation amounts are fractions (q / 1024) of what is available when the op runs. */
const q = fc.integer({ min: 0, max: 1024 });
type Op =
  | { op: "advance"; q: number }
  | { op: "toBoundary"; j: number }
  | { op: "revert"; q: number }
  | { op: "copy"; q: number }
  | { op: "shortWalk"; q: number; budget: number }
  | { op: "truncReexpand"; t: number; q: number; copy: boolean }
  | { op: "advanceRevert"; q: number }
  | { op: "saveRestore"; q: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("advance" as const), q }),
  fc.record({ op: fc.constant("toBoundary" as const), j: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant("revert" as const), q }),
  fc.record({ op: fc.constant("copy" as const), q }),
  fc.record({ op: fc.constant("shortWalk" as const), q, budget: q }),
  fc.record({ op: fc.constant("truncReexpand" as const), t: q, q, copy: fc.boolean() }),
  fc.record({ op: fc.constant("advanceRevert" as const), q }),
  fc.record({ op: fc.constant("saveRestore" as const), q }),
);

// ---------------------------------------------------------------------------------------
// The run

const VECTOR = new Set(["iovec", "kvec", "bvec", "folioq"]);

function frac(qv: number, n: number): number {
  return Math.floor(n * qv / 1024);
}

function runSequence(spec: IterSpec, ops: readonly Op[]): void {
  const ctx = newCtx();
  const it = build(ctx, spec);
  const all = expand(spec);
  const tot = total(spec);
  const isDest = spec.kind === "discard" || spec.dir === "dest";
  // independent shadow of the iterator (pos, count) and of memory
  let pos = 0, count = tot;
  const shadow = new Map<number, Uint8Array>();
  const page = (pfn: number) => {
    let p = shadow.get(pfn);
    if (!p) shadow.set(pfn, p = new Uint8Array(PAGE));
    return p;
  };
  if (!isDest) {
    for (const pfn of new Set(all.map((r) => r.pfn))) {
      const bytes = testBytes(PAGE, pfn);
      ctx.mem.writePage(pfn, 0, bytes);
      page(pfn).set(bytes);
    }
  }
  const shadowRead = (ranges: readonly PageRange[]) => {
    const parts = ranges.map((r) => page(r.pfn).slice(r.inPage, r.inPage + r.len));
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) out.set(p, (at += p.length) - p.length);
    return out;
  };
  const shadowWrite = (ranges: readonly PageRange[], data: Uint8Array) => {
    let at = 0;
    for (const r of ranges) {
      page(r.pfn).set(data.subarray(at, at + r.len), r.inPage);
      at += r.len;
    }
  };
  const moved = (a: number) => {
    pos += a;
    count -= a;
  };

  const check = (what: string) => {
    assert.deepEqual(ctx.warnings, [], `${what}: no warnings`);
    assert.ok(it.count >= 0, `${what}: count >= 0`);
    assert.equal(it.count, count, `${what}: count`);
    const p = positionOf(spec, it);
    if (p !== undefined) assert.equal(p, pos, `${what}: byte position`);
    if (VECTOR.has(spec.kind)) {
      assert.equal(kindOps(it).described(it), it.count, `${what}: described == count`);
    }
    // the generic walk visits exactly the bytes described from here, in order
    const c = cloneIter(it);
    const r = recorder();
    const n = iterateAndAdvance(ctx.mem, c, c.count, r.step);
    assert.equal(n, it.count, `${what}: walk progress`);
    assert.equal(c.count, 0, `${what}: walk consumes count`);
    assert.deepEqual(
      mergeRanges(r.pieces.map((x) => ({ pfn: x.pfn, inPage: x.inPage, len: x.len }))),
      mergeRanges(sliceRanges(all, pos, it.count)),
      `${what}: walked bytes`,
    );
  };

  check("created");
  ops.forEach((o, i) => {
    const what = `op ${i} ${JSON.stringify(o)}`;
    switch (o.op) {
      case "advance": {
        const n = frac(o.q, count + 64);
        iovIterAdvance(ctx, it, n);
        moved(Math.min(n, count));
        break;
      }
      case "toBoundary": {
        const ends = boundaries(spec).filter((b) => b >= pos);
        const target = ends[Math.min(o.j, ends.length - 1)] ?? pos;
        iovIterAdvance(ctx, it, target - pos);
        moved(Math.min(target - pos, count));
        break;
      }
      case "revert": {
        const n = frac(o.q, pos);
        iovIterRevert(ctx, it, n);
        moved(-n);
        break;
      }
      case "copy": {
        const n = frac(o.q, count + 64);
        const a = Math.min(n, count);
        if (isDest) {
          const data = testBytes(n, i + 1);
          assert.equal(copyToIter(ctx, it, data), a, `${what}: copied`);
          if (spec.kind !== "discard") shadowWrite(sliceRanges(all, pos, a), data);
        } else {
          const got = copyFromIter(ctx, it, n);
          assert.deepEqual(got, shadowRead(sliceRanges(all, pos, a)), `${what}: bytes read`);
        }
        moved(a);
        break;
      }
      case "shortWalk": {
        // a step that gives up after `budget` bytes: the walk must stop there
        const n = frac(o.q, count + 64);
        let budget = frac(o.budget, count + 1);
        const r = recorder();
        const got = iterateAndAdvance(ctx.mem, it, n, (piece, prog) => {
          r.step(piece);
          const take = Math.min(budget, piece.len);
          budget -= take;
          assert.ok(prog >= 0);
          return piece.len - take;
        });
        const want = spec.kind === "discard"
          ? Math.min(n, count)
          : Math.min(n, count, frac(o.budget, count + 1));
        assert.equal(got, want, `${what}: short walk progress`);
        moved(got);
        break;
      }
      case "truncReexpand": {
        const c0 = it.count;
        iovIterTruncate(it, frac(o.t, c0 + 1));
        const c1 = it.count;
        assert.equal(c1, Math.min(c0, frac(o.t, c0 + 1)), `${what}: truncate`);
        if (VECTOR.has(spec.kind)) {
          assert.ok(kindOps(it).described(it) >= it.count, `${what}: truncated count <= described`);
        }
        const n = frac(o.q, c1 + 16);
        if (o.copy && isDest) copyToIter(ctx, it, testBytes(n, 1000 + i));
        else if (o.copy) copyFromIter(ctx, it, n);
        else iovIterAdvance(ctx, it, n);
        const a = c1 - it.count;
        assert.equal(a, Math.min(n, c1), `${what}: progress under truncation`);
        if (o.copy && isDest && spec.kind !== "discard") {
          shadowWrite(sliceRanges(all, pos, a), testBytes(n, 1000 + i));
        }
        iovIterReexpand(it, c0 - a);
        moved(a);
        break;
      }
      case "advanceRevert": {
        const before = {
          count: it.count,
          off: it.iovOffset,
          nr: nrSegs(it),
          idx: "idx" in it ? it.idx : -1,
          pos: positionOf(spec, it),
        };
        // a start is canonical unless it sits at offset 0 of an empty vector segment
        const canonical = !("idx" in it) || it.iovOffset > 0 ||
          segLens(spec)[positionIndex(spec, it)] > 0;
        const n = frac(o.q, count + 64);
        iovIterAdvance(ctx, it, n);
        const a = before.count - it.count;
        assert.equal(a, Math.min(n, count), `${what}: advanced`);
        iovIterRevert(ctx, it, a);
        assert.equal(it.count, before.count, `${what}: count restored`);
        assert.equal(positionOf(spec, it), before.pos, `${what}: byte position restored`);
        if (a > 0 && canonical) {
          assert.deepEqual(
            { off: it.iovOffset, nr: nrSegs(it), idx: "idx" in it ? it.idx : -1 },
            { off: before.off, nr: before.nr, idx: before.idx },
            `${what}: (iov_offset, nr_segs) restored`,
          );
        }
        break;
      }
      case "saveRestore": {
        if (spec.kind !== "iovec" && spec.kind !== "bvec" && spec.kind !== "ubuf") break;
        const before = { count: it.count, off: it.iovOffset, idx: "idx" in it ? it.idx : -1 };
        const st = iovIterSaveState(it);
        iovIterAdvance(ctx, it, frac(o.q, count + 64));
        iovIterRestore(ctx, it, st);
        assert.deepEqual(
          { count: it.count, off: it.iovOffset, idx: "idx" in it ? it.idx : -1 },
          before,
          `${what}: restored`,
        );
        break;
      }
    }
    check(what);
  });

  // memory: every page holds exactly what the shadow says (nothing written elsewhere)
  for (const pfn of ALL_PFNS) {
    assert.deepEqual(
      ctx.mem.readPage(pfn, 0, PAGE),
      shadow.get(pfn) ?? new Uint8Array(PAGE),
      `page ${pfn.toString(16)} contents`,
    );
  }
  // and reading the described bytes back through the memory gives the shadow's bytes
  assert.deepEqual(readRanges(ctx.mem, all), shadowRead(all));
}

/** Index into segLens(spec) of the iterator's current segment. */
function positionIndex(spec: IterSpec, it: IovIter): number {
  if (spec.kind === "folioq" && it.kind === "folioq") return it.idx - spec.slot;
  return "idx" in it ? it.idx : 0;
}

// ---------------------------------------------------------------------------------------

const SEED = Number(Deno.env.get("FC_SEED") ?? Date.now() % 2 ** 31);
const RUNS = Number(Deno.env.get("FC_RUNS") ?? 200);

function assertProperty(spec: fc.Arbitrary<IterSpec>): void {
  fc.assert(
    fc.property(spec, fc.array(opArb, { maxLength: 12 }), (s, ops) => runSequence(s, ops)),
    { seed: SEED, numRuns: RUNS },
  );
}

const KINDS: [string, fc.Arbitrary<IterSpec>][] = [
  ["IOVEC", iovecSpec],
  ["KVEC", kvecSpec],
  ["BVEC", bvecSpec],
  ["UBUF", ubufSpec],
  ["XARRAY", xarraySpec],
  ["FOLIOQ", folioqSpec],
  ["DISCARD", discardSpec],
];

for (const [name, arb] of KINDS) {
  Deno.test(
    `${name} iterators keep count, position, walked bytes and memory consistent under random advance/revert/copy/truncate sequences (seed ${SEED})`,
    () => assertProperty(arb),
  );
}
