/**
 * Positional arithmetic shared by the array-backed kinds (IOVEC/KVEC, BVEC, FOLIOQ): the
 * kernel's iov_iter_iovec_advance / iov_iter_bvec_advance / iov_iter_folioq_advance and the
 * matching branches of iov_iter_revert are the same walk over segment lengths.
 *
 * @module
 */
import type { RevertOutcome } from "./_kind.ts";

/** The position fields of an array-backed iterator. */
export interface SegPos {
  idx: number;
  iovOffset: number;
  count: number;
}

/**
 * Advances by `n` (<= count). IOVEC/KVEC/BVEC skip every segment the residual covers, empty
 * ones included; FOLIOQ (`stopAtZero`) stops as soon as nothing is left.
 */
export function segAdvance(
  it: SegPos,
  n: number,
  nsegs: number,
  lenAt: (k: number) => number,
  stopAtZero = false,
): void {
  if (!it.count) return;
  it.count -= n;
  let size = n + it.iovOffset;
  let k = it.idx;
  while (k < nsegs && (!stopAtZero || size) && size >= lenAt(k)) size -= lenAt(k++);
  it.iovOffset = size;
  it.idx = k;
}

/** Walks back `unroll` bytes beyond iov_offset; before the array's start is undefined. */
export function segRevertBeyond(
  it: SegPos,
  unroll: number,
  lenAt: (k: number) => number,
): RevertOutcome {
  while (it.idx > 0) {
    const n = lenAt(--it.idx);
    if (unroll <= n) {
      it.iovOffset = n - unroll;
      return "ok";
    }
    unroll -= n;
  }
  it.iovOffset = 0;
  return "before_start";
}

/** Bytes the remaining segments describe from the position. */
export function segDescribed(it: SegPos, nsegs: number, lenAt: (k: number) => number): number {
  let n = -it.iovOffset;
  for (let k = it.idx; k < nsegs; k++) n += lenAt(k);
  return Math.max(n, 0);
}
