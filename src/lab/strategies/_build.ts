/**
 * Building blocks the strategies share, each a sequence of the model's own functions:
 * a BVEC built by repeated iov_iter_get_pages (cifs's setup_aio_ctx_iter, generalised as the
 * 2022 extract_iter_to_iter), an sg list built one entry per bvec or page (sg_set_page), SGEs
 * DMA-mapped one per sg entry (ib_dma_map_page), and the hazards the lab judges from a run.
 *
 * @module
 */
import type { World } from "../world.ts";
import { type Acct, bytesOf, entriesOf, type FinalList, SIZEOF } from "../acct.ts";
import type { BvecSeg, IovIter } from "../../model/iter.ts";
import { userBacked } from "../../model/iter.ts";
import { type Extraction, iovIterGetPages } from "../../model/extract.ts";
import { splitPages } from "../../convert/_page_split.ts";
import { iovIterAdvance } from "../../model/advance.ts";
import { iovIterNpages } from "../../model/query.ts";
import { extractIterToSg } from "../../convert/to_sg.ts";
import { sgInitTable } from "../../convert/sg.ts";
import { type RdmaList, smbExtractIterToRdma } from "../../convert/rdma.ts";
import type { Holds } from "../../convert/holds.ts";
import { type KernelIter, type PieceOptions, walkPieces } from "../../convert/_pieces.ts";
import type { Pfn } from "../../types.ts";

/** What the workload asks for. */
export type Purpose = "dio" | "sg" | "rdma";

/** One conversion a strategy performs. */
export interface Job {
  readonly purpose: Purpose;
  /** Bytes to convert. */
  readonly len: number;
  /** sg_max (sg) or max_sge (rdma) as the trace's op gave it; 0 for none. */
  readonly limit: number;
  /** DMA direction of an RDMA job. */
  readonly dmaDir: "to_device" | "from_device";
  /** The trace step of the conversion (for warnings' cause). */
  readonly step: number;
}

/** A strategy's answer for one job: a final list, or why it has none. */
export type Outcome = { readonly list: FinalList } | { readonly na: string };

/**
 * The bvec loop of cifs's setup_aio_ctx_iter() (fs/cifs/misc.c, to 6.2) and of the posted
 * extract_iter_to_iter(): size by iov_iter_npages, then iov_iter_get_pages until `len` bytes
 * or the array is full, one bvec per page, every page with a ref. Before 6.0 get_pages does
 * not advance, so the loop advances; from 6.0 iov_iter_get_pages2 advances by itself.
 */
export function bvecByGetPages(
  w: World,
  src: IovIter,
  len: number,
  acct: Acct,
  o: { step: number; fn: string },
): BvecSeg[] {
  const maxPages = iovIterNpages(w.ctx, src, 0x7fffffff);
  acct.pass("iov_iter_npages (size the bvec array)");
  acct.pass(`${o.fn}: iov_iter_get_pages loop`);
  const modern = w.profile.has("get_pages2");
  const bv: BvecSeg[] = [];
  let count = len;
  while (count && bv.length < maxPages) {
    const r = iovIterGetPages(w.ctx, src, {
      maxsize: count,
      maxpages: maxPages - bv.length,
      step: o.step,
      advance: modern,
    });
    if (r.ret <= 0) {
      if (r.ret < 0) acct.note(`${o.fn}: iov_iter_get_pages returned ${r.ret}; loop stops`);
      break;
    }
    acct.hold("ref", r.holds);
    if (src.kind === "pipe") acct.pipeClaimed += r.ret;
    if (!modern) iovIterAdvance(w.ctx, src, r.ret);
    count -= r.ret;
    bv.push(...piecesOf(w, r));
  }
  return bv;
}

/** The page pieces of a get/extract-pages result: one per page, from `offset0`, `ret` bytes. */
export function piecesOf(w: World, r: Extraction): BvecSeg[] {
  return splitPages(r.offset0, r.ret, w.mem.pageSize)
    .filter((p) => p.page < r.pfns.length)
    .map((p) => ({ pfn: r.pfns[p.page], offset: p.offset, len: p.len }));
}

