/**
 * Holds of one kind (pins or refs) per page, stored as runs: a run is a range of consecutive
 * pfns whose pages carry the same holds, taken at the same steps in the same order. A 1 GiB
 * extraction pinned in one step is one run per 4096 pfns, not 262,144 entries, so the ledger's
 * memory follows the shape of what is held, never the number of pages walked. Pfns are split
 * into buckets of BUCKET frames so that no update shifts more than one bucket's runs.
 *
 * @module
 */
import type { Pfn } from "../types.ts";
import { Buckets } from "./buckets.ts";

/** Frames per bucket: a run never crosses a bucket boundary. */
const BUCKET = 4096;

/** Pages [start, end) each held once per step in `steps` (oldest first). */
interface Run {
  start: number;
  end: number;
  steps: readonly number[];
}

/**
 * A hold update of the `n` pages from `at` that hold alike: their new step list, or undefined
 * for none. Called in pfn order. An object with a method, not a closure: the ledger keeps one
 * of each kind and reuses it, so an update allocates nothing of its own.
 */
interface Update {
  apply(steps: readonly number[] | undefined, n: number, at: number): readonly number[] | undefined;
}

/** One more hold taken at `step`. */
class AddHold implements Update {
  step = 0;
  /** [step], shared by the runs one step creates (a run's steps are never changed in place). */
  private single: readonly number[] = [];
  set(step: number): this {
    if (this.single[0] !== step || this.single.length !== 1) this.single = [step];
    this.step = step;
    return this;
  }
  apply(s: readonly number[] | undefined): readonly number[] {
    return s ? [...s, this.step] : this.single;
  }
}

/** The oldest hold dropped, counting the pages dropped and telling `onMiss` of the others. */
class DropHold implements Update {
  dropped = 0;
  onMiss: ((first: Pfn, n: number) => void) | undefined;
  apply(s: readonly number[] | undefined, k: number, at: number): readonly number[] | undefined {
    if (!s) {
      this.onMiss?.(at, k);
      return undefined;
    }
    this.dropped += k;
    return s.length > 1 ? s.slice(1) : undefined;
  }
}

