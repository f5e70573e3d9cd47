/**
 * A list of pages kept as runs of consecutive pfns: what GUP hands to extraction when a
 * mapping's pages are consecutive frames, so that a 1 GiB extraction is a few runs rather than
 * 262,144 numbers. The page array is built from the runs only when a caller asks for it.
 *
 * @module
 */
import type { Pfn } from "../types.ts";

let onePerPage = false;

/**
 * Makes the model build every page list, table and GUP result page by page from now on, as it
 * did before runs: the per-page reference the property tests compare the runs against.
 */
export function setPerPageEntries(on: boolean): void {
  onePerPage = on;
}

/** Whether the per-page reference is in force. */
export function perPage(): boolean {
  return onePerPage;
}

/** `n` pages with pfns first, first + 1, ... */
export interface PfnRun {
  readonly first: Pfn;
  n: number;
}

/** Pages appended one at a time or a run at a time; `pfns()` expands them once. */
export class PageRuns {
  readonly runs: PfnRun[] = [];
  /** Pages in all. */
  count = 0;
  private arr: Pfn[] | undefined;

  /** Appends `n` pages from `first` (merged with the last run when they follow it). */
  add(first: Pfn, n = 1): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.first + last.n === first) last.n += n;
    else this.runs.push({ first, n });
    this.count += n;
    this.arr = undefined;
  }

  /** Whether any page lies in [pfn, pfn + 1). */
  has(pfn: Pfn): boolean {
    return this.runs.some((r) => r.first <= pfn && pfn < r.first + r.n);
  }

  /** The pages as an array (built once, then kept until the next add). */
  pfns(): Pfn[] {
    if (!this.arr) {
      const a: Pfn[] = [];
      for (const r of this.runs) for (let k = 0; k < r.n; k++) a.push(r.first + k);
      this.arr = a;
    }
    return this.arr;
  }
}

/**
 * Calls `f(pfn, n)` for each stretch of consecutive pfns among pages [a, b) of the list the
 * runs describe (page 0 is the first run's first page).
 */
export function spanRuns(
  runs: readonly PfnRun[],
  a: number,
  b: number,
  f: (pfn: Pfn, n: number) => void,
): void {
  let at = 0;
  for (const r of runs) {
    if (at >= b) break;
    const x = Math.max(a, at), y = Math.min(b, at + r.n);
    if (x < y) f(r.first + (x - at), y - x);
    at += r.n;
  }
}
