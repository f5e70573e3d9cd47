/**
 * Value formatting shared by renderers: numbers in hex (small ones in decimal), bigints as
 * hex strings, deterministic key order.
 *
 * @module
 */
import { hex } from "../types.ts";
import { errnoName } from "../trace/num.ts";

/** Formats a value for text output. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "number") {
    if (v < 0) return errnoName(v) ?? String(v);
    return v < 10 ? String(v) : hex(v);
  }
  if (typeof v === "bigint") return hex(v);
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return `{${
    Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${show(x)}`).join(", ")
  }}`;
}

/** JSON.stringify replacer: bigints become hex strings. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? hex(v) : v;
}
