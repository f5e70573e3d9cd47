/**
 * Markdown output (`--format md`) of replay, check and compare: a table a developer can paste
 * into a mailing-list reply or a review, with the same folded lines and hex values as text
 * output, and a summary below it. No colour, no timings unless measured, deterministic.
 *
 * @module
 */
import type { StepResult, Summary } from "../replay/engine.ts";
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "../replay/compare.ts";
import { divergenceTally, type StepDivergence } from "../replay/diverge.ts";
import type { CheckEntry } from "./report_formats.ts";
import { seconds } from "./report_formats.ts";
import {
  changeLines,
  failedCount,
  holdCounts,
  outstandingLines,
  stepCall,
  type StepStyle,
  styles,
  warningLines,
} from "./text.ts";
import { failureText, show } from "./value.ts";
import { checkFailureText } from "./report_formats.ts";

const PLAIN = styles(false);

/** Text safe in a table cell: pipes escaped, newlines as `<br>`, runs of spaces kept short. */
export function cell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, "<br>").replace(
    /\s{2,}/g,
    " ",
  ).trim();
}

/** Inline code that survives backticks inside it. */
function code(s: string): string {
  if (!s) return "";
  const fence = s.includes("`") ? "``" : "`";
  return `${fence}${cell(s)}${fence}`;
}

/** The header of a replay's Markdown. */
export function mdReplayHead(file: string, kernel: string, pageKiB: number): string {
  return `### itertrace replay ${code(file)} (kernel ${kernel}, page ${pageKiB} KiB)\n\n` +
    "| # | call | ret | what changed | warnings and failures |\n" +
    "|--:|---|---|---|---|\n";
}

function failureNote(f: Failure, o: StepStyle): string {
  return `**x expect** ${failureText(f, o.at?.(f))}`;
}

/** One step as a table row. */
export function mdStep(st: StepResult, args: Record<string, unknown>, o: StepStyle = {}): string {
  const call = stepCall(st.op, args);
  const ret = st.skipped ? `skipped (${st.skipped})` : st.ret === null ? "" : code(show(st.ret));
  const changes = changeLines(st, PLAIN, o).map((l) => code(l.trim()));
  if (st.expect_skipped) changes.unshift(`expect skipped (${st.expect_skipped})`);
  const notes = [
    ...warningLines(st.warnings, PLAIN, o).map((l) => cell(l.trim())),
    ...st.failures.map((f) => cell(failureNote(f, o))),
  ];
  return `| ${st.index}${st.id ? ` ${cell(`[${st.id}]`)}` : ""} | ${code(call)} | ${ret} | ${
    changes.join("<br>")
  } | ${notes.join("<br>")} |\n`;
}

/** The summary below the table. */
export function mdSummary(
  sum: Summary,
  endWarnings: readonly Warning[],
  failures: readonly Failure[],
  o: StepStyle = {},
): string {
  const out = [""];
  out.push(
    `**Summary**: verdict **${sum.verdict}**${
      sum.failures ? `, ${failedCount(sum.failures)}` : ""
    }`,
  );
  out.push("");
  out.push(`- pins ${holdCounts(sum.pins)}`);
  out.push(`- refs ${holdCounts(sum.refs)}`);
  for (const l of outstandingLines(sum, o)) {
    out.push(`- ${l.replace(/\s{2,}/g, " ")}`);
  }
  const ws = Object.entries(sum.warnings).map(([k, n]) => `${k} x${n}`).join(", ");
  out.push(`- warnings: ${ws || "none"}`);
  for (const w of warningLines(endWarnings, PLAIN, o)) {
    out.push(`- at the end: ${w.trim().replace(/\s{2,}/g, " ")}`);
  }
  for (const f of failures) out.push(`- ${failureNote(f, o)}`);
  return out.join("\n") + "\n";
}

/** `check --format md`: one row per trace, then the totals. */
export function mdCheck(entries: readonly CheckEntry[]): string {
  const out = [
    "### itertrace check",
    "",
    "| status | trace | eras | time (s) | failures |",
    "|---|---|---|--:|---|",
  ];
  for (const e of entries) {
    const fails = e.failures.map((f) => cell(checkFailureText(e, f)));
    if (e.error) fails.push(cell(e.error.split("\n")[0]));
    const status = e.status === "pass" ? "pass" : `**${e.status.toUpperCase()}**`;
    const eras = e.eras ?? [];
    const era = eras.length > 3
      ? `${eras[0]} .. ${eras[eras.length - 1]} (${eras.length})`
      : eras.join(", ");
    out.push(
      `| ${status} | ${code(e.file)} | ${era} | ${e.time !== undefined ? seconds(e.time) : ""} | ${
        fails.join("<br>")
      } |`,
    );
  }
  const n = (s: CheckEntry["status"]) => entries.filter((e) => e.status === s).length;
  out.push("");
  out.push(
    `**${n("pass")} passed, ${n("fail")} failed**${n("error") ? `, ${n("error")} errors` : ""}${
      n("skip") ? `, ${n("skip")} skipped` : ""
    }`,
  );
  return out.join("\n") + "\n";
}

/** `compare --format md`: one row per divergent step, both sides side by side. */
export function mdCompare(
  title: string,
  labels: { a: string; b: string },
  divs: readonly StepDivergence[],
  first: StepDivergence | undefined,
  verdicts: { a: string; b: string },
  sums: readonly string[],
): string {
  const out = [
    `### itertrace compare ${code(title)} (${cell(labels.a)} vs ${cell(labels.b)})`,
    "",
  ];
  if (!divs.length) {
    out.push("No divergence: every step has the same result, lists, pins and warnings.");
  } else {
    out.push(`| # | call | differs in | ${cell(labels.a)} | ${cell(labels.b)} |`);
    out.push("|--:|---|---|---|---|");
    for (const d of divs) {
      const calls = d.calls.a === d.calls.b
        ? code(d.calls.a)
        : `${code(d.calls.a)}<br>${code(d.calls.b)}`;
      out.push(
        `| ${d.index} | ${calls} | ${d.aspects.join(", ")}${d === first ? " **(first)**" : ""} | ${
          code(d.a)
        } | ${code(d.b)} |`,
      );
    }
  }
  out.push("");
  out.push(`- ${cell(labels.a)}: ${cell(verdicts.a)}`);
  out.push(`- ${cell(labels.b)}: ${cell(verdicts.b)}`);
  out.push(`- ${divergenceTally(divs, first, (s) => `**${s}**`)}`);
  if (sums.length) out.push(`- summaries differ: ${sums.join(", ")}`);
  return out.join("\n") + "\n";
}
