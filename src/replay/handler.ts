/**
 * The type of an op handler, derived from the op's declaration (src/trace/ops): a handler
 * receives its op's validated arguments, so a handler that reads an argument its op does not
 * declare, or a table that lacks an op, fails `deno check`.
 *
 * @module
 */
import type { DeclaredOp } from "../trace/ops/mod.ts";
import type { OpArgs } from "../trace/schema.ts";
import type { OpNode } from "../trace/load.ts";
import type { Replay } from "./engine.ts";

/** The handler of op `N`: returns the op's `ret` (undefined for none). */
export type Handler<N extends DeclaredOp> = (r: Replay, a: OpArgs<N>, node: OpNode) => unknown;

/** Handlers for every op in `K`. */
export type Handlers<K extends DeclaredOp = DeclaredOp> = { readonly [N in K]: Handler<N> };
