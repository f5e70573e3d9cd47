/**
 * ITER_FOLIOQ (6.12+): a chain of folio_queue segments, each holding up to
 * `slotsPerSegment` folios. Slots are kept flat; the kernel's (segment, slot) pair is
 * derived. After `iterate_folioq` (include/linux/iov_iter.h), `iov_iter_folioq_advance`,
 * `iov_iter_folioq_revert` and the FOLIOQ branches of lib/iov_iter.c.
 *
 * @module
 */
import type { FolioqIter } from "../iter.ts";
import { divRoundUp, type KindOps } from "./_kind.ts";
import { segAdvance, segDescribed, segRevertBeyond } from "./_segs.ts";

/** The (segment, slot) pair the kernel would hold for a flat slot index. */
export function folioqPosition(it: FolioqIter): { segment: number; slot: number } {
  const last = Math.max(0, Math.ceil(it.slots.length / it.slotsPerSegment) - 1);
  const segment = Math.min(Math.floor(it.idx / it.slotsPerSegment), last);
  return { segment, slot: it.idx - segment * it.slotsPerSegment };
}

export const folioqOps: KindOps<FolioqIter> = {
  // iterate_folioq: before 808471ddb0fa (6.17, Cc 6.12+) it stepped even when iov_offset had
  // reached the folio's size, so a walk starting there touched the page after the folio
  walk(mem, it, len, step, profile) {
    const ps = mem.pageSize;
    const boundaryFix = profile?.has("folioq_boundary_fix") ?? true;
    let progress = 0, skip = it.iovOffset, k = it.idx;
    while (len > 0 && k < it.slots.length) {
      const slot = it.slots[k];
      let remain = 0;
      if (skip < slot.size || !boundaryFix) {
        const inPage = skip % ps;
        const part = Math.min(len, ps - inPage);
        const pfn = slot.headPfn + Math.floor(skip / ps);
        const loc = mem.pageLoc(pfn);
        remain = step({
          addr: undefined,
          pfn,
          inPage,
          len: part,
          region: loc?.region,
          offset: loc ? loc.index * ps + inPage : 0,
          user: false,
        }, progress);
        len -= part - remain;
        progress += part - remain;
        skip += part - remain;
      }
      if (skip >= slot.size) {
        skip = 0;
        k++;
      }
      if (remain) break;
    }
    it.idx = k;
    it.iovOffset = skip;
    it.count -= progress;
    return progress;
  },
  advance(it, n) {
    segAdvance(it, n, it.slots.length, (k) => it.slots[k].size, true);
  },
  revertBeyond: (it, unroll) => segRevertBeyond(it, unroll, (k) => it.slots[k].size),

  npages(mem, it, maxpages) {
    if (!it.count) return 0;
    return Math.min(divRoundUp((it.iovOffset % mem.pageSize) + it.count, mem.pageSize), maxpages);
  },
  alignment: (_mem, it) => BigInt(it.iovOffset) | BigInt(it.count),
  isAligned(_mem, it, addrMask, lenMask) {
    if (BigInt(it.count) & lenMask) return false;
    return (BigInt(it.iovOffset) & addrMask) === 0n;
  },
  singleSegCount(it) {
    if (!it.count) return 0;
    const slot = it.slots[it.idx];
    return slot ? Math.min(it.count, slot.size) : 0;
  },
  segs(mem, it) {
    return it.slots.slice(it.idx).map((s, k) => {
      const skip = k === 0 ? it.iovOffset : 0;
      return { page: mem.pageName(s.headPfn), offset: skip, len: s.size - skip };
    });
  },
  described: (it) => segDescribed(it, it.slots.length, (k) => it.slots[k].size),
};
