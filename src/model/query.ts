/**
 * Queries that do not move the iterator: iov_iter_npages, iov_iter_alignment,
 * iov_iter_gap_alignment, iov_iter_is_aligned (6.0 to 6.17), iov_iter_single_seg_count and
 * iov_iter_extract_will_pin (6.3+), after lib/iov_iter.c and include/linux/uio.h.
 *
 * @module
 */
import type { ModelCtx } from "./ctx.ts";
import { type IovIter, userBacked } from "./iter.ts";
import { kindOps } from "./kinds/mod.ts";

/** iov_iter_npages(): pages the remaining bytes span, capped at `maxpages`. */
export function iovIterNpages(ctx: ModelCtx, it: IovIter, maxpages: number): number {
  if (!it.count) return 0;
  return kindOps(it).npages(ctx.mem, it, maxpages);
}

/** iov_iter_alignment(): OR of every remaining segment's start and length. */
export function iovIterAlignment(ctx: ModelCtx, it: IovIter): bigint {
  return kindOps(it).alignment(ctx.mem, it);
}

/**
 * iov_iter_gap_alignment(): UBUF gives 0; non-IOVEC WARNs and gives ~0U; IOVEC ORs each
 * later non-empty segment's start with the previous one's end, ignoring iov_offset.
 */
export function iovIterGapAlignment(ctx: ModelCtx, it: IovIter): bigint {
  if (it.kind === "ubuf") return 0n;
  if (it.kind !== "iovec") {
    ctx.warn(
      "unsupported_kind",
      { fn: "iov_iter_gap_alignment", iter: it.name, kind: it.kind },
      `iov_iter_gap_alignment on ${it.kind.toUpperCase()} "${it.name}": WARN_ON, returns ~0U`,
      { cause: it.createdAt },
    );
    return 0xffffffffn;
  }
  let res = 0n, v = 0n, size = it.count;
  for (let k = it.idx; k < it.segs.length; k++) {
    const seg = it.segs[k];
    if (!seg.len) continue;
    if (v) res |= seg.base | v;
    v = seg.base + BigInt(seg.len);
    if (size <= seg.len) break;
    size -= seg.len;
  }
  return res;
}

/** iov_iter_is_aligned(): whether every start and (clipped) length avoids its mask. */
export function iovIterIsAligned(
  ctx: ModelCtx,
  it: IovIter,
  addrMask: bigint,
  lenMask: bigint,
): boolean {
  return kindOps(it).isAligned(ctx.mem, it, addrMask, lenMask, ctx.profile);
}

/** iov_iter_single_seg_count(). */
export function iovIterSingleSegCount(it: IovIter): number {
  return kindOps(it).singleSegCount(it);
}

/** iov_iter_extract_will_pin(): user-backed iterators are pinned, in either direction. */
export function iovIterExtractWillPin(it: IovIter): boolean {
  return userBacked(it);
}
