/**
 * What conversions need from the replay to take and drop page holds in the pin ledger.
 *
 * @module
 */
import type { Pfn } from "../types.ts";
import type { PinLedger } from "../model/pin.ts";
import type { PfnRun } from "../model/pfn_runs.ts";

/** Takes and drops counted holds (the replay's ledger, recording the step). */
export interface Holds {
  take(kind: "pin" | "ref", pfn: Pfn): void;
  drop(kind: "pin" | "ref", pfn: Pfn): boolean;
  /** Takes a hold on each of `n` consecutive pages from `first`. */
  takeRun(kind: "pin" | "ref", first: Pfn, n: number): void;
  /**
   * Drops one hold on each of `n` consecutive pages from `first` that has one; returns how
   * many were dropped. `onMiss`, when given, is told of the pages that had none (stretches of
   * consecutive pfns, in pfn order).
   */
  dropRun(
    kind: "pin" | "ref",
    first: Pfn,
    n: number,
    onMiss?: (first: Pfn, n: number) => void,
  ): number;
  /**
   * Takes a hold on each page of `runs` in order, then drops one on each page of `drops`,
   * every one of them a page these runs took: what one call took and gave back, handed over
   * together so that the ledger can be updated a run at a time.
   */
  takeThenDrop(kind: "pin" | "ref", runs: readonly PfnRun[], drops: readonly Pfn[]): void;
  /** Counts a release that found no hold (the kernel's counters still count it). */
  miss(kind: "pin" | "ref"): void;
}

/**
 * Completes page-by-page holds with run operations: one update of `ledger` per run, taken at
 * the step `runStep()` gives, or, when it gives none (a replay that records each page's
 * change), page by page through `take` and `drop`.
 */
export function withRuns(
  ledger: PinLedger,
  runStep: () => number | undefined,
  h: Omit<Holds, "takeRun" | "dropRun" | "takeThenDrop">,
): Holds {
  return {
    ...h,
    takeRun(kind, first, n) {
      const step = runStep();
      if (step !== undefined) return ledger.takeRun(kind, first, n, step);
      for (let k = 0; k < n; k++) h.take(kind, first + k);
    },
    dropRun(kind, first, n, onMiss) {
      if (runStep() !== undefined) return ledger.dropRun(kind, first, n, onMiss);
      let dropped = 0;
      for (let k = 0; k < n; k++) {
        if (h.drop(kind, first + k)) dropped++;
        else onMiss?.(first + k, 1);
      }
      return dropped;
    },
    takeThenDrop(kind, runs, drops) {
      const step = runStep();
      if (step === undefined) {
        for (const r of runs) for (let k = 0; k < r.n; k++) h.take(kind, r.first + k);
        for (const p of drops) h.drop(kind, p);
        return;
      }
      // A page that held nothing before ends with the holds taken less those given back, all
      // taken at this step: its drops cancel takes instead (and are counted as both). A page
      // held before loses its oldest holds, which are not this step's: those drops are made.
      let net = runs;
      const made: Pfn[] = [];
      if (drops.length) {
        const rs = runs.slice();
        let cancelled = 0, from = 0;
        for (const p of drops) {
          const at = ledger.count(kind, p) === 0 ? cancelTake(rs, p, from) : -1;
          if (at >= 0) cancelled++, from = at;
          else made.push(p);
        }
        const c = ledger.counters(kind);
        c.acquired += cancelled;
        c.released += cancelled;
        net = rs;
      }
      let first = 0, n = 0;
      for (const r of net) {
        if (n && first + n === r.first) n += r.n;
        else {
          if (n) ledger.takeRun(kind, first, n, step);
          first = r.first;
          n = r.n;
        }
      }
      if (n) ledger.takeRun(kind, first, n, step);
      for (const p of made) ledger.drop(kind, p);
    },
  };
}

/**
 * Takes page `p` out of one of the runs, looking from run `from` on first (a call gives pages
 * back in the order it took them, so the run is seldom before the last one found); returns
 * the index of the run it was taken from, or -1 when none holds it.
 */
function cancelTake(runs: PfnRun[], p: Pfn, from: number): number {
  let i = from;
  while (i < runs.length && !(runs[i].first <= p && p < runs[i].first + runs[i].n)) i++;
  if (i === runs.length) {
    i = 0;
    while (i < from && !(runs[i].first <= p && p < runs[i].first + runs[i].n)) i++;
    if (i === from) return -1;
  }
  const r = runs[i];
  if (p === r.first) runs[i] = { first: p + 1, n: r.n - 1 };
  else if (p === r.first + r.n - 1) runs[i] = { first: r.first, n: r.n - 1 };
  else {
    runs.splice(i, 1, { first: r.first, n: p - r.first }, {
      first: p + 1,
      n: r.first + r.n - p - 1,
    });
  }
  return i;
}
