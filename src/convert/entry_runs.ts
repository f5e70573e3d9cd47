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
import { perPage } from "../model/pfn_runs.ts";

export { setPerPageEntries } from "../model/pfn_runs.ts";

/** `n` entries: entry i is `tmpl` with pfn `tmpl.pfn + i`. */
export interface EntryRun<T> {
  readonly tmpl: T;
  n: number;
}

/** Run-encoded entries (page list entries, sg entries) that expand on demand. */
export class EntryRuns<T extends { readonly pfn: Pfn }> {
  private arr: T[] | undefined;
  private readonly list: EntryRun<T>[] = [];
  private len = 0;

  /** `alike(a, b)`: whether two entries agree in every field but the pfn. */
  constructor(private readonly alike: (a: T, b: T) => boolean) {
    if (perPage()) this.arr = [];
  }

  /** Entries in all. */
  get length(): number {
    return this.arr ? this.arr.length : this.len;
  }

  /** Appends `n` entries like `tmpl` on pfns tmpl.pfn, tmpl.pfn + 1, ... (tmpl is kept). */
  push(tmpl: T, n = 1): void {
    if (n <= 0) return;
    if (this.arr) {
      this.arr.push(tmpl);
      for (let i = 1; i < n; i++) this.arr.push({ ...tmpl, pfn: tmpl.pfn + i });
      return;
    }
    this.len += n;
    const last = this.list[this.list.length - 1];
    if (last && last.tmpl.pfn + last.n === tmpl.pfn && this.alike(last.tmpl, tmpl)) {
      last.n += n;
    } else this.list.push({ tmpl, n });
  }

  /** The runs, while the entries have not been expanded; undefined after. */
  runs(): readonly EntryRun<T>[] | undefined {
    return this.arr ? undefined : this.list;
  }

  /** The entries as an array: the storage from now on (expanded from the runs once). */
  array(): T[] {
    if (!this.arr) {
      const arr: T[] = [];
      for (const r of this.list) {
        arr.push(r.tmpl);
        for (let i = 1; i < r.n; i++) arr.push({ ...r.tmpl, pfn: r.tmpl.pfn + i });
      }
      this.arr = arr;
      this.list.length = 0;
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
