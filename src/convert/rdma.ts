/**
 * smb_extract_iter_to_rdma() (fs/smb/client/smbdirect.c, 6.3+): DMA-maps the iterator's
 * memory straight into an ib_sge array with the device's local_dma_lkey, no pins, no
 * intermediate scatterlist. BVEC gives one SGE per bvec piece, KVEC one per page, FOLIOQ one
 * per folio piece (6.12+), XARRAY one per folio (6.3 to 6.11); user kinds WARN and -EIO.
 * Stops at max_sge or when the bytes are done; advances by the bytes mapped. Until
 * a379a8a2a003 (6.16; 6.12.35, 6.15.4) the FOLIOQ walk did not stop at max_sge: it wrote
 * SGEs past the array to the queue's end, or forever once the bytes were used up.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { IovIter } from "../model/iter.ts";
import type { DmaMapper } from "./dma.ts";
import { type PiecesTaken, walkPieces } from "./_pieces.ts";
import { EntryRuns } from "../model/entry_runs.ts";
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
  /** The SGEs (expanded from `sgeRuns`, where the list keeps runs, when read). */
  readonly sge: Sge[];
  /**
   * The run-encoded storage behind `sge` (lists made by rdmaList): mapping appends runs of
   * SGEs on consecutive pages one page apart in DMA space; reading `sge` expands it for good.
   */
  readonly sgeRuns?: EntryRuns<Sge>;
  readonly maxSge: number;
  readonly lkey: bigint;
  readonly dir: "to_device" | "from_device";
  readonly step: number;
}

/** An empty SGE list whose SGEs are kept as runs until read (`pageSize`: the DMA stride). */
export function rdmaList(
  o: Omit<RdmaList, "sge" | "sgeRuns">,
  pageSize: number,
): RdmaList {
  const runs = new EntryRuns<Sge>(
    (a, b, n) =>
      b.addr === a.addr + n * pageSize && a.length === b.length && a.lkey === b.lkey &&
      a.offset === b.offset && a.reserved === b.reserved,
    (t, i) => ({ ...t, pfn: t.pfn + i, addr: t.addr + i * pageSize }),
  );
  return new SgeRunList(o.name, o.maxSge, o.lkey, o.dir, o.step, runs);
}

/**
 * A list made by rdmaList. A class rather than an object literal with a getter, whose getter
 * function is new each time, so that V8 gave every list a hidden class of its own: every read
 * of a list's fields (a few per SGE mapped) was a lookup by name. `sge` is a getter of the
 * class, so the list's own fields are a plain list's less `sge`, plus `sgeRuns`; views and
 * expectations read the fields by name.
 */
class SgeRunList implements RdmaList {
  constructor(
    readonly name: string,
    readonly maxSge: number,
    readonly lkey: bigint,
    readonly dir: "to_device" | "from_device",
    readonly step: number,
    readonly sgeRuns: EntryRuns<Sge>,
  ) {}

  get sge(): Sge[] {
    return this.sgeRuns.array();
  }
}

/** How many SGEs a list holds, without expanding runs. */
export function sgeCount(rdma: RdmaList): number {
  return rdma.sgeRuns ? rdma.sgeRuns.length : rdma.sge.length;
}

/** Appends an SGE (to the runs while the list keeps them). */
export function pushSge(rdma: RdmaList, sge: Sge): void {
  if (rdma.sgeRuns) rdma.sgeRuns.push(sge);
  else rdma.sge.push(sge);
}

/**
 * Runs smb_extract_iter_to_rdma (6.3 to 7.0) or its 7.1 successor in the common smbdirect
 * code, smbdirect_map_sges_from_iter (`fn`), for `len` bytes into `rdma`; returns bytes or
 * -EIO. The 7.1 function takes ITER_SOURCE only (WARN_ON_ONCE and -EIO otherwise), refuses a
 * list already full (-EIO, nothing mapped) and, from 7.4, takes ITER_BVECQ instead of
 * ITER_FOLIOQ.
 */
