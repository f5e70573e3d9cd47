/**
 * JSON Lines traces, streamed: line 1 is the header, every later non-empty line one op, each
 * parsed with JSON.parse. Positions inside a line are found by scanning its JSON
 * (json_locate.ts) only when something asks for one: reading JSON Lines loads no YAML parser.
 *
 * @module
 */
import type { TraceIssue } from "../errors.ts";
import type { Locator, Path } from "./locate.ts";
import { checkStrictJson } from "./json_strict.ts";
import { opFastPath } from "./fast.ts";
import { limit } from "../limits.ts";
import { jsonLocator } from "./json_locate.ts";
import {
  exactInt,
  friendly,
  type LoadedHeader,
  type OpNode,
  validateHeader,
  validateOp,
} from "./valid.ts";

/**
 * Positions inside line `line` (from 1) of a JSON Lines trace: from its JSON text, or the
 * line's start for every path where the text gives none (see jsonLocator).
 */
function lineLocator(text: string, line: number): Locator {
  return jsonLocator(text, line - 1) ?? (() => ({ line, column: 1 }));
}

/**
 * An op of a JSON Lines trace read by the fast path: its positions are found (by scanning
 * its line again) only when something asks for one.
 */
class JsonlOp implements OpNode {
  readonly column = 1;
  private at: Locator | undefined;

  constructor(
    readonly index: number,
    readonly op: string,
    readonly id: string | undefined,
    readonly line: number,
    // deno-lint-ignore no-explicit-any
    readonly args: any,
    private readonly text: string,
  ) {}

  /** Position of a path inside the op (a method: call it on the node). */
  locate(path: Path, key?: boolean): { line: number; column: number } {
    this.at ??= lineLocator(this.text, this.line);
    return this.at(path, key);
  }
}

/**
 * A JSON Lines trace read line by line: the first non-empty line is the header, every later
 * non-empty line one op. Lines are parsed with JSON.parse; only a line with a problem is
 * parsed again for positions. Problems go to `issues` (the line is skipped); `done` is set
 * when the trace cannot go on (a header that is not one, the input unreadable).
 */
class JsonlReader {
  private lineNo = 0;
  private readonly maxOpName = limit("op_name");
  private index = 0;
  private sawHeader = false;
  /** The header was refused or the input failed: no more lines are read. */
  done = false;

  constructor(private readonly file: string, private readonly issues: TraceIssue[]) {}

  /** Reads the next line: the header or the op it holds, or undefined. */
  line(line: string): LoadedHeader | OpNode | undefined {
    const here = ++this.lineNo;
    if (this.sawHeader && line.charCodeAt(0) === 123 /* { */) {
      const node = this.fastOp(line, here);
      if (node) return node;
    }
    return this.slowLine(line, here);
  }

  /**
   * The hot path of an op line: JSON.parse without a reviver, and the op's fast path in
   * place (see fastParseInPlace). Undefined when the fast path cannot vouch for the line
   * (then slowLine reads it again, exactly, and words any problem): an integer beyond 2^53
   * anywhere makes the fast path give up, so what it accepts never depended on the reviver.
   */
  private fastOp(line: string, here: number): OpNode | undefined {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof value !== "object" || value === null) return undefined;
    const opName = (value as { op?: unknown }).op;
    if (typeof opName !== "string" || opName.length > this.maxOpName) return undefined;
    const fast = opFastPath(opName);
    if (!fast?.parse) return undefined;
    const args = fast.parse(value) as { id?: string | number } | undefined;
    if (args === undefined) return undefined;
    return new JsonlOp(
      this.index++,
      fast.name,
      args.id === undefined ? undefined : String(args.id),
      here,
      args,
      line,
    );
  }

  /** A line read the careful way: the header, a blank line, or an op with a problem. */
  private slowLine(line: string, here: number): LoadedHeader | OpNode | undefined {
    const file = this.file, issues = this.issues;
    if (!line.trim()) return undefined;
    let value: unknown;
    try {
      // an integer beyond 2^53 keeps its exact text (JSON.parse's source access), as in YAML
      value = /\d{16}/.test(line) ? JSON.parse(line, exactInt) : JSON.parse(line);
    } catch (e) {
      // each line of a JSON Lines trace is one JSON value; say where this one stops being JSON
      const p = checkStrictJson(line);
      issues.push({
        file,
        line: here,
        column: p ? p.offset + 1 : 1,
        message: `not a JSON value: ${p ? p.message : friendly(e)}`,
      });
      return undefined;
    }
    let locate: Locator | undefined;
    const lazy: Locator = (path, key) => (locate ??= lineLocator(line, here))(path, key);
    if (!this.sawHeader) {
      this.sawHeader = true;
      if (value && typeof value === "object" && "ops" in value) {
        issues.push({
          file,
          ...lazy(["ops"], true),
          message: 'the JSON Lines header must not hold "ops"',
        });
      }
      const h = validateHeader(value, file, lazy, issues);
      if (!h) {
        this.done = true;
        return undefined;
      }
      return { file, header: h, locate: lazy };
    }
    return validateOp(value, this.index++, file, lazy, [], issues, { line: here, column: 1 });
  }

  /** The input failed after the lines read so far. */
  failed(e: unknown): void {
    this.issues.push({ file: this.file, line: this.lineNo + 1, column: 1, message: friendly(e) });
    this.done = true;
  }

  /** The input ended. */
  end(): void {
    if (!this.sawHeader) {
      this.issues.push({
        file: this.file,
        line: 1,
        column: 1,
        message: "empty JSON Lines trace: no header",
      });
    }
  }
}

