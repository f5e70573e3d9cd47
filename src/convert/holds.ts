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
  /** Counts a release that found no hold (the kernel's counters still count it). */
  miss(kind: "pin" | "ref"): void;
}
