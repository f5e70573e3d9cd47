/**
 * (c) One common framework extracting into any list type. A labelled model of the posted,
 * never merged RFC "iov_iter: Add extraction functions" (David Howells, 10 Sep 2022,
 * lore 3750754.1662765490@warthog.procyon.org.uk): one set of per-kind extractors feeding a
 * BVEC, an sglist or an ib_sge array through a destination switch. UBUF/IOVEC pages are taken
 * with get_user_pages_fast (refs, FOLL_WRITE for reads), one entry per page; BVEC gives one
 * entry per bvec, KVEC one per page (vmalloc-aware), XARRAY one per folio with its offset
 * taken from the original start, all without holds; PIPE is -EIO and other kinds -EFAULT
 * (FOLIOQ did not exist yet). Copies of BVEC/KVEC iterators duplicate and trim the segment
 * table; the RDMA extractor refuses user iterators ("ib_sge does not provide a place to note
 * the source page(s)"), so they go through extract_iter_to_iter first, as the RFC suggests.
 * Al Viro was not keen: the destination switch loses type safety.
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import type { World } from "../world.ts";
import type { Acct } from "../acct.ts";
import { SIZEOF } from "../acct.ts";
import {
  chargeBvecArray,
  judgeRun,
  listOf,
  sgeFromPieces,
  sgFromPieces,
  walkedPieces,
} from "./_build.ts";
import type { Job } from "./_build.ts";
import type { IovIter, UbufIter, VecIter } from "../../model/iter.ts";
import { gupFast } from "../../model/gup.ts";
import { iovIterNpages } from "../../model/query.ts";
import type { Pfn } from "../../types.ts";
import { nrSegs } from "../../model/iter.ts";

type Piece = { pfn: Pfn; offset: number; len: number };

/** iov_iter_extract_user() of the RFC: GUP (refs) per iovec segment, one entry per page. */
function userPieces(w: World, it: UbufIter | VecIter, len: number, acct: Acct): Piece[] {
  const ps = w.mem.pageSize;
  const segs = it.kind === "ubuf" ? [{ base: it.ubuf, len: it.count + it.iovOffset }] : it.segs;
  let i = it.kind === "ubuf" ? 0 : it.idx, start = it.iovOffset, left = len;
  const out: Piece[] = [];
  while (left > 0 && i < segs.length) {
    const seg = segs[i];
    if (start >= seg.len) {
      start -= seg.len;
      i++;
      continue;
    }
    const uaddr = seg.base + BigInt(start);
    let l = Math.min(left, seg.len - start);
    const off = Number(uaddr % BigInt(ps));
    const n = Math.ceil((l + off) / ps);
    const g = gupFast(w.ctx, it.task, uaddr - BigInt(off), n, {
      write: it.dir === "dest",
      pin: false,
      p2pdma: false,
      nofault: it.nofault,
    }, it.createdAt);
    if ("errno" in g || !g.pfns.length) {
      acct.note(
        `get_user_pages_fast failed${"errno" in g ? ` (${g.errno})` : ""}; extraction stops`,
      );
      break;
    }
    acct.hold("ref", g.pfns);
    l = Math.min(l, g.pfns.length * ps - off);
    let o = off, rem = l;
    for (const pfn of g.pfns) {
      const seg2 = Math.min(ps - o, rem);
      out.push({ pfn, offset: o, len: seg2 });
      rem -= seg2;
      o = 0;
    }
    left -= l;
    start += l;
  }
  return out;
}

/** iov_iter_extract_pages() of the RFC: the per-kind dispatch. */
function extract(w: World, it: IovIter, job: Job, acct: Acct, fn: string): Piece[] | string {
  acct.pass(`${fn}: per-kind extraction`);
  switch (it.kind) {
    case "ubuf":
    case "iovec":
      return userPieces(w, it, job.len, acct);
    case "bvec":
    case "kvec":
    case "xarray": {
      return walkedPieces(w, it, job.len, { xarrayOffsetFromStart: true });
    }
    case "pipe":
      w.ctx.warn(
        "pipe_wrong_use",
        { fn, iter: it.name },
        `${fn} on PIPE "${it.name}": "extract pipe unsupported", -EIO`,
      );
      return 'PIPE: -EIO ("extract pipe unsupported")';
    default:
      w.ctx.warn(
        "unsupported_kind",
        { fn, iter: it.name, kind: it.kind },
        `${fn} on ${it.kind.toUpperCase()} "${it.name}": "extract other-type unsupported", -EFAULT`,
      );
      return `${it.kind.toUpperCase()}: -EFAULT ("extract other-type unsupported")`;
  }
}

/** Strategy (c). */
export const commonFramework: Strategy = {
  id: "c",
  name: "common framework",
  status: "proposal",
  follows:
    'posted: "[RFC][PATCH] iov_iter: Add extraction functions" (Howells, 10 Sep 2022; lore 3750754.1662765490@warthog.procyon.org.uk)',
  run(w, src, job, acct) {
    if (job.purpose === "dio") {
      const fn = "extract_iter_to_iter";
      if (src.kind === "bvec" || src.kind === "kvec" || src.kind === "xarray") {
        // BVEC/KVEC: the segment table is duplicated and trimmed; XARRAY: the iterator copied
        if (src.kind !== "xarray") {
          const n = nrSegs(src);
          acct.alloc({
            what: `${src.kind} table copy`,
            count: n,
            bytes: n * (src.kind === "bvec" ? SIZEOF.bio_vec : SIZEOF.kvec),
            storage: "kmalloc",
            final: true,
            by: fn,
          });
        }
        acct.pass(`${fn}: copy and trim the iterator`);
        const out = walkedPieces(w, src, job.len, { xarrayOffsetFromStart: true });
        return { list: listOf(w, "iter", out) };
      }
      const n = iovIterNpages(w.ctx, src, 0x7fffffff);
      acct.pass("iov_iter_npages (size the bvec array)");
      const r = extract(w, src, job, acct, fn);
      if (typeof r === "string") return { na: r };
      chargeBvecArray(acct, n, { final: true, by: fn });
      judgeRun(w, src, job, acct, fn);
      return { list: listOf(w, "bvec", r) };
    }
    if (job.purpose === "sg") {
      const fn = "extract_iter_to_sg";
      const r = extract(w, src, job, acct, fn);
      if (typeof r === "string") return { na: r };
      const sg = sgFromPieces(acct, r, { final: true, by: fn, pass: false });
      judgeRun(w, src, job, acct, fn);
      return { list: listOf(w, "sg", sg) };
    }
    const fn = "extract_iter_to_rdma";
    let pieces: Piece[] | string;
    if (src.kind === "ubuf" || src.kind === "iovec") {
      acct.note(
        "extract_iter_to_rdma refuses user iterators: extract_iter_to_iter first (a BVEC with refs)",
      );
      const n = iovIterNpages(w.ctx, src, 0x7fffffff);
      acct.pass("iov_iter_npages (size the bvec array)");
      pieces = extract(w, src, job, acct, "extract_iter_to_iter");
      if (typeof pieces !== "string") {
        chargeBvecArray(acct, n, { final: false, by: "extract_iter_to_iter" });
      }
    } else pieces = extract(w, src, job, acct, fn);
    if (typeof pieces === "string") return { na: pieces };
    const sge = sgeFromPieces(w, acct, pieces, `${fn}: ib_dma_map_page per entry`, {
      pass: !(src.kind === "ubuf" || src.kind === "iovec") ? false : true,
    });
    judgeRun(w, src, job, acct, fn);
    return { list: listOf(w, "sge", sge) };
  },
};
