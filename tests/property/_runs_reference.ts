/**
 * What the run-encoded model and its per-page reference (`setPerPageEntries(true)`) are
 * compared on: a trace over one user buffer, replayed `-q` (no change records) both ways.
 * Shared by the entry-run and RDMA-run property tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { loadDocument } from "../../src/trace/load.ts";
import { Replay } from "../../src/replay/engine.ts";
import { setPerPageEntries } from "../../src/model/entry_runs.ts";
import { TraceError } from "../../src/errors.ts";

/** The user buffer "buf" a generated trace works on. */
export interface BufferLayout {
  /** The buffer's pfns (consecutive from the model's choice when undefined). */
  readonly pfns: readonly number[] | undefined;
  readonly populated: boolean;
  readonly kernel: string;
}

/** A trace document of `ops` over an anonymous rw buffer "buf" of `size` bytes. */
export function bufferTrace(
  name: string,
  l: BufferLayout,
  size: number,
  ops: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    itertrace: 1,
    name,
    kernel: l.kernel,
    ...extra,
    memory: {
      user: [{
        region: "buf",
        size,
        vma: "anon",
        prot: "rw",
        populated: l.populated,
        ...(l.pfns ? { pfns: l.pfns } : {}),
      }],
    },
    ops,
  };
}

/**
 * Everything a replay of `doc` shows but its change records, in order: the state at each step
 * index in `peeks`, every step's return value and warnings (or the error that stops it), then
 * the summary, the end warnings, the failures and the final state. `changes` is the replay's
 * own option (false = `-q`).
 */
export function replayShows(
  doc: unknown,
  opts: { changes: boolean; peeks?: ReadonlySet<number> },
): unknown[] {
  const loaded = loadDocument(JSON.stringify(doc), "runs.json");
  assert.ok(loaded.trace, JSON.stringify(loaded.issues));
  const r = new Replay(loaded.trace, { changes: opts.changes });
  const seen: unknown[] = [];
  for (const [i, node] of loaded.trace.ops.entries()) {
    if (opts.peeks?.has(i)) seen.push(JSON.stringify(r.stateView()));
    try {
      const st = r.step(node);
      seen.push(st.ret, st.warnings);
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      seen.push(`error ${e.message}`);
      return seen;
    }
  }
  const end = r.finish();
  seen.push(end.summary, end.endWarnings, end.failures, JSON.stringify(r.stateView()));
  return seen;
}

/** What a `-q` replay of `doc` shows ({@link replayShows}); `perPage` selects the per-page reference. */
function observe(doc: unknown, peeks: ReadonlySet<number>, perPage: boolean): unknown[] {
  setPerPageEntries(perPage);
  try {
    return replayShows(doc, { changes: false, peeks });
  } finally {
    setPerPageEntries(false);
  }
}

export function assertRunsShowPerPage(doc: unknown, peeks: ReadonlySet<number>): void {
  assert.deepEqual(observe(doc, peeks, false), observe(doc, peeks, true));
}
