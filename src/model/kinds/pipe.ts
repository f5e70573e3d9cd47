/**
 * ITER_PIPE's entry in the kind table. Data movement, advance and revert on a pipe go
 * through src/model/pipe.ts, as lib/iov_iter.c dispatches them before the generic walk;
 * the generic walk itself does nothing for a pipe (iterate_and_advance has no PIPE branch).
 *
 * @module
 */
import type { PipeIter } from "../iter.ts";
import type { KindOps } from "./_kind.ts";

export const pipeOps: KindOps<PipeIter> = {
  walk: () => 0,
  // iov_iter_advance dispatches PIPE to pipe_advance (src/model/pipe.ts) before this
  advance(it, n) {
    it.count -= n;
  },
  revertBeyond: () => "ok",
  // pipe_npages(): free slots, plus one for a partial anonymous last buffer
  npages(mem, it, maxpages) {
    const p = it.pipe;
    let n = Math.max(p.maxUsage - (p.head - p.tail), 0);
    const off = it.lastOffset || it.iovOffset;
    if (off > 0 && off < mem.pageSize && p.bufs.get(p.head - 1)?.anon) n++;
    return Math.min(n, maxpages);
  },
  alignment(_mem, it) {
    const off = it.lastOffset || it.iovOffset;
    return it.count && off > 0 ? BigInt(it.count) | BigInt(off) : BigInt(it.count);
  },
  isAligned(_mem, it, addrMask, lenMask) {
    if (BigInt(it.count) & lenMask) return false;
    const off = it.lastOffset || it.iovOffset;
    return !(it.count && off > 0 && (BigInt(off) & addrMask));
  },
  singleSegCount: (it) => it.count,
  segs(mem, it) {
    const out: unknown[] = [];
    for (let h = it.pipe.tail; h < it.pipe.head; h++) {
      const b = it.pipe.bufs.get(h);
      if (b) out.push({ page: mem.pageName(b.pfn), offset: b.offset, len: b.len });
    }
    return out;
  },
  described: (it) => it.count,
};
