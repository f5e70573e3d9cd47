/**
 * Divergence between two replays (two eras of one trace, or two traces): steps are aligned
 * by index; a step differs when its return value, the lists and iterators it changed, its
 * pin/ref changes or its warnings differ, or when it ran in one replay only.
 *
 * @module
 */
import type { StepResult, Summary } from "./engine.ts";

/** One replay's side of a comparison. */
export interface Side {
  readonly label: string;
  readonly steps: readonly StepResult[];
  readonly summary: Summary | undefined;
  /** The error that stopped the replay, if any, and the step it stopped at. */
  readonly error?: { message: string; step: number };
}

/** How one aligned step differs. */
export interface StepDivergence {
  readonly index: number;
  readonly op: string;
  /** What differs: "ret", "lists", "pins", "warnings", "ran", or "path" (a `when:` skip). */
  readonly aspects: readonly string[];
  readonly a: string;
  readonly b: string;
}

const PIN_PATH = /^(pins|refs)\./;

function describe(st: StepResult | undefined, stopped: boolean): Record<string, string> {
  if (!st) return { ran: stopped ? "stopped before this step" : "no such step" };
  if (st.skipped) return { ran: `skipped (${st.skipped})` };
  const codes = st.warnings.map((w) => w.code).sort();
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return {
    ran: "ran",
    ret: st.ret === null
      ? "-"
      : JSON.stringify(st.ret, (_k, v) => typeof v === "bigint" ? v.toString() : v),
    lists: st.changes.filter((c) => !PIN_PATH.test(c.path) && !c.path.startsWith("memory."))
      .map((c) => `${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`).join(
        "; ",
      ),
    pins:
      st.changes.filter((c) => PIN_PATH.test(c.path)).map((c) =>
        `${c.path} ${c.before}->${c.after}`
      ).join(", ") ||
      "none",
    warnings: [...counts].map(([c, n]) => (n > 1 ? `${c} x${n}` : c)).join(", ") || "none",
  };
}

/** Every divergent step, in order. */
export function diverge(a: Side, b: Side): StepDivergence[] {
  const n = Math.max(a.steps.length, b.steps.length);
  const out: StepDivergence[] = [];
  for (let i = 0; i < n; i++) {
    const sa = a.steps[i], sb = b.steps[i];
    const da = describe(sa, !!a.error), db = describe(sb, !!b.error);
    const aspects: string[] = [];
    // a step one era skips by its `when:` is an era-specific path, not a divergence of results
    if (da.ran !== db.ran) aspects.push(sa?.skipped || sb?.skipped ? "path" : "ran");
    else if (da.ran === "ran") {
      for (const k of ["ret", "lists", "pins", "warnings"]) if (da[k] !== db[k]) aspects.push(k);
    }
    if (!aspects.length) continue;
    const show = (d: Record<string, string>) =>
      aspects.map((k) => (k === "ran" || k === "path" ? d.ran : `${k}: ${d[k] ?? d.ran}`)).join(
        " | ",
      );
    out.push({ index: i, op: (sa ?? sb)!.op, aspects, a: show(da), b: show(db) });
  }
  return out;
}
