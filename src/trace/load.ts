/**
 * Loading traces: YAML or JSON documents (parsed with positions by npm:yaml), and JSON
 * Lines streamed one op per line. Every problem is collected with its file:line:column.
 *
 * @module
 */
import process from "node:process";
import { type Alias, type Document, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import type { TraceIssue } from "../errors.ts";
import { documentLocator, type Locator, type Path } from "./locate.ts";
import { type Header, header as headerSchema, OP_NAMES, opSchema } from "./schema.ts";
import { suggest } from "./suggest.ts";
import { checkStrictJson } from "./json_strict.ts";
import { fastParse, opFastPath } from "./fast.ts";
import { fieldNames } from "./fields.ts";
import { limit, limitMessage } from "../limits.ts";
import { WARNINGS } from "../check/warnings.ts";
import { type OpChunk, splitBlockOps, type SplitTrace } from "./yaml_chunks.ts";

/** One op of a trace, validated, with its position. */
export interface OpNode {
  /** Index of the op in the trace, from 0. */
  readonly index: number;
  /** The op's name (the kernel function it models). */
  readonly op: string;
  /** The op's `id:`, if it has one. */
  readonly id: string | undefined;
  /** Line of the op in the file, from 1. */
  readonly line: number;
  /** Column of the op in the file, from 1. */
  readonly column: number;
  /** The validated op, arguments normalised (numbers parsed, defaults applied). */
  // deno-lint-ignore no-explicit-any
  readonly args: any;
  /** Position of a path inside the op. */
  readonly locate: Locator;
}

/** A validated header with its position map. */
export interface LoadedHeader {
  /** The file, as errors name it. */
  readonly file: string;
  /**
   * The header: everything but the ops (memory, kernel, expectations, ...), as the JSON
   * Schema (schema/trace.schema.json) describes it.
   *
   * Its type is derived from the zod schema and not part of the documented API.
   *
   * @ignore
   */
  readonly header: Header;
  /** Position of a path inside the header. */
  readonly locate: Locator;
}

/** A whole loaded trace. */
export interface LoadedTrace extends LoadedHeader {
  /** The ops, in order. */
  readonly ops: OpNode[];
}

let envSnapshot: Record<string, string> | undefined;

/**
 * Runs `f` with `process.env` a plain copy of the environment: npm:yaml's parser reads
 * `process.env.LOG_TOKENS` for every token, which under Deno is a permission-checked call
 * into the runtime each time (most of a large parse's time), and a refusal without
 * --allow-env. The copy is taken once; `f` is synchronous, so nothing else sees it.
 */
function withPlainEnv<T>(f: () => T): T {
  if (envSnapshot === undefined) {
    try {
      envSnapshot = { ...process.env } as Record<string, string>;
    } catch {
      envSnapshot = {};
    }
  }
  const desc = Object.getOwnPropertyDescriptor(process, "env");
  if (!desc?.configurable) return f();
  Object.defineProperty(process, "env", {
    value: envSnapshot,
    writable: true,
    configurable: true,
    enumerable: desc.enumerable,
  });
  try {
    return f();
  } finally {
    Object.defineProperty(process, "env", desc);
  }
}

/** Parser limits that keep hostile input bounded. */
const YAML_OPTS = {
  maxAliasCount: 100,
  uniqueKeys: true,
  prettyErrors: true,
  strict: true,
} as const;

function parse(
  text: string,
  file: string,
  issues: TraceIssue[],
  lineOffset = 0,
): { value: unknown; locate: Locator } | undefined {
  if (text.length > limit("document_bytes")) {
    // the parser's syntax tree takes about 150 times the text: refused before parsing, at
    // the character where the limit is crossed
    const at = limit("document_bytes");
    let line = 1, lineStart = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < at; i = text.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    issues.push({
      file,
      line: line + lineOffset,
      column: at - lineStart + 1,
      message: `${
        limitMessage("document_bytes", text.length)
      }; a YAML trace in the block style (ops: then one "- " item per op) is parsed op by op and may be larger, and JSON Lines (.jsonl) streams`,
    });
    return undefined;
  }
  const deep = flowDepthProblem(text);
  if (deep) {
    issues.push({ file, line: deep.line + lineOffset, column: deep.column, message: deep.message });
    return undefined;
  }
  const lc = new LineCounter();
  let doc: Document;
  try {
    doc = withPlainEnv(() => parseDocument(text, { ...YAML_OPTS, lineCounter: lc }));
  } catch (e) {
    issues.push({
      file,
      line: 1 + lineOffset,
      column: 1,
      message: `cannot parse: ${friendly(e)}`,
    });
    return undefined;
  }
  if (doc.errors.length) {
    // one message once (a 10^5-deep document fails at every level), and at most 20
    const seen = new Set<string>();
    for (const err of doc.errors) {
      const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
      const message = friendly(
        new Error(err.message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "")),
      );
      if (seen.has(message)) continue;
      seen.add(message);
      issues.push({ file, line: pos.line + lineOffset, column: pos.col, message });
      if (seen.size >= 20) break;
    }
    return undefined;
  }
  if (!exactScalars(doc, lc, file, lineOffset, issues)) return undefined;
  let value: unknown;
  const blame = aliasBlame(doc);
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // an alias bomb: reported at the alias whose expansion crossed the limit
    const pos = lc.linePos(blame.at?.range?.[0] ?? 0);
    issues.push({
      file,
      line: pos.line + lineOffset,
      column: pos.col,
      message: blame.at
        ? `alias "*${blame.at.source}": aliases expand beyond the parser's limit of 100 (an alias bomb?)`
        : friendly(e),
    });
    return undefined;
  }
  return { value, locate: documentLocator(doc, lc, lineOffset) };
}

