/**
 * The view of an iterator: its scalar fields (what a step's changes list) and, for `expect`,
 * its remaining segments too.
 *
 * @module
 */
import type { Memory } from "../../model/memory.ts";
import { type IovIter, nrSegs } from "../../model/iter.ts";
import { kindOps } from "../../model/kinds/mod.ts";
import { folioqPosition } from "../../model/kinds/folioq.ts";
import { bvecqPosition } from "../../model/kinds/bvecq.ts";

/** The scalar fields of an iterator, as changes show them (numbers, not strings). */
export function iterFields(it: IovIter): Record<string, unknown> {
  const v: Record<string, unknown> = {
    kind: it.kind,
    dir: it.dir,
    count: it.count,
    iov_offset: it.iovOffset,
    nr_segs: nrSegs(it),
  };
  if (it.kind === "xarray") v.xarray_start = it.xarrayStart;
  if (it.kind === "pipe") {
    v.head = it.head;
    v.start_head = it.startHead;
    v.last_offset = it.lastOffset;
  }
  if (it.kind === "folioq") {
    const p = folioqPosition(it);
    v.folioq = p.segment;
    v.slot = p.slot;
  }
  if (it.kind === "bvecq") {
    const p = bvecqPosition(it);
    v.bvecq = p.segment;
    v.slot = p.slot;
  }
  return v;
}

/** The full view of an iterator, including its remaining segments (`expect: iter`). */
export function iterView(mem: Memory, it: IovIter): Record<string, unknown> {
  return { ...iterFields(it), segs: kindOps(it).segs(mem, it) };
}
