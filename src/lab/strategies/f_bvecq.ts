/**
 * (f) The 7.4 answer: ITER_BVECQ, a segmented queue of bio_vec arrays whose segments carry
 * their own release policy (`unpin`: bvecq_put() unpins; `free`: it puts; neither: the pages
 * are someone else's). The kind, its extraction, extract_bvecq_to_sg and the smbdirect mapper
 * are the model's own (src/model/kinds/bvecq.ts, 7.4); what netfs does with them is a labelled
 * model of Howells' posted series "netfs: Keep track of
 * folios in a segmented bio_vec[] chain" (v2 18 May 2026,
 * lore 20260518222959.488126-1-dhowells@redhat.com; "iov_iter: Add a segmented queue of
 * bio_vec[]" queued for 7.4 in vfs-7.4.netfs as 05f94143ca30, v14 30 Sep 2026) and its
 * "netfs: Add a function to extract from an iter into a bvecq" (netfs_extract_iter, v4 17/30
 * 16 Jun 2026, lore 20260616100821.2062304-18-dhowells@redhat.com; in netfs-next, not in the
 * 7.4 queue):
 * - DIO: netfs_extract_iter from any kind: iov_iter_npages, one bvecq segment sized by it,
 *   then iov_iter_extract_pages into it, one bio_vec per page piece (pins for user memory,
 *   nothing for the rest), the page-pointer scratch in the tail of the bio_vec array;
 * - buffered page-cache data (a FOLIOQ before 7.4, an XARRAY before 6.12) is held in a bvecq,
 *   one bio_vec per folio portion, the folios tracked by netfs (no release flag here);
 * - crypto: extract_iter_to_sg as merged; RDMA: smbdirect_map_sges_from_iter (common smbdirect
 *   module, 7.1+): ITER_SOURCE only, BVEC, KVEC and BVECQ; a user iterator is first extracted
 *   into a bvecq; a PIPE no longer exists.
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import type { World } from "../world.ts";
import type { Acct } from "../acct.ts";
import { SIZEOF } from "../acct.ts";
import {
  type Job,
  judgeRun,
  listOf,
  piecesOf,
  sgByExtract,
  sgeByMapper,
  walkedPieces,
} from "./_build.ts";
import type { BvecSeg, IovIter } from "../../model/iter.ts";
import { cloneIter, userBacked } from "../../model/iter.ts";
import { iovIterNpages } from "../../model/query.ts";
import { iovIterExtractPages } from "../../model/extract.ts";
import { iovIterAdvance } from "../../model/advance.ts";
import { iovIterBvecQueue } from "../../model/construct.ts";
import { compareRelease } from "../../profile.ts";

/** The release ITER_BVECQ is queued for. */
export const BVECQ_ERA = "7.4";

/**
 * struct bvecq without its bio_vecs: next, prev, fpos, ref, priv, nr_slots/max_slots, the flag
 * bits and bv; "on a 64-bit machine, the whole thing fits into 48 bytes" (Howells, reply on
 * the bvecq series, 2026).
 */
const BVECQ_HEADER = 48;

/**
 * bvecq_alloc_one(nr_slots) of "netfs: Add some tools for managing bvecq chains" (v3 09/22,
 * 8 Jun 2026, lore 20260608145432.681865-10-dhowells@redhat.com): the header and its inline
 * slots in one kmalloc object rounded up to a power of two, at most 512 bytes, so at most
 * 29 slots on 64-bit (BVECQ_STD_SLOTS); max_slots is what the rounded object holds.
 */
function bvecqAllocOne(nrSlots: number): { slots: number; bytes: number } {
  const part = Math.min(nrSlots, BVECQ_STD_SLOTS);
  const bytes = 2 ** Math.ceil(Math.log2(BVECQ_HEADER + part * SIZEOF.bio_vec));
  return { slots: (bytes - BVECQ_HEADER) / SIZEOF.bio_vec, bytes };
}

/** Slots of a full bvecq: (512 - 48) / sizeof(struct bio_vec). */
const BVECQ_STD_SLOTS = 29;

/**
 * netfs_extract_iter (v4 17/30): iov_iter_npages, then a chain of bvecqs, each from
 * bvecq_alloc_one(pages still wanted) and filled by iov_iter_extract_pages until full, one
 * bio_vec per page piece; the result as an ITER_BVECQ.
 */
