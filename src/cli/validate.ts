/**
 * `itertrace validate`: schema and reference checks only.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { FileError, formatIssue, isInputError, TraceError, type TraceIssue } from "../errors.ts";
import { RefChecker } from "../trace/refs.ts";
import type { OpNode } from "../trace/load.ts";
import { collectTraces } from "./collect.ts";

/** Runs `validate`; returns the exit code. */
export async function validateCommand(io: Io, paths: readonly string[]): Promise<number> {
  let bad = 0;
  const files = await collectTraces(io, paths);
  for (const file of files) {
    const issues: TraceIssue[] = [];
    try {
      const src = await openTrace(io, file);
      // ops are checked as they stream, never all held (a JSON Lines trace may be huge)
      const refs = new RefChecker(src.header);
      try {
        // a JSON Lines file comes a read at a time: no promise per op
        if (src.batches) { for await (const b of src.batches) for (const op of b) refs.op(op); }
        else for await (const op of src.ops as AsyncIterable<OpNode>) refs.op(op);
      } catch (e) {
        if (!isInputError(e)) throw e;
      }
      for (const i of [src.issues, refs.finish()]) for (const x of i) issues.push(x);
    } catch (e) {
      if (e instanceof FileError) {
        bad++;
        io.stderr(`${e.message}\n`);
        continue;
      }
      if (!(e instanceof TraceError)) throw e;
      for (const x of e.issues) issues.push(x);
    }
    if (issues.length) {
      bad++;
      for (const i of dedupe(issues)) io.stderr(formatIssue(i) + "\n");
    } else io.stdout(`${file}: ok\n`);
  }
  if (files.length === 0) {
    io.stderr(`error: no traces found under ${paths.join(", ")}\n`);
    return 2;
  }
  return bad ? 2 : 0;
}

function dedupe(issues: TraceIssue[]): TraceIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
