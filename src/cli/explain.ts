/**
 * `itertrace explain [CODE]`: the warning catalogue. With a code: what it means, the kernel
 * behaviour and functions behind it, and the bundled minimal trace that raises it
 * (traces/explain/<code>.yaml, which CI runs).
 *
 * @module
 */
import type { Io } from "./io.ts";
import { FIELDS, isWarningCode, type WarningInfo, WARNINGS } from "../check/warnings.ts";
import { suggest } from "../trace/suggest.ts";

/** Where the minimal trace for a code lives. */
export function explainTracePath(code: string): string {
  return new URL(`../../traces/explain/${code}.yaml`, import.meta.url).pathname;
}

/** Runs `explain`; returns the exit code. */
export async function explainCommand(io: Io, code: string | undefined): Promise<number> {
  if (code === undefined) {
    const w = Math.max(...Object.keys(WARNINGS).map((k) => k.length));
    for (const [k, v] of Object.entries(WARNINGS)) {
      io.stdout(`${k.padEnd(w)}  ${v.severity.padEnd(6)}  ${v.title}\n`);
    }
    io.stdout(`\nitertrace explain CODE prints one entry with a minimal trace that raises it\n`);
    return 0;
  }
  if (!isWarningCode(code)) {
    const hint = suggest(code, Object.keys(WARNINGS));
    io.stderr(`error: unknown warning code "${code}"${hint ? ` (did you mean "${hint}"?)` : ""}\n`);
    return 2;
  }
  const v: WarningInfo = WARNINGS[code];
  const fw = Math.max(...v.fields.map((f) => f.length));
  io.stdout(
    `${code} (${v.severity}): ${v.title}\n\n${v.explain}\n\nKernel:\n${
      v.kernel.map((k) => `  ${k}`).join("\n")
    }\n\nFields (in JSON output, a warning's "fields"):\n${
      v.fields.map((f) => `  ${f.padEnd(fw)}  ${FIELDS[f].type.padEnd(6)}  ${FIELDS[f].doc}`).join(
        "\n",
      )
    }\n${v.was ? `\nSplit from ${v.was}: an expectation naming ${v.was} also matches it.\n` : ""}`,
  );
  const path = explainTracePath(code);
  if (await io.exists(path)) {
    io.stdout(`\nA minimal trace that raises it (${`traces/explain/${code}.yaml`}):\n\n`);
    io.stdout((await io.readTextFile(path)).replace(/^# yaml-language-server:.*\n/, ""));
  }
  return 0;
}
