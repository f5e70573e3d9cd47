/**
 * The lab table as text (aligned columns, a block per workload), Markdown (one table, to
 * paste into a mailing-list reply) and JSON (the {@link LabReport} itself).
 *
 * @module
 */
import type { LabCell, LabReport, LabRow } from "./lab.ts";
import type { FinalList } from "./acct.ts";
import { hex } from "../types.ts";
import { kernelLabel } from "../profile.ts";

const COLS = [
  "",
  "pins",
  "refs",
  "unneeded",
  "must-not",
  "bad",
  "interm. (B)",
  "passes",
  "hazards",
  "final",
];

function finalText(f: FinalList | undefined): string {
  if (!f) return "-";
  const what = { bvec: "bvec", bvecq: "bvecq", iter: "iter copy", sg: "sg", sge: "sge" }[f.type];
  return `${what} x${f.entries.length}, ${hex(f.bytes)} B`;
}

function hazardText(c: LabCell): string {
  return c.hazards.length
    ? c.hazards.map((h) => (h.count > 1 ? `${h.code} x${h.count}` : h.code)).join(", ")
    : "-";
}

/** The strategy's id, with its era when it is not the row's. */
function idOf(c: LabCell, rowEra: string): string {
  return c.era === rowEra ? c.strategy : `${c.strategy} (${kernelLabel(c.era)})`;
}

function cellCols(c: LabCell, rowEra: string): string[] {
  if (c.status === "n/a") {
    return [idOf(c, rowEra), "", "", "", "", "", "", "", "", `n/a: ${c.reason}`];
  }
  return [
    idOf(c, rowEra),
    String(c.pins),
    String(c.refs),
    String(c.unnecessary),
    String(c.forbidden),
    String(c.badEntries),
    c.intermediate.count ? `${c.intermediate.count} (${c.intermediate.bytes})` : "0",
    String(c.passes.length),
    hazardText(c),
    finalText(c.final),
  ];
}

function rowTitle(r: LabRow, era: string): string {
  const w = r.workload;
  const job = { dio: "async DIO copy", sg: "crypto sglist", rdma: "RDMA SGEs" }[w.purpose];
  return `${w.id}  ${job} from ${w.source.toUpperCase()} (${w.dir}), ${
    hex(w.len)
  } bytes, kernel ${era}  [${w.file}:${w.line} ${w.op}]`;
}

/** The text table. */
export function labText(rep: LabReport): string {
  const out: string[] = [];
  out.push(
    `itertrace lab  (kernel ${rep.kernel ? kernelLabel(rep.kernel) : "as each trace says"})`,
  );
  out.push("");
  out.push("strategies:");
  for (const s of rep.strategies) {
    out.push(`  ${s.id}  ${s.name.padEnd(28)} ${s.status.padEnd(8)}  ${s.follows}`);
  }
  for (const r of rep.rows) {
    out.push("");
    const era = r.cells[0]?.era ?? "?";
    out.push(rowTitle(r, era));
    const rows = [COLS, ...r.cells.map((c) => cellCols(c, era))];
    const widths = COLS.map((_, i) =>
      Math.max(...rows.map((x) => (i === COLS.length - 1 ? 0 : x[i].length)))
    );
    for (const x of rows) {
      out.push(
        "  " +
          x.map((
            v,
            i,
          ) => (i === x.length - 1
            ? v
            : i === 0 || i >= 8
            ? v.padEnd(widths[i])
            : v.padStart(widths[i]))
          ).join("  ").trimEnd(),
      );
    }
    for (const c of r.cells) if (c.status === "ran") out.push(`  ${c.strategy}: ${c.verdict}`);
    for (const c of r.cells) for (const n of c.notes) out.push(`  ${c.strategy}  note: ${n}`);
  }
  out.push("");
  out.push(
    "columns: pins/refs taken; unneeded = holds on pages the destination could have borrowed; must-not = holds on memory that must never be pinned or refcounted; bad = entries not naming the source's bytes at their position (independent check); interm. = intermediate allocations (bytes); passes over the data",
  );
  return out.join("\n") + "\n";
}

function md(v: string): string {
  return v.replace(/\|/g, "\\|");
}

