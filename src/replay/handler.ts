/**
 * What an op handler gets and what it is: a narrow context (memory, the era, page holds,
 * name resolution, warnings; never the replay itself), and a type derived from the op's
 * declaration (src/trace/ops), so a handler that reads an argument its op does not declare,
 * or a table that lacks an op, fails `deno check`.
 *
 * @module
 */
import type { DeclaredOp } from "../trace/ops/mod.ts";
import type { OpArgs } from "../trace/schema.ts";
import type { OpNode } from "../trace/load.ts";
import type { Path } from "../trace/locate.ts";
import type { Memory } from "../model/memory.ts";
import type { ModelCtx } from "../model/ctx.ts";
import type { KernelProfile } from "../profile.ts";
import type { WarnFn } from "../check/warnings.ts";
import type { Holds } from "../convert/holds.ts";
import type { DmaMapper } from "../convert/dma.ts";
import type { Scope } from "./vars.ts";
import type { Resolver } from "../trace/resolve.ts";

/** What a handler may use. */
export interface OpCtx {
  readonly mem: Memory;
  /** The model's environment (memory, era, faults, warnings). */
  readonly model: ModelCtx;
  readonly profile: KernelProfile;
  /** Counted page holds, recorded against the step. */
  readonly holds: Holds;
  readonly dma: DmaMapper;
  /** Variables and pipes by name. */
  readonly scope: Scope;
  /** Address and page expressions. */
  readonly at: Resolver;
  /** Results of the step besides its return value. */
  readonly out: { offset0?: number };
  /** Records a warning for the step. */
  readonly warn: WarnFn;
  /** Stops the replay with an error at the op (exit 2). */
  error(message: string, path?: Path): never;
}

/** The handler of op `N`: returns the op's `ret` (undefined for none). */
export type Handler<N extends DeclaredOp> = (r: OpCtx, a: OpArgs<N>, node: OpNode) => unknown;

/** Handlers for every op in `K`. */
export type Handlers<K extends DeclaredOp = DeclaredOp> = { readonly [N in K]: Handler<N> };

/** A handler as the step loop calls it, with the op's validated (untyped) arguments. */
export type AnyHandler = (r: OpCtx, a: OpNode["args"], node: OpNode) => unknown;
