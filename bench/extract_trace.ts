/**
 * Large extractions for measuring cost per page (issue 12 part B): a user buffer of `pages`
 * pages read by O_DIRECT as a vectored I/O of up to 1024 segments (UIO_MAXIOV), converted in
 * one of three ways a kernel caller would:
 *
 * - `sg`: extract_iter_to_sg() into one table of `pages` entries (crypto, AF_ALG), then every
 *   entry unpinned;
 * - `pages`: iov_iter_extract_pages() once per segment into page lists, all held, then every
 *   list unpinned (a block driver's bio_iov_iter_get_pages shape, without the bio);
 * - `rdma`: netfs_extract_user_iter() pins the pages into a BVEC of one bvec per page,
 *   smb_extract_iter_to_rdma() maps it to `pages` SGEs (in lists of at most 65,536, the
 *   trace format's bound on max_sge), then the BVEC's pages are unpinned (SMB-Direct's
 *   direct write).
 *
 * A 1 GiB extraction is 262,144 pages; tables and lists that large need raised limits
 * (`limitsFor`). More pages than that are walked by further 1 GiB I/Os over the same buffer
 * (one I/O cannot exceed MAX_RW_COUNT), each released before the next. `deno run bench/extract_trace.ts SHAPE PAGES` prints the JSON Lines trace.
 *
 * @module
 */

/** The conversion a trace measures. */
export type ExtractShape = "sg" | "pages" | "rdma";

/** The shapes, in the order the benchmark runs them. */
export const EXTRACT_SHAPES: readonly ExtractShape[] = ["sg", "pages", "rdma"];

const PAGE = 4096;
/** UIO_MAXIOV: import_iovec's segment limit. */
const MAX_SEGS = 1024;
/** The trace format's bound on one SGE list (max_sge). */
const MAX_SGE = 65536;

/** Segment layout: `segs` segments of `per` pages, the last one taking the remainder. */
function segmentsOf(pages: number): number[] {
  const segs = Math.min(MAX_SEGS, pages);
  const per = Math.floor(pages / segs);
  const out = Array.from({ length: segs }, () => per);
  out[segs - 1] += pages - per * segs;
  return out;
}

/** Pages of the largest I/O: 1 GiB, below MAX_RW_COUNT (INT_MAX rounded down to a page). */
export const IO_PAGES = 262144;

/** The ITERTRACE_LIMITS value a trace of `pages` pages needs. */
export function limitsFor(pages: number): string {
  const n = Math.max(Math.min(pages, IO_PAGES), 1 << 16);
  return `sg_entries=${n},extract_pages=${n}`;
}

/**
 * The JSON Lines text of one trace: `pages` pages walked by I/Os of at most IO_PAGES pages
 * (one I/O up to 1 GiB; beyond it the same buffer is read again, each I/O released before
 * the next, so what is live stays one I/O's worth however many pages are walked).
 */
export function extractTrace(shape: ExtractShape, pages: number): string {
  if (!Number.isSafeInteger(pages) || pages < 1) throw new Error(`pages must be >= 1: ${pages}`);
  const bufPages = Math.min(pages, IO_PAGES);
  const ios = Math.ceil(pages / IO_PAGES);
  const lines: unknown[] = [{
    itertrace: 1,
    name: `extract-${shape}-${pages}`,
    description: `${pages} pages read by ${ios} O_DIRECT vectored I/O${
      ios === 1 ? "" : "s"
    } of up to 1024 segments, converted by ${shape}`,
    kernel: "6.12",
    memory: {
      user: [{ region: "buf", vma: "anon", prot: "rw", size: bufPages * PAGE, populated: true }],
    },
  }];
  for (let io = 0; io < ios; io++) {
    lines.push(...oneIo(shape, Math.min(IO_PAGES, pages - io * IO_PAGES)));
  }
  return lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
}

/** The ops of one I/O of `pages` pages from the start of the buffer, released at the end. */
function oneIo(shape: ExtractShape, pages: number): unknown[] {
  const size = pages * PAGE;
  const segs = segmentsOf(pages);
  const iov: { base: string; len: number }[] = [];
  let at = 0;
  for (const n of segs) {
    iov.push({ base: `buf+0x${(at * PAGE).toString(16)}`, len: n * PAGE });
    at += n;
  }
  const lines: unknown[] = [];
  const dir = shape === "rdma" ? "source" : "dest";
  lines.push({ op: "import_iovec", iter: "v", dir, iov });
  if (shape === "sg") {
    lines.push(
      { op: "sg_init_table", sgt: "s", nents: pages },
      { op: "extract_iter_to_sg", iter: "v", maxsize: size, sgt: "s", sg_max: pages },
      { op: "io_complete", of: "s" },
      { op: "unpin_user_pages_dirty_lock", pages: "s", dirty: true },
      { op: "free", var: "s" },
    );
  } else if (shape === "pages") {
    segs.forEach((n, k) => {
      lines.push({
        op: "iov_iter_extract_pages",
        iter: "v",
        maxsize: n * PAGE,
        maxpages: n,
        as: `p${k}`,
      });
    });
    segs.forEach((_, k) => {
      lines.push(
        { op: "io_complete", of: `p${k}` },
        { op: "unpin_user_pages_dirty_lock", pages: `p${k}`, dirty: true },
        { op: "free", var: `p${k}` },
      );
    });
  } else {
    // max_sge is at most 65536: the SGEs go into lists of that many, one call each
    const chunks = Math.ceil(pages / MAX_SGE);
    lines.push({ op: "netfs_extract_user_iter", iter: "v", len: size, new: "bv" });
    for (let k = 0; k < chunks; k++) {
      const n = Math.min(MAX_SGE, pages - k * MAX_SGE);
      lines.push({
        op: "smb_extract_iter_to_rdma",
        iter: "bv",
        len: n * PAGE,
        rdma: `r${k}`,
        max_sge: n,
        lkey: 7,
        dma_dir: "to_device",
      });
    }
    for (let k = 0; k < chunks; k++) lines.push({ op: "io_complete", of: `r${k}` });
    lines.push({ op: "unpin_user_pages", pages: "bv" });
    for (let k = 0; k < chunks; k++) lines.push({ op: "free", var: `r${k}` });
    lines.push({ op: "free", var: "bv" });
  }
  lines.push({ op: "free", var: "v" });
  return lines;
}

if (import.meta.main) {
  const [shape, n] = Deno.args;
  if (!EXTRACT_SHAPES.includes(shape as ExtractShape) || !(Number(n) >= 1)) {
    console.error("usage: extract_trace.ts sg|pages|rdma PAGES");
    Deno.exit(2);
  }
  await Deno.stdout.write(new TextEncoder().encode(extractTrace(shape as ExtractShape, +n)));
}
