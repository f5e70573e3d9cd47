/**
 * bio_iov_iter_get_pages() and bio_release_pages() (block/bio.c): a BVEC iterator's array is
 * borrowed (cloned, no holds); other kinds are extracted into free bvec slots, each chunk
 * trimmed to the logical block size with the trimmed tail reverted and its pages released at
 * once. From 6.3 user pages are pinned (BIO_PAGE_PINNED); until 7.0 a page range merges into
 * the previous bvec when physically contiguous, and a merge into the same page drops the
 * extra pin at once; from 7.0 every run becomes its own bvec. Before 6.3 pages are taken
 * with iov_iter_get_pages2 refs.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { IovIter } from "../model/iter.ts";
import { iovIterAdvance, iovIterRevert } from "../model/advance.ts";
import { iovIterExtractPages, iovIterGetPages } from "../model/extract.ts";
import { iovIterIsAligned } from "../model/query.ts";
import { userBacked } from "../model/iter.ts";
import type { Holds } from "./holds.ts";
import type { Extraction } from "../model/extract.ts";
import type { PfnRun } from "../model/pfn_runs.ts";
import type { Pfn } from "../types.ts";
import { type Folio, ZERO_PFN } from "../model/memory.ts";

/** One bio_vec of a bio. */
export interface BioVec {
  readonly pfn: Pfn;
  readonly offset: number;
  len: number;
}

/** A bio being built. */
export interface Bio {
  readonly name: string;
  readonly bvec: BioVec[];
  readonly maxVecs: number;
  size: number;
  /** BIO_PAGE_PINNED: release unpins. */
  pinned: boolean;
  /** Pages held by refs (before 6.3): release puts them. */
  reffed: boolean;
  /** The bvec array is the iterator's own (BVEC iterators). */
  cloned: boolean;
  released: boolean;
  ioComplete: boolean;
  readonly step: number;
  readonly dir: "source" | "dest";
}

/** Options of one bio_iov_iter_get_pages call. */
export interface BioOptions {
  readonly lbs: number;
  readonly pos: number | undefined;
  readonly dmaAlignment: number;
  readonly p2p: boolean;
  readonly step: number;
}

const UINT_MAX = 0xffffffff;

/** Stands for the folio of a page that is a folio of its own: order 0 is all that is read. */
const SMALL_FOLIO: Folio = Object.freeze({ headPfn: -1, headIndex: 0, order: 0 });

/** Pages a (page, offset, len) range spans, as pfns. */
export function spanned(pfn: Pfn, offset: number, len: number, ps: number): Pfn[] {
  const first = pfn + Math.floor(offset / ps);
  const n = Math.ceil(((offset % ps) + len) / ps);
  return Array.from({ length: Math.max(n, 0) }, (_, k) => first + k);
}

