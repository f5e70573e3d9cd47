/**
 * Entries kept as runs until someone looks at them one by one. A table of 262,144 sg entries
 * is still 262,144 entries to the user, but when extraction fills it from consecutive pages
 * the model stores one run per stretch of consecutive pfns described alike (same offset,
 * length, retention, hold and step). Release and completion work on runs; printing, queries
 * and every per-entry edit call `array()`, which expands the runs into entry objects once
 * and keeps the array as the storage from then on, so the observable entries are the same
 * objects, in the same order, with the same fields as if they had been built one by one.
 *
 * @module
 */
import type { Pfn } from "../types.ts";
import { perPage } from "./pfn_runs.ts";

export { setPerPageEntries } from "./pfn_runs.ts";

/** `n` entries: entry i is `tmpl` with pfn `tmpl.pfn + i` (and whatever else `nth` derives). */
export interface EntryRun<T> {
  readonly tmpl: T;
  n: number;
}

/**
 * Entry i of a run from its first entry: by default the same entry on pfn + i. Lists whose
 * entries carry more that moves with the page (an SGE's DMA address) give their own.
 */
export type Nth<T> = (tmpl: T, i: number) => T;

function nextPage<T extends { readonly pfn: Pfn }>(tmpl: T, i: number): T {
  return { ...tmpl, pfn: tmpl.pfn + i };
}

/** Run-encoded entries (page lists, sg entries, bvecs, SGEs) that expand on demand. */
export class EntryRuns<T extends { readonly pfn: Pfn }> {
  private arr: T[] | undefined;
  private readonly list: EntryRun<T>[] = [];
  /** Index of each run's first entry (parallel to `list`). */
  private readonly starts: number[] = [];
  private len = 0;

  /**
   * `alike(a, b, n)`: whether `b` continues a run of `n` entries starting with `a`, given that
   * its pfn does (every field but the pfn agrees, or moves with it as `nth` derives).
   */
  constructor(
    private readonly alike: (a: T, b: T, n: number) => boolean,
    private readonly nth: Nth<T> = nextPage,
  ) {
    if (perPage()) this.arr = [];
  }

  /** Entries in all. */
  get length(): number {
    return this.arr ? this.arr.length : this.len;
  }

  /** Appends `n` entries: `tmpl` and `nth(tmpl, 1)`, ... (tmpl is kept). */
  push(tmpl: T, n = 1): void {
    if (n <= 0) return;
    if (this.arr) {
      this.arr.push(tmpl);
      for (let i = 1; i < n; i++) this.arr.push(this.nth(tmpl, i));
      return;
    }
    const last = this.list[this.list.length - 1];
    if (last && last.tmpl.pfn + last.n === tmpl.pfn && this.alike(last.tmpl, tmpl, last.n)) {
      last.n += n;
    } else {
      this.list.push({ tmpl, n });
      this.starts.push(this.len);
    }
    this.len += n;
  }

  /** The runs, while the entries have not been expanded; undefined after. */
  runs(): readonly EntryRun<T>[] | undefined {
    return this.arr ? undefined : this.list;
  }

  /**
   * The run holding entry `i` (0 <= i < length) and the entry's place in it, while the entries
   * are runs: a binary search, for walks that start mid-list.
   */
  locate(i: number): { run: number; at: number } {
    const s = this.starts;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return { run: lo, at: i - (s[lo] ?? 0) };
  }

  /** Entry `i` without expanding the runs. */
  at(i: number): T | undefined {
    if (this.arr) return this.arr[i];
    if (i < 0 || i >= this.len) return undefined;
    const { run, at } = this.locate(i);
    const r = this.list[run];
    return at ? this.nth(r.tmpl, at) : r.tmpl;
  }

  /** The entries as an array: the storage from now on (expanded from the runs once). */
  array(): T[] {
    if (!this.arr) {
      const arr: T[] = [];
      for (const r of this.list) {
        arr.push(r.tmpl);
        for (let i = 1; i < r.n; i++) arr.push(this.nth(r.tmpl, i));
      }
      this.arr = arr;
      this.list.length = 0;
      this.starts.length = 0;
    }
    return this.arr;
  }
}

/**
 * Splits `pfns` into stretches of consecutive pfns: calls `f(k, n)` for each stretch
 * pfns[k..k+n) in order.
 */
export function consecutive(pfns: readonly Pfn[], f: (k: number, n: number) => void): void {
  let k = 0;
  while (k < pfns.length) {
    let j = k + 1;
    while (j < pfns.length && pfns[j] === pfns[j - 1] + 1) j++;
    f(k, j - k);
    k = j;
  }
}
