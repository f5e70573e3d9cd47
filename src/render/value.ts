/**
 * Value formatting shared by renderers: numbers in hex (small ones in decimal), bigints as
 * hex strings, deterministic key order.
 *
 * @module
 */
import { hex } from "../types.ts";
import { errnoName } from "../trace/num.ts";

/** Formats a value for text output; negative numbers are errno names (return values). */
export function show(v: unknown): string {
  return format(v, true);
}

/**
 * Formats an op's argument: like show, but a negative number stays a number (an iovec
 * length of -5 is -5, not -EIO).
 */
export function showArg(v: unknown): string {
  return format(v, false);
}

function format(v: unknown, errno: boolean): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "number") {
    if (v < 0) return (errno ? errnoName(v) : undefined) ?? String(v);
    return v < 10 ? String(v) : hex(v);
  }
  if (typeof v === "bigint") return hex(v);
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => format(x, errno)).join(", ")}]`;
  return `{${
    Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${format(x, errno)}`)
      .join(", ")
  }}`;
}

const ARG_SKIP = new Set(["op", "id", "expect", "when"]);

/** An op's arguments as output shows them: not its op, id, expect or when, nor unset ones. */
export function shownArgs(args: Record<string, unknown>): [string, unknown][] {
  return Object.entries(args).filter(([k, v]) => !ARG_SKIP.has(k) && v !== undefined);
}

/**
 * A failed expectation as every output format states it: `path: expected X, got Y`, after the
 * `file:line` it is written on when known.
 */
export function failureText(
  f: { readonly path: string; readonly expected: unknown; readonly actual: unknown },
  at?: string,
): string {
  return `${at ? `${at}: ` : ""}${f.path}: expected ${show(f.expected)}, got ${show(f.actual)}`;
}

/** JSON.stringify replacer: bigints become hex strings. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? hex(v) : v;
}
