/**
 * Page extraction: iov_iter_get_pages2/_alloc2 (refs, 6.0+), the non-advancing
 * iov_iter_get_pages/_alloc (up to 5.19) and iov_iter_extract_pages (6.3+; pins for user
 * kinds, nothing for kernel kinds), per kind and era as lib/iov_iter.c has them
 * (__iov_iter_get_pages_alloc, iov_iter_extract_{user,kvec,bvec,folioq,xarray}_pages).
 *
 * @module
 */
import { checkLimit } from "../limits.ts";
import type { ModelCtx } from "./ctx.ts";
import type {
  BvecIter,
  BvecqIter,
  FolioqIter,
  IovIter,
  UbufIter,
  VecIter,
  XarrayIter,
} from "./iter.ts";
import { iovIterAdvance } from "./advance.ts";
import { NUM_ADDR_LIMIT, numAddr } from "./iter.ts";
import { gupFast, type GupFlags, gupOneRun, type GupResult, gupUser } from "./gup.ts";
import { vecAdvance } from "./kinds/vec.ts";
import { numPageOffset, pageOffset } from "./addr_math.ts";
import type { PfnRun } from "./pfn_runs.ts";
import { ZERO_PFN } from "./memory.ts";
import { maxRwCount } from "../profile.ts";
import { pipeGetPages } from "./pipe.ts";
import { pipeUsable } from "./pipe_check.ts";
import { hex, type Pfn, type Retention } from "../types.ts";

/** What an extraction produced. */
export interface Extraction {
  /** Bytes extracted from `offset0` in the first page, or a negative errno. */
  readonly ret: number;
  readonly offset0: number;
  readonly pfns: readonly Pfn[];
  /** How the pages are held. */
  readonly retention: Retention;
  /** Pages that received a counted hold (the zero page from 6.5 and skipped slab pages do not). */
  readonly holds: readonly Pfn[];
  /**
   * The pages as runs of consecutive pfns, given when each listed page is held once (holds
   * lists exactly the pages): callers can work per run without reading `pfns` or `holds`,
   * which are then built only when read.
   */
  readonly runs?: readonly PfnRun[];
}

const EFAULT = -14, ENOMEM = -12, EIO = -5;

function fail(errno: number): Extraction {
  return { ret: errno, offset0: 0, pfns: [], retention: "none", holds: [] };
}

/** want_pages_array() sized 0 pages: -ENOMEM. */
function badMaxpages(ctx: ModelCtx, it: IovIter): Extraction {
  ctx.warn(
    "bad_maxpages",
    { iter: it.name },
    `iov_iter_extract_pages on "${it.name}" with maxpages 0: -ENOMEM`,
    { cause: it.createdAt },
  );
  return fail(ENOMEM);
}

/** want_pages_array(): pages needed for `size` bytes from `start`, capped at maxpages. */
function wantPages(ps: number, size: number, start: number, maxpages: number): number {
  const n = Math.ceil((size + start) / ps);
  const want = n > maxpages ? maxpages : n;
  // the model keeps an object per listed page: bounded before the array is built
  checkLimit("extract_pages", want);
  return want;
}

/** Options of an extraction call. */
export interface ExtractOptions {
  readonly maxsize: number;
  readonly maxpages: number;
  /** The step doing it (for warnings' cause). */
  readonly step: number;
}

/**
 * iov_iter_get_pages2() and friends: refs on the pages; KVEC and DISCARD are -EFAULT.
 * `advance` false models the pre-6.0 iov_iter_get_pages, which left the iterator alone.
 */