/** Runs bio_iov_iter_get_pages; returns 0 or a negative errno. */
export function bioIovIterGetPages(
  ctx: ModelCtx,
  it: IovIter,
  bio: Bio,
  o: BioOptions,
  holds: Holds,
): number {
  const ps = ctx.mem.pageSize;
  if (it.kind === "bvec") {
    let skip = it.iovOffset, left = it.count;
    for (let k = it.idx; k < it.segs.length && left > 0; k++, skip = 0) {
      const s = it.segs[k];
      const len = Math.min(s.len - skip, left);
      if (len <= 0) continue;
      bio.bvec.push({ pfn: s.pfn, offset: s.offset + skip, len });
      left -= len;
    }
    bio.cloned = true;
    bio.size += it.count;
    iovIterAdvance(ctx, it, it.count);
    return 0;
  }
  const modern = ctx.profile.has("extract_pages");
  const lbsMask = o.lbs - 1;
  if (o.pos !== undefined && ((o.pos | it.count) & lbsMask)) return -22;
  if (
    !ctx.profile.has("dio_align_in_bio") &&
    !iovIterIsAligned(ctx, it, BigInt(o.dmaAlignment), BigInt(lbsMask))
  ) {
    return -22;
  }
  if (modern && userBacked(it)) bio.pinned = true;
  if (!modern) bio.reffed = true;
  const kind: "pin" | "ref" = modern ? "pin" : "ref";
  const merge = ctx.profile.has("bio_merge_same_page");
  const alignAfter = ctx.profile.has("bio_align_after_build");
  const atExtract = ctx.profile.has("dio_align_at_extract");
  const isP2p = (p: Pfn) => ctx.mem.pageLoc(p)?.region.kind === "p2p";
  const pending = new PendingHolds(holds, kind);
  // 6.3+: extraction; 6.0-6.2: iov_iter_get_pages2; before 6.0: iov_iter_get_pages, after
  // which bio_iov_iter_get_pages advanced the iterator itself
  const advances = ctx.profile.has("get_pages2");
  // the extraction being added and its pages; what it took is counted only if a page is
  // given back (one closure per call, not per extraction)
  const pages = new PagesOf();
  let took: Took | undefined;
  const release = (p: Pfn) => {
    if (!bio.pinned && !bio.reffed) return;
    // an extraction given as runs holds every page it lists once (see Took): no count
    if (pages.r!.runs) return void pending.drops.push(p);
    took ??= new Took(pages.r!);
    if (took.give(p)) pending.drops.push(p);
  };
  // `small`: the page is a folio of its own (then `fo` is not its folio, only order 0)
  const seen: { pfn: Pfn; p2p: boolean; fo: Folio; small: boolean } = {
    pfn: -1,
    p2p: false,
    fo: SMALL_FOLIO,
    small: true,
  };
  // whether the last bvec's page is P2P memory (read once, then carried along: only an added
  // bvec changes it, and a page that breaks the run ends the call)
  let prevP2p = modern && bio.bvec.length ? isP2p(bio.bvec[bio.bvec.length - 1].pfn) : false;
  // the extraction's options, one object refilled per extraction (read during the call only)
  const xo = { maxsize: 0, maxpages: 0, step: o.step, p2pdma: o.p2p };
  let ret = 0;
  do {
    if (atExtract && userBacked(it) && misalignedSegment(ctx, it, o.dmaAlignment)) {
      // 7.3: iov_iter_extract_bvecs refuses the segment before pinning it; the pins taken so
      // far are released and BIO_PAGE_PINNED cleared (the bio will not be submitted)
      pending.flush();
      releaseBio(ctx, bio, holds, false);
      bio.released = false;
      bio.pinned = false;
      bio.bvec.length = 0;
      bio.size = 0;
      return -22;
    }
    const maxpages = bio.maxVecs - bio.bvec.length;
    const maxsize = UINT_MAX - bio.size;
    let r: Extraction;
    if (modern) {
      xo.maxsize = maxsize;
      xo.maxpages = maxpages;
      r = iovIterExtractPages(ctx, it, xo);
    } else r = iovIterGetPages(ctx, it, { maxsize, maxpages, step: o.step, advance: advances });
    if (!modern && !advances && r.ret > 0) iovIterAdvance(ctx, it, r.ret);
    // the holds go to the ledger when the call ends (or before anything else reads them)
    if (r.runs) { for (const run of r.runs) pending.takeRun(run); }
    else for (const p of r.holds) pending.take(p, 1);
    pages.reset(r);
    took = undefined;
    if (r.ret <= 0) {
      ret = r.ret ? r.ret : -14;
      break;
    }
    let size = r.ret, off = r.offset0;
    const trim = alignAfter ? 0 : size & lbsMask;
    if (trim) iovIterRevert(ctx, it, trim);
    size -= trim;
    if (!size) {
      for (let i = 0; i < pages.count; i++) release(pages.at(i));
      ret = -14;
      break;
    }
    let left = size, i = 0;
    while (left > 0) {
      const pfn = pages.at(i);
      // the page and its folio, looked up once for a page two extractions share (an iovec
      // that starts in the page the previous one ended in)
      if (pfn !== seen.pfn) {
        const range = ctx.mem.pfnRange(pfn);
        const region = range?.region;
        seen.pfn = pfn;
        seen.p2p = region?.kind === "p2p";
        if (region !== undefined && region.space !== "file" && region.folioOrder === 0) {
          // a region of small folios (a file's page cache may list folios of any order):
          // the page is its own folio, as folioOf() would say, without an object for it
          seen.fo = SMALL_FOLIO;
          seen.small = true;
        } else {
          seen.small = false;
          seen.fo =
            (range ? range.region.folioOf(range.firstIndex + pfn - range.first) : undefined) ??
              { headPfn: pfn, headIndex: 0, order: 0 };
        }
      }
      // zone_device_pages_have_same_pgmap(): P2P pages never share a bio with ordinary ones
      const p2p = seen.p2p;
      if (modern && bio.bvec.length && prevP2p !== p2p) break;
      const fo = seen.fo;
      const large = !seen.small && fo.order > 0;
      const folioOff = large ? (pfn - fo.headPfn) * ps + off : off;
      const fsize = ps * 2 ** fo.order;
      let len = Math.min(large ? fsize - folioOff : ps - off, left);
      // a run inside a large folio must be pages extraction returned consecutively
      let n = Math.ceil((off + len) / ps);
      for (let k = 1; k < n; k++) {
        if (pages.at(i + k) !== pfn + k) {
          len = k * ps - off;
          n = k;
          break;
        }
      }
      const added = addRange(
        ctx,
        bio,
        large ? fo.headPfn : pfn,
        large ? folioOff : off,
        len,
        merge,
        release,
      );
      if (modern && added) prevP2p = large ? isP2p(fo.headPfn) : p2p;
      left -= len;
      i += n;
      off = 0;
    }
    if (left) iovIterRevert(ctx, it, left);
    for (; i < pages.count; i++) release(pages.at(i));
    bio.size += size - left;
    if (left) break;
  } while (!ret && it.count && bio.bvec.length < bio.maxVecs);
  pending.flush();
  if (!bio.bvec.length) return ret;
  return alignAfter ? alignDown(ctx, it, bio, lbsMask, holds) : 0;
}

