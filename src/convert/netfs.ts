/**
 * netfs_extract_user_iter() (fs/netfs/iterator.c, 6.3+): turns a user iterator into a BVEC
 * iterator over pinned pages, one bvec per page, so async direct I/O can outlive the
 * caller's iovec. Sized by iov_iter_npages(orig, INT_MAX); errors are logged and
 * swallowed: the BVEC then describes what was obtained, and an over-long result or a full
 * bvec array leaves that call's pages pinned but unrecorded.
 *
 * @module
 */
import { checkLimit } from "../limits.ts";
import type { ModelCtx } from "../model/ctx.ts";
import type { BvecSeg, IovIter } from "../model/iter.ts";
import { iovIterNpages } from "../model/query.ts";
import { iovIterExtractPages } from "../model/extract.ts";
import type { Pfn } from "../types.ts";

/** The result: the bvec array, the count it describes, and every hold taken. */
export interface NetfsExtraction {
  /** Return value: the number of bvecs, or -EIO for a non-user iterator. */
  readonly ret: number;
  readonly bvec: readonly BvecSeg[];
  /** Bytes the new iterator describes (orig_len minus what was not obtained). */
  readonly count: number;
  /** Pages pinned and recorded in the bvec array. */
  readonly recorded: readonly Pfn[];
  /** Pages pinned by a call whose result was dropped (leaked). */
  readonly leaked: readonly Pfn[];
}

/** Runs netfs_extract_user_iter on `orig` for `len` bytes. */
export function netfsExtractUserIter(
  ctx: ModelCtx,
  orig: IovIter,
  len: number,
  opts: { p2pdma: boolean; step: number },
): NetfsExtraction {
  const ps = ctx.mem.pageSize;
  if (orig.kind !== "ubuf" && orig.kind !== "iovec") {
    ctx.warn(
      "unsupported_kind",
      { fn: "netfs_extract_user_iter", iter: orig.name, kind: orig.kind },
      `netfs_extract_user_iter on ${orig.kind.toUpperCase()} "${orig.name}": WARN_ON_ONCE, -EIO (user iterators only)`,
      { cause: orig.createdAt },
    );
    return { ret: -5, bvec: [], count: 0, recorded: [], leaked: [] };
  }
  // the bvec array is sized for every page of the iterator (kvmalloc_array(max_pages)):
  // the model builds it page by page, so it is bounded first
  const maxPages = iovIterNpages(ctx, orig, 0x7fffffff);
  checkLimit("extract_pages", maxPages);
  const bvec: BvecSeg[] = [];
  const recorded: Pfn[] = [], leaked: Pfn[] = [];
  let count = len;
  while (count && bvec.length < maxPages) {
    const r = iovIterExtractPages(ctx, orig, {
      maxsize: count,
      maxpages: maxPages - bvec.length,
      step: opts.step,
      p2pdma: opts.p2pdma,
    });
    // a 0 return needs a drained iterator (maxsize is min(count, iter count), and GUP either
    // pins a page or fails), and a drained iterator has given all of max_pages =
    // iov_iter_npages(orig) pages, which ends the loop first: the kernel's unchecked 0 path
    // (a stale offset making empty bvecs) cannot run here, so a 0 only stops the loop
    if (r.ret <= 0) break;
    if (r.ret > count) {
      for (const p of r.holds) leaked.push(p);
      break;
    }
    count -= r.ret;
    let rem = r.ret + r.offset0;
    let offset = r.offset0;
    const cur = Math.ceil(rem / ps);
    if (bvec.length + cur > maxPages) {
      for (const p of r.holds) leaked.push(p);
      break;
    }
    for (let i = 0; i < cur; i++) {
      const l = rem > ps ? ps : rem;
      bvec.push({ pfn: r.pfns[i], offset, len: l - offset });
      rem -= l;
      offset = 0;
    }
    for (const p of r.holds) recorded.push(p);
  }
  return { ret: bvec.length, bvec, count: len - count, recorded, leaked };
}