export function iovIterGetPages(
  ctx: ModelCtx,
  it: IovIter,
  o: ExtractOptions & { advance: boolean },
): Extraction {
  if (!o.maxpages) return fail(0);
  const maxsize = Math.min(o.maxsize, it.count, maxRwCount(ctx.mem.pageSize));
  if (!maxsize) return fail(0);
  const work = o.advance ? it : { ...it } as IovIter;
  let res: Extraction;
  switch (work.kind) {
    case "ubuf":
    case "iovec":
      res = userPages(ctx, work, maxsize, o, false, false);
      break;
    case "bvec":
      res = bvecGetPages(ctx, work, maxsize, o);
      break;
    case "xarray":
      res = xarrayPages(ctx, work, maxsize, o, "ref");
      break;
    case "folioq":
      res = folioqPages(ctx, work, maxsize, o, "ref");
      break;
    case "pipe": {
      if (!pipeUsable(ctx, work, "iov_iter_get_pages")) return fail(EFAULT);
      const r = pipeGetPages(
        ctx,
        work.pipe,
        work,
        maxsize,
        o.maxpages,
        () => ctx.mem.allocPages(work.pipe.name, 1)[0],
      );
      if (r.ret === EFAULT) {
        ctx.warn(
          "pipe_wrong_use",
          { fn: "iov_iter_get_pages", iter: it.name },
          `iov_iter_get_pages on PIPE "${it.name}": the pipe is full, -EFAULT`,
          {
            cause: it.createdAt,
          },
        );
        return fail(EFAULT);
      }
      // the pipe now holds buffers for bytes that do not exist until the I/O completes
      work.pipe.claimStep = o.step;
      return { ret: r.ret, offset0: r.offset0, pfns: r.pfns, retention: "ref", holds: r.pfns };
    }
    case "bvecq":
      // the v1 text: WARN_ON_ONCE and -EFAULT; the queue owns its pages' retention
      ctx.warn(
        "unsupported_kind",
        { fn: "iov_iter_get_pages", iter: it.name, kind: it.kind },
        `iov_iter_get_pages on BVECQ "${it.name}": WARN_ON_ONCE, -EFAULT (extract the pages instead; the queue carries their release policy)`,
        { cause: it.createdAt },
      );
      return fail(EFAULT);
    case "kvec":
    case "discard":
      ctx.warn(
        "unsupported_kind",
        { fn: "iov_iter_get_pages", iter: it.name, kind: work.kind },
        `iov_iter_get_pages on ${work.kind.toUpperCase()} "${it.name}": -EFAULT (${
          work.kind === "kvec"
            ? "refs on kmalloc/stack/vmalloc objects do not keep them alive"
            : "nothing to get"
        })`,
        { cause: it.createdAt },
      );
      return fail(EFAULT);
  }
  return res;
}

/**
 * iov_iter_extract_pages() (6.3+): UBUF/IOVEC pinned (FOLL_PIN, FOLL_WRITE iff DEST),
 * KVEC/BVEC/XARRAY/FOLIOQ listed with no hold, DISCARD -EFAULT. Advances by the result.
 */
