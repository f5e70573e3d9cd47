/**
 * Conversions agree with the generic walk: for every kernel kind, the bytes an sg table, an
 * SGE array or an extracted page list describes equal the bytes the iterator advanced by,
 * and are exactly the bytes iterate_and_advance visits over that span.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
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
  recorder,
  type TestCtx,
} from "../_helpers.ts";
import type { IovIter } from "../../src/model/iter.ts";
import {
  iovIterBvec,
  iovIterFolioQueue,
  iovIterKvec,
  iovIterXarray,
} from "../../src/model/construct.ts";
import { iterateAndAdvance } from "../../src/model/iterate.ts";
import { copyFromIter } from "../../src/model/copy.ts";
import { iovIterExtractPages } from "../../src/model/extract.ts";
import { extractIterToSg } from "../../src/convert/to_sg.ts";
import { sgInitTable } from "../../src/convert/sg.ts";
import { type RdmaList, smbExtractIterToRdma } from "../../src/convert/rdma.ts";
import { DmaMapper } from "../../src/convert/dma.ts";
import { compareRelease, modelledEras, resolveRelease } from "../../src/profile.ts";
import type { Holds } from "../../src/convert/holds.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);
const runs = { seed, numRuns: 150 };
const SIZE = 64 * PAGE;

const holds: Holds = {
  take() {},
  drop: () => true,
  takeRun() {},
  dropRun: (_k, _f, n) => n,
  takeThenDrop() {},
  miss() {},
};

function ctxAll(release = "latest"): TestCtx {
  return makeCtx(
    memSpec({
      kernel: [
        kernelRegion("km", SIZE, { kind: "kmalloc" }),
        kernelRegion("vm", SIZE, {
          kind: "vmalloc",
          pfns: Array.from({ length: 64 }, (_, i) => 0x9000 + ((i * 37) % 64) * 2),
        }),
        kernelRegion("pg", SIZE, { kind: "page_alloc" }),
      ],
      files: [fileSpec("f", SIZE, { folio_order: 2 })],
    }),
    release,
  );
}

const segsArb = fc.array(
  fc.record({
    off: fc.nat(SIZE - 1),
    len: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * PAGE })),
  }),
  { minLength: 1, maxLength: 6 },
);

/** Builds an iterator of `kind` over the declared regions. */
function build(ctx: TestCtx, kind: string, segs: { off: number; len: number }[]): IovIter {
  const clip = segs.map((s) => ({ off: s.off, len: Math.min(s.len, SIZE - s.off) }));
  const mem = ctx.mem;
  switch (kind) {
    case "kvec-kmalloc":
    case "kvec-vmalloc": {
      const r = mem.regions.get(kind === "kvec-kmalloc" ? "km" : "vm")!;
      // a kmalloc buffer is contiguous in the direct map; keep vmalloc segments in the region
      return iovIterKvec(
        origin("k"),
        "source",
        clip.map((s) => ({ base: mem.virtAddr(r, s.off)!, len: s.len })),
      );
    }
    case "bvec": {
      const r = mem.regions.get("pg")!;
      return iovIterBvec(
        origin("b"),
        "source",
        clip.map((s) => ({
          pfn: r.pfnOf(0) + Math.floor(s.off / PAGE),
          offset: s.off % PAGE,
          len: s.len,
        })),
      );
    }
    case "xarray": {
      const s = clip[0];
      return iovIterXarray(
        origin("x"),
        "source",
        mem.regions.get("f")!,
        s.off,
        Math.min(s.len * 3, SIZE - s.off),
      );
    }
    default: {
      const s = clip[0];
      return iovIterFolioQueue(ctx, origin("q"), "source", mem.regions.get("f")!, {
        slot: 0,
        offset: s.off % (4 * PAGE),
        count: Math.min(s.len * 3, SIZE - (s.off % (4 * PAGE))),
        slotsPerSegment: 3,
      });
    }
  }
}

/** What the generic walk visits for the next `n` bytes of a clone of `it`. */
function walked(ctx: TestCtx, it: IovIter, n: number): PageRange[] {
  const clone = { ...it } as IovIter;
  const rec = recorder();
  iterateAndAdvance(ctx.mem, clone, n, rec.step);
  return mergeRanges(rec.pieces.map((p) => ({ pfn: p.pfn, inPage: p.inPage, len: p.len })));
}

const KINDS = ["kvec-kmalloc", "kvec-vmalloc", "bvec", "xarray", "folioq"];

