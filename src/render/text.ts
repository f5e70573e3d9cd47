/**
 * Text rendering of a replay: one block per step with what changed, from what to what, and
 * every warning; then the summary. Colour only when asked (a TTY without NO_COLOR).
 *
 * @module
 */
import type pc from "picocolors";
import type { StepResult, Summary } from "../replay/engine.ts";
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "../replay/compare.ts";
import { failureText, show, showArg, shownArgs } from "./value.ts";
import { foldPageList, foldRuns } from "./fold.ts";

/** Colour functions; identity when colour is off. */
export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

/** No colour: every style is String (as picocolors' are when colour is off). */
const PLAIN: Styles = {
  bold: String,
  dim: String,
  red: String,
  yellow: String,
  green: String,
  cyan: String,
};

/** picocolors, once loadStyles was asked for colour (it is not loaded for plain output). */
let colors: typeof pc | undefined;

/** Styles for a stream: colour only when `color` is true (loadStyles(true) first). */
export function styles(color: boolean): Styles {
  if (!color) return PLAIN;
  if (!colors) throw new Error("styles(true) needs loadStyles(true) first");
  const c = colors.createColors(true);
  return { bold: c.bold, dim: c.dim, red: c.red, yellow: c.yellow, green: c.green, cyan: c.cyan };
}

/** Styles for a stream, loading the colour library only when colour is on. */
export async function loadStyles(color: boolean): Promise<Styles> {
  if (color) colors ??= (await import("picocolors")).default;
  return styles(color);
}

/** Lines wider than this are wrapped: a list's entries go one per line below it. */
export const WIDTH = 100;

/** How steps are rendered. */
export interface StepStyle {
  /** List every page, entry and warning (no folding of runs). */
  readonly expand?: boolean;
  /** Where a failure comes from, as `file:line` (of the op or expectation). */
  readonly at?: (f: Failure) => string | undefined;
}

function argSummary(args: Record<string, unknown>, long: boolean): string {
  return shownArgs(args).map(([k, v]) =>
    Array.isArray(v) && (v.length > 3 || long) ? `${k}=[${v.length} entries]` : `${k}=${showArg(v)}`
  ).join(", ");
}

/** An op's list arguments, one entry per line, for a head line too wide to hold them. */
function argLists(args: Record<string, unknown>, o: StepStyle): string[] {
  const out: string[] = [];
  for (const [k, v] of shownArgs(args)) {
    if (!Array.isArray(v)) continue;
    const items = v.map((x) => showArg(x));
    for (const f of fold(items, o)) out.push(`       ${k}  ${f}`);
  }
  return out;
}

/** Folded (unless expanded) entries, each with its count when it stands for several. */
function fold(items: readonly string[], o: StepStyle): string[] {
  if (o.expand) return items.slice();
  return foldRuns(items).map((f) => (f.count > 1 ? `${f.text}  x${f.count}` : f.text));
}

/** Whether a field holds a page list written as one string (`buf[0] buf[1] (released)`). */
function isPageList(key: string | undefined, v: unknown): v is string {
  return key === "pages" && typeof v === "string";
}

/** A page list's entries: a page name with its `(released)` mark, or a folded run. */
function pageEntries(list: string, o: StepStyle): string[] {
  return (o.expand ? list : foldPageList(list)).split(/ (?!\(|0x|x\d)/).filter(Boolean);
}

/** A value, with page lists and lists of entries folded unless expanded. */
function showValue(v: unknown, o: StepStyle, key?: string): string {
  if (isPageList(key, v)) return o.expand ? v : foldPageList(v);
  if (o.expand || v === null || typeof v !== "object") return show(v);
  if (Array.isArray(v)) return `[${fold(v.map(show), o).join(", ")}]`;
  const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) =>
    `${k}: ${showValue(x, o, k)}`
  );
  return `{${parts.join(", ")}}`;
}

/**
 * A value too wide for one line: its scalar fields on the first line, each list below it with
 * one (folded) entry per line, indented under the path.
 */