export function iovIterExtractPages(
  ctx: ModelCtx,
  it: IovIter,
  o: ExtractOptions & { p2pdma: boolean; alloc?: boolean },
): Extraction {
  const maxsize = Math.min(o.maxsize, it.count, maxRwCount(ctx.mem.pageSize));
  if (!maxsize) return fail(0);
  // want_pages_array() inside each extractor refuses maxpages 0; DISCARD and PIPE fail
  // first, KVEC/BVEC step over empty segments before sizing the array, and BVECQ has no
  // such check
  if (
    !o.maxpages && it.kind !== "bvec" && it.kind !== "kvec" && it.kind !== "bvecq" &&
    it.kind !== "discard" && it.kind !== "pipe"
  ) {
    return badMaxpages(ctx, it);
  }
  switch (it.kind) {
    case "ubuf":
    case "iovec": {
      const r = userPages(ctx, it, maxsize, o, true, o.p2pdma);
      // iov_iter_extract_user_pages returned GUP's error without freeing the array it had
      // just allocated until 72698020e15d (7.2)
      if (
        r.ret < 0 && r.ret !== ENOMEM && o.alloc && !ctx.profile.has("extract_user_pages_leak_fix")
      ) {
        ctx.warn(
          "array_leak",
          { iter: it.name, ret: r.ret },
          `iov_iter_extract_pages on "${it.name}" failed (${r.ret}) after allocating the page array (*pages was NULL): the array is never freed`,
          { cause: it.createdAt },
        );
      }
      return r;
    }
    case "kvec":
      return kvecPages(ctx, it, maxsize, o);
    case "bvec":
      return ctx.profile.has("bvec_extract_multi")
        ? bvecExtractMulti(ctx, it, maxsize, o)
        : bvecExtractOne(ctx, it, maxsize, o);
    case "xarray":
      return xarrayPages(ctx, it, maxsize, o, "none");
    case "folioq":
      return folioqPages(ctx, it, maxsize, o, "none");
    case "bvecq":
      return bvecqExtract(ctx, it, maxsize, o);
    case "discard":
      ctx.warn(
        "unsupported_kind",
        { fn: "iov_iter_extract_pages", iter: it.name, kind: it.kind },
        `iov_iter_extract_pages on DISCARD "${it.name}": -EFAULT`,
        { cause: it.createdAt },
      );
      return fail(EFAULT);
    case "pipe":
      ctx.warn(
        "pipe_wrong_use",
        { fn: "iov_iter_extract_pages", iter: it.name },
        `iov_iter_extract_pages on PIPE "${it.name}": not supported, -EFAULT`,
        {
          cause: it.createdAt,
        },
      );
      return fail(EFAULT);
  }
}

/**
 * User kinds: the first non-empty segment only (a call never crosses an iovec boundary),
 * then GUP-fast; bytes = min(size, got * PAGE - offset0). iov_iter_extract_user_pages /
 * __iov_iter_get_pages_alloc's user branch.
 */
function userPages(
  ctx: ModelCtx,
  it: UbufIter | VecIter,
  maxsize: number,
  o: ExtractOptions,
  pin: boolean,
  p2pdma: boolean,
): Extraction {
  const ps = ctx.mem.pageSize;
  // the address as a number when it is one below 2^52, exact with the skip added: no BigInt
  // arithmetic per extracted segment (-1: only `base` holds it)
  let num = -1, base = 0n, skip: number;
  let size = maxsize;
  if (it.kind === "ubuf") {
    base = it.ubuf;
    skip = it.iovOffset;
  } else {
    let k = it.idx;
    skip = it.iovOffset;
    while (k < it.segs.length && it.segs[k].len - skip <= 0) {
      k++;
      skip = 0;
    }
    if (k >= it.segs.length) return fail(0);
    const seg = it.segs[k];
    const a = numAddr(seg);
    if (a !== undefined) num = a;
    else base = seg.base;
    size = Math.min(size, seg.len - skip);
  }
  if (num < 0 && base < NUM_ADDR_LIMIT) num = Number(base);
  let offset0: number, g: GupResult;
  if (num >= 0) {
    const addr = num + skip;
    offset0 = numPageOffset(addr, ps);
    const n = wantPages(ps, size, offset0, o.maxpages);
    if (!n) return fail(ENOMEM);
    const first = gupOneRun(ctx, it.task, addr - offset0, n, it.dir === "dest", p2pdma);
    if (first !== undefined && (first > ZERO_PFN || ZERO_PFN >= first + n)) {
      // one mapping's consecutive frames, none the zero page: what gupUser would take, as one
      // run, without the walk and its result objects (a 1 GiB IOVEC comes through here once
      // per segment, in code V8 has not optimized yet, where every call costs)
      const bytes = Math.min(size, n * ps - offset0);
      if (it.kind === "iovec") vecAdvance(it, bytes);
      else iovIterAdvance(ctx, it, bytes);
      return new HeldRun(bytes, offset0, pin ? "pin" : "ref", first, n);
    }
    g = gupUser(ctx, it.task, addr - offset0, n, userFlags(it, pin, p2pdma), o.step);
  } else {
    const addr = skip ? base + BigInt(skip) : base;
    offset0 = pageOffset(addr, ps);
    const n = wantPages(ps, size, offset0, o.maxpages);
    if (!n) return fail(ENOMEM);
    const start = offset0 ? addr - BigInt(offset0) : addr;
    g = gupFast(ctx, it.task, start, n, userFlags(it, pin, p2pdma), o.step);
  }
  if ("errno" in g) return fail(g.errno);
  const bytes = Math.min(size, g.count * ps - offset0);
  iovIterAdvance(ctx, it, bytes);
  const retention = pin ? "pin" : "ref";
  const zero = g.runs.some((r) => r.first <= ZERO_PFN && ZERO_PFN < r.first + r.n);
  if (pin && ctx.profile.has("zero_page_unpinned") && zero) {
    const pfns = g.pfns;
    return { ret: bytes, offset0, pfns, retention, holds: pfns.filter((p) => p !== ZERO_PFN) };
  }
  // every page listed is held: the runs stand for both lists, built only if read
  return new HeldRuns(bytes, offset0, retention, g);
}

