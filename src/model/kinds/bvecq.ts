/**
 * ITER_BVECQ (7.4, vfs 05f94143ca30 "iov_iter: Add a segmented queue of bio_vec[]"): a chain
 * of `struct bvecq` segments (next/prev, nr_slots, flags free/unpin), each an array of
 * bio_vecs. Slots are kept flat; the kernel's (bvecq, bvecq_slot) pair is derived by
 * {@link bvecqPosition}. The walk goes per page-piece of each bvec, since a bvec may span
 * pages and each page is mapped on its own; advance and revert hop slots and queue segments
 * (revert follows `prev`); a bvec whose bv_page is NULL counts as empty (the constructor
 * gives it length 0).
 *
 * @module
 */
import type { BvecqIter } from "../iter.ts";
import type { KindOps } from "./_kind.ts";
import { bvecOps } from "./bvec.ts";
import { segAdvance, segDescribed, segRevertBeyond } from "./_segs.ts";

/**
 * The (segment, slot) pair for the iterator's flat slot index. An iterator that advanced to
 * the end of a segment's last bvec may sit at `slot == nr_slots` of that segment (the queue
 * "may have been extended" before it is used again); the flat index names the next segment's
 * first slot, which is where the kernel hops to lazily.
 */
export function bvecqPosition(it: BvecqIter): { segment: number; slot: number } {
  let segment = it.queue.findIndex((s) => it.idx < s.first + s.nrSlots);
  if (segment < 0) segment = Math.max(0, it.queue.length - 1);
  const q = it.queue[segment];
  return { segment, slot: q ? it.idx - q.first : 0 };
}

/** The BVEC record's per-bvec rules apply to the flat slot array unchanged. */
const asBvec = (it: BvecqIter) => it as unknown as Parameters<typeof bvecOps.walk>[1];

export const bvecqOps: KindOps<BvecqIter> = {
  walk: (mem, it, len, step, profile) => bvecOps.walk(mem, asBvec(it), len, step, profile),
  // hops slot by slot, stopping as soon as nothing is left (the end of a segment's last bvec
  // is the next segment's first slot, the kernel's lazy hop from slot == nr_slots)
  advance(it, n) {
    segAdvance(it, n, it.segs.length, (k) => it.segs[k].len, true);
  },
  revertBeyond: (it, unroll) => segRevertBeyond(it, unroll, (k) => it.segs[k].len),
  npages: (mem, it, maxpages) => bvecOps.npages(mem, asBvec(it), maxpages),
  alignment: (mem, it) => bvecOps.alignment(mem, asBvec(it)),
  isAligned: (mem, it, a, l, profile) => bvecOps.isAligned(mem, asBvec(it), a, l, profile),
  // the rest of the current bvec (hopping over one the position has reached the end of)
  singleSegCount(it) {
    let k = it.idx, skip = it.iovOffset;
    while (k < it.segs.length && skip >= it.segs[k].len) {
      k++;
      skip = 0;
    }
    return k < it.segs.length ? Math.min(it.count, it.segs[k].len - skip) : 0;
  },
  segs: (mem, it) => bvecOps.segs(mem, asBvec(it)),
  described: (it) => segDescribed(it, it.segs.length, (k) => it.segs[k].len),
};
