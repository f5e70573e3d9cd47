/**
 * (a) The first attempt: extract into a BVEC by repeated iov_iter_get_pages. A labelled model
 * of the posted, never merged extract_iter_to_iter() (David Howells, "iov_iter: Add a function
 * to extract an iter's buffers to a bvec iter", v3 27 May 2022,
 * lore 165364824259.3334034.5837838050291740324.stgit@warthog.procyon.org.uk), itself cifs's
 * setup_aio_ctx_iter() generalised: KVEC and DISCARD iterators are copied as they are; every
 * other kind goes through iov_iter_get_pages, one bvec per page, a ref on every page (BVEC and
 * XARRAY pages included), and a PIPE grows as its pages are got. Sglists and SGEs are then
 * made from that BVEC, as Howells described his cifs code in October 2022 ("I still end up
 * converting it to a scatterlist, which is then converted to a QPE").
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import {
  bvecByGetPages,
  chargeBvecArray,
  judgeRun,
  listOf,
  sgeFromPieces,
  sgFromPieces,
} from "./_build.ts";
import { iovIterAdvance } from "../../model/advance.ts";
import { copyOfIter } from "./_copy.ts";

const FN = "extract_iter_to_iter";

/** Strategy (a). */
export const getPagesBvec: Strategy = {
  id: "a",
  name: "get_pages -> BVEC",
  status: "proposal",
  follows:
    'posted: "iov_iter: Add a function to extract an iter\'s buffers to a bvec iter" (Howells, v3 27 May 2022; lore 165364824259.3334034.5837838050291740324.stgit@warthog.procyon.org.uk), after cifs setup_aio_ctx_iter()',
  run(w, src, job, acct) {
    if (src.kind === "kvec" || src.kind === "discard") {
      // *new = *orig: the copy shares the caller's kvec array and holds nothing
      const copy = copyOfIter(w, src, job.len);
      iovIterAdvance(w.ctx, src, job.len);
      acct.pass(`${FN}: copy the iterator (*new = *orig)`);
      if (job.purpose !== "dio") {
        return {
          na: `${FN} copies a ${src.kind.toUpperCase()} iterator: no page list to build an ${
            job.purpose === "sg" ? "sglist" : "SGE array"
          } from`,
        };
      }
      acct.note("the copy points at the caller's kvec array, which must outlive the I/O");
      return { list: listOf(w, "iter", copy) };
    }
    if (src.kind === "pipe" && job.purpose !== "dio") {
      return { na: "a PIPE is a splice destination: only the DIO job applies" };
    }
    const bv = bvecByGetPages(w, src, job.len, acct, { step: job.step, fn: FN });
    chargeBvecArray(acct, bv.length, { final: job.purpose === "dio", by: FN });
    if (job.purpose === "dio") {
      judgeRun(w, src, job, acct, FN);
      return { list: listOf(w, "bvec", bv) };
    }
    const sg = sgFromPieces(acct, bv, { final: job.purpose === "sg", by: "sg_set_page per bvec" });
    if (job.purpose === "sg") {
      judgeRun(w, src, job, acct, FN);
      return { list: listOf(w, "sg", sg) };
    }
    const sge = sgeFromPieces(w, acct, sg, "ib_dma_map_page per sg entry");
    judgeRun(w, src, job, acct, FN);
    return { list: listOf(w, "sge", sge) };
  },
};
