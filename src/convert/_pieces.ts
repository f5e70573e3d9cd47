/**
 * The one conversion walk: how extract_{bvec,kvec,folioq,xarray}_to_sg and
 * smb_extract_{bvec,kvec,folioq,xarray}_to_rdma cut a kernel-backed iterator into the pieces
 * they describe. The kernel keeps a copy of this loop in every one of those functions; the
 * copies drifted apart (the len/seg slip of extract_kvec_to_sg, CVE-2026-46289; the XARRAY
 * offset taken from the original start), so the model keeps one, and the era defects are
 * options of it.
 *
 * Granularity: BVEC and BVECQ one piece per bvec (it may span pages), KVEC one per page, FOLIOQ one per
 * folio piece, XARRAY one per folio; pieces are (first page, offset from it, length).
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { BvecIter, BvecqIter, FolioqIter, VecIter, XarrayIter } from "../model/iter.ts";
import { iovIterAdvance } from "../model/advance.ts";
import { splitPages } from "./_page_split.ts";
import { bvecRunsOf } from "../model/bvec_runs.ts";
import type { EntryRuns } from "../model/entry_runs.ts";
import type { BvecSeg } from "../model/iter.ts";
import { hex, type Pfn } from "../types.ts";

/**
 * Receives one piece; returns true when the target is full (sg_max or max_sge reached),
 * which ends the walk after this piece.
 */
export type Emit = (pfn: Pfn, offset: number, len: number) => boolean;

/** What an {@link EmitRun} took: how many pieces, and whether the target is now full. */
export interface PiecesTaken {
  readonly taken: number;
  readonly full: boolean;
}

/**
 * Receives `n` pieces at once, (pfn + i, offset, len) for i < n, as `n` calls of an
 * {@link Emit} would; returns how many it took (at least one) and whether the target is full,
 * which ends the walk after the last piece taken.
 */
export type EmitRun = (pfn: Pfn, offset: number, len: number, n: number) => PiecesTaken;

/** Era defects a caller reproduces, and how it takes runs of pieces. */
export interface PieceOptions {
  /**
   * Takes runs of like pieces at once where the iterator keeps them as runs (a BVEC made by
   * netfs_extract_user_iter); without it every piece goes through the emit.
   */
  readonly emitRun?: EmitRun;
  /**
   * extract_kvec_to_sg before CVE-2026-46289: each page's piece takes the kvec's whole
   * remaining length, and the whole kvec counts as done even when the target fills up.
   */
  readonly kvecWholeLength?: boolean;
  /** extract_xarray_to_sg before 2bcd3ab37287: every folio's offset from the original start. */
  readonly xarrayOffsetFromStart?: boolean;
  /**
   * smb_extract_folioq_to_rdma before a379a8a2a003 (6.12 to 6.15; 6.12.y before 6.12.35,
   * 6.15.y before 6.15.4): the loop ignores a full target and runs to the queue's end.
   */
  readonly folioqToQueueEnd?: boolean;
}

/** A kernel-backed iterator a conversion can walk. */
export type KernelIter = BvecIter | BvecqIter | VecIter | FolioqIter | XarrayIter;

/**
 * Walks up to `maxsize` bytes of `it`, emitting pieces, and advances the iterator by the bytes
 * counted; returns them.
 */
export function walkPieces(
  ctx: ModelCtx,
  it: KernelIter,
  maxsize: number,
  emit: Emit,
  opts: PieceOptions = {},
): number {
  switch (it.kind) {
    case "bvec": {
      const runs = opts.emitRun && bvecRunsOf(it);
      if (runs) return advanced(ctx, it, bvecRunPieces(it, runs, maxsize, emit, opts.emitRun!));
      return advanced(ctx, it, bvecPieces(it, maxsize, emit));
    }
    case "bvecq":
      return advanced(ctx, it, bvecPieces(it, maxsize, emit));
    case "kvec":
    case "iovec":
      return advanced(ctx, it, kvecPieces(ctx, it, maxsize, emit, !!opts.kvecWholeLength));
    case "folioq":
      return opts.folioqToQueueEnd
        ? folioqPiecesToQueueEnd(ctx, it, maxsize, emit)
        : folioqPieces(ctx, it, maxsize, emit);
    case "xarray":
      return advanced(ctx, it, xarrayPieces(ctx, it, maxsize, emit, !!opts.xarrayOffsetFromStart));
  }
}

