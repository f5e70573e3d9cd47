/**
 * (b) Scan and call back over the segments. A labelled model of the posted, never merged
 * iov_iter_scan() (David Howells, "iov_iter: Add a general purpose iteration function",
 * 27 May 2022, lore 165364824973.3334034.10715738699511650662.stgit@warthog.procyon.org.uk):
 * iterate_and_advance() hands each chunk's *address* to a scanner, which the cifs/netfs
 * users of the series turned into an sg entry (sg_set_buf, i.e. virt_to_page). Nothing is
 * pinned or referenced. A user-backed iterator hands the scanner user addresses, which have
 * no struct page behind virt_to_page; a vmalloc KVEC hands it vmalloc addresses, for which
 * virt_to_page is invalid (Al Viro: "I didn't get the IOBUF or KVEC handling right", as
 * Howells summed up on 14 Oct 2022). BVEC, XARRAY and FOLIOQ chunks are kmapped pages and
 * come out right. A scan holds nothing, so it cannot make a copy that outlives an async DIO.
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import { judgeRun, listOf, sgeFromPieces, sgFromPieces } from "./_build.ts";
import { iterateAndAdvance } from "../../model/iterate.ts";
import { VMALLOC_BASE } from "../../model/memory.ts";
import type { Pfn } from "../../types.ts";

const FN = "iov_iter_scan";

/** Strategy (b). */
export const scanCallback: Strategy = {
  id: "b",
  name: "scan + callback",
  status: "proposal",
  follows:
    'posted: "iov_iter: Add a general purpose iteration function" (iov_iter_scan, Howells, 27 May 2022; lore 165364824973.3334034.10715738699511650662.stgit@warthog.procyon.org.uk)',
  run(w, src, job, acct) {
    if (job.purpose === "dio") {
      return {
        na:
          "a scan holds nothing and leaves no list: it cannot make a copy that outlives an async DIO",
      };
    }
    if (src.kind === "pipe" || src.kind === "discard") {
      return { na: `${src.kind.toUpperCase()} has no data to scan` };
    }
    const pieces: { pfn: Pfn; offset: number; len: number }[] = [];
    let bad = 0;
    acct.pass(`${FN}: iterate_and_advance with the scanner`);
    iterateAndAdvance(w.mem, src, job.len, (p) => {
      // virt_to_page() of what the scanner is handed
      const invalid = p.user || (p.addr !== undefined && p.addr >= VMALLOC_BASE);
      if (invalid) bad++;
      pieces.push({ pfn: invalid ? -1 : p.pfn, offset: p.inPage, len: p.len });
      return 0;
    }, w.profile);
    if (bad) {
      acct.note(
        src.kind === "kvec"
          ? `${bad} chunks are vmalloc addresses: virt_to_page() of them is not their page`
          : `${bad} chunks are user addresses: the scanner has no page for them (nothing was pinned)`,
      );
    }
    if (job.purpose === "sg") {
      const sg = sgFromPieces(acct, pieces, {
        final: true,
        by: "scanner: sg_set_buf per chunk",
        pass: false,
      });
      judgeRun(w, src, job, acct, FN);
      return { list: listOf(w, "sg", sg) };
    }
    // the callback can map each chunk straight into an SGE: no sglist in between
    const sge = sgeFromPieces(w, acct, pieces, "scanner: ib_dma_map_page per chunk", {
      pass: false,
    });
    judgeRun(w, src, job, acct, FN);
    return { list: listOf(w, "sge", sge) };
  },
};
