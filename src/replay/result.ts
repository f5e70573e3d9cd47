/**
 * What a replay step returns, how it is built, and the options of a replay.
 *
 * @module
 */
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "./compare.ts";
import { type Change, changesOf, type Effect } from "./effects.ts";
import type { Memory } from "../model/memory.ts";

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

const NO_CHANGES: readonly Change[] = Object.freeze([]);
// shared empty lists of a step that has none (frozen: pushing into one would be a bug)
export const NO_WARNINGS = Object.freeze([]) as unknown as Warning[];
export const NO_FAILURES = Object.freeze([]) as unknown as Failure[];
export const NO_EFFECTS: readonly Effect[] = Object.freeze([]);

/**
 * A step's result; its changes are formatted from the effects on first use. `base` is the
 * op node (its index, op, id and line are copied).
 */
export function stepResult(
  base: {
    readonly index: number;
    readonly op: string;
    readonly id: string | undefined;
    readonly line: number;
  },
  ret: unknown,
  effects: readonly Effect[],
  mem: Memory,
  warnings: readonly Warning[],
  failures: readonly Failure[],
): StepResult {
  if (effects.length === 0) {
    // nothing to format (always so under `-q`): a plain object, no getter
    return {
      index: base.index,
      op: base.op,
      id: base.id,
      line: base.line,
      ret,
      changes: NO_CHANGES,
      warnings,
      failures,
    };
  }
  let changes: Change[] | undefined;
  // properties in the documented order (a getter in a literal would be moved last)
  const res: Record<string, unknown> = {
    index: base.index,
    op: base.op,
    id: base.id,
    line: base.line,
    ret,
  };
  Object.defineProperty(res, "changes", {
    enumerable: true,
    get: () => changes ??= changesOf(effects, mem),
  });
  res.warnings = warnings;
  res.failures = failures;
  return res as unknown as StepResult;
}