/** The page pieces of `len` bytes of a kernel-backed iterator, walked (and advanced) by walkPieces. */
export function walkedPieces(
  w: World,
  it: KernelIter,
  len: number,
  opts: PieceOptions = {},
): BvecSeg[] {
  const out: BvecSeg[] = [];
  walkPieces(w.ctx, it, len, (pfn, offset, l) => {
    out.push({ pfn, offset, len: l });
    return false;
  }, opts);
  return out;
}

/** A final list over bvecs (or any page pieces). */
export function listOf(
  w: World,
  type: FinalList["type"],
  segs: readonly { pfn: Pfn; offset: number; len: number; addr?: number }[],
): FinalList {
  return { type, entries: entriesOf(w, segs), bytes: bytesOf(segs) };
}

/** An sg list with one entry per piece (sg_init_table + sg_set_page), charged to `acct`. */
export function sgFromPieces(
  acct: Acct,
  pieces: readonly { pfn: Pfn; offset: number; len: number }[],
  o: {
    final: boolean;
    by: string;
    storage?: "kmalloc" | "stack" | "per-MR (preallocated)";
    /** False when the entries are written during the extraction pass itself. */
    pass?: boolean;
  },
): { pfn: Pfn; offset: number; len: number }[] {
  acct.alloc({
    what: "sg table",
    count: pieces.length,
    bytes: pieces.length * SIZEOF.scatterlist,
    storage: o.storage ?? "kmalloc",
    final: o.final,
    by: o.by,
  });
  if (o.pass !== false) acct.pass(`${o.by}: fill the sg list`);
  return pieces.map((p) => ({ ...p }));
}

/** SGEs DMA-mapped one per piece (ib_dma_map_page), charged to `acct` as the final list. */
export function sgeFromPieces(
  w: World,
  acct: Acct,
  pieces: readonly { pfn: Pfn; offset: number; len: number }[],
  by: string,
  o: { pass?: boolean } = {},
): { pfn: Pfn; offset: number; len: number; addr: number }[] {
  acct.alloc({
    what: "ib_sge array",
    count: pieces.length,
    bytes: pieces.length * SIZEOF.ib_sge,
    storage: "kmalloc",
    final: true,
    by,
  });
  if (o.pass !== false) acct.pass(`${by}: DMA-map each entry into an SGE`);
  return pieces.map((p) => ({
    ...p,
    addr: p.pfn < 0 ? 0 : w.dma.map(p.pfn, p.offset, p.len),
  }));
}

/** Charges a bvec array (the final copy iterator or an intermediate list). */
export function chargeBvecArray(
  acct: Acct,
  n: number,
  o: { final: boolean; by: string; storage?: "kvmalloc" | "kmalloc" },
): void {
  acct.alloc({
    what: "bvec array",
    count: n,
    bytes: n * SIZEOF.bio_vec,
    storage: o.storage ?? "kvmalloc",
    final: o.final,
    by: o.by,
  });
}

/** A model conversion's holds, charged to `acct`. */
function holdsOf(acct: Acct): Holds {
  return {
    take: (kind, pfn) => acct.hold(kind, [pfn]),
    drop: () => true,
    takeRun: (kind, first, n) => acct.hold(kind, Array.from({ length: n }, (_, k) => first + k)),
    dropRun: (_kind, _first, n) => n,
    takeThenDrop: (kind, runs) =>
      acct.hold(kind, runs.flatMap((r) => Array.from({ length: r.n }, (_, k) => r.first + k))),
    miss: () => {},
  };
}

/**
 * extract_iter_to_sg as the merged callers use it: an sg table sized by iov_iter_npages (or
 * the op's sg_max), then one extraction from `o.via` (default `src`) into it.
 */
export function sgByExtract(
  w: World,
  src: IovIter,
  job: Job,
  acct: Acct,
  o: { via?: IovIter; pass: string },
): Outcome {
  const it = o.via ?? src;
  const n = iovIterNpages(w.ctx, it, 0x7fffffff);
  acct.pass("iov_iter_npages (size the sg table)");
  const max = job.limit || n;
  const t = sgInitTable("sg", max, job.step);
  acct.alloc({
    what: "sg table",
    count: max,
    bytes: max * SIZEOF.scatterlist,
    storage: "kmalloc",
    final: true,
    by: "caller (sized by iov_iter_npages)",
  });
  acct.pass(o.pass);
  const ret = extractIterToSg(w.ctx, it, t, {
    maxsize: job.len,
    sgMax: max,
    p2pdma: false,
    step: job.step,
  }, holdsOf(acct));
  if (ret < 0) return { na: `extract_iter_to_sg returned ${ret}` };
  judgeRun(w, src, job, acct, "extract_iter_to_sg");
  return {
    list: listOf(
      w,
      "sg",
      t.entries.slice(0, t.nents).map((e) => ({ pfn: e.pfn, offset: e.offset, len: e.length })),
    ),
  };
}