function wrapValue(v: unknown, o: StepStyle, indent: string, key?: string): string[] {
  const list = (items: readonly string[], n: number) => [
    `[${n}]`,
    ...items.map((x) => `${indent}  ${x}`),
  ];
  if (isPageList(key, v)) return list(pageEntries(v, o), pageEntries(v, { expand: true }).length);
  if (Array.isArray(v)) return list(fold(v.map(show), o), v.length);
  if (v === null || typeof v !== "object") return [show(v)];
  const scalars: string[] = [];
  const lists: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const entries = Array.isArray(x)
      ? fold(x.map(show), o)
      : isPageList(k, x)
      ? pageEntries(x, o)
      : undefined;
    if (!entries) {
      scalars.push(`${k}: ${show(x)}`);
      continue;
    }
    const n = Array.isArray(x) ? x.length : pageEntries(x as string, { expand: true }).length;
    lists.push(`${indent}  ${k}: [${n}]`);
    for (const e of entries) lists.push(`${indent}    ${e}`);
  }
  return [`{${scalars.join(", ")}}`, ...lists];
}

/** A step's call as text, without colour or return value: `op(args)`. */
export function stepCall(op: string, args: Record<string, unknown>): string {
  return `${op}(${argSummary(args, false)})`;
}

/** Renders one warning line (plus its message). */
export function warningLine(w: Warning, s: Styles, count = 1): string {
  return warningText(w.code, count, w.severity, w.cause, w.message, s);
}

function warningText(
  code: string,
  count: number,
  severity: string,
  cause: number | string | undefined,
  message: string,
  s: Styles,
): string {
  const col = severity === "bug" ? s.red : s.yellow;
  const c = cause !== undefined ? s.dim(` (cause #${cause})`) : "";
  const n = count > 1 ? ` x${count}` : "";
  return `     ${col(`! ${code}${n}`)} ${s.dim(`(${severity})`)}${c}  ${message}`;
}

const SEP = "\u0001";

/** Warning lines, runs that differ only in their page folded into one line. */
export function warningLines(ws: readonly Warning[], s: Styles, o: StepStyle = {}): string[] {
  if (o.expand) return ws.map((w) => warningLine(w, s));
  const keys = ws.map((w) => [w.code, w.severity, w.cause ?? "", w.message].join(SEP));
  return foldRuns(keys).map((f) => {
    const [code, severity, cause, message] = f.text.split(SEP);
    return warningText(code, f.count, severity, cause === "" ? undefined : cause, message, s);
  });
}

/** Renders one step. */
export function renderStep(
  st: StepResult,
  args: Record<string, unknown>,
  s: Styles,
  o: StepStyle = {},
): string {
  const tail = `${st.ret !== null ? ` = ${s.bold(show(st.ret))}` : ""}${
    st.id ? s.dim(`   [${st.id}]`) : ""
  }`;
  let head = ` ${s.bold(`#${st.index}`)}  ${s.cyan(st.op)}(${argSummary(args, false)})${tail}`;
  let lists: string[] = [];
  if (stripAnsi(head).length > WIDTH && Object.values(args).some(Array.isArray)) {
    head = ` ${s.bold(`#${st.index}`)}  ${s.cyan(st.op)}(${argSummary(args, true)})${tail}`;
    lists = argLists(args, o);
  }
  const lines = [st.skipped ? `${head}${s.dim(`   (skipped: ${st.skipped})`)}` : head, ...lists];
  if (st.expect_skipped) lines.push(s.dim(`     expect skipped (${st.expect_skipped})`));
  for (const l of changeLines(st, s, o)) lines.push(l);
  for (const w of warningLines(st.warnings, s, o)) lines.push(w);
  for (const f of st.failures) lines.push(failureLine(f, s, o.at?.(f)));
  return lines.join("\n");
}

/**
 * A step's changes as lines: runs folded (unless expanded), each line indented; with `wrap`
 * (the default) a change too wide for a line is written with its lists one entry per line.
 */
