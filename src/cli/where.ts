/**
 * Where a failed expectation is written: `file:line` of the expectation's field in the op (or
 * in the trace-level `expect:`), for replay's text and Markdown output and check's entries.
 *
 * @module
 */
import type { Failure } from "../replay/compare.ts";
import { failureSource } from "../replay/compare.ts";
import type { Locator } from "../trace/locate.ts";
import type { OpNode } from "../trace/load.ts";

/**
 * The places of a replay's failures: each step's are noted as the step runs (its op's
 * locator is gone afterwards); the rest are trace-level, located in the header.
 */
export class FailureSites {
  private readonly seen = new Map<Failure, number>();
  constructor(private readonly file: string, private readonly header: Locator) {}

  /** Notes a step's failures. */
  note(failures: readonly Failure[], node: OpNode): void {
    for (const f of failures) {
      this.seen.set(f, node.locate(failureSource(f.path)).line);
    }
  }

  /** The line of the trace a failure is written on. */
  line(f: Failure): number {
    return this.seen.get(f) ?? this.header(failureSource(f.path)).line;
  }

  /** `file:line` of a failure. */
  readonly at = (f: Failure): string => `${this.file}:${this.line(f)}`;
}
