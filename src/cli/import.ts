/**
 * `itertrace import bpftrace|strace FILE`: a captured workload to a trace.
 *
 * @module
 */
import { stringify } from "yaml";
import type { Io } from "./io.ts";
import { TraceError, type TraceIssue, UsageError } from "../errors.ts";
import { parseBpftrace } from "../import/bpftrace.ts";
import { parseStrace } from "../import/strace.ts";
import { callsToTrace, type ImportPath } from "../import/to_trace.ts";
import { checkKernel } from "./replay.ts";

/** Options of `import`. */
export interface ImportOpts {
  path: string;
  kernel: string;
  fd?: string;
  all?: true;
  format: string;
  output?: string;
  name?: string;
}

/** Runs `import`; returns the exit code. */
export async function importCommand(
  io: Io,
  kind: string,
  file: string,
  o: ImportOpts,
): Promise<number> {
  checkKernel(o.kernel);
  if (!(await io.exists(file))) {
    throw new TraceError([{ file, line: 1, column: 1, message: "no such file" }]);
  }
  const text = await io.readTextFile(file);
  const issues: TraceIssue[] = [];
  const calls = kind === "bpftrace"
    ? parseBpftrace(text, file, issues)
    : parseStrace(text, file, issues);
  if (issues.length) throw new TraceError(issues);
  const fd = o.fd === undefined ? undefined : Number(o.fd);
  if (fd !== undefined && !Number.isInteger(fd)) throw new UsageError(`invalid --fd "${o.fd}"`);
  const base = file.split("/").pop()!.replace(/\.[^.]*$/, "").replace(/[^\w.+@=,-]/g, "_");
  const doc = callsToTrace(calls, {
    name: o.name ?? `import-${base}`,
    kernel: o.kernel,
    path: o.path as ImportPath,
    ...(fd !== undefined ? { fd } : {}),
    ...(o.all ? { all: true } : {}),
    source: kind as "bpftrace" | "strace",
  });
  let out: string;
  if (o.format === "jsonl") {
    const { ops, ...header } = doc as { ops: unknown[] };
    out = [JSON.stringify(header), ...ops.map((op) => JSON.stringify(op))].join("\n") + "\n";
  } else {
    out = `# yaml-language-server: $schema=https://itertrace.invalid/trace.schema.json\n${
      stringify(doc, { lineWidth: 0 })
    }`;
    out = out.replace(/^# yaml-language-server.*\n/, "");
  }
  if (o.output) {
    await io.writeTextFile(o.output, out);
    io.stderr(`wrote ${o.output}: ${(doc.ops as unknown[]).length} ops\n`);
  } else io.stdout(out);
  return 0;
}
