/**
 * (d) The pre-2023 cifs path: iterator -> page list -> sglist -> SGE. Merged code, modelled
 * after fs/cifs (fs/smb/client in 6.1.y) up to 6.2: setup_aio_ctx_iter() builds the async DIO
 * copy (a bvec array plus a separate page array, iov_iter_get_pages2 refs on every page; KVEC
 * falls back to the buffered copy path); each request then takes a page list again with
 * iov_iter_get_pages_alloc2 (one call, one request: a call never crosses an iovec boundary);
 * crypt_message()/init_sg() set one sg entry per page (cifs_sg_set_buf for KVEC data);
 * smbdirect fills an sglist per request (the MR's sgl in smbd_register_mr, or an on-stack
 * one in smbd_post_send_page/_data, which uses sg_set_buf: virt_to_page, wrong for vmalloc
 * memory) and DMA-maps each entry into an SGE.
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import type { World } from "../world.ts";
import type { Acct } from "../acct.ts";
import { SIZEOF } from "../acct.ts";
import {
  bvecByGetPages,
  chargeBvecArray,
  type Job,
  judgeRun,
  listOf,
  piecesOf,
  sgeFromPieces,
  sgFromPieces,
} from "./_build.ts";
import type { IovIter, VecIter } from "../../model/iter.ts";
import { iovIterGetPages } from "../../model/extract.ts";
import { iovIterAdvance } from "../../model/advance.ts";
import { splitPages } from "../../convert/_page_split.ts";
import { VMALLOC_BASE } from "../../model/memory.ts";
import { cloneIter } from "../../model/iter.ts";
import type { Pfn } from "../../types.ts";

type Piece = { pfn: Pfn; offset: number; len: number };

/**
 * Page lists per request: iov_iter_get_pages_alloc2 until `len` bytes, each call one request
 * with its own kvmalloc'd page array and a ref on every page. Returns the pages as pieces.
 */
function pageLists(
  w: World,
  it: IovIter,
  job: Job,
  acct: Acct,
  redundant = false,
): { pieces: Piece[]; requests: Piece[][] } {
  const modern = w.profile.has("get_pages2");
  const requests: Piece[][] = [];
  let left = job.len;
  acct.pass("iov_iter_get_pages_alloc2: a page list per request");
  while (left > 0) {
    const r = iovIterGetPages(w.ctx, it, {
      maxsize: left,
      maxpages: 0x7fffffff,
      step: job.step,
      advance: modern,
    });
    if (r.ret <= 0) {
      if (r.ret < 0) acct.note(`iov_iter_get_pages_alloc2 returned ${r.ret}; the request fails`);
      break;
    }
    acct.hold("ref", r.holds, redundant);
    if (it.kind === "pipe") acct.pipeClaimed += r.ret;
    if (!modern) iovIterAdvance(w.ctx, it, r.ret);
    acct.alloc({
      what: "page array",
      count: r.pfns.length,
      bytes: r.pfns.length * SIZEOF.page_ptr,
      storage: "kvmalloc",
      final: false,
      by: "iov_iter_get_pages_alloc2",
    });
    requests.push(piecesOf(w, r));
    left -= r.ret;
  }
  return { pieces: requests.flat(), requests };
}

/**
 * sg entries for kvecs: cifs_sg_set_buf (vmalloc-aware, per page) for crypto, plain
 * sg_set_buf (virt_to_page, one entry per kvec) for the smbdirect send path.
 */
function kvecSg(w: World, it: VecIter, len: number, vmallocAware: boolean, acct: Acct): Piece[] {
  const ps = w.mem.pageSize;
  const out: Piece[] = [];
  const c = cloneIter(it);
  let left = Math.min(len, c.count), bad = 0;
  for (let i = c.idx, skip = c.iovOffset; i < c.segs.length && left > 0; i++, skip = 0) {
    const l = Math.min(c.segs[i].len - skip, left);
    if (l <= 0) continue;
    const addr = c.segs[i].base + BigInt(skip);
    const off = Number(addr % BigInt(ps));
    const base = addr - BigInt(off);
    if (addr >= VMALLOC_BASE) {
      if (vmallocAware) {
        for (const p of splitPages(off, l, ps)) {
          const loc = w.mem.translate(base + BigInt(p.page * ps));
          out.push({ pfn: loc ? loc.pfn : -1, offset: p.offset, len: p.len });
        }
      } else {
        bad++;
        out.push({ pfn: -1, offset: off, len: l });
      }
    } else {
      const loc = w.mem.translate(base);
      out.push({ pfn: loc ? loc.pfn : -1, offset: off, len: l });
    }
    left -= l;
  }
  if (bad) {
    acct.note(
      `${bad} kvecs are vmalloc memory: sg_set_buf's virt_to_page() does not give their pages`,
    );
  }
  iovIterAdvance(w.ctx, it, Math.min(len, it.count));
  return out;
}

