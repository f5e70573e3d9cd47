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

/** Page numbers per bucket: a run never crosses a bucket boundary. */
const BUCKET = 4096;

/** Pages [start, end) each counted `count` (> 0) times. Mutable: runs are never shared. */
interface CountRun {
  start: number;
  end: number;
  count: number;
}

/** Counts per page number, as runs. Mutable. */
export class CountRuns {
  private readonly buckets = new Map<number, CountRun[]>();
  /** The counts of every page added up. */
  total = 0;

  /** The count of one page (0 when none). */
  count(page: number): number {
    const runs = this.buckets.get(Math.floor(page / BUCKET));
    if (!runs) return 0;
    const i = firstEndingAfter(runs, page);
    return i < runs.length && runs[i].start <= page ? runs[i].count : 0;
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

  /** Every counted page in page order with its count. */
  *pages(): Generator<{ page: number; count: number }> {
    for (const key of [...this.buckets.keys()].sort((a, b) => a - b)) {
      for (const r of this.buckets.get(key)!) {
        for (let p = r.start; p < r.end; p++) yield { page: p, count: r.count };
      }
    }
  }

  /** Adds `delta` (1 or -1) to the pages of [first, first + n), bucket by bucket. */
  private each(first: number, n: number, delta: 1 | -1): number {
    let a = first, changed = 0;
    const end = first + n;
    while (a < end) {
      const key = Math.floor(a / BUCKET);
      const b = Math.min(end, (key + 1) * BUCKET);
      let runs = this.buckets.get(key);
      if (!runs) {
        if (delta < 0) {
          a = b;
          continue;
        }
        this.buckets.set(key, runs = []);
      }
      changed += update(runs, a, b, delta);
      if (!runs.length) this.buckets.delete(key);
      a = b;
    }
    return changed;
  }
}

/**
 * Adds `delta` to the counts of [a, b) in one bucket's runs (a page at 0 stays at 0 for -1),
 * merging runs that end up touching with the same count; returns the pages changed.
 */
function update(runs: CountRun[], a: number, b: number, delta: 1 | -1): number {
  let i = firstEndingAfter(runs, a);
  const r = runs[i];
  if (r !== undefined && r.start === a && r.end === b) {
    // the common case: the range is one whole run (a page mapped again or unmapped)
    r.count += delta;
    if (r.count === 0) runs.splice(i, 1);
    else mergeAround(runs, i);
    return b - a;
  }
  if (delta < 0 && (r === undefined || r.start >= b)) return 0; // nothing counted there
  // cut the runs at a and b so that [a, b) is covered by whole runs and holes
  if (r !== undefined && r.start < a) {
    runs.splice(i + 1, 0, { start: a, end: r.end, count: r.count });
    r.end = a;
    i++;
  }
  let changed = 0, cur = a, j = i;
  while (cur < b) {
    const s = runs[j];
    if (s !== undefined && s.start <= cur) {
      if (s.end > b) {
        runs.splice(j + 1, 0, { start: b, end: s.end, count: s.count });
        s.end = b;
      }
      s.count += delta;
      changed += s.end - s.start;
      cur = s.end;
      if (s.count === 0) runs.splice(j, 1);
      else j++;
    } else {
      const e = s !== undefined && s.start < b ? s.start : b;
      if (delta > 0) {
        runs.splice(j, 0, { start: cur, end: e, count: 1 });
        changed += e - cur;
        j++;
      }
      cur = e;
    }
  }
  // runs i - 1 .. j (those around [a, b) and inside it) may now touch with equal counts
  let k = Math.max(i - 1, 0);
  const last = Math.min(j, runs.length - 1);
  for (let stop = last; k < stop;) {
    const p = runs[k], q = runs[k + 1];
    if (p.end === q.start && p.count === q.count) {
      p.end = q.end;
      runs.splice(k + 1, 1);
      stop--;
    } else k++;
  }
  return changed;
}

/** Merges run i with its neighbours where they touch and count alike. */
function mergeAround(runs: CountRun[], i: number): void {
  const r = runs[i], right = runs[i + 1], left = runs[i - 1];
  if (right !== undefined && right.start === r.end && right.count === r.count) {
    r.end = right.end;
    runs.splice(i + 1, 1);
  }
  if (left !== undefined && left.end === r.start && left.count === r.count) {
    left.end = r.end;
    runs.splice(i, 1);
  }
}

/** Index of the first run whose end is after `page` (runs are sorted and disjoint). */
function firstEndingAfter(runs: readonly CountRun[], page: number): number {
  let lo = 0, hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].end <= page) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
