/**
 * Divergence between two replays (two eras of one trace, or two traces): steps are aligned
 * by index; a step differs when its return value, the lists and iterators it changed, its
 * pin/ref changes or its warnings differ, or when it ran in one replay only. Where both ran,
 * the holds outstanding after the step (which pages are pinned, which hold plain refs) are
 * compared too: one era taking refs where another takes pins, on steps the other skips by
 * `when:`, diverges in retention at the first step both run afterwards.
 *
 * Values are formatted by the caller's `show` (replay's notation: hex), so this module stays
 * below the renderers.
 *
 * @module
 */
import type { StepResult, Summary } from "./engine.ts";

/** One replay's side of a comparison. */
export interface Side {
  readonly label: string;
  readonly steps: readonly StepResult[];
  /** Each step's call as output shows it (`op(args) = ret`), by step index. */
  readonly calls?: readonly string[];
  /** The holds outstanding after each step (`pin buf[0..1] x2; ref none`), by step index. */
  readonly holds?: readonly string[];
  readonly summary: Summary | undefined;
  /** The error that stopped the replay, if any, and the step it stopped at. */
  readonly error?: { message: string; step: number };
}

/** How one aligned step differs. */
export interface StepDivergence {
  readonly index: number;
  readonly op: string;
  /**
   * What differs: "ret", "lists", "pins", "warnings", "retention" (the holds outstanding
   * after the step), "ran", or "path" (a `when:` skip).
   */
  readonly aspects: readonly string[];
  /** Each side's call at this step (they differ when two traces are compared). */
  readonly calls: { readonly a: string; readonly b: string };
  readonly a: string;
  readonly b: string;
}

/** Formats a value in the replay's notation. */
export type Show = (v: unknown) => string;

const PIN_PATH = /^(pins|refs)\./;

/** Whether a change is a pin or ref count (`pins.buf[0]`): its step took or dropped a hold. */
export function isHoldChange(c: { readonly path: string }): boolean {
  return PIN_PATH.test(c.path);
}

function describe(
  st: StepResult | undefined,
  stopped: boolean,
  show: Show,
  holds: string | undefined,
): Record<string, string> {
  if (!st) return { ran: stopped ? "stopped before this step" : "no such step" };
  if (st.skipped) return { ran: `skipped (${st.skipped})` };
  const codes = st.warnings.map((w) => w.code).sort();
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return {
    ran: "ran",
    ret: st.ret === null ? "-" : show(st.ret),
    lists: st.changes.filter((c) => !PIN_PATH.test(c.path) && !c.path.startsWith("memory."))
      .map((c) => `${c.path}: ${show(c.before)} -> ${show(c.after)}`).join("; "),
    pins: st.changes.filter((c) => PIN_PATH.test(c.path))
      .map((c) => `${c.path} ${show(c.before)}->${show(c.after)}`).join(", ") || "none",
    warnings: [...counts].map(([c, n]) => (n > 1 ? `${c} x${n}` : c)).join(", ") || "none",
    retention: holds ?? "",
  };
}

/** Every divergent step, in order. */
export function diverge(a: Side, b: Side, show: Show = String): StepDivergence[] {
  const n = Math.max(a.steps.length, b.steps.length);
  const out: StepDivergence[] = [];
  // the pair of retention states last seen differing, so a difference is reported once
  let held: string | undefined;
  for (let i = 0; i < n; i++) {
    const sa = a.steps[i], sb = b.steps[i];
    const da = describe(sa, !!a.error, show, a.holds?.[i]);
    const db = describe(sb, !!b.error, show, b.holds?.[i]);
    const aspects: string[] = [];
    // a step one era skips by its `when:` is an era-specific path, not a divergence of results
    if (da.ran !== db.ran) aspects.push(sa?.skipped || sb?.skipped ? "path" : "ran");
    else if (da.ran === "ran") {
      for (const k of ["ret", "lists", "pins", "warnings"]) if (da[k] !== db[k]) aspects.push(k);
      const pair = da.retention !== db.retention ? `${da.retention}\0${db.retention}` : undefined;
      if (pair !== undefined && pair !== held && !aspects.includes("pins")) {
        aspects.push("retention");
      }
      held = pair;
    }
    if (!aspects.length) continue;
    const side = (d: Record<string, string>) =>
      aspects.map((k) => (k === "ran" || k === "path" ? d.ran : `${k}: ${d[k] ?? d.ran}`)).join(
        " | ",
      );
    out.push({
      index: i,
      op: (sa ?? sb)!.op,
      aspects,
      calls: { a: a.calls?.[i] ?? sa?.op ?? "-", b: b.calls?.[i] ?? sb?.op ?? "-" },
      a: side(da),
      b: side(db),
    });
  }
  return out;
}

/**
 * The count of divergent steps as compare states it, with the first and the era-specific
 * (`when:`) ones: `2 divergent steps, first at #3 (op); 1 era-specific (when:)`. `strong`
 * marks the count (bold in Markdown).
 */
export function divergenceTally(
  divs: readonly StepDivergence[],
  first: StepDivergence | undefined,
  strong: (s: string) => string = (s) => s,
): string {
  const real = divs.filter((d) => !d.aspects.includes("path")).length;
  return `${strong(`${real} divergent step${real === 1 ? "" : "s"}`)}${
    first ? `, first at #${first.index} (${first.op})` : ""
  }; ${divs.length - real} era-specific (when:)`;
}

/**
 * How two replays' summaries differ: pins and refs acquired/released/outstanding and the
 * warnings by code; empty when they agree.
 */
export function summaryDivergence(a: Summary | undefined, b: Summary | undefined): string[] {
  if (!a || !b) return [];
  const out: string[] = [];
  for (const k of ["pins", "refs"] as const) {
    for (const f of ["acquired", "released", "outstanding"] as const) {
      if (a[k][f] !== b[k][f]) out.push(`${k} ${f} ${a[k][f]} vs ${b[k][f]}`);
    }
  }
  const codes = [...new Set([...Object.keys(a.warnings), ...Object.keys(b.warnings)])].sort();
  for (const c of codes) {
    const x = a.warnings[c] ?? 0, y = b.warnings[c] ?? 0;
    if (x !== y) out.push(`${c} x${x} vs x${y}`);
  }
  return out;
}
