/**
 * The iterator: `struct iov_iter` as a discriminated union on `kind`. Fields keep the
 * kernel's names (count, iovOffset, nrSegs). Vector kinds keep the whole array they were
 * created with and an index to the current segment, so that reverting past the start of the
 * array (undefined behaviour in the kernel) can be detected.
 *
 * @module
 */
import type { Region } from "./memory.ts";
import type { Pipe } from "./pipe.ts";
import type { Addr, Direction, IterKind, Pfn } from "../types.ts";
import { numPageOffset, pageOffset } from "./addr_math.ts";

/** An iovec or kvec: a virtual address range. */
export interface AddrSeg {
  readonly base: Addr;
  readonly len: number;
}

/**
 * Addresses below this (2^52) are kept as numbers (NumAddrSeg, userPages): exact, and still
 * exact with an offset or length below 2^52 added.
 */
export const NUM_ADDR_LIMIT = 1n << 52n;

/**
 * An AddrSeg whose address is below 2^52, as every user address is: kept as a number, which
 * the per-segment paths (access_ok, GUP) read without a BigInt, and given as the model's
 * BigInt only when `base` is read. A replay builds one for every such iovec or kvec segment.
 */
export class NumAddrSeg implements AddrSeg {
  constructor(readonly addr: number, readonly len: number) {}
  get base(): Addr {
    return BigInt(this.addr);
  }
}

/** A segment of `len` bytes at `base`: a NumAddrSeg when the address is below 2^52. */
export function addrSeg(base: Addr, len: number): AddrSeg {
  return base >= 0n && base < NUM_ADDR_LIMIT ? new NumAddrSeg(Number(base), len) : { base, len };
}

/** The address of a NumAddrSeg, as a number; undefined for any other segment. */
export function numAddr(s: AddrSeg): number | undefined {
  return s instanceof NumAddrSeg ? s.addr : undefined;
}

/** The in-page offset of a segment's address; a NumAddrSeg's number is read without a BigInt. */
export function segPageOffset(s: AddrSeg, ps: number): number {
  const a = numAddr(s);
  return a === undefined ? pageOffset(s.base, ps) : numPageOffset(a, ps);
}

/** A bio_vec: a page, an offset (may exceed a page) and a length (may span later pfns). */
export interface BvecSeg {
  readonly pfn: Pfn;
  readonly offset: number;
  readonly len: number;
}

/** One folio slot of a folio_queue. */
export interface FolioSlot {
  readonly headPfn: Pfn;
  readonly size: number;
}

interface IterBase {
  /** The variable the trace names it by. */
  readonly name: string;
  /** The mm user addresses resolve in. */
  readonly task: string;
  dir: Direction;
  count: number;
  iovOffset: number;
  nofault: boolean;
  /** Step that created the iterator. */
  readonly createdAt: number;
}

/** ITER_UBUF: one user range. */
export interface UbufIter extends IterBase {
  readonly kind: "ubuf";
  readonly ubuf: Addr;
  /** What iov_iter_ubuf() set: 1 from 6.4 (ubuf_nr_segs_one), 0 before. Never changes. */
  readonly nrSegs: 0 | 1;
}
/** ITER_IOVEC / ITER_KVEC: an array of address ranges. */
export interface VecIter extends IterBase {
  readonly kind: "iovec" | "kvec";
  readonly segs: readonly AddrSeg[];
  /** Index of the current segment in `segs`; nr_segs = segs.length - idx. */
  idx: number;
}
/** ITER_BVEC: an array of bio_vecs. */
export interface BvecIter extends IterBase {
  readonly kind: "bvec";
  readonly segs: readonly BvecSeg[];
  idx: number;
}
/** ITER_XARRAY: a file's page cache from a byte position. */
export interface XarrayIter extends IterBase {
  readonly kind: "xarray";
  readonly file: Region;
  readonly xarrayStart: number;
}
/** ITER_FOLIOQ: a chain of folio_queue segments; slots are kept flat. */
export interface FolioqIter extends IterBase {
  readonly kind: "folioq";
  readonly slots: readonly FolioSlot[];
  readonly slotsPerSegment: number;
  /** Flat slot index: segment = floor(idx / slotsPerSegment). */
  idx: number;
}
/**
 * One segment of a bvecq (7.4): a run of slots in the flat slot array, and the release
 * policy the queue carries for the pages in it (`free`: the pages are the queue's own and are
 * put when it is released; `unpin`: they were pinned from user memory and are unpinned).
 */
export interface BvecqSegment {
  /** Flat index of its first slot. */
  readonly first: number;
  readonly nrSlots: number;
  readonly free: boolean;
  readonly unpin: boolean;
}
/**
 * ITER_BVECQ (7.4): a chain of bvecq segments, each an array of bio_vecs. Slots are kept
 * flat (`segs`, a bv_page of NULL as pfn -1); the (segment, slot) pair is derived.
 */
export interface BvecqIter extends IterBase {
  readonly kind: "bvecq";
  readonly segs: readonly BvecSeg[];
  readonly queue: readonly BvecqSegment[];
  /** Flat slot index. */
  idx: number;
}
/** ITER_DISCARD: counts only. */
export interface DiscardIter extends IterBase {
  readonly kind: "discard";
}
/** ITER_PIPE (up to 6.4): the position is (head, iov_offset or last_offset) in a pipe. */
export interface PipeIter extends IterBase {
  readonly kind: "pipe";
  readonly pipe: Pipe;
  head: number;
  readonly startHead: number;
  lastOffset: number;
}

/** An iov_iter. */
export type IovIter =
  | UbufIter
  | VecIter
  | BvecIter
  | XarrayIter
  | FolioqIter
  | BvecqIter
  | DiscardIter
  | PipeIter;

/** Whether the iterator is user-backed (UBUF or IOVEC), as `user_backed_iter()`. */
export function userBacked(it: IovIter): boolean {
  return it.kind === "ubuf" || it.kind === "iovec";
}

/** nr_segs as the kernel reports it for each kind. */
export function nrSegs(it: IovIter): number {
  switch (it.kind) {
    case "iovec":
    case "kvec":
      return it.segs.length - it.idx;
    case "bvec":
      // counted from the runs a BVEC may keep its bvecs in (bvec_runs.ts), not expanding them
      return ((it as { bvecRuns?: { length: number } }).bvecRuns?.length ?? it.segs.length) -
        it.idx;
    case "ubuf":
      return it.nrSegs;
    case "folioq":
    case "bvecq":
    case "xarray":
    case "discard":
    case "pipe":
      return 0;
  }
}

/** A shallow copy sharing the segment array, as the kernel's struct copy. */
export function cloneIter<T extends IovIter>(it: T, name = it.name): T {
  return { ...it, name };
}

export type { IterKind };
