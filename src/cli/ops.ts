/**
 * `itertrace ops [NAME]`: every op of the trace format with the kernel function it follows
 * and the eras it exists in; with a name, its arguments and their descriptions, and the
 * variables it reads, creates, opens and releases. Generated from the op declarations
 * (src/trace/ops), so it cannot drift from what the loader accepts.
 *
 * @module
 */
import type { z } from "zod";
import type { Io } from "./io.ts";
import { DECLARED_OPS, type OpDecl, opDecl, varUses } from "../trace/ops/mod.ts";
import { fieldDoc } from "../trace/args.ts";
import { type Feature, FEATURES, releaseName } from "../profile.ts";
import { suggest } from "../trace/suggest.ts";

/** One argument as `ops NAME` shows it. */
export interface ArgInfo {
  readonly name: string;
  readonly description: string;
  readonly optional: boolean;
  readonly default?: unknown;
}

/** One op as `ops` shows it. */
export interface OpInfo {
  readonly op: string;
  readonly summary: string;
  readonly kernel: string | null;
  readonly file: string | null;
  /** The releases it exists in, as a `when:` condition (">=6.3 <6.12"; "all"), and its row. */
  readonly eras: string;
  readonly row: string | null;
  readonly args: readonly ArgInfo[];
  readonly vars: readonly { arg: string; use: string; type: string }[];
}

/** The releases an era row covers, as a `when:` condition. */
export function eraText(row: string | undefined): string {
  if (!row) return "all";
  const f: Feature = FEATURES[row as keyof typeof FEATURES];
  if (f.since && f.until) return `>=${releaseName(f.since)} <${releaseName(f.until)}`;
  if (f.since) return `>=${releaseName(f.since)}`;
  return `<${releaseName(f.until!)}`;
}

function argInfo(name: string, s: z.ZodType): ArgInfo {
  const def = (s as unknown as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod
    .def;
  const optional = def.type === "optional" || def.type === "default";
  return {
    name,
    description: fieldDoc(s) ?? "",
    optional,
    ...(def.type === "default" ? { default: def.defaultValue } : {}),
  };
}

/** What `ops` shows of one op. */
export function opInfo(name: string): OpInfo {
  const d = opDecl(name) as OpDecl;
  return {
    op: name,
    summary: d.summary,
    kernel: d.follows?.fn ?? null,
    file: d.follows?.file ?? null,
    eras: eraText(d.era),
    row: d.era ?? null,
    args: Object.entries(d.args).map(([k, s]) => argInfo(k, s as z.ZodType)),
    vars: varUses(name).map((u) => ({ arg: u.key, use: u.use, type: u.type })),
  };
}

/** Runs `ops`; returns the exit code. */
export function opsCommand(io: Io, name: string | undefined, o: { format?: string }): number {
  if (name !== undefined && !opDecl(name)) {
    const hint = suggest(name, DECLARED_OPS);
    io.stderr(`error: unknown op "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}\n`);
    return 2;
  }
  const infos = (name === undefined ? DECLARED_OPS : [name]).map(opInfo);
  if (o.format === "json") {
    io.stdout(JSON.stringify(name === undefined ? infos : infos[0], null, 2) + "\n");
    return 0;
  }
  if (name === undefined) {
    const w = Math.max(...infos.map((i) => i.op.length));
    const e = Math.max(...infos.map((i) => i.eras.length));
    for (const i of infos) {
      const k = i.kernel ? `${i.file} ${i.kernel}()` : "(trace only)";
      io.stdout(`${i.op.padEnd(w)}  ${i.eras.padEnd(e)}  ${k}\n`);
    }
    io.stdout(`\nitertrace ops NAME prints one op's arguments and variables\n`);
    return 0;
  }
  const i = infos[0];
  const lines = [
    `${i.op}: ${i.summary}`,
    "",
    `follows: ${i.kernel ? `${i.kernel}() in ${i.file}` : "no kernel function (a trace-only op)"}`,
    `eras:    ${i.eras}${i.row ? ` (profile row ${i.row})` : ""}`,
  ];
  if (i.args.length) {
    lines.push("", "arguments:");
    const w = Math.max(...i.args.map((a) => a.name.length));
    for (const a of i.args) {
      const opt = a.default !== undefined
        ? ` (default ${JSON.stringify(a.default)})`
        : a.optional
        ? " (optional)"
        : "";
      lines.push(`  ${a.name.padEnd(w)}  ${a.description}${opt}`);
    }
  }
  if (i.vars.length) {
    lines.push("", "variables:");
    for (const v of i.vars) lines.push(`  ${v.use} ${v.arg} (${v.type})`);
  }
  io.stdout(lines.join("\n") + "\n");
  return 0;
}
