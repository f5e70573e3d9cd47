/**
 * ITER_UBUF (6.0+): a single user range. After `iterate_ubuf` in include/linux/iov_iter.h
 * and the UBUF branches of lib/iov_iter.c.
 *
 * @module
 */
import type { UbufIter } from "../iter.ts";
import { divRoundUp, type KindOps, walkAddrRange } from "./_kind.ts";
import { hex } from "../../types.ts";

export const ubufOps: KindOps<UbufIter> = {
  walk(mem, it, len, step) {
    const base = it.ubuf + BigInt(it.iovOffset);
    const progress = walkAddrRange(mem, it.task, true, base, len, 0, step).done;
    it.iovOffset += progress;
    it.count -= progress;
    return progress;
  },
  advance(it, n) {
    it.count -= n;
    it.iovOffset += n;
  },
  // iov_iter_revert: reverting a UBUF before its start is a BUG()
  revertBeyond: () => "bug",
  npages(mem, it, maxpages) {
    const offs = Number((it.ubuf + BigInt(it.iovOffset)) % BigInt(mem.pageSize));
    return Math.min(divRoundUp(offs + it.count, mem.pageSize), maxpages);
  },
  alignment(_mem, it) {
    return it.count ? (it.ubuf + BigInt(it.iovOffset)) | BigInt(it.count) : 0n;
  },
  isAligned(_mem, it, addrMask, lenMask) {
    if (BigInt(it.count) & lenMask) return false;
    return ((it.ubuf + BigInt(it.iovOffset)) & addrMask) === 0n;
  },
  singleSegCount: (it) => it.count,
  segs: (_mem, it) => [{ base: hex(it.ubuf + BigInt(it.iovOffset)), len: it.count }],
  described: (it) => it.count,
};