/**
 * An extraction whose every listed page is held once: `pfns` and `holds` are the GUP result's
 * pages, built only if read. A class, not an object literal with getters (which V8 builds
 * through a runtime call on every extraction).
 */
class HeldRuns implements Extraction {
  readonly runs: readonly PfnRun[];
  constructor(
    readonly ret: number,
    readonly offset0: number,
    readonly retention: Retention,
    private readonly g: { readonly pfns: Pfn[]; readonly runs: readonly PfnRun[] },
  ) {
    this.runs = g.runs;
  }
  get pfns(): readonly Pfn[] {
    return this.g.pfns;
  }
  get holds(): readonly Pfn[] {
    return this.g.pfns;
  }
}

/** GUP's flags for extraction from a user iterator. */
function userFlags(it: UbufIter | VecIter, pin: boolean, p2pdma: boolean): GupFlags {
  return { write: it.dir === "dest", pin, p2pdma, nofault: it.nofault };
}

/**
 * HeldRuns of a single run of `n` pages from `first`, its page array built only if read. The
 * extraction is its own one run (`runs` is [this]): one object less per extracted segment.
 */
class HeldRun implements Extraction, PfnRun {
  readonly runs: readonly PfnRun[];
  private arr: Pfn[] | undefined = undefined;
  constructor(
    readonly ret: number,
    readonly offset0: number,
    readonly retention: Retention,
    readonly first: Pfn,
    readonly n: number,
  ) {
    this.runs = [this];
  }
  get pfns(): readonly Pfn[] {
    const { first, n } = this;
    return this.arr ??= Array.from({ length: n }, (_, k) => first + k);
  }
  get holds(): readonly Pfn[] {
    return this.pfns;
  }
}

/**
 * Steps over empty segments at the current position, as the KVEC/BVEC extractors do. Before
 * f741bd7178c9 (6.6) the skip loop clamped maxsize by the empty segment's length, so once it
 * met one it walked to the end of the array (nr_segs to 0) and returned 0 with count unchanged.
 */
function skipEmpty(ctx: ModelCtx, it: VecIter | BvecIter): boolean {
  while (it.idx < it.segs.length && it.segs[it.idx].len - it.iovOffset === 0) {
    if (!ctx.profile.has("extract_skip_empty_fix")) {
      it.idx = it.segs.length;
      it.iovOffset = 0;
      return false;
    }
    it.idx++;
    it.iovOffset = 0;
  }
  return it.idx < it.segs.length;
}

/**
 * iov_iter_extract_kvec_pages(): the current kvec only; vmalloc/module/stack/ioremap
 * addresses through the page table, everything else through the direct map; no holds.
 */
