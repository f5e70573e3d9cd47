/**
 * `itertrace check`: every trace under the paths, in sorted order, judged by its
 * expectations. `--format json` prints the document design.md specifies.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace, TRACE_EXT } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { TraceError } from "../errors.ts";
import { styles } from "../render/text.ts";
import { jsonReplacer, show } from "../render/value.ts";
import { checkKernel } from "./replay.ts";

/** One trace's outcome in the check document. */
export interface CheckEntry {
  file: string;
  name: string;
  status: "pass" | "fail" | "error";
  failures: { step: number | null; path: string; expected: unknown; actual: unknown }[];
  error?: string;
}

/** Collects trace files under the paths, sorted, directories walked recursively. */
export async function collectTraces(io: Io, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(p: string): Promise<void> {
    const entries = await io.readDir(p);
    if (!entries) {
      out.push(p);
      return;
    }
    const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of sorted) {
      const child = `${p.replace(/\/$/, "")}/${e.name}`;
      if (e.isDirectory) await walk(child);
      else if (TRACE_EXT.test(e.name)) out.push(child);
    }
  }
  for (const p of paths) await walk(p);
  return out;
}

/** Runs `check`; returns the exit code. */
export async function checkCommand(
  io: Io,
  paths: readonly string[],
  o: { format: string; kernel?: string },
): Promise<number> {
  checkKernel(o.kernel);
  const files = await collectTraces(io, paths);
  const s = styles(io.color && o.format === "text");
  const traces: CheckEntry[] = [];
  for (const file of files) {
    let entry: CheckEntry;
    try {
      const src = await openTrace(io, file);
      const res = await runTrace(src, { kernel: o.kernel });
      entry = {
        file,
        name: src.header.header.name,
        status: res.failures.length ? "fail" : "pass",
        failures: res.failures.map((f) => ({
          step: f.step ?? null,
          path: f.path,
          expected: f.expected,
          actual: f.actual,
        })),
      };
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      entry = { file, name: "", status: "error", failures: [], error: e.message };
    }
    traces.push(entry);
    if (o.format === "text") {
      const tag = entry.status === "pass"
        ? s.green("pass ")
        : entry.status === "fail"
        ? s.red("FAIL ")
        : s.red("ERROR");
      io.stdout(`${tag} ${file}\n`);
      for (const f of entry.failures) {
        io.stdout(`      ${f.path}: expected ${show(f.expected)}, got ${show(f.actual)}\n`);
      }
      if (entry.error) {
        io.stdout(entry.error.split("\n").map((l) => `      ${l}`).join("\n") + "\n");
      }
    }
  }
  const passed = traces.filter((t) => t.status === "pass").length;
  const failed = traces.filter((t) => t.status === "fail").length;
  const errors = traces.filter((t) => t.status === "error").length;
  if (o.format === "json") {
    io.stdout(JSON.stringify({ traces, passed, failed, errors }, jsonReplacer, 2) + "\n");
  } else {
    io.stdout(`\n${passed} passed, ${failed} failed${errors ? `, ${errors} errors` : ""}\n`);
  }
  if (files.length === 0) {
    io.stderr(`error: no traces found under ${paths.join(", ")}\n`);
    return 2;
  }
  return errors ? 2 : failed ? 1 : 0;
}
