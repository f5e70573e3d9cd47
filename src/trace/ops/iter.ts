/**
 * Iterator ops: the constructors (one per ITER_* kind), the ops that move an iterator's
 * position, and the queries.
 *
 * @module
 */
import { z } from "zod";
import { arg, numberSchema } from "../args.ts";
import { once, op } from "./decl.ts";

const iter = once(() => arg.name("the iterator"));
const newIter = once(() => arg.name("name of the new iterator"));
const seg = once(() =>
  z.object({
    base: arg.addr("start of the segment (iov_base)"),
    len: arg.num("length of the segment (iov_len)"),
  }).strict()
);
const useg = once(() =>
  z.object({
    base: arg.addr("start of the segment (iov_base)"),
    len: arg.slen("length as the caller passed it (ssize_t: a negative length is -EINVAL)"),
  }).strict()
);
const bseg = once(() =>
  z.object({
    page: arg.page("the page (bv_page)"),
    offset: arg.num("offset into the page (bv_offset)"),
    len: arg.num("length (bv_len)"),
  }).strict()
);
const lib = "lib/iov_iter.c", uio = "include/linux/uio.h";

/** Iterator constructors, position ops and queries. */
export const ITER_OPS = {
  iov_iter_ubuf: op({
    summary: "an ITER_UBUF iterator over one user buffer",
    follows: { fn: "iov_iter_ubuf", file: uio },
    era: "iter_ubuf",
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      addr: arg.addr("user address of the buffer"),
      len: arg.num("length of the buffer"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_init: op({
    summary: "an ITER_IOVEC iterator over user segments, taken as given",
    follows: { fn: "iov_iter_init", file: lib },
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      iov: z.array(seg()).describe("the iovec array"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  import_iovec: op({
    summary: "an iterator over user segments, checked as readv/writev check them",
    follows: { fn: "import_iovec", file: lib },
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      iov: z.array(useg()).describe("the iovec array as user space passed it"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_kvec: op({
    summary: "an ITER_KVEC iterator over kernel virtual segments",
    follows: { fn: "iov_iter_kvec", file: lib },
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      kvec: z.array(seg()).describe("the kvec array"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_bvec: op({
    summary: "an ITER_BVEC iterator over (page, offset, len) segments",
    follows: { fn: "iov_iter_bvec", file: lib },
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      bvec: z.array(bseg()).describe("the bio_vec array"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_xarray: op({
    summary: "an ITER_XARRAY iterator over a file's page cache",
    follows: { fn: "iov_iter_xarray", file: lib },
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      file: arg.file("the file whose page cache (i_pages) is iterated"),
      start: arg.num("file position of the first byte"),
      count: arg.num("bytes to iterate"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_folio_queue: op({
    summary: "an ITER_FOLIOQ iterator over a chain of folio_queue segments",
    follows: { fn: "iov_iter_folio_queue", file: lib },
    era: "iter_folioq",
    args: () => ({
      iter: newIter(),
      dir: arg.dir(),
      folios: arg.mem("the region or file whose folios fill the queue, in order"),
      slot: arg.num("first slot").default(0),
      offset: arg.num("offset into the first slot's folio").default(0),
      count: arg.num("bytes to iterate"),
      slots_per_segment: numberSchema({ min: 1, max: 4096 }).describe(
        "folios per folio_queue segment (folioq_nr_slots)",
      ).default(31),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_discard: op({
    summary: "an ITER_DISCARD iterator: writes into it are dropped",
    follows: { fn: "iov_iter_discard", file: lib },
    args: () => ({ iter: newIter(), count: arg.num("bytes it accepts") }),
    vars: { creates: { iter: "iter" } },
  }),
  iov_iter_pipe: op({
    summary: "an ITER_PIPE iterator that writes into a pipe's buffers",
    follows: { fn: "iov_iter_pipe", file: lib },
    era: "iter_pipe",
    args: () => ({
      iter: newIter(),
      pipe: arg.pipe("the pipe to fill"),
      count: arg.num("bytes it accepts"),
    }),
    vars: { creates: { iter: "iter" } },
  }),

  iov_iter_advance: op({
    summary: "moves the iterator forward",
    follows: { fn: "iov_iter_advance", file: lib },
    args: () => ({ iter: iter(), bytes: arg.num("bytes to skip") }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_revert: op({
    summary: "moves the iterator back",
    follows: { fn: "iov_iter_revert", file: lib },
    args: () => ({ iter: iter(), bytes: arg.num("bytes to step back") }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_truncate: op({
    summary: "caps the bytes left in the iterator",
    follows: { fn: "iov_iter_truncate", file: uio },
    args: () => ({ iter: iter(), count: arg.num("new upper bound of the count") }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_reexpand: op({
    summary: "sets the count back after a truncate",
    follows: { fn: "iov_iter_reexpand", file: uio },
    args: () => ({ iter: iter(), count: arg.num("the count to restore") }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_save_state: op({
    summary: "saves the iterator's position",
    follows: { fn: "iov_iter_save_state", file: uio },
    args: () => ({ iter: iter(), state: arg.name("name of the saved iov_iter_state") }),
    vars: { reads: { iter: "iter" }, creates: { state: "state" } },
  }),
  iov_iter_restore: op({
    summary: "puts the iterator back where a saved state says",
    follows: { fn: "iov_iter_restore", file: lib },
    args: () => ({
      iter: iter(),
      state: arg.name("the iov_iter_state saved by iov_iter_save_state"),
    }),
    vars: { reads: { iter: "iter", state: "state" } },
  }),
  dup_iter: op({
    summary: "copies an iterator and the segment array it points into",
    follows: { fn: "dup_iter", file: lib },
    args: () => ({ iter: iter(), as: arg.name("name of the copy") }),
    vars: { reads: { iter: "iter" }, creates: { as: "iter" } },
  }),
  iov_iter_count: op({
    summary: "the bytes left in the iterator",
    follows: { fn: "iov_iter_count", file: uio },
    args: () => ({ iter: iter() }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_npages: op({
    summary: "how many pages the rest of the iterator spans",
    follows: { fn: "iov_iter_npages", file: lib },
    args: () => ({ iter: iter(), maxpages: arg.num("the most pages to count") }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_alignment: op({
    summary: "the OR of every segment's start and length (how aligned the data is)",
    follows: { fn: "iov_iter_alignment", file: lib },
    args: () => ({ iter: iter() }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_gap_alignment: op({
    summary: "the OR of the gaps between segments (whether they can share one page list)",
    follows: { fn: "iov_iter_gap_alignment", file: lib },
    args: () => ({ iter: iter() }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_is_aligned: op({
    summary: "whether every segment's start and length pass the masks",
    follows: { fn: "iov_iter_is_aligned", file: lib },
    era: "is_aligned",
    args: () => ({
      iter: iter(),
      addr_mask: arg.u64("address mask (e.g. dma_alignment)"),
      len_mask: arg.u64("length mask (e.g. logical block size - 1)"),
    }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_single_seg_count: op({
    summary: "the bytes left in the current segment",
    follows: { fn: "iov_iter_single_seg_count", file: lib },
    args: () => ({ iter: iter() }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_extract_will_pin: op({
    summary: "whether extraction from the iterator pins its pages",
    follows: { fn: "iov_iter_extract_will_pin", file: uio },
    era: "extract_pages",
    args: () => ({ iter: iter() }),
    vars: { reads: { iter: "iter" } },
  }),
};
