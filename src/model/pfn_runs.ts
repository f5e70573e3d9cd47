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
 * The page pieces of an extraction described as runs: `len` bytes from `off` in the first of
 * the pages `runs` lists, page 0 from `off` to its end (or the bytes' end), whole pages, then
 * the last page's rest, as extract_user_to_sg and netfs_extract_user_iter cut them. Calls
 * `f(pfn, n, offset, length)` for each stretch of consecutive pages cut alike, in order.
 */
export function pagePieceRuns(
  runs: readonly PfnRun[],
  off: number,
  len: number,
  ps: number,
  f: (pfn: Pfn, n: number, offset: number, length: number) => void,
): void {
  const npages = Math.ceil((off + len) / ps);
  const first = Math.min(ps - off, len);
  const whole = Math.min(npages - 1, Math.floor((len - first) / ps));
  const rest = len - first - whole * ps;
  // the page cut short at the end, if any (-1: every page after the first is whole)
  const lastPage = 1 + whole < npages ? 1 + whole : -1;
  // a first page that is whole (off 0) is cut like the whole pages after it: one stretch
  // with them, one call where a page-aligned segment would otherwise make two (the callers
  // append alike consecutive pieces to one run either way)
  const firstAlone = off !== 0 || first !== ps;
  let at = 0;
  // indexed, not for-of: one call per extracted segment, mostly before V8 optimizes it
  for (let j = 0; j < runs.length; j++) {
    const r = runs[j];
    if (at >= npages) break;
    // pages [at, at + r.n) of the list, split where the cut changes
    for (let k = at, end = Math.min(npages, at + r.n); k < end;) {
      const pfn = r.first + (k - at);
      if (k === 0 && firstAlone) f(pfn, 1, off, first);
      else if (k === lastPage) f(pfn, 1, 0, Math.min(ps, rest));
      else {
        const n = Math.min(end, lastPage < 0 ? end : lastPage) - k;
        f(pfn, n, 0, ps);
        k += n;
        continue;
      }
      k++;
    }
    at += r.n;
  }
}
