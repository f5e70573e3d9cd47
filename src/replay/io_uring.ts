/**
 * Handlers of io_uring's registered-buffer ops (declared in src/trace/ops/io_uring.ts),
 * following io_uring/rsrc.c as of 6.18, checked against 6.1 and 6.12 (io_uring/rsrc.c,
 * io_uring/memmap.c; fs/io_uring.c before 6.0):
 *
 * - io_sqe_buffer_register(): io_buffer_validate() refuses a buffer over 1 GiB (-EFAULT);
 *   io_pin_pages() pins every page of the range with pin_user_pages_fast(FOLL_WRITE |
 *   FOLL_LONGTERM) and fails with -EFAULT, unpinning what it got, unless it got them all;
 *   the pages become one bvec each (small folios; large folios are coalesced, not modelled).
 * - io_import_fixed(): a request must lie inside the buffer (-EFAULT otherwise); the
 *   iterator is ITER_BVEC over the buffer's bvec array, starting at the bvec that holds the
 *   request's offset with iov_offset set inside it, count = the request's length.
 * - io_buffer_unmap(): unpin_user_page() for every page.
 *
 * What differs across the modelled eras (no era row: the model follows none of it yet):
 * - io_pin_pages() is pin_user_pages() under mmap_read_lock in 6.1, which then refuses
 *   file-backed memory other than shmem/hugetlbfs (-EOPNOTSUPP) and a buffer spanning two
 *   files (-EINVAL); 6.12 calls pin_user_pages_fast() (io_uring/memmap.c), and gup's
 *   check_vma_flags() refuses a FOLL_LONGTERM write pin of a file mapping that needs dirty
 *   tracking (writable_file_mapping_allowed(), -EFAULT). Not modelled: a registration over a
 *   `file` region pins it here.
 * - io_import_fixed(): 6.1 calls iov_iter_advance() for an offset inside the first bvec,
 *   6.12 sets bvec/count/iov_offset directly; both land on the same bvec and offset (modelled).
 * - 6.12 coalesces a buffer made of whole large folios into one bvec per folio and keeps one
 *   pin per folio (io_try_coalesce_buffer(), a8edbb424b13 "io_uring/rsrc: enable
 *   multi-hugepage buffer coalescing"); 6.1 keeps a pin per page. Not modelled: a
 *   registration over a region with folio_order > 0 pins every page, as 6.1 does.
 *
 * @module
 */
import { gupFast } from "../model/gup.ts";
import { iovIterBvec } from "../model/construct.ts";
import type { BvecIter } from "../model/iter.ts";
import type { Handlers } from "./handler.ts";
import { addList } from "./pages.ts";
import type { IO_URING_OPS } from "../trace/ops/io_uring.ts";

/** io_buffer_validate(): a registered buffer is at most SZ_1G. */
const MAX_BUF = 1 << 30;

/** Handlers of the io_uring ops. */
export const IO_URING_HANDLERS = {
  io_sqe_buffer_register(r, a, node) {
    const ps = r.mem.pageSize;
    const addr = r.at.vaddr(a.addr, ["addr"]);
    const task = r.at.taskOf(a.addr);
    const offset0 = Number(addr % BigInt(ps));
    const info = { offset0, bytes: 0, dir: "dest" as const, step: node.index };
    if (a.len > MAX_BUF || a.len === 0) {
      addList(r, a.as, { pfns: [], holds: [] }, "pin", info, ["as"]);
      return -14;
    }
    const npages = Math.ceil((offset0 + a.len) / ps);
    const g = gupFast(r.model, task, addr - BigInt(offset0), npages, {
      write: true,
      pin: true,
      p2pdma: false,
      nofault: false,
    }, node.index);
    if ("errno" in g || g.pfns.length < npages) {
      // io_pin_pages: a partial pin is undone and the registration fails
      if (!("errno" in g)) {
        for (const p of g.pfns) {
          r.holds.take("pin", p);
          r.holds.drop("pin", p);
        }
      }
      addList(r, a.as, { pfns: [], holds: [] }, "pin", info, ["as"]);
      return "errno" in g ? g.errno : -14;
    }
    addList(r, a.as, { pfns: g.pfns, holds: g.pfns }, "pin", { ...info, bytes: a.len }, ["as"]);
    return 0;
  },
  io_import_fixed(r, a, node) {
    r.scope.variable(a.buf, ["buf"]);
    const list = r.scope.listOf(a.buf);
    if (!list) return r.error(`"${a.buf}" is not a registered buffer`, ["buf"]);
    if (a.offset + a.len > list.bytes) return -14;
    const ps = r.mem.pageSize;
    // one bvec per registered page: the first from offset0, the last as far as the buffer goes
    let left = list.bytes;
    const segs = list.entries.map((e, i) => {
      const offset = i === 0 ? list.offset0 : 0;
      const len = Math.min(ps - offset, left);
      left -= len;
      return { pfn: e.pfn, offset, len };
    });
    const it = iovIterBvec(
      { name: a.iter, task: r.at.defaultTask, step: node.index },
      a.dir,
      segs,
    ) as BvecIter;
    const pos = list.offset0 + a.offset;
    it.idx = Math.floor(pos / ps);
    it.iovOffset = pos - it.idx * ps - (it.idx === 0 ? list.offset0 : 0);
    it.count = a.len;
    r.scope.define(a.iter, { type: "iter", iter: it }, ["iter"]);
    return it.count;
  },
  io_buffer_unmap(r, a) {
    r.scope.variable(a.buf, ["buf"]);
    const list = r.scope.listOf(a.buf);
    if (!list) return r.error(`"${a.buf}" is not a registered buffer`, ["buf"]);
    for (const e of list.entries) {
      if (e.released) continue;
      e.released = true;
      if (!e.held || !r.holds.drop("pin", e.pfn)) r.holds.miss("pin");
    }
    r.scope.free(a.buf);
  },
} satisfies Handlers<keyof typeof IO_URING_OPS>;
