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
 * Completes page-by-page holds with run operations: one ledger update per run when
 * `ledger()` gives the ledger, else page by page through `take` and `drop` (a replay that
 * records each page's change). `step()` is the step a run's holds are taken at.
 */
export function withRuns(
  h: Omit<Holds, "takeRun" | "dropRun">,
  ledger: () => PinLedger | undefined,
  step: () => number,
): Holds {
  return {
    ...h,
    takeRun(kind, first, n) {
      const l = ledger();
      if (l) return l.takeRun(kind, first, n, step());
      for (let k = 0; k < n; k++) h.take(kind, first + k);
    },
    dropRun(kind, first, n) {
      const l = ledger();
      if (l) return l.dropRun(kind, first, n);
      let dropped = 0;
      for (let k = 0; k < n; k++) if (h.drop(kind, first + k)) dropped++;
      return dropped;
    },
  };
}