/**
 * The 7.3 per-segment check of iov_iter_extract_bvecs(): the current user segment's address
 * and the length left in it, against the memory alignment mask. 7.3-rc1/rc2 and 7.2.4-7.2.6
 * read the segment as iter_iov_addr()/iter_iov_len() give it; from b0d8d56b7c93
 * (extract_bvecs_check_fix) the segment extraction takes, its length capped by the count.
 */
function misalignedSegment(ctx: ModelCtx, it: IovIter, mask: number): boolean {
  if (!mask) return false;
  const seg = ctx.profile.has("extract_bvecs_check_fix")
    ? currentUserSegment(it)
    : rawUserSegment(it);
  if (!seg) return false;
  return ((seg.addr | seg.len) & BigInt(mask)) !== 0n;
}

/**
 * iter_iov_addr() and iter_iov_len() (include/linux/uio.h) of a UBUF/IOVEC iterator: the
 * current iovec at iov_offset, empty or not, and its whole rest, not capped by the count. A
 * UBUF's one-entry iovec has iov_len aliased to count, so its length is count - iov_offset
 * (as a size_t).
 */
function rawUserSegment(it: IovIter): { addr: bigint; len: bigint } | undefined {
  if (it.kind === "ubuf") {
    return {
      addr: it.ubuf + BigInt(it.iovOffset),
      len: BigInt.asUintN(64, BigInt(it.count - it.iovOffset)),
    };
  }
  if (it.kind !== "iovec" || it.idx >= it.segs.length) return undefined;
  const s = it.segs[it.idx];
  return { addr: s.base + BigInt(it.iovOffset), len: BigInt(s.len - it.iovOffset) };
}

/** The current segment of a UBUF/IOVEC iterator: its address at the position and length left. */
function currentUserSegment(it: IovIter): { addr: bigint; len: bigint } | undefined {
  if (it.kind === "ubuf") {
    return { addr: it.ubuf + BigInt(it.iovOffset), len: BigInt(it.count) };
  }
  if (it.kind !== "iovec") return undefined;
  let k = it.idx, skip = it.iovOffset;
  // extraction steps over empty segments first
  while (k < it.segs.length && it.segs[k].len - skip === 0) {
    k++;
    skip = 0;
  }
  if (k >= it.segs.length) return undefined;
  const s = it.segs[k];
  return { addr: s.base + BigInt(skip), len: BigInt(Math.min(s.len - skip, it.count)) };
}

