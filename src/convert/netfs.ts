/**
 * netfs_extract_user_iter() (fs/netfs/iterator.c, 6.3+): turns a user iterator into a BVEC
 * iterator over pinned pages, one bvec per page, so async direct I/O can outlive the
 * caller's iovec. Sized by iov_iter_npages(orig, INT_MAX); errors are logged and
 * swallowed: the BVEC then describes what was obtained, and an over-long result or a full
 * bvec array leaves that call's pages pinned but unrecorded.
 *
 * The bvec array is kept as runs (model/bvec_runs.ts) when extraction hands its pages over as
 * runs: a 1 GiB write is then a few runs per segment, not an object per page.
 *
 * @module
 */
import { checkLimit } from "../limits.ts";
import type { ModelCtx } from "../model/ctx.ts";
import type { BvecSeg, IovIter } from "../model/iter.ts";
import { iovIterNpages } from "../model/query.ts";
import { iovIterExtractPages } from "../model/extract.ts";
import type { EntryRuns } from "../model/entry_runs.ts";
import { newBvecRuns } from "../model/bvec_runs.ts";
import { pagePieceRuns, PageRuns, type PfnRun } from "../model/pfn_runs.ts";
import type { Pfn } from "../types.ts";

/** The result: the bvec array, the count it describes, and every hold taken. */
export interface NetfsExtraction {
  /** Return value: the number of bvecs, or -EIO for a non-user iterator. */
  readonly ret: number;
  /** The bvec array (expanded from `bvecRuns` when read). */
  readonly bvec: readonly BvecSeg[];
  /** The same bvecs, as runs while nothing has read `bvec`. */
  readonly bvecRuns: EntryRuns<BvecSeg>;
  /** Bytes the new iterator describes (orig_len minus what was not obtained). */
  readonly count: number;
  /** Pages pinned and recorded in the bvec array. */
  readonly recorded: readonly Pfn[];
  /**
   * Given when `recorded` lists exactly the bvecs' pages, each once and in order: those pages
   * as runs of consecutive pfns.
   */
  readonly runs?: readonly PfnRun[];
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
  const bvec = newBvecRuns();
  if (orig.kind !== "ubuf" && orig.kind !== "iovec") {
    ctx.warn(
      "unsupported_kind",
      { fn: "netfs_extract_user_iter", iter: orig.name, kind: orig.kind },
      `netfs_extract_user_iter on ${orig.kind.toUpperCase()} "${orig.name}": WARN_ON_ONCE, -EIO (user iterators only)`,
      { cause: orig.createdAt },
    );
    return { ret: -5, bvec: [], bvecRuns: bvec, count: 0, recorded: [], leaked: [] };
  }
  // the bvec array is sized for every page of the iterator (kvmalloc_array(max_pages)):
  // bounded first, as a per-page model would build it page by page
  const maxPages = iovIterNpages(ctx, orig, 0x7fffffff);
  checkLimit("extract_pages", maxPages);
  const recorded = new PageRuns();
  const leaked: Pfn[] = [];
  // whether every recorded page came as part of a run-encoded extraction (pfns = holds)
  let asRuns = true;
  // one bvec per page piece, `n` pages from pfn cut alike as one run
  const pushBvecs = (pfn: Pfn, n: number, offset: number, l: number) =>
    bvec.push({ pfn, offset, len: l }, n);
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
    const rem = r.ret + r.offset0;
    const cur = Math.ceil(rem / ps);
    if (bvec.length + cur > maxPages) {
      for (const p of r.holds) leaked.push(p);
      break;
    }
    const runs = r.runs;
    if (runs && bvec.runs()) {
      pagePieceRuns(runs, r.offset0, r.ret, ps, pushBvecs);
      for (let k = 0; k < runs.length; k++) recorded.add(runs[k].first, runs[k].n);
    } else {
      asRuns = false;
      // page i gets (offset0 on the first, 0 after; up to the page's end or the bytes' end)
      for (let i = 0; i < cur; i++) {
        const len = Math.min(ps, rem - i * ps) - (i ? 0 : r.offset0);
        bvec.push({ pfn: r.pfns[i], offset: i ? 0 : r.offset0, len });
      }
      for (const p of r.holds) recorded.add(p);
    }
  }
  return {
    ret: bvec.length,
    get bvec() {
      return bvec.array();
    },
    bvecRuns: bvec,
    count: len - count,
    get recorded() {
      return recorded.pfns();
    },
    runs: asRuns ? recorded.runs : undefined,
    leaked,
  };
}
