/**
 * netfs_limit_iter() (fs/netfs/iterator.c, 6.3+): how many bytes from `startOffset` fit in
 * `maxSize` and `maxSegs` segments, leaving the iterator untouched. BVEC counts bvecs,
 * XARRAY folios, FOLIOQ slots, KVEC kvecs (2026); start beyond count WARNs and gives 0, an
 * empty iterator gives 0 silently; other kinds BUG().
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { IovIter } from "../model/iter.ts";

/** Runs netfs_limit_iter. */
export function netfsLimitIter(
  ctx: ModelCtx,
  it: IovIter,
  startOffset: number,
  maxSize: number,
  maxSegs: number,
): number {
  const ps = ctx.mem.pageSize;
  // walk segments (start, len) after skipping startOffset; netfs_limit_iter dispatches on the
  // kind first, so anything it has no netfs_limit_* for BUG()s before the count is looked at
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
      const pos = it.xarrayStart + it.iovOffset + startOffset;
      let fo = it.file.folioFrom(Math.floor(pos / ps));
      let first = true;
      while (fo && fo.headIndex < it.file.npages && segs.length < maxSegs + 1) {
        const fsize = ps * 2 ** fo.order;
        segs.push({ len: first ? fsize - (pos % fsize) : fsize });
        first = false;
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

function bug(ctx: ModelCtx, it: IovIter): number {
  ctx.warn(
    "unsupported_kind_bug",
    { fn: "netfs_limit_iter", iter: it.name, kind: it.kind },
    `netfs_limit_iter on ${it.kind.toUpperCase()} "${it.name}": BUG()`,
    { cause: it.createdAt },
  );
  return 0;
}
