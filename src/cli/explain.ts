/**
 * `itertrace explain [CODE]`: the warning catalogue.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { isWarningCode, WARNINGS } from "../check/warnings.ts";
import { suggest } from "../trace/suggest.ts";

/** Runs `explain`; returns the exit code. */
export function explainCommand(io: Io, code: string | undefined): number {
  if (code === undefined) {
    const w = Math.max(...Object.keys(WARNINGS).map((k) => k.length));
    for (const [k, v] of Object.entries(WARNINGS)) {
      io.stdout(`${k.padEnd(w)}  ${v.severity.padEnd(6)}  ${v.title}\n`);
    }
    return 0;
  }
  if (!isWarningCode(code)) {
    const hint = suggest(code, Object.keys(WARNINGS));
    io.stderr(`error: unknown warning code "${code}"${hint ? ` (did you mean "${hint}"?)` : ""}\n`);
    return 2;
  }
  const v = WARNINGS[code];
  io.stdout(
    `${code} (${v.severity}): ${v.title}\n\n${v.explain}\n\nKernel:\n${
      v.kernel.map((k) => `  ${k}`).join("\n")
    }\n`,
  );
  return 0;
}
