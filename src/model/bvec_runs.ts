/**
 * A BVEC's bio_vecs kept as runs. netfs_extract_user_iter() builds one bvec per pinned page, so
 * a 1 GiB direct write is a BVEC of 262,144 bvecs; when the pages are consecutive frames the
 * model stores one run per stretch of bvecs alike (same offset and length on consecutive
 * pfns). The iterator's `segs` is still the whole array to every reader: reading it expands the
 * runs once, for good (EntryRuns). Advancing and the conversion walk (_pieces.ts) work on the
 * runs while they are runs.
 *
 * @module
 */
import { EntryRuns } from "./entry_runs.ts";
import type { BvecIter, BvecSeg, IovIter } from "./iter.ts";

/** Whether `b` continues a run of bvecs starting with `a` (its pfn does). */
function bvecAlike(a: BvecSeg, b: BvecSeg): boolean {
  return a.offset === b.offset && a.len === b.len;
}

/** An empty bvec array that keeps runs (an array from the start in the per-page reference). */
export function newBvecRuns(): EntryRuns<BvecSeg> {
  return new EntryRuns<BvecSeg>(bvecAlike);
}

/** The iterator's bvecs as runs, while they are runs (never once `segs` has been read). */
export function bvecRunsOf(it: IovIter): EntryRuns<BvecSeg> | undefined {
  const runs = (it as { bvecRuns?: EntryRuns<BvecSeg> }).bvecRuns;
  return runs?.runs() ? runs : undefined;
}

/**
 * iov_iter_bvec_advance() over runs: skips every bvec the residual covers (empty ones
 * included), as segAdvance does bvec by bvec.
 */
export function bvecRunsAdvance(it: BvecIter, runs: EntryRuns<BvecSeg>, n: number): void {
  if (!it.count) return;
  it.count -= n;
  let size = n + it.iovOffset;
  let k = it.idx;
  const list = runs.runs()!;
  if (k < runs.length) {
    let { run, at } = runs.locate(k);
    for (; run < list.length; run++, at = 0) {
      const { tmpl: { len }, n: m } = list[run];
      const q = len === 0 ? m - at : Math.min(m - at, Math.floor(size / len));
      size -= q * len;
      k += q;
      if (at + q < m) break;
    }
  }
  it.iovOffset = size;
  it.idx = k;
}
