/**
 * Validating a trace's parsed header and ops against the schema (zod, with the fast path for
 * the hot ops), every problem placed by a Locator: what YAML, JSON and JSON Lines traces
 * share, and needs no YAML parser.
 *
 * @module
 */
import type { z } from "zod";
import type { TraceIssue } from "../errors.ts";
import type { Locator, Path } from "./locate.ts";
import { type Header, header as headerSchema, OP_NAMES, opSchema } from "./schema.ts";
import { suggest } from "./suggest.ts";
import { fastParse, opFastPath } from "./fast.ts";
import { fieldNames } from "./fields.ts";
import { limit, limitMessage } from "../limits.ts";
import { WARNINGS } from "../check/warnings.ts";

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

/** A JSON.parse reviver keeping integers beyond 2^53 as their source text. */
export function exactInt(_k: string, v: unknown, ctx?: { source?: string }): unknown {
  if (typeof v === "number" && !Number.isSafeInteger(v) && ctx?.source !== undefined) {
    return /^-?\d+$/.test(ctx.source) ? ctx.source : v;
  }
  return v;
}

/** Parser failures in the trace's words. */
export function friendly(e: unknown): string {
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

export function validateOp(
  value: unknown,
  index: number,
  file: string,
  locate: Locator,
  prefix: Path,
  issues: TraceIssue[],
  known?: { line: number; column: number },
  fresh?: () => unknown,
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
  // whenever the fast path cannot vouch for the op. With `fresh` the value is this caller's
  // alone: it is checked in place, and the schema reads an untouched copy if that gives up.
  // in place, through the op name's fast path (found by name, with the name as the node
  // keeps it): what fastParseInPlace(schema, value) gives
  const inPlace = fresh ? opFastPath(opName) : undefined;
  let args = (fresh ? inPlace?.parse?.(value) : fastParse(schema, value)) as
    | { id?: string | number }
    | undefined;
  if (args === undefined) {
    const r = schema.safeParse(fresh ? fresh() : value);
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
    op: inPlace?.name ?? opName,
    id: args.id === undefined ? undefined : String(args.id),
    line: pos.line,
    column: pos.column,
    args,
    locate: sub,
  };
}

export function validateHeader(
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
export function tooMany(
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