export function smbExtractIterToRdma(
  ctx: ModelCtx,
  it: IovIter,
  len: number,
  rdma: RdmaList,
  dma: DmaMapper,
  fn: "smb_extract_iter_to_rdma" | "smbdirect_map_sges_from_iter" = "smb_extract_iter_to_rdma",
  failMapAt?: number,
): number {
  const before = sgeCount(rdma);
  let attempts = 0;
  if (fn === "smbdirect_map_sges_from_iter" && it.dir !== "source") {
    ctx.warn(
      "direction_mismatch",
      { fn: "smbdirect_map_sges_from_iter", iter: it.name, dir: it.dir },
      `smbdirect_map_sges_from_iter on "${it.name}" (ITER_DEST): WARN_ON_ONCE(iov_iter_rw(iter) != ITER_SOURCE), -EIO`,
      { cause: it.createdAt },
    );
    return -5;
  }
  let ret: number;
  // smbdirect_map_sges_single_page() (7.1) refuses a piece for a full list before mapping it,
  // and the walk returns -EIO; smb_set_sge() (6.3 to 7.0) has no such check and fills the slot
  // past max_sge. Only a list full on entry gets there: every walk stops once it is full.
  const refuseFull = fn === "smbdirect_map_sges_from_iter";
  const add = (pfn: Pfn, off: number, l: number): boolean => {
    const at = sgeCount(rdma);
    if (at >= rdma.maxSge) {
      if (refuseFull) throw MAP_FAILED;
      ctx.warn(
        "sge_overrun",
        { fn, list: rdma.name, entry: at, limit: rdma.maxSge },
        `${fn} writes sge[${at}] of "${rdma.name}", past its max_sge ${rdma.maxSge}: smb_set_sge() fills rdma->sge[nr_sge] without looking at the limit, so the ib_sge array is overrun`,
        { cause: rdma.step },
      );
    }
    // ib_dma_mapping_error() on this piece: the walk returns -EIO before advancing
    if (attempts++ === failMapAt) throw MAP_FAILED;
    pushSge(rdma, {
      addr: dma.map(pfn, off, l),
      length: l,
      lkey: rdma.lkey,
      pfn,
      offset: off,
      reserved: false,
    });
    return sgeCount(rdma) >= rdma.maxSge;
  };
  // `n` pieces (pfn + i, off, l) as add() would map them one by one, as one run of SGEs
  const addRun = (pfn: Pfn, off: number, l: number, n: number): PiecesTaken => {
    const runs = rdma.sgeRuns!;
    // a list full on entry takes (or refuses) one piece, as add() decides
    const room = rdma.maxSge - runs.length;
    const c = Math.min(n, Math.max(1, room));
    const fails = failMapAt !== undefined && failMapAt >= attempts && failMapAt < attempts + c;
    const addr = fails || room <= 0 ? undefined : dma.mapRun(pfn, off, l, c);
    if (addr === undefined) {
      for (let k = 0; k < c; k++) if (add(pfn + k, off, l)) return { taken: k + 1, full: true };
      return { taken: c, full: false };
    }
    attempts += c;
    runs.push({ addr, length: l, lkey: rdma.lkey, pfn, offset: off, reserved: false }, c);
    return { taken: c, full: runs.length >= rdma.maxSge };
  };
  // the runs of a list still run-encoded, unless the per-page reference is in force
  const walk = { emitRun: rdma.sgeRuns?.runs() ? addRun : undefined };
  switch (it.kind) {
    case "bvec":
    case "kvec":
    case "bvecq": // 7.4: smbdirect_map_sges_from_bvecq, one SGE per bvec piece
      ret = mapping(() => walkPieces(ctx, it, len, add, walk));
      break;
    case "folioq": // until 7.4 (ITER_FOLIOQ is removed there)
      // both copies hop to the next folio_queue segment when the slot is past the current
      // one's last; an iterator past the last slot of the queue has no next: WARN, -EIO
      if (it.idx >= it.slots.length) {
        const helper = fn === "smb_extract_iter_to_rdma"
          ? "smb_extract_folioq_to_rdma"
          : "smbdirect_map_sges_from_folioq";
        ctx.warn(
          "folioq_past_end",
          { fn: helper, iter: it.name },
          `${helper} on "${it.name}": slot ${it.idx} is past the queue's last (${it.slots.length} slots) and there is no next folio_queue: WARN_ON_ONCE, -EIO`,
          { cause: it.createdAt },
        );
        ret = -5;
        break;
      }
      // smb_extract_folioq_to_rdma before a379a8a2a003 (6.16; 6.12.35, 6.15.4) walks on
      // past a full array to the queue's end; the 7.1 common copy is the fixed one
      ret = mapping(() =>
        walkPieces(ctx, it, len, add, {
          ...walk,
          folioqToQueueEnd: fn === "smb_extract_iter_to_rdma" &&
            !ctx.profile.has("smb_folioq_max_sge_fix"),
        })
      );
      break;
    case "xarray":
      // smb_extract_xarray_to_rdma took every folio's offset from the original start (as
      // extract_xarray_to_sg did before its 2026 fix); it was removed in 6.12 unfixed
      if (ctx.profile.has("smb_rdma_xarray")) {
        ret = mapping(() => walkPieces(ctx, it, len, add, { xarrayOffsetFromStart: true }));
        break;
      }
      // falls through
    default:
      ctx.warn(
        "unsupported_kind",
        { fn, iter: it.name, kind: it.kind },
        `${fn} on ${it.kind.toUpperCase()} "${it.name}": WARN_ON_ONCE, -EIO${
          it.kind === "ubuf" || it.kind === "iovec"
            ? " (convert a user iterator to a pinned BVEC first)"
            : ""
        }`,
        { cause: it.createdAt },
      );
      ret = -5;
  }
  if (ret < 0) unmapNew(ctx, rdma, before, dma, fn);
  return ret;
}

