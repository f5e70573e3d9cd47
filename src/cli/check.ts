/**
 * `itertrace check`: every trace under the paths, in sorted order, judged by its inline
 * expectations and, when present, by its golden file `<trace>.expected` (the whole replay as
 * colourless text). `--update` writes missing or changed goldens. Formats: text, json (the
 * document design.md specifies), tap (TAP 14) and junit (JUnit XML).
 *
 * @module
 */
import { createTwoFilesPatch } from "diff";
import type { Io } from "./io.ts";
import { openTrace, TRACE_EXT } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { isInputError, TraceError } from "../errors.ts";
import { globMatcher } from "./glob.ts";
import { renderStep, renderSummary, styles } from "../render/text.ts";
import { jsonReplacer, show } from "../render/value.ts";
import { type CheckEntry, renderJunit, renderTap } from "../render/report_formats.ts";
import { checkKernel } from "./replay.ts";
import { kernelLabel } from "../profile.ts";
import type { Severity } from "../types.ts";

export type { CheckEntry };

/**
 * Collects trace files under the paths, sorted, directories walked recursively; `found`
 * receives the files found by walking (rather than named on the command line).
 */
export async function collectTraces(
  io: Io,
  paths: readonly string[],
  found?: Set<string>,
): Promise<string[]> {
  const out: string[] = [];
  async function walk(p: string, top: boolean): Promise<void> {
    const entries = await io.readDir(p);
    if (!entries) {
      out.push(p);
      if (!top) found?.add(p);
      return;
    }
    const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of sorted) {
      const child = `${p.replace(/\/$/, "")}/${e.name}`;
      if (e.isDirectory) await walk(child, false);
      else if (TRACE_EXT.test(e.name)) {
        out.push(child);
        found?.add(child);
      }
    }
  }
  for (const p of paths) await walk(p, true);
  return out;
}

/** Options of `check`. */
export interface CheckOpts {
  format: string;
  kernel?: string;
  update?: true;
  filter?: string;
  failOn?: string;
}

const RANK: Record<Severity, number> = { bug: 3, warn: 2, hazard: 1 };

/** The golden text of a replay: every step and the summary, no colour, no paths. */
async function replayText(file: string, kernel: string | undefined, io: Io) {
  const src = await openTrace(io, file);
  const s = styles(false);
  const lines: string[] = [];
  const h = src.header.header;
  lines.push(`itertrace replay ${h.name}   (kernel ${kernelLabel(kernel ?? h.kernel)})`, "");
  const res = await runTrace(
    src,
    { kernel },
    (st, node) => lines.push(renderStep(st, node.args, s)),
  );
  lines.push("", renderSummary(res.summary, res.endWarnings, res.failures, s));
  return { text: lines.join("\n") + "\n", res, name: h.name, locate: src.header.locate };
}