for (const kind of KINDS) {
  Deno.test(`extract_iter_to_sg on ${kind}: entries describe exactly the bytes advanced, as the walk visits them`, () => {
    fc.assert(
      fc.property(
        segsArb,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 200 * 1024 }),
        (segs, sgMax, ask) => {
          const ctx = ctxAll();
          const it = build(ctx, kind, segs);
          // callers pass at most count: kernel kinds do not clamp (see the over_advance test)
          const maxsize = Math.min(ask, it.count);
          const before = it.count;
          const want = walked(ctx, it, Math.min(maxsize, it.count));
          const t = sgInitTable("s", 4096, 1);
          const ret = extractIterToSg(
            ctx,
            it,
            t,
            { maxsize, sgMax, p2pdma: false, step: 1 },
            holds,
          );
          assert.ok(ret >= 0);
          assert.equal(before - it.count, ret, "advance == ret");
          const got = mergeRanges(
            t.entries.slice(0, t.nents).flatMap((e) => physRanges(e.pfn, e.offset, e.length)),
          );
          let n = 0;
          for (const r of got) n += r.len;
          assert.equal(n, ret, "entries describe ret bytes");
          assert.ok(t.nents <= sgMax, "nents <= sg_max");
          assert.deepEqual(got, mergeRanges(sliceFirst(want, ret)));
          assert.deepEqual(ctx.warnings.filter((w) => w.code === "over_advance"), []);
        },
      ),
      runs,
    );
  });

  // XARRAY has its own oracle below: smbdirect mapped it with the original-start offset bug
  if (kind !== "xarray") {
    Deno.test(`smb_extract_iter_to_rdma on ${kind}: SGEs describe the bytes advanced, at most max_sge`, () => {
      fc.assert(
        fc.property(
          segsArb,
          fc.integer({ min: 1, max: 16 }),
          fc.integer({ min: 1, max: 100 * 1024 }),
          (segs, maxSge, len) => {
            const ctx = ctxAll();
            const it = build(ctx, kind, segs);
            const before = it.count;
            const want = walked(ctx, it, Math.min(len, it.count));
            const rdma: RdmaList = {
              name: "r",
              sge: [],
              maxSge,
              lkey: 1n,
              dir: "to_device",
              step: 1,
            };
            const ret = smbExtractIterToRdma(
              ctx,
              it,
              Math.min(len, it.count),
              rdma,
              new DmaMapper(false, PAGE),
            );
            assert.equal(before - it.count, ret);
            assert.ok(rdma.sge.length <= maxSge);
            const got = mergeRanges(rdma.sge.flatMap((g) => physRanges(g.pfn, g.offset, g.length)));
            assert.deepEqual(got, mergeRanges(sliceFirst(want, ret)));
            for (const g of rdma.sge) {
              assert.equal(
                g.addr,
                (g.pfn + Math.floor(g.offset / PAGE)) * PAGE + (g.offset % PAGE),
              );
            }
          },
        ),
        runs,
      );
    });
  }

  Deno.test(`iov_iter_extract_pages on ${kind}: the page list from offset0 covers the bytes advanced`, () => {
    fc.assert(
      fc.property(
        segsArb,
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 100 * 1024 }),
        (segs, maxpages, maxsize) => {
          const ctx = ctxAll();
          const it = build(ctx, kind, segs);
          if (!it.count) return;
          const before = it.count;
          const want = walked(ctx, it, Math.min(maxsize, it.count));
          const r = iovIterExtractPages(ctx, it, { maxsize, maxpages, step: 1, p2pdma: false });
          assert.ok(r.ret >= 0);
          assert.equal(before - it.count, r.ret);
          assert.equal(r.retention, "none");
          assert.ok(r.pfns.length <= maxpages);
          // pages[0] from offset0, interior pages full, the last possibly partial
          const got: PageRange[] = [];
          let left = r.ret, off = r.offset0;
          for (const pfn of r.pfns) {
            const n = Math.min(left, PAGE - off);
            got.push({ pfn, inPage: off, len: n });
            left -= n;
            off = 0;
          }
          assert.equal(left, 0);
          assert.deepEqual(mergeRanges(got), mergeRanges(sliceFirst(want, r.ret)));
        },
      ),
      runs,
    );
  });
}

function sliceFirst(ranges: readonly PageRange[], n: number): PageRange[] {
  const out: PageRange[] = [];
  for (const r of ranges) {
    if (n <= 0) break;
    const k = Math.min(n, r.len);
    out.push({ pfn: r.pfn, inPage: r.inPage, len: k });
    n -= k;
  }
  return out;
}

Deno.test("extract_iter_to_sg on XARRAY beyond count describes more than it advances: over_advance", () => {
  const ctx = ctxAll();
  const it = iovIterXarray(origin("x"), "source", ctx.mem.regions.get("f")!, 0x100, 0x1000);
  const t = sgInitTable("s", 16, 1);
  const ret = extractIterToSg(
    ctx,
    it,
    t,
    { maxsize: 0x3000, sgMax: 16, p2pdma: false, step: 1 },
    holds,
  );
  // extract_xarray_to_sg walks maxsize bytes of folios; iov_iter_advance clamps to count
  assert.equal(ret, 0x3000);
  assert.equal(it.count, 0);
  assert.deepEqual(ctx.warnings.map((w) => w.code), ["over_advance"]);
});