/**
 * Keeps what YAML's number conversion would lose: an integer beyond 2^53 stays its exact
 * source text (the schema then reports it exactly), and `.nan`, `.inf` and overflowing
 * floats stay as written instead of becoming NaN or Infinity (shown as null). An alias whose
 * anchor is not defined before it is reported at the alias. False when issues were added.
 */
function exactScalars(
  doc: Document,
  lc: LineCounter,
  file: string,
  lineOffset: number,
  issues: TraceIssue[],
): boolean {
  let ok = true;
  visit(doc, {
    Scalar(_k, node) {
      const v = node.value;
      if (typeof v !== "number" || Number.isSafeInteger(v)) return;
      const src = node.source;
      if (typeof src !== "string") return;
      if (
        !Number.isFinite(v) || (Number.isInteger(v) && /^[-+]?(?:\d+|0x[0-9a-fA-F]+)$/.test(src))
      ) {
        node.value = src;
      }
    },
    Alias(_k, node) {
      if (node.resolve(doc) !== undefined) return;
      ok = false;
      const pos = lc.linePos(node.range?.[0] ?? 0);
      issues.push({
        file,
        line: pos.line + lineOffset,
        column: pos.col,
        message: `alias "*${node.source}" has no anchor "&${node.source}" before it`,
      });
    },
  });
  return ok;
}

/**
 * Records which alias was being expanded when toJS threw: the innermost one (the first whose
 * expansion the error passes through). The document's aliases get an own toJSON that
 * delegates to the class's; only the failure is noted.
 */
function aliasBlame(doc: Document): { at: Alias | undefined } {
  const blame: { at: Alias | undefined } = { at: undefined };
  visit(doc, {
    Alias(_k, node) {
      const toJSON = node.toJSON;
      node.toJSON = function (this: Alias, ...args: Parameters<Alias["toJSON"]>) {
        try {
          return toJSON.apply(this, args);
        } catch (e) {
          blame.at ??= this;
          throw e;
        }
      };
    },
  });
  return blame;
}

/** A JSON.parse reviver keeping integers beyond 2^53 as their source text. */
function exactInt(_k: string, v: unknown, ctx?: { source?: string }): unknown {
  if (typeof v === "number" && !Number.isSafeInteger(v) && ctx?.source !== undefined) {
    return /^-?\d+$/.test(ctx.source) ? ctx.source : v;
  }
  return v;
}

