/**
 * Plain views of replay objects: what `expect` compares and what step diffs are computed
 * over. Keys use the trace format's names, in a fixed order.
 *
 * @module
 */
import type { Memory } from "../model/memory.ts";
import { type IovIter, nrSegs } from "../model/iter.ts";
import { kindOps } from "../model/kinds/mod.ts";
import { folioqPosition } from "../model/kinds/folioq.ts";
import { sgBlocks, type SgTable } from "../convert/sg.ts";
import type { RdmaList } from "../convert/rdma.ts";
import type { Mr } from "../convert/frwr.ts";
import type { Bio } from "../convert/bio.ts";
import { hex } from "../types.ts";
import type { Pipe } from "../model/pipe.ts";

/** The scalar fields of an iterator, as diffs show them. */
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
  return v;
}

/** The full view of an iterator, including its remaining segments. */
export function iterView(mem: Memory, it: IovIter): Record<string, unknown> {
  return { ...iterFields(it), segs: kindOps(it).segs(mem, it) };
}

/** An sg table as `expect: sgt` compares it. */
export function sgtView(mem: Memory, t: SgTable): Record<string, unknown> {
  return {
    nents: t.nents,
    orig_nents: t.origNents,
    end: t.endMark ?? null,
    blocks: t.chained ? sgBlocks(Math.max(t.capacity, t.nents)) : 1,
    entries: t.entries.slice(0, t.nents).map((e) => ({
      page: mem.pageName(e.pfn),
      offset: e.offset,
      length: e.length,
      dma_address: e.dmaAddress === undefined ? null : hex(e.dmaAddress),
    })),
  };
}

/** An SGE list as `expect: rdma` compares it. */
export function rdmaView(r: RdmaList): Record<string, unknown> {
  return {
    nr_sge: r.sge.length,
    sge: r.sge.map((g) => ({ addr: hex(g.addr), length: g.length, lkey: hex(g.lkey) })),
  };
}

/** An MR as `expect: mr` compares it. */
export function mrView(m: Mr): Record<string, unknown> {
  return {
    ret: m.ret,
    iova: hex(m.iova),
    length: m.length,
    npages: m.pages.length,
    pages: m.pages.map((p) => hex(p)),
  };
}

/** A bio as `expect: bio` compares it. */
export function bioView(mem: Memory, b: Bio): Record<string, unknown> {
  return {
    vcnt: b.bvec.length,
    size: b.size,
    pinned: b.pinned,
    cloned: b.cloned,
    bvec: b.bvec.map((bv) => ({ page: mem.pageName(bv.pfn), offset: bv.offset, len: bv.len })),
  };
}

/** A pipe as `expect: pipe` compares it. */
export function pipeView(mem: Memory, p: Pipe): Record<string, unknown> {
  const bufs: unknown[] = [];
  for (let h = p.tail; h < p.head; h++) {
    const b = p.bufs.get(h);
    if (b) bufs.push({ page: mem.pageName(b.pfn), offset: b.offset, len: b.len });
  }
  return { head: p.head, tail: p.tail, bufs };
}
