/**
 * Iterator constructors: iov_iter_ubuf, iov_iter_init, import_iovec (with its checks and,
 * from 6.4, single-segment UBUF), iov_iter_kvec, iov_iter_bvec, iov_iter_xarray,
 * iov_iter_folio_queue, iov_iter_discard (lib/iov_iter.c, lib/iov_iter.c __import_iovec,
 * 6.8 to 6.18 text) and iov_iter_pipe (lib/iov_iter.c, to 6.4). Constructors trust their arguments, as the kernel's do.
 *
 * @module
 */
import { limit, LimitError } from "../limits.ts";
import type { ModelCtx } from "./ctx.ts";
import type { AddrSeg, BvecqSegment, BvecSeg, FolioSlot, IovIter } from "./iter.ts";
import { numAddr, NumAddrSeg } from "./iter.ts";
import type { Region } from "./memory.ts";
import type { Pipe } from "./pipe.ts";
import { maxRwCount, TASK_SIZE_MAX, UIO_MAXIOV } from "../profile.ts";
import type { Addr, Direction, Pfn } from "../types.ts";
import type { EntryRuns } from "./entry_runs.ts";

/** Fields every constructor needs. */
export interface IterOrigin {
  readonly name: string;
  readonly task: string;
  readonly step: number;
}

function base(o: IterOrigin, dir: Direction, count: number) {
  return {
    name: o.name,
    task: o.task,
    createdAt: o.step,
    dir,
    count,
    iovOffset: 0,
    nofault: false,
  };
}

/**
 * iov_iter_ubuf(). `nrSegs` is what the era's initializer sets: ubufNrSegs(profile), 1 from
 * 6.4 and 0 before.
 */
export function iovIterUbuf(
  o: IterOrigin,
  dir: Direction,
  addr: Addr,
  len: number,
  nrSegs: 0 | 1 = 1,
): IovIter {
  return { ...base(o, dir, len), kind: "ubuf", ubuf: addr, nrSegs };
}

/** nr_segs of a new ITER_UBUF: 1 from 6.4 (ubuf_nr_segs_one), left unset (0) before. */
export function ubufNrSegs(ctx: Pick<ModelCtx, "profile">): 0 | 1 {
  return ctx.profile.has("ubuf_nr_segs_one") ? 1 : 0;
}

/** iov_iter_init(): an IOVEC; count = sum of lengths. */
export function iovIterInit(o: IterOrigin, dir: Direction, iov: readonly AddrSeg[]): IovIter {
  return { ...base(o, dir, sum(iov)), kind: "iovec", segs: iov, idx: 0 };
}

/** iov_iter_kvec(). */
export function iovIterKvec(o: IterOrigin, dir: Direction, kvec: readonly AddrSeg[]): IovIter {
  return { ...base(o, dir, sum(kvec)), kind: "kvec", segs: kvec, idx: 0 };
}

/** iov_iter_bvec(). */
export function iovIterBvec(o: IterOrigin, dir: Direction, bvec: readonly BvecSeg[]): IovIter {
  return { ...base(o, dir, sum(bvec)), kind: "bvec", segs: bvec, idx: 0 };
}

/**
 * iov_iter_bvec() over bvecs kept as runs (bvec_runs.ts), `count` bytes: `segs` expands them
 * when something reads it; the runs stay reachable (not enumerable) for the walks that use them.
 */
export function iovIterBvecRuns(
  o: IterOrigin,
  dir: Direction,
  bvec: EntryRuns<BvecSeg>,
  count: number,
): IovIter {
  const it = {
    ...base(o, dir, count),
    kind: "bvec" as const,
    get segs() {
      return bvec.array();
    },
    idx: 0,
  };
  Object.defineProperty(it, "bvecRuns", { value: bvec, enumerable: false });
  return it;
}

/** iov_iter_xarray(). */
export function iovIterXarray(
  o: IterOrigin,
  dir: Direction,
  file: Region,
  start: number,
  count: number,
): IovIter {
  return { ...base(o, dir, count), kind: "xarray", file, xarrayStart: start };
}

/**
 * iov_iter_folio_queue(): the folios of `source` (a region's folios, or a file's cached
 * folios in index order, holes skipped) laid into folio_queue segments of
 * `slotsPerSegment` slots; starts at (`slot`, `offset`) of the first segment.
 */
export function iovIterFolioQueue(
  ctx: ModelCtx,
  o: IterOrigin,
  dir: Direction,
  source: Region,
  opts: { slot: number; offset: number; count: number; slotsPerSegment: number },
): IovIter {
  const ps = ctx.mem.pageSize;
  const slots: FolioSlot[] = [];
  // the queue holds every folio of the source, so it is bounded (folioq_folios) before it is
  // built: a uniform layout is counted arithmetically, explicit folios as they are listed
  const nfolios = source.nfolios ?? Math.ceil(source.npages / 2 ** source.folioOrder);
  const max = limit("folioq_folios");
  if (nfolios > max) throw new LimitError("folioq_folios", nfolios);
  // holes are stepped over folio by folio (folioFrom), never page by page
  for (let fo = source.folioFrom(0); fo && fo.headIndex < source.npages;) {
    if (slots.length >= max) {
      throw new LimitError("folioq_folios", nfolios);
    }
    const n = 2 ** fo.order;
    slots.push({ headPfn: fo.headPfn, size: n * ps });
    fo = source.folioFrom(fo.headIndex + n);
  }
  return {
    ...base(o, dir, opts.count),
    iovOffset: opts.offset,
    kind: "folioq",
    slots,
    slotsPerSegment: opts.slotsPerSegment,
    idx: opts.slot,
  };
}

