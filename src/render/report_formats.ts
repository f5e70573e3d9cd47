/**
 * Check-result formats for CI: TAP version 14 and JUnit XML.
 *
 * @module
 */
import { failureText, show } from "./value.ts";

/** One trace's check outcome. */
export interface CheckEntry {
  file: string;
  name: string;
  status: "pass" | "fail" | "error" | "skip";
  failures: {
    step: number | null;
    path: string;
    expected: unknown;
    actual: unknown;
    /** The era the failure was found in, when the trace was checked in several. */
    era?: string;
    /** The trace's line the failed op or expectation is written on. */
    line?: number;
  }[];
  /** The eras the trace was replayed in (the era matrix). */
  eras?: string[];
  error?: string;
  /** A unified diff against the golden file, when it differs. */
  goldenDiff?: string;
  /** Seconds the trace took, when measured. */
  time?: number;
  /**
   * Expectations skipped by their `when:` (a standalone `expect` or an op's inline one): the
   * step, its line, the condition, the eras that skipped it and whether that is every era
   * checked.
   */
  skipped_expects?: { step: number; line: number; when: string; eras: string[]; all: boolean }[];
}

/** Where a check entry's failure is written: `file:line`, when known. */
function failureAt(e: CheckEntry, f: CheckEntry["failures"][number]): string | undefined {
  return f.line !== undefined ? `${e.file}:${f.line}` : undefined;
}

/**
 * A check entry's failure as text and Markdown state it: the eras it was found in (when not
 * all), then a golden mismatch or the expectation with its `file:line`.
 */
export function checkFailureText(e: CheckEntry, f: CheckEntry["failures"][number]): string {
  const era = f.era ? `[${f.era}] ` : "";
  if (f.path === "golden") return `${era}golden: the replay differs from ${show(f.expected)}`;
  return era + failureText(f, failureAt(e, f));
}

/** Seconds as JUnit and the text summary print them. */
export function seconds(t: number): string {
  return t.toFixed(3);
}

function yamlBlock(lines: string[]): string {
  return lines.map((l) => `  ${l}`).join("\n");
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** TAP version 14: one test point per trace; era-gated traces are `# SKIP`. */
export function renderTap(entries: readonly CheckEntry[]): string {
  const out = ["TAP version 14", `1..${entries.length}`];
  entries.forEach((e, i) => {
    const desc = `${e.file}${e.name ? ` (${e.name})` : ""}`.replace(/#/g, "\\#");
    if (e.status === "skip") {
      out.push(
        `ok ${i + 1} - ${desc} # SKIP ${
          (e.error ?? "not in this era").split("\n")[0].replace(/#/g, "")
        }`,
      );
      return;
    }
    out.push(`${e.status === "pass" ? "ok" : "not ok"} ${i + 1} - ${desc}`);
    if (e.status === "pass") return;
    const lines = ["---", `status: ${e.status}`];
    if (e.error) lines.push(`message: ${quote(e.error)}`);
    if (e.failures.length) {
      lines.push("failures:");
      for (const f of e.failures) {
        lines.push(`  - path: ${quote(f.path)}`);
        lines.push(`    step: ${f.step ?? "null"}`);
        if (f.line !== undefined) lines.push(`    at: ${quote(`${e.file}:${f.line}`)}`);
        lines.push(`    expected: ${quote(show(f.expected))}`);
        lines.push(`    actual: ${quote(show(f.actual))}`);
      }
    }
    if (e.goldenDiff) lines.push(`diff: ${quote(e.goldenDiff)}`);
    lines.push("...");
    out.push(yamlBlock(lines));
  });
  return out.join("\n") + "\n";
}

function xml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  )
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");
}

/** A trace's JUnit classname (its folder, dotted) and name (its file name, no extension). */
function testcaseOf(file: string): { cls: string; name: string } {
  const slash = file.lastIndexOf("/");
  const dir = slash < 0 ? "" : file.slice(0, slash);
  return {
    cls: dir.replace(/^(\.\.?\/)+|^\/+/, "").replace(/\/+/g, ".") || "itertrace",
    name: file.slice(slash + 1).replace(/\.(ya?ml|jsonl?)$/, ""),
  };
}

/**
 * JUnit XML: one testsuite, one testcase per trace, with its time; the classname is the
 * trace's folder (`traces/pins` gives `traces.pins`), the name its file name.
 */
export function renderJunit(entries: readonly CheckEntry[]): string {
  const skips = entries.flatMap((e) =>
    (e.skipped_expects ?? []).filter((k) => k.all).map((k) => ({ e, k }))
  );
  const count = (s: CheckEntry["status"]) =>
    entries.filter((e) => e.status === s).length + (s === "skip" ? skips.length : 0);
  const tests = entries.length + skips.length;
  const total = seconds(entries.reduce((a, e) => a + (e.time ?? 0), 0));
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="itertrace" tests="${tests}" failures="${count("fail")}" errors="${
      count("error")
    }" skipped="${count("skip")}" time="${total}">`,
    `  <testsuite name="itertrace check" tests="${tests}" failures="${count("fail")}" errors="${
      count("error")
    }" skipped="${count("skip")}" time="${total}">`,
  ];
  for (const e of entries) {
    const { cls, name } = testcaseOf(e.file);
    const open = `    <testcase classname="${xml(cls)}" name="${xml(name)}" file="${
      xml(e.file)
    }" time="${seconds(e.time ?? 0)}"`;
    if (e.status === "pass") {
      out.push(`${open}/>`);
      continue;
    }
    out.push(`${open}>`);
    if (e.status === "skip") {
      out.push(`      <skipped message="${xml((e.error ?? "").split("\n")[0])}"/>`);
    } else if (e.status === "error") {
      out.push(
        `      <error message="${xml((e.error ?? "").split("\n")[0])}">${
          xml(e.error ?? "")
        }</error>`,
      );
    } else {
      const body = e.failures.map((f) => failureText(f, failureAt(e, f)));
      if (e.goldenDiff) body.push(e.goldenDiff);
      out.push(
        `      <failure message="${xml(`${e.failures.length || 1} expectation(s) failed`)}">${
          xml(body.join("\n"))
        }</failure>`,
      );
    }
    out.push("    </testcase>");
  }
  // an expectation every era checked skipped by its when: is a skipped test of its own
  for (const { e, k } of skips) {
    const { cls, name } = testcaseOf(e.file);
    out.push(
      `    <testcase classname="${xml(cls)}" name="${xml(`${name} #${k.step} expect`)}" file="${
        xml(e.file)
      }" line="${k.line}" time="0.000">`,
      `      <skipped message="${xml(`${k.when} (${k.eras.join(", ")})`)}"/>`,
      "    </testcase>",
    );
  }
  out.push("  </testsuite>", "</testsuites>");
  return out.join("\n") + "\n";
}
