/**
 * ITER_DISCARD: a sink that only counts. After `iterate_discard` and the DISCARD branches of
 * lib/iov_iter.c.
 *
 * @module
 */
import type { DiscardIter } from "../iter.ts";
import type { KindOps } from "./_kind.ts";

export const discardOps: KindOps<DiscardIter> = {
  walk(_mem, it, len) {
    it.count -= len;
    return len;
  },
  advance(it, n) {
    it.count -= n;
  },
  revertBeyond: () => "ok",
  npages: () => 0,
  alignment: () => 0n,
  isAligned: () => true,
  singleSegCount: (it) => it.count,
  segs: () => [],
  described: (it) => it.count,
};
