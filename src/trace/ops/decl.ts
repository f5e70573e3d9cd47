/**
 * The shape of an op declaration (see mod.ts for how to add an op).
 *
 * @module
 */
import type { z } from "zod";
import type { FeatureName } from "../../profile.ts";

/** What a variable holds. `any` accepts every kind of variable. */
export type VarType = "iter" | "state" | "pages" | "sgt" | "rdma" | "mr" | "bio" | "any";

/** The variables an op uses, by argument name. */
export interface OpVars<S extends z.ZodRawShape> {
  /** Must exist before the op (an array argument names several). */
  readonly reads?: { readonly [K in keyof S]?: VarType };
  /** Must not exist; the op defines it. */
  readonly creates?: { readonly [K in keyof S]?: VarType };
  /** Created by the first op that names it, appended to by later ones. */
  readonly opens?: { readonly [K in keyof S]?: VarType };
  /** Must exist; gone after the op. */
  readonly releases?: { readonly [K in keyof S]?: VarType };
}

/** The kernel function an op follows. */
export interface KernelFn {
  readonly fn: string;
  /** The file that defines it (in the releases the op exists in). */
  readonly file: string;
}

/** One op of the trace format. */
export interface OpDecl<S extends z.ZodRawShape = z.ZodRawShape> {
  /** One line: what the op does. */
  readonly summary: string;
  /** The kernel function it follows; absent for trace-only ops (fill, io_complete, ...). */
  readonly follows?: KernelFn;
  /** The profile row (src/profile.ts FEATURES) outside which the op does not exist. */
  readonly era?: FeatureName;
  /** Its arguments, every field described (arg builders in ../args.ts). */
  readonly args: S;
  /** The variables it reads, creates, opens and releases. */
  readonly vars?: OpVars<S>;
}

/** Declares an op (checks `vars` against `args`). */
export function op<S extends z.ZodRawShape>(d: OpDecl<S>): OpDecl<S> {
  return d;
}