/**
 * The validity check of bio splitting at submission (6.18+, the dio_align_in_bio row).
 * __bio_split_to_limits() skips splitting when bio_may_need_split() (block/blk.h) says no:
 * no chunk_sectors, bi_vcnt == 1 and bv_offset + bv_len <= max_fast_segment_size (a page;
 * bv_offset is the offset in the bvec's folio, so a bvec past the first page of a large
 * folio is checked). Otherwise bio_split_rw_at() calls bio_split_io_at() with
 * lim->dma_alignment as the length mask, and its loop over the bvecs returns -EINVAL for
 * `bv.bv_offset & lim->dma_alignment || bv.bv_len & len_align_mask` (block/blk-merge.c,
 * Keith Busch's "block: check for valid bio while splitting", 6.18 window). Before 6.18
 * direct I/O checked up front instead and submission finds nothing. Returns 0 or -EINVAL.
 */
export function bioSubmitCheck(ctx: ModelCtx, bio: Bio, dmaAlignment: number): number {
  if (!ctx.profile.has("dio_align_in_bio") || bio.cloned) return 0;
  const ps = ctx.mem.pageSize;
  if (bio.bvec.length === 1 && bio.bvec[0].offset + bio.bvec[0].len <= ps) return 0;
  for (const bv of bio.bvec) if ((bv.offset | bv.len) & dmaAlignment) return -22;
  return 0;
}

/**
 * The first bvec of a bio whose offset or length is not a multiple of dma_alignment + 1 (its
 * index, in-page offset and length); undefined when every bvec is aligned.
 */
export function misalignedBvec(
  ctx: ModelCtx,
  bio: Bio,
  dmaAlignment: number,
): { entry: number; offset: number; len: number } | undefined {
  const ps = ctx.mem.pageSize;
  const i = bio.bvec.findIndex((bv) => ((bv.offset % ps) | bv.len) & dmaAlignment);
  if (i < 0) return undefined;
  const bv = bio.bvec[i];
  return { entry: i, offset: bv.offset % ps, len: bv.len };
}

/**
 * bio_iov_iter_align_down() (6.18+): trims the bio to a multiple of the block size from its
 * tail, reverting the iterator by the trimmed bytes; a bvec trimmed away whole has its page
 * released. -EFAULT when nothing is left.
 */
function alignDown(ctx: ModelCtx, it: IovIter, bio: Bio, mask: number, holds: Holds): number {
  let nbytes = bio.size & mask;
  if (!nbytes) return 0;
  iovIterRevert(ctx, it, nbytes);
  bio.size -= nbytes;
  while (nbytes && bio.bvec.length) {
    const bv = bio.bvec[bio.bvec.length - 1];
    if (nbytes < bv.len) {
      bv.len -= nbytes;
      break;
    }
    if (bio.pinned && !holds.drop("pin", bv.pfn + Math.floor(bv.offset / ctx.mem.pageSize))) {
      holds.miss("pin");
    }
    bio.bvec.pop();
    nbytes -= bv.len;
  }
  return bio.bvec.length ? 0 : -14;
}

/**
 * The holds one bio_iov_iter_get_pages call took (runs of consecutive pages, in order) and
 * gave back (pages merged into the previous bvec's page, pages of a trimmed tail), handed to
 * the ledger together by flush(): in one step, taking all before dropping any leaves every
 * page the same holds as the kernel's order does, and a segment's pages join the previous
 * segment's run when they follow it.
 */
class PendingHolds {
  private readonly runs: PfnRun[] = [];
  readonly drops: Pfn[] = [];
  constructor(private readonly holds: Holds, private readonly kind: "pin" | "ref") {}

  take(first: Pfn, n: number): void {
    this.runs.push({ first, n });
  }

  /** take() of a run as an extraction gives it (runs are never changed in place). */
  takeRun(run: PfnRun): void {
    this.runs.push(run);
  }

  flush(): void {
    if (!this.runs.length && !this.drops.length) return;
    this.holds.takeThenDrop(this.kind, this.runs, this.drops);
    // the ledger keeps neither list: both are emptied for the next flush
    this.runs.length = 0;
    this.drops.length = 0;
  }
}

/**
 * The pages of one extraction by index, read from its runs when it gives them (without
 * building the page array), a page at a time in increasing order as the bvec loop reads them.
 */
class PagesOf {
  r: Extraction | undefined;
  /** Pages in all. */
  count = 0;
  private runs: readonly PfnRun[] | undefined;
  /** The run that holds page `base` onwards. */
  private run = 0;
  private base = 0;

