/**
 * ITER_BVECQ (7.4, vfs 05f94143ca30 "iov_iter: Add a segmented queue of bio_vec[]"): a chain
 * of `struct bvecq` segments (next/prev, nr_slots, flags free/unpin), each an array of
 * bio_vecs. Slots are kept flat; the kernel's (bvecq, bvecq_slot) pair is derived by
 * {@link bvecqPosition}. A bvec whose bv_page is NULL counts as empty (the constructor gives
 * it length 0). Checked against the v4 text (16 Jun 2026, <20260616100821.2062304-16-
 * dhowells@redhat.com>, the newest in the record; v14 is not): iterate_bvecq,
 * iov_iter_bvecq_advance, iov_iter_bvecq_revert, iov_iter_single_seg_count,
 * iov_iter_alignment_bvecq and iov_npages_bvecq.
 *
 * @module
 */
import type { BvecqIter } from "../iter.ts";
import type { KindOps } from "./_kind.ts";
import { bvecOps, bvecWalk } from "./bvec.ts";
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
  // iterate_bvecq: per page-piece of each bvec; a walk that ends exactly at a bvec's end
  // stays on that slot with iov_offset == bv_len (it stops before `skip = 0; slot++`)
  walk: (mem, it, len, step) => bvecWalk(mem, it, len, step, true),
  // iov_iter_bvecq_advance: hops slot by slot, over empty ones while bytes are left, and
  // stops as soon as nothing is (the end of a segment's last bvec is the next segment's first
  // slot, the kernel's lazy hop from slot == nr_slots)
  advance(it, n) {
    segAdvance(it, n, it.segs.length, (k) => it.segs[k].len, true);
  },
  revertBeyond: (it, unroll) => segRevertBeyond(it, unroll, (k) => it.segs[k].len),
  npages: (mem, it, maxpages) => bvecOps.npages(mem, asBvec(it), maxpages),
  // iov_iter_alignment_bvecq: 0 with nothing left (the BVEC loop ORs the position's offset)
  alignment: (mem, it) => it.count ? bvecOps.alignment(mem, asBvec(it)) : 0n,
  isAligned: (mem, it, a, l, profile) => bvecOps.isAligned(mem, asBvec(it), a, l, profile),
  // iov_iter_single_seg_count: the rest of the current bvec, after the hop from
  // slot == nr_slots to the next segment only; an empty slot, or a position left at a bvec's
  // end by a walk, gives 0
  singleSegCount(it) {
    if (!it.count || it.idx >= it.segs.length) return 0;
    return Math.min(it.count, it.segs[it.idx].len - it.iovOffset);
  },
  segs: (mem, it) => bvecOps.segs(mem, asBvec(it)),
  described: (it) => segDescribed(it, it.segs.length, (k) => it.segs[k].len),
};
