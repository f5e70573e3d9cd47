/**
 * Handlers of the ITER_BVECQ ops (src/trace/ops/bvecq.ts).
 *
 * @module
 */
import type { Handlers } from "./handler.ts";
import { iovIterBvecQueue } from "../model/construct.ts";
import { spanned } from "../convert/bio.ts";
import { checkBvecBounds } from "./bvec_bounds.ts";

export const BVECQ_HANDLERS = {
  iov_iter_bvec_queue(r, a, node) {
    const queue = a.queue.map((q, s) => ({
      free: q.free,
      unpin: q.unpin,
      bvec: q.bvec.map((b, i) => ({
        pfn: b.page === undefined ? undefined : r.at.page(b.page, ["queue", s, "bvec", i, "page"]),
        offset: b.offset,
        len: b.page === undefined ? 0 : b.len,
      })),
    }));
    queue.forEach((q, s) =>
      q.bvec.forEach((b, i) => checkBvecBounds(r, `queue[${s}].bvec[${i}]`, b))
    );
    if (a.slot > queue[0].bvec.length) {
      return r.error(
        `slot ${a.slot} is past the first segment's ${queue[0].bvec.length} slots`,
        ["slot"],
      );
    }
    const task = r.at.defaultTask;
    const it = iovIterBvecQueue(
      { name: a.iter, task, step: node.index },
      a.dir,
      queue,
      a.slot,
      a.offset,
      a.count,
    );
    r.scope.define(it.name, { type: "iter", iter: it }, ["iter"]);
    return it.count;
  },
  // bvecq_put: per segment, unpin_user_page() each page of an `unpin` segment (one without a
  // pin underflows) and put_page() each page of a `free` one
  bvecq_put(r, a) {
    const it = r.scope.iter(a.iter);
    if (it.kind !== "bvecq") {
      return r.error(`"${a.iter}" is ${it.kind.toUpperCase()}, not ITER_BVECQ`, ["iter"]);
    }
    for (const q of it.queue) {
      for (let k = q.first; k < q.first + q.nrSlots; k++) {
        const bv = it.segs[k];
        // an empty slot (a NULL page is one) spans no page
        if (!bv.len) continue;
        for (const pfn of spanned(bv.pfn, bv.offset, bv.len, r.mem.pageSize)) {
          const page = r.mem.pageName(pfn);
          if (q.unpin && !r.holds.drop("pin", pfn)) {
            r.warn(
              "unpin_not_pinned",
              { fn: "bvecq_put", list: it.name },
              `bvecq_put unpins ${page} (segment flagged unpin), which holds no pin: the refcount underflows`,
              { cause: it.createdAt, page },
            );
          }
          // the queue's own pages (bounce/buffer pages): a counted ref, if any, is dropped;
          // otherwise the allocation reference itself goes back to the page allocator
          if (q.free && !q.unpin) r.holds.drop("ref", pfn);
        }
      }
    }
    r.scope.free(a.iter);
  },
} satisfies Partial<Handlers>;
