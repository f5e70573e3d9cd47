/**
 * Handlers of the caller ops (src/trace/ops/callers.ts).
 *
 * @module
 */
import type { Handlers } from "./handler.ts";
import { extracted } from "./pages.ts";
import { mapSges } from "./convert_ops.ts";
import { iovIterExtractPages, iovIterGetPages } from "../model/extract.ts";

export const CALLER_HANDLERS = {
  // fs/nfs/direct.c nfs_direct_{read,write}_schedule_iovec(): before 7.4
  // iov_iter_get_pages_alloc2(iter, &pagevec, rsize, &pgbase) (refs, released with put_page,
  // so fork() during the I/O can hand the page to the child); from 7.4 (a2bb86ade0bc)
  // iov_iter_extract_pages(iter, &pagevec, rsize, ~0U, 0, &pgbase) with pagevec NULL (pins
  // where iov_iter_extract_will_pin(), released with unpin)
  nfs_direct_schedule_iovec(r, a, node) {
    const it = r.scope.iter(a.iter);
    const o = { maxsize: a.maxsize, maxpages: 0x7fffffff, step: node.index };
    const res = r.profile.has("nfs_dio_pins")
      ? iovIterExtractPages(r.model, it, { ...o, p2pdma: false, alloc: true })
      : iovIterGetPages(r.model, it, { ...o, advance: true });
    return extracted(r, a.as, it, res, node.index);
  },
  smbdirect_map_sges_from_iter: (r, a, node) => mapSges(r, a, node, "smbdirect_map_sges_from_iter"),
} satisfies Partial<Handlers>;
