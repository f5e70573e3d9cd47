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
      ledger.takeThenDrop(kind, runs, drops, step);
    },
  };
}