function advanced(ctx: ModelCtx, it: KernelIter, ret: number): number {
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}

function bvecPieces(it: BvecIter | BvecqIter, maxsize: number, emit: Emit): number {
  let start = it.iovOffset, ret = 0;
  for (let i = it.idx; i < it.segs.length; i++) {
    const bv = it.segs[i];
    if (start >= bv.len) {
      start -= bv.len;
      continue;
    }
    const len = Math.min(maxsize, bv.len - start);
    const full = emit(bv.pfn, bv.offset + start, len);
    ret += len;
    maxsize -= len;
    if (full || maxsize <= 0) break;
    start = 0;
  }
  return ret;
}

/**
 * bvecPieces over bvecs kept as runs: a piece per bvec still, but the whole bvecs of a run that
 * the bytes cover go to `emitRun` together.
 */
function bvecRunPieces(
  it: BvecIter,
  runs: EntryRuns<BvecSeg>,
  maxsize: number,
  emit: Emit,
  emitRun: EmitRun,
): number {
  const list = runs.runs()!;
  if (it.idx >= runs.length) return 0;
  let { run, at } = runs.locate(it.idx);
  let start = it.iovOffset, ret = 0;
  for (; run < list.length; run++, at = 0) {
    const { tmpl, n } = list[run];
    const len = tmpl.len;
    while (at < n) {
      if (start >= len) {
        // bvecs the offset covers (every one of an empty run) are stepped over
        const q = len === 0 ? n - at : Math.min(n - at, Math.floor(start / len));
        start -= q * len;
        at += q;
        continue;
      }
      if (start > 0 || maxsize < len) {
        // a bvec entered mid-way or left partly: one piece, as bvecPieces cuts it
        const l = Math.min(maxsize, len - start);
        const full = emit(tmpl.pfn + at, tmpl.offset + start, l);
        ret += l;
        maxsize -= l;
        if (full || maxsize <= 0) return ret;
        start = 0;
        at++;
        continue;
      }
      const { taken, full } = emitRun(
        tmpl.pfn + at,
        tmpl.offset,
        len,
        Math.min(n - at, Math.floor(maxsize / len)),
      );
      ret += taken * len;
      maxsize -= taken * len;
      at += taken;
      if (full || maxsize <= 0) return ret;
    }
  }
  return ret;
}

function kvecPieces(
  ctx: ModelCtx,
  it: VecIter,
  maxsize: number,
  emit: Emit,
  whole: boolean,
): number {
  const ps = ctx.mem.pageSize;
  let start = it.iovOffset, ret = 0;
  for (let i = it.idx; i < it.segs.length; i++) {
    const kv = it.segs[i];
    if (start >= kv.len) {
      start -= kv.len;
      continue;
    }
    const kaddr = kv.base + BigInt(start);
    const off = Number(kaddr % BigInt(ps));
    let len = Math.min(maxsize, kv.len - start);
    const base = kaddr - BigInt(off);
    maxsize -= len;
    if (whole) ret += len;
    let full = false;
    for (const piece of splitPages(off, len, ps)) {
      // vmalloc/module addresses through the page table, the rest through the direct map
      const loc = ctx.mem.translate(base + BigInt(piece.page * ps));
      full = emit(loc ? loc.pfn : -1, piece.offset, whole ? len : piece.len);
      if (!whole) ret += piece.len;
      len -= piece.len;
      if (full) break;
    }
    if (!whole) maxsize += len; // bytes the full target did not take stay unconsumed
    if (full || maxsize <= 0) break;
    start = 0;
  }
  return ret;
}

/**
 * extract_folioq_to_sg / smb_extract_folioq_to_rdma (6.12 to 7.3): the walk runs to maxsize
 * or the queue's end, not to the count, and ends with an unchecked `iter->count -= ret` (the
 * BVEC, KVEC and XARRAY walkers end in iov_iter_advance, which clamps; only
 * iov_iter_extract_pages caps maxsize at the count beforehand). A caller passing more than
 * the count wraps the size_t count to nearly 2^64, and a later operation walks off the queue
 * (a get_pages2 after it crashed 6.12.118). Flagged; the model clamps the count to 0.
 */
