/**
 * A conversion strategy of the design lab: one answer to "how should netfs turn an iterator
 * into a copy iterator, a scatterlist or an RDMA SGE array". Merged answers are sequences of
 * the model's own functions; answers that were only posted are labelled models of the posted
 * patch they follow.
 *
 * @module
 */
import type { World } from "../world.ts";
import type { Acct } from "../acct.ts";
import type { IovIter } from "../../model/iter.ts";
import type { Job, Outcome } from "./_build.ts";

/** Strategy ids, in the order the question met them. */
export type StrategyId = "a" | "b" | "c" | "d" | "e" | "f";

/** One strategy. */
export interface Strategy {
  readonly id: StrategyId;
  /** A short name for table headers. */
  readonly name: string;
  /** "proposal" (posted, never merged: a labelled model) or "merged" (kernel code). */
  readonly status: "proposal" | "merged";
  /** The posted patch or the kernel code it follows, with its date or releases. */
  readonly follows: string;
  /** The era the strategy runs in when no --kernel is given (default: the trace's). */
  readonly era?: string;
  /** Source kinds the strategy takes even where the era no longer has them (it re-expresses them). */
  accepts?(kind: IovIter["kind"]): boolean;
  /** Why the strategy cannot run in the world's era, if it cannot. */
  unavailable?(w: World): string | undefined;
  /** Converts `job.len` bytes of `src`, charging everything to `acct`. */
  run(w: World, src: IovIter, job: Job, acct: Acct): Outcome;
}
