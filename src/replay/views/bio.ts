/**
 * The view of a bio.
 *
 * @module
 */
import type { Memory } from "../../model/memory.ts";
import type { Bio, BioVec } from "../../convert/bio.ts";
import { hex } from "../../types.ts";

/** A bio as `expect: bio` compares it. */
export function bioView(mem: Memory, b: Bio): Record<string, unknown> {
  return {
    vcnt: b.bvec.length,
    size: b.size,
    pinned: b.pinned,
    cloned: b.cloned,
    bvec: b.bvec.map((bv) => ({ page: mem.pageName(bv.pfn), offset: bv.offset, len: bv.len })),
  };
}

/** A bio's state, unformatted. */
export interface BioRaw {
  readonly size: number;
  readonly pinned: boolean;
  readonly cloned: boolean;
  readonly bvec: readonly BioVec[];
}

/** Copies what a bio's change shows. */
export function captureBio(b: Bio): BioRaw {
  return { size: b.size, pinned: b.pinned, cloned: b.cloned, bvec: b.bvec.map((v) => ({ ...v })) };
}

/** A bio as its changes show it. */
export function bioFields(mem: Memory, b: BioRaw): Record<string, unknown> {
  return {
    vcnt: b.bvec.length,
    size: b.size,
    pinned: b.pinned,
    cloned: b.cloned,
    bvec: b.bvec.map((bv) => `${mem.pageName(bv.pfn)} +${hex(bv.offset)} len ${hex(bv.len)}`),
  };
}
