/**
 * Where a failed expectation is written: `file:line` of the expectation's field in the op (or
 * in the trace-level `expect:`), for text and Markdown output.
 *
 * @module
 */
import type { Failure } from "../replay/compare.ts";
import { failureSource } from "../replay/compare.ts";
import type { Locator } from "../trace/locate.ts";
import type { OpNode } from "../trace/load.ts";

/** A function giving `file:line` for a failure of one op (or of the trace, with its header). */
export function failureAt(file: string, locate: Locator): (f: Failure) => string {
  return (f) => `${file}:${locate(failureSource(f.path)).line}`;
}

/**
 * The places of a replay's failures: each step's are noted as the step runs (its op's
 * locator is gone afterwards); the rest are trace-level, located in the header.
 */
export class FailureSites {
  private readonly seen = new Map<Failure, string>();
  constructor(private readonly file: string, private readonly header: Locator) {}

  /** Notes a step's failures. */
  note(failures: readonly Failure[], node: OpNode): void {
    for (const f of failures) {
      this.seen.set(f, `${this.file}:${node.locate(failureSource(f.path)).line}`);
    }
  }

  /** `file:line` of a failure. */
  readonly at = (f: Failure): string =>
    this.seen.get(f) ?? `${this.file}:${this.header(failureSource(f.path)).line}`;
}
