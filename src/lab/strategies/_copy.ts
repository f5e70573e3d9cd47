/**
 * Copying an iterator (`*new = *orig`, then trimming it to a length): what several strategies
 * do with kernel-backed iterators, whose memory the caller keeps alive. The copy is listed as
 * the page pieces it describes, walked with the model's generic walk on a clone, so the source
 * does not move.
 *
 * @module
 */
import type { World } from "../world.ts";
import { cloneIter, type IovIter } from "../../model/iter.ts";
import { iterateAndAdvance } from "../../model/iterate.ts";
import type { Pfn } from "../../types.ts";

/** The pieces `len` bytes of `src` describe, one per page piece; the source is left alone. */
export function copyOfIter(
  w: World,
  src: IovIter,
  len: number,
): { pfn: Pfn; offset: number; len: number }[] {
  const out: { pfn: Pfn; offset: number; len: number }[] = [];
  if (src.kind === "pipe" || src.kind === "discard") return out;
  const c = cloneIter(src);
  iterateAndAdvance(w.mem, c, len, (p) => {
    out.push({ pfn: p.pfn, offset: p.inPage, len: p.len });
    return 0;
  }, w.profile);
  return out;
}