function kvecPages(ctx: ModelCtx, it: VecIter, maxsize: number, o: ExtractOptions): Extraction {
  const ps = ctx.mem.pageSize;
  if (!skipEmpty(ctx, it)) return fail(0);
  if (!o.maxpages) return badMaxpages(ctx, it);
  const seg = it.segs[it.idx];
  const kaddr = seg.base + BigInt(it.iovOffset);
  const len = Math.min(seg.len - it.iovOffset, maxsize);
  const offset0 = Number(kaddr % BigInt(ps));
  const n = wantPages(ps, len, offset0, o.maxpages);
  if (!n) return fail(ENOMEM);
  const pfns: Pfn[] = [];
  const base = kaddr - BigInt(offset0);
  for (let k = 0; k < n; k++) {
    const loc = ctx.mem.translate(base + BigInt(k * ps));
    if (loc?.region.kind === "ioremap") {
      ctx.warn(
        "pin_unpinnable",
        { fn: "iov_iter_extract_pages", addr: hex(base + BigInt(k * ps)) },
        `iov_iter_extract_pages on KVEC "${it.name}": ${
          hex(base + BigInt(k * ps))
        } is ioremap'd device memory, the "page" is an MMIO pfn`,
        { cause: it.createdAt },
      );
    }
    pfns.push(loc ? loc.pfn : -1);
  }
  const bytes = Math.min(len, n * ps - offset0);
  iovIterAdvance(ctx, it, bytes);
  return { ret: bytes, offset0, pfns, retention: "none", holds: [] };
}

/**
 * BVEC get_pages (6.0+): the current bvec only, pages assumed consecutive from its first
 * page; a ref on each, except slab folios from 6.14 (in 6.14 alone every ref went to the first
 * page's folio: the bvec_get_pages_folio_fix row). An empty bvec starting mid-page still takes
 * one ref and returns 0 (first_bvec_segment + want_pages_array; 6.12.118 did so on the kernel).
 */
function bvecGetPages(ctx: ModelCtx, it: BvecIter, maxsize: number, o: ExtractOptions): Extraction {
  const ps = ctx.mem.pageSize;
  if (it.idx >= it.segs.length) return fail(0);
  const seg = it.segs[it.idx];
  const skip = it.iovOffset + seg.offset;
  const first = seg.pfn + Math.floor(skip / ps);
  const offset0 = skip % ps;
  const size = Math.min(maxsize, seg.len - it.iovOffset);
  const n = wantPages(ps, size, offset0, o.maxpages);
  if (!n) return fail(ENOMEM);
  const pfns: Pfn[] = [], holds: Pfn[] = [];
  // kmalloc above KMALLOC_MAX_CACHE_SIZE (two pages) comes from the page allocator, not slab
  const slabPage = (p: Pfn) => {
    const r = ctx.mem.pageLoc(p)?.region;
    return r?.kind === "slab" || (r?.kind === "kmalloc" && r.size <= 2 * ps);
  };
  // 6.14 (b9c0e49abfca until 770c8d55c428): `folio = page_folio(page)` is the first page's
  // folio for every k, both for the folio_test_slab() test and for the folio_get()
  const firstFolio = slabEra(ctx) && !ctx.profile.has("bvec_get_pages_folio_fix");
  let warned = false;
  for (let k = 0; k < n; k++) {
    const pfn = first + k;
    pfns.push(pfn);
    const r = ctx.mem.pageLoc(pfn)?.region;
    const kmem = r?.space === "kernel" && r.kind !== "page_alloc" && r.kind !== "highmem";
    const slab = slabPage(pfn);
    if (kmem && !warned) {
      warned = true;
      ctx.warn(
        "ref_on_kernel_memory",
        { iter: it.name, memory: r!.kind },
        `iov_iter_get_pages on BVEC "${it.name}": ${ctx.mem.pageName(pfn)} is ${
          r!.kind
        } memory; a page ref does not keep the object alive${
          slab && ctx.profile.has("slab_refcount_frozen")
            ? " (slab refcount frozen: no ref taken)"
            : ""
        }`,
        { cause: it.createdAt, page: ctx.mem.pageName(pfn) },
      );
    }
    const refPfn = firstFolio ? first : pfn;
    if (!(slabEra(ctx) && slabPage(refPfn))) holds.push(refPfn);
  }
  const bytes = Math.min(size, n * ps - offset0);
  it.count -= bytes;
  it.iovOffset += bytes;
  if (it.iovOffset === seg.len) {
    it.iovOffset = 0;
    it.idx++;
  }
  return { ret: bytes, offset0, pfns, retention: "ref", holds };
}

