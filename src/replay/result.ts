/**
 * What a replay step returns, and the options of a replay.
 *
 * @module
 */
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "./compare.ts";
import type { Change } from "./effects.ts";

/** What one step did. */
export interface StepResult {
  /** Index of the op in the trace, from 0. */
  readonly index: number;
  /** The op's name (the kernel function it models). */
  readonly op: string;
  /** The op's `id:`, if it has one. */
  readonly id: string | undefined;
  /** Line of the op in the trace file. */
  readonly line: number;
  /** The op's return value (a number, bigint or boolean; undefined for none). */
  readonly ret: unknown;
  /** The changes a user sees, derived from the effects (empty when not recorded). */
  readonly changes: readonly Change[];
  /** Warnings the step raised. */
  readonly warnings: readonly Warning[];
  /** The step's failed inline expectations. */
  readonly failures: readonly Failure[];
  /** Set when the op's `when:` excludes the era in effect: the op did not run. */
  readonly skipped?: string;
  /** Set when the op ran but its inline `expect:` has a `when:` excluding the era: not checked. */
  readonly expect_skipped?: string;
}

/** Options of a replay. */
export interface ReplayOptions {
  /** Overrides the trace's `kernel:`. */
  readonly kernel?: string;
  /** Record each step's effects and changes (default true; `replay -q` needs none). */
  readonly changes?: boolean;
}
