/**
 * The table of per-kind operations: one record per iterator kind, as the kernel's
 * `iterate_and_advance2` dispatches to one walker per kind.
 *
 * @module
 */
import type { IovIter } from "../iter.ts";
import type { KindOps } from "./_kind.ts";
import { ubufOps } from "./ubuf.ts";
import { vecOps } from "./vec.ts";
import { bvecOps } from "./bvec.ts";
import { xarrayOps } from "./xarray.ts";
import { folioqOps } from "./folioq.ts";
import { bvecqOps } from "./bvecq.ts";
import { discardOps } from "./discard.ts";
import { pipeOps } from "./pipe.ts";

type OpsFor = { [K in IovIter["kind"]]: KindOps<Extract<IovIter, { kind: K }>> };

/** Per-kind operations; a kind without a record fails to compile. */
export const KIND_OPS = {
  ubuf: ubufOps,
  iovec: vecOps,
  kvec: vecOps,
  bvec: bvecOps,
  xarray: xarrayOps,
  folioq: folioqOps,
  bvecq: bvecqOps,
  discard: discardOps,
  pipe: pipeOps,
} satisfies OpsFor;

/** The operations record for an iterator's kind. */
export function kindOps(it: IovIter): KindOps<IovIter> {
  return KIND_OPS[it.kind] as KindOps<IovIter>;
}

export type { KindOps, Piece, Step } from "./_kind.ts";