/** Whether the slab-refcount rule (and with it 6.14's first-folio ref) is in force. */
function slabEra(ctx: ModelCtx): boolean {
  return ctx.profile.has("slab_refcount_frozen");
}

/**
 * BVECQ extraction (7.4, iov_iter_extract_bvecq_pages after iter_count_bvecq_pages, v4 text of
 * 16 Jun 2026): no refs or pins; one entry per page-piece, running across bvecs and queue
 * segments while the run stays virtually contiguous: it stops before a later bvec whose
 * bv_offset is not page-aligned (an empty one included, unless its bv_page is NULL) and after
 * a bvec that does not end a page. There is no want_pages_array(): maxpages 0 sizes a
 * zero-length array and the transcription loop (a do/while) still stores the first page.
 */
function bvecqExtract(
  ctx: ModelCtx,
  it: BvecqIter,
  maxsize: number,
  o: ExtractOptions,
): Extraction {
  const ps = ctx.mem.pageSize;
  while (it.idx < it.segs.length && it.iovOffset >= it.segs[it.idx].len) {
    it.idx++;
    it.iovOffset = 0;
  }
  if (it.idx >= it.segs.length) return fail(0);
  const first = it.segs[it.idx];
  let maxpages = wantPages(ps, maxsize, (first.offset + it.iovOffset) % ps, o.maxpages);
  if (!maxpages) {
    ctx.warn(
      "maxpages_unchecked",
      { iter: it.name, kind: it.kind },
      `iov_iter_extract_pages on BVECQ "${it.name}" with maxpages 0 is not checked: one page is stored past the array (through ZERO_SIZE_PTR if it was allocated)`,
      { cause: it.createdAt },
    );
    maxpages = 1;
  }
  const pfns: Pfn[] = [];
  // e4e535bff2bc as it entered linux-next (next-20241030) set the walk's bvec_iter size to
  // maxsize + skip (skip: the offset into the current bvec, which bi_bvec_done already
  // skips), so the walk could take up to skip bytes more than asked and return them;
  // 341468e0ab4b 'lib/iov_iter: fix bvec iterator setup' (next-20241104, before 6.13) walks
  // maxsize bytes
  const budget = ctx.profile.has("bvec_extract_walk_size_fix") ? maxsize : maxsize + it.iovOffset;
  let size = 0, k = it.idx, done = it.iovOffset, left = budget, offset0 = 0;
  while (left > 0 && k < it.segs.length) {
    const seg = it.segs[k];
    if (done >= seg.len) {
      k++;
      done = 0;
      // an empty bvec with a page still has its bv_offset checked (a NULL one has offset 0)
      if (pfns.length && k < it.segs.length && it.segs[k].offset % ps) break;
      continue;
    }
    const off = seg.offset + done;
    const pageOff = off % ps;
    const len = Math.min(left, seg.len - done, ps - pageOff);
    if (pfns.length && pageOff) break;
    if (!pfns.length) offset0 = pageOff;
    pfns.push(seg.pfn + Math.floor(off / ps));
    size += len;
    left -= len;
    done += len;
    if (pfns.length >= maxpages || pageOff + len !== ps) break;
  }
  iovIterAdvance(ctx, it, size);
  return { ret: size, offset0, pfns, retention: "none", holds: [] };
}