/**
 * What smbdirect does with an XARRAY, era by era, written from the source rather than from the
 * model: 6.3 to 6.11 smb_extract_xarray_to_rdma (fs/smb/client/smbdirect.c) maps every folio
 * at offset_in_folio(folio, start), `start` being the iterator's position before the call (not
 * start + ret: the bug extract_xarray_to_sg had until 2bcd3ab37287), length min(maxsize,
 * folio_size - off), stops at max_sge or when maxsize is used, then iov_iter_advance(ret);
 * before 6.3 there is no such function and from 6.12 (ITER_FOLIOQ replaces it) XARRAY is
 * the default case: WARN_ON_ONCE, -EIO, nothing mapped or advanced.
 */
function smbXarrayOracle(
  release: string,
  file: { pfnOf(i: number): number },
  start: number,
  len: number,
  maxSge: number,
  fsize: number,
): { ret: number; sge: { pfn: number; offset: number; length: number }[] } {
  const r = resolveRelease(release);
  if (compareRelease(r, [6, 3]) < 0 || compareRelease(r, [6, 12]) >= 0) return { ret: -5, sge: [] };
  const sge = [];
  const off = start % fsize;
  let ret = 0;
  for (let head = start - off; head < SIZE && ret < len && sge.length < maxSge; head += fsize) {
    const length = Math.min(len - ret, fsize - off);
    sge.push({ pfn: file.pfnOf(head / PAGE), offset: off, length });
    ret += length;
  }
  return { ret, sge };
}

for (const release of modelledEras()) {
  Deno.test(`smb_extract_iter_to_rdma on xarray in ${release}: the SGEs the era's source maps`, () => {
    fc.assert(
      fc.property(
        segsArb,
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 100 * 1024 }),
        (segs, maxSge, ask) => {
          const ctx = ctxAll(release);
          const it = build(ctx, "xarray", segs);
          if (it.kind !== "xarray") throw new Error("not an XARRAY");
          const len = Math.min(ask, it.count);
          const before = it.count, start = it.xarrayStart + it.iovOffset;
          const want = smbXarrayOracle(release, it.file, start, len, maxSge, 4 * PAGE);
          const rdma: RdmaList = {
            name: "r",
            sge: [],
            maxSge,
            lkey: 1n,
            dir: "to_device",
            step: 1,
          };
          const ret = smbExtractIterToRdma(ctx, it, len, rdma, new DmaMapper(false, PAGE));
          assert.equal(ret, want.ret);
          assert.equal(before - it.count, Math.max(ret, 0));
          assert.deepEqual(
            rdma.sge.map((g) => ({ pfn: g.pfn, offset: g.offset, length: g.length })),
            want.sge,
          );
          assert.deepEqual(
            ctx.warnings.map((w) => w.code),
            ret < 0 ? ["unsupported_kind"] : [],
          );
        },
      ),
      { seed, numRuns: 20 },
    );
  });
}

Deno.test("extract_iter_to_sg on FOLIOQ beyond count: the count underflow is flagged and clamped, later operations run", () => {
  const ctx = ctxAll("6.12");
  const it = iovIterFolioQueue(ctx, origin("q"), "source", ctx.mem.regions.get("f")!, {
    slot: 0,
    offset: 0,
    count: 0x1000,
    slotsPerSegment: 3,
  });
  const t = sgInitTable("s", 16, 1);
  // extract_folioq_to_sg walks maxsize bytes of folios and does iter->count -= ret unchecked
  const ret = extractIterToSg(
    ctx,
    it,
    t,
    { maxsize: 0x5000, sgMax: 16, p2pdma: false, step: 1 },
    holds,
  );
  assert.equal(ret, 0x5000);
  assert.equal(it.count, 0);
  const bug = ctx.warnings.find((w) => w.code === "count_wrap" && w.severity === "bug");
  assert.deepEqual(bug?.fields, { iter: it.name, taken: 0x5000, count: 0x1000 });
  assert.match(bug?.message ?? "", /wraps to 0xffffffffffffc000/);
  // a negative count used to reach new Uint8Array() here: "Invalid typed array length"
  assert.equal(copyFromIter(ctx, it, 0x1000).length, 0);
  assert.equal(
    iovIterExtractPages(ctx, it, { maxsize: 0x1000, maxpages: 4, step: 2, p2pdma: false }).ret,
    0,
  );
});
