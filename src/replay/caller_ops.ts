/**
 * Handlers of the caller ops (src/trace/ops/callers.ts).
 *
 * @module
 */
import type { Handlers } from "./handler.ts";
import { addList } from "./pages.ts";
import { mapSges } from "./convert_ops.ts";
import { iovIterExtractPages, iovIterGetPages } from "../model/extract.ts";

export const CALLER_HANDLERS = {
  // fs/nfs/direct.c: before 7.4 iov_iter_get_pages_alloc2() (refs, released with put_page,
  // so fork() during the I/O can hand the page to the child); from 7.4
  // nfs_direct_extract_pages() -> iov_iter_extract_pages() (pins, released with unpin)
  nfs_direct_schedule_iovec(r, a, node) {
    const it = r.scope.iter(a.iter);
    const o = { maxsize: a.maxsize, maxpages: 0x7fffffff, step: node.index };
    const res = r.profile.has("nfs_dio_pins")
      ? iovIterExtractPages(r.model, it, { ...o, p2pdma: false })
      : iovIterGetPages(r.model, it, { ...o, advance: true });
    addList(r, a.as, res.ret > 0 ? res.pfns : [], res.holds, res.retention, {
      offset0: res.offset0,
      bytes: Math.max(res.ret, 0),
      dir: it.dir,
      step: node.index,
    }, ["as"]);
    r.out.offset0 = res.offset0;
    return res.ret;
  },
  smbdirect_map_sges_from_iter: (r, a, node) => mapSges(r, a, node, "smbdirect_map_sges_from_iter"),
} satisfies Partial<Handlers>;
