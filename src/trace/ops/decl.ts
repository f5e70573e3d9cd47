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

/**
 * An op as a family file writes it: its arguments as a function building them, called the
 * first time something asks for the op's `args`.
 */
export interface OpSource<S extends z.ZodRawShape> {
  readonly summary: string;
  readonly follows?: KernelFn;
  readonly era?: FeatureName;
  /** Builds the arguments (once: the declaration keeps what it returns). */
  readonly args: () => S;
  readonly vars?: OpVars<S>;
}

/**
 * Declares an op (checks `vars` against `args`). Its zod schemas are built on first use:
 * a run builds those of the ops its trace holds, not all of them (building every op's took
 * about 20 ms of each start-up).
 */
export function op<S extends z.ZodRawShape>(d: OpSource<S>): OpDecl<S> {
  const out: Record<string, unknown> = {};
  let args: S | undefined;
  for (const [k, v] of Object.entries(d)) {
    if (k === "args") {
      Object.defineProperty(out, k, { enumerable: true, get: () => args ??= d.args() });
    } else out[k] = v;
  }
  return out as unknown as OpDecl<S>;
}

/**
 * A value built on first use and the same one after: a schema several ops share stays one
 * object (the JSON Schema shows what is shared and what is not).
 */
export function once<T>(build: () => T): () => T {
  let v: T | undefined, done = false;
  return () => {
    if (!done) v = build(), done = true;
    return v as T;
  };
}
