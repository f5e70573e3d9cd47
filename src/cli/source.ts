/**
 * Opens a trace file as a header and a stream of ops: YAML/JSON parsed whole, JSON Lines
 * streamed line by line.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { loadDocument, type LoadedHeader, type OpNode, streamJsonl } from "../trace/load.ts";
import { TraceError, type TraceIssue } from "../errors.ts";

/** An opened trace. `issues` fills as JSON Lines ops stream in. */
export interface TraceSource {
  readonly header: LoadedHeader;
  readonly ops: AsyncIterable<OpNode> | readonly OpNode[];
  readonly issues: TraceIssue[];
}

/** Extensions recognised as traces. */
export const TRACE_EXT = /\.(ya?ml|json|jsonl)$/;

async function* checkedOps(
  gen: AsyncIterable<LoadedHeader | OpNode>,
  issues: TraceIssue[],
): AsyncIterable<OpNode> {
  for await (const v of gen) {
    if (issues.length) throw new TraceError(issues);
    yield v as OpNode;
  }
  if (issues.length) throw new TraceError(issues);
}

/** Opens a trace; throws TraceError when the header (or a whole document) is invalid. */
export async function openTrace(io: Io, path: string): Promise<TraceSource> {
  if (!(await io.exists(path))) {
    throw new TraceError([{ file: path, line: 1, column: 1, message: "no such file" }]);
  }
  if (path.endsWith(".jsonl")) {
    const issues: TraceIssue[] = [];
    const gen = streamJsonl(io.readLines(path), path, issues);
    const first = await gen.next();
    if (first.done || !("header" in first.value)) throw new TraceError(issues);
    const header = first.value as LoadedHeader;
    return { header, ops: checkedOps(gen, issues), issues };
  }
  const text = await io.readTextFile(path);
  const r = loadDocument(text, path);
  if (!r.trace) throw new TraceError(r.issues);
  return { header: r.trace, ops: r.trace.ops, issues: [] };
}
