/**
 * Opens a trace file as a header and its ops: JSON parsed whole, YAML parsed whole or (beyond
 * document_bytes, in the block style) chunk by chunk, JSON Lines streamed a read at a time
 * (from a file or standard input alike).
 *
 * @module
 */
import { type Io, refusal } from "./io.ts";
import type { LoadedHeader, OpNode } from "../trace/valid.ts";
import { openJsonlBatches } from "../trace/jsonl.ts";
import { FileError, TraceError, type TraceIssue } from "../errors.ts";
import { limit, limitMessage } from "../limits.ts";
import { checkStrictJson } from "../trace/json_strict.ts";

/** An opened trace. `issues` fills as JSON Lines ops stream in. */
export interface TraceSource {
  readonly header: LoadedHeader;
  readonly ops: AsyncIterable<OpNode> | readonly OpNode[] | Iterable<OpNode>;
  /**
   * A JSON Lines file's ops a batch at a time (one per read of the file, each drained before
   * the next), without a promise per op; the same stream as `ops`: a caller reads one or the
   * other.
   */
  readonly batches?: AsyncIterable<Iterable<OpNode>>;
  readonly issues: TraceIssue[];
}

/**
 * Whether the ops of `src` can be iterated again without opening the trace again: a JSON or
 * YAML document's ops, held or (a large YAML trace) read again from its text at each pass.
 * JSON Lines ops stream once.
 */
export function reiterable(
  src: TraceSource,
): src is TraceSource & { readonly ops: Iterable<OpNode> } {
  return Symbol.iterator in src.ops;
}

/** Extensions recognised as traces. */
export const TRACE_EXT = /\.(ya?ml|json|jsonl)$/;

/**
 * The op batches of a JSON Lines stream, then a TraceError when a problem stopped it (the ops
 * before the problem are given first, as a replay runs them before it stops).
 */
async function* checkedBatches(
  batches: AsyncIterable<Iterable<OpNode>>,
  issues: TraceIssue[],
): AsyncIterable<Iterable<OpNode>> {
  for await (const b of batches) yield b;
  if (issues.length) throw new TraceError(issues);
}

/** The ops of the batches one by one. */
async function* flat(batches: AsyncIterable<Iterable<OpNode>>): AsyncIterable<OpNode> {
  for await (const b of batches) yield* b;
}

/**
 * A JSON Lines trace read as batches of lines (a file's or standard input's): throws
 * TraceError when there is no header to go on with; the ops stop with a TraceError at the
 * first op after a problem (or at the end).
 */
async function openJsonl(lines: AsyncIterable<string[]>, file: string): Promise<TraceSource> {
  const issues: TraceIssue[] = [];
  const opened = await openJsonlBatches(lines, file, issues);
  if (!opened.header) throw new TraceError(issues);
  const batches = checkedBatches(opened.ops, issues);
  return { header: opened.header, ops: flat(batches), batches, issues };
}

/**
 * Opens a trace; throws TraceError when the header (or a whole document) is invalid, and
 * FileError when the path is not a readable regular file. A `.json` trace is strict JSON,
 * `.jsonl` JSON Lines, anything else YAML.
 */
export async function openTrace(io: Io, path: string): Promise<TraceSource> {
  if (path === "-") return await openStdin(io);
  const st = await io.stat(path);
  if (!st) throw new FileError(path, "no such file");
  if (st.kind === "dir") {
    throw new FileError(
      path,
      "is a directory; give a trace file (check and validate walk directories)",
    );
  }
  if (st.kind === "other") {
    throw new FileError(
      path,
      "is not a regular file (a FIFO, device or socket); itertrace reads traces from regular files only",
    );
  }
  if (path.endsWith(".jsonl")) return await openJsonl(io.readLineBatches(path), path);
  if (st.size > limit("file_bytes")) throw new FileError(path, limitMessage("file_bytes", st.size));
  const text = await io.readTextFile(path);
  // the YAML parser (which also places JSON documents' positions) loads only for these
  const { loadDocument, loadYamlTrace } = await import("../trace/load.ts");
  if (path.endsWith(".json")) {
    strictJson(text, path);
    const r = loadDocument(text, path);
    if (!r.trace) throw new TraceError(r.issues);
    return { header: r.trace, ops: r.trace.ops, issues: [] };
  }
  const r = loadYamlTrace(text, path);
  if (!r.trace) throw new TraceError(r.issues);
  return { header: r.trace, ops: r.ops, issues: [] };
}

/** Where positions in a trace read from standard input point. */
export const STDIN_NAME = "<stdin>";

/**
 * A trace on standard input (`-`): JSON Lines when its first line is a JSON object (then
 * streamed), otherwise a YAML or JSON document read whole, within the file size limit.
 */
async function openStdin(io: Io): Promise<TraceSource> {
  if (!io.stdinLineBatches) throw new FileError("-", "standard input is not available here");
  const batches = io.stdinLineBatches()[Symbol.asyncIterator]();
  // a batch holds at least one line; input that is not text is refused as a file's is
  const first = await batches.next().catch((e) => Promise.reject(refusal("-", e)));
  if (first.done) throw new FileError("-", "standard input is empty; give a trace");
  let jsonl = false;
  try {
    const v = JSON.parse(first.value[0]);
    jsonl = typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    jsonl = false;
  }
  async function* all(): AsyncIterable<string[]> {
    yield first.value as string[];
    for (let r = await batches.next(); !r.done; r = await batches.next()) yield r.value;
  }
  if (jsonl) return await openJsonl(all(), STDIN_NAME);
  const parts: string[] = [];
  let size = 0;
  try {
    for await (const b of all()) {
      for (const l of b) {
        size += l.length + 1;
        if (size > limit("file_bytes")) {
          throw new FileError("-", limitMessage("file_bytes", size));
        }
        parts.push(l);
      }
    }
  } catch (e) {
    throw refusal("-", e);
  }
  const { loadYamlTrace } = await import("../trace/load.ts");
  const r = loadYamlTrace(parts.join("\n"), STDIN_NAME);
  if (!r.trace) throw new TraceError(r.issues);
  return { header: r.trace, ops: r.ops, issues: [] };
}

/**
 * A `.json` trace must be JSON, not YAML written with braces: comments, single quotes, bare
 * keys and trailing commas are refused at their position.
 */
export function strictJson(text: string, file: string): void {
  const p = checkStrictJson(text);
  if (!p) return;
  const before = text.slice(0, p.offset);
  const line = before.split("\n").length;
  const column = p.offset - before.lastIndexOf("\n");
  throw new TraceError([{
    file,
    line,
    column,
    message: `not strict JSON: ${p.message} (a .json trace is JSON; name it .yaml for YAML syntax)`,
  }]);
}