export function changeLines(
  st: StepResult,
  s: Styles,
  o: StepStyle & { readonly wrap?: boolean } = {},
): string[] {
  const out: string[] = [];
  const plain = st.changes.map((c) => {
    const mark = c.before === null ? "+" : c.after === null ? "-" : ">";
    const key = c.path.slice(c.path.lastIndexOf(".") + 1);
    const value = c.before === null
      ? showValue(c.after, o, key)
      : c.after === null
      ? showValue(c.before, o, key)
      : `${showValue(c.before, o, key)} -> ${showValue(c.after, o, key)}`;
    return [c.path, mark, value].join(SEP);
  });
  const runs = o.expand ? plain.map((text, first) => ({ text, count: 1, first })) : foldRuns(plain);
  for (const r of runs) {
    const [path, mark, value] = r.text.split(SEP);
    const n = r.count > 1 ? s.dim(`   x${r.count}`) : "";
    const sign = mark === "+" ? `${s.green("+")} ` : mark === "-" ? `${s.red("-")} ` : "";
    const line = `     ${path}  ${sign}${value}${n}`;
    if (r.count > 1 || o.wrap === false || stripAnsi(line).length <= WIDTH) {
      out.push(line);
      continue;
    }
    // one change too wide for a line: its lists one entry per line
    const c = st.changes[r.first];
    const key = path.slice(path.lastIndexOf(".") + 1);
    const indent = "       ";
    if (mark === ">") {
      out.push(`     ${path}`);
      out.push(`       before ${wrapValue(c.before, o, indent, key).join("\n")}`);
      out.push(`       after  ${wrapValue(c.after, o, indent, key).join("\n")}`);
    } else {
      const v = mark === "+" ? c.after : c.before;
      out.push(`     ${path}  ${sign}${wrapValue(v, o, indent, key).join("\n")}`);
    }
  }
  return out;
}

/** The summary's outstanding holds, runs folded: `outstanding pin buf[0..6] (taken at #1)  x7`. */
export function outstandingLines(sum: Summary, o: StepStyle = {}): string[] {
  return fold(
    sum.outstanding.map((h) => `outstanding ${h.kind} ${h.page} (taken at #${h.step})`),
    o,
  );
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function stripAnsi(t: string): string {
  return t.replace(ANSI, "");
}

/** Renders an expectation failure, with the `file:line` it comes from when known. */
export function failureLine(f: Failure, s: Styles, at?: string): string {
  return `     ${s.red("x expect")} ${failureText(f, at)}`;
}

/** Pin or ref counts as the summary states them. */
export function holdCounts(x: { acquired: number; released: number; outstanding: number }): string {
  return `acquired ${x.acquired}, released ${x.released}, outstanding ${x.outstanding}`;
}

/** `N expectation(s) failed`. */
export function failedCount(n: number): string {
  return `${n} expectation${n === 1 ? "" : "s"} failed`;
}

/** Renders the summary block. */
export function renderSummary(
  sum: Summary,
  endWarnings: readonly Warning[],
  failures: readonly Failure[],
  s: Styles,
  o: StepStyle = {},
): string {
  const lines: string[] = [];
  for (const w of warningLines(endWarnings, s, o)) lines.push(w);
  for (const f of failures) lines.push(failureLine(f, s, o.at?.(f)));
  lines.push(` ${s.bold("summary")}  pins ${holdCounts(sum.pins)}`);
  lines.push(`          refs ${holdCounts(sum.refs)}`);
  for (const f of outstandingLines(sum, o)) lines.push(`          ${f}`);
  const ws = Object.entries(sum.warnings).map(([k, n]) => `${k} x${n}`).join(", ");
  lines.push(`          warnings: ${ws || "none"}`);
  const verdict = sum.verdict === "clean" ? s.green(sum.verdict) : s.yellow(sum.verdict);
  const fails = sum.failures ? s.red(failedCount(sum.failures)) : "";
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
