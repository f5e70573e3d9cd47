/**
 * netfs_limit_iter() (fs/netfs/iterator.c; added by cae932d3aee5 "netfs: Add func to calculate
 * pagecount/size-limited span of an iterator" in 6.8, not 6.3 as netfs_extract_user_iter: the
 * op is gated on era row netfs_limit_iter): how many bytes from `startOffset` fit in
 * `maxSize` and `maxSegs` segments, leaving the iterator untouched. BVEC counts bvecs,
 * XARRAY folios, FOLIOQ slots, KVEC kvecs (2026); start beyond count WARNs and gives 0, an
 * empty iterator gives 0 silently; other kinds BUG().
 *
 * The helpers keep the kernel's arithmetic where it is not the obvious one (read against
 * 6.12.118's fs/netfs/iterator.c and mainline's, the same in every era that has them):
 *
 * - netfs_limit_bvec / netfs_limit_kvec bound the span by a byte count `n` that starts at the
 *   iterator's count and loses every whole segment skipped, the part before iov_offset
 *   included, but not the part skipped inside the segment where the span starts; it never
 *   becomes count - start_offset. So with iov_offset set and a start that skips a segment the
 *   span comes out short, on a truncated iterator it can run past the end, and when the
 *   skipped segments are longer than the count `n` wraps (size_t) and bounds nothing.
 * - netfs_limit_xarray walks from xarray_start + iov_offset: start_offset only shrinks
 *   max_size (to count - start_offset), it does not move the walk. Every folio's offset is that
 *   one position's offset in it (offset_in_folio(folio, pos)), not only the first folio's.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { IovIter } from "../model/iter.ts";

const SIZE_T = 1n << 64n;

/** Runs netfs_limit_iter. */
export function netfsLimitIter(
  ctx: ModelCtx,
  it: IovIter,
  startOffset: number,
  maxSize: number,
  maxSegs: number,
): number {
  const ps = ctx.mem.pageSize;
  // netfs_limit_iter dispatches on the kind first, so anything it has no netfs_limit_* for
  // BUG()s before the count is looked at
  let segs: { len: number }[];
  let skip = it.iovOffset + startOffset;
  switch (it.kind) {
    case "bvec":
    case "kvec":
      if (it.kind === "kvec" && !ctx.profile.has("netfs_limit_kvec")) return bug(ctx, it);
      segs = it.segs.slice(it.idx);
      break;
    case "folioq":
      segs = it.slots.slice(it.idx).map((s) => ({ len: s.size }));
      break;
    case "xarray": {
      segs = [];
      const pos = it.xarrayStart + it.iovOffset;
      let fo = it.file.folioFrom(Math.floor(pos / ps));
      while (fo && fo.headIndex < it.file.npages && segs.length < maxSegs + 1) {
        const fsize = ps * 2 ** fo.order;
        segs.push({ len: fsize - (pos % fsize) });
        fo = it.file.folioFrom(fo.headIndex + 2 ** fo.order);
      }
      skip = 0;
      break;
    }
    default:
      return bug(ctx, it);
  }
  // each netfs_limit_*: WARN_ON(start_offset > n) || n == 0 returns 0; only the first WARNs
  if (startOffset > it.count) {
    ctx.warn(
      "unsupported_kind",
      { fn: "netfs_limit_iter", iter: it.name, kind: it.kind },
      `netfs_limit_iter on "${it.name}": start ${startOffset} beyond count ${it.count}: WARN, 0`,
      { cause: it.createdAt },
    );
    return 0;
  }
  if (!it.count) return 0;
  if (it.kind === "bvec" || it.kind === "kvec") {
    return limitVecs(segs, it.count, skip, maxSize, maxSegs);
  }
  // netfs_limit_xarray / netfs_limit_folioq: max_size = min(max_size, count - start_offset)
  const want = Math.min(maxSize, it.count - startOffset);
  let got = 0, n = 0;
  for (const s of segs) {
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const part = Math.min(s.len - skip, want - got);
    skip = 0;
    got += part;
    n++;
    if (got >= want || n >= maxSegs) break;
  }
  return got;
}

/** netfs_limit_bvec / netfs_limit_kvec, with their `n` as a size_t (see the module doc). */
function limitVecs(
  segs: readonly { len: number }[],
  count: number,
  skip: number,
  maxSize: number,
  maxSegs: number,
): number {
  let n = BigInt(count);
  let ix = 0;
  while (n && ix < segs.length && skip) {
    const len = segs[ix].len;
    if (skip < len) break;
    skip -= len;
    n = (((n - BigInt(len)) % SIZE_T) + SIZE_T) % SIZE_T;
    ix++;
  }
  let span = 0, nsegs = 0;
  while (n && ix < segs.length) {
    const room = BigInt(Math.min(segs[ix].len - skip, maxSize));
    const len = Number(n < room ? n : room);
    span += len;
    nsegs++;
    ix++;
    if (span >= maxSize || nsegs >= maxSegs) break;
    skip = 0;
    n -= BigInt(len);
  }
  return Math.min(span, maxSize);
}

function bug(ctx: ModelCtx, it: IovIter): number {
  ctx.warn(
    "unsupported_kind_bug",
    { fn: "netfs_limit_iter", iter: it.name, kind: it.kind },
    `netfs_limit_iter on ${it.kind.toUpperCase()} "${it.name}": BUG()`,
    { cause: it.createdAt },
  );
  return 0;
}