function folioqPieces(ctx: ModelCtx, it: FolioqIter, maxsize: number, emit: Emit): number {
  let slot = it.idx, offset = it.iovOffset, ret = 0;
  while (slot < it.slots.length && ret < maxsize) {
    const s = it.slots[slot];
    let full = false;
    if (offset < s.size) {
      const part = Math.min(maxsize - ret, s.size - offset);
      full = emit(s.headPfn, offset, part);
      offset += part;
      ret += part;
    }
    if (offset >= s.size) {
      offset = 0;
      slot++;
    }
    if (full) break;
  }
  return folioqDone(ctx, it, slot, offset, ret);
}

/**
 * smb_extract_folioq_to_rdma as 6.12 added it (c45ebd636c32) until a379a8a2a003 (6.16;
 * 6.12.35, 6.15.4): the do-loop continued while nr_sge < max_sge OR maxsize > 0, and maxsize
 * was never lowered (each part was min(maxsize - ret, rest of the folio)), so the condition
 * always held: a full SGE array did not stop the walk, only the end of the queue did. When
 * the bytes ran out before the queue did, every later pass took a part of 0 bytes at the same
 * place and mapped it, without end. The model emits that first empty piece, flags the loop
 * and stops there, leaving the iterator where the kernel's never-reached epilogue would.
 * With a maxsize of 0 the condition is nr_sge < max_sge alone: 0-byte pieces until full.
 */
function folioqPiecesToQueueEnd(
  ctx: ModelCtx,
  it: FolioqIter,
  maxsize: number,
  emit: Emit,
): number {
  let slot = it.idx, offset = it.iovOffset, ret = 0;
  while (slot < it.slots.length) {
    const s = it.slots[slot];
    let full = false;
    if (offset < s.size) {
      const part = Math.min(maxsize - ret, s.size - offset);
      full = emit(s.headPfn, offset, part);
      if (part === 0 && maxsize > 0) {
        ctx.warn(
          "zero_result_loop",
          { fn: "smb_extract_folioq_to_rdma", iter: it.name },
          `smb_extract_folioq_to_rdma on "${it.name}": the ${
            hex(maxsize)
          } bytes asked for are used up before the queue's end, and the loop (nr_sge < max_sge || maxsize > 0, maxsize never lowered) maps a 0-byte piece of slot ${slot} again and again, writing SGEs past the array without end (fixed by a379a8a2a003); the model stops after the first`,
          { cause: it.createdAt },
        );
        break;
      }
      offset += part;
      ret += part;
    }
    if (offset >= s.size) {
      offset = 0;
      slot++;
    }
    // only a maxsize of 0 makes the condition depend on nr_sge: 0-byte pieces until full
    if (maxsize === 0 && full) break;
  }
  return folioqDone(ctx, it, slot, offset, ret);
}

/** The FOLIOQ walkers' epilogue: slot, offset and the unchecked count subtraction. */
function folioqDone(
  ctx: ModelCtx,
  it: FolioqIter,
  slot: number,
  offset: number,
  ret: number,
): number {
  it.idx = slot;
  it.iovOffset = offset;
  if (ret > it.count) {
    ctx.warn(
      "count_wrap",
      { iter: it.name, taken: ret, count: it.count },
      `the FOLIOQ walk of "${it.name}" took ${hex(ret)} bytes with ${
        hex(it.count)
      } left: iter->count -= ret wraps to ${
        hex((1n << 64n) - BigInt(ret - it.count))
      }, and a later operation walks off the queue (the model clamps the count to 0)`,
      { cause: it.createdAt },
    );
    it.count = 0;
  } else it.count -= ret;
  return ret;
}

function xarrayPieces(
  ctx: ModelCtx,
  it: XarrayIter,
  maxsize: number,
  emit: Emit,
  fromStart: boolean,
): number {
  const ps = ctx.mem.pageSize;
  const start = it.xarrayStart + it.iovOffset;
  let ret = 0;
  let fo = it.file.folioFrom(Math.floor(start / ps));
  while (fo && fo.headIndex < it.file.npages && maxsize > 0) {
    const fsize = ps * 2 ** fo.order;
    const offset = (fromStart ? start : start + ret) % fsize;
    const len = Math.min(maxsize, fsize - offset);
    const full = emit(fo.headPfn, offset, len);
    maxsize -= len;
    ret += len;
    if (full) break;
    fo = it.file.folioFrom(fo.headIndex + 2 ** fo.order);
  }
  return ret;
}
