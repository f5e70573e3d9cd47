/**
 * The per-kind operations record, after the kernel's `iterate_*` walkers and the
 * `iov_iter_*` helpers that switch on the iterator type. Every kind provides one;
 * `KIND_OPS` in mod.ts maps each kind to its record, and a missing kind fails to compile.
 *
 * @module
 */
import type { Memory, Region } from "../memory.ts";
import type { IovIter } from "../iter.ts";
import type { Addr, Pfn } from "../../types.ts";
import type { KernelProfile } from "../../profile.ts";

/**
 * A piece of an iterator's memory inside one page, handed to a {@link Step}.
 * Address-based kinds (UBUF, IOVEC, KVEC) carry `addr`; `pfn` is -1 where the address does
 * not translate (unmapped user memory) or the page cache has a hole.
 */
export interface Piece {
  readonly addr: Addr | undefined;
  readonly pfn: Pfn;
  readonly inPage: number;
  readonly len: number;
  /** The region the piece is in, when known, and the offset into it. */
  readonly region: Region | undefined;
  readonly offset: number;
  /** Whether this is user memory reached through a user-backed iterator. */
  readonly user: boolean;
}

/**
 * Processes a piece; returns the bytes it did NOT process, as the kernel's step functions
 * (`copy_to_user_iter`, `memcpy_to_iter`, ...) do. A non-zero remainder ends the walk.
 */
export type Step = (piece: Piece, progress: number) => number;

/** Result of walking back past the current segment in a revert. */
export type RevertOutcome = "ok" | "bug" | "before_start";

/** What one iterator kind does. `I` is the kind's iterator type. */
export interface KindOps<I extends IovIter> {
  /**
   * Walks `len` bytes (already clamped to count, > 0) from the current position, calling
   * `step` per piece, and advances the iterator by the progress, which it returns (the
   * kernel's `iterate_<kind>`).
   */
  walk(mem: Memory, it: I, len: number, step: Step, profile?: KernelProfile): number;
  /** Moves the position forward by `n` (already clamped to count); count is updated too. */
  advance(it: I, n: number): void;
  /**
   * Moves the position back by `unroll` bytes beyond the current iov_offset (the caller has
   * added the whole revert to count and handled unroll <= iov_offset).
   */
  revertBeyond(it: I, unroll: number): RevertOutcome;
  /** iov_iter_npages for this kind. */
  npages(mem: Memory, it: I, maxpages: number): number;
  /** iov_iter_alignment for this kind. */
  alignment(mem: Memory, it: I): bigint;
  /** iov_iter_is_aligned for this kind (6.0 to 6.17); `profile` selects era quirks. */
  isAligned(
    mem: Memory,
    it: I,
    addrMask: bigint,
    lenMask: bigint,
    profile: KernelProfile,
  ): boolean;
  /** iov_iter_single_seg_count for this kind. */
  singleSegCount(it: I): number;
  /** The remaining segments, as `expect: iter: {segs}` compares them. */
  segs(mem: Memory, it: I): unknown[];
  /** Bytes the remaining segments describe from the current position. */
  described(it: I): number;
}

/**
 * Splits a virtual address range into per-page pieces, translating each page through the
 * memory model; calls `fn` until it returns a non-zero remainder. Returns the progress.
 */
export function walkAddrRange(
  mem: Memory,
  task: string,
  user: boolean,
  base: Addr,
  len: number,
  progress: number,
  step: Step,
): { done: number; stopped: boolean } {
  const ps = mem.pageSize;
  let done = 0;
  while (done < len) {
    const addr = base + BigInt(done);
    const inPage = Number(addr % BigInt(ps));
    const n = Math.min(len - done, ps - inPage);
    const loc = mem.translate(addr, user ? task : undefined);
    const remain = step({
      addr,
      pfn: loc ? loc.pfn : -1,
      inPage,
      len: n,
      region: loc?.region,
      offset: loc ? loc.offset : 0,
      user,
    }, progress + done);
    done += n - remain;
    if (remain) return { done, stopped: true };
  }
  return { done, stopped: false };
}

/** DIV_ROUND_UP. */
export function divRoundUp(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}