/** Thrown by a piece that is not mapped: a failure the trace injects, or a full list (7.1). */
const MAP_FAILED = Symbol("ib_dma_mapping_error");

/** Runs a walk; a failed mapping makes it -EIO. */
function mapping(walk: () => number): number {
  try {
    return walk();
  } catch (e) {
    if (e === MAP_FAILED) return -5;
    throw e;
  }
}

/**
 * The error cleanup: unmaps the SGEs this call added and drops them. smb_extract_iter_to_rdma
 * (6.3 to 7.0) indexed the array with a post-decrement, sge[nr_sge--], so it unmapped the
 * slot one past the last entry it had filled, then each filled one but the first, which
 * stayed mapped; c207f1d78504 (7.1) walks the new entries themselves.
 */
function unmapNew(
  ctx: ModelCtx,
  rdma: RdmaList,
  before: number,
  dma: DmaMapper,
  fn: string,
): void {
  const n = rdma.sge.length;
  const slots = ctx.profile.has("smb_rdma_unmap_fix")
    ? Array.from({ length: n - before }, (_, k) => before + k)
    : Array.from({ length: n - before }, (_, k) => n - k);
  for (const i of slots) {
    const sge = rdma.sge[i];
    if (!sge || !dma.unmap(sge.addr, sge.length)) {
      ctx.warn(
        "dma_unmap_mismatch",
        { fn, list: rdma.name, entry: i },
        `${fn} error cleanup on "${rdma.name}" unmaps sge[${i}], ${
          i >= n
            ? `one past the ${n} entries filled (stale or beyond max_sge ${rdma.maxSge})`
            : "which is not mapped"
        }`,
        { cause: rdma.step },
      );
    }
  }
  for (let i = before; i < n; i++) {
    const sge = rdma.sge[i];
    if (dma.mapped(sge.addr, sge.length) && !slots.includes(i)) {
      ctx.warn(
        "dma_unmap_mismatch",
        { fn, list: rdma.name, entry: i },
        `${fn} error cleanup on "${rdma.name}" leaves sge[${i}] (${ctx.mem.pageName(sge.pfn)} +0x${
          sge.offset.toString(16)
        } len 0x${sge.length.toString(16)}) DMA-mapped: the list drops it and nothing unmaps it`,
        { cause: rdma.step },
      );
    }
  }
  rdma.sge.length = before;
}