function extractToBvecq(w: World, src: IovIter, job: Job, acct: Acct): IovIter {
  let maxPages = iovIterNpages(w.ctx, src, 0x7fffffff);
  acct.pass("netfs_extract_iter: iov_iter_npages (size the bvecq)");
  acct.pass("netfs_extract_iter: iov_iter_extract_pages loop");
  const unpin = userBacked(src);
  const queue: { bvec: BvecSeg[]; free: boolean; unpin: boolean }[] = [];
  let left = job.len, bytes = 0;
  fill: while (left > 0 && maxPages > 0) {
    const seg = bvecqAllocOne(maxPages);
    bytes += seg.bytes;
    const bv: BvecSeg[] = [];
    queue.push({ bvec: bv, free: false, unpin });
    while (left > 0 && maxPages > 0 && bv.length < seg.slots) {
      const r = iovIterExtractPages(w.ctx, src, {
        maxsize: left,
        maxpages: Math.min(seg.slots - bv.length, maxPages),
        step: job.step,
        p2pdma: false,
      });
      if (r.ret <= 0) {
        acct.note(`netfs_extract_iter: iov_iter_extract_pages returned ${r.ret}: -EIO`);
        break fill;
      }
      if (r.retention === "pin") acct.hold("pin", r.holds);
      left -= r.ret;
      const pieces = piecesOf(w, r);
      bv.push(...pieces);
      maxPages -= pieces.length;
    }
  }
  acct.alloc({
    what: "bvecq segment",
    count: queue.length,
    bytes,
    storage: "kmalloc",
    final: true,
    by: "netfs_extract_iter: bvecq_alloc_one",
  });
  if (unpin) acct.note("the bvecq segment is marked unpin (BVECQ_MEM_GUP): bvecq_put() unpins");
  return iovIterBvecQueue(
    { name: `${src.name}.bq`, task: src.task, step: job.step },
    src.dir,
    queue.length ? queue : [{ bvec: [], free: false, unpin }],
    0,
    0,
    job.len - left,
  );
}

/**
 * Page-cache data as netfs holds it from 7.4: a bvecq chain, one bio_vec per folio portion,
 * BVECQ_STD_SLOTS to a segment (not a folio_queue's 31).
 */
function asBvecq(w: World, src: IovIter, len: number, acct: Acct): IovIter {
  const c = cloneIter(src);
  const bv = c.kind === "folioq" || c.kind === "xarray" ? walkedPieces(w, c, len) : [];
  iovIterAdvance(w.ctx, src, Math.min(len, src.count));
  acct.note(
    `the ${src.kind.toUpperCase()} buffer is an ITER_BVECQ from 7.4 (one bio_vec per folio)`,
  );
  const queue = [];
  for (let i = 0; i < bv.length; i += BVECQ_STD_SLOTS) {
    queue.push({ bvec: bv.slice(i, i + BVECQ_STD_SLOTS), free: false, unpin: false });
  }
  let n = 0;
  for (const b of bv) n += b.len;
  return iovIterBvecQueue(
    { name: `${src.name}.bq`, task: src.task, step: src.createdAt },
    src.dir,
    queue.length ? queue : [{ bvec: [], free: false, unpin: false }],
    0,
    0,
    n,
  );
}

/** Strategy (f). */
export const bvecq74: Strategy = {
  id: "f",
  name: "7.4 ITER_BVECQ",
  status: "proposal",
  follows:
    'ITER_BVECQ (7.4, the model\'s kind) as netfs uses it in the posted "netfs: Keep track of folios in a segmented bio_vec[] chain" (v14 30 Sep 2026; lore 20260518222959.488126-1-dhowells@redhat.com) and "netfs: Add a function to extract from an iter into a bvecq" (netfs_extract_iter, v4 17/30 16 Jun 2026, netfs-next only); smbdirect_map_sges_from_iter',
  era: BVECQ_ERA,
  accepts: (kind) => kind === "folioq",
  unavailable(w) {
    const r = w.profile.release;
    return compareRelease([r[0], r[1]], [7, 4]) < 0
      ? `ITER_BVECQ is queued for 7.4, kernel is ${w.profile.name}`
      : undefined;
  },
  run(w, src, job, acct) {
    if (src.kind === "discard") return { na: "DISCARD has no pages" };
    if (src.kind === "pipe") return { na: "ITER_PIPE was removed in 6.5" };
    const buffered = src.kind === "folioq" || src.kind === "xarray";
    if (job.purpose === "dio") {
      const it = buffered ? asBvecq(w, src, job.len, acct) : src;
      const bq = extractToBvecq(w, it, job, acct);
      judgeRun(w, src, job, acct, "netfs_extract_iter");
      return { list: listOf(w, "bvecq", bq.kind === "bvecq" ? bq.segs : []) };
    }
    if (job.purpose === "sg") {
      return sgByExtract(w, src, job, acct, {
        via: buffered ? asBvecq(w, src, job.len, acct) : src,
        pass: buffered ? "extract_bvecq_to_sg" : "extract_iter_to_sg",
      });
    }
    let it: IovIter = src;
    if (buffered) it = asBvecq(w, src, job.len, acct);
    else if (userBacked(src)) {
      acct.note("smbdirect refuses user iterators: netfs_extract_iter into a bvecq first (pins)");
      it = extractToBvecq(w, src, job, acct);
    }
    return sgeByMapper(w, src, job, acct, { via: it, by: "smbdirect_map_sges_from_iter" });
  },
};
