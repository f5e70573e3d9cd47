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
import type { Pfn } from "../types.ts";
import { ZERO_PFN } from "../model/memory.ts";

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
  let ret = 0;
  do {
    if (atExtract && userBacked(it) && misalignedSegment(ctx, it, o.dmaAlignment)) {
      // 7.3: iov_iter_extract_bvecs refuses the segment before pinning it; the pins taken so
      // far are released and BIO_PAGE_PINNED cleared (the bio will not be submitted)
      releaseBio(ctx, bio, holds, false);
      bio.released = false;
      bio.pinned = false;
      bio.bvec.length = 0;
      bio.size = 0;
      return -22;
    }
    const nrPages = bio.maxVecs - bio.bvec.length;
    const opts = { maxsize: UINT_MAX - bio.size, maxpages: nrPages, step: o.step };
    // 6.3+: extraction; 6.0-6.2: iov_iter_get_pages2; before 6.0: iov_iter_get_pages, after
    // which bio_iov_iter_get_pages advanced the iterator itself
    const advances = ctx.profile.has("get_pages2");
    const r = modern
      ? iovIterExtractPages(ctx, it, { ...opts, p2pdma: o.p2p })
      : iovIterGetPages(ctx, it, { ...opts, advance: advances });
    if (!modern && !advances && r.ret > 0) iovIterAdvance(ctx, it, r.ret);
    const took = new Map<Pfn, number>();
    for (const p of r.holds) {
      holds.take(kind, p);
      took.set(p, (took.get(p) ?? 0) + 1);
    }
    const release = (p: Pfn) => {
      const n = took.get(p) ?? 0;
      if (n && (bio.pinned || bio.reffed)) {
        holds.drop(kind, p);
        took.set(p, n - 1);
      }
    };
    if (r.ret <= 0) {
      ret = r.ret ? r.ret : -14;
      break;
    }
    let size = r.ret, off = r.offset0;
    const trim = alignAfter ? 0 : size & lbsMask;
    if (trim) iovIterRevert(ctx, it, trim);
    size -= trim;
    if (!size) {
      for (const p of r.pfns) release(p);
      ret = -14;
      break;
    }
    let left = size, i = 0;
    while (left > 0) {
      const pfn = r.pfns[i];
      // zone_device_pages_have_same_pgmap(): P2P pages never share a bio with ordinary ones
      const prev = bio.bvec[bio.bvec.length - 1];
      if (modern && prev && isP2p(prev.pfn) !== isP2p(pfn)) break;
      const fo = ctx.mem.folioOfPfn(pfn);
      const large = fo.order > 0;
      const folioOff = (pfn - fo.headPfn) * ps + off;
      const fsize = ps * 2 ** fo.order;
      let len = Math.min(large ? fsize - folioOff : ps - off, left);
      // a run inside a large folio must be pages extraction returned consecutively
      let n = Math.ceil((off + len) / ps);
      for (let k = 1; k < n; k++) {
        if (r.pfns[i + k] !== pfn + k) {
          len = k * ps - off;
          n = k;
          break;
        }
      }
      addRange(ctx, bio, large ? fo.headPfn : pfn, large ? folioOff : off, len, merge, release);
      left -= len;
      i += n;
      off = 0;
    }
    if (left) iovIterRevert(ctx, it, left);
    for (; i < r.pfns.length; i++) release(r.pfns[i]);
    bio.size += size - left;
    if (left) break;
  } while (!ret && it.count && bio.bvec.length < bio.maxVecs);
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

/** bio_iov_add_folio(): merge into the previous bvec when contiguous (6.3 to 6.19), else add. */
function addRange(
  ctx: ModelCtx,
  bio: Bio,
  pfn: Pfn,
  offset: number,
  len: number,
  merge: boolean,
  release: (p: Pfn) => void,
): void {
  const ps = ctx.mem.pageSize;
  const prev = bio.bvec[bio.bvec.length - 1];
  if (merge && prev) {
    const prevEnd = prev.pfn * ps + prev.offset + prev.len;
    const start = pfn * ps + offset;
    if (prevEnd === start) {
      const samePage = Math.floor((prevEnd - 1) / ps) === Math.floor(start / ps);
      prev.len += len;
      if (samePage) release(Math.floor(start / ps));
      return;
    }
  }
  bio.bvec.push({ pfn, offset, len });
}

/**
 * bio_release_pages(): only for BIO_PAGE_PINNED bios (and ref-holding bios before 6.3):
 * every page each bvec spans is unpinned (put), after marking it dirty when asked.
 * Returns the pages released.
 */
export function releaseBio(ctx: ModelCtx, bio: Bio, holds: Holds, _dirty: boolean): Pfn[] {
  if (!bio.pinned && !bio.reffed) return [];
  const kind = bio.pinned ? "pin" : "ref";
  const out: Pfn[] = [];
  for (const bv of bio.bvec) {
    for (const p of spanned(bv.pfn, bv.offset, bv.len, ctx.mem.pageSize)) {
      // unpinning the shared zero page is a no-op from 6.5 (it was never counted)
      if (p === ZERO_PFN && kind === "pin" && ctx.profile.has("zero_page_unpinned")) continue;
      if (!holds.drop(kind, p)) {
        holds.miss(kind);
        ctx.warn(
          "double_unpin",
          { fn: "bio_release_pages", list: bio.name },
          `bio_release_pages on "${bio.name}": ${
            ctx.mem.pageName(p)
          } has no ${kind} left to release`,
          { cause: bio.step, page: ctx.mem.pageName(p) },
        );
      }
      out.push(p);
    }
  }
  bio.released = true;
  return out;
}