/** Deepest flow nesting ([ and {) accepted; no trace needs more than a handful. */
export const MAX_FLOW_DEPTH = 1000;

/**
 * Where flow collections nest deeper than MAX_FLOW_DEPTH, found by one scan that skips
 * quoted strings and comments, so that the parser never recurses that deep (where a stack
 * overflow would be reported at a position that depends on the stack).
 */
function flowDepthProblem(
  text: string,
): { line: number; column: number; message: string } | undefined {
  let depth = 0, line = 1, lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    } else if (c === '"' || c === "'") {
      // a quoted scalar: skip to its end (\" escapes in double quotes, '' in single)
      for (i++; i < text.length; i++) {
        if (text[i] === "\n") line++, lineStart = i + 1;
        if (c === '"' && text[i] === "\\") i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      if (++depth > MAX_FLOW_DEPTH) {
        return {
          line,
          column: i - lineStart + 1,
          message: `the document nests more than ${MAX_FLOW_DEPTH} levels deep`,
        };
      }
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}

/** Parser failures in the trace's words. */
function friendly(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/Maximum call stack/.test(m)) return "the document nests too deeply";
  if (/parseAllDocuments|multiple documents/i.test(m)) {
    return "a trace file holds one YAML document";
  }
  return m.split("\n")[0];
}