function sameSteps(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The per-page hold lists of one kind, as runs. Mutable. */
export class HoldRuns {
  private readonly buckets = new Buckets<Run>();
  /** Holds outstanding in all (pages times steps). */
  total = 0;

  /** Holds on one page (0 when none). */
  count(pfn: Pfn): number {
    const runs = this.buckets.get(Math.floor(pfn / BUCKET));
    if (!runs) return 0;
    const i = firstEndingAfter(runs, pfn);
    return i < runs.length && runs[i].start <= pfn ? runs[i].steps.length : 0;
  }

  private readonly adder = new AddHold();
  private readonly dropper = new DropHold();

  /** Adds a hold taken at `step` on each of `n` pages from `first`. */
  add(first: Pfn, n: number, step: number): void {
    this.each(first, n, this.adder.set(step));
    this.total += n;
  }

  /**
   * Drops the oldest hold of each of `n` pages from `first` that has one; returns how many
   * were dropped (pages without a hold are left alone). `onMiss` is told of each stretch of
   * pages that had none, in pfn order.
   */
  remove(first: Pfn, n: number, onMiss?: (first: Pfn, n: number) => void): number {
    // onMiss only reports (a call back into these runs while they are rewritten could not
    // work anyway), so the one DropHold needs no saving across calls
    const d = this.dropper;
    d.dropped = 0;
    d.onMiss = onMiss;
    this.each(first, n, d);
    d.onMiss = undefined;
    this.total -= d.dropped;
    return d.dropped;
  }

  /** Every held page in pfn order with its steps (oldest first). */
  *pages(): Generator<{ pfn: Pfn; steps: readonly number[] }> {
    for (const key of this.buckets.keys()) {
      for (const r of this.buckets.get(key)!) {
        for (let p = r.start; p < r.end; p++) yield { pfn: p, steps: r.steps };
      }
    }
  }

  /** Applies `f` to the step lists of the pages in [first, first + n), bucket by bucket. */
  private each(first: Pfn, n: number, f: Update): void {
    let a = first;
    const end = first + n;
    while (a < end) {
      const key = Math.floor(a / BUCKET);
      const b = Math.min(end, (key + 1) * BUCKET);
      this.update(key, a, b, f);
      a = b;
    }
  }

  /** Rewrites [a, b) of one bucket through `f`, merging equal neighbours. */
  private update(key: number, a: number, b: number, f: Update): void {
    const runs = this.buckets.get(key);
    if (!runs) {
      // nothing held in this bucket: one hole
      const r = f.apply(undefined, b - a, a);
      if (!r) return;
      this.buckets.set(key, [{ start: a, end: b, steps: r }]);
      return;
    }
    const i = firstEndingAfter(runs, a);
    if (quick(runs, i, a, b, f)) {
      if (!runs.length) this.buckets.emptiedOne();
      return;
    }
    const out: Run[] = [];
    const apply = (s: readonly number[] | undefined, from: number, to: number) => {
      const r = f.apply(s, to - from, from);
      if (r) out.push({ start: from, end: to, steps: r });
    };
    let cur = a, j = i;
    if (j < runs.length && runs[j].start < a) {
      out.push({ start: runs[j].start, end: a, steps: runs[j].steps });
    }
    while (cur < b) {
      if (j < runs.length && runs[j].start <= cur) {
        const r = runs[j];
        const e = Math.min(r.end, b);
        apply(r.steps, cur, e);
        if (r.end > b) out.push({ start: b, end: r.end, steps: r.steps });
        cur = e;
        j++;
      } else {
        const e = j < runs.length ? Math.min(b, runs[j].start) : b;
        apply(undefined, cur, e);
        cur = e;
      }
    }
    // merge with the untouched neighbours and among the new runs
    let from = i, to = j;
    if (from > 0) {
      from--;
      out.unshift(runs[from]);
    }
    if (to < runs.length) out.push(runs[to++]);
    const merged: Run[] = [];
    for (const r of out) {
      const last = merged[merged.length - 1];
      if (last && last.end === r.start && sameSteps(last.steps, r.steps)) {
        merged[merged.length - 1] = { start: last.start, end: r.end, steps: last.steps };
      } else merged.push(r);
    }
    runs.splice(from, to - from, ...merged);
    if (!runs.length) this.buckets.emptiedOne();
  }
}

/**
 * The common updates without the general path's rebuilding (a replay takes and drops a page
 * or a few at a time): [a, b) inside one run, or in a hole. An update always
 * changes a page's number of holds, so the new piece never equals the run it came from; it
 * merges only with a neighbour it now touches that holds alike. False (and `f` not called)
 * when the general path must decide.
 */
function quick(runs: Run[], i: number, a: number, b: number, f: Update): boolean {
  const r = runs[i];
  if (r !== undefined && r.start <= a && b <= r.end) {
    const s = f.apply(r.steps, b - a, a);
    if (s === undefined && a === r.start && b === r.end) {
      // the whole run goes (a bio's run given back): nothing to merge
      removeAt(runs, i);
      return true;
    }
    const pieces: Run[] = [];
    let from = i, to = i + 1;
    if (r.start < a) pieces.push({ start: r.start, end: a, steps: r.steps });
    if (s !== undefined) {
      let start = a, end = b;
      const left = runs[i - 1], right = runs[i + 1];
      if (a === r.start && left !== undefined && left.end === a && sameSteps(left.steps, s)) {
        start = left.start;
        from--;
      }
      if (b === r.end && right !== undefined && right.start === b && sameSteps(right.steps, s)) {
        end = right.end;
        to++;
      }
      pieces.push({ start, end, steps: s });
    }
    if (b < r.end) pieces.push({ start: b, end: r.end, steps: r.steps });
    if (pieces.length === 1 && to - from === 1) runs[from] = pieces[0];
    else runs.splice(from, to - from, ...pieces);
    return true;
  }
  // a hole: [a, b) ends at or before run i (if any); the runs it touches and holds alike
  // with take it in (the next extraction's pages often follow the last one's)
  if (r !== undefined && r.start < b) return false;
  const s = f.apply(undefined, b - a, a);
  if (s === undefined) return true;
  const left = i > 0 ? runs[i - 1] : undefined;
  const joinLeft = left !== undefined && left.end === a && sameSteps(left.steps, s);
  const joinRight = r !== undefined && r.start === b && sameSteps(r.steps, s);
  if (joinLeft && joinRight) {
    runs[i - 1] = { start: left.start, end: r.end, steps: left.steps };
    removeAt(runs, i);
  } else if (joinLeft) runs[i - 1] = { start: left.start, end: b, steps: left.steps };
  else if (joinRight) runs[i] = { start: a, end: r.end, steps: r.steps };
  else insertAt(runs, i, { start: a, end: b, steps: s });
  return true;
}

/** runs.splice(i, 1) without the array of removed runs splice returns. */
function removeAt(runs: Run[], i: number): void {
  for (let k = i + 1; k < runs.length; k++) runs[k - 1] = runs[k];
  runs.length--;
}

/** runs.splice(i, 0, r) without the empty array splice returns. */
function insertAt(runs: Run[], i: number, r: Run): void {
  runs.push(r);
  for (let k = runs.length - 1; k > i; k--) runs[k] = runs[k - 1];
  runs[i] = r;
}

/** Index of the first run whose end is after `pfn` (runs are sorted and disjoint). */
function firstEndingAfter(runs: readonly Run[], pfn: number): number {
  let lo = 0, hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].end <= pfn) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
