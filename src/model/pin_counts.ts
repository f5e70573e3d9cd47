/**
 * A count per page, stored as runs: a run is a range of consecutive page numbers with the same
 * count (above zero). What pin_runs.ts's HoldRuns keeps without the steps, for a ledger that
 * only counts: the DMA mappings of one (length, in-page offset) in dma.ts, where every
 * dma_map_page() adds one to a page's count and dma_unmap_page() takes one away. A count is a
 * number, so mapping a page again changes one field instead of copying a list of steps that
 * grows with every mapping a trace never unmaps. Page numbers are split into buckets of BUCKET
 * so that no update shifts more than one bucket's runs.
 *
 * @module
 */

import { Buckets } from "./buckets.ts";

/** Page numbers per bucket: a run never crosses a bucket boundary. */
const BUCKET = 1024;

/**
 * One bucket's runs, flat and in page order: run k is pages [r[3k], r[3k + 1]), each counted
 * r[3k + 2] (> 0) times. Numbers side by side rather than an object per run: a lookup's binary
 * search reads one small array instead of chasing a pointer per probe (the ledger is looked up
 * once per mapping, between a whole replay step's other work, so its probes miss the cache).
 */
type Flat = number[];

/** A run as listed by `runs()`. */
export interface CountRun {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/** Counts per page number, as runs. Mutable. */
export class CountRuns {
  private readonly buckets = new Buckets<number>();
  /** The counts of every page added up. */
  total = 0;

  /** The count of one page (0 when none). */
  count(page: number): number {
    const r = this.buckets.get(Math.floor(page / BUCKET));
    if (!r) return 0;
    const i = firstEndingAfter(r, page);
    return i < r.length && r[i] <= page ? r[i + 2] : 0;
  }

  /** Adds one to the count of each of `n` pages from `first`. */
  add(first: number, n: number): void {
    this.each(first, n, 1);
    this.total += n;
  }

  /**
   * Takes one from the count of each of `n` pages from `first` that has one; returns how many
   * pages had one (pages counted 0 are left alone).
   */
  remove(first: number, n: number): number {
    const d = this.each(first, n, -1);
    this.total -= d;
    return d;
  }

  /**
   * Every run in page order, maximal within its bucket: two touching runs count alike only
   * where a bucket boundary (a multiple of BUCKET) parts them.
   */
  *runs(): Generator<CountRun> {
    for (const key of this.buckets.keys()) {
      const r = this.buckets.get(key)!;
      for (let i = 0; i < r.length; i += 3) yield { start: r[i], end: r[i + 1], count: r[i + 2] };
    }
  }

  /** Every counted page in page order with its count. */
  *pages(): Generator<{ page: number; count: number }> {
    for (const run of this.runs()) {
      for (let p = run.start; p < run.end; p++) yield { page: p, count: run.count };
    }
  }

  /** Adds `delta` (1 or -1) to the pages of [first, first + n), bucket by bucket. */
  private each(first: number, n: number, delta: 1 | -1): number {
    let a = first, changed = 0;
    const end = first + n;
    while (a < end) {
      const key = Math.floor(a / BUCKET);
      const b = Math.min(end, (key + 1) * BUCKET);
      let r = this.buckets.get(key);
      if (!r) {
        if (delta < 0) {
          a = b;
          continue;
        }
        this.buckets.set(key, r = []);
      }
      changed += update(r, a, b, delta);
      if (!r.length) this.buckets.emptiedOne();
      a = b;
    }
    return changed;
  }
}

/**
 * Adds `delta` to the counts of [a, b) in one bucket's runs (a page at 0 stays at 0 for -1),
 * merging runs that end up touching with the same count; returns the pages changed.
 */
function update(r: Flat, a: number, b: number, delta: 1 | -1): number {
  let i = firstEndingAfter(r, a);
  if (i < r.length && r[i] === a && r[i + 1] === b) {
    // the common case: the range is one whole run (a page mapped again or unmapped)
    r[i + 2] += delta;
    if (r[i + 2] === 0) r.splice(i, 3);
    else mergeAround(r, i);
    return b - a;
  }
  if (delta < 0 && (i >= r.length || r[i] >= b)) return 0; // nothing counted there
  // cut the runs at a and b so that [a, b) is covered by whole runs and holes
  if (i < r.length && r[i] < a) {
    r.splice(i + 3, 0, a, r[i + 1], r[i + 2]);
    r[i + 1] = a;
    i += 3;
  }
  let changed = 0, cur = a, j = i;
  while (cur < b) {
    if (j < r.length && r[j] <= cur) {
      if (r[j + 1] > b) {
        r.splice(j + 3, 0, b, r[j + 1], r[j + 2]);
        r[j + 1] = b;
      }
      r[j + 2] += delta;
      changed += r[j + 1] - r[j];
      cur = r[j + 1];
      if (r[j + 2] === 0) r.splice(j, 3);
      else j += 3;
    } else {
      const e = j < r.length && r[j] < b ? r[j] : b;
      if (delta > 0) {
        r.splice(j, 0, cur, e, 1);
        changed += e - cur;
        j += 3;
      }
      cur = e;
    }
  }
  // the runs from the one before [a, b) to the one after it may now touch with equal counts
  let k = Math.max(i - 3, 0);
  for (let stop = Math.min(j, r.length - 3); k < stop;) {
    if (r[k + 1] === r[k + 3] && r[k + 2] === r[k + 5]) {
      r[k + 1] = r[k + 4];
      r.splice(k + 3, 3);
      stop -= 3;
    } else k += 3;
  }
  return changed;
}

/** Merges the run at i with its neighbours where they touch and count alike. */
function mergeAround(r: Flat, i: number): void {
  if (i + 3 < r.length && r[i + 3] === r[i + 1] && r[i + 5] === r[i + 2]) {
    r[i + 1] = r[i + 4];
    r.splice(i + 3, 3);
  }
  if (i >= 3 && r[i - 2] === r[i] && r[i - 1] === r[i + 2]) {
    r[i - 2] = r[i + 1];
    r.splice(i, 3);
  }
}

/** Index in `r` of the first run whose end is after `page` (runs are sorted and disjoint). */
function firstEndingAfter(r: Flat, page: number): number {
  let lo = 0, hi = r.length / 3;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r[3 * mid + 1] <= page) lo = mid + 1;
    else hi = mid;
  }
  return 3 * lo;
}
