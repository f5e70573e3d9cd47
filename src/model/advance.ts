/**
 * Positional operations: iov_iter_advance, iov_iter_revert, iov_iter_truncate,
 * iov_iter_reexpand, iov_iter_save_state, iov_iter_restore and dup_iter
 * (lib/iov_iter.c and include/linux/uio.h, 6.8 to 6.18 text).
 *
 * @module
 */
import type { ModelCtx } from "./ctx.ts";
import { type IovIter, nrSegs } from "./iter.ts";
import { kindOps } from "./kinds/mod.ts";
import { maxRwCount } from "../profile.ts";
import { pipeAdvance, pipeRevert } from "./pipe.ts";
import { hex } from "../types.ts";

/** iov_iter_advance(): moves forward by `bytes`, silently clamped to count. */
export function iovIterAdvance(ctx: ModelCtx, it: IovIter, bytes: number): void {
  if (bytes > it.count) bytes = it.count;
  if (it.kind === "pipe") {
    ctx.pipeEffects?.(it, pipeAdvance(ctx, it.pipe, it, bytes), "iov_iter_advance");
    return;
  }
  kindOps(it).advance(it, bytes);
}

/**
 * iov_iter_revert(): moves back by `unroll`. More than MAX_RW_COUNT WARNs and does nothing;
 * count grows unchecked; UBUF and XARRAY reverted before their start BUG(); vector kinds
 * walked before their array are undefined behaviour (flagged, clamped to the array start).
 */
export function iovIterRevert(ctx: ModelCtx, it: IovIter, unroll: number): void {
  if (!unroll) return;
  if (unroll > maxRwCount(ctx.profile.pageSize)) {
    ctx.warn(
      "revert_too_large",
      { iter: it.name, unroll },
      `iov_iter_revert of "${it.name}" by ${hex(unroll)} exceeds MAX_RW_COUNT: WARN, nothing done`,
      { cause: it.createdAt },
    );
    return;
  }
  if (it.kind === "pipe") {
    const fx = pipeRevert(ctx, it.pipe, it, unroll);
    if (fx.below) {
      ctx.warn(
        "pipe_revert_below_start",
        { iter: it.name, unroll, below: fx.below },
        `iov_iter_revert of PIPE "${it.name}" by ${hex(unroll)} goes ${
          hex(fx.below)
        } below its start_head`,
        { cause: it.createdAt },
      );
    }
    ctx.pipeEffects?.(it, fx, "iov_iter_revert");
    return;
  }
  it.count += unroll;
  if (it.kind === "discard") return;
  if (unroll <= it.iovOffset) {
    it.iovOffset -= unroll;
    return;
  }
  const beyond = unroll - it.iovOffset;
  const outcome = kindOps(it).revertBeyond(it, beyond);
  if (outcome === "bug") {
    ctx.warn(
      "revert_beyond_origin",
      { iter: it.name, kind: it.kind, unroll, beyond },
      `iov_iter_revert of ${it.kind.toUpperCase()} "${it.name}" by ${hex(unroll)} goes ${
        hex(beyond)
      } before its start: BUG()`,
      { cause: it.createdAt },
    );
  } else if (outcome === "before_start") {
    ctx.warn(
      "revert_beyond_origin",
      { iter: it.name, kind: it.kind, unroll, beyond },
      `iov_iter_revert of ${it.kind.toUpperCase()} "${it.name}" by ${
        hex(unroll)
      } walks before the start of its segment array (undefined behaviour)`,
      { cause: it.createdAt },
    );
  }
}

/** iov_iter_truncate(): count = min(count, n). */
export function iovIterTruncate(it: IovIter, count: number): void {
  if (it.count > count) it.count = count;
}

/** iov_iter_reexpand(): count = n, unchecked. */
export function iovIterReexpand(it: IovIter, count: number): void {
  it.count = count;
}

/** A saved iterator position (struct iov_iter_state). */
export interface IovIterState {
  readonly iovOffset: number;
  readonly count: number;
  readonly nrSegs: number;
  readonly iter: string;
}

/** iov_iter_save_state(). */
export function iovIterSaveState(it: IovIter): IovIterState {
  return { iovOffset: it.iovOffset, count: it.count, nrSegs: nrSegs(it), iter: it.name };
}

/**
 * iov_iter_restore(): only BVEC, IOVEC, UBUF and KVEC. The kernel's test WARNs once for KVEC
 * and still restores it; XARRAY, FOLIOQ and DISCARD WARN and are left untouched.
 */
export function iovIterRestore(ctx: ModelCtx, it: IovIter, state: IovIterState): void {
  const supported = it.kind === "bvec" || it.kind === "iovec" || it.kind === "ubuf";
  if (!supported) {
    ctx.warn(
      "unsupported_kind",
      { fn: "iov_iter_restore", iter: it.name, kind: it.kind },
      `iov_iter_restore on ${it.kind.toUpperCase()} "${it.name}": WARN_ON_ONCE${
        it.kind === "kvec" ? ", restored anyway" : ", not restored"
      }`,
      { cause: it.createdAt },
    );
    if (it.kind !== "kvec") return;
  }
  it.iovOffset = state.iovOffset;
  it.count = state.count;
  if (it.kind === "ubuf") return;
  if (it.kind === "bvec" || it.kind === "iovec" || it.kind === "kvec") {
    it.idx -= state.nrSegs - nrSegs(it);
  }
}

/**
 * dup_iter(): a struct copy; BVEC, KVEC and IOVEC also duplicate the remaining segment
 * array (so the copy cannot be reverted before its current position). Other kinds get the
 * struct copy and a NULL return. Returns whether an array was duplicated.
 */
export function dupIter(it: IovIter, as: string, step: number): { iter: IovIter; dup: boolean } {
  // a PIPE iterator is dup'ed by struct copy with a WARN (raised by the caller)
  if (it.kind === "bvec" || it.kind === "iovec" || it.kind === "kvec") {
    return {
      iter: { ...it, name: as, segs: it.segs.slice(it.idx), idx: 0, createdAt: step } as IovIter,
      dup: true,
    };
  }
  return { iter: { ...it, name: as, createdAt: step }, dup: false };
}