  reset(r: Extraction): void {
    this.r = r;
    this.runs = r.runs;
    this.run = 0;
    this.base = 0;
    if (r.runs) {
      let n = 0;
      for (const run of r.runs) n += run.n;
      this.count = n;
    } else this.count = r.pfns.length;
  }

  /** Page `i` (undefined past the end). */
  at(i: number): Pfn {
    const runs = this.runs;
    if (!runs) return this.r!.pfns[i];
    if (i < this.base) this.run = this.base = 0;
    while (this.run < runs.length && i >= this.base + runs[this.run].n) {
      this.base += runs[this.run].n;
      this.run++;
    }
    return this.run < runs.length ? runs[this.run].first + (i - this.base) : undefined as never;
  }
}

/**
 * How many holds of each page one extraction took that the bio has not given back. An
 * extraction given as runs holds each page it lists once, and the bio gives back each listed
 * page at most once (the page a range merged into the previous bvec starts at, or a page
 * past the ranges added), so every page it gives back has its hold: nothing to count. Only a
 * hold list (which may leave pages out: the zero page from 6.5, skipped slab pages) is
 * counted, at the first give, which few extractions reach.
 */
class Took {
  /** Holds left per page, for an extraction given as a hold list. */
  private left: Map<Pfn, number> | undefined;
  constructor(private readonly r: Extraction) {}

  /** Gives back one hold of `p`; false when the extraction took none left to give. */
  give(p: Pfn): boolean {
    if (this.r.runs) return true;
    if (!this.left) {
      const left = this.left = new Map<Pfn, number>();
      for (const q of this.r.holds) left.set(q, (left.get(q) ?? 0) + 1);
    }
    const n = this.left.get(p) ?? 0;
    if (!n) return false;
    this.left.set(p, n - 1);
    return true;
  }
}

/**
 * bio_iov_add_folio(): merge into the previous bvec when contiguous (6.3 to 6.19), else add.
 * True when a bvec was added.
 */
function addRange(
  ctx: ModelCtx,
  bio: Bio,
  pfn: Pfn,
  offset: number,
  len: number,
  merge: boolean,
  release: (p: Pfn) => void,
): boolean {
  const ps = ctx.mem.pageSize;
  const prev = bio.bvec[bio.bvec.length - 1];
  if (merge && prev) {
    const prevEnd = prev.pfn * ps + prev.offset + prev.len;
    const start = pfn * ps + offset;
    if (prevEnd === start) {
      const samePage = Math.floor((prevEnd - 1) / ps) === Math.floor(start / ps);
      prev.len += len;
      if (samePage) release(Math.floor(start / ps));
      return false;
    }
  }
  bio.bvec.push({ pfn, offset, len });
  return true;
}

/**
 * bio_release_pages(): only for BIO_PAGE_PINNED bios (and ref-holding bios before 6.3):
 * every page each bvec spans is unpinned (put), after marking it dirty when asked. The pages
 * of a bvec are dropped as one run; a page with nothing left to release is warned about.
 */
export function releaseBio(ctx: ModelCtx, bio: Bio, holds: Holds, _dirty: boolean): void {
  if (!bio.pinned && !bio.reffed) return;
  const kind = bio.pinned ? "pin" : "ref";
  const ps = ctx.mem.pageSize;
  // unpinning the shared zero page is a no-op from 6.5 (it was never counted)
  const skipZero = kind === "pin" && ctx.profile.has("zero_page_unpinned");
  const missed = (first: Pfn, n: number) => {
    for (let p = first; p < first + n; p++) {
      holds.miss(kind);
      ctx.warn(
        "double_unpin",
        { fn: "bio_release_pages", list: bio.name },
        `bio_release_pages on "${bio.name}": ${ctx.mem.pageName(p)} has no ${kind} left to release`,
        { cause: bio.step, page: ctx.mem.pageName(p) },
      );
    }
  };
  for (const bv of bio.bvec) {
    const first = bv.pfn + Math.floor(bv.offset / ps);
    const n = Math.ceil(((bv.offset % ps) + bv.len) / ps);
    if (skipZero && first <= ZERO_PFN && ZERO_PFN < first + n) {
      holds.dropRun(kind, first, ZERO_PFN - first, missed);
      holds.dropRun(kind, ZERO_PFN + 1, first + n - ZERO_PFN - 1, missed);
    } else holds.dropRun(kind, first, n, missed);
  }
  bio.released = true;
}