/** Turns zod issues into positioned trace issues. */
export function zodIssues(
  err: z.ZodError,
  file: string,
  locate: Locator,
  prefix: Path,
  out: TraceIssue[],
): void {
  for (const iss of err.issues) {
    const path = [...prefix, ...(iss.path as (string | number)[])];
    if (iss.code === "unrecognized_keys") {
      for (const k of iss.keys) {
        const pos = locate([...path, k], true);
        const hint = suggest(k, fieldNames());
        // a field of some other mapping: "did you mean" itself would not help
        const elsewhere = hint === k;
        out.push({
          file,
          ...pos,
          message: `${showPath([...path, k])}: ${
            elsewhere ? `"${k}" is not a field of ${showPath(path)}` : `unknown key "${k}"`
          }${hint && !elsewhere ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
      continue;
    }
    const pos = locate(path);
    let message = iss.message;
    if (iss.code === "invalid_type" && iss.message.includes("received undefined")) {
      message = `missing required field`;
    } else if (iss.code === "invalid_union") {
      message = JSON.stringify(iss).includes("received undefined")
        ? "missing required field"
        : iss.message && !iss.message.startsWith("Invalid input")
        ? iss.message
        : unionMessage(iss);
    }
    const code = /^unknown warning code "(.*)"/.exec(message);
    if (code) {
      const hint = suggest(code[1], Object.keys(WARNINGS));
      if (hint) message = message.replace(/ \(see /, ` (did you mean "${hint}"? see `);
    }
    out.push({ file, ...pos, message: `${showPath(path)}: ${message}` });
  }
}

// deno-lint-ignore no-explicit-any
function unionMessage(iss: any): string {
  // pick the branch error that got furthest, else a generic message
  const errs: { message: string }[][] = iss.errors ?? [];
  const custom = errs.flat().find((e) => !e.message.startsWith("Invalid input"));
  return custom ? custom.message : "invalid value";
}

/** Formats a path as `ops[3].iov[0].len`. */
export function showPath(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s || "(document)";
}

function validateOp(
  value: unknown,
  index: number,
  file: string,
  locate: Locator,
  prefix: Path,
  issues: TraceIssue[],
  known?: { line: number; column: number },
): OpNode | undefined {
  // a JSON Lines op's position is its line: no need to re-parse it for positions
  const pos = known ?? locate(prefix);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ file, ...pos, message: `${showPath(prefix)}: expected an op mapping` });
    return undefined;
  }
  const opName = (value as { op?: unknown }).op;
  if (typeof opName !== "string") {
    issues.push({ file, ...pos, message: `${showPath(prefix)}: missing "op"` });
    return undefined;
  }
  if (opName.length > limit("op_name")) {
    issues.push({
      file,
      ...locate([...prefix, "op"]),
      message: `${showPath([...prefix, "op"])}: unknown op of ${opName.length} characters (${
        limitMessage("op_name", opName.length)
      })`,
    });
    return undefined;
  }
  const schema = opSchema(opName);
  if (!schema) {
    const hint = suggest(opName, OP_NAMES);
    issues.push({
      file,
      ...locate([...prefix, "op"]),
      message: `${showPath([...prefix, "op"])}: unknown op "${opName}"${
        hint ? ` (did you mean "${hint}"?)` : ""
      }`,
    });
    return undefined;
  }
  // the fast path yields what the schema would; the schema decides (and words every error)
  // whenever the fast path cannot vouch for the op
  let args = fastParse(schema, value) as { id?: string | number } | undefined;
  if (args === undefined) {
    const r = schema.safeParse(value);
    if (!r.success) {
      zodIssues(r.error, file, locate, prefix, issues);
      return undefined;
    }
    args = r.data as { id?: string | number };
  }
  // a JSON Lines op is its own document: its locator needs no prefix (and no closure per op)
  const sub: Locator = prefix.length === 0 ? locate : (p, key) => locate([...prefix, ...p], key);
  return {
    index,
    op: opName,
    id: args.id === undefined ? undefined : String(args.id),
    line: pos.line,
    column: pos.column,
    args,
    locate: sub,
  };
}

function validateHeader(
  value: unknown,
  file: string,
  locate: Locator,
  issues: TraceIssue[],
): Header | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({
      file,
      line: 1,
      column: 1,
      message: "expected a mapping with itertrace, name, ops",
    });
    return undefined;
  }
  const { ops: _ops, ...rest } = value as Record<string, unknown>;
  const r = headerSchema.safeParse(rest);
  if (!r.success) {
    zodIssues(r.error, file, locate, [], issues);
    return undefined;
  }
  return r.data;
}

/** Problems reported for one trace before the rest of its ops are left unchecked. */
export const MAX_ISSUES = 1000;

/** True (and says so, at `pos`) when MAX_ISSUES problems are reported already. */
function tooMany(
  issues: TraceIssue[],
  file: string,
  pos: { line: number; column: number },
): boolean {
  if (issues.length < MAX_ISSUES) return false;
  issues.push({
    file,
    ...pos,
    message: `stopping after ${MAX_ISSUES} problems: the ops from here on are not checked`,
  });
  return true;
}

/**
 * The ops of a parsed run of op items (a chunk of a block-style trace, the whole `ops:` list,
 * or an importer's batch) whose first is op `firstOp`, validated: problems go to `issues`
 * (the op is skipped), and past MAX_ISSUES the rest is not checked. `locate` places paths of
 * the whole trace (`ops[i]...`), `itemLocate` paths inside the run (`[k]...`).
 */
function* validItems(
  items: readonly unknown[],
  itemLocate: Locator,
  firstOp: number,
  file: string,
  locate: Locator,
  issues: TraceIssue[],
): Generator<OpNode> {
  for (const [k, v] of items.entries()) {
    const index = firstOp + k;
    const pos = itemLocate([k]);
    if (tooMany(issues, file, pos)) return;
    const node = validateOp(v, index, file, locate, ["ops", index], issues, pos);
    if (node) yield node;
  }
}

/**
 * Loads a YAML or JSON trace. Returns the trace, or the issues found (all of them: header,
 * every op). A block-style YAML trace is read in chunks of about `chunkChars` characters of
 * whole ops (0: as one document; the result is the same).
 */
export function loadDocument(
  text: string,
  file: string,
  chunkChars?: number,
): { trace: LoadedTrace; issues: [] } | { trace: undefined; issues: TraceIssue[] } {
  const split = chunkChars === 0 ? undefined : splitBlockOps(text, chunkChars);
  if (split) {
    const r = loadChunked(text, file, split);
    if (r) return r;
  }
  const issues: TraceIssue[] = [];
  const parsed = parse(text, file, issues);
  if (!parsed) return { trace: undefined, issues };
  const { value, locate } = parsed;
  const header = validateHeader(value, file, locate, issues);
  const rawOps = (value as Record<string, unknown> | null)?.ops;
  const ops: OpNode[] = [];
  if (rawOps === undefined) {
    issues.push({ file, line: 1, column: 1, message: 'missing required field "ops"' });
  } else if (!Array.isArray(rawOps)) {
    issues.push({ file, ...locate(["ops"]), message: "ops: expected a list of ops" });
  } else {
    const item: Locator = (p, key) => locate(["ops", ...p], key);
    for (const node of validItems(rawOps, item, 0, file, locate, issues)) ops.push(node);
  }
  if (issues.length || !header) return { trace: undefined, issues };
  return { trace: { file, header, locate, ops }, issues: [] };
}

/**
 * Loads a block-style YAML trace chunk by chunk (see yaml_chunks.ts): the same trace, issues
 * and positions as the whole document, with one chunk's syntax tree alive at a time. Returns
 * undefined when a chunk does not parse and the file is small enough to be parsed whole,
 * whose messages are then the ones given.
 */
function loadChunked(
  text: string,
  file: string,
  split: SplitTrace,
  retain = true,
):
  | { trace: LoadedTrace; issues: []; again: () => Iterable<OpNode> }
  | { trace: undefined; issues: TraceIssue[] }
  | undefined {
  const whole = text.length <= limit("document_bytes");
  const shift = (line: number) => line > split.opsLine ? line + split.removed : line;
  const headerIssues: TraceIssue[] = [];
  const hp = parse(split.header, file, headerIssues);
  const issues = headerIssues.map((i) => ({ ...i, line: shift(i.line) }));
  if (!hp) return whole ? undefined : { trace: undefined, issues };
  const hloc: Locator = (p, key) => {
    const r = hp.locate(p, key);
    return { line: shift(r.line), column: r.column };
  };
  const header = validateHeader(hp.value, file, hloc, issues);
  const parseChunk = (c: OpChunk, into: TraceIssue[] = []) =>
    parse(text.slice(c.start, c.end), file, into, c.lineOffset);
  // one chunk's syntax tree is kept for positions: the one being read, or the last asked for
  let kept: { chunk: OpChunk; locate: Locator } | undefined;
  const chunkLocate = (c: OpChunk): Locator => {
    if (kept?.chunk !== c) {
      const r = parseChunk(c);
      kept = { chunk: c, locate: r?.locate ?? (() => ({ line: c.lineOffset + 1, column: 1 })) };
    }
    return kept.locate;
  };
  const chunkOf = (index: number): OpChunk => {
    let lo = 0, hi = split.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (split.chunks[mid].firstOp <= index) lo = mid;
      else hi = mid - 1;
    }
    return split.chunks[lo];
  };
  const locate: Locator = (p, key) => {
    if (p[0] !== "ops" || typeof p[1] !== "number") return hloc(p, key);
    const c = chunkOf(p[1]);
    return chunkLocate(c)([p[1] - c.firstOp, ...p.slice(2)], key);
  };
  const ops: OpNode[] = [];
  for (const c of split.chunks) {
    const chunkIssues: TraceIssue[] = [];
    const r = parseChunk(c, chunkIssues);
    if (!r || !Array.isArray(r.value)) {
      if (whole) return undefined;
      issues.push(...chunkIssues);
      continue;
    }
    kept = { chunk: c, locate: r.locate };
    for (const node of validItems(r.value, r.locate, c.firstOp, file, locate, issues)) {
      if (retain) ops.push(node);
    }
    if (issues.length > MAX_ISSUES) break;
  }
  kept = undefined;
  if (issues.length || !header) return { trace: undefined, issues };
  // the ops read again from the text, chunk by chunk: valid, as they were just checked
  function* again(): Iterable<OpNode> {
    for (const c of split.chunks) {
      const r = parseChunk(c)!;
      kept = { chunk: c, locate: r.locate };
      yield* validItems(r.value as unknown[], r.locate, c.firstOp, file, locate, []);
    }
    kept = undefined;
  }
  return { trace: { file, header, locate, ops }, issues: [], again };
}

/**
 * Loads a YAML trace for one pass over its ops. Up to `document_bytes` (or when it is not in
 * the block style) this is loadDocument; beyond, the ops are checked chunk by chunk and then
 * read again from the text as they are iterated, so that memory holds the text and one
 * chunk rather than every op (a 300k-op trace held 1 GiB of ops): each iteration parses the
 * ops again. Returns the header and the ops, or the issues.
 */
export function loadYamlTrace(
  text: string,
  file: string,
): { trace: LoadedHeader; ops: readonly OpNode[] | Iterable<OpNode> } | {
  trace: undefined;
  issues: TraceIssue[];
} {
  const split = text.length > limit("document_bytes") ? splitBlockOps(text) : undefined;
  const r = split ? loadChunked(text, file, split, false) : undefined;
  if (r?.trace) {
    return {
      trace: r.trace,
      ops: { [Symbol.iterator]: () => r.again()[Symbol.iterator]() },
    };
  }
  if (r) return r;
  const d = loadDocument(text, file);
  return d.trace ? { trace: d.trace, ops: d.trace.ops } : d;
}

/**
 * Checks YAML text holding a run of op items (`  - op: ...`, as a block-style trace's ops
 * are written) whose first op is op `firstIndex` and first line follows `lineOffset` lines:
 * the issues loading would report for these ops (none when they are valid).
 */
export function checkOpItems(
  text: string,
  file: string,
  firstIndex: number,
  lineOffset: number,
): TraceIssue[] {
  const issues: TraceIssue[] = [];
  const r = parse(text, file, issues, lineOffset);
  if (!r) return issues;
  if (!Array.isArray(r.value)) {
    return [{ file, line: lineOffset + 1, column: 1, message: "ops: expected a list of ops" }];
  }
  const locate: Locator = (p, key) => r.locate([Number(p[1]) - firstIndex, ...p.slice(2)], key);
  for (const _ of validItems(r.value, r.locate, firstIndex, file, locate, issues)) {
    // each op is validated as it is taken; its problems are in `issues`
  }
  return issues;
}

/**
 * An op of a JSON Lines trace read by the fast path: its positions are found (by parsing
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
    private readonly file: string,
  ) {}

  /** Position of a path inside the op (a method: call it on the node). */
  locate(path: Path, key?: boolean): { line: number; column: number } {
    if (!this.at) {
      const line = this.line;
      this.at = parse(this.text, this.file, [], line - 1)?.locate ??
        (() => ({ line, column: 1 }));
    }
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
    const parse = opFastPath(opName);
    if (!parse) return undefined;
    const args = parse(value) as { id?: string | number } | undefined;
    if (args === undefined) return undefined;
    return new JsonlOp(
      this.index++,
      opName,
      args.id === undefined ? undefined : String(args.id),
      here,
      args,
      line,
      this.file,
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
    const lazy: Locator = (path, key) => {
      if (!locate) {
        locate = parse(line, file, [], here - 1)?.locate ?? (() => ({ line: here, column: 1 }));
      }
      return locate(path, key);
    };
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
  // just before it is used (a batch parsed ahead outlives the young generation of the GC)
  let stop = false;
  function* parsed(): Generator<OpNode> {
    while (at < pending.length) {
      const node = r.line(pending[at++]) as OpNode | undefined;
      if (!node) continue;
      if (issues.length) {
        stop = true;
        return;
      }
      yield node;
    }
  }
  async function* ops(): AsyncGenerator<Iterable<OpNode>> {
    try {
      for (;;) {
        if (at < pending.length) yield parsed();
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
