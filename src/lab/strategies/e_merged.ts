/**
 * (e) The merged answer of 6.3: iov_iter_extract_pages (pins for user-backed iterators,
 * nothing for the rest), netfs_extract_user_iter for the async DIO copy of a user iterator
 * (kernel-backed iterators are copied: their creator keeps the memory alive, as cifs's
 * __cifs_readv and netfs do from 6.3), extract_iter_to_sg for crypto, smb_extract_iter_to_rdma
 * straight from the iterator to SGEs (a user iterator is first made a pinned BVEC, as cifs
 * does), and for a splice into a PIPE the O_DIRECT path of 6.3 (direct_splice_read, later
 * copy_splice_read): bounce pages read synchronously through an ITER_BVEC, pushed into the
 * pipe only once filled (6.3 merged it with the extraction API: 7c8e01ebf236 "splice: Export
 * filemap/direct_splice_read()"). All sequences of the model's own functions.
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import type { World } from "../world.ts";
import type { Acct } from "../acct.ts";
import {
  chargeBvecArray,
  type Job,
  judgeRun,
  listOf,
  type Outcome,
  sgByExtract,
  sgeByMapper,
} from "./_build.ts";
import { copyOfIter } from "./_copy.ts";
import type { BvecSeg, IovIter, PipeIter } from "../../model/iter.ts";
import { userBacked } from "../../model/iter.ts";
import { iovIterNpages } from "../../model/query.ts";
import { iovIterAdvance } from "../../model/advance.ts";
import { netfsExtractUserIter } from "../../convert/netfs.ts";
import { iovIterBvec } from "../../model/construct.ts";
import { notInEraReason } from "../../profile.ts";

/** The pins taken by netfs_extract_user_iter, as a BVEC iterator over them. */
function userToBvec(w: World, src: IovIter, job: Job, acct: Acct, final: boolean): IovIter {
  // netfs_extract_user_iter sizes its array by iov_iter_npages(orig, INT_MAX)
  const n = iovIterNpages(w.ctx, src, 0x7fffffff);
  const r = netfsExtractUserIter(w.ctx, src, job.len, { p2pdma: false, step: job.step });
  acct.pass("netfs_extract_user_iter: iov_iter_npages (size the bvec array)");
  acct.pass("netfs_extract_user_iter: iov_iter_extract_pages loop");
  acct.hold("pin", r.recorded);
  acct.hold("pin", r.leaked);
  if (r.leaked.length) {
    acct.note(`${r.leaked.length} pins taken but not recorded in the bvec array`);
  }
  chargeBvecArray(acct, n, { final, by: "netfs_extract_user_iter" });
  return iovIterBvec({ name: `${src.name}.bv`, task: src.task, step: job.step }, src.dir, r.bvec);
}

/** direct_splice_read() (6.3; copy_splice_read() from 6.5): bounce pages, filled, then pushed. */
function spliceRead(w: World, src: PipeIter, job: Job, acct: Acct): Outcome {
  const ps = w.mem.pageSize;
  const len = Math.min(job.len, src.count);
  const room = Math.max(src.pipe.maxUsage - (src.pipe.head - src.pipe.tail), 0);
  const n = Math.min(Math.ceil(len / ps), room);
  const pfns = w.mem.allocPages(src.pipe.name, n);
  acct.alloc({
    what: "bounce pages",
    count: n,
    bytes: n * ps,
    storage: "page allocator",
    final: true,
    by: "direct_splice_read: alloc_pages_bulk_array",
  });
  chargeBvecArray(acct, n, { final: false, by: "direct_splice_read", storage: "kmalloc" });
  acct.pass("direct_splice_read: synchronous read into an ITER_BVEC over the bounce pages");
  acct.pass("direct_splice_read: push the filled pages into the pipe");
  acct.note("synchronous: the splice waits for the read, then pushes only the pages it filled");
  const bv: BvecSeg[] = [];
  let left = Math.min(len, n * ps);
  for (const pfn of pfns) {
    const l = Math.min(left, ps);
    bv.push({ pfn, offset: 0, len: l });
    left -= l;
  }
  return { list: listOf(w, "bvec", bv) };
}

/** Strategy (e). */
export const merged63: Strategy = {
  id: "e",
  name: "merged 6.3 API",
  status: "merged",
  follows:
    "merged in 6.3: iov_iter_extract_pages, netfs_extract_user_iter, extract_iter_to_sg (netfs_extract_iter_to_sg until 6.5), smb_extract_iter_to_rdma; direct_splice_read for O_DIRECT splice",
  unavailable(w) {
    return notInEraReason("extract_pages", w.profile);
  },
  run(w, src, job, acct) {
    if (src.kind === "discard") return { na: "DISCARD has no pages" };
    if (src.kind === "pipe") {
      if (job.purpose !== "dio") {
        return { na: "a PIPE is a splice destination: only the DIO job applies" };
      }
      return spliceRead(w, src, job, acct);
    }
    if (job.purpose === "dio") {
      if (userBacked(src)) {
        const bv = userToBvec(w, src, job, acct, true);
        judgeRun(w, src, job, acct, "netfs_extract_user_iter");
        return { list: listOf(w, "bvec", bv.kind === "bvec" ? bv.segs : []) };
      }
      acct.pass("copy the iterator (ctx->iter = *iter), trimmed to the length");
      const copy = copyOfIter(w, src, job.len);
      iovIterAdvance(w.ctx, src, Math.min(job.len, src.count));
      acct.note(
        "the creator keeps the memory (and a KVEC/BVEC array) alive until the I/O completes",
      );
      return { list: listOf(w, "iter", copy) };
    }
    if (job.purpose === "sg") return sgByExtract(w, src, job, acct, { pass: "extract_iter_to_sg" });
    let it: IovIter = src;
    if (userBacked(src)) {
      acct.note(
        "smb_extract_iter_to_rdma refuses user iterators: netfs_extract_user_iter first (pins)",
      );
      it = userToBvec(w, src, job, acct, false);
    }
    return sgeByMapper(w, src, job, acct, { via: it, by: "smb_extract_iter_to_rdma" });
  },
};
