/**
 * ib_map_mr_sg() / ib_sg_to_pages() (drivers/infiniband/core/verbs.c): registers a
 * DMA-mapped scatterlist in a fast-registration MR with page size P. The first entry may
 * start anywhere (iova = its address + sg_offset); a later entry is accepted only when the
 * previous one ended on a P boundary and it starts on one, or when it starts exactly where
 * the previous one ended (merged); otherwise mapping stops at the gap. Each P block is one
 * page-list slot, at most max_num_sg.
 *
 * @module
 */
import type { SgTable } from "./sg.ts";

/** A memory region after registration. */
export interface Mr {
  readonly name: string;
  /** Entries mapped, or a negative errno. */
  ret: number;
  iova: number;
  length: number;
  /** DMA addresses of the P blocks in the page list. */
  readonly pages: number[];
  readonly pageSize: number;
  readonly maxNumSg: number;
  /** Set when mapping stopped at an interior gap: the index of the entry refused. */
  gapAt: number | undefined;
  readonly step: number;
}

/** Runs ib_sg_to_pages over entries [0, nents) of a mapped table. */
export function ibMapMrSg(t: SgTable, mr: Mr, sgOffset: number): number {
  const P = mr.pageSize;
  const nents = t.nents;
  mr.pages.length = 0;
  mr.gapAt = undefined;
  if (nents <= 0 || sgOffset > t.entries[0].length) return (mr.ret = -22);
  mr.iova = t.entries[0].dmaAddress! + sgOffset;
  mr.length = 0;
  let lastEnd = 0, lastPageOff = 0, i = 0;
  for (; i < nents; i++) {
    const e = t.entries[i];
    const dmaAddr = e.dmaAddress! + sgOffset;
    let prevAddr = dmaAddr;
    const dmaLen = e.length - sgOffset;
    const end = dmaAddr + dmaLen;
    let pageAddr = dmaAddr - (dmaAddr % P);
    let skipFirst = false;
    if (i && (lastPageOff !== 0 || pageAddr !== dmaAddr)) {
      if (lastEnd !== dmaAddr) {
        mr.gapAt = i;
        break;
      }
      skipFirst = true;
    }
    do {
      if (!skipFirst) {
        if (mr.pages.length >= mr.maxNumSg) {
          mr.length += prevAddr - dmaAddr;
          return (mr.ret = i || prevAddr !== e.dmaAddress! ? i : -12);
        }
        mr.pages.push(pageAddr);
        prevAddr = pageAddr;
      }
      skipFirst = false;
      pageAddr += P;
    } while (pageAddr < end);
    mr.length += dmaLen;
    lastEnd = end;
    lastPageOff = end % P;
    sgOffset = 0;
  }
  return (mr.ret = i);
}
