/**
 * ITER_BVEC: an array of bio_vecs; a bvec may start past its first page and span the
 * physically following pages. After `iterate_bvec` (include/linux/iov_iter.h),
 * `iov_iter_bvec_advance`, `iov_iter_revert`, `bvec_npages`, `iov_iter_alignment_bvec`,
 * `iov_iter_aligned_bvec` (lib/iov_iter.c, 6.8 to 6.18 text).
 *
 * @module
 */
import type { BvecIter, BvecqIter } from "../iter.ts";
import type { Memory } from "../memory.ts";
import { divRoundUp, type KindOps, type Step } from "./_kind.ts";
import { segAdvance, segDescribed, segRevertBeyond } from "./_segs.ts";
import { bvecAt, bvecCount, bvecRunsAdvance, bvecRunsNpages, bvecRunsOf } from "../bvec_runs.ts";

/**
 * iterate_bvec: page pieces of each bvec from the position. A walk whose `len` runs out
 * exactly at a bvec's end moves on to the next bvec, except with `stayAtEnd` (iterate_bvecq,
 * which leaves iov_offset == bv_len on that slot).
 */
export function bvecWalk(
  mem: Memory,
  it: BvecIter | BvecqIter,
  len: number,
  step: Step,
  stayAtEnd = false,
): number {
  const ps = mem.pageSize;
  let progress = 0, skip = it.iovOffset, k = it.idx;
  while (len > 0 && k < it.segs.length) {
    const seg = it.segs[k];
    const offset = seg.offset + skip;
    const pfn = seg.pfn + Math.floor(offset / ps);
    const inPage = offset % ps;
    const part = Math.min(len, seg.len - skip, ps - inPage);
    const loc = mem.pageLoc(pfn);
    const remain = part > 0
      ? step({
        addr: undefined,
        pfn,
        inPage,
        len: part,
        region: loc?.region,
        offset: loc ? loc.index * ps + inPage : 0,
        user: false,
      }, progress)
      : 0;
    const consumed = part - remain;
    len -= consumed;
    progress += consumed;
    skip += consumed;
    if (skip >= seg.len && !(stayAtEnd && !len)) {
      skip = 0;
      k++;
    }
    if (remain) break;
  }
  it.idx = k;
  it.iovOffset = skip;
  it.count -= progress;
  return progress;
}

export const bvecOps: KindOps<BvecIter> = {
  walk: (mem, it, len, step) => bvecWalk(mem, it, len, step),
  advance(it, n) {
    const runs = bvecRunsOf(it);
    if (runs) bvecRunsAdvance(it, runs, n);
    else segAdvance(it, n, it.segs.length, (k) => it.segs[k].len);
  },
  revertBeyond: (it, unroll) => segRevertBeyond(it, unroll, (k) => it.segs[k].len),

  // bvec_npages: empty bvecs are not skipped, so one with an in-page offset counts a page
  npages(mem, it, maxpages) {
    if (!it.count) return 0;
    const ps = mem.pageSize;
    const runs = bvecRunsOf(it);
    if (runs) return bvecRunsNpages(it, runs, ps, maxpages);
    let size = it.count, npages = 0, skip = it.iovOffset;
    for (let k = it.idx; k < it.segs.length && size; k++, skip = 0) {
      const seg = it.segs[k];
      const offs = (seg.offset + skip) % ps;
      const len = Math.min(size, seg.len - skip);
      npages += divRoundUp(offs + len, ps);
      if (npages >= maxpages) return maxpages;
      size -= len;
    }
    return npages;
  },
  // iov_iter_alignment_bvec: a do/while loop; empty bvecs still OR in their offset
  alignment(_mem, it) {
    let res = 0n, size = it.count, skip = it.iovOffset, k = it.idx;
    do {
      if (k >= it.segs.length) break;
      const seg = it.segs[k];
      let len = seg.len - skip;
      res |= BigInt(seg.offset + skip);
      if (len > size) len = size;
      res |= BigInt(len);
      size -= len;
      k++;
      skip = 0;
    } while (size);
    return res;
  },
  // iov_iter_aligned_bvec (6.0 to 6.17): each bvec's remaining length and start, do/while;
  // 6.9 to 6.14 took the first bvec's full bv_len (profile aligned_bvec_full_len)
  isAligned(_mem, it, addrMask, lenMask, profile) {
    const fullLen = profile.has("aligned_bvec_full_len");
    let size = it.count, skip = it.iovOffset, k = it.idx;
    do {
      if (k >= it.segs.length) break;
      const seg = it.segs[k];
      let len = fullLen ? seg.len : seg.len - skip;
      if (len > size) len = size;
      if (BigInt(len) & lenMask) return false;
      if (BigInt(seg.offset + skip) & addrMask) return false;
      size -= len;
      k++;
      skip = 0;
    } while (size);
    return true;
  },
  // counted from the runs a BVEC may keep its bvecs in, not expanding them
  singleSegCount(it) {
    if (bvecCount(it) - it.idx > 1) {
      return Math.min(it.count, bvecAt(it, it.idx)!.len - it.iovOffset);
    }
    return it.count;
  },
  segs(mem, it) {
    return it.segs.slice(it.idx).map((s, k) => {
      const skip = k === 0 ? it.iovOffset : 0;
      return { page: mem.pageName(s.pfn), offset: s.offset + skip, len: s.len - skip };
    });
  },
  described: (it) => segDescribed(it, it.segs.length, (k) => it.segs[k].len),
};