/** The Markdown table. */
export function labMarkdown(rep: LabReport): string {
  const out: string[] = [];
  out.push(`Strategies (kernel ${rep.kernel ? kernelLabel(rep.kernel) : "as each trace says"}):`);
  out.push("");
  for (const s of rep.strategies) {
    out.push(`- **(${s.id}) ${md(s.name)}**, ${s.status}: ${md(s.follows)}`);
  }
  out.push("");
  out.push(
    "| workload | | pins | refs | unneeded | must-not | bad | intermediate (B) | passes | hazards | final | verdict |",
  );
  out.push("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|---|");
  for (const r of rep.rows) {
    const w = r.workload;
    const job = { dio: "DIO copy", sg: "crypto sg", rdma: "RDMA SGEs" }[w.purpose];
    const era = r.cells[0]?.era ?? "?";
    r.cells.forEach((c, i) => {
      const head = i === 0
        ? `${md(w.id)}: ${job} from ${w.source.toUpperCase()}, ${hex(w.len)} B (${
          kernelLabel(era)
        })`
        : "";
      const id = md(idOf(c, era));
      if (c.status === "n/a") {
        out.push(`| ${head} | ${id} | | | | | | | | | | n/a: ${md(c.reason ?? "")} |`);
        return;
      }
      const cols = cellCols(c, era).slice(1);
      out.push(`| ${head} | ${id} | ${cols.map(md).join(" | ")} | ${md(c.verdict)} |`);
    });
  }
  out.push("");
  out.push(
    "unneeded: holds on pages the destination could have borrowed; must-not: holds on memory that must never be pinned or refcounted; bad: entries not naming the source's bytes at their position (checked independently).",
  );
  return out.join("\n") + "\n";
}

/** The JSON document. */
export function labJson(rep: LabReport): string {
  return JSON.stringify(rep, null, 2) + "\n";
}

/** A cell of the summary: the counts that judge it, or "clean"/"n/a". */
function summaryCell(c: LabCell): string {
  if (c.status !== "ran") return "n/a";
  const parts: string[] = [];
  if (c.pins) parts.push(`${c.pins} pins`);
  if (c.refs) parts.push(`${c.refs} refs`);
  if (c.unnecessary) parts.push(`**${c.unnecessary} unneeded**`);
  if (c.forbidden) parts.push(`**${c.forbidden} must-not**`);
  if (c.badEntries) parts.push(`**${c.badEntries} bad entries**`);
  if (c.intermediate.count) {
    parts.push(`${c.intermediate.bytes} B interm.${c.intermediate.sgTables ? " (sg)" : ""}`);
  }
  for (const h of c.hazards) parts.push(h.code);
  return parts.length ? parts.join(", ") : "clean";
}

/** The memory a workload's trace is about, from its file name (rodata, vmalloc, kmalloc). */
function memoryHint(file: string): string {
  const hints = ["kmalloc", "rodata", "vmalloc"].filter((k) => file.includes(k));
  return hints.length ? ` (${hints.join(", ")})` : "";
}

/** One Markdown row per workload, one column per strategy: the README's table. */
export function labSummary(rep: LabReport): string {
  const names: Record<string, string> = {
    a: "(a) get_pages→BVEC",
    b: "(b) scan",
    c: "(c) framework",
    d: "(d) cifs pages→sg→SGE",
    e: "(e) merged 6.3",
    f: "(f) 7.4 BVECQ",
  };
  const out = [
    `| workload | ${rep.strategies.map((s) => names[s.id] ?? s.id).join(" | ")} |`,
    `|---|${rep.strategies.map(() => "---|").join("")}`,
  ];
  for (const r of rep.rows) {
    const w = r.workload;
    const job = { dio: "DIO", sg: "crypto", rdma: "RDMA" }[w.purpose];
    const era = kernelLabel(r.cells[0]?.era ?? "?");
    out.push(
      `| ${job} from ${w.source.toUpperCase()}${memoryHint(w.file)} (${era}) | ${
        r.cells.map(summaryCell).join(" | ")
      } |`,
    );
  }
  return out.join("\n") + "\n";
}
