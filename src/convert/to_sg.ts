/**
 * extract_iter_to_sg() (6.3-6.4 netfs_extract_iter_to_sg in fs/netfs/iterator.c; 6.5+
 * lib/scatterlist.c): appends entries at sgt.nents without coalescing or an end mark, at
 * most sg_max of them, and advances the iterator by the bytes returned. UBUF/IOVEC are
 * extracted (pinned) one page per entry and rolled back to orig_nents on failure; BVEC
 * gives one entry per bvec, KVEC one per page, FOLIOQ one per folio piece, XARRAY one per
 * folio; other kinds WARN and return -EIO. Each era's known defects are reproduced.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type {
  BvecIter,
  FolioqIter,
  IovIter,
  UbufIter,
  VecIter,
  XarrayIter,
} from "../model/iter.ts";
import { iovIterAdvance } from "../model/advance.ts";
import { iovIterExtractPages } from "../model/extract.ts";
import type { SgEntry, SgTable } from "./sg.ts";
import type { Holds } from "./holds.ts";
import type { Retention } from "../types.ts";
import { hex } from "../types.ts";

/** Options of one extract_iter_to_sg call. */
export interface ToSgOptions {
  readonly maxsize: number;
  readonly sgMax: number;
  readonly p2pdma: boolean;
  readonly step: number;
}

const UINT_MAX = 0xffffffff;

function entry(
  pfn: number,
  offset: number,
  length: number,
  retention: Retention,
  held: boolean,
  step: number,
): SgEntry {
  return { pfn, offset, length, dmaAddress: undefined, retention, held, released: false, step };
}

/** Appends an entry, flagging a write past the table's storage. */
function push(ctx: ModelCtx, t: SgTable, e: SgEntry, cause: number): void {
  if (t.nents >= t.capacity) {
    ctx.warn(
      "segment_limit",
      `extract_iter_to_sg writes entry ${t.nents} of "${t.name}", which has room for ${t.capacity}: the scatterlist array is overrun`,
      { cause, severity: "bug" },
    );
    t.capacity = t.nents + 1;
  }
  t.entries[t.nents++] = e;
}

/** Runs extract_iter_to_sg; returns bytes added or a negative errno. */
export function extractIterToSg(
  ctx: ModelCtx,
  it: IovIter,
  t: SgTable,
  o: ToSgOptions,
  holds: Holds,
): number {
  if (o.maxsize === 0) return 0;
  if (o.sgMax === 0 && ctx.profile.has("sg_max_zero_fix")) return 0;
  const countBefore = it.count;
  const nentsBefore = t.nents;
  let ret: number;
  switch (it.kind) {
    case "ubuf":
    case "iovec":
      ret = userToSg(ctx, it, t, o, holds);
      break;
    case "bvec":
      ret = bvecToSg(ctx, it, t, o);
      break;
    case "kvec":
      ret = kvecToSg(ctx, it, t, o);
      break;
    case "folioq":
      ret = folioqToSg(ctx, it, t, o);
      break;
    case "xarray":
      ret = xarrayToSg(ctx, it, t, o);
      break;
    default:
      ctx.warn(
        "unsupported_kind",
        `extract_iter_to_sg on ${it.kind.toUpperCase()} "${it.name}": WARN_ON_ONCE, -EIO`,
        {
          cause: it.createdAt,
        },
      );
      return -5;
  }
  let described = 0;
  for (let i = nentsBefore; i < t.nents; i++) described += t.entries[i].length;
  const advanced = countBefore - it.count;
  if (advanced !== described) {
    ctx.warn(
      "over_advance",
      `extract_iter_to_sg advanced "${it.name}" by ${hex(advanced)} but the ${
        t.nents - nentsBefore
      } entries added to "${t.name}" describe ${hex(described)} bytes`,
      { cause: it.createdAt },
    );
  }
  return ret;
}

/** extract_user_to_sg(): extraction into the sg array's tail, one entry per page. */
function userToSg(
  ctx: ModelCtx,
  it: UbufIter | VecIter,
  t: SgTable,
  o: ToSgOptions,
  holds: Holds,
): number {
  const ps = ctx.mem.pageSize;
  let maxsize = o.maxsize, sgMax = o.sgMax, ret = 0;
  let res = 0;
  do {
    const r = iovIterExtractPages(ctx, it, {
      maxsize,
      maxpages: sgMax,
      step: o.step,
      p2pdma: o.p2pdma,
    });
    for (const p of r.holds) holds.take("pin", p);
    res = r.ret;
    if (res < 0 || (res === 0 && ctx.profile.has("extract_to_sg_zero_fail"))) {
      return rollback(ctx, t, res, holds, it);
    }
    if (res === 0) {
      ctx.warn(
        "zero_result_loop",
        `extract_user_to_sg: extraction from "${it.name}" returned 0 and the loop retries forever (fixed in 2024); the model stops here`,
        { cause: it.createdAt, severity: "bug" },
      );
      return ret;
    }
    let len = res, off = r.offset0;
    maxsize -= len;
    ret += len;
    let npages = Math.ceil((off + len) / ps);
    sgMax -= npages;
    if (!ctx.profile.has("extract_user_to_sg_loop_fix")) continue;
    const heldSet = new Map<number, number>();
    for (const p of r.holds) heldSet.set(p, (heldSet.get(p) ?? 0) + 1);
    for (let k = 0; npages > 0; npages--, k++) {
      const seg = Math.min(ps - off, len);
      const pfn = r.pfns[k];
      const h = heldSet.get(pfn) ?? 0;
      if (h) heldSet.set(pfn, h - 1);
      push(ctx, t, entry(pfn, off, seg, "pin", h > 0, o.step), it.createdAt);
      len -= seg;
      off = 0;
    }
  } while (maxsize > 0 && sgMax > 0);
  return ret;
}