/** BVEC extraction 6.3 to 6.12: one bvec per call, consecutive struct pages, no holds. */
function bvecExtractOne(
  ctx: ModelCtx,
  it: BvecIter,
  maxsize: number,
  o: ExtractOptions,
): Extraction {
  const ps = ctx.mem.pageSize;
  if (!skipEmpty(ctx, it)) return fail(0);
  if (!o.maxpages) return badMaxpages(ctx, it);
  const seg = it.segs[it.idx];
  const size = Math.min(maxsize, seg.len - it.iovOffset);
  const skip = it.iovOffset + seg.offset;
  const first = seg.pfn + Math.floor(skip / ps);
  const offset0 = skip % ps;
  const n = wantPages(ps, size, offset0, o.maxpages);
  const pfns = Array.from({ length: n }, (_, k) => first + k);
  const bytes = Math.min(size, n * ps - offset0);
  iovIterAdvance(ctx, it, bytes);
  return { ret: bytes, offset0, pfns, retention: "none", holds: [] };
}

/**
 * BVEC extraction 6.13+ (e4e535bff2bc): page pieces across bvecs; stops at maxpages, at a
 * later piece with an in-page offset, or after a piece that does not end on a page
 * boundary. The page cap is computed from iov_offset, not the in-page offset.
 */
function bvecExtractMulti(
  ctx: ModelCtx,
  it: BvecIter,
  maxsize: number,
  o: ExtractOptions,
): Extraction {
  const ps = ctx.mem.pageSize;
  if (it.idx >= it.segs.length) return fail(0);
  if (it.iovOffset === it.segs[it.idx].len) {
    it.iovOffset = 0;
    it.idx++;
  }
  let maxpages = wantPages(ps, maxsize, it.iovOffset, o.maxpages);
  if (!maxpages) {
    if (ctx.profile.has("bvec_extract_maxpages_check")) return badMaxpages(ctx, it);
    ctx.warn(
      "maxpages_unchecked",
      { iter: it.name, kind: it.kind },
      `iov_iter_extract_pages on BVEC "${it.name}" with maxpages 0 is not checked in this era: one page is stored past the array`,
      { cause: it.createdAt },
    );
    maxpages = 1;
  }
  const pfns: Pfn[] = [];
  // e4e535bff2bc as it entered linux-next (next-20241030) set the walk's bvec_iter size to
  // maxsize + skip (skip: the offset into the current bvec, which bi_bvec_done already
  // skips), so the walk could take up to skip bytes more than asked and return them;
  // 341468e0ab4b 'lib/iov_iter: fix bvec iterator setup' (next-20241104, before 6.13) walks
  // maxsize bytes
  const budget = ctx.profile.has("bvec_extract_walk_size_fix") ? maxsize : maxsize + it.iovOffset;
  let size = 0, k = it.idx, done = it.iovOffset, left = budget, offset0 = 0;
  while (left > 0 && k < it.segs.length) {
    const seg = it.segs[k];
    const off = seg.offset + done;
    const pageOff = off % ps;
    const len = Math.min(left, seg.len - done, ps - pageOff);
    if (pfns.length && pageOff) break;
    if (!pfns.length) offset0 = pageOff;
    pfns.push(seg.pfn + Math.floor(off / ps));
    size += len;
    left -= len;
    if (pfns.length >= maxpages) break;
    if (pageOff + len !== ps) break;
    done += len;
    if (done >= seg.len) {
      k++;
      done = 0;
    }
  }
  if (size > maxsize) {
    ctx.warn(
      "extract_over_return",
      { fn: "iov_iter_extract_pages", iter: it.name, maxsize, taken: size },
      `iov_iter_extract_pages on BVEC "${it.name}" returned ${hex(size)} bytes for a maxsize of ${
        hex(maxsize)
      }: the walk's size was maxsize plus the ${
        hex(size - maxsize)
      } bytes already consumed of the bvec (fixed by 341468e0ab4b before 6.13)`,
      { cause: it.createdAt },
    );
  }
  iovIterAdvance(ctx, it, size);
  return { ret: size, offset0, pfns, retention: "none", holds: [] };
}

