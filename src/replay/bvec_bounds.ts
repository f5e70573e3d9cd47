/**
 * A bio_vec that runs past the memory behind its page. iov_iter_bvec() and
 * iov_iter_bvec_queue() trust their bio_vecs: nothing in lib/iov_iter.c compares
 * bv_offset + bv_len with the allocation that bv_page belongs to, and iterate_bvec() walks
 * `bv_page + offset / PAGE_SIZE` for as long as bv_len lasts. A bvec longer than its memory
 * makes every copy and extraction through the iterator reach the frames that follow.
 *
 * @module
 */
import type { OpCtx } from "./handler.ts";
import type { Pfn } from "../types.ts";
import { hex } from "../types.ts";

/**
 * Warns `bvec_past_region` when a bvec of `len` bytes from `offset` into page `pfn` ends past
 * the region holding that page, or reaches a frame that is not the region's next page (a
 * region with declared, scattered pfns). Frames no region declares are not judged.
 */
export function checkBvecBounds(
  r: OpCtx,
  where: string,
  bv: { pfn: Pfn | undefined; offset: number; len: number },
): void {
  if (bv.pfn === undefined || bv.pfn < 0 || bv.len <= 0) return;
  const loc = r.mem.pageLoc(bv.pfn);
  if (!loc) return;
  const ps = r.mem.pageSize;
  const { region } = loc;
  const start = loc.index * ps + bv.offset;
  const end = start + bv.len;
  const page = r.mem.pageName(bv.pfn);
  if (end > region.size) {
    r.warn(
      "bvec_past_region",
      { region: region.name, offset: bv.offset, bytes: bv.len },
      `${where}: ${hex(bv.len)} bytes from ${page} +${hex(bv.offset)} end ${
        hex(end - region.size)
      } bytes past the end of "${region.name}" (${hex(region.size)} bytes)`,
      { page },
    );
    return;
  }
  // iterate_bvec steps through frames bv_page + k: they must be the region's next pages
  const lastIndex = Math.floor((end - 1) / ps);
  const lastPfn = bv.pfn + Math.floor((bv.offset + bv.len - 1) / ps);
  if (region.pfnOf(lastIndex) !== lastPfn) {
    r.warn(
      "bvec_past_region",
      { region: region.name, offset: bv.offset, bytes: bv.len },
      `${where}: ${hex(bv.len)} bytes from ${page} +${hex(bv.offset)} reach pfn ${
        hex(lastPfn)
      }, which is not page ${lastIndex} of "${region.name}" (its pages are not physically contiguous)`,
      { page },
    );
  }
}