/** The failure path: release every entry from orig_nents to nents and return the error. */
function rollback(ctx: ModelCtx, t: SgTable, res: number, holds: Holds, it: IovIter): number {
  const unpin = ctx.profile.has("extract_to_sg_unpin");
  while (t.nents > t.origNents) {
    const e = t.entries[--t.nents];
    const page = ctx.mem.pageName(e.pfn);
    if (e.retention !== "pin") {
      ctx.warn(
        "mixed_retention",
        `extract_iter_to_sg rollback ${
          unpin ? "unpins" : "puts"
        } ${page} (entry ${t.nents} of "${t.name}"), which was added without a pin`,
        { cause: e.step, page },
      );
    } else if (!unpin) {
      ctx.warn(
        "release_mismatch",
        `extract_iter_to_sg rollback releases pinned ${page} with put_page (before mid-2023): the pin stays`,
        { cause: e.step, page },
      );
    } else if (e.held) holds.drop("pin", e.pfn);
    e.released = true;
  }
  t.entries.length = t.nents;
  void it;
  return res;
}

/** extract_bvec_to_sg(): one entry per bvec, on the bvec's first page with bv_offset + skip. */
function bvecToSg(ctx: ModelCtx, it: BvecIter, t: SgTable, o: ToSgOptions): number {
  let start = it.iovOffset, maxsize = o.maxsize, sgMax = o.sgMax || UINT_MAX + 1, ret = 0;
  for (let i = it.idx; i < it.segs.length; i++) {
    const bv = it.segs[i];
    if (start >= bv.len) {
      start -= bv.len;
      continue;
    }
    const len = Math.min(maxsize, bv.len - start);
    push(ctx, t, entry(bv.pfn, bv.offset + start, len, "none", false, o.step), it.createdAt);
    sgMax--;
    ret += len;
    maxsize -= len;
    if (maxsize <= 0 || sgMax === 0) break;
    start = 0;
  }
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}

/**
 * extract_kvec_to_sg(): one entry per page (vmalloc-aware). Before the CVE-2026-46289 fix
 * each entry took the kvec's whole remaining length and the call counted the whole kvec even
 * when sg_max cut it short.
 */
function kvecToSg(ctx: ModelCtx, it: VecIter, t: SgTable, o: ToSgOptions): number {
  const ps = ctx.mem.pageSize;
  const fixed = ctx.profile.has("kvec_to_sg_len_fix");
  let start = it.iovOffset, maxsize = o.maxsize, sgMax = o.sgMax || UINT_MAX + 1, ret = 0;
  for (let i = it.idx; i < it.segs.length; i++) {
    const kv = it.segs[i];
    if (start >= kv.len) {
      start -= kv.len;
      continue;
    }
    let kaddr = kv.base + BigInt(start);
    let off = Number(kaddr % BigInt(ps));
    let len = Math.min(maxsize, kv.len - start);
    kaddr -= BigInt(off);
    maxsize -= len;
    if (!fixed) ret += len;
    do {
      const seg = Math.min(len, ps - off);
      const loc = ctx.mem.translate(kaddr);
      push(
        ctx,
        t,
        entry(loc ? loc.pfn : -1, off, fixed ? seg : len, "none", false, o.step),
        it.createdAt,
      );
      sgMax--;
      if (fixed) ret += seg;
      len -= seg;
      kaddr += BigInt(ps);
      off = 0;
    } while (len > 0 && sgMax > 0);
    if (maxsize <= 0 || sgMax === 0) break;
    start = 0;
  }
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}

/** extract_folioq_to_sg() (6.12+): one entry per folio piece, on the folio's head page. */
function folioqToSg(ctx: ModelCtx, it: FolioqIter, t: SgTable, o: ToSgOptions): number {
  let slot = it.idx, offset = it.iovOffset, ret = 0, sgMax = o.sgMax || UINT_MAX + 1;
  do {
    if (slot >= it.slots.length) break;
    const s = it.slots[slot];
    if (offset < s.size) {
      const part = Math.min(o.maxsize - ret, s.size - offset);
      push(ctx, t, entry(s.headPfn, offset, part, "none", false, o.step), it.createdAt);
      sgMax--;
      offset += part;
      ret += part;
    }
    if (offset >= s.size) {
      offset = 0;
      slot++;
    }
  } while (sgMax > 0 && ret < o.maxsize);
  it.idx = slot;
  it.iovOffset = offset;
  it.count -= ret;
  return ret;
}

/**
 * extract_xarray_to_sg(): one entry per present folio (holes skipped) on its head page.
 * Before the 2026 fix every folio's offset came from the original start.
 */
function xarrayToSg(ctx: ModelCtx, it: XarrayIter, t: SgTable, o: ToSgOptions): number {
  const ps = ctx.mem.pageSize;
  const fixed = ctx.profile.has("xarray_to_sg_offset_fix");
  const start = it.xarrayStart + it.iovOffset;
  let maxsize = o.maxsize, sgMax = o.sgMax || UINT_MAX + 1, ret = 0;
  let fo = it.file.folioFrom(Math.floor(start / ps));
  while (fo && fo.headIndex < it.file.npages) {
    const fsize = ps * 2 ** fo.order;
    const offset = (fixed ? start + ret : start) % fsize;
    const len = Math.min(maxsize, fsize - offset);
    push(ctx, t, entry(fo.headPfn, offset, len, "none", false, o.step), it.createdAt);
    sgMax--;
    maxsize -= len;
    ret += len;
    if (maxsize <= 0 || sgMax === 0) break;
    fo = it.file.folioFrom(fo.headIndex + 2 ** fo.order);
  }
  if (ret > 0) iovIterAdvance(ctx, it, ret);
  return ret;
}