/** iov_iter_discard(): always ITER_DEST. */
export function iovIterDiscard(o: IterOrigin, count: number): IovIter {
  return { ...base(o, "dest", count), kind: "discard" };
}

/**
 * iov_iter_pipe() (to 6.4): always ITER_DEST, positioned at the pipe's head. The kernel's
 * WARN_ON(pipe_full(...)) is the caller's to raise (it knows where to report it).
 */
export function iovIterPipe(o: IterOrigin, pipe: Pipe, count: number): IovIter {
  return {
    ...base(o, "dest", count),
    kind: "pipe",
    pipe,
    head: pipe.head,
    startHead: pipe.head,
    lastOffset: 0,
  };
}

/** An iovec as userspace passes it: the length is a signed ssize_t. */
export interface UserIovec {
  readonly base: Addr;
  readonly len: number;
}

/** The result of import_iovec: a negative errno, or the iterator and the total. */
export type ImportResult = { errno: number } | { iter: IovIter; total: number };

/** TASK_SIZE_MAX as a number (exact: below 2^53). */
const USER_END = Number(TASK_SIZE_MAX);

/** access_ok() of `len` (>= 0, checked by the callers) bytes from `addr`. */
function accessOk(addr: Addr, len: number): boolean {
  // an address up to 2^53 is exact as a number, and one above it converts to at least 2^53:
  // an address past TASK_SIZE_MAX compares past it as a number too, so one conversion and a
  // number sum decide (a sum past 2^53 may round, but only sums far above TASK_SIZE_MAX get
  // there): no BigInt comparison or arithmetic per segment
  return Number(addr) + len <= USER_END;
}

/** accessOk() of `len` bytes from a segment's address (a NumAddrSeg's without a BigInt). */
function segAccessOk(v: UserIovec, len: number): boolean {
  const a = numAddr(v);
  return a === undefined ? accessOk(v.base, len) : a + len <= USER_END;
}

/** A segment's address with a new length, kept as a number when it is one. */
function clipped(v: UserIovec, len: number): AddrSeg {
  const a = numAddr(v);
  return a === undefined ? { base: v.base, len } : new NumAddrSeg(a, len);
}

/**
 * import_iovec() / __import_iovec(): more than UIO_MAXIOV segments is -EINVAL; a negative
 * length is -EINVAL (while copying the array); a segment failing access_ok is -EFAULT;
 * lengths are clipped so the total stays within MAX_RW_COUNT. From 6.4 one segment becomes
 * ITER_UBUF (import_ubuf: clip, then access_ok).
 */
export function importIovec(
  ctx: ModelCtx,
  o: IterOrigin,
  dir: Direction,
  iov: readonly UserIovec[],
): ImportResult {
  const max = maxRwCount(ctx.profile.pageSize);
  if (iov.length > UIO_MAXIOV) return { errno: -22 };
  if (iov.length === 1 && ctx.profile.has("import_iovec_ubuf")) {
    let len = iov[0].len;
    if (len < 0) return { errno: -22 };
    if (len > max) len = max;
    if (!segAccessOk(iov[0], len)) return { errno: -14 };
    return { iter: iovIterUbuf(o, dir, iov[0].base, len, ubufNrSegs(ctx)), total: len };
  }
  for (const v of iov) if (v.len < 0) return { errno: -22 };
  let total = 0;
  // the kernel's copy of the array: the caller's array itself until a segment is clipped
  // (segments and segment arrays are never changed in place), a copy from there on
  let segs: AddrSeg[] | undefined;
  for (let k = 0; k < iov.length; k++) {
    const v = iov[k];
    let len = v.len;
    if (!segAccessOk(v, len)) return { errno: -14 };
    if (len > max - total) len = max - total;
    total += len;
    if (len !== v.len) (segs ??= iov.slice(0, k)).push(clipped(v, len));
    else segs?.push(v);
  }
  return { iter: iovIterInit(o, dir, segs ?? iov), total };
}

function sum(segs: readonly { len: number }[]): number {
  let n = 0;
  for (const s of segs) n += s.len;
  return n;
}

/** One segment of a bvecq as a trace gives it: its bio_vecs and its release policy. */
export interface BvecqSpec {
  /** bio_vecs; pfn undefined is a NULL bv_page, which counts as an empty bvec. */
  readonly bvec: readonly { pfn: Pfn | undefined; offset: number; len: number }[];
  readonly free: boolean;
  readonly unpin: boolean;
}

/**
 * iov_iter_bvec_queue(i, dir, bq, first_slot, offset, count) (7.4): starts at slot
 * `firstSlot` of the first segment, `offset` into that bvec; `count` is trusted as given.
 */
export function iovIterBvecQueue(
  o: IterOrigin,
  dir: Direction,
  queue: readonly BvecqSpec[],
  firstSlot: number,
  offset: number,
  count: number,
): IovIter {
  const segs: BvecSeg[] = [];
  const q: BvecqSegment[] = [];
  for (const s of queue) {
    q.push({ first: segs.length, nrSlots: s.bvec.length, free: s.free, unpin: s.unpin });
    for (const b of s.bvec) {
      segs.push(b.pfn === undefined ? { pfn: -1, offset: 0, len: 0 } : { ...b, pfn: b.pfn });
    }
  }
  return {
    ...base(o, dir, count),
    kind: "bvecq",
    segs,
    queue: q,
    idx: firstSlot,
    iovOffset: offset,
  };
}
