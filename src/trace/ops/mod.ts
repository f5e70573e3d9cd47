/**
 * Every op of the trace format, declared once: its arguments (zod, each field described), the
 * variables it reads, creates, opens and releases, the profile row outside which it does not
 * exist, and the kernel function it follows. The loader's schema, the JSON Schema, the static
 * reference checks, the era gate, `itertrace ops` and the replay's handler table are all
 * derived from {@link OP_DECLS}.
 *
 * ## How to add an op
 *
 * 1. Declare it in the family file it belongs to (iter.ts, copy.ts, pages.ts, convert.ts,
 *    lifecycle.ts) with `op({...})`: a one-line `summary`, `follows: { fn, file }` naming the
 *    kernel function, `era` if a FEATURES row in src/profile.ts bounds it, `args: () => ({...})`
 *    built with the `arg` builders of ../args.ts (every field gets a one-line description;
 *    fields naming memory say what they name; built on first use, so a schema several ops
 *    share is made with `once`), and `vars` for the variables it reads, creates, opens or
 *    releases.
 * 2. Write its handler in the matching table of src/replay/ (the table `satisfies` the
 *    declarations, so a missing handler or a handler whose arguments do not match the
 *    declaration fails `deno check`).
 * 3. Add a small trace under traces/ with expectations on what the op did (a test checks
 *    every declared op appears in a bundled trace).
 *
 * Nothing else names ops: the schema, `validate`, the era gate and `itertrace ops` pick it up.
 *
 * @module
 */
import type { z } from "zod";
import { type MemRef, memRefOf } from "../args.ts";
import type { OpDecl, VarType } from "./decl.ts";
import { ITER_OPS } from "./iter.ts";
import { COPY_OPS } from "./copy.ts";
import { PAGE_OPS } from "./pages.ts";
import { CONVERT_OPS } from "./convert.ts";
import { LIFECYCLE_OPS } from "./lifecycle.ts";
import { BVECQ_OPS } from "./bvecq.ts";
import { CALLER_OPS } from "./callers.ts";
import { IO_URING_OPS } from "./io_uring.ts";

export { type KernelFn, op, type OpDecl, type OpVars, type VarType } from "./decl.ts";

/** Every op, by name, in the order the format documents them. */
export const OP_DECLS = {
  ...ITER_OPS,
  ...BVECQ_OPS,
  ...COPY_OPS,
  ...PAGE_OPS,
  ...CONVERT_OPS,
  ...CALLER_OPS,
  ...LIFECYCLE_OPS,
  ...IO_URING_OPS,
};

/** The name of a declared op. */
export type DeclaredOp = keyof typeof OP_DECLS;

/** The argument shape of a declared op. */
export type OpShape<N extends DeclaredOp> = (typeof OP_DECLS)[N]["args"];

/** The declaration of an op, or undefined for a name that is not one. */
export function opDecl(name: string): OpDecl | undefined {
  return Object.hasOwn(OP_DECLS, name) ? OP_DECLS[name as DeclaredOp] as OpDecl : undefined;
}

/** Every declared op name, in declaration order. */
export const DECLARED_OPS: readonly DeclaredOp[] = Object.keys(OP_DECLS) as DeclaredOp[];

/** How an op uses one variable argument. */
export interface VarUse {
  readonly key: string;
  readonly use: "reads" | "creates" | "opens" | "releases";
  readonly type: VarType;
}

const varCache = new Map<string, readonly VarUse[]>();

/** The variable arguments of an op: reads first, then creates and opens, then releases. */
export function varUses(name: string): readonly VarUse[] {
  let out = varCache.get(name);
  if (out) return out;
  const v = opDecl(name)?.vars ?? {};
  const list: VarUse[] = [];
  for (const use of ["reads", "creates", "opens", "releases"] as const) {
    for (const [key, type] of Object.entries(v[use] ?? {})) {
      if (type) list.push({ key, use, type: type as VarType });
    }
  }
  varCache.set(name, out = list);
  return out;
}

/** A field naming memory, with its path inside the op (`*` stands for an array index). */
export interface MemField {
  readonly path: readonly (string | "*")[];
  readonly ref: MemRef;
}

function unwrap(s: z.ZodType): z.ZodType {
  // optional and default wrap the field's own schema
  let cur = s as z.ZodType & { _zod: { def: { type: string; innerType?: z.ZodType } } };
  while (
    (cur._zod.def.type === "optional" || cur._zod.def.type === "default") && cur._zod.def.innerType
  ) {
    if (memRefOf(cur)) return cur;
    cur = cur._zod.def.innerType as typeof cur;
  }
  return cur;
}

function walk(s: z.ZodType, path: (string | "*")[], out: MemField[]): void {
  const ref = memRefOf(s) ?? memRefOf(unwrap(s));
  if (ref) {
    out.push({ path, ref });
    return;
  }
  const inner = unwrap(s) as z.ZodType & {
    _zod: { def: { type: string; element?: z.ZodType; shape?: Record<string, z.ZodType> } };
  };
  const def = inner._zod.def;
  if (def.type === "array" && def.element) walk(def.element, [...path, "*"], out);
  else if (def.type === "object" && def.shape) {
    for (const [k, f] of Object.entries(def.shape)) walk(f, [...path, k], out);
  }
}

const memCache = new Map<string, readonly MemField[]>();

/** The fields of an op that name memory (addresses, pages, regions, files, pipes). */
export function memFields(name: string): readonly MemField[] {
  let out = memCache.get(name);
  if (out) return out;
  const list: MemField[] = [];
  for (const [k, f] of Object.entries(opDecl(name)?.args ?? {})) walk(f as z.ZodType, [k], list);
  memCache.set(name, out = list);
  return out;
}