/** Runs `check`; returns the exit code. */
export async function checkCommand(
  io: Io,
  paths: readonly string[],
  o: CheckOpts,
): Promise<number> {
  checkKernel(o.kernel);
  const walked = new Set<string>();
  const files = await collectTraces(io, paths, walked);
  const s = styles(io.color && o.format === "text");
  const filter = o.filter !== undefined ? globMatcher(o.filter) : undefined;
  const names = new Map<string, string>();
  const traces: CheckEntry[] = [];
  const updated: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    let entry: CheckEntry;
    try {
      const { text, res, name, locate } = await replayText(file, o.kernel, io);
      if (filter && !filter(name) && !filter(file)) continue;
      const same = walked.has(file) ? sameNameIn(names, file, name) : undefined;
      if (same) {
        throw new TraceError([{
          file,
          ...locate(["name"]),
          message:
            `name: "${name}" is also the name of ${same}; traces in one folder need distinct names`,
        }]);
      }
      entry = {
        file,
        name,
        status: res.failures.length ? "fail" : "pass",
        failures: res.failures.map((f) => ({
          step: f.step ?? null,
          path: f.path,
          expected: f.expected,
          actual: f.actual,
        })),
      };
      if (o.failOn) {
        const min = RANK[o.failOn as Severity];
        const bad = res.replay.allWarnings.filter((w) => RANK[w.severity] >= min);
        if (bad.length) {
          entry.status = "fail";
          for (const w of bad) {
            entry.failures.push({
              step: w.step ?? null,
              path: "warnings",
              expected: `no ${o.failOn}`,
              actual: w.code,
            });
          }
        }
      }
      const golden = `${file}.expected`;
      if (!o.kernel) {
        const have = (await io.exists(golden)) ? await io.readTextFile(golden) : undefined;
        if (o.update && res.failures.length) {
          if (have !== text) kept.push(golden);
        } else if (o.update) {
          if (have !== text) {
            await io.writeTextFile(golden, text);
            updated.push(golden);
          }
        } else if (have !== undefined && have !== text) {
          entry.status = "fail";
          entry.failures.push({
            step: null,
            path: "golden",
            expected: golden,
            actual: "replay differs",
          });
          entry.goldenDiff = createTwoFilesPatch(golden, "replay", have, text, "", "", {
            context: 2,
          });
        }
      }
    } catch (e) {
      if (!isInputError(e)) throw e;
      const gated = o.kernel !== undefined && /not_in_era/.test(e.message);
      entry = { file, name: "", status: gated ? "skip" : "error", failures: [], error: e.message };
    }
    traces.push(entry);
    if (o.format === "text") printText(io, entry, s);
  }
  const passed = traces.filter((t) => t.status === "pass").length;
  const failed = traces.filter((t) => t.status === "fail").length;
  const errors = traces.filter((t) => t.status === "error").length;
  const skipped = traces.filter((t) => t.status === "skip").length;
  if (o.format === "json") {
    const doc = {
      traces: traces.map(({ goldenDiff: _d, ...t }) => t),
      passed,
      failed,
      errors,
      ...(skipped ? { skipped } : {}),
    };
    io.stdout(JSON.stringify(doc, jsonReplacer, 2) + "\n");
  } else if (o.format === "tap") io.stdout(renderTap(traces));
  else if (o.format === "junit") io.stdout(renderJunit(traces));
  else {
    io.stdout(
      `\n${passed} passed, ${failed} failed${errors ? `, ${errors} errors` : ""}${
        skipped ? `, ${skipped} skipped` : ""
      }\n`,
    );
  }
  for (const g of updated) io.stderr(`updated ${g}\n`);
  for (const g of kept) {
    io.stderr(`not updated ${g}: the trace's own expectations fail; fix them first\n`);
  }
  if (files.length === 0) {
    io.stderr(`error: no traces found under ${paths.join(", ")}\n`);
    return 2;
  }
  if (filter && traces.length === 0) {
    io.stderr(
      `error: --filter '${o.filter}' matches none of the ${files.length} traces (by name or path)\n`,
    );
    return 2;
  }
  return errors ? 2 : failed ? 1 : 0;
}

function printText(io: Io, entry: CheckEntry, s: ReturnType<typeof styles>): void {
  const tag = entry.status === "pass"
    ? s.green("pass ")
    : entry.status === "skip"
    ? s.yellow("skip ")
    : entry.status === "fail"
    ? s.red("FAIL ")
    : s.red("ERROR");
  io.stdout(`${tag} ${entry.file}\n`);
  for (const f of entry.failures) {
    if (f.path === "golden") continue;
    io.stdout(`      ${f.path}: expected ${show(f.expected)}, got ${show(f.actual)}\n`);
  }
  if (entry.goldenDiff) {
    io.stdout(entry.goldenDiff.split("\n").map((l) => `      ${l}`).join("\n") + "\n");
  }
  if (entry.error) io.stdout(entry.error.split("\n").map((l) => `      ${l}`).join("\n") + "\n");
}

/** The file in the same folder already checked under `name`, if any; records this one. */
function sameNameIn(names: Map<string, string>, file: string, name: string): string | undefined {
  const key = `${file.slice(0, file.lastIndexOf("/") + 1)}\0${name}`;
  const prev = names.get(key);
  if (prev === undefined) names.set(key, file);
  return prev;
}
