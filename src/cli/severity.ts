/**
 * Warning severities in order, for `--fail-on`: a severity fails on itself and everything
 * more severe. `warn` is what the kernel would WARN about, `hazard` a silent misuse (a leak,
 * a page released under DMA: nothing in the kernel says so), `bug` what it would BUG on.
 *
 * @module
 */
import type { Severity } from "../types.ts";

/** Least to most severe. */
export const SEVERITY_ORDER: readonly Severity[] = ["warn", "hazard", "bug"];

/** Position of a severity in SEVERITY_ORDER. */
export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** Whether a warning of `s` fails a run under `--fail-on min`. */
export function failsOn(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

/** The option's help text, with the order. */
export const FAIL_ON_HELP =
  "exit 1 on a warning of this severity or a more severe one (least to most severe: warn < hazard < bug; warn fails on all)";
