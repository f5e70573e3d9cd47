/**
 * ITER_IOVEC and ITER_KVEC: arrays of address ranges with identical layouts. After
 * `iterate_iovec`/`iterate_kvec` (include/linux/iov_iter.h), `iov_iter_iovec_advance`,
 * `iov_iter_revert`, `iov_npages`, `iov_iter_alignment_iovec`, `iov_iter_aligned_iovec`
 * (lib/iov_iter.c, 6.8 to 6.18 text).
 *
 * @module
 */
import type { VecIter } from "../iter.ts";
import { divRoundUp, type KindOps, walkAddrRange } from "./_kind.ts";
import { segDescribed, segRevertBeyond } from "./_segs.ts";
import { hex } from "../../types.ts";
import { segPageOffset } from "../iter.ts";

/**
 * iov_iter_iovec_advance(): segAdvance over the segments' lengths, read from the array
 * directly (no closure per call: extraction advances once per segment it takes).
 */
export function vecAdvance(it: VecIter, n: number): void {
  if (!it.count) return;
  it.count -= n;
  let size = n + it.iovOffset;
  let k = it.idx;
  const segs = it.segs;
  while (k < segs.length && size >= segs[k].len) size -= segs[k++].len;
  it.iovOffset = size;
  it.idx = k;
}

export const vecOps: KindOps<VecIter> = {
  // iterate_iovec/iterate_kvec: a walk ending exactly at a segment's end moves to the next
  // segment, but unlike iov_iter_advance does not skip further empty segments
  walk(mem, it, len, step) {
    const user = it.kind === "iovec";
    let progress = 0, skip = it.iovOffset, k = it.idx;
    while (len > 0 && k < it.segs.length) {
      const seg = it.segs[k];
      const part = Math.min(len, seg.len - skip);
      if (part > 0) {
        const r = walkAddrRange(mem, it.task, user, seg.base + BigInt(skip), part, progress, step);
        progress += r.done;
        skip += r.done;
        len -= r.done;
        if (skip < seg.len) break;
      }
      k++;
      skip = 0;
    }
    it.idx = k;
    it.iovOffset = skip;
    it.count -= progress;
    return progress;
  },
  advance: vecAdvance,
  revertBeyond: (it, unroll) => segRevertBeyond(it, unroll, (k) => it.segs[k].len),

  npages(mem, it, maxpages) {
    if (!it.count) return 0;
    let size = it.count, npages = 0, skip = it.iovOffset;
    for (let k = it.idx; k < it.segs.length && size; k++, skip = 0) {
      const seg = it.segs[k];
      let len = seg.len - skip;
      if (len <= 0) continue;
      if (len > size) len = size;
      // the in-page offset of base + skip without BigInt arithmetic (netfs_extract_user_iter
      // sizes its bvec array with this walk over every segment)
      const off = (segPageOffset(seg, mem.pageSize) + skip) % mem.pageSize;
      npages += divRoundUp(off + len, mem.pageSize);
      if (npages >= maxpages) return maxpages;
      size -= len;
    }
    return npages;
  },
  // iov_iter_alignment_iovec: a do/while loop, so with count 0 the current segment's start
  // is still ORed in; empty segments are skipped
  alignment(_mem, it) {
    let res = 0n, size = it.count, skip = it.iovOffset, k = it.idx;
    do {
      if (k >= it.segs.length) break;
      const seg = it.segs[k];
      let len = seg.len - skip;
      if (len > 0) {
        res |= seg.base + BigInt(skip);
        if (len > size) len = size;
        res |= BigInt(len);
        size -= len;
      }
      k++;
      skip = 0;
    } while (size);
    return res;
  },
  // iov_iter_aligned_iovec (6.0 to 6.17): no guard for empty segments, and a do/while loop
  // that tests the current segment even when count is 0
  isAligned(_mem, it, addrMask, lenMask) {
    let size = it.count, skip = it.iovOffset, k = it.idx;
    do {
      if (k >= it.segs.length) break;
      const seg = it.segs[k];
      let len = seg.len - skip;
      if (len > size) len = size;
      if (BigInt(len) & lenMask) return false;
      if ((seg.base + BigInt(skip)) & addrMask) return false;
      size -= len;
      k++;
      skip = 0;
    } while (size);
    return true;
  },
  singleSegCount(it) {
    if (it.segs.length - it.idx > 1) {
      return Math.min(it.count, it.segs[it.idx].len - it.iovOffset);
    }
    return it.count;
  },
  segs(_mem, it) {
    return it.segs.slice(it.idx).map((s, k) =>
      k === 0
        ? { base: hex(s.base + BigInt(it.iovOffset)), len: s.len - it.iovOffset }
        : { base: hex(s.base), len: s.len }
    );
  },
  described: (it) => segDescribed(it, it.segs.length, (k) => it.segs[k].len),
};
