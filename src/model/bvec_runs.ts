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
import { divRoundUp } from "./kinds/_kind.ts";

/** Whether `b` continues a run of bvecs starting with `a` (its pfn does). */
function bvecAlike(a: BvecSeg, b: BvecSeg): boolean {
  return a.offset === b.offset && a.len === b.len;
}

/** An empty bvec array that keeps runs (an array from the start in the per-page reference). */
export function newBvecRuns(): EntryRuns<BvecSeg> {
  return new EntryRuns<BvecSeg>(bvecAlike);
}

/** The run store behind a BVEC made over runs (iovIterBvecRuns), expanded or not. */
function storeOf(it: IovIter): EntryRuns<BvecSeg> | undefined {
  return (it as { bvecRuns?: EntryRuns<BvecSeg> }).bvecRuns;
}

/** The iterator's bvecs as runs, while they are runs (never once `segs` has been read). */
export function bvecRunsOf(it: IovIter): EntryRuns<BvecSeg> | undefined {
  const runs = storeOf(it);
  return runs?.runs() ? runs : undefined;
}

/** How many bvecs a BVEC holds in all, without expanding runs. */
export function bvecCount(it: BvecIter): number {
  return storeOf(it)?.length ?? it.segs.length;
}

/** Bvec `k` of a BVEC, without expanding runs. */
export function bvecAt(it: BvecIter, k: number): BvecSeg | undefined {
  const runs = storeOf(it);
  return runs ? runs.at(k) : it.segs[k];
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

/**
 * bvec_npages (kinds/bvec.ts) over runs: the pages each bvec from the position spans, capped
 * at `maxpages`; the bvecs of a run that the bytes cover whole, entered at their start, span
 * alike and are counted together. A count needs no bvec objects.
 */
export function bvecRunsNpages(
  it: BvecIter,
  runs: EntryRuns<BvecSeg>,
  ps: number,
  maxpages: number,
): number {
  if (!it.count || it.idx >= runs.length) return 0;
  const list = runs.runs()!;
  let size = it.count, npages = 0, skip = it.iovOffset;
  let { run, at } = runs.locate(it.idx);
  for (; run < list.length && size; run++, at = 0) {
    const { tmpl: { offset, len }, n } = list[run];
    while (at < n && size) {
      const q = skip || len > size
        ? 0
        : len === 0
        ? n - at
        : Math.min(n - at, Math.floor(size / len));
      if (q) {
        npages += q * divRoundUp((offset % ps) + len, ps);
        size -= q * len;
        at += q;
      } else {
        // one bvec as bvec_npages takes it: entered mid-way, or holding more than is left
        const l = Math.min(size, len - skip);
        npages += divRoundUp(((offset + skip) % ps) + l, ps);
        size -= l;
        at++;
        skip = 0;
      }
      if (npages >= maxpages) return maxpages;
    }
  }
  return npages;
}
