/**
 * Text rendering of a replay: one block per step with what changed, from what to what, and
 * every warning; then the summary. Colour only when asked (a TTY without NO_COLOR).
 *
 * @module
 */
import pc from "picocolors";
import type { StepResult, Summary } from "../replay/engine.ts";
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "../replay/compare.ts";
import { show, showArg, shownArgs } from "./value.ts";

/** Colour functions; identity when colour is off. */
export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

/** Styles for a stream: colour only when `color` is true. */
export function styles(color: boolean): Styles {
  const c = pc.createColors(color);
  return { bold: c.bold, dim: c.dim, red: c.red, yellow: c.yellow, green: c.green, cyan: c.cyan };
}

function argSummary(args: Record<string, unknown>): string {
  return shownArgs(args).map(([k, v]) =>
    Array.isArray(v) && v.length > 3 ? `${k}=[${v.length} entries]` : `${k}=${showArg(v)}`
  ).join(", ");
}

/** Renders one warning line (plus its message). */
export function warningLine(w: Warning, s: Styles): string {
  const col = w.severity === "bug" ? s.red : s.yellow;
  const cause = w.cause !== undefined ? s.dim(` (cause #${w.cause})`) : "";
  return `     ${col(`! ${w.code}`)} ${s.dim(`(${w.severity})`)}${cause}  ${w.message}`;
}

/** Renders one step. */
export function renderStep(
  st: StepResult,
  args: Record<string, unknown>,
  s: Styles,
): string {
  const head = ` ${s.bold(`#${st.index}`)}  ${s.cyan(st.op)}(${argSummary(args)})${
    st.ret !== null ? ` = ${s.bold(show(st.ret))}` : ""
  }${st.id ? s.dim(`   [${st.id}]`) : ""}`;
  const lines = [st.skipped ? `${head}${s.dim(`   (skipped: ${st.skipped})`)}` : head];
  for (const c of st.changes) {
    if (c.before === null) lines.push(`     ${c.path}  ${s.green("+")} ${show(c.after)}`);
    else if (c.after === null) lines.push(`     ${c.path}  ${s.red("-")} ${show(c.before)}`);
    else lines.push(`     ${c.path}  ${show(c.before)} -> ${show(c.after)}`);
  }
  for (const w of st.warnings) lines.push(warningLine(w, s));
  for (const f of st.failures) lines.push(failureLine(f, s));
  return lines.join("\n");
}

/** Renders an expectation failure. */
export function failureLine(f: Failure, s: Styles): string {
  return `     ${s.red("x expect")} ${f.path}: expected ${show(f.expected)}, got ${show(f.actual)}`;
}

/** Renders the summary block. */
export function renderSummary(
  sum: Summary,
  endWarnings: readonly Warning[],
  failures: readonly Failure[],
  s: Styles,
): string {
  const lines: string[] = [];
  for (const w of endWarnings) lines.push(warningLine(w, s));
  for (const f of failures) lines.push(failureLine(f, s));
  const c = (x: { acquired: number; released: number; outstanding: number }) =>
    `acquired ${x.acquired}, released ${x.released}, outstanding ${x.outstanding}`;
  lines.push(` ${s.bold("summary")}  pins ${c(sum.pins)}`);
  lines.push(`          refs ${c(sum.refs)}`);
  for (const o of sum.outstanding) {
    lines.push(`          outstanding ${o.kind} ${o.page} (taken at #${o.step})`);
  }
  const ws = Object.entries(sum.warnings).map(([k, n]) => `${k} x${n}`).join(", ");
  lines.push(`          warnings: ${ws || "none"}`);
  const verdict = sum.verdict === "clean" ? s.green(sum.verdict) : s.yellow(sum.verdict);
  const fails = sum.failures
    ? s.red(`${sum.failures} expectation${sum.failures === 1 ? "" : "s"} failed`)
    : "";
  lines.push(`          verdict: ${verdict}${fails ? `   ${fails}` : ""}`);
  return lines.join("\n");
}

/** Renders the full state (`replay --state`): every variable and pipe, indented. */
export function renderState(state: Record<string, unknown>, s: Styles): string {
  const lines: string[] = [];
  for (const [name, v] of Object.entries(state)) {
    lines.push(`     ${s.dim("=")} ${name}  ${show(v)}`);
  }
  return lines.join("\n");
}
