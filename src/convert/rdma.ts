/**
 * smb_extract_iter_to_rdma() (fs/smb/client/smbdirect.c, 6.3+): DMA-maps the iterator's
 * memory straight into an ib_sge array with the device's local_dma_lkey, no pins, no
 * intermediate scatterlist. BVEC gives one SGE per bvec piece, KVEC one per page, FOLIOQ one
 * per folio piece (6.12+), XARRAY one per folio (6.3 to 6.11); user kinds WARN and -EIO.
 * Stops at max_sge or when the bytes are done; advances by the bytes mapped.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { BvecIter, FolioqIter, IovIter, VecIter, XarrayIter } from "../model/iter.ts";
import { iovIterAdvance } from "../model/advance.ts";
import type { DmaMapper } from "./dma.ts";
import { splitPages } from "./_page_split.ts";
import type { Pfn } from "../types.ts";

/** One ib_sge. `pfn` and `offset` record what was mapped (for unmapping and release). */
export interface Sge {
  readonly addr: number;
  readonly length: number;
  readonly lkey: bigint;
  readonly pfn: Pfn;
  readonly offset: number;
  /** A slot reserved by the caller (the SMB-Direct header), not mapped here. */
  readonly reserved: boolean;
}

/** The rdma parameter block: the SGE array and its limit. */
export interface RdmaList {
  readonly name: string;
  readonly sge: Sge[];
  readonly maxSge: number;
  readonly lkey: bigint;
  readonly dir: "to_device" | "from_device";
  readonly step: number;
}

/** Runs smb_extract_iter_to_rdma for `len` bytes into `rdma`; returns bytes or -EIO. */
export function smbExtractIterToRdma(
  ctx: ModelCtx,
  it: IovIter,
  len: number,
  rdma: RdmaList,
  dma: DmaMapper,
): number {
  const before = rdma.sge.length;
  let ret: number;
  const add = (pfn: Pfn, off: number, l: number): boolean => {
    rdma.sge.push({
      addr: dma.map(pfn, off, l),
      length: l,
      lkey: rdma.lkey,
      pfn,
      offset: off,
      reserved: false,
    });
    return rdma.sge.length >= rdma.maxSge;
  };
  switch (it.kind) {
    case "bvec":
      ret = bvecToRdma(ctx, it, len, add);
      break;
    case "kvec":
      ret = kvecToRdma(ctx, it, len, add);
      break;
    case "folioq":
      ret = folioqToRdma(ctx, it, len, add);
      break;
    case "xarray":
      if (ctx.profile.has("smb_rdma_xarray")) {
        ret = xarrayToRdma(ctx, it, len, add);
        break;
      }
      // falls through
    default:
      ctx.warn(
        "unsupported_kind",
        `smb_extract_iter_to_rdma on ${it.kind.toUpperCase()} "${it.name}": WARN_ON_ONCE, -EIO${
          it.kind === "ubuf" || it.kind === "iovec"
            ? " (convert a user iterator to a pinned BVEC first)"
            : ""
        }`,
        { cause: it.createdAt },
      );
      ret = -5;
  }
  if (ret < 0) rdma.sge.length = before;
  return ret;
}

type Add = (pfn: Pfn, off: number, len: number) => boolean;

function bvecToRdma(ctx: ModelCtx, it: BvecIter, maxsize: number, add: Add): number {
  let start = it.iovOffset, ret = 0;
  for (let i = it.idx; i < it.segs.length; i++) {
    const bv = it.segs[i];
    if (start >= bv.len) {
      start -= bv.len;
      continue;
    }
    const len = Math.min(maxsize, bv.len - start);
    const full = add(bv.pfn, bv.offset + start, len);
    ret += len;
    maxsize -= len;
    if (full || maxsize <= 0) break;
    start = 0;
  }
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}

function kvecToRdma(ctx: ModelCtx, it: VecIter, maxsize: number, add: Add): number {
  const ps = ctx.mem.pageSize;
  let start = it.iovOffset, ret = 0;
  outer: for (let i = it.idx; i < it.segs.length; i++) {
    const kv = it.segs[i];
    if (start >= kv.len) {
      start -= kv.len;
      continue;
    }
    const kaddr = kv.base + BigInt(start);
    const off = Number(kaddr % BigInt(ps));
    const len = Math.min(maxsize, kv.len - start);
    const base = kaddr - BigInt(off);
    for (const piece of splitPages(off, len, ps)) {
      const loc = ctx.mem.translate(base + BigInt(piece.page * ps));
      const full = add(loc ? loc.pfn : -1, piece.offset, piece.len);
      ret += piece.len;
      maxsize -= piece.len;
      if (full) break outer;
    }
    if (maxsize <= 0) break;
    start = 0;
  }
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}

function folioqToRdma(_ctx: ModelCtx, it: FolioqIter, maxsize: number, add: Add): number {
  let slot = it.idx, offset = it.iovOffset, ret = 0;
  while (slot < it.slots.length && ret < maxsize) {
    const s = it.slots[slot];
    let full = false;
    if (offset < s.size) {
      const part = Math.min(maxsize - ret, s.size - offset);
      full = add(s.headPfn, offset, part);
      offset += part;
      ret += part;
    }
    if (offset >= s.size) {
      offset = 0;
      slot++;
    }
    if (full) break;
  }
  it.idx = slot;
  it.iovOffset = offset;
  it.count -= ret;
  return ret;
}

function xarrayToRdma(ctx: ModelCtx, it: XarrayIter, maxsize: number, add: Add): number {
  const ps = ctx.mem.pageSize;
  const start = it.xarrayStart + it.iovOffset;
  let ret = 0;
  let fo = it.file.folioFrom(Math.floor(start / ps));
  while (fo && fo.headIndex < it.file.npages && maxsize > 0) {
    const fsize = ps * 2 ** fo.order;
    const off = (start + ret) % fsize;
    const len = Math.min(maxsize, fsize - off);
    const full = add(fo.headPfn, off, len);
    ret += len;
    maxsize -= len;
    if (full) break;
    fo = it.file.folioFrom(fo.headIndex + 2 ** fo.order);
  }
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}