/**
 * XARRAY (iter_xarray_get_pages / iov_iter_extract_xarray_pages): consecutive page
 * indices from the position, stopping at the first hole; refs for get_pages, none for
 * extraction. Before the 2026 fix, extraction with a hole at the first index and a non-zero
 * in-page offset reported maxsize bytes with no pages.
 */
function xarrayPages(
  ctx: ModelCtx,
  it: XarrayIter,
  maxsize: number,
  o: ExtractOptions,
  retention: "ref" | "none",
): Extraction {
  const ps = ctx.mem.pageSize;
  const pos = it.xarrayStart + it.iovOffset;
  const index = Math.floor(pos / ps);
  const offset0 = pos % ps;
  const n = wantPages(ps, maxsize, offset0, o.maxpages);
  if (!n) return fail(ENOMEM);
  const pfns: Pfn[] = [];
  for (let k = 0; k < n; k++) {
    const i = index + k;
    const pfn = i < it.file.npages ? it.file.pfnOf(i) : -1;
    if (pfn < 0) break;
    pfns.push(pfn);
  }
  if (!pfns.length) {
    if (retention === "none" && offset0 > 0 && !ctx.profile.has("xarray_extract_hole_fix")) {
      ctx.warn(
        "over_advance",
        { fn: "iov_iter_extract_pages", iter: it.name, advanced: maxsize, described: 0 },
        `iov_iter_extract_pages on XARRAY "${it.name}": hole at index ${index} with offset0 ${
          hex(offset0)
        } underflows; ${hex(maxsize)} bytes reported with no pages (fixed by 55f4bb9373ca)`,
        { cause: it.createdAt },
      );
      it.iovOffset += maxsize;
      it.count -= maxsize;
      return { ret: maxsize, offset0, pfns: [], retention, holds: [] };
    }
    return { ...fail(0), offset0 };
  }
  const bytes = Math.min(pfns.length * ps - offset0, maxsize);
  it.iovOffset += bytes;
  it.count -= bytes;
  return { ret: bytes, offset0, pfns, retention, holds: retention === "ref" ? pfns : [] };
}

/**
 * FOLIOQ (iter_folioq_get_pages): one page piece at a time across folios and queue
 * segments; an extraction ending exactly at a folio's end leaves iov_offset equal to the
 * folio size on the same slot. Past the last slot with an offset: WARN, -EIO.
 */
function folioqPages(
  ctx: ModelCtx,
  it: FolioqIter,
  maxsize: number,
  o: ExtractOptions,
  retention: "ref" | "none",
): Extraction {
  const ps = ctx.mem.pageSize;
  let slot = it.idx, iovOffset = it.iovOffset;
  if (slot >= it.slots.length) {
    ctx.warn(
      "unsupported_kind",
      { fn: "iter_folioq_get_pages", iter: it.name, kind: it.kind },
      `FOLIOQ "${it.name}" is past its last slot with offset ${hex(iovOffset)}: WARN, -EIO`,
      { cause: it.createdAt },
    );
    return fail(EIO);
  }
  let maxpages = wantPages(ps, maxsize, iovOffset % ps, o.maxpages);
  if (!maxpages) return fail(ENOMEM);
  const offset0 = iovOffset % ps;
  const pfns: Pfn[] = [];
  let extracted = 0;
  while (slot < it.slots.length) {
    const s = it.slots[slot];
    let part = ps - (iovOffset % ps);
    if (iovOffset < s.size) {
      part = Math.min(part, maxsize - extracted, s.size - iovOffset);
      pfns.push(s.headPfn + Math.floor(iovOffset / ps));
      iovOffset += part;
      extracted += part;
      maxpages--;
    }
    if (maxpages === 0 || extracted >= maxsize) break;
    if (iovOffset >= s.size) {
      iovOffset = 0;
      slot++;
    }
  }
  it.count -= extracted;
  it.iovOffset = iovOffset;
  it.idx = slot;
  return { ret: extracted, offset0, pfns, retention, holds: retention === "ref" ? pfns : [] };
}
