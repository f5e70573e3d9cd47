/**
 * The view of a fast-registration memory region.
 *
 * @module
 */
import type { Mr } from "../../convert/frwr.ts";
import { hex } from "../../types.ts";

/** An MR as `expect: mr` compares it. */
export function mrView(m: Mr): Record<string, unknown> {
  return {
    ret: m.ret,
    iova: hex(m.iova),
    length: m.length,
    npages: m.pages.length,
    pages: m.pages.map((p) => hex(p)),
  };
}

/** An MR's state, unformatted. */
export interface MrRaw {
  readonly ret: number;
  readonly iova: number;
  readonly length: number;
  readonly npages: number;
}

/** Copies what an MR's change shows. */
export function captureMr(m: Mr): MrRaw {
  return { ret: m.ret, iova: m.iova, length: m.length, npages: m.pages.length };
}

/** An MR as its changes show it. */
export function mrFields(m: MrRaw): Record<string, unknown> {
  return { ret: m.ret, iova: hex(m.iova), length: m.length, npages: m.npages };
}