/** smb_extract_iter_to_rdma until 7.0; the common smbdirect_map_sges_from_iter from 7.1. */
function rdmaFn(w: World): "smb_extract_iter_to_rdma" | "smbdirect_map_sges_from_iter" {
  return w.profile.has("smbdirect_map_sges")
    ? "smbdirect_map_sges_from_iter"
    : "smb_extract_iter_to_rdma";
}

/**
 * The era's smbdirect mapper (smb_extract_iter_to_rdma, smbdirect_map_sges_from_iter from
 * 7.1) straight from `o.via` (default `src`) to SGEs, one work request of at most the op's
 * max_sge at a time; `o.by` names the caller in the passes and the allocation.
 */
export function sgeByMapper(
  w: World,
  src: IovIter,
  job: Job,
  acct: Acct,
  o: { via?: IovIter; by: string },
): Outcome {
  const it = o.via ?? src;
  const fn = rdmaFn(w);
  const maxSge = job.limit || 0x7fffffff;
  const sges: { pfn: number; offset: number; len: number; addr: number }[] = [];
  let left = Math.min(job.len, it.count), wrs = 0;
  acct.pass(`${o.by}: DMA-map each piece into an SGE`);
  while (left > 0) {
    const rdma: RdmaList = {
      name: `wr${wrs}`,
      sge: [],
      maxSge,
      lkey: 0n,
      dir: job.dmaDir,
      step: job.step,
    };
    const ret = smbExtractIterToRdma(w.ctx, it, left, rdma, w.dma, fn);
    if (ret <= 0) {
      if (!sges.length) return { na: `${fn} returned ${ret}` };
      break;
    }
    wrs++;
    left -= ret;
    for (const g of rdma.sge) {
      sges.push({ pfn: g.pfn, offset: g.offset, len: g.length, addr: g.addr });
    }
  }
  acct.alloc({
    what: "ib_sge array",
    count: sges.length,
    bytes: sges.length * SIZEOF.ib_sge,
    storage: "kmalloc",
    final: true,
    by: o.by,
  });
  if (wrs > 1) acct.note(`${wrs} work requests of at most ${maxSge} SGEs`);
  judgeRun(w, src, job, acct, o.by);
  return { list: listOf(w, "sge", sges) };
}

/**
 * The hazards a whole run raises that no single model call sees: a DIO read into user
 * memory held by plain refs (fork's COW can redirect the DMA: fork_under_dma_ref), and a PIPE
 * grown at extraction time, before the I/O has written anything (pipe_premature_claim).
 */
export function judgeRun(w: World, src: IovIter, job: Job, acct: Acct, name: string): void {
  const userRefs = acct.holds.filter((h) => h.kind === "ref").length;
  const intoUser = src.dir === "dest" && job.purpose !== "sg";
  if (userBacked(src) && intoUser && userRefs) {
    w.ctx.warn(
      "fork_under_dma_ref",
      { list: src.name, pages: userRefs },
      `${name}: ${userRefs} user pages of "${src.name}" are held for a DMA read by plain refs (FOLL_GET), not pins: a fork() during the I/O lets COW give the parent a fresh page while the device writes the old one`,
    );
  }
  if (acct.pipeClaimed) {
    w.ctx.warn(
      "pipe_premature_claim",
      { pipe: src.kind === "pipe" ? src.pipe.name : src.name, bytes: acct.pipeClaimed },
      `${name}: the PIPE "${src.name}" grew by ${acct.pipeClaimed} bytes when its pages were extracted, before the I/O wrote them; a short or failed I/O leaves readers seeing unwritten bytes, and a later revert frees buffers still under DMA`,
    );
  }
}