/** Strategy (d). */
export const cifsPageList: Strategy = {
  id: "d",
  name: "cifs page list -> sg -> SGE",
  status: "merged",
  follows:
    "merged to 6.2: fs/cifs setup_aio_ctx_iter(), cifs_send_async_read()/cifs_write_from_iter() (iov_iter_get_pages_alloc2), init_sg(), smbdirect smbd_register_mr()/smbd_post_send_data() (6.1.y source)",
  run(w, src, job, acct) {
    if (src.kind === "discard") return { na: "DISCARD has no pages" };
    if (src.kind === "pipe" && job.purpose !== "dio") {
      return { na: "a PIPE is a splice destination: only the DIO job applies" };
    }
    if (job.purpose === "dio") {
      if (src.kind === "kvec") {
        return {
          na:
            "cifs does no direct I/O from a KVEC: __cifs_readv/__cifs_writev fall back to the buffered copy path",
        };
      }
      const bv = bvecByGetPages(w, src, job.len, acct, {
        step: job.step,
        fn: "setup_aio_ctx_iter",
      });
      chargeBvecArray(acct, bv.length, {
        final: true,
        by: "setup_aio_ctx_iter",
        storage: "kmalloc",
      });
      acct.alloc({
        what: "page array",
        count: bv.length,
        bytes: bv.length * SIZEOF.page_ptr,
        storage: "kmalloc",
        final: false,
        by: "setup_aio_ctx_iter",
      });
      // each request then takes its page list from the copy, refs again on the same pages
      const ctxIter: IovIter = {
        name: `${src.name}.ctx`,
        task: src.task,
        createdAt: src.createdAt,
        dir: src.dir,
        count: bv.reduce((n, b) => n + b.len, 0),
        iovOffset: 0,
        nofault: false,
        kind: "bvec",
        segs: bv,
        idx: 0,
      };
      if (src.kind !== "pipe") pageLists(w, ctxIter, { ...job, len: ctxIter.count }, acct, true);
      judgeRun(w, src, job, acct, "setup_aio_ctx_iter");
      return { list: listOf(w, "bvec", bv) };
    }
    let pieces: Piece[];
    if (src.kind === "kvec") {
      acct.pass(job.purpose === "sg" ? "cifs_sg_set_buf per kvec" : "sg_set_buf per kvec");
      pieces = kvecSg(w, src, job.len, job.purpose === "sg", acct);
      acct.alloc({
        what: "sg table",
        count: pieces.length,
        bytes: pieces.length * SIZEOF.scatterlist,
        storage: job.purpose === "sg" ? "kmalloc" : "stack",
        final: job.purpose === "sg",
        by: job.purpose === "sg" ? "init_sg" : "smbd_post_send_data",
      });
    } else {
      const lists = pageLists(w, src, job, acct);
      pieces = sgFromPieces(acct, lists.pieces, {
        final: job.purpose === "sg",
        by: job.purpose === "sg"
          ? "init_sg: sg_set_page per page"
          : "smbd_register_mr: sg_set_page per page",
        storage: job.purpose === "sg" ? "kmalloc" : "per-MR (preallocated)",
      });
      if (lists.requests.length > 1) {
        acct.note(`${lists.requests.length} requests, one per iov_iter_get_pages_alloc2 call`);
      }
    }
    if (job.purpose === "sg") {
      judgeRun(w, src, job, acct, "init_sg");
      return { list: listOf(w, "sg", pieces) };
    }
    const sge = sgeFromPieces(w, acct, pieces, "ib_dma_map_sg");
    judgeRun(w, src, job, acct, "smbdirect");
    return { list: listOf(w, "sge", sge) };
  },
};
