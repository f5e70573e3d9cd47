/**
 * What conversions need from the replay to take and drop page holds in the pin ledger.
 *
 * @module
 */
import type { Pfn } from "../types.ts";

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