/**
 * Streams a JSON Lines trace: line 1 is the header, every later non-empty line one op.
 * Lines are parsed with JSON.parse; only a line with a problem is parsed again for
 * positions. Yields the header first, then ops; problems are pushed to `issues` and the op
 * is skipped.
 */
export async function* streamJsonl(
  lines: AsyncIterable<string>,
  file: string,
  issues: TraceIssue[],
): AsyncGenerator<LoadedHeader | OpNode> {
  const r = new JsonlReader(file, issues);
  const it = lines[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await it.next();
    } catch (e) {
      r.failed(e);
      return;
    }
    if (next.done) break;
    const v = r.line(next.value);
    if (r.done) return;
    if (v) yield v;
  }
  r.end();
}

/** A JSON Lines trace opened a read at a time (see openJsonlBatches). */
export interface JsonlBatches {
  /** The header, or undefined when there is none to go on with (the problems in `issues`). */
  readonly header: LoadedHeader | undefined;
  /**
   * The ops, a batch per read of the input (each parsed as it is iterated, to be drained
   * before the next is asked for), up to the first problem: the ops before the first problem
   * line are given, and the stream ends at the next op (or at the end), the problems of the
   * lines between in `issues`.
   */
  readonly ops: AsyncIterable<Iterable<OpNode>>;
}

/**
 * Opens a JSON Lines trace read as batches of lines (one per read of the input): as
 * streamJsonl, without a promise per line. Reads up to the header at once.
 */
export async function openJsonlBatches(
  batches: AsyncIterable<string[]>,
  file: string,
  issues: TraceIssue[],
): Promise<JsonlBatches> {
  const r = new JsonlReader(file, issues);
  const it = batches[Symbol.asyncIterator]();
  let pending: string[] = [], at = 0;
  const pull = async (): Promise<boolean> => {
    try {
      const n = await it.next();
      if (n.done) return false;
      pending = n.value;
      at = 0;
      return true;
    } catch (e) {
      r.failed(e);
      return false;
    }
  };
  let header: LoadedHeader | undefined;
  while (!header && !r.done) {
    if (at >= pending.length && !(await pull())) {
      if (!r.done) r.end();
      break;
    }
    header = r.line(pending[at++]) as LoadedHeader | undefined;
  }
  // each batch's lines are parsed as the consumer takes its ops, so that an op is built
  // just before it is used (a batch parsed ahead outlives the young generation of the GC):
  // one iterator object, not a generator, whose result object is reused from op to op
  let stop = false;
  const result: { done: false; value: OpNode } = { done: false, value: undefined as never };
  const batch: IterableIterator<OpNode> = {
    next(): IteratorResult<OpNode> {
      while (at < pending.length) {
        const node = r.line(pending[at++]) as OpNode | undefined;
        if (!node) continue;
        if (issues.length) {
          stop = true;
          break;
        }
        result.value = node;
        return result;
      }
      at = pending.length;
      return { done: true, value: undefined };
    },
    [Symbol.iterator]() {
      return this;
    },
  };
  async function* ops(): AsyncGenerator<Iterable<OpNode>> {
    try {
      for (;;) {
        if (at < pending.length) yield batch;
        if (stop) return;
        if (!(await pull())) {
          if (!r.done) r.end();
          return;
        }
      }
    } finally {
      // a consumer that stops early closes the input
      await it.return?.();
    }
  }
  return { header, ops: ops() };
}
