/**
 * What conversions need from the replay to take and drop page holds in the pin ledger.
 *
 * @module
 */
import type { Pfn } from "../types.ts";
import type { PinLedger } from "../model/pin.ts";

/** Takes and drops counted holds (the replay's ledger, recording the step). */
export interface Holds {
  take(kind: "pin" | "ref", pfn: Pfn): void;
  drop(kind: "pin" | "ref", pfn: Pfn): boolean;
  /** Takes a hold on each of `n` consecutive pages from `first`. */
  takeRun(kind: "pin" | "ref", first: Pfn, n: number): void;
  /**
   * Drops one hold on each of `n` consecutive pages from `first` that has one; returns how
   * many were dropped.
   */
  dropRun(kind: "pin" | "ref", first: Pfn, n: number): number;
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
  h: Omit<Holds, "takeRun" | "dropRun">,
): Holds {
  return {
    ...h,
    takeRun(kind, first, n) {
      const step = runStep();
      if (step !== undefined) return ledger.takeRun(kind, first, n, step);
      for (let k = 0; k < n; k++) h.take(kind, first + k);
    },
    dropRun(kind, first, n) {
      if (runStep() !== undefined) return ledger.dropRun(kind, first, n);
      let dropped = 0;
      for (let k = 0; k < n; k++) if (h.drop(kind, first + k)) dropped++;
      return dropped;
    },
  };
}
