/**
 * An independent check of a strategy's final list: the bytes the source describes, walked
 * with the model's generic walk (iterate_and_advance over a clone, one piece per page), against
 * the bytes the list's entries name, position by position. An entry that names a different
 * page or a different place in it than the source has at that position is a bad entry, whatever
 * the strategy believed (virt_to_page of a user or vmalloc address, an offset taken from the
 * wrong start, an entry running past its page).
 *
 * @module
 */
import type { World } from "./world.ts";
import { cloneIter, type IovIter } from "../model/iter.ts";
import { iterateAndAdvance } from "../model/iterate.ts";
import type { Pfn } from "../types.ts";

/** A run of source bytes inside one page, at a position of the source's byte stream. */
interface Chunk {
  readonly pos: number;
  readonly pfn: Pfn;
  readonly off: number;
  readonly len: number;
}

/** The source's first `len` bytes as per-page chunks; undefined when it has no memory yet. */
export function sourceChunks(w: World, src: IovIter, len: number): Chunk[] | undefined {
  if (src.kind === "pipe" || src.kind === "discard") return undefined;
  const out: Chunk[] = [];
  let pos = 0;
  iterateAndAdvance(w.mem, cloneIter(src), len, (p) => {
    out.push({ pos, pfn: p.pfn, off: p.inPage, len: p.len });
    pos += p.len;
    return 0;
  }, w.profile);
  return out;
}

/**
 * How many of `entries` (in list order) do not name the source's bytes at their position.
 */
export function badEntries(
  w: World,
  truth: readonly Chunk[],
  entries: readonly { pfn: Pfn; offset: number; len: number }[],
): number {
  const ps = w.mem.pageSize;
  let bad = 0, pos = 0, t = 0;
  for (const e of entries) {
    let ok = e.pfn >= 0;
    let done = 0;
    while (ok && done < e.len) {
      const at = e.offset + done;
      const pfn = e.pfn + Math.floor(at / ps);
      const off = at % ps;
      while (t < truth.length && truth[t].pos + truth[t].len <= pos + done) t++;
      const c = truth[t];
      if (!c) {
        ok = false;
        break;
      }
      const into = pos + done - c.pos;
      if (c.pfn !== pfn || c.off + into !== off) {
        ok = false;
        break;
      }
      done += Math.min(e.len - done, c.len - into, ps - off);
    }
    if (!ok) bad++;
    pos += e.len;
  }
  return bad;
}
