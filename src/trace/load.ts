/**
 * Loading traces: YAML or JSON documents (parsed with positions by npm:yaml), and JSON
 * Lines streamed one op per line (jsonl.ts, re-exported here). Every problem is collected
 * with its file:line:column.
 *
 * @module
 */
import process from "node:process";
import { type Alias, type Document, LineCounter, parseDocument, visit } from "yaml";
import type { TraceIssue } from "../errors.ts";
import { documentLocator, type Locator } from "./locate.ts";
import { limit, limitMessage } from "../limits.ts";
import { type OpChunk, splitBlockOps, type SplitTrace } from "./yaml_chunks.ts";
import { flowDepthProblem } from "./flow_depth.ts";
import { plainItems } from "./yaml_plain.ts";
import {
  friendly,
  type LoadedHeader,
  type LoadedTrace,
  MAX_ISSUES,
  type OpNode,
  tooMany,
  validateHeader,
  validateOp,
} from "./valid.ts";

export {
  type LoadedHeader,
  type LoadedTrace,
  MAX_ISSUES,
  type OpNode,
  showPath,
  zodIssues,
} from "./valid.ts";
export { type JsonlBatches, openJsonlBatches, streamJsonl } from "./jsonl.ts";
export { MAX_FLOW_DEPTH } from "./flow_depth.ts";

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
 * The locator the YAML parse gives a YAML or JSON text whose first line follows `lineOffset`
 * lines, or undefined when the text does not parse (JSON Lines lines are located by
 * json_locate.ts instead, to the same positions).
 */
export function yamlLocator(text: string, lineOffset = 0): Locator | undefined {
  return parse(text, "", [], lineOffset)?.locate;
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
  reread?: (k: number) => unknown,
): Generator<OpNode> {
  for (let k = 0; k < items.length; k++) {
    const v = items[k], index = firstOp + k;
    const pos = itemLocate([k]);
    if (tooMany(issues, file, pos)) return;
    const fresh = reread && (() => reread(k));
    const node = validateOp(v, index, file, locate, ["ops", index], issues, pos, fresh);
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
  const parseChunk = (
    c: OpChunk,
    into: TraceIssue[] = [],
  ): { value: unknown; locate: Locator; reread?: (k: number) => unknown } | undefined => {
    const t = text.slice(c.start, c.end);
    return plainChunk(t, file, c.lineOffset) ?? parse(t, file, into, c.lineOffset);
  };
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
    const items = validItems(r.value, r.locate, c.firstOp, file, locate, issues, r.reread);
    for (const node of items) if (retain) ops.push(node);
    if (issues.length > MAX_ISSUES) break;
  }
  kept = undefined;
  if (issues.length || !header) return { trace: undefined, issues };
  // the ops read again from the text, chunk by chunk: valid, as they were just checked
  function* again(): Iterable<OpNode> {
    for (const c of split.chunks) {
      const r = parseChunk(c)!;
      kept = { chunk: c, locate: r.locate };
      yield* validItems(r.value as unknown[], r.locate, c.firstOp, file, locate, [], r.reread);
    }
    kept = undefined;
  }
  return { trace: { file, header, locate, ops }, issues: [], again };
}

/**
 * A chunk of op items in the plain subset (yaml_plain.ts), read without the YAML parser: its
 * value, and a locator that knows each item's position and asks the parser for any other
 * (once per chunk, when a problem needs it). Undefined when the chunk is outside the subset
 * or larger than one parse may be (the parser then reads it and words any problem).
 *
 * Its items are the chunk's own, read for this pass only, so they are validated in place;
 * `reread` gives an untouched copy of item k (the chunk read once more, on the first ask) for
 * an op the fast path gives up on half-way, which the schema then reads.
 */
function plainChunk(
  text: string,
  file: string,
  lineOffset: number,
): { value: unknown; locate: Locator; reread: (k: number) => unknown } | undefined {
  if (text.length > limit("document_bytes")) return undefined;
  const plain = plainItems(text);
  if (!plain) return undefined;
  let full: Locator | undefined;
  const locate: Locator = (p, key) => {
    const at = p.length === 1 && typeof p[0] === "number" ? plain.at[p[0]] : undefined;
    if (at) return { line: at.line + lineOffset, column: at.column };
    full ??= parse(text, file, [], lineOffset)?.locate ??
      (() => ({ line: lineOffset + 1, column: 1 }));
    return full(p, key);
  };
  let copy: unknown[] | undefined;
  const reread = (k: number) => (copy ??= plainItems(text)!.value)[k];
  return { value: plain.value, locate, reread };
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
