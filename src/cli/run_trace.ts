/**
 * Replays one opened trace, streaming steps to a callback.
 *
 * @module
 */
import { Replay, type StepResult, type Summary } from "../replay/engine.ts";
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "../replay/compare.ts";
import type { TraceSource } from "./source.ts";
import type { OpNode } from "../trace/load.ts";

/** The outcome of a whole replay. */
export interface RunResult {
  readonly replay: Replay;
  readonly summary: Summary;
  /** Every failure: the steps', then the trace-level ones (endFailures). */
  readonly failures: readonly Failure[];
  /** The trace-level expectation failures, judged at the end. */
  readonly endFailures: readonly Failure[];
  readonly endWarnings: readonly Warning[];
}

/**
 * Runs every op; `onStep` sees each step (and its op) as it completes. `changes: false`
 * records no effects (steps have no changes), for callers that print none.
 */
export async function runTrace(
  src: TraceSource,
  opts: { kernel?: string; changes?: boolean },
  onStep?: (st: StepResult, node: OpNode, replay: Replay) => void,
): Promise<RunResult> {
  const replay = new Replay(src.header, {
    ...(opts.kernel ? { kernel: opts.kernel } : {}),
    // changes are recorded only for output that shows them
    changes: opts.changes ?? true,
  });
  const stepFailures: Failure[] = [];
  const one = (node: OpNode) => {
    const st = replay.step(node);
    // an indexed loop: most steps share one frozen empty list, which for-of walks through an
    // iterator object (V8 keeps its fast path for unfrozen arrays)
    const fs = st.failures;
    for (let i = 0; i < fs.length; i++) stepFailures.push(fs[i]);
    onStep?.(st, node, replay);
  };
  // a JSON Lines file comes a read at a time: no promise per op
  if (src.batches) { for await (const b of src.batches) for (const node of b) one(node); }
  else for await (const node of src.ops as AsyncIterable<OpNode>) one(node);
  const end = replay.finish();
  return {
    replay,
    summary: end.summary,
    failures: [...stepFailures, ...end.failures],
    endFailures: end.failures,
    endWarnings: end.endWarnings,
  };
}
